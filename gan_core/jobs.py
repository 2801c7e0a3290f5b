"""Training as background jobs: a process-wide manager that any number of UI sessions observe.

Trainings run in threads owned by the manager, never inside a UI script run. At most
`max_per_device` jobs run at once on each device (cpu, cuda, mps); the rest wait in a
first-in, first-out queue. Every method is safe to call from any thread, so thirty
browsers polling the same manager see the same jobs and cannot start one run twice.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .access import Actor, ClassLimits, check_limits, check_manage, check_not_shipped
from .checkpoints import RunDir, copy_run, default_checkpoints_dir, delete_run, rename_run
from .config import TrainConfig, resumed_config
from .devices import cpu_cores, resolve_device
from .errors import AccessError, CheckpointError, ConfigError, GanLabError, RunNameError
from .metrics import training_evaluator
from .trainer import EpochResult, History, Progress, Trainer

log = logging.getLogger(__name__)

MAX_JOBS_ENV = "GAN_LAB_MAX_JOBS_PER_DEVICE"
ACTIVE_STATES = ("queued", "starting", "running")
# How often a trainer copies its losses to the history that pages chart. A CPU pays nothing for it,
# so every step shows at once; a GPU would stop to sync, so it keeps the trainer's default (200).
FLUSH_EVERY = {"cpu": 1}


@dataclass(eq=False)  # identity equality: two jobs of one run are different jobs
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
    user_error: GanLabError | None = None  # the failure, when it was the user's to fix: pages translate it by its code
    progress: Progress | None = None
    latest_samples: np.ndarray | None = None
    trainer: Trainer | None = None  # only while the job runs: a finished job frees its models and data
    stop_requested: bool = False
    started_at: float | None = None
    finished_at: float | None = None
    final_history: History | None = None
    owner: str = ""  # who asked for it (recorded in run.json for a new run); the queue takes turns by owner
    stopped_by: Actor | None = None  # who pressed Stop (the owner or the teacher), shown with the stopped run
    max_seconds: float | None = None  # the class limit on its training time, when a student asked for it

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def history(self) -> History:
        """The live history while training, the final one after (lists only grow; read, do not change)."""
        trainer = self.trainer
        if trainer is not None:
            return trainer.history
        return self.final_history if self.final_history is not None else History()


def max_jobs_from_env() -> int:
    """`$GAN_LAB_MAX_JOBS_PER_DEVICE` (default 1), refusing values that would start nothing."""
    raw = os.environ.get(MAX_JOBS_ENV, "").strip()
    if not raw:
        return 1
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{MAX_JOBS_ENV} must be a whole number of at least 1, got {raw!r}", code="max_jobs_env", value=raw)
    return value


class JobManager:
    """Owns the training threads of this process."""

    def __init__(self, max_per_device: int | None = None, trainer_options: dict[str, Any] | None = None):
        """`trainer_options` go to every Trainer this manager makes (`data=`, `flush_every=`, `evaluate=`:
        an evaluator of per-epoch metrics, or a small dataset in tests)."""
        self.trainer_options = dict(trainer_options or {})
        self.max_per_device = max_jobs_from_env() if max_per_device is None else max_per_device
        if not isinstance(self.max_per_device, int) or self.max_per_device < 1:
            raise ConfigError(f"at most {self.max_per_device!r} jobs per device would start nothing; use 1 or more", code="max_jobs", value=self.max_per_device)
        self.limits = ClassLimits()  # what students may ask for; the teacher sets them (set_limits)
        self._lock = threading.RLock()
        self._jobs: list[Job] = []
        self._pinned: list[Job] = []  # the waiting order the teacher set (move); later jobs wait behind it
        self._threads: dict[int, threading.Thread] = {}  # id(job) -> its thread

    # --- asking ---------------------------------------------------------------------
    def submit(self, config: TrainConfig, run_name: str, root: str | Path | None = None, owner: str = "",
               by: Actor | None = None) -> Job:
        """Queue a new run. Bad settings, a taken name or (for a student `by`) a class limit raise at once
        (GanLabError), before queueing. `owner` (default: `by`'s name) is recorded in run.json."""
        config.validate()
        run = RunDir(run_name, _root(root))
        owner = owner or (by.name if by is not None else "")
        with self._lock:
            if run.path.exists() or self._active_job(run):
                raise RunNameError(f"a run named {run.name!r} already exists; choose another name", code="run_exists", name=run.name)
            job = Job(run.name, run.root, resolve_device(config.device).type, config, resume=False, owner=owner)
            self._apply_limits(job, by)
            return self._enqueue(job)

    def submit_resume(self, run_name: str, epochs: int, root: str | Path | None = None,
                      changes: dict[str, Any] | None = None, owner: str = "", by: Actor | None = None) -> Job:
        """Queue more epochs of a saved run; `epochs` is the new total. Only the settings in
        RESUMABLE_CHANGES may change; everything is checked here, before queueing: a shipped run is
        refused (`resume_copy` trains a copy) and so is someone else's run when `by` is a student."""
        run = RunDir(run_name, _root(root))
        info = run.read_info()  # raises a clear error for a missing run
        check_not_shipped(info, run.name, "resume")
        check_manage(by or Actor.machine(), run.name, str(info.get("owner") or ""), "resume")
        done = int(info.get("summary", {}).get("epochs_done", 0))
        config = resumed_config(info["config"], done, run.name, epochs, changes)
        if not run.checkpoint_path.is_file():
            raise CheckpointError(f"run {run.name!r} has no checkpoint to resume from yet", code="no_checkpoint", name=run.name)
        if run.owner_alive(info):
            raise CheckpointError(f"run {run.name!r} is being trained by another process ({info.get('pid')}); stop it first", code="run_busy", name=run.name)
        owner = owner or (by.name if by is not None else "") or str(info.get("owner") or "")
        with self._lock:
            if self._active_job(run):
                raise GanLabError(f"run {run.name!r} is already queued or training", code="run_busy", name=run.name)
            job = Job(run.name, run.root, resolve_device(config.device).type, config, resume=True, owner=owner)
            self._apply_limits(job, by)
            if info.get("stopped_by"):
                run.update_info(stopped_by=None)
            return self._enqueue(job)

    def resume_copy(self, run_name: str, new_name: str, epochs: int, root: str | Path | None = None,
                    changes: dict[str, Any] | None = None, by: Actor | None = None) -> Job:
        """Train on from a copy of a run (how a shipped run is resumed): the copy is `by`'s, the original
        stays as it was. Nothing is left behind when the resume is refused."""
        root = _root(root)
        owner = by.name if by is not None else ""
        with self._lock:
            if new_name in self.active_names(root):
                raise RunNameError(f"a run named {new_name!r} already exists; choose another name", code="run_exists",
                                   name=new_name)
            copy = copy_run(run_name, new_name, root, owner=owner)
            try:
                return self.submit_resume(copy.name, epochs, root, changes, by=by)
            except BaseException:
                delete_run(copy.name, root)
                raise

    def stop(self, run_name: str, root: str | Path | None = None, by: Actor | None = None) -> bool:
        """Stop a run: a queued one leaves the queue, a running one stops within a step or two and saves.
        Returns False when no active job has that name. Only its owner or the teacher may (AccessError)."""
        with self._lock:
            job = self.job(run_name, root)
            if job is None or not job.active:
                return False
            actor = by or Actor.machine()
            check_manage(actor, job.run_name, job.owner or self._recorded_owner(job), "stop")
            job.stop_requested = True  # the step observer re-asserts it, so no start-up race can lose it
            job.stopped_by = actor
            if job.state == "queued":
                self._finish(job, "stopped", "cancelled before it started")
            elif job.trainer is not None:
                job.trainer.request_stop()
            return True

    def delete(self, run_name: str, root: str | Path | None = None, by: Actor | None = None) -> None:
        """Delete a saved run, refused while a job of it is queued or training in this process, for a
        shipped run and for someone else's run when `by` is a student."""
        run = RunDir(run_name, _root(root))
        with self._lock:
            if self._active_job(run):
                raise CheckpointError(f"run {run.name!r} is queued or training; stop it before deleting it", code="delete_running", name=run.name)
            delete_run(run.name, run.root, by=by)

    def rename(self, run_name: str, new_name: str, root: str | Path | None = None, by: Actor | None = None) -> RunDir:
        """Rename a saved run (refused like `delete`, and for a taken name, a queued one's included)."""
        run = RunDir(run_name, _root(root))
        with self._lock:
            if self._active_job(run):
                raise CheckpointError(f"run {run.name!r} is queued or training; stop it before renaming it", code="run_busy", name=run.name)
            if new_name.strip() in self.active_names(run.root):
                raise RunNameError(f"a run named {new_name.strip()!r} already exists; choose another name", code="run_exists",
                                   name=new_name.strip())
            return rename_run(run.name, new_name.strip(), run.root, by=by)

    # --- the teacher's controls ------------------------------------------------------------
    def set_limits(self, limits: ClassLimits, by: Actor | None = None) -> None:
        """The class limits for students' new jobs (jobs already queued keep theirs). Teacher only."""
        if by is not None and not by.teacher:
            raise AccessError("only the teacher can change the class limits", code="teacher_only")
        self.limits = limits.validate()

    def move(self, run_name: str, offset: int, root: str | Path | None = None, by: Actor | None = None) -> int:
        """Move a waiting job `offset` places in its device's queue (negative: sooner). Teacher only.
        Returns its new place (1 = next). The order set here holds; jobs queued later wait behind it."""
        if by is not None and not by.teacher:
            raise AccessError("only the teacher can reorder the class queue", code="teacher_only")
        with self._lock:
            job = self.job(run_name, root)
            if job is None or job.state != "queued":
                raise GanLabError(f"run {run_name!r} is not waiting in the queue", code="not_queued", name=run_name)
            order = self._queue_order(job.device)
            place = max(0, min(len(order) - 1, order.index(job) + int(offset)))
            order.remove(job)
            order.insert(place, job)
            self._pinned = [j for j in self._pinned if j.device != job.device] + order
            return place + 1

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop every job and wait (up to `timeout` s) for running ones to save: the server is going away."""
        with self._lock:
            active = [job for job in self._jobs if job.active]
            for job in active:
                self.stop(job.run_name, job.root)
            threads = [self._threads.get(id(job)) for job in active]
        deadline = time.monotonic() + timeout
        for thread in threads:
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))

    # --- looking ----------------------------------------------------------------------
    def jobs(self, root: str | Path | None = None) -> list[Job]:
        """All jobs, oldest first; only those of one checkpoints root when it is given."""
        with self._lock:
            if root is None:
                return list(self._jobs)
            resolved = Path(root).resolve()
            return [job for job in self._jobs if job.root.resolve() == resolved]

    def job(self, run_name: str, root: str | Path | None = None) -> Job | None:
        """The newest job of that run (the root defaults to any)."""
        with self._lock:
            for job in reversed(self._jobs):
                if job.run_name == run_name and (root is None or Path(root).resolve() == job.root.resolve()):
                    return job
        return None

    def active_names(self, root: str | Path | None = None) -> set[str]:
        """Names of runs queued or training: taken, even before their folder exists."""
        return {job.run_name for job in self.jobs(root) if job.active}

    def queue(self, device: str) -> list[Job]:
        """The jobs waiting for that device, in the order they will start."""
        with self._lock:
            return self._queue_order(device)

    def queue_position(self, job: Job) -> int | None:
        """1 for the next job to start on its device, None when the job is not waiting."""
        with self._lock:
            order = self._queue_order(job.device)
            return order.index(job) + 1 if job in order else None

    def running_on(self, device: str) -> list[Job]:
        """The jobs holding a slot of that device now (what a queued job waits for)."""
        with self._lock:
            return [j for j in self._jobs if j.state in ("starting", "running") and j.device == device]

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

    def _recorded_owner(self, job: Job) -> str:
        try:
            return str(RunDir(job.run_name, job.root).read_info().get("owner") or "")
        except GanLabError:
            return ""

    def _apply_limits(self, job: Job, by: Actor | None) -> None:
        """A student's job must fit the class limits; it then carries the time limit with it."""
        if by is None or by.teacher:
            return
        mine = sum(1 for j in self._jobs if j.active and j.owner == by.name)
        check_limits(by, self.limits, job.config.epochs, job.device, mine)
        job.max_seconds = self.limits.max_seconds

    def _enqueue(self, job: Job) -> Job:
        self._jobs.append(job)
        self._start_waiting()
        return job

    def _queue_order(self, device: str) -> list[Job]:
        """The teacher's order first (if set), then first-in, first-out."""
        waiting = [j for j in self._jobs if j.state == "queued" and j.device == device]
        pinned = [j for j in self._pinned if j in waiting]
        self._pinned = [j for j in self._pinned if j.state == "queued"]
        return pinned + [j for j in waiting if j not in pinned]

    def _start_waiting(self) -> None:
        with self._lock:
            for job in [j for device in dict.fromkeys(j.device for j in self._jobs) for j in self._queue_order(device)]:
                if len(self.running_on(job.device)) < self.max_per_device:
                    job.state = "starting"
                    job.started_at = time.time()
                    thread = threading.Thread(target=self._work, args=(job,), name=f"gan-lab-train-{job.run_name}", daemon=True)
                    self._threads[id(job)] = thread
                    thread.start()

    def _work(self, job: Job) -> None:
        trainer: Trainer | None = None
        options = {**({"flush_every": FLUSH_EVERY[job.device]} if job.device in FLUSH_EVERY else {}), **self.trainer_options}
        try:
            if "evaluate" not in options:  # FID and the class histogram per epoch, for the Train page's charts
                options["evaluate"] = training_evaluator(job.config.dataset)
            run = RunDir(job.run_name, job.root)
            if job.resume:
                trainer = Trainer.resume(run, epochs=job.config.epochs, changes=job.config.to_dict(), **options)
            else:
                trainer = Trainer.create(job.config, run, owner=job.owner, **options)
            trainer.on_step.append(lambda progress: self._on_step(job, trainer, progress))
            trainer.on_epoch_end.append(lambda result: self._on_epoch_end(job, result))
            with self._lock:
                job.trainer = trainer
                job.latest_samples = trainer.latest_samples
                job.progress = trainer.progress()
                job.state = "running"
                stop_first = job.stop_requested
            # Stopped while starting: save the step-0 state (so the run can be resumed) and end at once.
            status = trainer.train(max_seconds=0.0 if stop_first else job.max_seconds)
            if status == "stopped" and not job.stop_requested:  # the class time limit ran out
                job.stopped_by = Actor("", teacher=False)
            self._finish(job, status, trainer.message, trainer=trainer)
        except GanLabError as error:
            job.user_error = error
            self._finish(job, "failed", str(error), error=str(error), trainer=trainer)
        except Exception as error:  # noqa: BLE001 - a job's failure must reach the page, not kill the server
            log.error("training job %s failed:\n%s", job.run_name, traceback.format_exc())
            self._finish(job, "failed", "", error=f"{type(error).__name__}: {error}", trainer=trainer)
        finally:
            with self._lock:
                self._threads.pop(id(job), None)

    @staticmethod
    def _on_step(job: Job, trainer: Trainer, progress: Progress) -> None:
        job.progress = progress
        if job.stop_requested and not trainer.stop_requested:
            trainer.request_stop()

    @staticmethod
    def _on_epoch_end(job: Job, result: EpochResult) -> None:
        job.latest_samples = result.samples

    def _finish(self, job: Job, state: str, message: str, error: str = "", trainer: Trainer | None = None) -> None:
        with self._lock:
            job.state, job.message, job.error = state, message, error
            job.finished_at = time.time()
            if trainer is not None:
                job.progress = trainer.progress()
                job.final_history = trainer.history
                if trainer.latest_samples is not None:
                    job.latest_samples = trainer.latest_samples
            job.trainer = None  # free the models, optimisers and the dataset's device copy
            if state == "stopped" and job.stopped_by is not None and RunDir(job.run_name, job.root).exists():
                by = job.stopped_by.record() if job.stopped_by.name or job.stopped_by.teacher else \
                    {"limit_minutes": round((job.max_seconds or 0) / 60, 2)}
                RunDir(job.run_name, job.root).update_info(stopped_by=by)
            self._start_waiting()


def _root(root: str | Path | None) -> Path:
    return Path(root) if root is not None else default_checkpoints_dir()


_manager: JobManager | None = None
_manager_lock = threading.Lock()


TORCH_THREADS_ENV = "GAN_LAB_TORCH_THREADS"


def leave_a_core_free() -> int:
    """Train with one CPU thread fewer than there are cores (at least 1), or `$GAN_LAB_TORCH_THREADS`.

    In the app the same machine also serves the pages and often runs the browser. When torch's
    threads outnumber the free cores they wait for each other: on a busy 2-core machine a step with
    2 threads took 8x as long as with 1 (bench/time_to_digits.py --threads 1 shows it). The CLI and
    benchmarks keep torch's own choice.
    """
    configured = os.environ.get(TORCH_THREADS_ENV, "").strip()
    threads = int(configured) if configured.isdigit() and int(configured) > 0 else max(1, cpu_cores() - 1)
    torch.set_num_threads(threads)
    return threads


def get_job_manager() -> JobManager:
    """The one manager of this process, shared by every browser session of the app.

    When the process exits (Ctrl-C on the server), running jobs are stopped and saved first.
    """
    global _manager
    with _manager_lock:
        if _manager is None:
            leave_a_core_free()
            _manager = JobManager()
            atexit.register(_manager.shutdown)
        return _manager
