"""Warm actors: a Ray cluster's training processes started before anyone presses Start.

A run's actor starts as a fresh worker process of its node: it imports torch and the library, loads the
data and, on a GPU, makes its CUDA context and captures its graph, seconds before its first step (13-19 s
for a class of 30 on one GPU box). A warm actor does all of that ahead, as a local pool worker does
(pool.py's `warm_up`), then waits, holding the cluster resources of one run (a CPU run's cores, or a share
of a card and its GPU memory). Handed a run, it trains exactly what a fresh actor trains (`RunActor.begin`)
and the pool makes another.

Warm actors are detached (a run outlives the server that started it), so an idle one watches for its
server: one that hears nothing from it for `LEASE_SECONDS` exits by itself. A server's shutdown ends its
idle ones at once.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import ray

from .pool import REFILL_AFTER_TAKE, WarmWorker, keep_refilled, retry_delay

log = logging.getLogger(__name__)

WARM_PREFIX = "warm:"  # a warm actor's name: warm:<server>:<number>, in the cluster's namespace
LEASE_SECONDS = 30.0  # an idle warm actor whose server has not been heard from for this long exits
KEEP_SECONDS = 5.0  # how often the server tells its idle warm actors it is still there


@dataclass
class _Member:
    name: str
    actor: Any
    ready_ref: Any  # `ready()`'s answer: arrives once the actor has warmed up
    keep_ref: Any = None  # the last `keep()`: raises once the actor is gone
    spawned: float = field(default_factory=time.monotonic)
    ready: bool = False
    pid: int | None = None
    rss_bytes: int = 0
    private_bytes: int = 0
    warm_seconds: float = 0.0


class WarmActors:
    """Keeps `size` actors warm for runs on `device` ("cpu" or "cuda"). `make(name)` creates one (detached,
    named, holding one run's resources); `room()` says how many more runs the cluster takes now beside the
    ones this server trains, so waiting and training actors together stay within what the cluster holds."""

    def __init__(self, size: int, device: str, server: str, make: Callable[[str], Any], room: Callable[[], int]):
        self.size, self.device, self._server = size, device, server
        self._make, self._room = make, room
        self._members: list[_Member] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._failures = 0
        self._retry_at = 0.0
        self._kept_at = 0.0
        self._numbers = iter(range(1, 10**9))
        threading.Thread(target=keep_refilled, args=(self._wake, self._refill, "the warm actors"),
                         name="gan-lab-warm-actors", daemon=True).start()

    # --- the executor's side ------------------------------------------------------------------
    def take(self, device: str) -> tuple[str, Any, bool] | None:
        """A waiting actor for a run on `device` (a ready one first, else the one furthest along), as (name,
        handle, whether it is ready), out of the pool; None when there is none."""
        if device != self.device:
            return None
        with self._lock:
            self._read_all()
            if not self._members:
                return None
            member = next((m for m in self._members if m.ready), self._members[0])
            self._members.remove(member)
            self._retry_at = max(self._retry_at, time.monotonic() + REFILL_AFTER_TAKE)
        return member.name, member.actor, member.ready

    def changed(self) -> None:
        """A run ended: there may be room for another waiting actor."""
        self._wake.set()

    def status(self) -> list[WarmWorker]:
        with self._lock:
            self._read_all()
            return [WarmWorker(m.pid, m.ready, m.rss_bytes, m.private_bytes, m.warm_seconds) for m in self._members]

    def wait_ready(self, count: int | None = None, timeout: float = 300.0) -> bool:
        """Wait until `count` (default: as many as the pool keeps now) actors are ready; False after `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            wanted = self._target() if count is None else count
            if sum(1 for actor in self.status() if actor.ready) >= wanted:
                return True
            time.sleep(0.1)
        return False

    def hold_back(self, seconds: float) -> None:
        """End every waiting actor and start none for `seconds`: runs wait for the room they hold."""
        with self._lock:
            members, self._members = self._members, []
            self._retry_at = max(self._retry_at, time.monotonic() + seconds)
        if members:
            log.info("runs wait for room on the cluster: %d waiting actors end, none for %.0f s", len(members), seconds)
        self._end(members)

    def shutdown(self) -> None:
        """End every waiting actor (one the server cannot reach now exits by its lease)."""
        with self._lock:
            self._closed = True
            members, self._members = self._members, []
        self._wake.set()
        self._end(members)

    @staticmethod
    def _end(members: list[_Member]) -> None:
        for member in members:
            try:
                ray.kill(member.actor, no_restart=True)
            except Exception:  # noqa: BLE001 - gone already, or the connection is: its lease ends it
                log.debug("could not end warm actor %s", member.name, exc_info=True)

    # --- keeping it full ----------------------------------------------------------------------
    def _target(self) -> int:
        return max(0, min(self.size, self._room()))

    def _refill(self) -> bool:
        with self._lock:
            if self._closed or not ray.is_initialized():
                return False
            self._read_all()
            now = time.monotonic()
            if now - self._kept_at >= KEEP_SECONDS:
                self._kept_at = now
                for member in self._members:
                    if member.ready and member.keep_ref is None:  # an idle warm actor exits when these stop coming
                        member.keep_ref = member.actor.keep.remote(self._server)
            missing = self._target() - len(self._members)
            if missing <= 0 or now < self._retry_at:
                return True
            for _ in range(missing):
                name = f"{WARM_PREFIX}{self._server[:12]}:{next(self._numbers)}"
                actor = self._make(name)
                self._members.append(_Member(name, actor, actor.ready.remote()))
        return True

    def _read_all(self) -> None:
        """Note the actors that have warmed up; drop the ones that died or could not warm up (replaced at once if
        they had been ready, else later, later each time in a row)."""
        kept = {m.keep_ref: m for m in self._members if m.keep_ref is not None}
        if kept:
            done, _ = ray.wait(list(kept), num_returns=len(kept), timeout=0)
            for ref in done:
                member, member.keep_ref = kept[ref], None
                try:
                    ray.get(ref)
                except Exception:  # noqa: BLE001 - a ready actor died while it waited
                    log.info("warm actor %s ended while it waited (a run needed its room, or its node left)", member.name)
                    self._members.remove(member)
        waiting = {m.ready_ref: m for m in self._members if not m.ready}
        if not waiting:
            return
        done, _ = ray.wait(list(waiting), num_returns=len(waiting), timeout=0)
        for ref in done:
            member = waiting[ref]
            try:
                answer = ray.get(ref)
            except Exception as error:  # noqa: BLE001 - it died, or its warm-up raised
                self._members.remove(member)
                self._failures += 1
                delay = retry_delay(self._failures)
                self._retry_at = time.monotonic() + delay
                log.warning("a warm actor could not warm up (%s); the next tries in %.0f s",
                            str(error).strip().splitlines()[-1][:200] if str(error).strip() else type(error).__name__,
                            delay)
                continue
            member.ready, member.warm_seconds = True, time.monotonic() - member.spawned
            member.pid = answer.get("pid")
            member.rss_bytes, member.private_bytes = answer.get("rss_bytes", 0), answer.get("private_bytes", 0)
            self._failures = 0
