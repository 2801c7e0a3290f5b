"""Who may do what to which run: the classroom's rules, in one place.

Everyone may watch every run. A run's owner (the display name recorded in run.json) and the
teacher may stop, resume, rename and delete it; nobody may change a shipped run (its files are
tracked in git). Students' new runs must fit the class limits the teacher set; the teacher's do
not have to. The job manager and the checkpoint functions call these checks, so a page that hides
a button and a script that calls the library meet the same rule. Each refusal is a typed
`AccessError` whose message says what was refused and what to do instead.
"""

from __future__ import annotations

import hmac
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..config import Range
from ..errors import AccessError, ClassLimitError, ConfigError, ShippedRunError

ACTIONS = ("stop", "resume", "rename", "delete")
_PERSON_NAME = re.compile(r"^[\w][\w .'-]{0,31}$")  # Unicode letters: "Маша К." is fine


@dataclass(frozen=True)
class Actor:
    """The person acting: their display name and whether they unlocked teacher mode.

    The app makes one per session; scripts and the CLI act as `Actor.machine()`, the machine's owner,
    who may manage every run (but still not change a shipped one)."""

    name: str
    teacher: bool = False

    @classmethod
    def machine(cls) -> "Actor":
        return cls("", teacher=True)

    def record(self) -> dict[str, Any]:
        """How run.json remembers who did something (e.g. who stopped a run)."""
        return {"name": self.name, "teacher": self.teacher}


def validate_person_name(name: str) -> str:
    """A display name: 1-32 letters, digits, spaces, '.', "'", '_' or '-', starting with a letter or digit."""
    name = " ".join((name or "").split())
    if not name or not _PERSON_NAME.match(name):
        raise ConfigError(f"the name {name!r} is not allowed: use 1-32 letters, digits, spaces, '.', '-' or '_', "
                          "starting with a letter or digit", code="person_name", name=name)
    return name


def may_manage(actor: Actor, owner: str) -> bool:
    """The teacher manages every run, a student their own; a run without an owner is the teacher's."""
    return actor.teacher or (bool(owner) and owner == actor.name)


def check_manage(actor: Actor, run_name: str, owner: str, action: str) -> None:
    """Raise AccessError unless `actor` may `action` (stop, resume, rename, delete) run `run_name`."""
    if may_manage(actor, owner):
        return
    if owner:
        raise AccessError(f"run {run_name!r} belongs to {owner}; only {owner} or the teacher can {action} it "
                          "(you may watch it)", code="not_owner", name=run_name, owner=owner, action=action)
    raise AccessError(f"run {run_name!r} has no owner; only the teacher can {action} it (you may watch it)",
                      code="teachers_run", name=run_name, action=action)


def check_not_shipped(info: Mapping[str, Any], run_name: str, action: str) -> None:
    """Raise ShippedRunError for a run that ships with GAN Lab: its files are read-only for everyone."""
    if not info.get("shipped"):
        return
    message = f"run {run_name!r} ships with GAN Lab and is read-only: it cannot be "
    if action == "delete":
        raise ShippedRunError(message + "deleted", code="delete_shipped", name=run_name)
    if action == "rename":
        raise ShippedRunError(message + "renamed", code="rename_shipped", name=run_name)
    if action == "resume":
        raise ShippedRunError(message + "trained further; Resume makes your own copy and trains that",
                              code="resume_shipped", name=run_name)
    raise ShippedRunError(message + f"changed ({action})", name=run_name)


# What the teacher's form takes for each limit, 0 standing for no limit.
LIMIT_RANGES = {"max_active_per_student": Range(0, 100, whole=True), "max_epochs": Range(0, 10_000, whole=True),
                "max_minutes": Range(0, 600)}


@dataclass(frozen=True)
class ClassLimits:
    """What a student may ask for (None: no limit). The teacher sets them; the library enforces them."""

    max_active_per_student: int | None = None  # runs queued or training at once
    max_epochs: int | None = None  # epochs of one run, in all (a resume's new total too)
    max_minutes: float | None = None  # training time of one job, after which it stops and saves
    devices: tuple[str, ...] | None = None  # device kinds students may train on ("cpu", "cuda", "mps")

    def validate(self) -> "ClassLimits":
        for name in ("max_active_per_student", "max_epochs"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ConfigError(f"{name} must be a whole number of at least 1 (or no limit), got {value!r}",
                                  code="limit_value", setting=name, value=value)
        if self.max_minutes is not None and not (isinstance(self.max_minutes, (int, float)) and self.max_minutes > 0):
            raise ConfigError(f"max_minutes must be more than 0 (or no limit), got {self.max_minutes!r}",
                              code="limit_value", setting="max_minutes", value=self.max_minutes)
        if self.devices is not None and not self.devices:
            raise ConfigError("students need at least one device to train on; allow cpu, for example",
                              code="limit_no_device")
        return self

    @property
    def max_seconds(self) -> float | None:
        return None if self.max_minutes is None else 60.0 * float(self.max_minutes)

    def to_dict(self) -> dict[str, Any]:
        return {"max_active_per_student": self.max_active_per_student, "max_epochs": self.max_epochs,
                "max_minutes": self.max_minutes, "devices": None if self.devices is None else list(self.devices)}

    @classmethod
    def from_form(cls, active: float, epochs: float, minutes: float, devices: list[str],
                  choices: list[str]) -> "ClassLimits":
        """The teacher's form (LIMIT_RANGES): 0 is no limit; every device offered chosen is no device limit (so a
        device that comes later is allowed too), none chosen is refused (ConfigError)."""
        allowed = None if set(devices) == set(choices) else tuple(devices)
        return cls(int(active) or None, int(epochs) or None, float(minutes) or None, allowed).validate()

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "ClassLimits":
        """The limits a file kept (`to_dict`), checked as the teacher's form is: a bad value is a ConfigError."""
        if not isinstance(values, Mapping):
            raise ConfigError("the class limits must be a JSON object", code="limit_file")
        devices = values.get("devices")
        if devices is not None and not (isinstance(devices, list) and all(isinstance(d, str) for d in devices)):
            raise ConfigError(f"devices must be a list of device names, got {devices!r}", code="limit_file")
        return cls(values.get("max_active_per_student"), values.get("max_epochs"), values.get("max_minutes"),
                   None if devices is None else tuple(devices)).validate()


def limit_problems(actor: Actor, limits: ClassLimits, epochs: int, device: str,
                   active_of_actor: int) -> list[ClassLimitError]:
    """Every class limit a student's new job goes past (none for the teacher's), each naming in its `setting`
    param the setting to change ("epochs", "device"; "" for the number of runs), so a form can say it under
    that field before Start. `device` is the resolved kind ("cpu", "cuda", "mps"); `active_of_actor` counts
    their queued and training jobs."""
    if actor.teacher:
        return []
    problems = []
    if limits.max_epochs is not None and epochs > limits.max_epochs:
        problems.append(ClassLimitError(
            f"the class limit is {limits.max_epochs} epochs per run; ask for at most {limits.max_epochs}",
            code="limit_epochs", n=limits.max_epochs, setting="epochs"))
    if limits.devices is not None and device not in limits.devices:
        problems.append(ClassLimitError(
            f"students may train on {', '.join(limits.devices)} only; choose one of those devices",
            code="limit_devices", devices=", ".join(limits.devices), setting="device"))
    if limits.max_active_per_student is not None and active_of_actor >= limits.max_active_per_student:
        problems.append(ClassLimitError(
            f"you already have {active_of_actor} run(s) queued or training, the class limit is "
            f"{limits.max_active_per_student}; wait for one to finish or stop it",
            code="limit_active", n=limits.max_active_per_student, setting=""))
    return problems


def check_limits(actor: Actor, limits: ClassLimits, epochs: int, device: str, active_of_actor: int) -> None:
    """Raise the first of `limit_problems` (ClassLimitError) when a student's new job goes past the class limits."""
    problems = limit_problems(actor, limits, epochs, device, active_of_actor)
    if problems:
        raise problems[0]


@dataclass
class TeacherGate:
    """One session's attempts at the teacher password: each wrong one doubles the wait before the next
    (1, 2, 4 ... at most `max_wait` s). Nothing sleeps: an attempt during the wait is refused unchecked,
    so no server thread is held. The password is compared in constant time and never stored here."""

    max_wait: float = 30.0
    failures: int = 0
    locked_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait_left(self, now: float | None = None) -> float:
        return max(0.0, self.locked_until - (time.monotonic() if now is None else now))

    def attempt(self, given: str, expected: str) -> bool:
        """True for the right password. A wrong one (or any attempt while waiting) raises AccessError."""
        with self._lock:
            now = time.monotonic()
            left = self.wait_left(now)
            if left > 0:
                raise AccessError(f"too many wrong passwords; try again in {left:.0f} s", code="password_wait",
                                  seconds=max(1, round(left)))
            if expected and hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8")):
                self.failures = 0
                return True
            self.failures += 1
            wait = min(self.max_wait, 2.0 ** (self.failures - 1))
            self.locked_until = now + wait
            raise AccessError(f"wrong teacher password; you can try again in {wait:.0f} s", code="wrong_password",
                              seconds=max(1, round(wait)))
