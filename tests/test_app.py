"""The Streamlit app through AppTest: every page in both languages, and what a user does on them.

Runs are trained for real (tiny settings); a test that starts a job waits on the job manager,
never on the page's polling fragment. Every test has its own checkpoints folder.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from gan_core.runs.checkpoints import CHECKPOINTS_ENV, RunDir
from gan_core.config import TrainConfig
from gan_core.jobs import manager as jobs_module
from gan_core.eval.curves import epoch_metrics, load_history
from gan_core.jobs.manager import JobManager, get_job_manager
from gan_core.eval.metrics import classify_one, judge_nearest, nearest_training_image
from gan_core.sampling import load_generator
from gan_core.trainer import Trainer
from ui.i18n import STRINGS, plural_form

from .helpers import placeholders, wait_until

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ("home", "data", "train", "losses", "toy2d", "latent", "progression", "compare", "runs")
NEED_A_GENERATOR = ("losses", "latent", "progression")
TITLES = {"home": "home_title", "data": "data_title", "train": "train_title", "losses": "losses_title", "toy2d": "toy2d_title",
          "latent": "latent_title", "progression": "progression_title", "compare": "compare_title", "runs": "runs_title"}
TRAINING_TIMEOUT = 600  # one epoch of the MLP on 5,000 digits: ~10 s on two idle cores, slower when shared


def text(key: str, language: str = "ru", **values: object) -> str:
    entry = STRINGS[key][language]
    return entry.format(**values) if values else entry


def counted(key: str, n: int, language: str = "ru") -> str:
    """A counted noun as the app writes it ("1 epoch", "2 эпохи"): the real plural form of the language."""
    return STRINGS[key][language].split("|")[plural_form(n, language)].format(n=n)


def open_app(page: str = "home", language: str = "ru") -> AppTest:
    """A fresh browser session on a page; fails on any exception the page raised."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = language
    at.run()
    if page != "home":
        at.switch_page(f"ui/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return measured(at) if page == "compare" else at


def measured(at: AppTest, timeout: float = TRAINING_TIMEOUT) -> AppTest:
    """Compare measures its numbers in the background and polls until they are in: rerun as its fragment
    would until the "measuring" line gives way to them."""
    waiting = {STRINGS["compare_measuring"]["ru"], STRINGS["compare_measuring"]["en"]}
    wait_until(lambda: not waiting & set(texts(at.run(), "info")), timeout=timeout)
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(element.value) for element in at.get(kind)]


def figures(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as the browser receives them (numeric arrays decoded to lists)."""
    def decoded(value):
        if isinstance(value, dict) and set(value) >= {"dtype", "bdata"}:  # plotly's typed arrays
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            shape = [int(size) for size in str(value.get("shape", "-1")).split(",") if size.strip()]
            return array.reshape(shape).tolist()
        if isinstance(value, dict):
            return {k: decoded(v) for k, v in value.items()}
        if isinstance(value, list):
            return [decoded(v) for v in value]
        return value

    return [decoded(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]


def axis_titles(figure: dict) -> set[str]:
    layout = figure.get("layout", {})
    return {layout.get(axis, {}).get("title", {}).get("text", "") for axis in ("xaxis", "yaxis")}


def column_with(at: AppTest, widget: str, key: str):
    """The innermost column that holds the widget: where its error must appear."""
    holding = [column for column in at.columns if any(w.key == key for w in column.get(widget))]
    assert holding, f"no column holds {key}"
    return min(holding, key=lambda column: len(list(column)))


@pytest.fixture(scope="module")
def trained_root(tmp_path_factory: pytest.TempPathFactory, measured_run: Path) -> Path:
    """A checkpoints folder with one tiny finished run of 2 epochs, "tiny", measured at each epoch's end as the job
    manager measures digit runs (FID, class histogram...); trained once for the session (conftest)."""
    root = tmp_path_factory.mktemp("app-runs")
    shutil.copytree(measured_run, root / "tiny")
    return root


@pytest.fixture
def with_run(trained_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the trained folder, so no test can spoil another's runs."""
    root = tmp_path / "checkpoints"
    shutil.copytree(trained_root, root)
    monkeypatch.setenv(CHECKPOINTS_ENV, str(root))
    return root


@pytest.fixture(autouse=True)
def job_manager(monkeypatch: pytest.MonkeyPatch):
    """Each test's own job manager, installed as the process's one (what `get_job_manager` returns and
    the pages use): no job, queue or thread of one test is seen by another. Whatever a test leaves
    training is stopped and saved at its end."""
    manager = JobManager()
    monkeypatch.setattr(jobs_module, "_manager", manager)
    yield manager
    manager.shutdown(TRAINING_TIMEOUT)


@pytest.fixture
def jobs(checkpoints: Path, job_manager: JobManager) -> JobManager:
    """The app's job manager of this test, training into the test's checkpoints folder."""
    assert get_job_manager() is job_manager
    return job_manager


# --- every page, both languages ---------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_renders_before_any_training_and_sends_the_user_to_train(checkpoints, language) -> None:
    at = open_app("home", language)
    for page in PAGES:
        at.switch_page(f"ui/pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert texts(at, "title") == [text(TITLES[page], language)]
        if page in NEED_A_GENERATOR + ("compare",):
            assert text("need_run", language) in texts(at, "info"), page
            assert any(link.proto.page.endswith("train") for link in at.get("page_link")), page
        if page == "compare":
            measured(at)
            assert len(at.image) == 3  # both Gaussians and the real digits, even without a GAN
            assert len(at.table[0].value) == 3  # and their numbers


def guess_pattern(language: str) -> re.Pattern:
    """The Latent explorer's guess line as the user reads it: the template with a digit and a percentage."""
    template = re.escape("#### " + STRINGS["latent_guess"][language])
    template = template.replace(re.escape("{digit}"), "[0-9]").replace(re.escape("{confidence:.0%}"), "[0-9]{1,3}%")
    return re.compile(template + "(" + re.escape(STRINGS["latent_guess_unsure"][language]) + ")?")


# The axes of every chart on a page of the tiny two-epoch run: (x, y) titles of each, so a chart that goes
# missing, is added twice or loses its labels fails.
CHART_AXES = {
    "train": lambda lang: [text("step", lang), text("loss", lang), text("step", lang), text("d_output", lang),
                           text("digit", lang), text("share_axis", lang), text("epoch", lang),
                           text("metric_fid_ratio", lang), text("epoch", lang), text("digit", lang)],
    "losses": lambda lang: [text("step", lang), text("loss", lang), text("step", lang), text("d_output", lang),
                            *(text(key, lang) for key in ("metric_fid_ratio", "metric_fid", "metric_kid",
                                                          "metric_classes_covered", "metric_mean_confidence",
                                                          "metric_kl_to_uniform")),
                            *[text("epoch", lang)] * 7, text("digit", lang)],  # six metrics and the heat map by epoch
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_renders_with_a_trained_run(with_run, language) -> None:
    guess = guess_pattern(language)
    at = open_app("home", language)
    for page in PAGES:
        at.switch_page(f"ui/pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert texts(at, "title") == [text(TITLES[page], language)]
        assert text("need_run", language) not in texts(at, "info"), page
        if page == "latent":
            assert len(at.image) == 2  # the digit and the nearest training image
            assert any(guess.fullmatch(m) for m in texts(at, "markdown")), "no classifier's guess"
        if page in ("train", "losses"):
            shown = sorted(title for f in figures(at) for title in axis_titles(f) if title)
            assert shown == sorted(CHART_AXES[page](language)), f"{page}: {' | '.join(shown)}"
            assert text("quality_h", language) in texts(at, "subheader")
        if page == "progression":
            assert len(at.image) == 1  # the chosen epoch; the animation when asked for (below)
            assert at.button(key="progression_gif_make").proto.label == text("progression_gif_make", language)
        if page == "compare":
            measured(at)
            assert len(at.image) == 4  # two Gaussians, the GAN and the real digits
            assert len(at.table[0].value) == 4  # one row of numbers each
    assert at.table[0].value[text("col_status", language)].tolist() == [text("status_finished", language)]


def test_charts_reach_the_browser_in_single_precision_with_a_template_of_flat_axes_only(with_run) -> None:
    """A class's thirty browsers are each sent every chart of every page they open: float64 values and plotly's
    polar, 3D and map defaults made up a third of the Train page's 118 kB (a run's live view)."""
    for page in ("train", "home"):
        at = open_app(page, "en")
        specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
        assert len(specs) >= 4, page
        kinds = {value["dtype"] for spec in specs for trace in spec["data"] for value in trace.values()
                 if isinstance(value, dict) and "bdata" in value}
        assert "f4" in kinds and "f8" not in kinds, (page, kinds)
        for spec in specs:
            assert not {"polar", "ternary", "scene", "geo"} & set(spec["layout"]["template"]["layout"]), page
            assert set(spec["layout"]["template"].get("data", {})) <= {"scatter", "bar", "heatmap"}, page


def test_home_tells_the_lecture_with_formulas_and_links_to_every_page(checkpoints) -> None:
    at = open_app("home", "en")
    formulas = " ".join(texts(at, "latex"))
    assert r"\min_G \max_D" in formulas and "D^*_G(x)" in formulas and "JSD" in formulas
    linked = {link.proto.page.rsplit("/", 1)[-1] for link in at.get("page_link")}
    assert {"data", "train", "losses", "latent", "progression", "compare", "runs"} <= linked


# --- latent explorer ---------------------------------------------------------------------------------------
def test_moving_a_latent_slider_changes_the_image_and_the_vector_is_kept(with_run) -> None:
    at = open_app("latent")
    before = at.image[0].value
    at.slider(key="latent_slider::tiny::0").set_value(3.0).run()
    moved = at.image[0].value
    assert moved != before
    at.radio(key="keep_latent_mode").set_value("interpolation").run()
    assert not at.exception and len(at.image) == 2  # a linear and a spherical strip
    at.radio(key="keep_latent_mode").set_value("sliders").run()
    assert at.slider(key="latent_slider::tiny::0").value == 3.0 and at.image[0].value == moved
    at.button[1].click().run()  # z = 0
    assert all(slider.value == 0.0 for slider in at.slider)
    assert at.image[0].value not in (before, moved)


def test_a_seed_sets_the_whole_vector_and_the_same_seed_gives_the_same_digit(with_run) -> None:
    at = open_app("latent", "en")
    first = at.image[0].value
    at.text_input(key="keep_latent_seed").set_value("7").run()
    seven = at.image[0].value
    assert seven != first
    at.text_input(key="keep_latent_seed").set_value("0").run()
    assert at.image[0].value == first


def test_principal_directions_move_the_digit(with_run) -> None:
    at = open_app("latent", "en")
    at.radio(key="keep_latent_mode").set_value("directions").run()
    assert not at.exception
    before = at.image[0].value
    at.slider(key="latent_amount::tiny::0").set_value(2.5).run()
    assert at.image[0].value != before
    assert len(at.image) == 3  # the moved digit, its nearest training image and the sweep of every direction
    assert any(m.startswith("#### The classifier reads") for m in texts(at, "markdown"))


VERDICTS = {"copy": "a copy", "too_close": "suspiciously close", "typical": "not a copy", "far": "not a copy"}


def judgement(at: AppTest) -> tuple[str, str, list[float]]:
    """What the Latent explorer says about its digit: the guess, the verdict and the ten probabilities."""
    markdown = texts(at, "markdown")
    guess = next(m for m in markdown if m.startswith("#### The classifier reads"))
    verdict = next(m for m in markdown if m.startswith("Distance "))
    bars = next(f for f in figures(at) if "probability" in axis_titles(f))
    return guess, verdict, bars["data"][0]["y"]


def test_the_latent_explorer_shows_the_classifiers_guess_and_the_nearest_training_image(with_run) -> None:
    generator = load_generator(RunDir("tiny", with_run))

    def check(at: AppTest) -> None:
        """The page's guess, nearest image and verdict are those of the digit the sliders draw now."""
        z = torch.tensor([at.slider(key=f"latent_slider::tiny::{i}").value for i in range(generator.latent_dim)])
        image = generator.generate(z[None])[0]
        digit, confidence, probabilities = classify_one(image)
        index, distance, _ = nearest_training_image(image)
        guess, verdict, shown = judgement(at)
        assert guess.startswith(f"#### The classifier reads **{digit}**, {confidence:.0%} sure")
        assert shown == pytest.approx(probabilities)
        assert at.image[1].captions == [f"Nearest training image, #{index}"]
        assert verdict.startswith(f"Distance {distance:.1f}: **{VERDICTS[judge_nearest(distance).verdict]}**")

    at = open_app("latent", "en")
    assert len(at.image) == 2
    check(at)
    before = [image.value for image in at.image]
    at.slider(key="latent_slider::tiny::0").set_value(4.0)
    at.slider(key="latent_slider::tiny::1").set_value(-4.0).run()
    assert not at.exception and at.image[0].value != before[0]
    check(at)  # measured again for the new digit


def test_a_run_of_clothes_gets_no_digit_metrics_but_a_plain_note(checkpoints, small_mnist) -> None:
    config = TrainConfig(model="mlp", dataset="fashion-mnist", epochs=1, latent_dim=8, device="cpu")
    Trainer.create(config, RunDir("clothes", checkpoints), data=small_mnist).train()  # stands in for the clothes
    note = text("latent_no_metrics", "en", dataset="fashion-mnist")
    latent = open_app("latent", "en")
    assert len(latent.image) == 1 and note in texts(latent, "caption")
    train = open_app("train", "en")
    assert text("quality_not_digits", "en", dataset="fashion-mnist") in texts(train, "caption")
    assert text("quality_h", "en") not in texts(train, "subheader")
    losses = open_app("losses", "en")
    assert text("quality_h", "en") not in texts(losses, "subheader")


# --- train ---------------------------------------------------------------------------------------------------
def start(at: AppTest, name: str, **fields: str) -> None:
    """Type settings into the Train page's form (the keep_train_<field> boxes), name the run and press Start."""
    for field, value in fields.items():
        at.text_input(key=f"keep_train_{field}").set_value(value)
    at.text_input(key="keep_train_name").set_value(name).run()
    at.button(key="train_start").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_start_with_tiny_settings_trains_a_run_that_the_job_manager_finishes(checkpoints, jobs) -> None:
    at = open_app("train", "en")
    assert at.text_input(key="keep_train_name").value == "sngan-1"
    assert at.text_input(key="keep_train_lr_g").value == "0.002"  # the default model's recommended settings
    at.selectbox(key="keep_train_model").set_value("mlp").run()
    assert at.text_input(key="keep_train_name").value == "mlp-1"  # an untouched suggestion follows the model
    assert at.text_input(key="keep_train_lr_g").value == "0.0002"  # and so do the settings
    assert at.text_input(key="keep_train_beta1").value == "0.5"
    start(at, "lesson-1", epochs="1", batch_size="500", latent_dim="16")

    job = jobs.job("lesson-1", checkpoints)
    assert job is not None and job.config.model == "mlp" and job.config.epochs == 1
    assert not at.expander[0].proto.expanded  # the settings fold away while one's own run trains
    at.session_state["train_panel"] = True  # opened again, as a person would
    at.run()
    at.text_input(key="keep_train_seed").set_value("3").run()  # another widget while it trains
    at.run()
    other_browser = open_app("train", "en")
    assert other_browser.selectbox(key="keep_train_watch").value == "lesson-1"
    assert [j.run_name for j in jobs.jobs(checkpoints)] == ["lesson-1"]  # never stopped, never started twice

    assert jobs.wait(job, TRAINING_TIMEOUT).state == "finished"
    at.run()
    assert any(message.startswith("Done: 1 epoch in ") for message in texts(at, "success"))
    assert counted("n_epochs", 1, "en") == "1 epoch"  # one epoch, the singular: no "(s)"
    russian = open_app("train", "ru")  # the same run seen in Russian: "1 эпоха", the singular
    assert russian.selectbox(key="keep_train_watch").value == "lesson-1"
    assert any(message.startswith("Готово: 1 эпоха за ") for message in texts(russian, "success"))
    assert len(at.get("plotly_chart")) == 4 and len(at.image) == 1  # losses, D's outputs, the digits, FID / floor
    assert RunDir("lesson-1", checkpoints).info().status == "finished"
    assert at.text_input(key="keep_train_name").value == "mlp-1"  # a fresh name for the next run


def test_the_train_page_of_a_run_the_job_manager_trained_shows_fid_and_the_class_histogram(checkpoints, jobs) -> None:
    job = jobs.submit(TrainConfig(model="mlp", epochs=2, batch_size=500, latent_dim=8, device="cpu"), "measured", checkpoints)
    assert jobs.wait(job, TRAINING_TIMEOUT).state == "finished"
    records = job.history.epochs  # read from the run's folder: the job itself has left the manager
    assert [len(r["class_histogram"]) for r in records] == [10, 10] and all(r["fid"] > 0 for r in records)
    for language in ("en", "ru"):
        at = open_app("train", language)
        assert text("quality_h", language) in texts(at, "subheader")
        shown = {metric.label: metric.value for metric in at.metric}
        assert shown[text("metric_fid_ratio", language)] == f"{records[-1]['fid_ratio']:.1f}×"
        assert shown[text("col_covered", language)] == f"{records[-1]['classes_covered']} / 10"
        charts = figures(at)
        bars = next(f for f in charts if f["data"][0]["type"] == "bar")
        assert bars["data"][0]["y"] == pytest.approx([100 * s for s in records[-1]["class_histogram"]])
        assert axis_titles(bars) == {text("digit", language), text("share_axis", language)}
        fid = next(f for f in charts if text("metric_fid_ratio", language) in axis_titles(f))
        assert fid["data"][0]["x"] == [1, 2]
        assert fid["data"][0]["y"] == pytest.approx([r["fid_ratio"] for r in records])
        assert fid["layout"]["yaxis"]["type"] == "log"
        heatmap = next(f for f in charts if f["data"][0]["type"] == "heatmap")
        assert heatmap["data"][0]["x"] == [1, 2] and len(heatmap["data"][0]["z"]) == 10  # epoch x digit
    losses = open_app("losses", "en")  # the Losses page charts the same numbers per epoch
    titles = set().union(*(axis_titles(f) for f in figures(losses)))
    assert {"FID / floor", "FID", "Digits covered (≥ 2%)", "Classifier's confidence"} <= titles


def test_bad_input_shows_a_message_next_to_the_field_and_nothing_saved_is_lost(with_run) -> None:
    saved = (with_run / "tiny" / "checkpoint.pt").read_bytes()
    at = open_app("train")
    name = "keep_train_name"
    for value, message in (("", text("err_name_empty")),
                           ("../escape", text("err_name_invalid", name="../escape")),
                           ("tiny", text("err_name_taken", name="tiny"))):
        at.text_input(key=name).set_value(value).run()
        assert texts(column_with(at, "text_input", name), "error") == [message]
        assert at.button(key="train_start").disabled
    at.text_input(key=name).set_value("fresh").run()
    assert not at.error and not at.button(key="train_start").disabled
    at.text_input(key="keep_train_batch_size").set_value("6000").run()
    assert texts(column_with(at, "text_input", "keep_train_batch_size"), "error") == [
        "Батч больше набора данных: в нём 5000 картинок, и при 1 шаге D на шаг G батч может быть не больше 5000."]
    at.text_input(key="keep_train_d_steps").set_value("2").run()
    assert text("err_batch", size=5000, k=counted("n_d_steps", 2), limit=2500) in texts(at, "error")
    assert counted("n_d_steps", 2) == "2 шагах D"
    assert at.button(key="train_start").disabled
    assert (with_run / "tiny" / "checkpoint.pt").read_bytes() == saved
    assert sorted(p.name for p in with_run.iterdir()) == ["tiny"]


def test_settings_survive_a_visit_to_another_page(checkpoints) -> None:
    at = open_app("train", "en")
    at.text_input(key="keep_train_epochs").set_value("12")
    at.text_input(key="keep_train_name").set_value("my-run").run()
    at.switch_page("ui/pages/data.py").run()
    at.switch_page("ui/pages/train.py").run()
    assert at.text_input(key="keep_train_epochs").value == "12"
    assert at.text_input(key="keep_train_name").value == "my-run"


def test_stop_then_resume_from_the_train_page(checkpoints, jobs) -> None:
    job = jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=500, latent_dim=8, device="cpu"), "long", checkpoints)
    wait_until(lambda: not job.active or (job.state == "running" and (job.progress or 0) and job.progress.global_step >= 1), TRAINING_TIMEOUT)
    assert job.state == "running", job.error
    at = open_app("train", "en")
    assert at.selectbox(key="keep_train_watch").value == "long"
    at.button(key="train_stop").click().run()
    assert jobs.wait(job, TRAINING_TIMEOUT).state == "stopped"
    at.run()
    assert any("Stopped." in message for message in texts(at, "info"))
    at.text_input(key="train_resume_epochs_long").set_value("3")
    at.button(key="train_resume_long").click().run()
    resumed = jobs.job("long", checkpoints)
    assert resumed is not job and resumed.resume and resumed.config.epochs == 3


def test_a_failing_job_shows_its_error_on_the_train_page(checkpoints, jobs, small_mnist) -> None:
    Trainer.create(TrainConfig(model="mlp", epochs=1, latent_dim=8, device="cpu"), RunDir("broken", checkpoints),
                   data=small_mnist).train()
    RunDir("broken", checkpoints).checkpoint_path.write_bytes(b"\x00" * 100)
    job = jobs.submit_resume("broken", 2, checkpoints)
    assert jobs.wait(job, TRAINING_TIMEOUT).state == "failed"
    for language in ("ru", "en"):  # in the reader's language, from the error's code
        errors = texts(open_app("train", language), "error")
        failure = text("train_failed", language, error=text("error_file_corrupt", language, file="broken/checkpoint.pt"))
        assert errors == [failure]


def test_runs_beyond_the_limit_wait_in_a_queue_that_shows_each_its_place(checkpoints, jobs) -> None:
    config = TrainConfig(model="mlp", epochs=1000, batch_size=500, latent_dim=8, device="cpu")
    names = [f"q{index}" for index in range(jobs.limit("cpu") + 2)]
    for name in names:
        jobs.submit(config, name, checkpoints)
    at = open_app("train", "en")
    queue = " ".join(texts(at, "markdown"))
    assert "waiting, place 1" in queue and "waiting, place 2" in queue
    at.selectbox(key="keep_train_watch").set_value(names[-1]).run()
    assert any(message.startswith("Queued, place 2.") for message in texts(at, "info"))
    runs = open_app("runs", "en")
    assert "waiting, place 2" in runs.table[0].value["Status"].tolist()


# --- the other pages -------------------------------------------------------------------------------------------
def test_progression_shows_each_epoch_and_offers_the_gif(with_run) -> None:
    at = open_app("progression", "en")
    last = at.image[0].value
    at.select_slider(key="progression_epoch::tiny").set_value(1).run()
    assert at.image[0].value != last
    assert at.get("download_button") == []  # the GIF is made only when asked for: it costs the server seconds
    at.button(key="progression_gif_make").click().run()
    assert not at.exception
    assert len(at.image) == 2  # the chosen epoch and the animation
    assert [button.proto.label for button in at.get("download_button")] == ["Download the GIF"]
    at.select_slider(key="progression_epoch::tiny").set_value(2).run()
    assert len(at.image) == 2 and len(at.get("download_button")) == 1  # asked once, it stays for this run


def test_losses_smoothing_and_the_epoch_axis_and_the_csv(with_run) -> None:
    at = open_app("losses", "en")
    at.slider(key="keep_losses_smoothing").set_value(0.0).run()
    at.radio(key="keep_losses_axis").set_value("epoch").run()
    charts = figures(at)
    metrics = epoch_metrics(load_history(RunDir("tiny", with_run)))  # every number the run recorded per epoch
    assert {"fid_ratio", "fid", "classes_covered", "mean_confidence", "kl_to_uniform"} <= set(metrics)
    assert not at.exception and len(charts) == 2 + len(metrics) + 1  # losses, D's outputs; a chart a metric, the heat map
    labels = [text(f"metric_{m}", "en") if f"metric_{m}" in STRINGS else m for m in metrics]
    assert set(labels) <= {title for f in charts for title in axis_titles(f)} | {m.strip("*") for m in texts(at, "markdown")}
    by_title = {f["layout"]["yaxis"]["title"]["text"]: f for f in charts}
    assert by_title["FID / floor"]["layout"]["yaxis"]["type"] == "log" and by_title["FID"]["layout"]["yaxis"]["type"] == "log"
    assert by_title["Digits covered (≥ 2%)"]["data"][0]["mode"] == "lines+markers"  # two epochs: two points to see
    assert [button.proto.label for button in at.get("download_button")] == ["Download CSV"]


def test_compare_reseeds_every_column(with_run) -> None:
    at = open_app("compare", "en")
    before = [image.value for image in at.image]
    numbers = at.table[0].value
    measured(at.text_input(key="keep_compare_seed").set_value("5").run())
    after = [image.value for image in at.image]
    assert len(after) == 4 and all(a != b for a, b in zip(before, after))
    assert not at.table[0].value["FID"].equals(numbers["FID"])  # the numbers are of the samples shown


def test_compare_measures_every_source_and_the_gaussians_score_far_worse_than_real_digits(with_run) -> None:
    at = open_app("compare", "en")
    table = at.table[0].value
    assert table["Samples"].tolist() == ["Gaussian, independent pixels", "Gaussian, full covariance", "GAN", "Real"]
    assert list(table.columns) == ["Samples", "KID × 1000", "FID", "FID / floor", "Digits ≥ 2%", "Confidence",
                                   "To nearest training image", "Too close"]
    fid = dict(zip(table["Samples"], table["FID"].astype(float)))
    ratio = dict(zip(table["Samples"], table["FID / floor"].astype(float)))
    assert fid["Gaussian, independent pixels"] > 500 and fid["Gaussian, full covariance"] > 300
    assert fid["Gaussian, independent pixels"] > 20 * fid["Real"] and ratio["Real"] < 2
    too_close = dict(zip(table["Samples"], table["Too close"].astype(float)))
    assert too_close["Real"] == 1.0 and too_close["Gaussian, independent pixels"] == 0.0  # real = training images
    chart = next(f for f in figures(at) if "FID / floor (log scale)" in axis_titles(f))
    assert chart["data"][0]["x"] == pytest.approx(list(ratio.values()))
    explained = " ".join(texts(at, "markdown"))
    assert "lower is better" in explained and "FID / floor = 1" in explained
    measured(at.select_slider(key="keep_compare_measured").set_value(200).run())
    assert not at.exception and "on 200 samples" in " ".join(texts(at, "markdown"))
    assert at.table[0].value["FID"].astype(float).min() > table["FID"].astype(float).min()  # fewer samples: higher FID
    kid_now = dict(zip(table["Samples"], at.table[0].value["KID × 1000"].astype(float)))  # KID does not move with n
    kid_before = dict(zip(table["Samples"], table["KID × 1000"].astype(float)))
    assert kid_now["Gaussian, independent pixels"] == pytest.approx(kid_before["Gaussian, independent pixels"], rel=0.02)
    assert text("compare_kid_read", "en") in " ".join(texts(at, "markdown"))


def test_a_run_is_deleted_only_after_confirmation(with_run) -> None:
    at = open_app("runs", "en")
    delete = next(b for b in at.button if b.label == "Delete…")
    delete.click().run()
    assert text("runs_confirm", "en", name="tiny") in texts(at, "warning")
    assert (with_run / "tiny").exists()
    next(b for b in at.button if b.label == "Cancel").click().run()
    assert not at.warning and (with_run / "tiny").exists()
    next(b for b in at.button if b.label == "Delete…").click().run()
    next(b for b in at.button if b.label == "Yes, delete").click().run()
    assert not (with_run / "tiny").exists()
    assert texts(at, "success") == [text("runs_deleted", "en", name="tiny")]


def test_pickers_open_on_a_shipped_run_and_it_cannot_be_deleted(with_run, small_mnist) -> None:
    Trainer.create(TrainConfig(model="mlp", epochs=1, latent_dim=8, device="cpu"), RunDir("newer", with_run),
                   data=small_mnist).train()
    assert open_app("latent").selectbox(key="keep_latent_run").value == "newer"  # no shipped run: newest finished
    info = json.loads((with_run / "tiny" / "run.json").read_text())
    (with_run / "tiny" / "run.json").write_text(json.dumps({**info, "shipped": True}))
    for page, key in (("latent", "keep_latent_run"), ("progression", "keep_progression_run"),
                      ("compare", "keep_compare_run")):
        assert open_app(page).selectbox(key=key).value == "tiny", page
    assert open_app("losses").multiselect(key="keep_losses_runs").value == ["tiny"]  # not the newest
    runs = open_app("runs", "en")
    runs.selectbox(key="keep_runs_selected").set_value("tiny").run()
    assert not [b for b in runs.button if b.label == "Delete…"]
    assert text("runs_delete_shipped", "en") in texts(runs, "caption")


# --- the strings and the API ------------------------------------------------------------------------------------
def test_every_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, entry in STRINGS.items():
        assert set(entry) == {"ru", "en"}, key
        assert entry["ru"].strip() and entry["en"].strip(), key
        assert placeholders(entry["ru"]) == placeholders(entry["en"]), key
    used = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        if path.name == "i18n.py":  # defines t(); its docstring's t("key") is an example
            continue
        used |= set(re.findall(r"""\bt\(["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    assert used - set(STRINGS) == set()


def test_the_app_uses_only_the_current_streamlit_api() -> None:
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        # Spelled in parts so that a grep of the tree for these names finds only real uses.
        for outdated in ("use_" + "container_width", "use_" + "column_width", "experimental" + "_", "st.cache(", "st.beta" + "_"):
            assert outdated not in source, f"{path.name} uses {outdated}"


# --- what the user sees is what trains ------------------------------------------------------
@pytest.mark.parametrize("language", ["ru", "en"])
def test_an_out_of_range_number_disables_start_with_the_allowed_range_under_its_field(checkpoints, language) -> None:
    at = open_app("train", language)
    assert not at.button(key="train_start").disabled
    for field, value, kind, low, high in (("epochs", 0, "whole", "1", "100000"), ("lr_g", 0.0, "open_low", "0", "1"),
                                          ("lr_g", 5.0, "open_low", "0", "1"), ("ema_decay", 1.0, "open_high", "0", "1")):
        widget = f"keep_train_{field}"
        before = at.text_input(key=widget).value
        at.text_input(key=widget).set_value(f"{value:g}").run()
        assert at.text_input(key=widget).value == f"{value:g}"  # kept as typed, not replaced by the previous value
        expected = text("settings_err_out_of_range", language, value=f"{value:g}",
                        range=text(f"settings_range_{kind}", language, low=low, high=high))
        assert texts(column_with(at, "text_input", widget), "error") == [expected], field
        assert at.button(key="train_start").disabled, field
        at.text_input(key=widget).set_value(before).run()
        assert not at.error and not at.button(key="train_start").disabled


def test_a_broken_run_is_listed_with_its_reason_and_can_be_deleted(with_run) -> None:
    (with_run / "damaged").mkdir()
    (with_run / "damaged" / "run.json").write_text('{"config": {"model": "ml')
    assert [o.split(" · ")[0] for o in open_app("latent").selectbox(key="keep_latent_run").options] == ["tiny"]
    at = open_app("runs", "en")
    table = at.table[0].value
    assert dict(zip(table["Name"], table["Status"])) == {"tiny": "finished", "damaged": "broken"}
    at.selectbox(key="keep_runs_selected").set_value("damaged").run()
    [error] = texts(at, "error")
    assert error == text("runs_broken", "en", reason=text("error_file_corrupt", "en", file="run.json"))  # by its code
    next(b for b in at.button if b.label == "Delete…").click().run()
    next(b for b in at.button if b.label == "Yes, delete").click().run()
    assert not (with_run / "damaged").exists() and (with_run / "tiny").exists()
    assert texts(at, "success") == [text("runs_deleted", "en", name="damaged")]
