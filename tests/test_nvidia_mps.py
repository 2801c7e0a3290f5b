"""NVIDIA MPS is detected from its pipe directory: a daemon that runs (its process, or a socket that accepts)
counts, a directory left behind by one that is gone does not. Never by starting CUDA."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

from gan_core.devices import MPS_PIPE_ENV, nvidia_mps_running

from .conftest import wait_until


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
