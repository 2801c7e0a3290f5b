"""The server's console during a lesson: no Streamlit warning when a run starts, one line per run event."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.jobs.manager import JobManager

ROOT = Path(__file__).resolve().parent.parent

# What Streamlit does before every page run (it installs the app's script as the process's __main__), then what the
# job manager does at Start: a worker process started with multiprocessing's "spawn". The worker reports whether it
# imported Streamlit at all.
STREAMLIT_THEN_A_WORKER = f"""
import multiprocessing, sys, types
module = types.ModuleType("__main__")
module.__file__ = {str(ROOT / "app.py")!r}
sys.modules["__main__"] = module
worker = multiprocessing.get_context("spawn").Process(
    target=exec, args=("import sys; print('worker: streamlit imported', 'streamlit' in sys.modules, flush=True)",))
worker.start()
worker.join()
sys.exit(worker.exitcode)
"""


def test_a_worker_started_by_the_app_neither_draws_the_app_nor_warns() -> None:
    """The worker runs the app's main script again as "__mp_main__"; it used to draw the whole app there, outside a
    Streamlit script run: eighty "missing ScriptRunContext!" warnings on the server's console per Start."""
    done = subprocess.run([sys.executable, "-c", STREAMLIT_THEN_A_WORKER], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert output.strip() == "worker: streamlit imported False", output


@pytest.fixture
def lesson_lines():
    """The lines the app's console handler prints, as the teacher would read them."""
    from ui import console

    console.show_lesson_events()
    handler = next(h for h in logging.getLogger("gan_core").handlers if h.get_name() == console._HANDLER)
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(handler.format(record))

    collect = Collect()
    logging.getLogger("gan_core").addHandler(collect)
    yield lines
    logging.getLogger("gan_core").removeHandler(collect)


def test_a_run_prints_one_line_when_it_starts_and_one_when_it_ends(checkpoints: Path, small_mnist: ImageDataset,
                                                                    lesson_lines: list[str]) -> None:
    data = ImageDataset("mnist-5k", small_mnist.images[:64], small_mnist.labels[:64])
    manager = JobManager(1, trainer_options={"data": data, "evaluate": None})
    try:
        config = TrainConfig(model="mlp", batch_size=32, epochs=1, device="cpu", latent_dim=16)
        job = manager.wait(manager.submit(config, "quiet-1", checkpoints, owner="ann"), timeout=600)
        assert job.state == "finished"
    finally:
        manager.shutdown(60)
    mine = [line for line in lesson_lines if "quiet-1" in line]
    assert len(mine) == 2, lesson_lines
    assert mine[0].endswith("GAN Lab: run quiet-1 started: mlp, epochs to 1, on cpu (by ann)"), mine
    assert mine[1].endswith("GAN Lab: run quiet-1 finished 1 epoch"), mine
