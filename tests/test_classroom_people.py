"""The classroom through AppTest: two students and a teacher in separate sessions of one server.

Student B watches A's run but is offered no Stop, Resume, Rename or Delete for it (and the library
refuses them); the teacher, after the password, is offered and may use them all. Runs are real
(tiny MLP runs trained by the library, one long job of the app's own manager).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from gan_core.classroom import access
from gan_core.classroom.access import Actor, ClassLimits
from gan_core.classroom.identity import name_claims
from gan_core.runs.checkpoints import default_checkpoints_dir
from gan_core.runs.checkpoints import RunDir
from gan_core.config import TrainConfig
from gan_core.errors import AccessError, ShippedRunError
from gan_core.jobs.manager import get_job_manager
from gan_core.trainer import Trainer
from ui import people
from ui.people import PASSWORD_ENV

from .helpers import as_a_poll, wait_until
from .test_board import cards, queue_texts
from .test_app import APP, TRAINING_TIMEOUT, job_manager, jobs, text, texts  # noqa: F401 - job_manager, jobs: fixtures

PASSWORD = "correct horse"
ALICE, BOB = Actor("Alice"), Actor("Bob")


@pytest.fixture(scope="module")
def class_runs(tmp_path_factory: pytest.TempPathFactory, small_mnist) -> Path:
    """Alice's finished one-epoch run and a shipped run (trained once for this module)."""
    root = tmp_path_factory.mktemp("class-runs")
    config = TrainConfig(model="mlp", epochs=1, batch_size=128, device="cpu", latent_dim=8)
    Trainer.create(config, RunDir("alice-done", root), owner="Alice", data=small_mnist).train()
    shutil.copytree(root / "alice-done", root / "shipped-one")
    RunDir("shipped-one", root).update_info(name="shipped-one", owner="", shipped=True)
    return root


@pytest.fixture
def classroom(class_runs: Path, checkpoints: Path, monkeypatch: pytest.MonkeyPatch):
    """A class with a teacher password, in a private copy of the module's runs."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    shutil.copytree(class_runs, checkpoints, dirs_exist_ok=True)
    yield checkpoints
    get_job_manager().set_limits(ClassLimits())  # the app's manager outlives the test


def student_link(student: str) -> dict[str, str]:
    """The address of a student's own link: their name and its key (the name is claimed the first time,
    in this test's checkpoints folder, as a roster's link would have it)."""
    claims = name_claims(default_checkpoints_dir())
    key = _keys.get((claims.root, student))
    if key is None or not claims.holds(student, key):
        _, key = claims.claim(student)
        _keys[(claims.root, student)] = key
    return {"student": student, "key": key}


_keys: dict[tuple[Path, str], str] = {}


def session(student: str | None, page: str = "home", language: str = "en") -> AppTest:
    """A fresh browser session opened with the student's own link, ?student=NAME&key=KEY (none: the app makes a
    name up, which nobody holds)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = language
    if student is not None:
        at.query_params.update(student_link(student))
    at.run()
    if page != "home":
        at.switch_page(f"ui/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unlock(at: AppTest, password: str) -> AppTest:
    at.text_input(key="people_password_box").input(password)
    at.button(key="people_unlock").click().run()  # the form's submit button: what Enter in the box presses
    assert not at.exception, [e.value for e in at.exception]
    return at


def watch(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="keep_train_watch").select(name).run()
    return at


def select_run(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="keep_runs_selected").select(name).run()
    return at


def button_keys(at: AppTest) -> set[str]:
    return {button.key for button in at.button if button.key}


def button_labels(at: AppTest) -> set[str]:
    return {button.label for button in at.button}


def test_student_b_may_watch_but_not_manage_a_run_of_student_a_and_the_teacher_may(classroom, jobs) -> None:
    running = jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=64, device="cpu", latent_dim=8),
                          "alice-long", classroom, by=ALICE)
    wait_until(lambda: running.state == "running", TRAINING_TIMEOUT)

    alice = watch(session("Alice", "train"), "alice-long")
    assert "train_stop" in button_keys(alice)  # her own run: Stop is offered
    bob = session("Bob", "train")
    assert bob.selectbox(key="keep_train_watch").value == "shipped-one"  # Bob has no run: the shipped one
    watch(bob, "alice-long")
    assert "train_stop" not in button_keys(bob)
    assert text("people_only_owner", "en", name="Alice") in texts(bob, "caption")
    with pytest.raises(AccessError):
        jobs.stop("alice-long", classroom, by=BOB)
    assert running.active and not running.stop_requested

    watch(bob, "alice-done")  # a saved run of Alice's: no Resume for Bob
    assert not any(key.startswith("train_resume_") for key in button_keys(bob))
    assert text("people_only_owner_resume", "en", name="Alice") in texts(bob, "caption")
    runs = select_run(session("Bob", "runs"), "alice-done")
    assert text("runs_delete", "en") not in button_labels(runs) and text("runs_rename", "en") not in {
        popover.label for popover in runs.get("popover")}
    for refused in (lambda: jobs.submit_resume("alice-done", 3, classroom, by=BOB),
                    lambda: jobs.delete("alice-done", classroom, by=BOB),
                    lambda: jobs.rename("alice-done", "bobs", classroom, by=BOB)):
        with pytest.raises(AccessError):
            refused()

    teacher = unlock(session("Ms Smith", "train"), PASSWORD)
    assert text("people_teacher_on", "en") in [str(s.value) for s in teacher.success]
    watch(teacher, "alice-long")
    teacher.button(key="train_stop").click().run()
    jobs.wait("alice-long", TRAINING_TIMEOUT, classroom)
    stopped_by = RunDir("alice-long", classroom).info().stopped_by
    assert stopped_by["name"] == "Ms Smith" and stopped_by["teacher"] and people.clock(stopped_by["at"])
    watch(session("Alice", "train"), "alice-long")
    alice = watch(session("Alice", "train"), "alice-long")
    said = text("people_stopped_by_teacher_at", "en", time=people.clock(stopped_by["at"]))  # "... at 10:42."
    assert any(said in str(i.value) for i in alice.info)
    assert "train_resume_alice-long" in button_keys(alice)  # hers to resume
    runs = select_run(unlock(session("Ms Smith", "runs"), PASSWORD), "alice-done")
    assert text("runs_delete", "en") in button_labels(runs)  # the teacher may delete anyone's run


def test_a_wrong_password_is_refused_with_a_growing_wait_and_never_shown(classroom, monkeypatch) -> None:
    monkeypatch.setattr(access, "time", SimpleNamespace(monotonic=lambda: 1000.0))  # the gate's clock stands still
    at = unlock(session("Bob"), "guess")
    assert [str(e.value) for e in at.error] == [text("error_wrong_password", "en", seconds=1)]
    assert text("people_teacher_on", "en") not in [str(s.value) for s in at.success]
    assert at.text_input(key="people_password_box").value == ""  # the box is emptied at once
    gate = at.session_state["people_gate"]
    gate.locked_until = 0.0  # as if the second had passed
    at = unlock(at, "guess again")
    assert [str(e.value) for e in at.error] == [text("error_wrong_password", "en", seconds=2)]
    gate.locked_until += 60
    at = unlock(at, PASSWORD)  # while waiting even the right password is not checked
    assert [str(e.value) for e in at.error] == [text("error_password_wait", "en", seconds=62)]  # 2 s + 60 s left
    assert text("people_teacher_on", "en") not in [str(s.value) for s in at.success]
    assert "people_leave" not in button_keys(at)  # not unlocked: no teacher controls
    gate.locked_until = 0.0
    at = unlock(at, PASSWORD)
    assert text("people_teacher_on", "en") in [str(s.value) for s in at.success]
    shown = " ".join(str(getattr(element, "value", "")) for element in [*at.main, *at.sidebar])
    assert "guess" not in shown and PASSWORD not in shown


def test_single_user_mode_without_a_password_allows_everything_and_says_so(checkpoints, monkeypatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    at = session(None, "home", "ru")
    assert text("people_single_user", "ru") in texts(at, "caption")
    generated = at.session_state["student"]
    assert generated.startswith(text("people_generated_prefix", "ru") + "-")
    assert at.text_input(key="people_name_box").value == generated


def test_shipped_runs_are_refused_by_the_library_and_resume_offers_a_copy(classroom, jobs) -> None:
    with pytest.raises(ShippedRunError):
        jobs.delete("shipped-one", classroom, by=Actor("Ms Smith", teacher=True))
    with pytest.raises(ShippedRunError):
        jobs.submit_resume("shipped-one", 3, classroom, by=Actor("Ms Smith", teacher=True))
    bob = watch(session("Bob", "train"), "shipped-one")
    assert "train_copy_shipped-one" in button_keys(bob) and "train_resume_shipped-one" not in button_keys(bob)
    bob.button(key="train_copy_shipped-one").click().run()
    assert not bob.exception, [e.value for e in bob.exception]
    copy = next(name for name in jobs.active_names(classroom) if name.startswith("bob-shipped-one"))
    assert jobs.job(copy, classroom).owner == "Bob"
    assert bob.selectbox(key="keep_train_watch").value == copy


def text_input_keys(at: AppTest) -> set[str]:
    return {widget.key for widget in at.text_input}


def test_another_students_start_does_not_fold_my_settings_and_seeds_differ(classroom, jobs) -> None:
    bob = session("Bob", "train")
    alice = session("Alice", "train")
    assert bob.expander[0].proto.expanded and alice.expander[0].proto.expanded
    assert bob.text_input(key="keep_train_seed").value != alice.text_input(key="keep_train_seed").value
    assert alice.text_input(key="keep_train_name").value.startswith("alice-")  # runs carry their owner's name
    alice.selectbox(key="keep_train_model").select("mlp").run()
    alice.text_input(key="keep_train_epochs").set_value("1000")
    seed = int(alice.text_input(key="keep_train_seed").value)
    alice.button(key="train_start").click().run()
    job = jobs.job(alice.selectbox(key="keep_train_watch").value, classroom)
    assert job.owner == "Alice" and job.run_name.startswith("alice-mlp-")
    assert job.config.seed == seed  # the fresh seed is the run's, recorded with its settings
    assert alice.session_state["keep_train_seed"] != str(seed)  # and the next run gets another
    bob.run()
    assert bob.expander[0].proto.expanded  # Alice's start leaves Bob's page as it was
    assert not alice.expander[0].proto.expanded  # her own run folds her settings away
    assert "keep_train_seed" not in text_input_keys(alice)  # folded: not drawn at all, only the live view is
    alice.session_state["train_panel"] = True  # she opens them: the next run's settings, with its own seed
    alice.run()
    assert alice.expander[0].proto.expanded
    assert alice.text_input(key="keep_train_seed").value not in (str(seed), None)
    assert alice.text_input(key="keep_train_name").value != job.run_name


def test_a_poll_that_brings_back_the_started_name_and_seed_gets_the_next_ones_not_an_error(classroom, jobs,
                                                                                           monkeypatch) -> None:
    """The live view's poll, sent by the browser before Start's new name reached it, carries the old name and seed
    (Streamlit takes the browser's values): the form offered a name that exists and disabled Start (CI, once)."""
    alice = session("Alice", "train")
    alice.selectbox(key="keep_train_model").select("mlp").run()
    alice.text_input(key="keep_train_epochs").set_value("1000")
    started, seed = alice.text_input(key="keep_train_name").value, alice.text_input(key="keep_train_seed").value
    alice.button(key="train_start").click().run()
    assert "keep_train_name" not in {box.key for box in alice.text_input}  # her run folds the settings away
    alice.session_state["train_panel"] = True  # she opens them again
    alice.run()
    offered = alice.text_input(key="keep_train_name").value
    assert offered != started and jobs.job(started, classroom) is not None
    alice.text_input(key="keep_train_name").set_value(started)  # the stale values come back from the browser
    alice.text_input(key="keep_train_seed").set_value(seed)
    with as_a_poll(alice, monkeypatch):  # in the live view's poll (a real fragment rerun)
        alice.run()
    assert not alice.exception, [e.value for e in alice.exception]
    alice.run()  # the form is outside the fragments: the next whole-page run shows what the poll left
    assert alice.text_input(key="keep_train_name").value == offered  # the next free name again
    assert alice.text_input(key="keep_train_seed").value != seed  # and a fresh seed, not the started run's
    assert not alice.error and not alice.button(key="train_start").disabled
    jobs.stop(started, classroom, by=Actor("Alice"))


def test_the_class_board_lists_every_run_and_the_teacher_sets_limits_and_the_queue(classroom, jobs) -> None:
    busy = jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=64, device="cpu", latent_dim=8), "teachers",
                       classroom, by=Actor("Ms Smith", teacher=True))
    waiting = jobs.submit(TrainConfig(model="mlp", epochs=2, device="cpu"), "bobs", classroom, by=BOB)
    wait_until(lambda: busy.state == "running", TRAINING_TIMEOUT)
    board = session("Bob", "board")
    assert texts(board, "title") == [text("board_title", "en")]
    shown = cards(board)
    assert shown["alice-done"].startswith("**Alice**") and shown["teachers"].startswith("**Ms Smith**")
    assert cards(board, "board_shipped_grid")["shipped-one"].startswith(f"**{text('board_shipped_owner', 'en')}**")
    assert "bobs" not in shown  # it waits: the queue says where
    assert queue_texts(board) == [f":orange-badge[:material/hourglass_top: {text('board_queue_line', 'en')}] "
                                  + text("board_queue_item", "en", place=1, name="bobs", owner="Bob (you)")]
    assert text("board_queue_h", "en") not in texts(board, "subheader")  # a student sees no teacher controls
    teacher = unlock(session("Ms Smith", "board"), PASSWORD)
    assert text("board_queue_h", "en") in texts(teacher, "subheader")
    assert "board_down_bobs" in button_keys(teacher)
    epochs_box = next(box for box in teacher.text_input if box.label == text("board_limit_epochs", "en"))
    epochs_box.set_value("3").run()
    teacher.button(key="board_limits_save").click().run()
    assert jobs.limits.max_epochs == 3
    jobs.stop("bobs", classroom, by=BOB)


def test_the_sidebar_names_three_runs_the_students_own_first_and_counts_the_rest(classroom, jobs) -> None:
    """On a GPU box every student trains: the note in 30 sidebars names three runs, not thirty."""
    busy = jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=64, device="cpu", latent_dim=8), "teachers",
                       classroom, by=Actor("Ms Smith", teacher=True))
    for student in ("Ann", "Ben", "Cat", "Bob"):  # on one CPU these wait in the queue
        jobs.submit(TrainConfig(model="mlp", epochs=2, device="cpu"), f"{student.lower()}s", classroom, by=Actor(student))
    wait_until(lambda: busy.state == "running", TRAINING_TIMEOUT)
    bob = session("Bob", "home")
    notes = [str(c.value) for c in bob.sidebar.caption if "bobs" in str(c.value) or "s:" in str(c.value)
             or "besides" in str(c.value)]
    assert len(notes) == 4, notes
    assert notes[0].endswith(text("note_queued", "en", name="bobs", place=4).split(": ", 1)[1]) and "bobs" in notes[0]
    assert notes[-1] == text("note_more", "en", runs="2 runs")
    for name in ("teachers", "anns", "bens", "cats", "bobs"):
        jobs.stop(name, classroom, by=Actor("Ms Smith", teacher=True))
