"""Training on a Ray cluster: one detached, named Ray actor per run, running the same worker code as a
local job (worker.py's `train_job`: `Trainer.create` / `Trainer.resume`, then `train()`). The server's
executor keeps actors warmed up ahead (ray_pool.py) and hands a run to one of them; where none waits, a
fresh actor named after the run starts.

- The run trains in a scratch folder of its node; the server pulls what changed about every second
  (`RunActor.pull`, run_sync.py) into its own copy of the run's folder, which stays the one place pages
  read. A resume on any node starts from the server's copy, pushed to the new actor. No shared filesystem
  is assumed.
- While the actor trains, the server holds the run's train.lock in its copy: "is someone training this
  run" reads the same as for a local worker.
- Stop is an actor method that makes the trainer save at its next step (never `ray.cancel`, which kills
  without a save). A kill after the stop timeout, a node that leaves, or an actor ended from outside leave
  the run interrupted with the last checkpoint that reached the server, resumable on any node.
- The actor is detached and named in the "gan-lab" namespace: it outlives the server. A restarted server
  finds the actors of its runs and takes them over (`RunActor.claim`: only once the old server stopped
  pulling, so two live servers never write one run). Once a run's final state and files have reached the
  server, its actor exits; an actor whose server never comes back exits an hour after its run ended.
- A run asks the cluster for what it uses: a CPU run `cpus_per_job` cores; a GPU run 1/32 of a card and
  2 GiB of the node's declared GPU memory, so one 80 GB card takes a class of 30.
- The server sends validated settings (a TrainConfig's dict) and data, never code: trainer options that
  are functions, and `prepare` hooks, are refused (they work with the local executor).
- Every node runs the same GAN Lab as the server (its own checkout, importable by its workers: `python -m
  gan_core cluster start` sees to that); an actor whose code differs fails its run with one line.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import ray
from ray.exceptions import ActorUnavailableError, RayActorError

from ..devices import DeviceInfo
from ..errors import ClusterError, ConfigError, GanLabError
from ..runs import notes
from ..runs.checkpoints import CHECKPOINT_FILE, RunDir, resolved_root
from . import ray_cluster
from .executors import MAX_GPU_JOBS, Executor, Placement, Reattached, Worker, WorkerEnd
from .pool import configured_warm_workers, memory_now, warm_up
from .ray_pool import LEASE_SECONDS, WARM_PREFIX, WarmActors
from .run_sync import Mirror, folder_files, folder_stamps, read_changes, write_files
from .worker import JobRequest, failure_note, limit_threads, record_failure, train_job

if TYPE_CHECKING:
    from .manager import Job

log = logging.getLogger(__name__)

PULL_SECONDS = 1.0  # how often the server fetches a training run's new files
# How often a training run's checkpoint (2.6 MB for the CPU default, 7 MB for the GPU's; rewritten at every
# epoch end) travels to the server: 30 GPU runs saving every 5 s would send 40 MB/s to a laptop. Its end always
# does. A node lost mid-run costs at most this much of its training.
CHECKPOINT_SECONDS = 30.0
STALE_SECONDS = 3.0  # a server that has not pulled for this long is gone: another may take its runs over
ORPHAN_SECONDS = 3600.0  # an ended run's actor that no server pulls from exits after this long
UNAVAILABLE_SECONDS = 60.0  # an actor unreachable this long (its node cut off) counts as lost
CAPACITY_SECONDS = 5.0  # how long what the cluster holds is taken as known (nodes come and go)
ADOPT_SECONDS = 2.0  # how often runs that another server watched are looked at again
WAIT_FOR_ROOM_SECONDS = 10.0  # a run whose actor has not answered for this long may lack room on the cluster
HOLD_BACK_SECONDS = 60.0  # then this server keeps no warm actors for this long
DESCRIBE_SECONDS = 5.0  # how long a listing waits for the warm actors to say which run they train
CALL_TIMEOUT = 30.0  # seconds for a small actor call (describe, claim) before the actor counts as unreachable
ACTOR_PREFIX = "run:"
SCRATCH_ENV = "GAN_LAB_SCRATCH"  # on a node: where runs train (default: the system's temporary folder)


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A fingerprint of this checkout's gan_core sources: a node must train with the server's code."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def root_id(root: Path) -> str:
    """The same checkpoints folder of the same machine gives the same id: a restarted server finds its runs."""
    return hashlib.sha256(f"{socket.gethostname()}:{resolved_root(Path(root))}".encode()).hexdigest()[:12]


def actor_name(root: Path, run_name: str) -> str:
    return f"{ACTOR_PREFIX}{root_id(root)}:{run_name}"


# --- on the node ------------------------------------------------------------------------------------------
class RunActor:
    """One run on a node of the cluster: worker.py's `train_job` in a thread, in a scratch folder of the node,
    and the methods the server calls: begin, pull (what changed, how it stands), stop, claim, describe, finish.
    A warm actor (ray_pool.py) has warmed up before it is handed its run; a fresh one is handed it at once."""

    def __init__(self, server: str, device: str, warm: bool = False):
        self._device = device
        self._lock = threading.Lock()
        self._owner, self._last_pull = server, time.monotonic()
        self._request: JobRequest | None = None  # as the server sent it; None while a warm actor waits
        self._root_key = ""
        self._stop = threading.Event()
        self._running = False
        self._result: dict[str, Any] | None = None
        self._ended_at: float | None = None
        if warm:
            warm_up(device)
            self._last_pull = time.monotonic()  # its lease starts once it is warm
        threading.Thread(target=self._exit_when_orphaned, daemon=True, name="gan-lab-orphan").start()

    def ready(self) -> dict[str, int]:
        """Answers once the actor has warmed up: its process and what it holds in memory."""
        return {"pid": os.getpid(), **memory_now()}

    def keep(self, server: str) -> None:
        """The server that made this waiting actor is still there."""
        with self._lock:
            if server == self._owner:
                self._last_pull = time.monotonic()

    def give_way(self) -> bool:
        """End this actor if it still waits for a run: a run of another server needs the room it holds. False
        when it has a run (it was handed one since it was asked): it trains on."""
        with self._lock:
            if self._request is not None:
                return False
        ray.actor.exit_actor()
        return True  # not reached: the actor has exited

    def begin(self, request: JobRequest, files: dict[str, bytes], references: bytes | None, version: str,
              root_key: str) -> None:
        """Train the run `request` names, from the files the server pushed (a resume) or from scratch."""
        base = os.environ.get(SCRATCH_ENV) or None
        if base:
            Path(base).mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="gan-lab-run-", dir=base))
        folder = RunDir(request.run_name, scratch).path
        if files:
            folder.mkdir()
            write_files(folder, files)
        options = dict(request.options)
        if references is not None:
            reference_file = scratch / "metric-references.npz"
            reference_file.write_bytes(references)
            options["metric_references_file"] = str(reference_file)
        with self._lock:
            if self._request is not None:
                raise RuntimeError("this actor trains a run already")
            self._request, self._root_key, self._version = request, root_key, version
            self._scratch, self._folder = scratch, folder
            self._given = folder_stamps(folder)  # what the server has, before its first pull
            self._checkpoint_sent = 0.0
            self._local = replace(request, root=str(scratch), options=options)
            self._last_pull = time.monotonic()
        threading.Thread(target=self._train, daemon=True, name="gan-lab-train").start()

    def _train(self) -> None:
        limit_threads(self._local.threads)
        if self._version != code_version():
            error = ClusterError(f"the node {ray.util.get_node_ip_address()} runs another version of GAN Lab than the "
                                 "server; update its checkout to the server's and start it again",
                                 code="cluster_version", node=ray.util.get_node_ip_address())
            state, note = "failed", failure_note(error)
            record_failure(RunDir(self._local.run_name, self._local.root), note)
        else:
            state, note = train_job(self._local, self._stop, self._trains)
        with self._lock:
            self._result, self._ended_at = {"state": state, "note": note}, time.monotonic()

    def _trains(self) -> None:
        self._running = True

    def pull(self, server: str, known: dict[str, tuple[int, int]] | None, log_generation: str, log_offset: int,
             checkpoint_seconds: float = CHECKPOINT_SECONDS) -> dict[str, Any]:
        """What the server lacks (`known` None: the files it pushed), and how the run stands. The result is read
        before the files: once it says the run ended, the files sent with it are its last ones. While it trains,
        its checkpoint goes at most every `checkpoint_seconds`."""
        with self._lock:
            if self._request is None:
                raise RuntimeError("this actor has no run to pull from yet")
            if server != self._owner:
                return {"owner": self._owner}
            self._last_pull = time.monotonic()
            result, running = self._result, self._running
        recent = time.monotonic() - self._checkpoint_sent < checkpoint_seconds
        hold = frozenset({CHECKPOINT_FILE}) if result is None and recent else frozenset()
        changes = read_changes(self._folder, self._given if known is None else known, log_generation, log_offset, hold)
        if CHECKPOINT_FILE in changes.files:
            self._checkpoint_sent = time.monotonic()
        return {"running": running, "result": result, "changes": changes, "scratch": str(self._scratch),
                "node": ray.util.get_node_ip_address()}

    def stop(self) -> None:
        """Save a checkpoint at the next step and end (heard even while the trainer is still being made)."""
        self._stop.set()

    def claim(self, server: str, stale_after: float) -> bool:
        """Make `server` the one that pulls, if the one that did has not for `stale_after` seconds."""
        with self._lock:
            if server != self._owner and time.monotonic() - self._last_pull < stale_after:
                return False
            self._owner, self._last_pull = server, time.monotonic()
            return True

    def describe(self) -> dict[str, Any]:
        """Its run ("request" None while a warm actor waits), and who pulls from it."""
        with self._lock:
            return {"request": self._request, "root_key": self._root_key, "device": self._device,
                    "owner": self._owner, "idle_seconds": time.monotonic() - self._last_pull,
                    "ended": self._result is not None}

    def finish(self) -> None:
        """The server has everything: remove the scratch folder and end this actor."""
        shutil.rmtree(self._scratch, ignore_errors=True)
        ray.actor.exit_actor()

    def _exit_when_orphaned(self) -> None:
        """Exit when no server will come for it: a waiting actor whose server is gone, an ended run's actor
        that no server has pulled from for an hour. A run that trains trains on."""
        while True:
            time.sleep(LEASE_SECONDS / 6)
            with self._lock:
                silent = time.monotonic() - self._last_pull
                waiting = self._request is None
                orphaned = silent > LEASE_SECONDS if waiting else (self._ended_at is not None and silent > ORPHAN_SECONDS)
            if orphaned:
                if not waiting:
                    shutil.rmtree(self._scratch, ignore_errors=True)
                os._exit(0)


RemoteRunActor = ray.remote(RunActor)


# --- on the server -----------------------------------------------------------------------------------------
class RayWorker(Worker):
    """A run's actor as the server watches it: pulls its files into the run's folder, passes a stop on, and
    holds the run's lock in that folder while the actor trains."""

    def __init__(self, executor: "RayExecutor", actor: Any, name: str, run: RunDir, mirror: Mirror, device: str,
                 instead: Callable[[], tuple[str, Any]] | None = None):
        """`instead`: where the actor was a warm one, what starts a fresh actor for the run if it ends before its
        run began (it gave way to another server's run the moment it was handed this one)."""
        self._executor, self._actor, self.name, self.run, self._mirror = executor, actor, name, run, mirror
        self.device = device
        self._instead = instead
        self._pending: Any = None  # the pull under way
        self._arrived: Any = None  # its answer (a dict), or the error it raised
        self._last_pull = 0.0
        self._hurry = False
        self._said_running = False
        self._answered = False  # its actor has answered a pull: it exists, on a node that had room for it
        self._since = time.monotonic()
        self._end: WorkerEnd | None = None
        self._held: contextlib.ExitStack | None = None
        self._unavailable_since: float | None = None
        self._failed_pulls = 0
        self.node = ""  # where it trains: the node's address
        self.scratch = ""  # and the folder there

    # the executor's side: pulling
    def due(self, now: float) -> bool:
        return (self._end is None and self._pending is None and self._arrived is None
                and (self._hurry or now - self._last_pull >= PULL_SECONDS))

    def send_pull(self, now: float) -> None:
        mirror = self._mirror
        self._pending = self._actor.pull.remote(self._executor.server_id, mirror.known, mirror.log_generation,
                                                mirror.log_offset, self._executor.checkpoint_seconds)
        self._last_pull, self._hurry = now, False

    def arrive(self, answer: Any) -> None:
        self._pending, self._arrived = None, answer

    # the manager's side
    def messages(self) -> list[dict[str, Any]]:
        answer, self._arrived = self._arrived, None
        if answer is None or self._end is not None:
            return []
        if isinstance(answer, BaseException):
            self._pull_failed(answer)
            return []
        self._unavailable_since, self._failed_pulls = None, 0
        self._answered = True
        if "owner" in answer:  # another server took the run over: it writes the run's folder now
            self._let_go(WorkerEnd(lost="another server took the run over"))
            return []
        self.node, self.scratch = answer["node"], answer["scratch"]
        changes = answer["changes"]
        if changes.files or changes.log or changes.gone:
            if not self.run.path.exists():
                self.run.path.mkdir(parents=True)
            self.hold_lock()
            self._mirror.apply(changes)
        said: list[dict[str, Any]] = []
        if answer["running"] and not self._said_running:
            said.append({"event": "running"})
            self._said_running = True
        result = answer["result"]
        if result is not None:  # everything it wrote came with this answer
            said.append({"event": "done", **result})
            self._finish_actor()
            self._let_go(WorkerEnd(exit_code=1 if result["state"] == "failed" else 0))
        return said

    def ended(self) -> WorkerEnd | None:
        return self._end

    def waits_for_room(self, now: float) -> bool:
        """Its actor has not answered for a while since it was asked for: the cluster may have no room for it."""
        return self._end is None and not self._answered and now - self._since > WAIT_FOR_ROOM_SECONDS

    def stop(self) -> None:
        try:
            self._actor.stop.remote()
        except Exception:  # noqa: BLE001 - the actor is gone: the next pull says so
            log.debug("could not pass the stop to %s", self.name, exc_info=True)
        self._hurry = True

    def kill(self) -> None:
        try:
            ray.kill(self._actor, no_restart=True)
        except Exception:  # noqa: BLE001
            log.warning("could not kill the actor of %s", self.name, exc_info=True)
        self._hurry = True

    def close(self) -> None:
        if self._end is None:  # the manager is done with a worker that still lives: no orphan
            self.kill()
            self._end = WorkerEnd(lost="closed")
        self._release_lock()
        self._executor.ended(self)

    def leave(self) -> None:
        """Stop watching without ending the actor (the server exits; the next one takes the run over)."""
        self._release_lock()
        self._executor.ended(self)

    # the run's lock in the server's copy, held while the actor trains
    def hold_lock(self) -> None:
        if self._held is not None:
            return
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(self.run.training_lock(wait=0.0))
        except GanLabError:  # someone else holds it (another server's copy of a shared folder)
            log.warning("run %s is locked by another process; pulling its files without the lock", self.run.name)
            return
        self._held = stack

    def _release_lock(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def _let_go(self, end: WorkerEnd) -> None:
        self._release_lock()  # before the manager looks: a run left "running" is interrupted only without it
        self._end = end
        self._executor.ended(self)

    def _finish_actor(self) -> None:
        try:
            self._actor.finish.remote()
        except Exception:  # noqa: BLE001 - it exits by itself later
            log.debug("could not end the actor of %s", self.name, exc_info=True)

    def _pull_failed(self, error: BaseException) -> None:
        now = time.monotonic()
        if isinstance(error, RayActorError) and not self._answered and self._instead is not None:
            log.info("warm actor %s ended before run %s began there; a fresh actor trains it", self.name, self.run.name)
            self.name, self._actor = self._instead()
            self._instead, self._since = None, now
            return
        if isinstance(error, ActorUnavailableError):  # unreachable for now (its node's network): wait a while
            self._unavailable_since = self._unavailable_since or now
            if now - self._unavailable_since < UNAVAILABLE_SECONDS:
                return
        elif isinstance(error, RayActorError) and error.actor_init_failed:
            hint = ("; is GAN Lab there, and was the node started with `python -m gan_core cluster start`?"
                    if "No module named 'gan_core'" in str(error) else "")
            self._let_go(WorkerEnd(failed=f"the node could not start the run: {_first_line(error)}{hint}"))
            return
        elif not isinstance(error, RayActorError):  # the pull itself failed on the node (a bug, a full disk)
            self._failed_pulls += 1
            log.warning("pulling run %s failed (%s)", self.run.name, _first_line(error))
            if self._failed_pulls < 10:
                return
        self._let_go(WorkerEnd(lost=lost_reason(error)))


def lost_reason(error: BaseException) -> str:
    """Why an actor is gone, in a few English words."""
    text = str(error).lower()
    if "node" in text and ("died" in text or "dead" in text or "removed" in text):
        return "its node left the cluster"
    if "ray.kill" in text or "killed" in text:
        return "its actor was ended"
    if isinstance(error, ActorUnavailableError):
        return f"its node did not answer for {UNAVAILABLE_SECONDS:g} s"
    return "its training process died"


def describe_actors(names: list[str]) -> dict[str, dict[str, Any]]:
    """What each named actor says of itself (`RunActor.describe`), asked all at once; one that does not answer
    within DESCRIBE_SECONDS (still warming up, or gone) is left out."""
    asked = {}
    for name in names:
        with contextlib.suppress(Exception):  # gone since it was listed
            asked[ray.get_actor(name, namespace=ray_cluster.NAMESPACE).describe.remote()] = name
    answered, _ = ray.wait(list(asked), num_returns=len(asked), timeout=DESCRIBE_SECONDS) if asked else ([], [])
    found = {}
    for ref in answered:
        with contextlib.suppress(Exception):
            found[asked[ref]] = ray.get(ref)
    return found


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return (lines[-1] if lines else type(error).__name__)[:300]


class RayExecutor(Executor):
    """Jobs as actors of a Ray cluster (see the module's docstring)."""

    name = "ray"
    workers_outlive_server = True

    def __init__(self, cluster: str, checkpoint_seconds: float = CHECKPOINT_SECONDS, warm_workers: int | None = 0):
        """`checkpoint_seconds`: how often a training run's checkpoint travels to the server (its end always does).
        `warm_workers`: actors kept warm for the cluster's best device (ray_pool.py); None: `$GAN_LAB_WARM_WORKERS`,
        else as many as the cluster takes runs of that device at once (at most MAX_GPU_JOBS)."""
        self.address = ray_cluster.connect(cluster)
        self.checkpoint_seconds = checkpoint_seconds
        self.server_id = uuid.uuid4().hex  # who pulls: a restarted server is another one
        self._placement = self._read_placement(None)
        self._closed = threading.Event()
        self._waiting_for: list[tuple[str, str, Path]] = []  # (actor, run) another server watched when we looked
        self._looked_again = 0.0
        self._found: dict[Path, set[str]] = {}  # root -> runs some actor trained when we first looked
        self._training: set[RayWorker] = set()  # this server's runs whose actor has not ended
        self._room_asked = 0.0
        self.pool: WarmActors | None = None
        device = "cuda" if self._placement.capacity.get("cuda") else "cpu"
        size = warm_workers if warm_workers is not None else \
            configured_warm_workers(True, min(MAX_GPU_JOBS, self._placement.capacity.get(device, 0)))
        if size > 0:
            self.pool = WarmActors(size, device, self.server_id, make=lambda name: self._new_actor(device, name, warm=True),
                                   room=lambda: self.limit(device) - sum(1 for w in tuple(self._training) if w.device == device))

        threading.Thread(target=self._follow_placement, name="gan-lab-cluster-resources", daemon=True).start()

    # --- what the cluster holds ---
    def placement(self) -> Placement:
        """What the cluster held a few seconds ago at most (read in the background: never in a page's wait, never
        under the manager's lock)."""
        return self._placement

    def _follow_placement(self) -> None:
        while not self._closed.wait(CAPACITY_SECONDS) and ray.is_initialized():
            self._placement = self._read_placement(self._placement)

    def _read_placement(self, known: Placement | None) -> Placement:
        try:
            return ray_cluster.describe(self.address)
        except Exception as error:  # noqa: BLE001 - the connection dropped: say so, keep what was known
            log.warning("could not read the cluster's resources: %s", _first_line(error))
            return known or Placement("ray", address=self.address.text, nodes=0,
                                      problem=f"the cluster does not answer ({_first_line(error)})")

    def limit(self, device: str) -> int:
        return self.placement().capacity.get(device, 0)

    def training_devices(self) -> list[DeviceInfo]:
        return ray_cluster.training_devices(self.placement())

    def check_options(self, options: dict[str, Any], prepare: Any) -> None:
        code = sorted(name for name, value in options.items() if callable(value))
        if prepare is not None or code:
            raise ConfigError(f"a cluster's workers get settings and data, never code: {', '.join(code or ['prepare'])} "
                              "work only with the local executor", code="cluster_code")

    # --- starting ---
    def _new_actor(self, device: str, name: str, warm: bool) -> Any:
        """A detached named actor holding one run's resources on a node of the cluster."""
        if device == "cuda":
            needs = {"num_cpus": 0, "num_gpus": ray_cluster.GPU_PER_JOB,
                     "resources": {ray_cluster.GPU_MEMORY_RESOURCE: ray_cluster.GPU_MEMORY_PER_JOB_GIB}}
        else:
            needs = {"num_cpus": ray_cluster.cpus_per_job(), "num_gpus": 0}
        return RemoteRunActor.options(name=name, namespace=ray_cluster.NAMESPACE, lifetime="detached", max_restarts=0,
                                      max_task_retries=0, **needs).remote(self.server_id, device, warm)

    def start(self, job: "Job", request: JobRequest) -> Worker:
        run = job.run
        options = dict(request.options)
        reference_file = options.pop("metric_references_file", None)
        references = Path(reference_file).read_bytes() if reference_file else None
        threads = 1 if job.device == "cuda" else ray_cluster.cpus_per_job()
        request = replace(request, options=options, threads=threads, prepare=None)
        files = folder_files(run) if job.resume else {}
        begin = (request, files, references, code_version(), root_id(job.root))

        def fresh() -> tuple[str, Any]:
            name = actor_name(job.root, job.run_name)
            actor = self._new_actor(job.device, name, warm=False)
            actor.begin.remote(*begin)
            return name, actor

        taken = self.pool.take(job.device) if self.pool is not None else None
        if taken is not None:
            name, actor, _ = taken
            actor.begin.remote(*begin)
        else:
            name, actor = fresh()
        worker = RayWorker(self, actor, name, run, Mirror(run, pushed=job.resume), job.device,
                           instead=fresh if taken is not None else None)
        self._training.add(worker)
        if job.resume:
            worker.hold_lock()
        return worker

    def ended(self, worker: "RayWorker") -> None:
        """A run's actor has ended (or was let go): its resources are free for a warm one."""
        self._training.discard(worker)
        if self.pool is not None:
            self.pool.changed()

    def wait(self, workers: list[Worker], timeout: float) -> None:
        mine = [worker for worker in workers if isinstance(worker, RayWorker)]
        now = time.monotonic()
        starved = [worker.device for worker in mine if worker.waits_for_room(now)]
        if starved and now - self._room_asked > WAIT_FOR_ROOM_SECONDS:
            self._room_asked = now
            threading.Thread(target=self._make_room, args=(starved,), name="gan-lab-make-room", daemon=True).start()
        for worker in mine:
            if worker.due(now):
                try:
                    worker.send_pull(now)
                except Exception as error:  # noqa: BLE001 - the connection dropped
                    worker.arrive(error)
        pending = {worker._pending: worker for worker in mine if worker._pending is not None}
        if not pending:
            time.sleep(min(timeout, PULL_SECONDS / 4))
            return
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=timeout)
        if ready:
            ready, _ = ray.wait(list(pending), num_returns=len(pending), timeout=0)
        for ref in ready:
            try:
                answer = ray.get(ref)
            except Exception as error:  # noqa: BLE001 - the actor died, or the pull failed there
                answer = error
            pending[ref].arrive(answer)

    def _make_room(self, devices: list[str]) -> None:
        """Runs of this server wait for room that waiting actors hold: this server's waiting ones end (and none
        warm up for a while), and so do, one per waiting run, idle warm actors of other servers of the cluster.
        A warm actor only speeds a Start up; it must never keep a run from starting."""
        if self.pool is not None:
            self.pool.hold_back(HOLD_BACK_SECONDS)
        mine = f"{WARM_PREFIX}{self.server_id[:12]}:"
        try:
            names = [name for name in ray.util.list_named_actors(all_namespaces=False)
                     if isinstance(name, str) and name.startswith(WARM_PREFIX) and not name.startswith(mine)]
            idle: dict[str, list[str]] = {}
            for name, info in describe_actors(names).items():
                if info["request"] is None:
                    idle.setdefault(info["device"], []).append(name)
            for device in devices:
                if idle.get(device):
                    name = idle[device].pop()
                    log.info("a run waits for room on the cluster: asking %s's idle warm actor %s to give way",
                             name.split(":")[1], name)
                    ray.get_actor(name, namespace=ray_cluster.NAMESPACE).give_way.remote()
        except Exception as error:  # noqa: BLE001 - best effort: the next look tries again
            log.warning("could not make room on the cluster: %s", _first_line(error))

    # --- after a restart ---
    def reattach(self, root: Path) -> list[Reattached]:
        actors = self._actors_of(root)
        self._found[resolved_root(root)] = set(actors.values())
        found = []
        for name, run_name in actors.items():
            taken = self._take_over(name, run_name, root)
            if taken is None:
                self._waiting_for.append((name, run_name, root))
            elif taken is not False:
                found.append(taken)
        return found

    def adopt_pending(self) -> list[Reattached]:
        if not self._waiting_for or time.monotonic() - self._looked_again < ADOPT_SECONDS:
            return []
        self._looked_again = time.monotonic()
        found, still = [], []
        for name, run_name, root in self._waiting_for:
            taken = self._take_over(name, run_name, root)
            if taken is None:
                still.append((name, run_name, root))
            elif taken is not False:
                found.append(taken)
        self._waiting_for = still
        return found

    def training_now(self, root: Path) -> set[str]:
        return set(self._found.get(resolved_root(root), set()))

    def runs_on_cluster(self) -> list[str]:
        """The runs GAN Lab trains on the cluster now, whichever server started them."""
        return sorted(run_name for _, run_name in self._run_actors().values())

    def _actors_of(self, root: Path) -> dict[str, str]:
        """The actors of runs under `root`: actor name -> run name."""
        key = root_id(root)
        return {name: run_name for name, (root_key, run_name) in self._run_actors().items() if root_key == key}

    def _run_actors(self) -> dict[str, tuple[str, str]]:
        """Every actor of the cluster that has a run: actor name -> (its root's id, run name). A fresh actor's
        name says it; a warm actor that was handed a run is asked (one still warming up has none)."""
        try:
            names = [name for name in ray.util.list_named_actors(all_namespaces=False) if isinstance(name, str)]
        except Exception as error:  # noqa: BLE001
            log.warning("could not list the cluster's runs: %s", _first_line(error))
            return {}
        found = {}
        for name in names:
            if name.startswith(ACTOR_PREFIX):
                root_key, _, run_name = name[len(ACTOR_PREFIX):].partition(":")
                found[name] = (root_key, run_name)
        for name, info in describe_actors([name for name in names if name.startswith(WARM_PREFIX)]).items():
            if info["request"] is not None:
                found[name] = (info["root_key"], info["request"].run_name)
        return found

    def _take_over(self, name: str, run_name: str, root: Path) -> Reattached | None | bool:
        """The run's worker if this server may pull from its actor now; None while another server does; False
        when the actor is gone (its run, left "running", is then interrupted)."""
        try:
            actor = ray.get_actor(name, namespace=ray_cluster.NAMESPACE)
            info = ray.get(actor.describe.remote(), timeout=CALL_TIMEOUT)
            if not ray.get(actor.claim.remote(self.server_id, STALE_SECONDS), timeout=CALL_TIMEOUT):
                return None
        except Exception as error:  # noqa: BLE001 - gone between the listing and now, or unreachable
            log.info("the actor of run %s is gone (%s)", run_name, _first_line(error))
            with contextlib.suppress(GanLabError, OSError):
                RunDir(run_name, root).mark_interrupted(notes.interrupted_lost("its actor ended while no server "
                                                                               "watched it"), to_checkpoint=True)
            return False
        request: JobRequest = replace(info["request"], root=str(root))
        run = RunDir(request.run_name, root)
        worker = RayWorker(self, actor, name, run, Mirror(run, complete=False), info["device"])
        self._training.add(worker)
        if run.path.exists():
            worker.hold_lock()
        return Reattached(request, info["device"], worker)

    def shutdown(self) -> None:
        """The server exits: the runs' actors train on (the next server takes them over); the waiting ones end."""
        self._waiting_for.clear()
        self._closed.set()
        if self.pool is not None:
            self.pool.shutdown()

