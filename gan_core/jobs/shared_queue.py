"""One class served by several servers (behind a proxy with sticky sessions): its queue and limits live in a
named, detached actor of the Ray cluster that trains its runs, so every server sees one queue, one set of
limits and the same turns. Chosen by `$GAN_LAB_CLASS` (the class's name, the same on every server), with
`$GAN_LAB_CLUSTER` set. The servers share one checkpoints folder (the same machine, or a shared disk):
every page reads every run there.

Each server keeps its own jobs (its students' runs: their actors, their files); the queue holds a `Ticket`
of every job of the class. The queue decides which tickets start; the server that queued a ticket trains
it and reports its state. A server acts on another server's job through the queue: a stop (or the
teacher's) is passed on to the server that trains it, within a sync (half a second). Each server
refreshes its view of the queue on every change it makes and at every sync; pages read that view.

A server that stops syncing (it died) loses its queued tickets after SERVER_GONE_SECONDS (its students'
sessions went with it); the runs it trained are taken over by the next server that starts on that
checkpoints folder (ray_executor.py), which gives them tickets again.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable

import ray

from ..classroom.access import Actor, ClassLimits
from ..config import TrainConfig
from ..errors import ClassLimitError, ClusterError, GanLabError, RunNameError
from . import ray_cluster
from .class_queue import ClassQueue, Ticket

log = logging.getLogger(__name__)

SERVER_GONE_SECONDS = 30.0  # a server not heard from for this long has gone
CALL_TIMEOUT = 30.0


class ClassQueueActor:
    """The class's `ClassQueue` of tickets, the servers it heard from, and what it passes on between them."""

    def __init__(self, limits: dict[str, Any]):
        self._queue: ClassQueue[Ticket] = ClassQueue(limits=ClassLimits.from_dict(limits))
        self._heard: dict[str, float] = {}
        self._stops: dict[str, list[tuple[int, dict[str, Any]]]] = {}  # server -> (ticket, who) to stop
        self._cancelled: dict[str, list[tuple[int, dict[str, Any]]]] = {}  # server -> its queued tickets others stopped

    def view(self) -> ClassQueue[Ticket]:
        return self._queue

    def admit(self, ticket: Ticket, epochs: int, by: Actor | None) -> tuple[Any, ClassQueue[Ticket]]:
        """Queue a ticket: (its number and time limit, the new view), or the error that refused it, as values."""
        self._heard[ticket.server] = time.monotonic()
        if self._queue.active(ticket.run_name, ticket.root) is not None:
            return _refusal(RunNameError(f"a run named {ticket.run_name!r} already exists; choose another name",
                                         code="run_exists", name=ticket.run_name)), self._queue
        try:
            ticket.number = self._queue.new_number()
            self._queue.admit(ticket, epochs, by)
        except GanLabError as error:
            return _refusal(error), self._queue
        return (ticket.number, ticket.max_seconds), self._queue

    def adopt(self, ticket: Ticket) -> tuple[int, ClassQueue[Ticket]]:
        """A run that trains already, taken over by `ticket.server` (a restart): its ticket, replacing any older one."""
        older = self._queue.active(ticket.run_name, ticket.root)
        if older is not None:
            self._queue.remove(older)
        ticket.number = self._queue.new_number()
        self._queue.items.append(ticket)
        return ticket.number, self._queue

    def start_next(self, limit: dict[str, int]) -> ClassQueue[Ticket]:
        self._queue.start_next(limit)
        return self._queue

    def mark(self, number: int, state: str) -> None:
        ticket = self._ticket(number)
        if ticket is not None:
            ticket.state = state

    def remove(self, number: int) -> ClassQueue[Ticket]:
        ticket = self._ticket(number)
        if ticket is not None:
            self._queue.remove(ticket)
        return self._queue

    def move(self, number: int, offset: int) -> tuple[int | None, ClassQueue[Ticket]]:
        ticket = self._ticket(number)
        if ticket is None or ticket.state != "queued":
            return None, self._queue
        return self._queue.move(ticket, offset), self._queue

    def set_limits(self, limits: dict[str, Any]) -> ClassQueue[Ticket]:
        self._queue.limits = ClassLimits.from_dict(limits)
        return self._queue

    def ask_stop(self, number: int, by: dict[str, Any]) -> ClassQueue[Ticket]:
        """Another server's job, stopped here: a queued one leaves the queue now (its server hears it was
        cancelled); a starting or training one is stopped by its server at its next sync."""
        ticket = self._ticket(number)
        if ticket is not None and ticket.state == "queued":
            self._queue.remove(ticket)
            self._cancelled.setdefault(ticket.server, []).append((number, by))
        elif ticket is not None:
            self._stops.setdefault(ticket.server, []).append((number, by))
        return self._queue

    def sync(self, server: str) -> dict[str, Any]:
        """A server's heartbeat: what others asked of its jobs since, and the queue as it is."""
        now = time.monotonic()
        self._heard[server] = now
        for gone in [name for name, heard in self._heard.items() if now - heard > SERVER_GONE_SECONDS]:
            del self._heard[gone]
            for ticket in [t for t in self._queue.items if t.server == gone and t.state == "queued"]:
                self._queue.remove(ticket)  # its students' sessions went with it
        return {"queue": self._queue, "stops": self._stops.pop(server, []), "cancelled": self._cancelled.pop(server, [])}

    def _ticket(self, number: int) -> Ticket | None:
        return next((ticket for ticket in self._queue.items if ticket.number == number), None)


RemoteClassQueue = ray.remote(ClassQueueActor)


def _refusal(error: GanLabError) -> dict[str, Any]:
    return {"refused": type(error).__name__, "message": str(error), "code": error.code, "params": dict(error.params)}


def _raise(refusal: dict[str, Any]) -> None:
    kind = {"RunNameError": RunNameError, "ClassLimitError": ClassLimitError}.get(refusal["refused"], GanLabError)
    raise kind(refusal["message"], code=refusal["code"], **refusal["params"])


class SharedQueue:
    """A job manager's side of the class's queue: the class's active jobs as the manager's `Job`s (its own, and a
    stand-in for each job of another server), read from the last view; every change goes to the queue's actor."""

    def __init__(self, class_name: str, server: str, limits: ClassLimits, make_job: Callable[[Ticket], Any]):
        self.name, self.server, self._make_job = class_name, server, make_job
        self._actor = RemoteClassQueue.options(
            name=f"class:{class_name}", namespace=ray_cluster.NAMESPACE, lifetime="detached", get_if_exists=True,
            num_cpus=0, max_restarts=0, resources={"node:__internal_head__": 0.001},  # with the cluster, not a laptop
        ).remote(limits.to_dict())
        self._mine: dict[int, Any] = {}  # number -> this server's Job
        self._theirs: dict[int, Any] = {}  # number -> a stand-in Job of another server's ticket
        self._view: ClassQueue[Ticket] = self._call(self._actor.view.remote())

    # what the manager reads (from the last view)
    @property
    def limits(self) -> ClassLimits:
        return self._view.limits

    @limits.setter
    def limits(self, limits: ClassLimits) -> None:
        self._see(self._call(self._actor.set_limits.remote(limits.to_dict())))

    @property
    def items(self) -> list[Any]:
        return [self._job(ticket) for ticket in self._view.items]

    def active(self, run_name: str, root: str) -> Any:
        ticket = self._view.active(run_name, root)
        return None if ticket is None else self._job(ticket)

    def order(self, device: str) -> list[Any]:
        return [self._job(ticket) for ticket in self._view.order(device)]

    def running_on(self, device: str) -> list[Any]:
        return [self._job(ticket) for ticket in self._view.running_on(device)]

    # what the manager changes
    def new_number(self) -> int:
        return 0  # the queue's actor numbers a job when it admits it

    def admit(self, job: Any, epochs: int, by: Actor | None) -> None:
        ticket = Ticket(0, job.run_name, job.root_key, job.owner, job.device, job.config.to_dict(), job.resume,
                        self.server, job.submitted)
        outcome, view = self._call(self._actor.admit.remote(ticket, epochs, by))
        if isinstance(outcome, dict):
            self._see(view)
            _raise(outcome)
        job.number, job.max_seconds = outcome
        self._mine[job.number] = job
        self._see(view)

    def adopt(self, job: Any) -> None:
        ticket = Ticket(0, job.run_name, job.root_key, job.owner, job.device, job.config.to_dict(), job.resume,
                        self.server, job.submitted, state=job.state, max_seconds=job.max_seconds)
        job.number, view = self._call(self._actor.adopt.remote(ticket))
        self._mine[job.number] = job
        self._see(view)

    def start_next(self, limit: dict[str, int]) -> list[Any]:
        """Ask the queue to start what may start (anyone's); returns this server's jobs it marked starting. Never
        raises: with the queue unreachable nothing starts now, and the next sync asks again."""
        try:
            self._see(self._call(self._actor.start_next.remote(limit)))
        except ClusterError:
            log.warning("could not ask the class's queue what starts next", exc_info=True)
            return []
        return self.to_launch()

    def to_launch(self) -> list[Any]:
        """This server's jobs that the queue marked starting (here, or at another server's request) and that
        are still waiting here."""
        starting = {ticket.number for ticket in self._view.items if ticket.state == "starting"}
        launch = [job for number, job in self._mine.items() if number in starting and job.state == "queued"]
        for job in launch:
            job.state = "starting"
        return launch

    def mark_running(self, job: Any) -> None:
        try:
            self._actor.mark.remote(job.number, "running")
        except Exception:  # noqa: BLE001 - the queue is gone (the cluster's end): the job trains on regardless
            log.warning("could not tell the class's queue that run %s trains", job.run_name, exc_info=True)

    def remove(self, job: Any) -> None:
        """A job of this server ended. Never raises: an ending job must end, even with the queue unreachable."""
        self._mine.pop(job.number, None)
        try:
            self._see(self._call(self._actor.remove.remote(job.number)))
        except Exception:  # noqa: BLE001
            log.warning("could not take run %s out of the class's queue", job.run_name, exc_info=True)

    def move(self, job: Any, offset: int) -> int:
        place, view = self._call(self._actor.move.remote(job.number, offset))
        self._see(view)
        if place is None:
            raise GanLabError(f"run {job.run_name!r} is not waiting in the queue", code="not_queued", name=job.run_name)
        return place

    def ask_stop(self, job: Any, by: Actor) -> None:
        self._see(self._call(self._actor.ask_stop.remote(job.number, by.record())))

    def sync(self) -> tuple[list[tuple[Any, Actor]], list[tuple[Any, Actor]]]:
        """Hear from the queue: (this server's jobs others asked to stop, its queued jobs others cancelled)."""
        news = self._call(self._actor.sync.remote(self.server))
        self._see(news["queue"])
        stops = [(self._mine[number], Actor(**by)) for number, by in news["stops"] if number in self._mine]
        cancelled = [(self._mine[number], Actor(**by)) for number, by in news["cancelled"] if number in self._mine]
        return stops, cancelled

    # inside
    def _see(self, view: ClassQueue[Ticket]) -> None:
        self._view = view
        numbers = {ticket.number for ticket in view.items}
        for number in [n for n in self._theirs if n not in numbers]:
            job = self._theirs.pop(number)
            job.state = _ended_state(job)
            job.done.set()
        for ticket in view.items:
            if ticket.server != self.server and ticket.number in self._theirs:
                self._theirs[ticket.number].state = ticket.state

    def _job(self, ticket: Ticket) -> Any:
        if ticket.server == self.server and ticket.number in self._mine:
            return self._mine[ticket.number]
        job = self._theirs.get(ticket.number)
        if job is None:
            job = self._theirs[ticket.number] = self._make_job(ticket)
        return job

    def _call(self, ref: Any) -> Any:
        """An answer of the queue's actor; one line (ClusterError) when it cannot give one."""
        try:
            return ray.get(ref, timeout=CALL_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - the actor or the connection is gone, or too slow
            raise ClusterError(f"the class's queue ({self.name}) in the Ray cluster does not answer "
                               f"({type(error).__name__}); is the cluster up?", code="class_queue_gone",
                               name=self.name) from None


def _ended_state(job: Any) -> str:
    """How another server's job ended, as its run's folder says (the queue only knows it left)."""
    try:
        return job.run.info().status
    except GanLabError:
        return "stopped"


def stand_in(job_class: type, ticket: Ticket) -> Any:
    """A manager's `Job` for another server's ticket: listed, ordered and stoppable here, trained there."""
    return job_class(ticket.run_name, Path(ticket.root), ticket.device, TrainConfig.from_dict(ticket.config),
                     resume=ticket.resume, owner=ticket.owner, number=ticket.number, submitted=ticket.submitted,
                     state=ticket.state, max_seconds=ticket.max_seconds, elsewhere=True)
