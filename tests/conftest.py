"""Shared fixtures: every test gets its own checkpoints folder; nothing touches the repo's runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from .helpers import ROOT  # noqa: F401 - importing helpers puts the repo on sys.path, for gan_core

from gan_core.data import ImageDataset, load_dataset  # noqa: E402

# The app's job manager trains with one core left free; in this test process the pages run inside
# pytest, so keep torch's own thread count for the rest of the suite.
os.environ.setdefault("GAN_LAB_TORCH_THREADS", str(torch.get_num_threads()))


@pytest.fixture
def checkpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh checkpoints root, also exported as GAN_LAB_CHECKPOINTS for the CLI."""
    root = tmp_path / "checkpoints"
    root.mkdir()
    monkeypatch.setenv("GAN_LAB_CHECKPOINTS", str(root))
    return root


@pytest.fixture(scope="session")
def mnist() -> ImageDataset:
    return load_dataset("mnist-5k")


@pytest.fixture(scope="session")
def small_mnist(mnist: ImageDataset) -> ImageDataset:
    """512 digits (all classes): enough for a few real training steps in well under a second."""
    order = torch.randperm(len(mnist), generator=torch.Generator().manual_seed(0))[:512]
    return ImageDataset("mnist-5k", mnist.images[order], mnist.labels[order])


@pytest.fixture(scope="session")
def measured_run(tmp_path_factory: pytest.TempPathFactory, small_mnist: ImageDataset) -> Path:
    """The folder of a tiny finished run (MLP, 2 epochs) measured at each epoch's end as the job manager measures
    digit runs (FID, the class histogram...): trained once for the whole session; tests copy it."""
    from gan_core.config import TrainConfig
    from gan_core.eval.metrics import training_evaluator
    from gan_core.runs.checkpoints import RunDir
    from gan_core.trainer import Trainer

    root = tmp_path_factory.mktemp("measured-run")
    config = TrainConfig(model="mlp", epochs=2, batch_size=64, device="cpu", latent_dim=16)
    Trainer.create(config, RunDir("tiny", root), data=small_mnist, evaluate=training_evaluator(config.dataset)).train()
    return root / "tiny"
