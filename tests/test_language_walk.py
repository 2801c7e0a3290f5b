"""Every page in one language: a walk through the whole app in Russian and in English, before any run and with
runs (a student's own, both shipped ones), as a student and as the teacher, reading every text a person sees
(tests/visible_text.py). Russian pages may hold no Latin word outside the names and units of the allow-list;
English pages no Cyrillic. Names of runs, of people and of the hardware are what they are called, and pass.

The 2D lab's words are reworded on its own branch (its settings and URL errors): its page joins the walk there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gan_core.config import TrainConfig
from gan_core.runs.checkpoints import CHECKPOINTS_ENV, RunDir
from ui.i18n import STRINGS
from ui.people import PASSWORD_ENV

from .helpers import copy_run, wait_until
from .test_app import APP, ROOT, TRAINING_TIMEOUT, job_manager  # noqa: F401 - job_manager: fixture
from .visible_text import foreign_words, visible_texts

PAGES = ("home", "data", "train", "losses", "latent", "progression", "compare", "runs", "board")
SHIPPED = ("pretrained-sngan", "pretrained-cgan")
PASSWORD = "walk"
PEOPLE = {"ru": ("Аня", "Борис"), "en": ("Ann", "Bob")}  # the student, and another student whose run she sees


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory: pytest.TempPathFactory, measured_run: Path) -> Path:
    """A student's run of two measured epochs and another student's, beside both shipped runs."""
    root = tmp_path_factory.mktemp("walk-runs")
    copy_run(measured_run, root, "mlp-1")
    copy_run(measured_run, root, "mlp-2")
    for name in SHIPPED:
        shutil.copytree(ROOT / "checkpoints" / name, root / name)
    return root


def people_of(root: Path, language: str) -> set[str]:
    """The runs' owners are named in the walk's language, as a class would name them; returns every name."""
    student, other = PEOPLE[language]
    RunDir("mlp-1", root).update_info(name="mlp-1", owner=student)
    RunDir("mlp-2", root).update_info(name="mlp-2", owner=other)
    return {student, other, "mlp-1", "mlp-2", *SHIPPED, *hardware(root)}


def hardware(root: Path) -> set[str]:
    """The devices' own names that runs recorded ("NVIDIA H100 80GB HBM3"): a product's name in any language."""
    found = set()
    for info in root.glob("*/run.json"):
        device = str(json.loads(info.read_text()).get("device") or "")
        if " (" in device:
            found.add(device.split(" (", 1)[1].rstrip(")"))
    return found


def open_session(language: str, student: str | None, teacher: bool) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = language
    if student is not None:
        at.query_params["student"] = student
    at.run()
    if teacher:
        at.text_input(key="people_password_box").input(PASSWORD)
        at.button(key="people_unlock").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def measured(at: AppTest) -> None:
    """Compare measures in the background: rerun until its numbers are in."""
    waiting = {STRINGS["compare_measuring"]["ru"], STRINGS["compare_measuring"]["en"]}
    wait_until(lambda: not waiting & {str(info.value) for info in at.run().info}, timeout=TRAINING_TIMEOUT)


def views(at: AppTest, page: str, language: str):
    """The page as it opens, then each state a person reaches on it with a click or a choice: the Latent
    explorer's modes, every run on Runs (and a delete to confirm), every run watched on Train."""
    at.switch_page(f"ui/pages/{page}.py").run()
    if page == "compare":
        measured(at)
    yield "opened"
    if page == "latent" and any(box.key == "keep_latent_mode" for box in at.radio):
        labels = list(at.radio(key="keep_latent_mode").options)
        for mode in ("interpolation", "directions", "style"):
            if STRINGS[f"latent_mode_{mode}"][language] in labels:
                at.radio(key="keep_latent_mode").set_value(mode).run()
                yield f"mode {mode}"
    if page == "runs" and any(box.key == "keep_runs_selected" for box in at.selectbox):
        for index in range(len(at.selectbox(key="keep_runs_selected").options)):
            at.selectbox(key="keep_runs_selected").select_index(index).run()
            yield f"run {at.selectbox(key='keep_runs_selected').value}"
            delete = [b for b in at.button if b.label == STRINGS["runs_delete"][language]]
            if delete:
                delete[0].click().run()
                yield f"asked to confirm deleting {at.selectbox(key='keep_runs_selected').value}"
                cancel = [b for b in at.button if b.label == STRINGS["cancel"][language]]
                cancel[0].click().run()
    if page == "train" and any(box.key == "keep_train_watch" for box in at.selectbox):
        for index in range(1, len(at.selectbox(key="keep_train_watch").options)):
            at.selectbox(key="keep_train_watch").select_index(index).run()
            yield f"watching {at.selectbox(key='keep_train_watch').value}"


def walk(at: AppTest, language: str, names: set[str]) -> list[str]:
    """Every page and its states; the texts with words of the other language, one line each."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for page in PAGES:
        for view in views(at, page, language):
            assert not at.exception, (page, view, [e.value for e in at.exception])
            for seen in visible_texts(at):
                words = foreign_words(seen, language, names)
                if words:
                    found.setdefault((page, seen.where, seen.text), words)
    return [f"{page} · {where}: {words} in {text!r}" for (page, where, text), words in found.items()]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_before_any_run_every_page_speaks_one_language(checkpoints, language) -> None:
    """A fresh install, one person (no teacher password): the pages that send you to Train, empty lists."""
    assert walk(open_session(language, None, teacher=False), language, set()) == []


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("teacher", [False, True], ids=["student", "teacher"])
def test_with_runs_every_page_speaks_one_language(runs_root, tmp_path, monkeypatch, job_manager, language,  # noqa: F811
                                                  teacher) -> None:
    """A class: a student (or the teacher) with her finished run, another student's, both shipped runs, and for
    the teacher (in Russian: the texts of a queue are the same keys in both languages, and a training run slows
    the walk) a run queued behind a long one (the queue, the board's controls, Stop)."""
    root = tmp_path / "checkpoints"
    shutil.copytree(runs_root, root, symlinks=True)
    monkeypatch.setenv(CHECKPOINTS_ENV, str(root))
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    names = people_of(root, language)
    student, other = PEOPLE[language]
    queue = teacher and language == "ru"
    if queue:
        from gan_core.classroom.access import Actor

        long = job_manager.submit(TrainConfig(model="mlp", epochs=1000, batch_size=250, device="cpu", latent_dim=8),
                                  "mlp-3", root, by=Actor(other))
        job_manager.submit(TrainConfig(model="mlp", epochs=2, device="cpu"), "mlp-4", root, by=Actor(student))
        wait_until(lambda: long.state == "running" and long.progress is not None, TRAINING_TIMEOUT)
        names |= {"mlp-3", "mlp-4"}
    at = open_session(language, student, teacher)
    found = walk(at, language, names)
    assert found == [], "\n".join(found)
    if queue:
        for name in ("mlp-3", "mlp-4"):
            job_manager.stop(name, root)
