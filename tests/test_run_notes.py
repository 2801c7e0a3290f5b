"""Why a run is in its status, in the reader's language: the library records a code and its
numbers beside the English line, and the Runs page words it from them, never from the English text."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import pytest

from gan_core.runs import notes
from gan_core.runs.checkpoints import RunDir
from gan_core.config import TrainConfig
from gan_core.trainer import Trainer
from ui.i18n import STRINGS

from .test_app import counted, open_app, text, texts

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = {int: 3, float: 15.0, str: "x", dict: {}, BaseException: RuntimeError("x")}


def every_note() -> list[notes.Note]:
    """One note of each kind the library makes (each maker called with sample values)."""
    made = [value for value in vars(notes).values() if isinstance(value, notes.Note)]
    for name, maker in vars(notes).items():
        if inspect.isfunction(maker) and maker.__module__ == notes.__name__ and not name.startswith("_"):
            hints = inspect.get_annotations(maker, eval_str=True)
            made.append(maker(*(SAMPLE.get(hints.get(p), 1) for p in inspect.signature(maker).parameters)))
    return made


def test_every_note_code_has_a_text_in_both_languages() -> None:
    codes = {note.code for note in every_note()} - {"", "user_error"}  # user errors: ui/strings/errors.py
    assert {"finished", "stopped", "diverged", "interrupted", "gpu_memory", "disk_full"} <= codes
    missing = sorted(code for code in codes if set(STRINGS.get(f"note_{code}", {})) != {"ru", "en"})
    assert not missing, missing


def test_the_trainer_records_a_code_beside_the_english_line(tmp_path: Path, small_mnist) -> None:
    config = TrainConfig(model="mlp", epochs=1, batch_size=64, latent_dim=8, device="cpu")
    stopped = Trainer.create(config, RunDir("stopped", tmp_path), data=small_mnist)
    stopped.train(max_seconds=0)
    summary = RunDir("stopped", tmp_path).read_info()["summary"]
    assert (summary["message"], summary["note"]) == ("stopped at epoch 1, step 0",
                                                     {"code": "stopped", "params": {"epoch": 1, "step": 0}})
    stopped.train()
    info = RunDir("stopped", tmp_path).info()
    assert (info.status, info.note.code, info.note.params, info.message) == (
        "finished", "finished", {"epochs": 1}, "finished 1 epoch")


def test_a_run_saved_before_notes_had_codes_gets_its_code_from_its_status() -> None:
    summary = json.loads((ROOT / "checkpoints" / "pretrained-sngan" / "run.json").read_text())["summary"]
    assert "note" not in summary  # the shipped run.json is as it was trained
    note = notes.Note.of_summary("finished", summary)
    assert (note.code, note.params) == ("finished", {"epochs": summary["epochs_done"]})
    assert notes.Note.of_summary("stopped", {"message": "something else"}).code == ""


@pytest.fixture
def noted_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_mnist) -> Path:
    """A stopped run and the shipped run's run.json as it is on disk (no note: its code comes from its status)."""
    root = tmp_path / "checkpoints"
    Trainer.create(TrainConfig(model="mlp", epochs=3, batch_size=64, latent_dim=8, device="cpu"),
                   RunDir("halted", root), data=small_mnist).train(max_seconds=0)
    (root / "pretrained-sngan").mkdir()
    shutil.copy(ROOT / "checkpoints" / "pretrained-sngan" / "run.json", root / "pretrained-sngan" / "run.json")
    monkeypatch.setenv("GAN_LAB_CHECKPOINTS", str(root))
    return root


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_runs_page_says_why_in_the_readers_language(noted_runs: Path, language: str) -> None:
    at = open_app("runs", language)
    at.selectbox(key="keep_runs_selected").set_value("halted").run()
    assert text("note_stopped", language, epoch=1, step=0) in texts(at, "caption")
    assert "stopped at epoch 1, step 0" not in " ".join(texts(at, "caption"))
    at.selectbox(key="keep_runs_selected").set_value("pretrained-sngan").run()
    epochs = RunDir("pretrained-sngan", noted_runs).info().epochs_done
    assert text("note_finished", language, epochs_text=counted("n_epochs", epochs, language)) in texts(at, "caption")
