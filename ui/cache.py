"""Loaders shared by every session, cached once per server.

Each is keyed by the file's modification time, so a run that trains on in the background shows its
newest checkpoint without a stale cache and without reloading on each rerun.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from gan_core.eval.baselines import FullGaussian, IndependentGaussian, fit_baseline
from gan_core.runs.checkpoints import EPOCHS_FOLDER, INFO_FILE, RunDir, RunInfo, default_checkpoints_dir, list_runs
from gan_core.eval.classifier import CLASSIFIER_PATH
from gan_core.eval.curves import load_history
from gan_core.data import ImageDataset, load_dataset
from gan_core.errors import GanLabError
from gan_core.latent import LatentDirections, principal_directions
from gan_core.eval.metrics import DIGIT_DATASETS, evaluate_images, real_training_sample
from gan_core.runs.result_cache import cached_json, file_digest
from gan_core.sampling import LoadedGenerator, load_generator
from gan_core.trainer import History

from . import turns
from .run_watch import manager, run_log


def stamp(path: Path) -> int:
    """A cache key that changes whenever the file is rewritten (0 when it does not exist)."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def listing(root: Path) -> tuple[tuple[str, int], ...]:
    """Each run folder's name and its run.json's modification time: one look at the folder, no file read."""
    found = []
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                version = stamp(Path(entry.path) / INFO_FILE) if entry.is_dir() else 0
                if version:
                    found.append((entry.name, version))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    return tuple(sorted(found))


@st.cache_resource(show_spinner=False, max_entries=8, ttl=2.0)
def _runs(root: str, folders: tuple[tuple[str, int], ...]) -> tuple[RunInfo, ...]:
    return tuple(list_runs(root))


def runs(root: Path | None = None) -> list[RunInfo]:
    """`list_runs` for every session: read again when a run folder or its run.json changes (each page run
    looks at the folder only), and at most every 2 s besides, which notices a worker that died without
    writing (a run that said "running" then reads as stopped)."""
    root = root or default_checkpoints_dir()
    return list(_runs(str(root), listing(root)))


@st.cache_resource(show_spinner=False, max_entries=512)
def _snapshot_epochs(root: str, name: str, version: int) -> tuple[int, ...]:
    return tuple(RunDir(name, root).snapshot_epochs())


def snapshot_epochs(name: str, root: Path | None = None) -> list[int]:
    """The epochs a run kept snapshots of, listed again only when its epochs/ folder changes."""
    root = root or default_checkpoints_dir()
    return list(_snapshot_epochs(str(root), name, stamp(root / name / EPOCHS_FOLDER)))


@st.cache_resource(show_spinner=False, max_entries=4)
def dataset(name: str) -> ImageDataset:
    return load_dataset(name)


@st.cache_resource(show_spinner=False, max_entries=6)
def baseline(kind: str, dataset_name: str) -> IndependentGaussian | FullGaussian:
    """A Gaussian fitted to a dataset (the full covariance takes a second; fitted once per server)."""
    return fit_baseline(kind, dataset(dataset_name).images)


@st.cache_resource(show_spinner=False, max_entries=8)
def _generator(root: str, name: str, epoch: int | None, version: int) -> LoadedGenerator:
    return load_generator(RunDir(name, root), epoch)


def generator(run: RunInfo | str, epoch: int | None = None) -> LoadedGenerator:
    """A run's sampling generator (the latest checkpoint, or an epoch's snapshot), reloaded when it changes."""
    name = run if isinstance(run, str) else run.name
    folder = RunDir(name, default_checkpoints_dir())
    path = folder.checkpoint_path if epoch is None else folder.snapshot_path(epoch)
    return _generator(str(default_checkpoints_dir()), name, epoch, stamp(path))


@st.cache_resource(show_spinner=False, max_entries=4)
def _directions(root: str, name: str, version: int, k: int) -> LatentDirections:
    loaded = load_generator(RunDir(name, root))
    return principal_directions(loaded.generate, loaded.latent_dim, k=k, samples=3000)


def directions(run: RunInfo, k: int = 10) -> LatentDirections:
    folder = RunDir(run.name, default_checkpoints_dir())
    return _directions(str(default_checkpoints_dir()), run.name, stamp(folder.checkpoint_path), k)


@st.cache_data(show_spinner=False, max_entries=64)
def data_grid(kind: str, dataset_name: str, n: int, seed: int, columns: int, target: int) -> bytes:
    """n seeded images of a dataset ("real") or of one of its Gaussians as one enlarged PNG grid, drawn and
    encoded once for every browser (Home's teaser, the Data page's grids)."""
    from .pictures import picture, png

    source = dataset(dataset_name) if kind == "real" else baseline(kind, dataset_name)
    return png(picture(source.sample(n, seed), columns=columns, target=target))


# The sources of the Compare page: the same n seeded samples feed its grids and its metrics table.
SOURCE_KINDS = ("gaussian-independent", "gaussian-full", "gan", "real")


@st.cache_resource(show_spinner=False, max_entries=24)
def _source_samples(kind: str, dataset_name: str, root: str, run_name: str | None, version: int, n: int,
                    seed: int) -> torch.Tensor:
    if kind == "gan":
        return _generator(root, run_name, None, version).sample(n, seed)
    if kind == "real":  # digits: from the classifier's training split, never the 1,000 that FID compares with
        return real_training_sample(n, seed) if dataset_name in DIGIT_DATASETS else dataset(dataset_name).sample(n, seed)
    return baseline(kind, dataset_name).sample(n, seed)


def _source_key(kind: str, run: RunInfo | None) -> tuple[str | None, int]:
    if kind != "gan":
        return None, 0
    if run is None:
        raise ValueError("the GAN source needs a run")
    return run.name, stamp(RunDir(run.name, default_checkpoints_dir()).checkpoint_path)


def source_samples(kind: str, dataset_name: str, n: int, seed: int, run: RunInfo | None = None) -> torch.Tensor:
    """n seeded samples (n, 1, 28, 28) in [-1, 1] of one source of the Compare page (one of SOURCE_KINDS),
    cached per (source, n, seed) for every browser; a run that trains on gets fresh ones each epoch."""
    name, version = _source_key(kind, run)
    return _source_samples(kind, dataset_name, str(default_checkpoints_dir()), name, version, n, seed)


@st.cache_data(show_spinner=False, max_entries=64)
def _source_grid(kind: str, dataset_name: str, root: str, run_name: str | None, version: int, n: int, seed: int,
                 count: int, target: int) -> bytes:
    from .pictures import picture, png

    return png(picture(_source_samples(kind, dataset_name, root, run_name, version, n, seed)[:count], target=target))


def source_grid(kind: str, dataset_name: str, n: int, seed: int, count: int, target: int,
                run: RunInfo | None = None) -> bytes:
    """The first `count` of `source_samples` as one enlarged PNG grid, encoded once for every browser."""
    name, version = _source_key(kind, run)
    return _source_grid(kind, dataset_name, str(default_checkpoints_dir()), name, version, n, seed, count, target)


@st.cache_data(show_spinner=False, max_entries=64)
def _source_quality(kind: str, dataset_name: str, root: str, run_name: str | None, version: int, n: int,
                    seed: int) -> dict:
    key = {"kind": kind, "dataset": dataset_name, "n": n, "seed": seed, "classifier": file_digest(CLASSIFIER_PATH),
           "checkpoint": file_digest(RunDir(run_name, root).checkpoint_path) if kind == "gan" else ""}
    return cached_json(root, "compare", key, lambda: evaluate_images(
        _source_samples(kind, dataset_name, root, run_name, version, n, seed), memorisation=True,
        dataset=dataset_name).to_dict())


def source_quality(kind: str, dataset_name: str, n: int, seed: int, run: RunInfo | None = None) -> dict:
    """`evaluate_images(...).to_dict()` of exactly the samples `source_samples` gives (digit datasets only),
    cached per (source, n, seed): thirty students on the page cost one measurement. Kept on disk too
    (gan_core.runs.result_cache, keyed by the checkpoint's and the classifier's contents), so a restarted server
    shows the numbers it measured before without measuring them again."""
    name, version = _source_key(kind, run)
    return _source_quality(kind, dataset_name, str(default_checkpoints_dir()), name, version, n, seed)


# Measuring a source takes seconds (the classifier, FID, KID and the nearest training image of every sample):
# one thread measures, one source at a time, for every session, and the pages show the numbers when they are in.
_measurer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gan-lab-measure")
_measuring: dict[tuple, Future] = {}
_measuring_lock = threading.Lock()
# Numbers already measured (a cache hit in the measuring thread, a read of the disk cache) are shown at once;
# a visit while another source is being measured waits no longer than this, well under a warm page run.
MEASURE_GRACE_SECONDS = 0.15
KEPT_MEASUREMENTS = 64


def source_quality_future(kind: str, dataset_name: str, n: int, seed: int, run: RunInfo | None = None) -> Future:
    """`source_quality` measured in the background: the first call starts it (once, however many sessions
    ask; one measurement at a time), so a page run never waits seconds for it. A failed one (a missing
    classifier) is tried again by the next call."""
    name, version = _source_key(kind, run)
    key = (kind, dataset_name, str(default_checkpoints_dir()), name, version, n, seed)
    with _measuring_lock:
        future = _measuring.get(key)
        if future is None or (future.done() and future.exception() is not None):
            for old in [k for k, f in _measuring.items() if f.done()][:-KEPT_MEASUREMENTS]:  # oldest first
                del _measuring[old]
            future = _measuring[key] = _measurer.submit(_source_quality, *key)
    return future


def measured(futures: list[Future], timeout: float | None = MEASURE_GRACE_SECONDS) -> bool:
    """Whether all are done, after waiting at most `timeout` seconds for them (None: until they are); a page run
    waits out of its turn (ui/turns.py), so other students' pages go on meanwhile."""
    with turns.out_of_turn():
        return not wait(futures, timeout=timeout).not_done


def measuring_done(timeout: float | None = None) -> bool:
    """Whether every measurement asked for so far is done (waiting at most `timeout` s): for benchmarks that
    time a page once its numbers are in."""
    with _measuring_lock:
        pending = list(_measuring.values())
    return measured(pending, timeout)


@st.cache_resource(show_spinner=False, max_entries=16)
def _saved_history(root: str, name: str, version: int) -> History:
    """Shared, not copied (cache_data would unpickle thousands of floats for every reader): read only."""
    return load_history(RunDir(name, root))


def history(name: str) -> History:
    """The run's history: from its log (written as it trains, by whichever process), else from its
    checkpoint (runs saved before logs existed, shipped runs)."""
    logged = run_log(name).history
    if logged.loss_d or logged.epochs:
        return logged
    folder = RunDir(name, default_checkpoints_dir())
    return _saved_history(str(default_checkpoints_dir()), name, stamp(folder.checkpoint_path))


LIVE_SECONDS = 1.0  # a training run's charts are rebuilt at most this often, however many people watch


def history_version(name: str) -> tuple:
    """What a run's charts depend on, as a cache key. A saved history changes with its checkpoint; a live
    one grows every step, so its key is the current second: thirty students watching it share one
    rebuild per second instead of each drawing the step they happened to read."""
    job = manager().job(name, default_checkpoints_dir())
    if job is not None and job.active:
        return "live", int(time.monotonic() // LIVE_SECONDS)
    found = history(name)
    return stamp(RunDir(name, default_checkpoints_dir()).checkpoint_path), len(found.loss_d), len(found.epochs)


@st.cache_data(show_spinner=False, max_entries=512)
def _epoch_samples(root: str, name: str, epoch: int, version: int) -> np.ndarray:
    return RunDir(name, root).load_snapshot(epoch)["samples"].numpy()


@st.cache_data(show_spinner=False, max_entries=64)
def _preview_png(root: str, name: str, version: int, target: int) -> tuple[bytes, int, int] | None:
    from .pictures import picture, png

    try:
        preview = RunDir(name, root).load_preview()
    except GanLabError:  # replaced by the first epoch's snapshot just now
        return None
    return png(picture(preview["samples"].numpy(), columns=8, target=target)), int(preview["epoch"]), int(preview["step"])


def preview_png(name: str, root: Path | None = None, target: int = 560) -> tuple[bytes, int, int] | None:
    """The run's preview (G's fixed-noise samples before its first epoch is recorded) as a PNG grid, encoded once
    for every browser, with its epoch and step; None when it has none."""
    root = root or default_checkpoints_dir()
    version = stamp(RunDir(name, root).preview_path)
    return _preview_png(str(root), name, version, target) if version else None


def epoch_samples(name: str, epoch: int) -> np.ndarray:
    """The 64 fixed-noise samples (uint8) saved at the end of that epoch."""
    folder = RunDir(name, default_checkpoints_dir())
    return _epoch_samples(str(default_checkpoints_dir()), name, epoch, stamp(folder.snapshot_path(epoch)))


def warm_up() -> None:
    """The shared work a class's first visitors would otherwise wait for, done once when the server starts
    (ui/warm_start.py), before it answers: the digits, the Gaussians of Home, Data and Compare, the default run's generator and
    principal directions (Latent), Compare's numbers for its opening settings (the default run, 500 samples,
    seed 0; read from disk after the first start) and the metrics' reference values every training worker is
    handed. The measuring goes through the one measuring thread the pages use, so a page asking for the same
    numbers waits for this measurement instead of doing it again beside it on the same cores."""
    from gan_core.runs.checkpoints import pick_default_run

    dataset("mnist-5k")
    for kind in ("gaussian-independent", "gaussian-full"):
        baseline(kind, "mnist-5k")
    runs = [run for run in list_runs(default_checkpoints_dir()) if run.epochs_done >= 1]
    run = pick_default_run(runs)
    dataset_name = run.dataset if run is not None else "mnist-5k"
    opening = [source_quality_future(kind, dataset_name, 500, 0, run if kind == "gan" else None)
               for kind in SOURCE_KINDS if kind != "gan" or run is not None] if dataset_name in DIGIT_DATASETS else []
    if run is not None:  # the Latent explorer's generator and principal directions
        generator(run)
        directions(run)
    wait(opening)
    if dataset_name not in DIGIT_DATASETS:
        return
    from gan_core.errors import GanLabError
    from gan_core.eval.metrics import references

    try:  # what the job manager hands every digit run's worker: measured here, the first Start does not wait for it
        _measurer.submit(references).result()
    except GanLabError:  # no classifier here: the pages say so where they measure
        return


@st.cache_data(show_spinner=False, max_entries=256)
def _epoch_png(root: str, name: str, epoch: int, version: int, target: int) -> bytes:
    from .pictures import picture, png

    return png(picture(_epoch_samples(root, name, epoch, version), columns=8, target=target))


def epoch_png(name: str, epoch: int, target: int = 560) -> bytes:
    """The epoch's 64 samples as one enlarged PNG grid, encoded once for every browser."""
    folder = RunDir(name, default_checkpoints_dir())
    return _epoch_png(str(default_checkpoints_dir()), name, epoch, stamp(folder.snapshot_path(epoch)), target)
