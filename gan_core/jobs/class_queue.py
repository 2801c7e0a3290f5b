"""The class's queue: whose turn it is, the teacher's order, the class limits. What it holds are the class's
active jobs (queued, starting, training); it never runs one.

One job manager keeps its queue in its own memory (`ClassQueue` of its `Job`s). Several servers of one
class (behind a proxy with sticky sessions) share one instead: a `ClassQueue` of `Ticket`s in a named actor
of their cluster (shared_queue.py). The rules are these either way:

- Turns between owners (round-robin): next is the oldest job of the owner served longest ago (never served
  first; ties: the oldest job). A job without an owner is an owner of its own, so among them it is
  first-in, first-out.
- The teacher's order (`move`) goes before the turns; jobs queued later wait behind it.
- A student's job must fit the class limits when it is queued, and carries the time limit with it.
- A run's name is taken while a job of it is active, in the same checkpoints folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from ..classroom.access import Actor, ClassLimits, check_limits
from ..runs.checkpoints import resolved_root

ACTIVE_STATES = ("queued", "starting", "running")
CLASS_ENV = "GAN_LAB_CLASS"  # a class served by several servers: its name, the same on each (needs GAN_LAB_CLUSTER)
SYNC_SECONDS = 0.5  # how often a server of such a class hears from the class's queue (and says it is alive)


def configured_class() -> str:
    """`$GAN_LAB_CLASS`, stripped: "" means a queue of this server's own."""
    return os.environ.get(CLASS_ENV, "").strip()


class Queued(Protocol):
    """What the queue reads of a job (a manager's `Job`, or a `Ticket` of a shared queue)."""

    number: int
    run_name: str
    owner: str
    device: str
    state: str
    max_seconds: float | None

    @property
    def root_key(self) -> str: ...


Item = TypeVar("Item", bound=Queued)


@dataclass
class Ticket:
    """A job as a shared queue knows it: enough to order it, count it, and list it on every server of the class."""

    number: int  # the class's submission order (the key)
    run_name: str
    root: str  # the checkpoints folder, resolved
    owner: str
    device: str
    config: dict[str, Any]  # TrainConfig.to_dict()
    resume: bool
    server: str  # the server that submitted it, trains it and reports on it
    submitted: float
    state: str = "queued"
    max_seconds: float | None = None

    @property
    def root_key(self) -> str:
        return self.root


def root_key(root: Path | str) -> str:
    return str(resolved_root(Path(root)))


@dataclass
class ClassQueue(Generic[Item]):
    """The class's active jobs and whose turn it is (see the module's docstring). Not thread-safe: its owner
    (a job manager under its lock, or an actor) serialises the calls."""

    limits: ClassLimits = field(default_factory=ClassLimits)
    items: list[Item] = field(default_factory=list)  # active jobs, oldest first
    pinned: list[int] = field(default_factory=list)  # the waiting order the teacher set, by number
    served: dict[str, int] = field(default_factory=dict)  # owner -> when (in starts) they last had a job started
    starts: int = 0
    last_number: int = 0

    def new_number(self) -> int:
        self.last_number += 1
        return self.last_number

    def admit(self, item: Item, epochs: int, by: Actor | None) -> None:
        """Queue a job; a student's (`by`) must fit the class limits (ClassLimitError) and carries the time limit."""
        if by is not None and not by.teacher:
            mine = sum(1 for other in self.items if other.owner == by.name)
            check_limits(by, self.limits, epochs, item.device, mine)
            item.max_seconds = self.limits.max_seconds
        self.items.append(item)

    def active(self, run_name: str, root: str) -> Item | None:
        """The active job of that run in that (resolved) checkpoints folder."""
        return next((item for item in self.items if item.run_name == run_name and item.root_key == root), None)

    def order(self, device: str) -> list[Item]:
        """The jobs waiting for that device, in the order they will start: the teacher's order first, then turns."""
        waiting = [item for item in self.items if item.state == "queued" and item.device == device]
        numbers = {item.number: item for item in waiting}
        self.pinned = [number for number in self.pinned
                       if any(item.number == number and item.state == "queued" for item in self.items)]
        order = [numbers[number] for number in self.pinned if number in numbers]
        waiting = [item for item in waiting if item not in order]
        served = dict(self.served)
        while waiting:
            heads: dict[str, Item] = {}
            for item in waiting:
                heads.setdefault(owner_key(item), item)
            owner, item = min(heads.items(), key=lambda pair: (served.get(pair[0], 0), pair[1].number))
            served[owner] = 10**12 + len(order)  # a simulated start: after every real one, in pick order
            order.append(item)
            waiting.remove(item)
        return order

    def running_on(self, device: str) -> list[Item]:
        """The jobs holding a place of that device now (what a queued job waits for)."""
        return [item for item in self.items if item.state in ("starting", "running") and item.device == device]

    def start_next(self, limit: dict[str, int]) -> list[Item]:
        """Mark as starting the next jobs of each device, as many as its `limit` leaves room for; returns them."""
        started = []
        for device in sorted({item.device for item in self.items if item.state == "queued"}):
            while len(self.running_on(device)) < limit.get(device, 0):
                order = self.order(device)  # again after each start: it changes whose turn it is
                if not order:
                    break
                item = order[0]
                item.state = "starting"
                self.starts += 1
                self.served[owner_key(item)] = self.starts
                if not item.owner:
                    self.served.pop(owner_key(item))  # an owner of one job never comes back
                started.append(item)
        return started

    def remove(self, item: Item) -> None:
        if item in self.items:
            self.items.remove(item)

    def adopt(self, item: Item) -> None:
        """A job that trains already (found after a restart): listed, numbered, no turn taken, no limit checked."""
        item.number = self.new_number()
        self.items.append(item)

    def mark_running(self, item: Item) -> None:
        item.state = "running"

    def to_launch(self) -> list[Item]:
        """Jobs marked starting elsewhere that this queue's owner must launch: none, in a queue of one process."""
        return []

    def move(self, item: Item, offset: int) -> int:
        """Move a waiting job `offset` places (negative: sooner) in its device's order; returns its new place."""
        order = self.order(item.device)
        place = max(0, min(len(order) - 1, order.index(item) + int(offset)))
        order.remove(item)
        order.insert(place, item)
        others = [number for number in self.pinned
                  if not any(other.number == number and other.device == item.device for other in self.items)]
        self.pinned = others + [other.number for other in order]
        return place + 1


def owner_key(item: Queued) -> str:
    return item.owner if item.owner else f"\0job-{item.number}"
