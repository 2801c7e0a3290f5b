"""The class board's rows: every run of the class with its owner, state, time and quality, cheap to poll.

Each saved run's numbers come from what its training recorded at each epoch's end (the last epoch
with FID / floor, classes covered and confidence) and its newest epoch's samples; both are cached by
the files' modification times, so thirty boards polling cost one read per changed file. Nothing is
measured again here.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from gan_core.runs.checkpoints import RunDir, RunInfo, default_checkpoints_dir
from gan_core.eval.curves import load_history
from gan_core.images import grid, png_bytes
from gan_core.jobs.manager import Job

from . import cache
from .cache import stamp
from .run_watch import manager

QUALITY = ("fid_ratio", "classes_covered", "mean_confidence")
GRID_SAMPLES = 16  # a 4 x 4 grid per run: enough to judge, small enough for thirty rows


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
    queue_place: int | None
    seconds: float | None
    quality: dict[str, float]
    grid_png: str | None  # a data: URL of the sample grid, for st.column_config.ImageColumn
    shipped: bool


def _last_quality(epochs: list[dict]) -> dict[str, float]:
    """The newest epoch record that has the sample-quality numbers (an empty dict when none has)."""
    for record in reversed(epochs):
        if all(name in record for name in QUALITY):
            return {name: float(record[name]) for name in QUALITY}
    return {}


@st.cache_data(show_spinner=False, max_entries=256)
def _saved_quality(root: str, name: str, version: int) -> dict[str, float]:
    return _last_quality(list(load_history(RunDir(name, root)).epochs))


@st.cache_data(show_spinner=False, max_entries=256)
def _grid_url(root: str, name: str, epoch: int, version: int) -> str:
    samples = RunDir(name, root).load_snapshot(epoch)["samples"].numpy()[:GRID_SAMPLES]
    picture = grid(samples, columns=4, padding=1)
    return "data:image/png;base64," + base64.b64encode(png_bytes(picture)).decode("ascii")


def rows(root: Path | None = None) -> list[BoardRow]:
    """Every queued job and every saved run under the root, queued ones first."""
    root = root or default_checkpoints_dir()
    jobs = {job.run_name: job for job in manager().jobs(root) if job.active}
    found: list[BoardRow] = []
    for job in jobs.values():
        if not RunDir(job.run_name, root).exists():  # queued (or just starting): no folder yet
            found.append(BoardRow(job.run_name, job.owner, job.config.model, job.config.dataset, job.state, 0,
                                  job.config.epochs, manager().queue_position(job), None, {}, None, False))
    for run in cache.runs(root):
        found.append(_row(root, run, jobs.get(run.name)))
    return found


def _row(root: Path, run: RunInfo, job: Job | None) -> BoardRow:
    folder = RunDir(run.name, root)
    state, done, target, seconds = run.status, run.epochs_done, run.epochs_target, None
    if job is not None:
        state, target = job.state, job.config.epochs
        if job.progress is not None:
            done, seconds = job.progress.epoch, job.progress.train_seconds
    if seconds is None:
        seconds = run.train_seconds
    if job is not None and job.state == "running":  # the live records, as the Train page reads them
        quality = _last_quality(list(cache.history(run.name).epochs))
    else:
        quality = _saved_quality(str(root), run.name, stamp(folder.checkpoint_path))
    epochs = cache.snapshot_epochs(run.name, root)
    picture = _grid_url(str(root), run.name, epochs[-1], stamp(folder.snapshot_path(epochs[-1]))) if epochs else None
    place = manager().queue_position(job) if job is not None else None
    return BoardRow(run.name, run.owner, run.model, run.dataset, state, done, target, place, seconds, quality, picture,
                    run.shipped)


def any_active(root: Path | None = None) -> bool:
    return bool(manager().active_names(root or default_checkpoints_dir()))


def rank_key(row: BoardRow) -> tuple:
    """Best first: lowest FID / floor among runs that have one, then the rest by name."""
    ratio = row.quality.get("fid_ratio")
    return (ratio is None or not np.isfinite(ratio), ratio if ratio is not None else 0.0, row.name)
