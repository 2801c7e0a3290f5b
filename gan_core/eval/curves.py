"""Training curves as people read them: consistent columns, smoothing, thinning, epochs, CSV.

A live history is appended to by the training thread one column at a time, so a reader can
catch `loss_d` one row longer than `loss_g`; `columns` copies and trims them to one length.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..runs.checkpoints import RunDir
from ..config import TrainConfig, steps_per_epoch
from ..trainer import STEP_COLUMNS, History
EPOCH_BASICS = ("epoch", "global_step", "train_seconds", "loss_d", "loss_g")

# Where the curves settle when G and D are in the game's equilibrium (p_g = p_data, D = 1/2 everywhere).
EQUILIBRIUM = {"loss_d": 2 * math.log(2), "loss_g": math.log(2), "d_real": 0.5, "d_fake": 0.5}


def columns(history: History) -> dict[str, np.ndarray]:
    """A consistent copy of the per-step columns (all of one length), safe while training appends."""
    copied = {name: list(getattr(history, name)) for name in STEP_COLUMNS}
    kept = [len(values) for values in copied.values() if values] or [0]  # a column never recorded is left empty
    length = min(kept)
    copied = {name: values if values else [float("nan")] * length for name, values in copied.items()}
    return {name: np.asarray(values[:length], dtype=np.float64) for name, values in copied.items()}


def smooth(values: np.ndarray | list[float], weight: float) -> np.ndarray:
    """Exponential moving average with bias correction (as TensorBoard's slider): weight 0 is the raw
    curve, 0.99 very smooth; the first points are not dragged towards zero.

    Computed as one convolution with the weights w^k, cut where they fall below 1e-6 and
    normalised by the weights present at each point (which is the bias correction): thirty
    browsers redraw live curves of thousands of steps every second, a Python loop would not do.
    """
    values = np.asarray(values, dtype=np.float64)
    if not 0 <= weight < 1:
        raise ValueError(f"smoothing weight must be in [0, 1), got {weight}")
    if weight == 0 or len(values) == 0:
        return values.copy()
    length = min(len(values), int(np.ceil(np.log(1e-6) / np.log(weight))) + 1)
    kernel = weight ** np.arange(length)
    summed = np.convolve(values, kernel)[: len(values)]
    present = np.convolve(np.ones(len(values)), kernel)[: len(values)]
    return summed / present


def thin(count: int, max_points: int) -> np.ndarray:
    """Indices of at most `max_points` evenly spread points of `count`, always keeping the last one:
    a chart of 50,000 steps sent to 30 browsers every second must stay light."""
    if count <= max_points:
        return np.arange(count)
    indices = np.linspace(0, count - 1, max_points).round().astype(int)
    return np.unique(indices)


def epoch_length(history: History, config: TrainConfig | Mapping[str, Any]) -> int:
    """Steps per epoch as the run trained them: its first epoch record says so even for a trainer given fewer
    images than its dataset holds; before that record, `steps_per_epoch` of its settings."""
    if history.epochs:
        return max(1, int(history.epochs[0]["global_step"]))
    return steps_per_epoch(config)


X_AXES = ("step", "epoch", "progress")  # what a chart of training curves may run along


def steps_per_x(history: History, config: TrainConfig | Mapping[str, Any], axis: str, epochs_target: int) -> float:
    """How many training steps one unit of a curve chart's x axis holds: 1 along steps, an epoch's steps along
    epochs, a hundredth of the run's planned steps along progress (0-100 %), so that runs of 400 and of 7,800
    steps each span the whole chart."""
    if axis == "step":
        return 1.0
    per_epoch = epoch_length(history, config)
    if axis == "epoch":
        return float(per_epoch)
    if axis == "progress":
        return per_epoch * max(1, epochs_target) / 100
    raise ValueError(f"unknown axis {axis!r}; one of {', '.join(X_AXES)}")


def epoch_ends(history: History) -> list[int]:
    """The global step at which each finished epoch ended: where charts put their epoch marks."""
    return [int(record["global_step"]) for record in list(history.epochs)]


def epoch_metrics(history: History) -> dict[str, list[tuple[int, float]]]:
    """Numbers recorded per epoch beyond the basics (for example an FID that an evaluator adds),
    as {name: [(epoch, value), ...]}: charts pick up new metrics without changes."""
    found: dict[str, list[tuple[int, float]]] = {}
    for record in list(history.epochs):
        for name, value in record.items():
            if name in EPOCH_BASICS or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            found.setdefault(name, []).append((int(record["epoch"]), float(value)))
    return found


def class_histograms(history: History) -> tuple[list[int], np.ndarray]:
    """The class histogram of every epoch that recorded one (the per-epoch metrics of a digit run):
    (epochs, shares of shape (len(epochs), 10)), rows in epoch order. Mode collapse shows as a row
    whose share piles up on one digit; no records give ([], an empty (0, 10) array)."""
    epochs, rows = [], []
    for record in list(history.epochs):
        shares = record.get("class_histogram")
        if isinstance(shares, (list, tuple)) and len(shares) == 10:
            epochs.append(int(record["epoch"]))
            rows.append([float(share) for share in shares])
    return epochs, np.asarray(rows, dtype=np.float64).reshape(len(rows), 10)


def load_history(run: RunDir) -> History:
    """The history saved in a run's checkpoint (empty when the run has none yet)."""
    if not run.checkpoint_path.is_file():
        return History()
    return History.from_state(run.load_checkpoint()["history"])


def history_csv(histories: Mapping[str, tuple[History, int]]) -> str:
    """One CSV of raw per-step values for several runs: {run name: (history, steps per epoch)}.

    Columns: run, step (1-based), epoch (fractional, 1.0 = end of epoch 1), loss_d, loss_g,
    d_real, d_fake. Spreadsheets and pandas read it as is.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "step", "epoch", *STEP_COLUMNS])
    for name, (history, per_epoch) in histories.items():
        data = columns(history)
        for index in range(len(data["loss_d"])):
            step = index + 1
            writer.writerow([name, step, f"{step / per_epoch:.4f}",
                             *(f"{data[column][index]:.6g}" for column in STEP_COLUMNS)])
    return out.getvalue()
