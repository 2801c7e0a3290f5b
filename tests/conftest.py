"""Shared fixtures: every test gets its own checkpoints folder; nothing touches the repo's runs."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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


def copy_run(folder: Path, root: Path, name: str, **info: object) -> None:
    """A copy of a run's folder under another name (its run.json says so), with any other fields of run.json."""
    from gan_core.runs.checkpoints import RunDir

    shutil.copytree(folder, root / name)
    RunDir(name, root).update_info(name=name, **info)


def cli_env(root: Path) -> dict[str, str]:
    """Environment for running `python -m gan_core` from the repo root against a test checkpoints folder."""
    env = dict(os.environ)
    env["GAN_LAB_CHECKPOINTS"] = str(root)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait for something a test needs before it goes on (a wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition never came true")
        time.sleep(0.01)


@contextlib.contextmanager
def as_a_poll(at, monkeypatch: pytest.MonkeyPatch):
    """The AppTest runs inside are a fragment's rerun, as a browser's poll makes (st.fragment's run_every): only
    the page's fragments run, and Streamlit marks the run as theirs (what `widgets.fragment_run` reads). AppTest
    has no call for it, so the rerun request its script runner makes is given the ids of the fragments that the
    last whole-page run registered."""
    from streamlit.testing.v1 import local_script_runner

    fragments = at._fragment_storage  # AppTest keeps it across runs, so a fragment's closure can run again
    queue = sorted(fragments.ids_registered_after(0))
    assert queue, "the page has no fragment to rerun"
    with monkeypatch.context() as patch:
        patch.setattr(local_script_runner, "RerunData",
                      functools.partial(local_script_runner.RerunData, fragment_id_queue=queue))
        yield
