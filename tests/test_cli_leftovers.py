"""The CLI's loose ends: nothing created before every check passed, `delete`, and a
closed pipe that is not an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gan_core.runs.checkpoints import RunDir, delete_run
from gan_core.errors import CheckpointError

from .helpers import ROOT, cli_env
from .test_cli import gan


def fake_run(root: Path, name: str, **info: object) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({"name": name, "status": "finished", "created": "2025-01-01",
                                                 "config": {"epochs": 1}, **info}))
    return folder


def test_a_bad_flag_leaves_no_run_folder_behind(checkpoints: Path) -> None:
    result = gan(checkpoints, "train", "--run", "a3", "--max-seconds", "-1")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--max-seconds" in result.stderr
    assert not (checkpoints / "a3").exists()


def test_delete_removes_a_run_but_refuses_shipped_and_running_ones(checkpoints: Path) -> None:
    fake_run(checkpoints, "junk")
    fake_run(checkpoints, "gift", shipped=True)
    fake_run(checkpoints, "busy", status="running", pid=__import__("os").getpid(),
             host=__import__("socket").gethostname())
    deleted = gan(checkpoints, "delete", "junk")
    assert deleted.returncode == 0, deleted.stderr
    assert not (checkpoints / "junk").exists()
    shipped = gan(checkpoints, "delete", "gift")
    assert shipped.returncode == 2 and "ships with GAN Lab" in shipped.stderr and "Traceback" not in shipped.stderr
    assert (checkpoints / "gift" / "run.json").is_file()
    with pytest.raises(CheckpointError) as refused:  # the library itself refuses, not only the pages
        delete_run("gift", checkpoints)
    assert refused.value.code == "delete_shipped"
    with RunDir("busy", checkpoints).training_lock():  # what a training process holds while it trains
        with pytest.raises(CheckpointError) as running:
            delete_run("busy", checkpoints)
    assert running.value.code == "delete_running" and (checkpoints / "busy").is_dir()
    missing = gan(checkpoints, "delete", "nothing-here")
    assert missing.returncode == 2 and missing.stderr.startswith("error: there is no run named")


def test_runs_into_a_closed_pipe_is_quiet(checkpoints: Path) -> None:
    for number in range(30):
        fake_run(checkpoints, f"run-{number}")
    process = subprocess.Popen([sys.executable, "-m", "gan_core", "runs"], cwd=ROOT, env=cli_env(checkpoints),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # what `| head` does once it has its lines: every write now fails with EPIPE
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
