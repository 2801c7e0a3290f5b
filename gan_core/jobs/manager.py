"""Training as background jobs: a manager that queues runs and supervises one worker per run.

A job's worker is a process of its own (worker.py), on this machine or, with a cluster configured,
on one of its nodes (executors.py: where workers run is the executor's business; the queue is the
manager's): the trainer never shares an interpreter lock with the pages, and each GPU job has its
own CUDA context. The manager only queues, starts, stops and reaps; what a run has done is in its
folder, where pages read it (history.read_log, RunDir.info), so any number of pages can watch a run
without touching its worker. A finished job leaves the manager's memory.

At most `limit(device)` jobs run at once on a device (cpu, cuda, mps); the rest wait in the class's
queue (class_queue.py), which takes turns between owners (round-robin: the people who queued runs;
jobs without an owner are each their own, so among them it is first-in, first-out). The queue lives
in this manager, or, for a class served by several servers, in their cluster (shared_queue.py). Every
method is safe to call from any thread, so thirty browsers polling one manager see the same jobs and
cannot start a run twice.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import torch

from ..classroom.access import Actor, ClassLimits, check_manage, check_not_shipped, limit_problems
from ..classroom.audit import AuditLog, now_iso
from ..runs.checkpoints import (RunDir, atomic_write, copy_run, default_checkpoints_dir, delete_run, is_run_folder,
                                rename_run, resolved_root)
from ..config import TrainConfig, resumed_config
from ..devices import cpu_cores, training_device_type, use_training_devices
from ..errors import AccessError, CheckpointError, ClassLimitError, ConfigError, GanLabError, RunNameError
from ..history import History, Progress, RunLog, read_log, read_progress
from ..runs import notes
from ..trainer import Trainer
from .class_queue import ACTIVE_STATES, SYNC_SECONDS, ClassQueue, configured_class, root_key
from .executors import Executor, LocalExecutor, Reattached, Worker, WorkerEnd, make_executor
from .executors import GPU_MEMORY_PER_JOB, MAX_GPU_JOBS, default_job_limit, gpu_memory_bytes  # noqa: F401 - as before
from .worker import JobRequest, record_failure

if TYPE_CHECKING:
    from .shared_queue import SharedQueue

log = logging.getLogger(__name__)

MAX_JOBS_ENV = "GAN_LAB_MAX_JOBS_PER_DEVICE"
TORCH_THREADS_ENV = "GAN_LAB_TORCH_THREADS"
# How often a worker appends its losses to the run's log. A CPU pays nothing for it, so every step
# shows at once; a GPU would stop to sync, so it keeps the trainer's default (200 steps).
FLUSH_EVERY = {"cpu": 1}
LIMITS_FILE = "class-limits.json"  # in the checkpoints folder: the teacher's class limits outlive a server restart
STOP_TIMEOUT = 30.0  # seconds a worker has to save and exit after a stop, before it is killed
# A stop that comes while the worker still starts (a fresh interpreter importing torch: seconds, a minute on a
# busy laptop) is acted on once it trains; only a worker still starting after this long is killed.
START_TIMEOUT = 300.0


@dataclass(eq=False)  # identity equality: two jobs of one run are different jobs
class Job:
    """One training request: where it is in the queue and its worker. What it has trained is on disk."""

    run_name: str
    root: Path
    device: str  # "cpu", "cuda" or "mps": the queue it waits in
    config: TrainConfig  # for a resume: the saved settings with the requested changes
    resume: bool
    owner: str = ""
    number: int = 0  # submission order
    submitted: float = field(default_factory=time.time)
    state: str = "queued"  # queued, starting, running, then finished, stopped, diverged, failed or interrupted
    note: notes.Note = notes.NONE  # why it ended as it did: a code pages translate, and an English line
    error: str = ""  # the English line of a failure
    stop_requested: bool = False
    started_at: float | None = None
    finished_at: float | None = None
    stopped_by: Actor | None = None  # who pressed Stop (the owner or the teacher), shown with the stopped run
    stopped_at: str = ""  # when they pressed it (ISO time), shown with it: "stopped by the teacher at 10:42"
    max_seconds: float | None = None  # the class limit on its training time, when a student asked for it
    node: str = ""  # on a cluster: the address of the node that trains it ("" here)
    scratch: str = ""  # and the folder there it trains in
    elsewhere: bool = False  # queued through another server of the class (a shared queue): listed here, run there
    done: threading.Event = field(default_factory=threading.Event, repr=False)
    _worker: Worker | None = field(default=None, repr=False)
    _result: dict[str, Any] | None = field(default=None, repr=False)
    _stop_deadline: float | None = field(default=None, repr=False)
    _killed: bool = field(default=False, repr=False)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def message(self) -> str:
        """Why it ended as it did, in English."""
        return self.note.message

    @property
    def run(self) -> RunDir:
        return RunDir(self.run_name, self.root)

    @property
    def root_key(self) -> str:
        return root_key(self.root)

    @property
    def pid(self) -> int | None:
        """Its worker's process on this machine (None while queued, or when it trains elsewhere)."""
        return self._worker.pid if self._worker is not None else None

    def log(self) -> RunLog:
        """What the worker has written so far (read from the run folder, cached by the log's size)."""
        return read_log(self.run.log_path)

    @property
    def progress(self) -> Progress | None:
        return read_progress(self.run.log_path)  # no history copied

    @property
    def history(self) -> History:
        return self.log().history


def max_jobs_from_env() -> int | None:
    """`$GAN_LAB_MAX_JOBS_PER_DEVICE` for every device, None when unset; values that would start nothing are refused."""
    raw = os.environ.get(MAX_JOBS_ENV, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{MAX_JOBS_ENV} must be a whole number of at least 1, got {raw!r}", code="max_jobs_env", value=raw)
    return value


def configured_torch_threads() -> int | None:
    """`$GAN_LAB_TORCH_THREADS` as a whole number of threads, None when unset or not a positive whole number."""
    configured = os.environ.get(TORCH_THREADS_ENV, "").strip()
    return int(configured) if configured.isdigit() and int(configured) > 0 else None


def torch_threads(device: str, limit: int) -> int:
    """CPU threads per worker: `$GAN_LAB_TORCH_THREADS`, else the cores shared among the device's jobs,
    one core left to the pages on a CPU (more threads than free cores wait on each other and train far slower)."""
    configured = configured_torch_threads()
    if configured is not None:
        return configured
    spare = cpu_cores() - 1 if device == "cpu" else cpu_cores()
    return max(1, spare // limit)


class JobManager:
    """Queues runs and supervises their workers."""

    def __init__(self, max_per_device: int | None = None, trainer_options: dict[str, Any] | None = None,
                 stop_timeout: float = STOP_TIMEOUT, prepare: Callable[[Trainer], None] | None = None,
                 limits_file: str | Path | None = None, executor: Executor | None = None, class_name: str | None = None):
        """`max_per_device`: jobs at once on each device (default `$GAN_LAB_MAX_JOBS_PER_DEVICE`, else
        what the executor holds: `default_job_limit` here). `trainer_options` go to every Trainer (`data=`,
        `flush_every=`, `evaluate=`; picklable, they cross to the worker); `prepare(trainer)` runs in the
        worker before training. `limits_file`: where the teacher's class limits are kept, so a restarted
        server keeps them. `executor`: where workers run (default: processes of this machine). `class_name`: share
        the class's queue and limits with the other servers of that class, in the executor's Ray cluster."""
        self.executor = executor if executor is not None else LocalExecutor()
        self.executor.check_options(dict(trainer_options or {}), prepare)
        self.trainer_options = dict(trainer_options or {})
        self.max_per_device = max_jobs_from_env() if max_per_device is None else max_per_device
        if self.max_per_device is not None and (not isinstance(self.max_per_device, int) or self.max_per_device < 1):
            raise ConfigError(f"at most {self.max_per_device!r} jobs per device would start nothing; use 1 or more",
                              code="max_jobs", value=self.max_per_device)
        self.stop_timeout = stop_timeout
        self.prepare = prepare
        self.limits_file = None if limits_file is None else Path(limits_file)
        self._lock = threading.RLock()
        # The class's active jobs (a finished job leaves: its history is on disk), whose turn it is, and the
        # limits of what students may ask for (the teacher sets them: set_limits).
        self._queue: ClassQueue[Job] | SharedQueue = ClassQueue(limits=self._read_limits())
        if class_name:
            server = getattr(self.executor, "server_id", None)
            if server is None:
                raise ConfigError(f"a class shared between servers ({class_name!r}) needs a Ray cluster: set "
                                  "GAN_LAB_CLUSTER too", code="class_needs_cluster", name=class_name)
            from .shared_queue import SharedQueue, stand_in

            self._queue = SharedQueue(class_name, server, self._queue.limits, lambda ticket: stand_in(Job, ticket))
        self._recovered: set[Path] = set()
        self._references: str | None = None  # a file of metrics.references() for the workers ("": none)
        self._wake = threading.Event()  # set when a worker starts: the supervisor has something to watch
        self._left = threading.Event()  # set by `leave`: the supervisor ends
        self._supervisor = threading.Thread(target=self._supervise, name="gan-lab-jobs", daemon=True)
        self._supervisor.start()

    @property
    def limits(self) -> ClassLimits:
        """What students may ask for (the teacher sets them: `set_limits`)."""
        return self._queue.limits

    @property
    def _jobs(self) -> list[Job]:
        return self._queue.items

    def limit_problems(self, config: TrainConfig, by: Actor) -> list[ClassLimitError]:
        """The class limits that `submit` would refuse `by`'s new run of `config` for (access.limit_problems),
        so that a form can say them before Start."""
        mine = sum(1 for job in self.jobs() if job.active and job.owner == by.name)
        return limit_problems(by, self.limits, config.epochs, training_device_type(config.device), mine)

    def limit(self, device: str) -> int:
        """How many jobs may train at once on that device."""
        return self.max_per_device if self.max_per_device is not None else self.executor.limit(device)

    # --- asking ---------------------------------------------------------------------------
    def submit(self, config: TrainConfig, run_name: str, root: str | Path | None = None, owner: str = "",
               by: Actor | None = None) -> Job:
        """Queue a new run. Bad settings, a taken name or (for a student `by`) a class limit raise at once
        (GanLabError), before queueing. `owner` (default: `by`'s name; "" for nobody) is recorded in
        run.json and is whose turn it is in the queue."""
        config.validate()
        run = RunDir(run_name, self._root(root))
        owner = owner or (by.name if by is not None else "")
        with self._lock:
            if run.path.exists() or self._active_job(run):
                raise RunNameError(f"a run named {run.name!r} already exists; choose another name", code="run_exists", name=run.name)
        self._prepare_metrics(config)
        with self._lock:
            if run.path.exists() or self._active_job(run):
                raise RunNameError(f"a run named {run.name!r} already exists; choose another name", code="run_exists", name=run.name)
            job = Job(run.name, run.root, training_device_type(config.device), config, resume=False, owner=owner)
            return self._enqueue(job, by)

    def submit_resume(self, run_name: str, epochs: int, root: str | Path | None = None,
                      changes: dict[str, Any] | None = None, owner: str = "", by: Actor | None = None) -> Job:
        """Queue more epochs of a saved run; `epochs` is the new total. Only the settings in
        RESUMABLE_CHANGES may change; everything is checked here, before queueing: a shipped run is
        refused (`resume_copy` trains a copy) and so is someone else's run when `by` is a student."""
        run = RunDir(run_name, self._root(root))
        info = run.read_info()  # raises a clear error for a missing run
        check_not_shipped(info, run.name, "resume")
        check_manage(by or Actor.machine(), run.name, str(info.get("owner") or ""), "resume")
        done = int(info.get("summary", {}).get("epochs_done", 0))
        config = resumed_config(info["config"], done, run.name, epochs, changes)
        if not run.checkpoint_path.is_file():
            raise CheckpointError(f"run {run.name!r} has no checkpoint to resume from yet", code="no_checkpoint", name=run.name)
        self._prepare_metrics(config)
        owner = owner or (by.name if by is not None else "") or str(info.get("owner") or "")
        with self._lock:
            if self._active_job(run):
                raise GanLabError(f"run {run.name!r} is already queued or training", code="run_busy", name=run.name)
            if run.owner_alive(info):
                raise CheckpointError(f"run {run.name!r} is being trained by another process; stop it first", code="run_busy", name=run.name)
            job = Job(run.name, run.root, training_device_type(config.device), config, resume=True, owner=owner)
            self._enqueue(job, by, start=False)
            if info.get("stopped_by"):
                run.update_info(stopped_by=None)
            self._start_waiting()
        AuditLog(run.root).write(by, "resume", run.name, owner=str(info.get("owner") or ""), epochs=epochs,
                                 **({"copied_from": info["copied_from"]} if info.get("copied_from") else {}))
        return job

    def resume_copy(self, run_name: str, new_name: str, epochs: int, root: str | Path | None = None,
                    changes: dict[str, Any] | None = None, by: Actor | None = None) -> Job:
        """Train on from a copy of a run (how a shipped run is resumed): the copy is `by`'s, the original
        stays as it was. Nothing is left behind when the resume is refused."""
        root = self._root(root)
        owner = by.name if by is not None else ""
        with self._lock:
            if new_name in self.active_names(root):
                raise RunNameError(f"a run named {new_name!r} already exists; choose another name", code="run_exists",
                                   name=new_name)
            copy = copy_run(run_name, new_name, root, owner=owner)
        try:
            return self.submit_resume(copy.name, epochs, root, changes, by=by)
        except BaseException:
            shutil.rmtree(copy.path, ignore_errors=True)  # made just now, never shown: no deletion to record
            raise

    def stop(self, run_name: str, root: str | Path | None = None, by: Actor | None = None) -> bool:
        """Stop a run: a queued one leaves the queue; a running one saves a checkpoint at its next step and
        exits (killed after `stop_timeout` s, its run then interrupted). False when no job has that name.
        Only its owner or the teacher may (AccessError). Written to the audit log."""
        with self._lock:
            job = self.job(run_name, root)
            if job is None:
                return False
            actor = by or Actor.machine()
            owner = job.owner or self._recorded_owner(job)
            check_manage(actor, job.run_name, owner, "stop")
            if not job.stop_requested:  # the first press is the stop; more while it saves change nothing
                AuditLog(job.root).write(by, "stop", job.run_name, owner=owner, state=job.state)
                job.stopped_by, job.stopped_at = actor, now_iso()
            if job.elsewhere:  # another server of the class trains it: the queue passes the stop on
                self._queue.ask_stop(job, actor)
                return True
            self._stop_here(job)
            return True

    def _stop_here(self, job: Job) -> None:
        """A queued job leaves the queue; a starting or running one is told to save and exit (killed if it does
        not in time). Called with the lock held, once who may stop it was checked."""
        if job.state == "queued":
            self._finish(job, "stopped", notes.cancelled())
        elif not job.stop_requested:
            job.stop_requested = True
            job._stop_deadline = time.monotonic() + (self.stop_timeout if job.state == "running"
                                                     else max(self.stop_timeout, START_TIMEOUT))
            if job._worker is not None:
                job._worker.stop()  # heard when the worker gets to it, even while it starts

    def delete(self, run_name: str, root: str | Path | None = None, by: Actor | None = None) -> None:
        """Delete a saved run, refused while a job of it is queued or training, for a shipped run and for
        someone else's run when `by` is a student."""
        run = RunDir(run_name, self._root(root))
        with self._lock:
            if self._active_job(run):
                raise CheckpointError(f"run {run.name!r} is queued or training; stop it before deleting it", code="delete_running", name=run.name)
            delete_run(run.name, run.root, by=by)

    def rename(self, run_name: str, new_name: str, root: str | Path | None = None, by: Actor | None = None) -> RunDir:
        """Rename a saved run (refused like `delete`, and for a taken name, a queued one's included)."""
        run = RunDir(run_name, self._root(root))
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
        limits = limits.validate()
        if self.limits_file is not None:
            text = json.dumps(limits.to_dict(), indent=1)
            try:
                self.limits_file.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.limits_file, lambda file: file.write(text.encode("utf-8")))
            except OSError as error:
                raise CheckpointError(f"could not save the class limits to {self.limits_file}: {error.strerror or error}; "
                                      "the old limits still hold", code="limits_not_saved", detail=str(error)) from error
            AuditLog(self.limits_file.parent).write(by, "limits", **limits.to_dict())
        with self._lock:
            self._queue.limits = limits

    def _read_limits(self) -> ClassLimits:
        """The limits kept in `limits_file`; none when there is no file. A damaged file is logged and left as it
        is (no limits until the teacher saves new ones): a server must start even so."""
        if self.limits_file is None or not self.limits_file.exists():
            return ClassLimits()
        try:
            return ClassLimits.from_dict(json.loads(self.limits_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, GanLabError) as error:
            logging.getLogger(__name__).warning("ignoring the class limits in %s (%s); the teacher can set them again",
                                                self.limits_file, error)
            return ClassLimits()

    def move(self, run_name: str, offset: int, root: str | Path | None = None, by: Actor | None = None) -> int:
        """Move a waiting job `offset` places in its device's queue (negative: sooner). Teacher only.
        Returns its new place (1 = next). The order set here holds; jobs queued later wait behind it."""
        if by is not None and not by.teacher:
            raise AccessError("only the teacher can reorder the class queue", code="teacher_only")
        with self._lock:
            job = self.job(run_name, root)
            if job is None or job.state != "queued":
                raise GanLabError(f"run {run_name!r} is not waiting in the queue", code="not_queued", name=run_name)
            place = self._queue.move(job, offset)
        AuditLog(job.root).write(by, "queue", job.run_name, owner=job.owner, place=place)
        return place

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop every job and wait (up to `timeout` s) for the workers to save; kill those that do not. Then
        let go of what the executor holds (its warm workers end)."""
        with self._lock:
            active = [job for job in self._jobs if not job.elsewhere]
            for job in active:
                self.stop(job.run_name, job.root)
        deadline = time.monotonic() + timeout
        for job in active:
            if not job.done.wait(max(0.0, deadline - time.monotonic())):
                with self._lock:
                    job._stop_deadline = 0.0  # the supervisor kills it now
        for job in active:
            job.done.wait(10.0)
        self.executor.shutdown()

    def leave(self) -> None:
        """What a server does as it exits: where workers end with it (this machine's processes), stop every job
        with a save (`shutdown`); where they outlive it (a cluster's actors), let them train on: the next server
        re-attaches to them. The manager supervises nothing after."""
        if not self.executor.workers_outlive_server:
            self.shutdown()
        else:
            with self._lock:
                for job in self._jobs:
                    if job._worker is not None and not job.elsewhere:
                        job._worker.leave()
        self._left.set()
        self._wake.set()
        self.executor.shutdown()

    def recover(self, root: str | Path | None = None) -> list[str]:
        """Mark every run under `root` left "running" by a worker that is gone as interrupted (resumable).
        Liveness is the worker's lock, not its PID; a run that a cluster's worker still trains is not gone.
        Done once per root by every manager; returns the names."""
        root = self._root(root)
        training = self.executor.training_now(root)
        marked = []
        for folder in sorted(root.iterdir()) if root.is_dir() else []:
            try:
                if folder.name in training:
                    continue
                if is_run_folder(folder) and RunDir(folder.name, root).mark_interrupted():
                    marked.append(folder.name)
            except (GanLabError, OSError):  # a broken run is listed as broken elsewhere
                continue
        return marked

    # --- looking --------------------------------------------------------------------------
    def jobs(self, root: str | Path | None = None) -> list[Job]:
        """The active jobs (queued, starting, running), oldest first; only those of one root when given."""
        with self._lock:
            if root is None:
                return list(self._jobs)
            resolved = resolved_root(self._root(root))
            return [job for job in self._jobs if resolved_root(job.root) == resolved]

    def job(self, run_name: str, root: str | Path | None = None) -> Job | None:
        """The active job of that run (the root defaults to any), or None."""
        with self._lock:
            resolved = resolved_root(self._root(root)) if root is not None else None
            return next((job for job in self._jobs if job.run_name == run_name
                         and (resolved is None or resolved_root(job.root) == resolved)), None)

    def active_names(self, root: str | Path | None = None) -> set[str]:
        """Names of runs queued or training under `root`, by this server or another of its class: taken, even
        before their folder exists."""
        key = root_key(self._root(root))
        with self._lock:
            return {item.run_name for item in self._queue.items if item.root_key == key} | \
                {job.run_name for job in self._jobs if job.root_key == key}

    def active_owners(self) -> set[str]:
        """Whose runs are queued or training, on this server or another of its class."""
        with self._lock:
            return {item.owner for item in self._queue.items} | {job.owner for job in self._jobs}

    def queue(self, device: str) -> list[Job]:
        """The jobs waiting for that device, in the order they will start."""
        with self._lock:
            return self._queue.order(device)

    def queue_position(self, job: Job) -> int | None:
        """1 for the next job to start on its device, None when the job is not waiting."""
        with self._lock:
            order = self._queue.order(job.device)
            return order.index(job) + 1 if job in order else None

    def running_on(self, device: str) -> list[Job]:
        """The jobs holding a slot of that device now (what a queued job waits for)."""
        with self._lock:
            return self._queue.running_on(device)

    def wait(self, job: Job | str, timeout: float = 120.0, root: str | Path | None = None) -> Job:
        """Block until the job (or the active job of that run name) has ended (for scripts and tests)."""
        if isinstance(job, str):
            found = self.job(job, root)
            if found is None:
                raise KeyError(f"no queued or training job of run {job!r}")
            job = found
        if not job.done.wait(timeout):
            raise TimeoutError(f"job {job.run_name!r} still {job.state} after {timeout} s")
        return job

    # --- internals: the queue -------------------------------------------------------------------
    def _prepare_metrics(self, config: TrainConfig) -> None:
        """Measure the metrics' reference values once in this process (outside the lock: the first
        time takes seconds), so that every worker of a digit run gets them instead of measuring."""
        if "evaluate" in self.trainer_options or self._references is not None:
            return
        from ..eval.metrics import DIGIT_DATASETS, references, save_references

        if config.dataset in DIGIT_DATASETS:
            try:
                values = references()
            except GanLabError:  # no classifier: the workers find out and train without metrics
                self._references = ""
                return
            folder = tempfile.mkdtemp(prefix="gan-lab-metrics-")
            weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
            self._references = str(save_references(values, Path(folder) / "references.npz"))

    def _root(self, root: str | Path | None) -> Path:
        path = Path(root) if root is not None else default_checkpoints_dir()
        resolved = resolved_root(path)
        if resolved not in self._recovered:  # the first look at a root after (re)start: no run stays "running"
            self._recovered.add(resolved)
            self._adopt(self.executor.reattach(path))  # runs a cluster trains on are running, not interrupted
            self.recover(path)
        return path

    def _active_job(self, run: RunDir) -> Job | None:
        return self._queue.active(run.name, root_key(run.root))

    def _recorded_owner(self, job: Job) -> str:
        try:
            return str(RunDir(job.run_name, job.root).read_info().get("owner") or "")
        except GanLabError:
            return ""

    def _enqueue(self, job: Job, by: Actor | None, start: bool = True) -> Job:
        """Into the class's queue (a student's job must fit the limits: ClassLimitError), then start what may."""
        job.number = self._queue.new_number()
        self._queue.admit(job, job.config.epochs, by)
        if start:
            self._start_waiting()
        return job

    def _start_waiting(self) -> None:
        with self._lock:
            devices = {job.device for job in self._jobs if job.state == "queued"}
            if not devices:
                return
            for job in self._queue.start_next({device: self.limit(device) for device in devices}):
                if not job.elsewhere:
                    self._launch(job)

    def _launch(self, job: Job) -> None:
        job.state, job.started_at = "starting", time.time()
        options = {**({"flush_every": FLUSH_EVERY[job.device]} if job.device in FLUSH_EVERY else {}), **self.trainer_options}
        if self._references:
            options["metric_references_file"] = self._references
        request = JobRequest(job.run_name, str(job.root), job.config.to_dict(), job.resume, job.owner,
                             torch_threads(job.device, self.limit(job.device)), options, self.prepare, job.max_seconds)
        try:
            job._worker = self.executor.start(job, request)
        except Exception as error:  # noqa: BLE001 - too many processes, no memory, an option that cannot cross
            self._finish(job, "failed", notes.could_not_start(f"{type(error).__name__}: {error}"))
            return
        self._wake.set()

    # --- internals: supervision -----------------------------------------------------------------
    def _supervise(self) -> None:
        """Read the workers' messages, reap the ones that ended, kill the ones that ignore a stop; with a shared
        class, hear from its queue every half second."""
        shared = not isinstance(self._queue, ClassQueue)
        heard = 0.0
        while not self._left.is_set():
            self._adopt(self.executor.adopt_pending())
            if shared and time.monotonic() - heard >= SYNC_SECONDS:
                heard = time.monotonic()
                self._hear_from_class()
            with self._lock:
                running = [j for j in self._jobs if j._worker is not None]
            if not running:
                self._wake.wait(SYNC_SECONDS if shared else 5.0)
                self._wake.clear()
                continue
            try:
                self.executor.wait([job._worker for job in running], timeout=0.2)
            except Exception:  # noqa: BLE001 - a bug here must not end the supervision of every job
                log.exception("waiting for the workers failed")
                time.sleep(0.2)
            for job in running:
                self._look_after(job)

    def _hear_from_class(self) -> None:
        """What the other servers of the class asked of this one's jobs: stops (theirs, or the teacher's there), and
        queued jobs cancelled there; then start whatever the queue now says is this server's turn."""
        try:
            with self._lock:
                stops, cancelled = self._queue.sync()
                # the server it was asked on checked who may, and wrote it to the audit log
                for job, actor in cancelled:
                    job.stopped_by, job.stopped_at = actor, job.stopped_at or now_iso()
                    self._finish(job, "stopped", notes.cancelled())
                for job, actor in stops:
                    if not job.stop_requested:
                        job.stopped_by, job.stopped_at = actor, now_iso()
                    self._stop_here(job)
                for job in self._queue.to_launch():
                    self._launch(job)
        except Exception:  # noqa: BLE001 - the cluster did not answer: try again at the next sync
            log.warning("could not hear from the class's queue", exc_info=True)

    def _look_after(self, job: Job) -> None:
        """One look at a job's worker: what it said, whether it ended, whether it ignores a stop. Its messages
        are read outside the manager's lock (a cluster's worker hands over the run's new files here)."""
        worker = job._worker
        if worker is None:
            return
        try:
            said, end = worker.messages(), worker.ended()
        except Exception:  # noqa: BLE001
            log.exception("could not read the worker of run %s", job.run_name)
            return
        with self._lock:
            job.node, job.scratch = worker.node or job.node, worker.scratch or job.scratch
            try:
                self._read_messages(job, said)
                if end is not None:
                    self._reap(job, end)
                    return
            except Exception:  # noqa: BLE001 - a bug here must not end the supervision of every job
                log.exception("could not reap the worker of run %s", job.run_name)
                if end is not None:
                    self._finish(job, "failed", notes.ended_unexpectedly(end.exit_code))
                return
            if job._stop_deadline is not None and time.monotonic() > job._stop_deadline:
                log.warning("run %s did not stop within %s s; killing its worker", job.run_name, self.stop_timeout)
                worker.kill()
                job._stop_deadline = None
                job._killed = True

    def _read_messages(self, job: Job, said: list[dict[str, Any]]) -> None:
        for message in said:
            if message.get("event") == "running" and job.state == "starting":
                self._queue.mark_running(job)
                job.state = "running"
                log.info("run %s started: %s, epochs to %d, on %s%s", job.run_name, job.config.model,
                         job.config.epochs, job.device, f" (by {job.owner})" if job.owner else "")
                if job.stop_requested and job._stop_deadline:  # it hears the stop now: the usual time to save
                    job._stop_deadline = time.monotonic() + self.stop_timeout
            elif message.get("event") == "done":
                job._result = message

    def _reap(self, job: Job, end: WorkerEnd) -> None:
        self._read_messages(job, job._worker.messages())  # what it said just before it ended
        result, run = job._result, job.run
        if result is not None:
            state, note = result["state"], result["note"]
        elif job._killed:
            state, note = "interrupted", notes.interrupted_timeout(self.stop_timeout)
        elif end.failed:
            state, note = "failed", notes.could_not_start(end.failed)
        elif end.lost:
            state, note = "interrupted", notes.interrupted_lost(end.lost)
        elif end.exit_code is not None and end.exit_code < 0:
            state, note = "interrupted", notes.interrupted_killed(-end.exit_code)
        else:
            state, note = "failed", notes.ended_unexpectedly(end.exit_code)
        try:
            if state == "interrupted" and run.exists():
                run.mark_interrupted(note, to_checkpoint=bool(end.lost))
            elif state == "failed" and run.exists() and (result is None or run.read_info().get("status") == "running"):
                record_failure(run, note)  # the worker could not (a full disk): say why here
        except (GanLabError, OSError):
            log.warning("could not record how run %s ended", job.run_name, exc_info=True)
        self._finish(job, state, note)

    def _finish(self, job: Job, state: str, note: notes.Note) -> None:
        # One line on the server's console per run that ends (the app shows these; a teacher spots a failure).
        log.log(logging.WARNING if state in ("failed", "interrupted") else logging.INFO, "run %s %s", job.run_name,
                note.message if state in ("finished", "stopped") and note.message else
                f"{state}: {note.message}" if note.message else state)
        with self._lock:
            job.state, job.note, job.error = state, note, note.message if state == "failed" else ""
            job.finished_at = time.time()
            if job._worker is not None:
                job._worker.close()
            job._worker = None
            if state == "stopped" and job.max_seconds is not None and not job.stop_requested:
                job.stopped_by = Actor("", teacher=False)  # the class time limit ran out
            if state == "stopped" and job.stopped_by is not None and job.run.exists():
                by = {**job.stopped_by.record(), "at": job.stopped_at} if job.stopped_by.name or job.stopped_by.teacher \
                    else {"limit_minutes": round((job.max_seconds or 0) / 60, 2)}
                try:
                    job.run.update_info(stopped_by=by)
                except (GanLabError, OSError):
                    log.warning("could not record who stopped run %s", job.run_name, exc_info=True)
            self._queue.remove(job)  # history and status are in the run folder
            self._start_waiting()
            job.done.set()

    # --- internals: workers found after a restart ----------------------------------------------------
    def _adopt(self, found: list[Reattached]) -> None:
        """List workers that trained before this manager started as running jobs again."""
        for item in found:
            request = item.request
            with self._lock:
                job = Job(request.run_name, Path(request.root), item.device, TrainConfig.from_dict(request.config),
                          resume=request.resume, owner=request.owner, state="running", max_seconds=request.max_seconds)
                job.started_at = time.time()
                job._worker = item.worker
                self._queue.adopt(job)  # it trains already: no turn, no limit
                self._wake.set()


_manager: JobManager | None = None
_manager_lock = threading.Lock()
_refused: tuple[float, GanLabError] | None = None  # the cluster's last refusal, and when
RETRY_SECONDS = 10.0  # a cluster that refused (unreachable, wrong token) is tried again at most this often


def leave_a_core_free() -> int:
    """The server's own torch threads (pages sample and measure): one fewer than there are cores
    (at least 1), or `$GAN_LAB_TORCH_THREADS`. Training happens in the workers."""
    threads = configured_torch_threads() or max(1, cpu_cores() - 1)
    torch.set_num_threads(threads)
    return threads


def get_job_manager() -> JobManager:
    """The one manager of this process, shared by every browser session of the app. Its workers run where
    `$GAN_LAB_CLUSTER` says (this machine unless it names a Ray cluster).

    When the process exits (Ctrl-C on the server), jobs on this machine are stopped and saved first; jobs on a
    cluster train on, and the next server re-attaches to them.
    """
    global _manager, _refused
    with _manager_lock:
        if _manager is None:
            if _refused is not None and time.monotonic() - _refused[0] < RETRY_SECONDS:
                raise _refused[1]  # every page says why at once, without waiting for the cluster again
            leave_a_core_free()
            try:
                executor = make_executor()
            except GanLabError as error:
                _refused = (time.monotonic(), error)
                raise
            if executor.training_devices() is not None:  # runs train elsewhere: offer the devices there
                use_training_devices(executor.training_devices)
            _manager = JobManager(limits_file=default_checkpoints_dir() / LIMITS_FILE, executor=executor,
                                  class_name=configured_class() or None)
            atexit.register(_manager.leave)
        return _manager
