"""One training job: the library's trainer, started by the job manager's executor (executors.py).

`train_job` is what every job runs, wherever it runs: exactly what `python -m gan_core train` runs in
the foreground, `Trainer.create(...)` or `Trainer.resume(...)` then `train()`, so everything a page shows
is in the run's folder: run.json (status, one line of why), history.jsonl (losses, progress), epochs/
(samples), train.lock (held while it trains). On this machine it runs in a fresh interpreter (`run_job`,
multiprocessing "spawn": never a fork of a process that may hold CUDA), so every job has its own
interpreter lock, CUDA context, graph capture and process-wide flags; on a cluster, in a Ray actor of
its own (ray_executor.py).

A local worker talks with the manager through one pipe: it says {"event": "running"} once it trains and
{"event": "done", "state": ..., "note": ...} at the end, and hears {"event": "stop"}. A stop (that
message, SIGTERM, SIGINT, or the manager going away) stops it at the next step with a checkpoint.
(A pipe, not a multiprocessing.Event: setting an Event waits for its sleepers, and a killed worker
never wakes.)
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Callable

import torch
from threadpoolctl import threadpool_limits

from ..runs import notes
from ..runs.checkpoints import RunDir
from ..config import TrainConfig
from ..errors import GanLabError
from ..trainer import Trainer

log = logging.getLogger(__name__)


@dataclass
class JobRequest:
    """What a worker needs to start (it crosses to the new process by pickling)."""

    run_name: str
    root: str
    config: dict[str, Any]  # TrainConfig.to_dict(); for a resume, the saved settings with the requested changes
    resume: bool
    owner: str = ""
    threads: int = 1  # torch CPU threads of this worker
    options: dict[str, Any] = field(default_factory=dict)  # Trainer keywords: data, flush_every, evaluate;
    # and metric_references_file: the manager's metrics.references() in a file, so the worker need not compute them
    prepare: Callable[[Trainer], None] | None = None  # called with the trainer before it trains (observers)
    max_seconds: float | None = None  # the class limit on this job's training time (None: no limit)


def run_job(request: JobRequest, channel: Connection) -> None:
    """The worker process's entry point: train the run, record how it ended, tell the manager."""
    limit_threads(request.threads)
    stop = threading.Event()
    _stop_on_signals(stop)
    threading.Thread(target=_watch_for_stop, args=(channel, stop), daemon=True, name="stop-watcher").start()
    state, note = train_job(request, stop, lambda: _send(channel, {"event": "running"}))
    _send(channel, {"event": "done", "state": state, "note": note})
    if state == "failed":
        sys.exit(1)


def limit_threads(threads: int) -> None:
    """This worker's torch threads, and as many for numpy's BLAS (the FID of each epoch end): OpenBLAS starts
    one per core and, after each call, keeps them spinning for a while: on a laptop that takes the core the
    pages run on, and on a GPU box a class's thirty workers would do it at once. Process-wide, so only for a process that trains one run (a worker process, a Ray actor)."""
    torch.set_num_threads(max(1, threads))
    threadpool_limits(limits=max(1, threads), user_api="blas")


def train_job(request: JobRequest, stop: threading.Event, on_running: Callable[[], None]) -> tuple[str, notes.Note]:
    """What every worker runs, wherever it runs (a local process, a Ray actor): the trainer the CLI would
    make, trained until it ends or `stop` is set (then it saves at its next step). Returns the final state
    (finished, stopped, diverged or failed) and why; a failure is recorded in the run's folder too."""
    try:
        trainer = start_trainer(request)
        trainer.on_step.append(lambda progress: trainer.request_stop() if stop.is_set() else None)
        on_running()
        status = trainer.train(max_seconds=0.0 if stop.is_set() else request.max_seconds)
        return status, trainer.note
    except BaseException as error:  # noqa: BLE001 - every failure becomes one line in the run's status
        note = failure_note(error)
        if not isinstance(error, GanLabError):
            traceback.print_exc()
        record_failure(RunDir(request.run_name, request.root), note)
        return "failed", note


def start_trainer(request: JobRequest) -> Trainer:
    """The trainer the CLI would make for the same request: a new run, or the saved one resumed."""
    options = dict(request.options)
    references = options.pop("metric_references_file", None)
    if "evaluate" not in options:  # FID and the class histogram per epoch, for the Train page's charts
        from ..eval.metrics import load_references, training_evaluator, use_references

        if references:
            use_references(load_references(references))
        options["evaluate"] = training_evaluator(request.config.get("dataset", "mnist-5k"))
    run = RunDir(request.run_name, request.root)
    config = TrainConfig.from_dict(request.config)
    if request.resume:
        trainer = Trainer.resume(run, epochs=config.epochs, changes=request.config, **options)
    else:
        trainer = Trainer.create(config, run, owner=request.owner, **options)
    if request.prepare is not None:
        request.prepare(trainer)
    return trainer


def failure_note(error: BaseException) -> notes.Note:
    """One line a person can act on, for the run's status, with the code the app words it by."""
    if isinstance(error, torch.OutOfMemoryError):
        return notes.gpu_memory()
    if isinstance(error, MemoryError):
        return notes.memory()
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return notes.disk_full(os.path.basename(error.filename) if error.filename else "")
    if isinstance(error, GanLabError):
        return notes.user_error(error.code, _plain(error.params), str(error))
    if isinstance(error, SystemExit):
        return notes.exited(error.code)
    if isinstance(error, KeyboardInterrupt):
        return notes.process_interrupted()
    return notes.crashed(error)


def record_failure(run: RunDir, note: notes.Note) -> None:
    """Mark the run failed with its reason (its code and params, which the app translates), keeping its
    checkpoint. Best effort: if run.json itself cannot be written (a full disk), the released lock still
    tells everyone it is not running."""
    try:
        if run.exists():
            info = run.read_info()
            run.write_info({**info, "status": "failed", "summary": {**info.get("summary", {}), "message": note.message,
                                                                   "note": note.record()}})
    except Exception:  # noqa: BLE001
        log.warning("could not record the failure of run %s", run.name, exc_info=True)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """An error's params as JSON values (run.json keeps them)."""
    return {k: v if isinstance(v, (str, int, float, bool)) or v is None else str(v) for k, v in params.items()}


def _watch_for_stop(channel: Connection, stop: threading.Event) -> None:
    """Set `stop` when the manager says so, or is gone (its end of the pipe closes, or this process is
    orphaned): the trainer then stops at its next step with a checkpoint. A message waits in the pipe
    until it is read, so a stop sent while the worker starts is not lost."""
    parent = os.getppid()
    while not stop.is_set():
        try:
            if channel.poll(0.2) and channel.recv().get("event") == "stop":
                stop.set()
        except (EOFError, OSError):
            stop.set()
        if os.getppid() != parent:
            stop.set()


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM, and Ctrl-C at the server's terminal (which reaches the whole process group), stop with a save."""
    def handler(signum: int, frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


def _send(channel: Connection, message: dict[str, Any]) -> None:
    try:
        channel.send(message)
    except (OSError, ValueError):  # the manager is gone; the run folder says it all
        pass
