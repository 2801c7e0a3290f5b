"""A run's folder carried from the node that trains it to the server that shows it, with no shared filesystem.

A run on a cluster trains in a scratch folder of its node; the server's copy of the run's folder stays the
one place pages read. The server pulls what changed every second or so (`read_changes` on the node,
`Mirror.apply` on the server):

- history.jsonl grows by appends, and is rewritten when training (re)starts: the bytes after the server's
  offset up to the last whole line, or all of it when the node's file is a new one;
- every other file (run.json, checkpoint.pt, epochs/epoch_NNNN.pt) is replaced whole by an atomic rename:
  those whose size or modification time changed are sent whole, and the names of those gone (snapshots
  thinned out, or dropped by a resume).

The node reads the log first and the other files after it; the server writes the other files first and the
log after them. So the log the pages read never runs ahead of the files it names: an epoch's line comes
with (or after) its samples and its checkpoint. A resume on any node starts from the server's copy, pushed
whole (`folder_files`). Locks and temporary files never travel.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..runs.checkpoints import LOG_FILE, RunDir, atomic_write

Stamp = tuple[int, int]  # (modification time in ns, size): a file replaced by a rename changes it
_TRAVELS = re.compile(r"^(?:[\w-][\w.-]*/)?[\w-][\w.-]*$")  # a run's file, or one in a subfolder (epochs/)
_STAYS = ("train.lock",)


@dataclass
class Changes:
    """What changed in a run's folder on its node since what the server has."""

    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> the whole file
    stamps: dict[str, Stamp] = field(default_factory=dict)  # every file the node has now (the log aside)
    gone: list[str] = field(default_factory=list)  # files the server has that the node no longer does
    log_generation: str = ""  # which history.jsonl the node has: a new one (a restart) starts over
    log_start: int = 0  # where `log` goes in the server's copy (0: it replaces it)
    log: bytes = b""

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values()) + len(self.log)


def travels(relative: str) -> bool:
    """Whether a file of a run's folder is carried between node and server: no lock, no temporary or hidden
    file, nothing outside the folder or deeper than one subfolder."""
    return bool(_TRAVELS.match(relative)) and Path(relative).name not in _STAYS and not relative.endswith(".tmp") \
        and ".." not in relative


def folder_stamps(folder: Path) -> dict[str, Stamp]:
    """The stamp of every file of the folder that travels (the log aside)."""
    found = {}
    for path in folder.rglob("*") if folder.is_dir() else ():
        relative = path.relative_to(folder).as_posix()
        if relative == LOG_FILE or not travels(relative):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:  # replaced or removed as we looked
            continue
        if path.is_file():
            found[relative] = (stat.st_mtime_ns, stat.st_size)
    return found


def log_position(folder: Path) -> tuple[str, int]:
    """(generation, size) of the folder's history.jsonl: what a server that has all of it knows."""
    try:
        stat = (folder / LOG_FILE).stat()
    except FileNotFoundError:
        return "", 0
    return _generation(stat), stat.st_size


def read_changes(folder: Path, known: dict[str, Stamp], log_generation: str, log_offset: int,
                 hold: frozenset[str] = frozenset()) -> Changes:
    """On the node: what the server, which has the files of `known` and the log `log_generation` up to
    `log_offset`, lacks. The log is read before the other files (see the module's docstring). Files in `hold`
    that the server has an older version of wait for a later pull (a big checkpoint, sent only so often)."""
    changes = Changes()
    log = folder / LOG_FILE
    try:
        with open(log, "rb") as file:
            stat = os.fstat(file.fileno())
            generation = _generation(stat)
            start = log_offset if generation == log_generation and stat.st_size >= log_offset else 0
            file.seek(start)
            data = file.read(stat.st_size - start)
        changes.log_generation, changes.log_start = generation, start
        changes.log = data[: data.rfind(b"\n") + 1]  # a line being written waits for the next pull
    except FileNotFoundError:
        changes.log_generation, changes.log_start = log_generation, log_offset
    changes.stamps = folder_stamps(folder)
    for relative in hold & set(changes.stamps) & set(known):
        changes.stamps[relative] = known[relative]  # as if unchanged: the server keeps asking for it
    for relative, stamp in changes.stamps.items():
        if known.get(relative) != stamp:
            try:
                changes.files[relative] = (folder / relative).read_bytes()
            except FileNotFoundError:  # gone since its stamp was taken: the next pull says so
                continue
    changes.gone = sorted(set(known) - set(changes.stamps))
    return changes


def folder_files(run: RunDir) -> dict[str, bytes]:
    """Every file of a run's folder that travels, log included: what a node needs to resume it."""
    files = {relative: (run.path / relative).read_bytes() for relative in folder_stamps(run.path)}
    if run.log_path.is_file():
        files[LOG_FILE] = run.log_path.read_bytes()
    return files


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """On a node: lay out the files a server pushed (`folder_files`)."""
    for relative, data in files.items():
        if not travels(relative):
            raise ValueError(f"refusing to write {relative!r} into a run's folder")
        atomic_write(folder / relative, lambda file, data=data: file.write(data))


class Mirror:
    """The server's side of one run: what it has, and the run's folder brought up to date with each pull."""

    def __init__(self, run: RunDir, *, pushed: bool = False, complete: bool = True):
        """`pushed`: the node started from the files this server pushed, so it has them (`known` is None until
        the first pull: "what you were given"). `complete` False: the server's copy may hold files the node no
        longer has (a restarted server's copy of a run that trained on); the first pull removes them."""
        self.run = run
        self.known: dict[str, Stamp] | None = None if pushed else {}
        self.complete = complete
        self.log_generation, self.log_offset = "", 0  # the log always comes whole with the first pull

    def apply(self, changes: Changes) -> bool:
        """Write what changed into the run's folder: the other files, then the log. Returns whether anything
        changed on disk."""
        folder = self.run.path
        touched = bool(changes.files or changes.gone or changes.log or changes.log_start != self.log_offset)
        for relative, data in changes.files.items():
            if not travels(relative):
                raise ValueError(f"refusing to write {relative!r} into run {self.run.name!r}")
            atomic_write(folder / relative, lambda file, data=data: file.write(data))
        stale = set(changes.gone)
        if not self.complete:
            stale |= set(folder_stamps(folder)) - set(changes.stamps)
        for relative in stale:
            if travels(relative):
                (folder / relative).unlink(missing_ok=True)
        if changes.log_generation != self.log_generation or changes.log_start != self.log_offset:
            atomic_write(folder / LOG_FILE, lambda file: file.write(changes.log))  # a new log on the node
            self.log_offset = len(changes.log)
            touched = True
        elif changes.log:
            with open(folder / LOG_FILE, "ab") as file:
                file.write(changes.log)
            self.log_offset += len(changes.log)
        self.log_generation = changes.log_generation
        self.known = dict(changes.stamps)
        self.complete = True
        return touched


def _generation(stat: os.stat_result) -> str:
    return f"{stat.st_dev}:{stat.st_ino}"
