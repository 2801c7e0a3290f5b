"""What a page leaves polling the server, and what it does not wait for: the Train page polls for new jobs only
while the student has a run of their own queued or training; Compare shows a "measuring" line and polls only
until its numbers are in (measured once, in the background, for every session)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from gan_core.access import Actor
from gan_core.config import TrainConfig
from ui.training import IDLE_POLL_SECONDS, NOTE_POLL_SECONDS

from .test_app import job_manager, jobs, measured, open_app, text, texts, trained_root, with_run  # noqa: F401 - fixtures
from .test_classroom_people import class_runs, classroom, session  # noqa: F401 - fixtures


@pytest.fixture
def polls(monkeypatch: pytest.MonkeyPatch) -> list[list[float]]:
    """For each script run of the test: how often each fragment it declared asks to rerun (what a browser obeys)."""
    runs: list[list[float]] = []
    original = LocalScriptRunner.run

    def recording(self, *args, **kwargs):
        tree = original(self, *args, **kwargs)
        runs.append([msg.auto_rerun.interval for msg in self.forward_msgs() if msg.WhichOneof("type") == "auto_rerun"])
        return tree

    monkeypatch.setattr(LocalScriptRunner, "run", recording)
    return runs


def test_the_train_page_polls_for_new_jobs_only_while_the_student_has_a_run_going(classroom, jobs, polls) -> None:
    bob = session("Bob", "train")
    assert polls[-1] == [IDLE_POLL_SECONDS]  # nothing of Bob's trains: only the sidebar's rare check
    jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=64, device="cpu", latent_dim=8), "alices", classroom,
                by=Actor("Alice"))
    bob.run()
    assert len(polls[-1]) == 1  # Alice's run: Bob's sidebar says so, and his page polls for nothing else
    alice = session("Alice", "train")
    alice.selectbox(key="keep_train_watch").select("alice-done").run()  # watching a finished run, her own training
    assert sorted(polls[-1]) == [NOTE_POLL_SECONDS, 3.0]  # the sidebar's note and the page's watcher, which follows her run
    jobs.stop("alices", classroom, by=Actor("Alice"))
    alice.run()
    assert not alice.exception


def test_compare_says_it_is_measuring_then_shows_the_numbers_without_polling_on(with_run, polls) -> None:
    at = open_app("compare", "en")  # the opening numbers (seed 0), measured
    assert len(at.table[0].value) == 4 and 1.0 not in polls[-1]
    at.number_input(key="keep_compare_seed").set_value(4242).run()  # numbers nobody has measured yet
    assert not at.exception and not at.table
    assert text("compare_measuring", "en") in texts(at, "info")
    assert len(at.image) == 4  # the grids do not wait for the numbers
    assert 1.0 in polls[-1]  # the numbers' fragment polls while they are measured
    measured(at)
    assert len(at.table[0].value) == 4 and text("compare_measuring", "en") not in texts(at, "info")
    at.run()
    assert len(at.table[0].value) == 4 and 1.0 not in polls[-1]  # measured: nothing polls any more
