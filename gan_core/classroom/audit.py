"""Who did what to which run: one line per access-changing action, in the checkpoints folder.

Every stop, resume, delete, rename, import, change of the class limits, class reset, release of a
name and roster of join links appends one JSON line (time, who, whether they were the teacher, the
action, the run, a few details) to `class-audit.jsonl`. The library writes it where the action
happens (the job manager, the checkpoint and archive functions, the name claims), so a script that
calls the library is recorded as the app is. The teacher reads the last lines back; a student whose
run vanished learns why from it. No secret (a name's key, the teacher's password) is ever written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from .access import Actor

try:
    import fcntl
except ImportError:  # Windows: appends of one short line are not interleaved by one process
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

AUDIT_FILE = "class-audit.jsonl"
ACTIONS = ("stop", "resume", "delete", "rename", "import", "limits", "queue", "reset", "release", "roster", "board")
SHOWN_TO_TEACHER = 50  # lines the teacher's view shows
_TAIL_BYTES = 256 * 1024  # read back from the end of the file: thousands of lines, enough for any lesson's view
_write_lock = threading.Lock()


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action."""

    time: str  # ISO 8601 with the server's UTC offset, to the second
    who: str  # the acting person's display name ("" for the machine's owner: a script, the CLI)
    teacher: bool
    action: str  # one of ACTIONS
    run: str = ""  # the run it was done to ("" for limits, reset, release, roster)
    details: dict[str, Any] = field(default_factory=dict)  # e.g. {"owner": "anna"}, {"to": "new-name"}

    @property
    def when(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.time)
        except ValueError:
            return None


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class AuditLog:
    """The audit lines of one checkpoints folder."""

    def __init__(self, root: str | Path):
        self.path = Path(root) / AUDIT_FILE

    def write(self, by: Actor | None, action: str, run: str = "", **details: Any) -> None:
        """Append one line. The action has already happened, so a failure to record it (a full disk) is
        logged, never raised: refusing now would not undo it."""
        actor = by or Actor.machine()
        record = {"time": now_iso(), "who": actor.name, "teacher": actor.teacher, "action": action, "run": run,
                  **({"details": details} if details else {})}
        line = json.dumps(record, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _write_lock, open(self.path, "a", encoding="utf-8") as file, _locked(file):
                file.write(line)
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            log.warning("could not record %s of %s in %s: %s", action, run or "the class", self.path, error)

    def tail(self, n: int = SHOWN_TO_TEACHER) -> list[AuditEntry]:
        """The last `n` lines, newest first (fewer when the file has fewer; none when there is no file).
        A damaged line (a disk that filled mid-write) is skipped."""
        try:
            with open(self.path, "rb") as file:
                file.seek(0, os.SEEK_END)
                size = file.tell()
                file.seek(max(0, size - _TAIL_BYTES))
                data = file.read()
        except FileNotFoundError:
            return []
        lines = data.decode("utf-8", errors="replace").splitlines()
        if size > _TAIL_BYTES:
            lines = lines[1:]  # the first one was cut by the seek
        entries = []
        for line in reversed(lines):
            entry = _parse(line)
            if entry is not None:
                entries.append(entry)
                if len(entries) >= n:
                    break
        return entries

    def last_about(self, run: str, actions: tuple[str, ...] = ("stop", "delete", "rename", "reset"),
                   since: datetime | None = None) -> AuditEntry | None:
        """The newest of those actions done to `run` (a reset names every run it removed), or None."""
        for entry in self.tail(10_000):
            if since is not None and (entry.when is None or entry.when < since):
                return None
            if entry.action not in actions:
                continue
            if entry.run == run or (entry.action == "reset" and run in entry.details.get("runs", ())):
                return entry
        return None


def _parse(line: str) -> AuditEntry | None:
    try:
        record = json.loads(line)
        return AuditEntry(str(record["time"]), str(record.get("who") or ""), bool(record.get("teacher")),
                          str(record["action"]), str(record.get("run") or ""), dict(record.get("details") or {}))
    except (ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def _locked(file: Any) -> Iterator[None]:
    """Hold an exclusive lock on the open file while appending (another process may append too)."""
    if fcntl is None:
        yield
        return
    fcntl.flock(file, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(file, fcntl.LOCK_UN)
