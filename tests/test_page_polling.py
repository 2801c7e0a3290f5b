"""What a page leaves polling the server, and what it does not wait for: the Train page polls for new jobs only
while the student has a run of their own queued or training; Compare shows a "measuring" line and polls only
until its numbers are in (measured once, in the background, for every session); a chart sent from its dict
made once is the chart Streamlit would send."""

from __future__ import annotations

import pytest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from gan_core.classroom.access import Actor
from gan_core.config import TrainConfig
from ui.run_watch import IDLE_POLL_SECONDS, NOTE_POLL_SECONDS

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
    at.text_input(key="keep_compare_seed").set_value("4242").run()  # numbers nobody has measured yet
    assert not at.exception and not at.table
    assert text("compare_measuring", "en") in texts(at, "info")
    assert len(at.image) == 4  # the grids do not wait for the numbers
    assert 1.0 in polls[-1]  # the numbers' fragment polls while they are measured
    measured(at)
    assert len(at.table[0].value) == 4 and text("compare_measuring", "en") not in texts(at, "info")
    at.run()
    assert len(at.table[0].value) == 4 and 1.0 not in polls[-1]  # measured: nothing polls any more


def test_a_chart_shown_from_its_dict_made_once_is_what_plotly_chart_would_send() -> None:
    def script() -> None:
        import numpy as np
        import streamlit as st

        from ui import charts, pictures

        figure = charts.figure([charts.Line("D", np.arange(1.0, 50.0), np.linspace(0.9, 0.5, 49), "#d62728")],
                               "D(x)", "step", marks=[10.0, 20.0], references={"½": 0.5})
        st.plotly_chart(figure, width="stretch", theme=None, key="plain")
        pictures.chart(figure, key="drawn")
        pictures.chart(figure, key="drawn_again")  # the second time from the kept dict

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception
    plain, drawn, again = (chart.proto for chart in at.get("plotly_chart"))
    assert drawn.spec == plain.spec == again.spec and drawn.theme == plain.theme


def test_compare_without_the_classifier_says_so_in_one_line_and_stops_polling(with_run, polls, monkeypatch) -> None:
    from gan_core.eval import metrics
    from gan_core.errors import CheckpointError

    def missing():
        raise CheckpointError("the digit classifier is missing", code="classifier_broken")

    monkeypatch.setattr(metrics, "load_classifier", missing)
    at = open_app("compare", "en")
    at.text_input(key="keep_compare_seed").set_value("777").run()
    assert not at.exception and not at.table and len(at.image) == 4  # the grids still show
    errors = [str(error.value) for error in at.error]
    assert errors == [text("error_classifier_broken", "en", detail="the digit classifier is missing")]
    assert 1.0 not in polls[-1]


def test_the_paused_2d_lab_redraws_its_plane_when_a_live_setting_changes_and_only_then(checkpoints) -> None:
    from .test_toy2d_page import open_lab

    def plane(at) -> str:
        return next(canvas.proto.json for canvas in at.get("bidi_component") if canvas.proto.id.endswith("-toy2d_plane"))

    at = open_lab()
    first = plane(at)
    assert plane(at.run()) == first  # nothing changed: the same plane (the figures kept for this lab)
    loss = at.selectbox(key="keep_toy2d_loss")
    loss.select(next(option for option in loss.options if option != loss.value)).run()  # a live setting: same lab
    assert not at.exception and plane(at) != first  # D's surface and G's arrows under the new loss
