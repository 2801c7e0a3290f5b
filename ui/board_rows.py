"""The class board's rows: every run of the class with its owner, state, time and quality, cheap to poll.

Each saved run's numbers come from what its training recorded at each epoch's end (the last epoch
with FID / floor, classes covered and confidence) and its newest epoch's samples; both are cached by
the files' modification times, and the whole list is made at most once a second for every session:
thirty boards polling cost one look at the folder a second and one read per changed file. Nothing is
measured again here.

How the board arranges them (the students' runs in order, the queue, the shipped runs apart, pages) is
decided here too, from the rows alone, so the page only lays the result out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from gan_core.eval.curves import load_history
from gan_core.eval.metrics import DIGIT_DATASETS
from gan_core.jobs.manager import Job
from gan_core.runs.checkpoints import RunDir, RunInfo, default_checkpoints_dir

from . import cache
from .cache import stamp
from .pictures import picture, png
from .run_watch import manager

QUALITY = ("fid_ratio", "classes_covered", "mean_confidence")
GRID_SAMPLES = 16  # a 4 x 4 grid per run: enough to judge, small enough for a card
GRID_PIXELS = 240  # the grid's width, enlarged without blur (117 px of digits twice over): a card's width
ORDERS = ("best", "owner", "newest")  # how the students' cards are sorted: FID / floor, the owner's name, newest first
PAGE_SIZE = 12  # cards on one page of the board: four rows of three at 1280 px, three rows of four and more wider
ROWS_FRESH_SECONDS = 1.0  # the list is made once for every session at most this often (the live epochs, the times)


@dataclass(frozen=True)
class BoardRow:
    """One run as the board shows it."""

    name: str
    owner: str
    model: str
    dataset: str
    state: str  # a job state (queued, starting, running) or a saved status
    epochs_done: int
    epochs_target: int
    queue_place: int | None  # its place in its device's queue while it waits, else None
    device: str  # the queue it waits in, or the device it trained on
    seconds: float | None  # time spent training, None before it has trained
    quality: dict[str, float]  # the newest measured epoch's QUALITY numbers (empty before one is measured)
    grid_png: bytes | None  # the newest epoch's 4 x 4 samples as a PNG, None before its first epoch
    shipped: bool
    created: str  # ISO time its folder was made ("" while it waits without one), for "newest first"
    has_folder: bool  # False for a new run that waits in the queue or is starting (nothing saved yet)

    @property
    def judged(self) -> bool:
        """Whether the digit classifier measures this run's samples (digit datasets only)."""
        return self.dataset in DIGIT_DATASETS


def _last_quality(epochs: list[dict]) -> dict[str, float]:
    """The newest epoch record that has the sample-quality numbers, finite ones only (an empty dict when none has)."""
    for record in reversed(epochs):
        if all(name in record for name in QUALITY):
            return {name: float(record[name]) for name in QUALITY if math.isfinite(float(record[name]))}
    return {}


@st.cache_data(show_spinner=False, max_entries=256)
def _saved_quality(root: str, name: str, version: int) -> dict[str, float]:
    return _last_quality(list(load_history(RunDir(name, root)).epochs))


@st.cache_resource(show_spinner=False, max_entries=256)
def _grid_png(root: str, name: str, epoch: int, version: int) -> bytes:
    """A snapshot's first 16 samples as one enlarged PNG, encoded once per snapshot file for every session (bytes are
    never changed, so they are shared, not copied)."""
    samples = RunDir(name, root).load_snapshot(epoch)["samples"].numpy()[:GRID_SAMPLES]
    return png(picture(samples, columns=4, target=GRID_PIXELS, padding=1))


def rows(root: Path | None = None) -> tuple[BoardRow, ...]:
    """Every queued job and every saved run under the root: the same for every session, made at most once a
    second, and again at once when a job is queued, starts, moves in the queue or ends, or a run's folder or its
    run.json changes (a new, deleted, renamed, stopped or finished run)."""
    root = root or default_checkpoints_dir()
    return _shared_rows(str(root), _jobs_signature(root), cache.listing(root))


def _jobs_signature(root: Path) -> tuple[tuple[str, str, int | None], ...]:
    return tuple((job.run_name, job.state, manager().queue_position(job)) for job in manager().jobs(root) if job.active)


@st.cache_resource(show_spinner=False, max_entries=4, ttl=ROWS_FRESH_SECONDS)
def _shared_rows(root: str, jobs: tuple, listing: tuple) -> tuple[BoardRow, ...]:
    folder = Path(root)
    active = {job.run_name: job for job in manager().jobs(folder) if job.active}
    found: list[BoardRow] = []
    for job in active.values():
        if not RunDir(job.run_name, folder).exists():  # queued (or just starting): no folder yet
            found.append(BoardRow(job.run_name, job.owner, job.config.model, job.config.dataset, job.state, 0,
                                  job.config.epochs, manager().queue_position(job), job.device, None, {}, None, False,
                                  "", False))
    for run in cache.runs(folder):
        found.append(_row(folder, run, active.get(run.name)))
    return tuple(found)


def _row(root: Path, run: RunInfo, job: Job | None) -> BoardRow:
    folder = RunDir(run.name, root)
    state, done, target, seconds, device = run.status, run.epochs_done, run.epochs_target, None, run.device
    if job is not None:
        state, target, device = job.state, job.config.epochs, job.device
        if job.progress is not None:
            done, seconds = job.progress.epoch, job.progress.train_seconds
    if seconds is None:
        seconds = run.train_seconds
    if job is not None and job.state == "running":  # the live records, as the Train page reads them
        quality = _last_quality(list(cache.history(run.name).epochs))
    else:
        quality = _saved_quality(str(root), run.name, stamp(folder.checkpoint_path))
    epochs = cache.snapshot_epochs(run.name, root)
    grid = _grid_png(str(root), run.name, epochs[-1], stamp(folder.snapshot_path(epochs[-1]))) if epochs else None
    place = manager().queue_position(job) if job is not None else None
    return BoardRow(run.name, run.owner, run.model, run.dataset, state, done, target, place, device, seconds, quality,
                    grid, run.shipped, run.created, True)


def any_active(root: Path | None = None) -> bool:
    return bool(manager().active_names(root or default_checkpoints_dir()))


def rank_key(row: BoardRow) -> tuple:
    """Best first: lowest FID / floor among runs that have one, then the rest by name."""
    ratio = row.quality.get("fid_ratio")
    return (ratio is None, ratio if ratio is not None else 0.0, row.name)


# --- how the board arranges the rows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Board:
    """The rows as the board lays them out."""

    cards: tuple[BoardRow, ...]  # the students' runs (and the shipped ones when ranked with them), in the chosen order
    queue: tuple[BoardRow, ...]  # every run waiting in a queue, by device then place
    shipped: tuple[BoardRow, ...]  # the shipped runs in their own row ("apart"), else empty

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.cards) / PAGE_SIZE))

    def page(self, number: int) -> tuple[BoardRow, ...]:
        """The cards of page `number` (1-based; a page past the last is the last: the class got smaller)."""
        number = min(max(1, number), self.pages)
        return self.cards[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]


def arrange(found: tuple[BoardRow, ...] | list[BoardRow], shipped_mode: str, order: str = "best") -> Board:
    """The board of these rows: a card for every run but a new one that waits in the queue (it has only its place in
    the queue, and no samples or numbers yet), sorted by `order` (one of ORDERS); the shipped runs ranked with the
    class, in their own row ("apart") or not shown ("hidden"), as the teacher chose
    (gan_core.classroom.lesson.SHIPPED_ON_BOARD)."""
    queue = tuple(sorted((row for row in found if row.queue_place is not None),
                         key=lambda row: (row.device, row.queue_place)))
    cards = [row for row in found if (row.has_folder or row.queue_place is None)
             and (shipped_mode == "ranked" or not row.shipped)]
    if order == "owner":
        cards.sort(key=lambda row: (not row.owner, row.owner.casefold(), row.name))
    elif order == "newest":
        cards.sort(key=lambda row: (row.created, row.name), reverse=True)
    else:
        cards.sort(key=rank_key)
    shipped = tuple(sorted((row for row in found if row.shipped), key=rank_key)) if shipped_mode == "apart" else ()
    return Board(tuple(cards), queue, shipped)
