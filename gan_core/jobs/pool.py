"""Warm workers: training processes started before anyone presses Start.

A fresh worker spends seconds before its first step: a new interpreter imports torch and the library,
the first spectrally normed model imports more of torch, and on a GPU the CUDA context, the cuDNN and
cuBLAS handles and the first kernels load. A pool worker does all of that ahead: it loads the default
dataset and rehearses a few steps of the default run of its device (in a folder of its own that it then
deletes), says it is ready, and waits. Handed a job, it runs exactly what a fresh worker runs
(worker.py's `run_job`, the CLI's trainer) and exits when the job ends: still one process per running
job, each with its own interpreter and CUDA context. The pool then starts another in the background.

What it costs: each waiting worker holds an interpreter with torch (its resident memory) and, on a GPU,
a CUDA context (its GPU memory). So the pool is small
where memory is: one waiting worker on a machine without a CUDA GPU; with one, as many as that GPU's job
limit, and on that GPU waiting and training workers together never hold more contexts than that limit
(or `$GAN_LAB_WARM_WORKERS`, where it is larger). `$GAN_LAB_WARM_WORKERS` sets the number (0: no pool).

A waiting worker exits with the server: on a normal exit (the pool's shutdown, and multiprocessing ends its
daemonic children), and when the server is killed (its pipe closes, its parent is gone).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Callable

from ..errors import ConfigError

log = logging.getLogger(__name__)

WARM_WORKERS_ENV = "GAN_LAB_WARM_WORKERS"
# After a warm-up that failed, the next try waits this long, doubled each time up to the maximum: a GPU out of
# memory, or out of MPS clients, is not asked again ten times a second.
RETRY_SECONDS, MAX_RETRY_SECONDS = 2.0, 120.0
REHEARSAL_STEPS = 2  # steps of the rehearsal run: on a GPU the first one warms up and captures the graph
# Seconds a refill waits after a worker was handed a job: on a 2-core laptop a new interpreter importing torch
# would compete with the run's first steps, the seconds in which a student waits for its first picture.
REFILL_AFTER_TAKE = 3.0


def configured_warm_workers(has_cuda: bool, cuda_job_limit: int) -> int:
    """`$GAN_LAB_WARM_WORKERS`, else 1 without a CUDA GPU and the GPU's job limit with one."""
    raw = os.environ.get(WARM_WORKERS_ENV, "").strip()
    if not raw:
        return cuda_job_limit if has_cuda else 1
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"{WARM_WORKERS_ENV} must be a whole number of at least 0 (0: no warm workers), got {raw!r}",
                          code="warm_workers_env", value=raw)
    return value


@dataclass(frozen=True)
class WarmWorker:
    """What the pool knows of one of its waiting workers (for `status`)."""

    pid: int | None
    ready: bool
    rss_bytes: int  # resident memory once warm (0 before)
    private_bytes: int  # the part of it no other process shares (0 before, or where it cannot be told)
    warm_seconds: float  # from its spawn to ready (0 before)


class _Member:
    def __init__(self, process: multiprocessing.process.BaseProcess, channel: Connection):
        self.process, self.channel = process, channel
        self.spawned = time.monotonic()
        self.ready = False
        self.failed = False  # its warm-up failed: it is not handed jobs, and goes
        self.rss_bytes = self.private_bytes = 0
        self.warm_seconds = 0.0


class WarmPool:
    """Keeps `size` workers warm for jobs on `device` ("cpu", "cuda" or "mps"). `busy()` says how many workers of
    the executor train now; with `max_processes`, waiting and training ones together stay within it."""

    def __init__(self, context: Any, size: int, device: str, busy: Callable[[], int],
                 max_processes: int | None = None):
        self.size, self.device = size, device
        self._context, self._busy, self._max_processes = context, busy, max_processes
        self._members: list[_Member] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._failures = 0
        self._retry_at = 0.0  # no spawn before this (monotonic): after failures, and just after a take
        self._numbers = iter(range(1, 10**9))
        self._keeper = threading.Thread(target=keep_refilled, args=(self._wake, self._refill, "the warm worker pool"),
                                        name="gan-lab-warm-pool", daemon=True)
        self._keeper.start()

    # --- the executor's side ------------------------------------------------------------------
    def take(self, device: str) -> tuple[multiprocessing.process.BaseProcess, Connection] | None:
        """A waiting worker for a job on `device` (a ready one first, else one still warming up: it is further
        along than a fresh one), out of the pool; None when there is none. The pool starts another a few
        seconds later."""
        if device != self.device:
            return None
        with self._lock:
            self._read_all()
            alive = [m for m in self._members if m.process.exitcode is None and not m.failed]
            if not alive:
                return None
            member = next((m for m in alive if m.ready), alive[0])
            self._members.remove(member)
            self._retry_at = max(self._retry_at, time.monotonic() + REFILL_AFTER_TAKE)
        return member.process, member.channel

    def changed(self) -> None:
        """A job's worker ended: there may be room for another waiting one."""
        self._wake.set()

    def status(self) -> list[WarmWorker]:
        with self._lock:
            self._read_all()
            return [WarmWorker(m.process.pid, m.ready, m.rss_bytes, m.private_bytes, m.warm_seconds) for m in self._members]

    def wait_ready(self, count: int | None = None, timeout: float = 300.0) -> bool:
        """Wait until `count` (default: the pool's size, within its bound) workers are ready (for benchmarks
        and tests); False after `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            wanted = self._target() if count is None else count
            if sum(1 for worker in self.status() if worker.ready) >= wanted:
                return True
            time.sleep(0.05)
        return False

    def shutdown(self, timeout: float = 5.0) -> None:
        """End every waiting worker: a ready one hears its pipe close and exits; one still warming up cannot hear
        it (it is importing) and is terminated; one that does not exit in time is killed."""
        with self._lock:
            self._closed = True
            members, self._members = self._members, []
        self._wake.set()
        for member in members:
            member.channel.close()
            if not member.ready and member.process.exitcode is None:
                member.process.terminate()
        deadline = time.monotonic() + timeout
        for member in members:
            member.process.join(max(0.0, deadline - time.monotonic()))
            if member.process.exitcode is None:
                member.process.kill()
                member.process.join(5.0)
            member.process.close()

    # --- keeping it full ----------------------------------------------------------------------
    def _target(self) -> int:
        if self._max_processes is None:
            return self.size
        return max(0, min(self.size, max(self._max_processes, self.size) - self._busy()))


    def _refill(self) -> bool:
        """Replace dead waiting workers and start the missing ones; False once the pool is shut down."""
        with self._lock:
            if self._closed:
                return False
            self._read_all()
            for member in [m for m in self._members if m.process.exitcode is not None or m.failed]:
                self._members.remove(member)
                self._failed(member)
            missing = self._target() - len(self._members)
            if missing <= 0 or time.monotonic() < self._retry_at:
                return True
            for _ in range(missing):
                self._members.append(self._spawn())
        return True

    def _spawn(self) -> _Member:
        mine, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=serve_one_job, args=(theirs, self.device),
                                        name=f"gan-lab-warm-{next(self._numbers)}", daemon=True)
        try:
            process.start()
        finally:
            theirs.close()
        return _Member(process, mine)

    def _failed(self, member: _Member) -> None:
        """A waiting worker died (killed) or could not warm up: end it, and replace it (at once if it had been
        ready; else later, later each time in a row)."""
        member.channel.close()
        if member.process.exitcode is None:
            member.process.kill()
            member.process.join(5.0)
        code = member.process.exitcode
        member.process.close()
        if member.ready:
            return
        self._failures += 1
        delay = retry_delay(self._failures)
        self._retry_at = time.monotonic() + delay
        log.warning("a warm worker exited (code %s) before it was ready; the next tries in %.0f s", code, delay)

    def _read_all(self) -> None:
        for member in self._members:
            try:
                while not member.ready and member.channel.poll():
                    message = member.channel.recv()
                    if message.get("event") == "ready":
                        member.ready = True
                        member.rss_bytes = int(message.get("rss_bytes", 0))
                        member.private_bytes = int(message.get("private_bytes", 0))
                        member.warm_seconds = time.monotonic() - member.spawned
                        self._failures = 0
                    elif message.get("event") == "warm_failed":
                        log.warning("a warm worker could not warm up: %s", message.get("error"))
                        member.failed = True
                        break
            except (EOFError, OSError):  # it died; `_refill` replaces it
                pass


# --- what every pool of warm workers does (this machine's processes, a cluster's actors) ---------------
def keep_refilled(wake: threading.Event, refill: Callable[[], bool], pool: str) -> None:
    """A pool's keeper thread: `refill` about once a second, or at once when woken, until it says the pool is shut
    down. A bug in a refill is logged, never raised: a pool only speeds starts up and must not end the server."""
    while True:
        wake.wait(1.0)
        wake.clear()
        try:
            if not refill():
                return
        except Exception:  # noqa: BLE001
            log.exception("%s could not be refilled", pool)


def retry_delay(failures: int) -> float:
    """Seconds before the next warm-up after `failures` failed in a row: doubled each time, up to the maximum."""
    return min(MAX_RETRY_SECONDS, RETRY_SECONDS * 2 ** (failures - 1))


# --- inside a waiting worker ---------------------------------------------------------------------
def serve_one_job(channel: Connection, device: str) -> None:
    """A pool worker's entry point: warm up for `device`, say so, wait for one job and run it (`run_job`)."""
    handed = threading.Event()
    threading.Thread(target=_exit_with_parent, args=(handed,), daemon=True, name="parent-watch").start()
    try:
        warm_up(device)
    except Exception as error:  # noqa: BLE001 - the pool ends it; if it was handed a job already, the job runs
        _send(channel, {"event": "warm_failed", "error": f"{type(error).__name__}: {error}"})
    else:
        _send(channel, {"event": "ready", **memory_now()})
    while True:
        try:
            message = channel.recv()
        except (EOFError, OSError):  # the pool shut down, or the server is gone
            return
        if message.get("event") == "job":
            break
    handed.set()
    from .worker import run_job

    run_job(message["request"], channel)


def warm_up(device: str) -> None:
    """What a job's first seconds would do, done now: import, load the default dataset, and train the default
    run of `device` for a few steps in a folder of its own (models, the fast path's graph on a GPU, a preview,
    a checkpoint), then forget that run. The run's numbers go nowhere; process-wide settings it touches (torch
    threads, TF32) are set again by every trainer before it trains."""
    import torch
    from threadpoolctl import threadpool_limits

    from ..config import TrainConfig
    from ..data import load_dataset
    from ..eval.classifier import load_classifier
    from ..runs.checkpoints import RunDir
    from ..trainer import Trainer

    torch.set_num_threads(1)
    threadpool_limits(limits=1, user_api="blas")
    config = TrainConfig.for_model(device=device)
    load_dataset(config.dataset)
    try:
        load_classifier()  # the per-epoch metrics' ruler
    except Exception:  # noqa: BLE001 - no classifier: runs train without metrics, as the job will find out
        pass
    folder = tempfile.mkdtemp(prefix="gan-lab-warm-")
    try:
        _rehearse(Trainer.create(config, RunDir("rehearsal", folder)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    gc.collect()  # the rehearsal's trainer (its observers refer back to it)
    if device == "cuda":
        torch.cuda.empty_cache()  # its tensors and graph pool; the context and handles stay


def _rehearse(trainer: Any) -> None:
    """Train `REHEARSAL_STEPS` steps, then stop (with its save, as a stopped run does)."""
    trainer.on_step.append(lambda progress: trainer.request_stop() if progress.global_step >= REHEARSAL_STEPS else None)
    trainer.train()


def memory_now() -> dict[str, int]:
    """This process's resident memory ("rss_bytes") and, where Linux tells, the part no other process shares
    ("private_bytes": what one more warm worker costs; torch's libraries are shared between the workers)."""
    found = {"rss_bytes": 0, "private_bytes": 0}
    try:
        with open("/proc/self/smaps_rollup") as rollup:
            for line in rollup:
                name, _, value = line.partition(":")
                if name in ("Rss", "Private_Clean", "Private_Dirty"):
                    key = "rss_bytes" if name == "Rss" else "private_bytes"
                    found[key] += int(value.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the peak: all there is elsewhere
        found["rss_bytes"] = peak if os.uname().sysname == "Darwin" else peak * 1024
    return found


def _exit_with_parent(handed: threading.Event) -> None:
    """Exit at once when the server is gone while this worker waits (a worker with a job stops with a save
    instead: worker.py watches for that)."""
    parent = multiprocessing.parent_process()
    parent_pid = os.getppid()
    while not handed.is_set():
        gone = parent is not None and parent.sentinel is not None and \
            bool(multiprocessing.connection.wait([parent.sentinel], timeout=0.5))
        if (gone or os.getppid() != parent_pid) and not handed.is_set():
            os._exit(0)
        if parent is None:
            time.sleep(0.5)


def _send(channel: Connection, message: dict[str, Any]) -> None:
    try:
        channel.send(message)
    except (OSError, ValueError):
        pass
