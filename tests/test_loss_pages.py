"""The losses in the app: the Train page's loss selector, curves labelled by what they mean, and the Theory
page's "What goes wrong" from the shipped recording (AppTest, both languages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gan_core.eval import what_goes_wrong
from gan_core.runs.checkpoints import RunDir
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.trainer import Trainer

from .test_app import TRAINING_TIMEOUT, figures, job_manager, jobs, open_app, start, text, texts  # noqa: F401  (job_manager, jobs: fixtures)


def trace_names(at) -> set[str]:
    return {trace.get("name") for figure in figures(at) for trace in figure.get("data", [])}


def test_train_page_starts_a_run_with_a_non_default_loss_and_labels_its_curves(checkpoints: Path, jobs) -> None:
    at = open_app("train", "en")
    assert at.selectbox(key="keep_train_loss").value == "ns"
    assert at.text_input(key="keep_train_d_steps").value == "1"
    at.text_input(key="keep_train_epochs").set_value("1")
    at.selectbox(key="keep_train_loss").set_value("wgan-gp").run()
    assert at.text_input(key="keep_train_d_steps").value == "5"  # WGAN-GP brings 5 critic steps
    assert at.text_input(key="keep_train_epochs").value == "1"  # and leaves the user's other settings alone
    assert any(text("lv_about_wgan-gp", "en") in caption for caption in texts(at, "caption"))  # the loss explained
    start(at, "critic", r1="1", batch_size="500")

    job = jobs.job("critic", checkpoints)
    assert (job.config.loss, job.config.r1, job.config.d_steps) == ("wgan-gp", 1.0, 5)
    assert jobs.wait("critic", TRAINING_TIMEOUT, checkpoints).state == "finished"
    assert RunDir("critic", checkpoints).read_info()["config"]["loss"] == "wgan-gp"
    at.run()
    names = trace_names(at)
    assert {text("lv_wgan_loss_d", "en"), text("lv_wgan_distance", "en"), text("lv_wgan_d_real", "en")} <= names
    assert text("d_real", "en") not in names  # a critic's value is not "D(x)"

    at.selectbox(key="keep_train_loss").set_value("ns").run()  # back: the model's own D steps
    assert at.text_input(key="keep_train_d_steps").value == "1"


def test_losses_page_labels_each_runs_curves_by_its_loss(checkpoints: Path, small_mnist) -> None:
    for name, loss in (("hinged", "hinge"), ("critic", "wgan-gp")):
        config = TrainConfig.for_model("mlp", loss=loss, epochs=1, batch_size=100, latent_dim=8, device="cpu")
        Trainer.create(config, RunDir(name, checkpoints), data=small_mnist).train()
    at = open_app("losses", "ru")
    at.multiselect(key="keep_losses_runs").set_value(["critic"]).run()
    names = trace_names(at)
    assert {text("lv_wgan_loss_d"), text("lv_wgan_d_fake"), text("lv_wgan_distance")} <= names
    assert text("lv_explain_wgan-gp") in texts(at, "alert") or any(text("lv_explain_wgan-gp") in s for s in texts(at, "info"))
    at.multiselect(key="keep_losses_runs").set_value(["hinged"]).run()
    assert {text("lv_hinge_loss_d"), text("lv_hinge_d_real")} <= trace_names(at)
    at.multiselect(key="keep_losses_runs").set_value(["hinged", "critic"]).run()
    assert not at.exception
    assert f"hinged · {text('lv_hinge_loss_g')}" in trace_names(at)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_theory_page_shows_the_three_failures_from_the_shipped_recording(checkpoints: Path, language: str) -> None:
    shipped = what_goes_wrong.load()  # the file ships with the repo
    at = open_app("home", language)
    headings = texts(at, "subheader")
    assert text("wrong_h", language) in texts(at, "header")
    for key in ("wrong_saturation_h", "wrong_collapse_h", "wrong_dwins_h"):
        assert text(key, language) in headings
    charts = {chart.proto.id: chart for chart in at.get("plotly_chart")}
    assert len(charts) >= 6  # norms and D(G(z)); two histograms; D's outputs and the losses
    shown = figures(at)
    norms = next(f for f in shown if f["layout"]["yaxis"]["title"]["text"] == text("wrong_grad_norm", language))
    by_name = {trace["name"]: trace["y"] for trace in norms["data"]}
    minimax, ns = by_name[text("lv_short_minimax", language)], by_name[text("lv_short_ns", language)]
    assert minimax == pytest.approx(shipped["saturation"]["minimax"]["grad_g"])
    assert sum(minimax) < sum(ns)  # the recording shows saturation: minimax's G gets the smaller gradient
    collapsed, healthy = shipped["collapse"]["collapsed"], shipped["collapse"]["healthy"]
    assert min(collapsed["classes_covered"][-3:]) < min(healthy["classes_covered"][-3:])
    d_wins = shipped["d_wins"]
    assert d_wins["d_real"][-1] > 0.9 and d_wins["d_fake"][-1] < 0.1 and d_wins["loss_g"][-1] > d_wins["loss_g"][0]


def test_recording_the_three_failures_keeps_every_number_the_page_draws(tmp_path: Path, small_mnist,
                                                                        monkeypatch) -> None:
    """what_goes_wrong.record, tiny: 3 steps per curve and one epoch of 2 steps per collapse run on 128 digits (the
    shipped recording trains for minutes); what it returns is saved, loaded back and has what the Theory page reads."""
    digits = ImageDataset(small_mnist.name, small_mnist.images[:128], small_mnist.labels[:128])
    monkeypatch.setattr(what_goes_wrong, "load_dataset", lambda name: digits)
    monkeypatch.setattr(what_goes_wrong, "SATURATION_STEPS", 3)
    monkeypatch.setattr(what_goes_wrong, "D_WINS_STEPS", 3)
    monkeypatch.setattr(what_goes_wrong, "COLLAPSE", {name: {**recipe, "epochs": 1, "batch_size": 64}
                                                      for name, recipe in what_goes_wrong.COLLAPSE.items()})
    said: list[str] = []
    result = what_goes_wrong.record(n=100, log=said.append)
    assert len(said) == 3 and result["format"] == what_goes_wrong.FORMAT
    minimax, ns = result["saturation"]["minimax"], result["saturation"]["ns"]
    assert (minimax["settings"]["loss"], ns["settings"]["loss"]) == ("minimax", "ns")
    assert {k: v for k, v in minimax["settings"].items() if k != "loss"} == \
        {k: v for k, v in ns["settings"].items() if k != "loss"}  # the same run but for the loss: a fair comparison
    for curve in (minimax, ns, result["d_wins"]):
        assert all(len(curve[column]) == 3 for column in ("loss_d", "loss_g", "d_real", "d_fake", "grad_g"))
    assert minimax["grad_g"] != ns["grad_g"]
    assert result["d_wins"]["settings"]["lr_d"] == 100 * result["d_wins"]["settings"]["lr_g"]  # D learns faster
    for run in result["collapse"].values():
        assert run["epochs"] == [1] and len(run["class_histogram"][0]) == 10
        assert sum(run["class_histogram"][0]) == pytest.approx(1, abs=1e-3)
        assert what_goes_wrong.samples(run).shape == (what_goes_wrong.SAMPLES_KEPT, 28, 28)
    path = what_goes_wrong.save(result, tmp_path / "what-goes-wrong.json")
    assert what_goes_wrong.load(path) == result
