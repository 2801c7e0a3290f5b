"""Runs from another machine open everywhere: a run trained on a GPU opens, samples, evaluates and resumes on a
machine without one, and its archive imports there. Its recorded device is history, not a demand; where it
matters (resuming) the page says in one line which device it goes on with.

Tested as a CPU-only machine: CUDA hidden (CUDA_VISIBLE_DEVICES="", and torch told there is none), with both
shipped runs (pretrained-cgan was trained on an H100) on every page in both languages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.runs.archive import import_run
from gan_core.runs.checkpoints import CHECKPOINT_FORMAT, RunDir, load_tensor_file, run_archive
from gan_core.sampling import load_generator
from gan_core.trainer import Trainer
from ui.people import PASSWORD_ENV

from .helpers import ROOT
from .test_app import measured, open_app, text, texts

SHIPPED = ("pretrained-cgan", "pretrained-sngan")
PICKERS = {"train": "keep_train_watch", "latent": "keep_latent_run", "progression": "keep_progression_run",
           "compare": "keep_compare_run", "runs": "keep_runs_selected"}


@pytest.fixture
def cpu_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine as one without a GPU (a worker it starts inherits the hidden devices too)."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def shipped(checkpoints: Path) -> Path:
    """The two shipped runs, copied into the test's checkpoints folder (nothing touches the repository's)."""
    for name in SHIPPED:
        shutil.copytree(ROOT / "checkpoints" / name, checkpoints / name)
    assert json.loads((checkpoints / "pretrained-cgan" / "run.json").read_text())["config"]["device"] == "cuda"
    return checkpoints


def clean(at, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    assert not at.error and not at.warning, (where, texts(at, "error"), texts(at, "warning"))


def device_words(recorded: str, language: str) -> str:
    """A recorded device as the page says it: "cuda (NVIDIA H100 80GB HBM3)" -> the kind in words, then the card."""
    kind, _, card = recorded.partition(" (")
    return f"{text(f'device_choice_{kind}', language)} ({card}" if card else text(f"device_choice_{kind}", language)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_both_shipped_runs_open_on_every_page_without_a_gpu(cpu_only, shipped, language) -> None:
    at = open_app("home", language)
    for page in ("home", "data", "toy2d"):  # pages of no run: nothing of the shipped runs may break them either
        at.switch_page(f"ui/pages/{page}.py").run()
        clean(at, page)
    for page in ("train", "losses", "latent", "progression", "compare", "runs", "board"):
        at.switch_page(f"ui/pages/{page}.py").run()
        for run in SHIPPED:
            if page in PICKERS:
                at.selectbox(key=PICKERS[page]).select(run).run()
            elif page == "losses":
                at.multiselect(key="keep_losses_runs").set_value([run]).run()
            if page == "compare":
                measured(at)
                assert len(at.table[0].value) == 4, run  # the run's numbers are measured here, on the CPU
            clean(at, f"{page} {run}")
            if page == "train":
                moved = text("device_moved", language, recorded=device_words(RunDir(run, shipped).info().device, language),
                             here=text("device_choice_cpu", language))
                assert (moved in texts(at, "caption")) == (run == "pretrained-cgan")  # said once, where it matters
                assert not at.button(key=f"train_copy_{run}").disabled  # its copy resumes here
    for run in SHIPPED:
        assert load_generator(RunDir(run, shipped)).sample(4, seed=0).shape == (4, 1, 28, 28)


def as_if_trained_on_a_gpu(run: RunDir) -> None:
    """Make a run's files say what a GPU machine writes: device "cuda" in run.json and in its checkpoint."""
    info = run.read_info()
    run.write_info({**info, "device": "cuda (NVIDIA H100 80GB HBM3)", "config": {**info["config"], "device": "cuda"}})
    state = load_tensor_file(run.checkpoint_path, CHECKPOINT_FORMAT)
    state["config"] = {**state["config"], "device": "cuda"}
    run.save_checkpoint({key: value for key, value in state.items() if key not in ("format", "version")})


def test_a_gpu_run_imports_and_resumes_on_a_cpu_machine(cpu_only, checkpoints: Path, tmp_path: Path,
                                                        small_mnist: ImageDataset) -> None:
    gpu_box = tmp_path / "gpu-box"
    config = TrainConfig(model="mlp", epochs=1, batch_size=128, device="cpu", latent_dim=8)
    Trainer.create(config, RunDir("from-gpu", gpu_box), owner="Anna", data=small_mnist).train()
    as_if_trained_on_a_gpu(RunDir("from-gpu", gpu_box))

    run = import_run(run_archive("from-gpu", gpu_box), checkpoints)  # not "damaged": its device is history
    assert run.device.startswith("cuda") and run.config["device"] == "cuda"
    trainer = Trainer.resume(RunDir("from-gpu", checkpoints), epochs=2, data=small_mnist, evaluate=None)
    assert trainer.device.type == "cpu" and trainer.config.device == "auto"  # this machine's best: its CPU
    trainer.train()
    resumed = RunDir("from-gpu", checkpoints).info()
    assert (resumed.status, resumed.epochs_done, resumed.device) == ("finished", 2, "cpu")  # where it trained last
    assert load_generator(RunDir("from-gpu", checkpoints)).sample(4, seed=0).shape == (4, 1, 28, 28)
