"""What ships in checkpoints/: the pretrained run a fresh clone opens with, and its quality."""

from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from gan_core.runs.checkpoints import RunDir, list_runs
from gan_core.eval.metrics import evaluate_images
from gan_core.sampling import load_generator
from gan_core.trainer import MAX_SNAPSHOTS

from .helpers import ROOT

SHIPPED_ROOT = ROOT / "checkpoints"
SHIPPED = [run.name for run in list_runs(SHIPPED_ROOT) if run.shipped]


def test_a_pretrained_run_ships_and_the_folder_stays_small() -> None:
    assert "pretrained-sngan" in SHIPPED
    total = sum(path.stat().st_size for path in SHIPPED_ROOT.rglob("*") if path.is_file())
    assert total < 20 * 2**20, f"checkpoints/ holds {total / 2**20:.1f} MB; the limit is 20 MB"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_runs_load_generate_and_draw_every_digit(name: str) -> None:
    run = RunDir(name, SHIPPED_ROOT)
    info = run.info()
    assert info.status == "finished" and info.epochs_done == info.epochs_target
    quality = evaluate_images(load_generator(run).sample(1000, seed=0), memorisation=True)
    # The README's reference row for this run says what it scores; these bounds leave room for
    # float differences between machines but catch a broken or swapped checkpoint.
    assert quality.classes_covered == 10 and quality.min_class_share > 0.04
    assert quality.fid_ratio < 10 and quality.mean_confidence > 0.85
    assert quality.memorisation.exact_copies == 0
    # The Progression page has frames from the first epoch to the last (a long run's thinned evenly, as
    # every run's beyond MAX_SNAPSHOTS is), and every epoch has its metrics.
    frames = run.snapshot_epochs()
    assert frames[0] == 1 and frames[-1] == info.epochs_done and 20 <= len(frames) <= MAX_SNAPSHOTS
    steps = {b - a for a, b in zip(frames, frames[1:-1])}
    assert len(steps) == 1, f"frames not evenly spread: {frames}"
    epochs = run.load_checkpoint()["history"]["epochs"]
    assert len(epochs) == info.epochs_done and all("fid" in record for record in epochs)


def test_a_fresh_clone_opens_the_latent_explorer_on_the_pretrained_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAN_LAB_CHECKPOINTS", raising=False)  # the app's own checkpoints/ folder
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("ui/pages/latent.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="keep_latent_run").value == "pretrained-sngan"
    before = at.image[0].value
    at.slider[0].set_value(2.0).run()  # z1
    assert not at.exception
    assert at.image[0].value != before
