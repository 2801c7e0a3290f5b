"""Helpers every page shares: where runs live, cached loaders, run pickers and showing pictures.

Cached loaders are keyed by the file's modification time, so a run that trains on in the
background shows its newest checkpoint without a stale cache and without reloading each rerun.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from gan_core.baselines import FullGaussian, IndependentGaussian, fit_baseline
from gan_core.checkpoints import CHECKPOINTS_ENV, RunDir, RunInfo, list_runs, pick_default_run
from gan_core.curves import load_history
from gan_core.data import ImageDataset, load_dataset
from gan_core.errors import GanLabError
from gan_core.images import grid, upscale
from gan_core.jobs import Job, JobManager, get_job_manager
from gan_core.latent import LatentDirections, principal_directions
from gan_core.metrics import DIGIT_DATASETS, evaluate_images, real_training_sample
from gan_core.sampling import LoadedGenerator, load_generator
from gan_core.trainer import History

from . import nav
from .i18n import t

APP_DIR = Path(__file__).resolve().parent.parent
KEEP = "keep_"  # widgets whose keys start with this keep their values when the user visits other pages
MAX_PICTURE_WIDTH = 1400  # Streamlit shrinks wider pictures with a blurring filter; stay under its limit


# --- where things are ----------------------------------------------------------------------
def checkpoints_root() -> Path:
    """`$GAN_LAB_CHECKPOINTS` if set, else the checkpoints/ folder beside app.py (not the working dir)."""
    configured = os.environ.get(CHECKPOINTS_ENV)
    return Path(configured).expanduser() if configured else APP_DIR / "checkpoints"


def manager() -> JobManager:
    """The process-wide job manager; a bad GAN_LAB_MAX_JOBS_PER_DEVICE is shown, not raised."""
    try:
        return get_job_manager()
    except GanLabError as error:
        st.error(str(error))
        st.stop()


def runs() -> list[RunInfo]:
    """Every saved run, newest first (a run in training shows as running)."""
    return list_runs(checkpoints_root())


def sampleable_runs() -> list[RunInfo]:
    """Runs with at least one finished epoch: the ones that can draw digits."""
    return [run for run in runs() if run.epochs_done >= 1]


def stamp(path: Path) -> int:
    """A cache key that changes whenever the file is rewritten (0 when it does not exist)."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


# --- the frame -----------------------------------------------------------------------------
def keep_settings_across_pages() -> None:
    """Streamlit forgets a widget's value when its page is left; re-storing it keeps the user's choices."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(KEEP):
            st.session_state[key] = st.session_state[key]


def default(key: str, value: object) -> None:
    """A widget's first value, set once in Session State (passing value= as well would make Streamlit warn)."""
    if key not in st.session_state:
        st.session_state[key] = value


def inject_css() -> None:
    """Crisp pixels when the browser scales a digit picture, and roomier text (captions, tables) for a projector."""
    st.html("""<style>
      [data-testid="stImage"] img, [data-testid="stFullScreenFrame"] img { image-rendering: pixelated; }
      [data-testid="stCaptionContainer"] { font-size: 1rem; }
      [data-testid="stTable"] table { font-size: 1.1rem; }
    </style>""")


@st.fragment(run_every=3.0)
def training_note() -> None:
    """Sidebar: which runs are training or waiting, on every page, refreshed every few seconds."""
    jobs = [job for job in manager().jobs(checkpoints_root()) if job.active]
    for job in jobs:
        if job.state == "queued":
            st.caption(t("note_queued", name=job.run_name, place=manager().queue_position(job) or 1))
        else:
            percent = int(100 * job.progress.fraction) if job.progress else 0
            st.caption(t("note_training", name=job.run_name, percent=percent))
    if jobs:
        nav.link("train", t("note_open_train"))


# --- pictures --------------------------------------------------------------------------------
def scale_for(width_pixels: int, target: int) -> int:
    """The integer enlargement that brings a picture closest to `target` pixels wide (at least 1)."""
    return max(1, min(round(target / max(1, width_pixels)), MAX_PICTURE_WIDTH // max(1, width_pixels)))


def picture(images: torch.Tensor | np.ndarray, columns: int | None = None, target: int = 600, padding: int = 2) -> np.ndarray:
    """Images as one uint8 grid, enlarged without blur to about `target` pixels wide."""
    tiled = grid(images, columns=columns, padding=padding)
    return upscale(tiled, scale_for(tiled.shape[1], target))


def chart(figure: go.Figure, key: str | None = None) -> None:
    """A plotly figure of ui/charts.py across its column, in its own projector styling (theme=None:
    Streamlit's chart theme would shrink its type)."""
    st.plotly_chart(figure, width="stretch", theme=None, key=key)


def show(image: np.ndarray, caption: str | None = None, width: int | str = "stretch") -> None:
    """One picture, lossless (PNG), filling its column unless a width is given."""
    st.image(image, caption=caption, width=width, output_format="PNG")


# --- cached loaders -----------------------------------------------------------------------------
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
    folder = RunDir(name, checkpoints_root())
    path = folder.checkpoint_path if epoch is None else folder.snapshot_path(epoch)
    return _generator(str(checkpoints_root()), name, epoch, stamp(path))


@st.cache_resource(show_spinner=False, max_entries=4)
def _directions(root: str, name: str, version: int, k: int) -> LatentDirections:
    loaded = load_generator(RunDir(name, root))
    return principal_directions(loaded.generate, loaded.latent_dim, k=k, samples=3000)


def directions(run: RunInfo, k: int = 10) -> LatentDirections:
    folder = RunDir(run.name, checkpoints_root())
    return _directions(str(checkpoints_root()), run.name, stamp(folder.checkpoint_path), k)


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
    return run.name, stamp(RunDir(run.name, checkpoints_root()).checkpoint_path)


def source_samples(kind: str, dataset_name: str, n: int, seed: int, run: RunInfo | None = None) -> torch.Tensor:
    """n seeded samples (n, 1, 28, 28) in [-1, 1] of one source of the Compare page (one of SOURCE_KINDS),
    cached per (source, n, seed) for every browser; a run that trains on gets fresh ones each epoch."""
    name, version = _source_key(kind, run)
    return _source_samples(kind, dataset_name, str(checkpoints_root()), name, version, n, seed)


@st.cache_data(show_spinner=False, max_entries=64)
def _source_quality(kind: str, dataset_name: str, root: str, run_name: str | None, version: int, n: int,
                    seed: int) -> dict:
    images = _source_samples(kind, dataset_name, root, run_name, version, n, seed)
    return evaluate_images(images, memorisation=True, dataset=dataset_name).to_dict()


def source_quality(kind: str, dataset_name: str, n: int, seed: int, run: RunInfo | None = None) -> dict:
    """`evaluate_images(...).to_dict()` of exactly the samples `source_samples` gives (digit datasets only),
    cached per (source, n, seed): thirty students on the page cost one measurement."""
    name, version = _source_key(kind, run)
    return _source_quality(kind, dataset_name, str(checkpoints_root()), name, version, n, seed)


@st.cache_data(show_spinner=False, max_entries=16)
def _saved_history(root: str, name: str, version: int) -> History:
    return load_history(RunDir(name, root))


def history(name: str) -> History:
    """The run's history: live from the job manager while it trains here, else from its checkpoint."""
    job = manager().job(name, checkpoints_root())
    if job is not None and (job.active or job.final_history is not None) and job.history.loss_d:
        return job.history
    folder = RunDir(name, checkpoints_root())
    return _saved_history(str(checkpoints_root()), name, stamp(folder.checkpoint_path))


@st.cache_data(show_spinner=False, max_entries=512)
def _epoch_samples(root: str, name: str, epoch: int, version: int) -> np.ndarray:
    return RunDir(name, root).load_snapshot(epoch)["samples"].numpy()


def epoch_samples(name: str, epoch: int) -> np.ndarray:
    """The 64 fixed-noise samples (uint8) saved at the end of that epoch."""
    folder = RunDir(name, checkpoints_root())
    return _epoch_samples(str(checkpoints_root()), name, epoch, stamp(folder.snapshot_path(epoch)))


# --- run pickers ----------------------------------------------------------------------------------
def run_label(run: RunInfo) -> str:
    """How a run is named in pickers: name, model, epochs and, when it matters, shipped or status."""
    parts = [run.name, run.model, t("epochs_count", n=run.epochs_done)]
    if run.shipped:
        parts.append(t("shipped"))
    elif run.status != "finished":
        parts.append(t(f"status_{run.status}"))
    return " · ".join(parts)


def pick_run(key: str, label: str | None = None, choices: list[RunInfo] | None = None) -> RunInfo | None:
    """A run picker that opens on the default run (shipped, else newest finished); None when there
    is no run that can draw (the page then shows `no_run_notice` where it fits)."""
    choices = sampleable_runs() if choices is None else choices
    if not choices:
        return None
    names = [run.name for run in choices]
    if st.session_state.get(key) not in names:
        default = pick_default_run(choices) or choices[0]
        st.session_state[key] = default.name
    by_name = {run.name: run for run in choices}
    chosen = st.selectbox(label or t("pick_run"), names, key=key, format_func={n: run_label(r) for n, r in by_name.items()}.__getitem__)
    return by_name[chosen]


def no_run_notice() -> None:
    """Pages that need a trained generator say so and send the user to Train."""
    st.info(t("need_run"), icon=":material/info:")
    nav.link("train", t("go_train"))


def job_of(name: str) -> Job | None:
    return manager().job(name, checkpoints_root())


def shows_user_errors(render: Callable[..., None]) -> Callable[..., None]:
    """A page or fragment whose user-fixable failures (a corrupt checkpoint, a missing dataset...)
    become one clear message where the content would be, never a traceback."""
    @functools.wraps(render)
    def guarded(*args: object, **kwargs: object) -> None:
        try:
            render(*args, **kwargs)
        except GanLabError as error:
            st.error(str(error), icon=":material/error:")

    return guarded


def format_seconds(seconds: float | None) -> str:
    """'1 h 5 min', '2 min 10 s', '40 s' in the current language."""
    if seconds is None:
        return "…"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return t("time_h_min", h=hours, m=minutes)
    if minutes:
        return t("time_min_s", m=minutes, s=secs)
    return t("time_s", s=secs)
