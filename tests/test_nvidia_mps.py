"""NVIDIA MPS is detected from its pipe directory: a daemon that runs (its process, or a socket that accepts)
counts, a directory left behind by one that is gone does not. Never by starting CUDA. The teacher reads it on the
class board."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gan_core.devices import MPS_PIPE_ENV, nvidia_mps_running
from gan_core.jobs.executors import Placement

from .helpers import wait_until
from .test_app import job_manager, open_app, text  # noqa: F401 - job_manager: the app's manager of each test


def test_mps_is_on_only_while_its_daemon_runs(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "mps"
    monkeypatch.setenv(MPS_PIPE_ENV, str(folder))
    assert not nvidia_mps_running()  # no pipe directory
    folder.mkdir()
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listening.bind(str(folder / "control"))
    listening.listen()
    assert nvidia_mps_running()  # a daemon outside this process's view: its socket accepts
    listening.close()
    assert not nvidia_mps_running()  # the socket left behind by a daemon killed without `quit`

    # The daemon's own process, named in its pid file (the socket here accepts nothing).
    daemon = tmp_path / "nvidia-cuda-mps-control"
    shutil.copy(sys.executable, daemon)
    process = subprocess.Popen([str(daemon), "-c", "import time; time.sleep(60)"])
    try:
        (folder / "nvidia-cuda-mps-control.pid").write_text(f"{process.pid}\n")
        comm = Path(f"/proc/{process.pid}/comm")
        wait_until(lambda: comm.read_text().strip() == "nvidia-cuda-mps")  # once its exec has renamed it
        assert nvidia_mps_running()
    finally:
        process.kill()
        process.wait()
    assert not nvidia_mps_running()  # its pid file outlived it


@pytest.mark.parametrize("mps", [True, False, None])  # None: no CUDA GPU here
def test_the_teacher_reads_on_the_class_board_whether_mps_shares_the_gpu(checkpoints, job_manager, monkeypatch,  # noqa: F811
                                                                       mps) -> None:
    capacity = {"cpu": 1, "cuda": 32} if mps is not None else {"cpu": 1}
    monkeypatch.setattr(job_manager.executor, "placement",
                        lambda: Placement("local", capacity=capacity, nvidia_mps=bool(mps)))
    for language in ("en", "ru"):
        board = open_app("board", language)  # one user, no class password: the teacher's view
        captions = [str(caption.value) for caption in board.caption]
        assert (text("board_mps_on", language) in captions) == (mps is True)
        assert (text("board_mps_off", language) in captions) == (mps is False)
