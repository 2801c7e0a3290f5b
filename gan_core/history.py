"""What a run has done: its per-step history, where it stands, and the log on disk that pages read.

A trainer with a run folder appends to `history.jsonl` (one JSON object a line) as it trains:

    {"steps": [[loss_d, loss_g, D(x), D(G(z)), |grad G|], ...], "progress": {...Progress fields...}}
    {"epoch": {...the epoch's record...}}

It is rewritten from the trainer's history when training (re)starts, so after a resume it holds
exactly what the checkpoint holds, then grows. Any number of pages read it (`read_log`, which
reads only the bytes added since the last call) without ever talking to the training process.
"""

from __future__ import annotations

import copy
import json
import os
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import numpy as np
import torch

from .runs.checkpoints import atomic_write

@dataclass
class History:
    """Per-step losses and D outputs, and one record per finished epoch. Its list fields, in order, are
    the step columns (STEP_COLUMNS): a training step's stats, a log line's numbers, a CSV's columns."""

    loss_d: list[float] = field(default_factory=list)
    loss_g: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)  # mean D(x): D's belief that real images are real
    d_fake: list[float] = field(default_factory=list)  # mean D(G(z)): D's belief that fakes are real
    grad_g: list[float] = field(default_factory=list)  # norm of G's gradient: near 0, G learns nothing
    epochs: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def step_row(**numbers: torch.Tensor) -> torch.Tensor:
        """One step's stats, named by column, as one tensor in STEP_COLUMNS order (one copy off the device)."""
        if set(numbers) != set(STEP_COLUMNS):
            raise ValueError(f"a step's stats are {', '.join(STEP_COLUMNS)}; got {', '.join(numbers)}")
        return torch.stack([numbers[column] for column in STEP_COLUMNS]).detach()

    def append(self, rows: torch.Tensor | list[list[float]]) -> None:
        for values in rows.tolist() if isinstance(rows, torch.Tensor) else rows:
            values = list(values) + [float("nan")] * (len(STEP_COLUMNS) - len(values))  # older logs: fewer columns
            for column, value in zip(STEP_COLUMNS, values):
                getattr(self, column).append(value)

    def rows(self) -> list[list[float]]:
        return [list(values) for values in zip(*(getattr(self, c) for c in STEP_COLUMNS))]

    def to_state(self) -> dict[str, Any]:
        columns = {k: torch.tensor(getattr(self, k), dtype=torch.float32) for k in STEP_COLUMNS}
        return {**columns, "epochs": copy.deepcopy(self.epochs)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> "History":
        steps = len(state["loss_d"])
        columns = {k: state[k].tolist() if k in state else [float("nan")] * steps for k in STEP_COLUMNS}
        return cls(**columns, epochs=list(state["epochs"]))


# The order of a step's stats, from History's fields. Runs saved before grad_g existed read it as NaN.
STEP_COLUMNS = tuple(f.name for f in fields(History) if f.name != "epochs")


@dataclass(frozen=True)
class Progress:
    """Where a run stands; handed to `on_step` observers and written to the log."""

    epoch: int  # epochs completed
    epochs: int  # epochs asked for
    step_in_epoch: int
    steps_per_epoch: int
    global_step: int
    train_seconds: float  # time spent in training steps, all sessions (epoch-end saving and metrics excluded)
    steps_per_second: float  # speed in this session

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def fraction(self) -> float:
        return min(1.0, self.global_step / max(1, self.total_steps))

    @property
    def seconds_left(self) -> float | None:
        if self.steps_per_second <= 0:
            return None
        return (self.total_steps - self.global_step) / self.steps_per_second


@dataclass(frozen=True)
class EpochResult:
    """Handed to `on_epoch_end` observers: the epoch's record and its fixed-noise samples."""

    record: dict[str, Any]
    samples: np.ndarray  # uint8 (64, 28, 28)


# --- the log on disk -----------------------------------------------------------------------


class LogWriter:
    """Appends a trainer's records to its run's history.jsonl (no fsync: the checkpoint is the truth)."""

    def __init__(self, path: Path, history: History):
        lines = [{"steps": history.rows()}] if history.loss_d else []
        lines += [{"epoch": record} for record in history.epochs]
        text = "".join(_line(record) for record in lines)
        atomic_write(path, lambda file: file.write(text.encode("utf-8")))
        self._file: IO[str] | None = open(path, "a", encoding="utf-8")

    def steps(self, rows: list[list[float]], progress: Progress) -> None:
        self._write({"steps": rows, "progress": asdict(progress)})

    def epoch(self, record: dict[str, Any]) -> None:
        self._write({"epoch": record})

    def _write(self, record: dict[str, Any]) -> None:
        if self._file is not None:
            self._file.write(_line(record))
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":")) + "\n"


@dataclass(frozen=True)
class RunLog:
    """A run's history and latest progress as its log says (read-only: shared by every page)."""

    history: History
    progress: Progress | None


class _Reader:
    """The parsed log of one file, extended by the bytes appended since the last read."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._start_over(None)

    def _start_over(self, inode: tuple[int, int] | None) -> None:
        self.inode = inode
        self.offset = 0
        self.history = History()
        self.progress: Progress | None = None
        self.snapshot = RunLog(History(), None)
        self.snapshot_offset = 0  # the offset the snapshot was taken at

    def read(self, path: Path) -> RunLog:
        """The whole log: the history copied for the readers (once per new bytes, not per reader)."""
        with self.lock:
            self._update(path)
            if self.snapshot_offset != self.offset:  # the progress comes with the bytes: it changed only if they did
                h = self.history
                self.snapshot = RunLog(History(**{c: list(getattr(h, c)) for c in STEP_COLUMNS}, epochs=list(h.epochs)),
                                       self.progress)
                self.snapshot_offset = self.offset
            return self.snapshot

    def read_progress(self, path: Path) -> Progress | None:
        """Only the latest progress: what a sidebar asks of every run, without copying any history."""
        with self.lock:
            self._update(path)
            return self.progress

    def _update(self, path: Path) -> None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            self._start_over(None)
            return
        inode = (stat.st_dev, stat.st_ino)
        if inode != self.inode or stat.st_size < self.offset:  # rewritten (a resume): start over
            self._start_over(inode)
        if stat.st_size == self.offset:
            return
        with open(path, "rb") as file:
            file.seek(self.offset)
            data = file.read(stat.st_size - self.offset)
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written waits for the next read
        self.offset += len(complete)
        for line in complete.splitlines():
            self._apply(json.loads(line))

    def _apply(self, record: dict[str, Any]) -> None:
        if "steps" in record:
            self.history.append(record["steps"])
            if "progress" in record:
                self.progress = Progress(**record["progress"])
        elif "epoch" in record:
            self.history.epochs.append(record["epoch"])


_readers: OrderedDict[str, _Reader] = OrderedDict()  # the logs read most recently, at most MAX_READERS
_readers_lock = threading.Lock()
# Well above the most runs one GPU trains at once (jobs.MAX_GPU_JOBS, 32) and the shipped ones: a class's
# sidebars read every training run in turn, and with fewer readers than runs each read would evict the
# next one's reader, which then parses its whole log again.
MAX_READERS = 64


def _reader(path: str | os.PathLike[str]) -> tuple[_Reader, Path]:
    key = os.path.abspath(path)  # not resolve(): a stat of every folder on the way, for every read of every page
    with _readers_lock:
        reader = _readers.pop(key, None) or _Reader()
        _readers[key] = reader
        while len(_readers) > MAX_READERS:
            _readers.popitem(last=False)
    return reader, Path(key)


def read_log(path: str | os.PathLike[str]) -> RunLog:
    """The log at `path` (a run's history.jsonl), parsed once per process and then read incrementally."""
    reader, resolved = _reader(path)
    return reader.read(resolved)


def read_progress(path: str | os.PathLike[str]) -> Progress | None:
    """The latest progress in the log at `path`: as `read_log(path).progress`, without copying the history."""
    reader, resolved = _reader(path)
    return reader.read_progress(resolved)
