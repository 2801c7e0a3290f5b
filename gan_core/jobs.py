"""Training as background jobs: a process-wide manager that any number of UI sessions observe.

Trainings run in threads owned by the manager, never inside a UI script run. At most
`max_per_device` jobs run at once on each device (cpu, cuda, mps); the rest wait in a
first-in, first-out queue. Every method is safe to call from any thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .checkpoints import RunDir, default_checkpoints_dir
from .config import TrainConfig
from .devices import resolve_device
from .errors import ConfigError, GanLabError, RunNameError
from .trainer import EpochResult, History, Progress, Trainer

log = logging.getLogger(__name__)

MAX_JOBS_ENV = "GAN_LAB_MAX_JOBS_PER_DEVICE"
ACTIVE_STATES = ("queued", "starting", "running")
JOB_STATES = (*ACTIVE_STATES, "finished", "stopped", "diverged", "failed")


@dataclass
class Job:
    """One training request and what it has done so far."""

    run_name: str
    root: Path
    device: str  # "cpu", "cuda" or "mps": the queue it waits in
    config: TrainConfig  # for a resume: the saved settings with the requested changes
    resume: bool
    submitted: float = field(default_factory=time.time)
    state: str = "queued"
    message: str = ""
    error: str = ""
    progress: Progress | None = None
    latest_samples: np.ndarray | None = None
    trainer: Trainer | None = None
    stop_requested: bool = False
    finished_at: float | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def history(self) -> History:
        """The live history (lists only grow; read them, do not change them)."""
        return self.trainer.history if self.trainer is not None else History()


class JobManager:
    """Owns the training threads of this process."""

    def __init__(self, max_per_device: int | None = None):
        self.max_per_device = max_per_device or int(os.environ.get(MAX_JOBS_ENV, "1"))
        self._lock = threading.RLock()
        self._jobs: list[Job] = []
        self._threads: dict[str, threading.Thread] = {}

    # --- asking ---------------------------------------------------------------------
    def submit(self, config: TrainConfig, run_name: str, root: str | Path | None = None) -> Job:
        """Queue a new run. Bad settings or a taken name raise at once (GanLabError), before queueing."""
        config.validate()
        run = RunDir(run_name, root if root is not None else default_checkpoints_dir())
        with self._lock:
            if run.path.exists() or self._active_job(run):
                raise RunNameError(f"a run named {run.name!r} already exists; choose another name")
            job = Job(run.name, run.root, resolve_device(config.device).type, config, resume=False)
            return self._enqueue(job)

    def submit_resume(self, run_name: str, epochs: int, root: str | Path | None = None,
                      changes: dict[str, Any] | None = None) -> Job:
        """Queue more epochs of a saved run; `epochs` is the new total."""
        run = RunDir(run_name, root if root is not None else default_checkpoints_dir())
        info = run.read_info()  # raises a clear error for a missing run
        config = TrainConfig.from_dict({**info["config"], **(changes or {}), "epochs": epochs}).validate()
        done = int(info.get("summary", {}).get("epochs_done", 0))
        if epochs <= done:
            raise ConfigError(f"run {run.name!r} has already trained {done} epochs; ask for more than {done}")
        if not run.checkpoint_path.is_file():
            raise GanLabError(f"run {run.name!r} has no checkpoint to resume from yet")
        with self._lock:
            if self._active_job(run):
                raise GanLabError(f"run {run.name!r} is already queued or training")
            job = Job(run.name, run.root, resolve_device(config.device).type, config, resume=True)
            return self._enqueue(job)

    def stop(self, run_name: str, root: str | Path | None = None) -> bool:
        """Stop a run: a queued one leaves the queue, a running one stops at the next step and saves.
        Returns False when no active job has that name."""
        with self._lock:
            job = self.job(run_name, root)
            if job is None or not job.active:
                return False
            job.stop_requested = True
            if job.state == "queued":
                self._finish(job, "stopped", "cancelled before it started")
            elif job.trainer is not None:
                job.trainer.request_stop()
            return True

    # --- looking ----------------------------------------------------------------------
    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs)

    def job(self, run_name: str, root: str | Path | None = None) -> Job | None:
        """The newest job of that run (the root defaults to any)."""
        with self._lock:
            for job in reversed(self._jobs):
                if job.run_name == run_name and (root is None or Path(root).resolve() == job.root.resolve()):
                    return job
        return None

    def queue_position(self, job: Job) -> int | None:
        """1 for the next job to start on its device, None when the job is not waiting."""
        with self._lock:
            waiting = [j for j in self._jobs if j.state == "queued" and j.device == job.device]
            return waiting.index(job) + 1 if job in waiting else None

    def wait(self, run_name: str, timeout: float = 60.0, root: str | Path | None = None) -> Job:
        """Block until the run's job is no longer active (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(run_name, root)
            if job is None:
                raise KeyError(run_name)
            if not job.active:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {run_name!r} still {job.state} after {timeout} s")
            time.sleep(0.02)

    # --- internals ----------------------------------------------------------------------
    def _active_job(self, run: RunDir) -> Job | None:
        return next((j for j in self._jobs if j.active and j.run_name == run.name
                     and j.root.resolve() == run.root.resolve()), None)

    def _enqueue(self, job: Job) -> Job:
        self._jobs.append(job)
        self._start_waiting()
        return job

    def _start_waiting(self) -> None:
        with self._lock:
            for job in [j for j in self._jobs if j.state == "queued"]:
                running = sum(1 for j in self._jobs if j.state in ("starting", "running") and j.device == job.device)
                if running < self.max_per_device:
                    job.state = "starting"
                    thread = threading.Thread(target=self._work, args=(job,), name=f"gan-lab-train-{job.run_name}", daemon=True)
                    self._threads[job.run_name] = thread
                    thread.start()

    def _work(self, job: Job) -> None:
        try:
            run = RunDir(job.run_name, job.root)
            if job.resume:
                trainer = Trainer.resume(run, epochs=job.config.epochs, changes=job.config.to_dict())
            else:
                trainer = Trainer.create(job.config, run)
            trainer.on_step.append(lambda progress: setattr(job, "progress", progress))
            trainer.on_epoch_end.append(lambda result: self._on_epoch_end(job, result))
            with self._lock:
                job.trainer = trainer
                job.latest_samples = trainer.latest_samples
                job.progress = trainer.progress()
                job.state = "running"
                if job.stop_requested:
                    trainer.request_stop()
            status = trainer.train()
            self._finish(job, status, trainer.message)
        except GanLabError as error:
            self._finish(job, "failed", str(error), error=str(error))
        except Exception as error:  # noqa: BLE001 - a job's failure must reach the page, not kill the server
            log.error("training job %s failed:\n%s", job.run_name, traceback.format_exc())
            self._finish(job, "failed", "", error=f"{type(error).__name__}: {error}")

    def _on_epoch_end(self, job: Job, result: EpochResult) -> None:
        job.latest_samples = result.samples

    def _finish(self, job: Job, state: str, message: str, error: str = "") -> None:
        with self._lock:
            job.state, job.message, job.error = state, message, error
            job.finished_at = time.time()
            if job.trainer is not None:
                job.progress = job.trainer.progress()
            self._start_waiting()


_manager: JobManager | None = None
_manager_lock = threading.Lock()


def get_job_manager() -> JobManager:
    """The one manager of this process, shared by every browser session of the app."""
    global _manager
    with _manager_lock:
        if _manager is None:
            _manager = JobManager()
        return _manager
