"""A class on one server: the app's modules import safely from many threads at once, the served
configuration keeps modules loaded, and the classroom benchmark runs its students without an exception."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from .helpers import ROOT, cli_env

THREADS = 8

COLD_IMPORTS = f"""
import sys, threading, traceback
sys.path.insert(0, {str(ROOT)!r})
barrier = threading.Barrier({THREADS})
errors = []

def first_visit():
    barrier.wait()  # every thread asks at the same moment, as a class opening the app does
    try:
        import ui.preload  # what app.py does first
        import pandas, plotly.graph_objects as go, torch
        from ui import cache, charts, quality, run_watch
        pandas.DataFrame({{"a": pandas.Series([1.0])}}).style.format("{{:.1f}}").to_html()
        go.Figure({{"data": [{{"type": "scatter", "x": [1], "y": [2]}}]}}).to_json()
        torch.zeros(1)
    except BaseException:
        errors.append(traceback.format_exc())

threads = [threading.Thread(target=first_visit) for _ in range({THREADS})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("ERRORS", len(errors))
print("\\n".join(errors))
import gc
print("FROZEN", gc.get_freeze_count())
"""


def test_many_sessions_importing_the_app_at_once_on_a_cold_interpreter_all_get_whole_modules() -> None:
    result = subprocess.run([sys.executable, "-c", COLD_IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ERRORS 0" in result.stdout, result.stdout
    # what the preload imported lives as long as the server: kept out of every later collection
    assert int(result.stdout.split("FROZEN")[1].split()[0]) > 100_000, result.stdout


def test_app_py_imports_the_preload_before_any_other_module_of_the_app() -> None:
    lines = [line.strip() for line in (ROOT / "app.py").read_text().splitlines()
             if line.strip().startswith(("import ", "from "))]  # in main(): a training worker imports none of them
    ours = [line for line in lines if "ui" in line.split()[1] or "gan_core" in line.split()[1]]
    assert ours[0].startswith("import ui.preload")


def test_the_served_configuration_turns_the_file_watcher_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # The watcher drops modules from sys.modules while other sessions run (streamlit/streamlit#6404).
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
    # No full garbage collection after every script run: with torch in the heap each one held every session's
    # thread for a third of a second, fragment polls included (bench/classroom_load.py: polls p95 4 s -> 0.07 s).
    assert config["runner"]["postScriptGC"] is False


def test_the_floor_app_page_has_eight_widgets_a_picture_and_two_polling_fragments() -> None:
    app = AppTest.from_file(str(ROOT / "bench" / "floor_app.py"), default_timeout=60).run()
    assert not app.exception
    widgets = (len(app.slider) + len(app.selectbox) + len(app.number_input) + len(app.checkbox) + len(app.text_input)
               + len(app.radio) + len(app.multiselect) + len(app.button))
    assert widgets == 8
    assert len([element for element in app.main if type(element).__name__ == "Image"]) == 1
    assert len(app.sidebar.caption) == 1 and len(app.main.caption) == 1  # the sidebar's and the page's fragment


def test_the_classroom_benchmark_drives_three_students_through_the_app_without_an_exception(tmp_path: Path,
                                                                                          checkpoints: Path) -> None:
    """bench/classroom_load.py end to end on a small class: the app it serves shows no exception to any student.
    (Where the server's time goes, with bench/probe, is the benchmark's business: docs/benchmarks.md.)"""
    out = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, "bench/classroom_load.py", "--sessions", "3", "--seconds", "10", "--think", "2",
         "--no-single", "--solo", "0", "--no-floor", "--json-out", str(out)],
        cwd=ROOT, env=cli_env(checkpoints), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    app = report["app"]
    assert app["exceptions"] == {}, app["exceptions"]
    assert app["failures"] == {}, app["failures"]
    assert app["all_pages"]["n"] >= 3  # every student ran at least its first page
    assert report["training_run"]  # pressing Start on the Train page started a run
    assert "students" in result.stderr and "p95" in result.stderr  # the table


def test_with_each_trains_the_floors_students_make_the_requests_the_apps_make_on_joining() -> None:
    """--each-trains: the app's students open Train and press Start before browsing; the floor's must meet the same
    requests (open their first page, press its button), or the ratio compares three runs a student with one."""
    sys.path.insert(0, str(ROOT / "bench"))
    import classroom_load

    server = classroom_load.Server(classroom_load.FLOOR_APP)
    try:
        load = asyncio.run(classroom_load.drive(server.url, None, sessions=3, seconds=1.0, think=1.0, join=0.5,
                                                default_page="p1", first_press=classroom_load.FLOOR_PRESS))
    finally:
        server.stop()
    assert load.started == 3 and not load.failures and not load.exceptions
    assert len(load.pages["p1"]) >= 2 * 3  # each student: the page, then its button (the app's: Train, then Start)


def test_every_chart_the_pages_draw_is_a_valid_plotly_figure() -> None:
    """ui/charts.py builds figures unchecked (plotly's checks cost most of a chart); here each is checked once."""
    import plotly.graph_objects as go

    from ui import charts

    x = np.arange(1, 3001, dtype=np.float64)
    lines = [charts.Line("D", x, np.sin(x), "#d62728"), charts.Line("G", x, np.cos(x), "#1f77b4", "dash")]
    figures = [
        charts.figure(lines, "loss", "step", marks=[float(m) for m in range(100, 3001, 100)], references={"eq": 1.386}),
        charts.figure(lines, "FID", "epoch", log_y=True, markers=True, y_range=(0, 3), references={"target": 5.0}),
        charts.bars(["1", "2"], [0.5, 0.2], "share"),
        charts.class_shares([0.1] * 9 + [0.0], "digit", "%", "uniform", 0.05),
        charts.class_heatmap([1, 2, 3], np.full((3, 10), 0.1), "epoch", "digit", "%"),
        charts.ratio_bars(["Gaussian", "GAN", "real"], [150.0, 3.0, 1.0], ["#999", "#1f77b4", "#2ca02c"], "FID / floor",
                          {"target": 5.0, "real": 1.0}),
        charts.probabilities([0.05] * 9 + [0.55], "digit", "p"),
    ]
    for figure in figures:
        checked = go.Figure(figure.to_dict())  # raises on any property plotly does not know
        assert checked.layout.template.layout.plot_bgcolor == "white"
    marks = [shape for shape in figures[0].to_dict()["layout"]["shapes"] if shape["line"]["dash"] == "dot"]
    assert len(marks) <= charts.MAX_EPOCH_MARKS


def test_a_long_runs_curves_are_thinned_evenly_to_a_bounded_number_of_points_keeping_the_last() -> None:
    from gan_core.trainer import History
    from ui import charts

    steps = 50_000  # epoch 640 of the default run: a live chart must cost what one of epoch 1 does
    history = History(*(list(np.linspace(0, 1, steps)) for _ in range(4)))
    for max_points in (charts.LIVE_POINTS, charts.MAX_POINTS):
        lines = charts.lines_of(history, {"loss_d": "D", "loss_g": "G"}, 0.6, max_points=max_points)
        for line in lines:
            assert len(line.x) <= max_points and line.x[-1] == steps
            gaps = np.diff(line.x)
            assert gaps.max() - gaps.min() <= 1  # evenly spread
