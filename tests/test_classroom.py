"""A class on one server: the app's modules import safely from many threads at once, the served
configuration keeps modules loaded, and the classroom benchmark runs its students without an exception."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from .conftest import ROOT, cli_env

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
        from ui import cache, charts, quality, training
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
"""


def test_many_sessions_importing_the_app_at_once_on_a_cold_interpreter_all_get_whole_modules() -> None:
    result = subprocess.run([sys.executable, "-c", COLD_IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ERRORS 0" in result.stdout, result.stdout


def test_app_py_imports_the_preload_before_any_other_module_of_the_app() -> None:
    lines = [line for line in (ROOT / "app.py").read_text().splitlines() if line.startswith(("import ", "from "))]
    ours = [line for line in lines if "ui" in line.split()[1] or "gan_core" in line.split()[1]]
    assert ours[0].startswith("import ui.preload")


def test_the_served_configuration_turns_the_file_watcher_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # The watcher drops modules from sys.modules while other sessions run (streamlit/streamlit#6404).
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False


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
