"""Charts that read on a projector: Losses opens on the student's own run, not the shipped one beside it, and
several runs each span the chart (along the share of their training) unless a person picks another axis."""

from __future__ import annotations

import shutil

from gan_core.runs.checkpoints import RunDir

from .test_app import ROOT, figures, job_manager, text, trained_root, with_run  # noqa: F401 - fixtures
from .test_classroom_people import session

SHIPPED = "pretrained-sngan"  # 7,800 steps; the student's "tiny" has 16


def x_extent(at, run: str) -> tuple[float, float]:
    """Where a run's loss curves start and end along the loss chart's x axis."""
    xs = [x for figure in figures(at)[:1] for trace in figure["data"] if trace["name"].startswith(run)
          for x in trace["x"] if x is not None]
    return min(xs), max(xs)


def test_losses_opens_on_the_students_own_run_and_several_runs_each_span_the_chart(with_run) -> None:  # noqa: F811
    shutil.copytree(ROOT / "checkpoints" / SHIPPED, with_run / SHIPPED)
    RunDir("tiny", with_run).update_info(owner="Ann")
    at = session("Ann", "losses")
    assert at.multiselect(key="keep_losses_runs").value == ["tiny"]  # hers, not the shipped run
    assert at.radio(key="keep_losses_axis").value == "step"
    at.multiselect(key="keep_losses_runs").set_value(["tiny", SHIPPED]).run()
    assert at.radio(key="keep_losses_axis").value == "progress"
    assert figures(at)[0]["layout"]["xaxis"]["title"]["text"] == text("losses_axis_progress", "en")
    for run in ("tiny", SHIPPED):  # both finished: each from its first step to 100 % of its training
        start, end = x_extent(at, run)
        assert start < 10 and end == 100.0, (run, start, end)
    at.radio(key="keep_losses_axis").set_value("step").run()  # a person's choice stays
    at.multiselect(key="keep_losses_runs").set_value(["tiny", SHIPPED]).run()
    assert at.radio(key="keep_losses_axis").value == "step"
    assert x_extent(at, SHIPPED)[1] > 100 * x_extent(at, "tiny")[1]  # the sliver the progress axis avoids


def test_a_students_new_run_replaces_the_pages_own_choice_but_not_theirs(with_run) -> None:  # noqa: F811
    shutil.copytree(ROOT / "checkpoints" / SHIPPED, with_run / SHIPPED)
    at = session("Ann", "losses")
    assert at.multiselect(key="keep_losses_runs").value == [SHIPPED]  # nothing of hers yet: the shipped run
    RunDir("tiny", with_run).update_info(owner="Ann")  # her run appears (trained meanwhile)
    at.switch_page("ui/pages/home.py").run()
    at.switch_page("ui/pages/losses.py").run()
    assert at.multiselect(key="keep_losses_runs").value == ["tiny"]  # the page's choice follows her
    at.multiselect(key="keep_losses_runs").set_value([SHIPPED]).run()  # her own choice
    at.switch_page("ui/pages/home.py").run()
    at.switch_page("ui/pages/losses.py").run()
    assert at.multiselect(key="keep_losses_runs").value == [SHIPPED]
