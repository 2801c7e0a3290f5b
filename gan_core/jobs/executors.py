"""Where training jobs run: the seam between the job manager and the machines that train.

The manager (manager.py) decides which job starts when: the fair queue, class limits, owners, the
teacher's moves. An executor only runs what it is handed: it starts one worker for a job, passes a
stop on, reports what the worker said and when it has ended, kills it, and after a server restart
finds the workers still training. Two executors exist:

- `LocalExecutor` (the default): one spawned process per job on this machine (worker.py's `run_job`),
  taken from a pool of workers warmed up ahead where it has one (pool.py). Nothing outside the standard
  library and torch is imported for it.
- `RayExecutor` (ray_executor.py): one Ray actor per job on a cluster, chosen by configuration
  (`$GAN_LAB_CLUSTER`, `python -m gan_core train --cluster`), taken from actors warmed up ahead where the
  server keeps them (ray_pool.py); `ray` is imported only then.

A worker speaks in the messages of worker.py: {"event": "running"} once it trains, then
{"event": "done", "state": ..., "note": ...} with how the run ended.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import subprocess
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait as wait_for_any
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import torch

from ..devices import DeviceInfo, nvidia_mps_running, resolve_device
from ..errors import ConfigError
from .pool import WarmPool, configured_warm_workers
from .worker import JobRequest, run_job

if TYPE_CHECKING:
    from .manager import Job

CLUSTER_ENV = "GAN_LAB_CLUSTER"  # "" or unset: this machine; "auto", "HOST:PORT" or "ray://HOST:PORT": a Ray cluster
# GPU jobs at once by default: the GPU's memory / GPU_MEMORY_PER_JOB, at most MAX_GPU_JOBS. A worker
# of a default run holds its CUDA context, the dataset, models and graph pools: well under 2 GiB, so an
# 80 GB GPU takes a class of 30.
GPU_MEMORY_PER_JOB = 2 * 2**30
MAX_GPU_JOBS = 32


def default_job_limit(device: str) -> int:
    """1 on a CPU (a core stays with the pages), 1 on MPS; on a GPU, as many as its memory holds."""
    if device == "cuda":
        memory = gpu_memory_bytes()
        return max(1, min(MAX_GPU_JOBS, memory // GPU_MEMORY_PER_JOB)) if memory else 1
    return 1


@functools.lru_cache(maxsize=1)
def gpu_memory_bytes() -> int:
    """The first GPU's memory, from nvidia-smi when there is one (it keeps CUDA out of the server process)."""
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits", "-i", "0"],
                                 capture_output=True, text=True, timeout=10, check=True).stdout
            return int(float(out.strip().splitlines()[0])) * 2**20
        except (OSError, subprocess.SubprocessError, ValueError, IndexError):
            pass
    return torch.cuda.get_device_properties(0).total_memory if torch.cuda.is_available() else 0


@dataclass(frozen=True)
class WorkerEnd:
    """How a worker ended, as its executor saw it. What the worker itself said last (its "done"
    message) comes as a message; this is what is known when it said nothing."""

    exit_code: int | None = None  # a process's exit code (negative: killed by that signal)
    lost: str = ""  # a remote worker gone without a word: why, in English ("its node left the cluster")
    failed: str = ""  # a remote worker that could not start its run: why, in English


@dataclass(frozen=True)
class Placement:
    """Where runs train, for the teacher's view and `python -m gan_core cluster status`."""

    kind: str  # "local" (this machine) or "ray" (a Ray cluster)
    address: str = ""  # the cluster's address as configured
    nodes: int = 1
    cpus: float = 0.0
    gpus: float = 0.0
    gpu_names: tuple[str, ...] = ()
    capacity: dict[str, int] = field(default_factory=dict)  # device -> runs that can train at once
    nvidia_mps: bool = False  # NVIDIA's Multi-Process Service runs: the GPU's runs compute at once, not in turns
    idle_gpu_nodes: tuple[str, ...] = ()  # nodes whose GPUs take no runs (started without their memory declared)
    problem: str = ""  # what keeps some of it from being used (English), "" when nothing does


class Worker(ABC):
    """One job's worker, as the manager supervises it. Only the manager's supervisor reads it;
    `stop` may come from any thread."""

    pid: int | None = None  # the worker's process on this machine (None when it runs elsewhere)
    node: str = ""  # elsewhere: the address of the machine it runs on
    scratch: str = ""  # and the folder there its run trains in

    @abstractmethod
    def messages(self) -> list[dict[str, Any]]:
        """What the worker said since the last call (never blocks for long)."""

    @abstractmethod
    def ended(self) -> WorkerEnd | None:
        """None while the worker lives; once it is gone, how it ended. Everything it wrote has reached
        the run's folder by then."""

    @abstractmethod
    def stop(self) -> None:
        """Ask it to save a checkpoint at its next step and exit (heard even while it starts)."""

    @abstractmethod
    def kill(self) -> None:
        """End it now, without a save (after it ignored a stop)."""

    @abstractmethod
    def close(self) -> None:
        """Free what it holds, once it has ended."""

    def leave(self) -> None:
        """Stop watching a worker that trains on without this server (one that outlives it)."""


@dataclass
class Reattached:
    """A worker found training after a server restart, with what its job needs to be listed again."""

    request: JobRequest
    device: str
    worker: Worker


class Executor(ABC):
    """Starts and watches the workers of jobs. One per job manager."""

    name = "executor"
    workers_outlive_server = False  # True where workers train on when the server exits (a cluster's actors)

    @abstractmethod
    def start(self, job: "Job", request: JobRequest) -> Worker:
        """Start a worker for `job`; raises when it cannot (the manager fails the job with that reason)."""

    @abstractmethod
    def wait(self, workers: list[Worker], timeout: float) -> None:
        """Return once some of `workers` may have news, or after `timeout` seconds."""

    def limit(self, device: str) -> int:
        """How many jobs can train at once on that device (the manager's queue starts no more)."""
        return default_job_limit(device)

    def reattach(self, root: Path) -> list[Reattached]:
        """Workers of runs under `root` still training from before this server started (none locally:
        a local worker ends with the server that started it)."""
        return []

    def adopt_pending(self) -> list[Reattached]:
        """Workers seen at `reattach` that another server still watched then, and that are ours now."""
        return []

    def training_now(self, root: Path) -> set[str]:
        """Names of runs under `root` that some worker of this executor trains now (theirs or another
        server's): a restarted server must not mark them interrupted."""
        return set()

    def training_devices(self) -> list[DeviceInfo] | None:
        """The devices runs can ask for where this executor trains them; None: this machine's own."""
        return None

    def placement(self) -> Placement:
        """Where runs train: this machine's devices and how many jobs each takes."""
        return Placement("local", capacity={device: self.limit(device) for device in ("cpu", "cuda")
                                            if device == "cpu" or torch.cuda.is_available()},
                         nvidia_mps=torch.cuda.is_available() and nvidia_mps_running())

    def check_options(self, options: dict[str, Any], prepare: Any) -> None:
        """Refuse trainer options this executor cannot pass to its workers (ConfigError)."""

    def shutdown(self) -> None:
        """Let go of whatever the executor holds (a cluster connection)."""


class LocalWorker(Worker):
    """A spawned process of this machine and the pipe to it."""

    def __init__(self, process: multiprocessing.process.BaseProcess, channel: Connection,
                 on_close: Callable[[], None] | None = None):
        self._process = process
        self._channel: Connection | None = channel
        self._on_close = on_close
        self.pid = process.pid

    @property
    def waitables(self) -> list[Any]:
        return [self._process.sentinel] + ([self._channel] if self._channel is not None else [])

    def messages(self) -> list[dict[str, Any]]:
        said = []
        try:
            while self._channel is not None and self._channel.poll():
                said.append(self._channel.recv())
        except (EOFError, OSError):
            self._channel.close()
            self._channel = None
        return said

    def ended(self) -> WorkerEnd | None:
        if self._process.exitcode is None:
            return None
        self._process.join()
        return WorkerEnd(exit_code=self._process.exitcode)

    def stop(self) -> None:
        try:
            if self._channel is not None:
                self._channel.send({"event": "stop"})  # read when the worker gets to it, even while it starts
        except (OSError, ValueError):  # it has just ended: nothing left to stop
            pass

    def kill(self) -> None:
        self._process.kill()

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        self._process.close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None


class LocalExecutor(Executor):
    """One spawned process per job on this machine: its own interpreter lock, CUDA context and
    process-wide flags. Never a fork: the server may hold CUDA.

    With `warm_workers` > 0 it keeps that many workers warm (pool.py) for jobs on this machine's best device
    and hands each job to one; a job finds none ready only when more start at once than the pool holds
    (then it gets a fresh process, as without a pool). The server's executor (`make_executor`) has a pool
    (`$GAN_LAB_WARM_WORKERS`, default `configured_warm_workers`); one made directly has none unless asked."""

    name = "local"

    def __init__(self, warm_workers: int = 0) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._live = 0  # workers started and not yet closed: the pool's bound counts them
        self._live_lock = threading.Lock()
        self.pool: WarmPool | None = None
        if warm_workers > 0:
            device = resolve_device("auto").type
            self.pool = WarmPool(self._context, warm_workers, device, busy=lambda: self._live,
                                 max_processes=self.limit("cuda") if device == "cuda" else None)

    def start(self, job: "Job", request: JobRequest) -> Worker:
        taken = self.pool.take(job.device) if self.pool is not None else None
        if taken is not None:
            process, channel = taken
            try:
                channel.send({"event": "job", "request": request})  # read once it is warm (at once if it is)
            except (OSError, ValueError):  # it died just now: start a fresh one instead
                channel.close()
                process.kill()
                process.join(5.0)
                process.close()
            else:
                return self._track(process, channel)
        mine, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=run_job, args=(request, theirs), name=f"gan-lab-train-{job.run_name}")
        try:
            process.start()
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()  # the worker holds its own end now (or there is no worker)
        return self._track(process, mine)

    def _track(self, process: multiprocessing.process.BaseProcess, channel: Connection) -> LocalWorker:
        with self._live_lock:
            self._live += 1
        return LocalWorker(process, channel, on_close=self._released)

    def _released(self) -> None:
        with self._live_lock:
            self._live -= 1
        if self.pool is not None:
            self.pool.changed()

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def wait(self, workers: list[Worker], timeout: float) -> None:
        waitables = [item for worker in workers if isinstance(worker, LocalWorker) for item in worker.waitables]
        wait_for_any(waitables, timeout=timeout)


def configured_cluster() -> str:
    """`$GAN_LAB_CLUSTER`, stripped: "" means this machine."""
    return os.environ.get(CLUSTER_ENV, "").strip()


def make_executor(cluster: str | None = None, warm: bool = True) -> Executor:
    """The executor for `cluster` (default `$GAN_LAB_CLUSTER`): "" or "local" for this machine, else the
    address of a Ray cluster ("auto", "HOST:PORT", "ray://HOST:PORT"). Connecting checks the address and
    the token first and fails with one line (ClusterError), never a long hang. `warm`: keep workers warm
    for the next Starts, as a server does (a command that trains one run, or only looks, keeps none)."""
    cluster = configured_cluster() if cluster is None else cluster.strip()
    if cluster in ("", "local"):
        has_cuda = torch.cuda.is_available()
        warm_workers = configured_warm_workers(has_cuda, default_job_limit("cuda") if has_cuda else 0) if warm else 0
        return LocalExecutor(warm_workers=warm_workers)
    try:
        from .ray_executor import RayExecutor
    except ImportError as error:
        raise ConfigError(f"{CLUSTER_ENV}={cluster} asks for a Ray cluster but Ray is not installed here ({error}); "
                          "install it with `pip install -r requirements-cluster.txt`, or unset "
                          f"{CLUSTER_ENV} to train on this machine", code="cluster_no_ray", cluster=cluster) from None
    return RayExecutor(cluster, warm_workers=None if warm else 0)
