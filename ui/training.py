"""Training as pages see it: the job manager (queue, Start, Stop) and what a run has done, read from its folder.

The workers write each run's progress into its folder; these helpers read it there (the log only
from the bytes added since the last read, run.json when its modification time changes), once per
server for every session, so thirty pages watching a run never touch its worker.
"""

from __future__ import annotations

import streamlit as st

from gan_core.checkpoints import RunDir, RunInfo, default_checkpoints_dir
from gan_core.errors import GanLabError
from gan_core.history import Progress, RunLog, read_log, read_progress
from gan_core.jobs import Job, JobManager, get_job_manager

from . import frame, nav
from .i18n import t


def manager() -> JobManager:
    """The process-wide job manager; a bad GAN_LAB_MAX_JOBS_PER_DEVICE is shown, not raised."""
    try:
        return get_job_manager()
    except GanLabError as error:
        st.error(frame.error_text(error))
        st.stop()


def job_of(name: str) -> Job | None:
    """The run's queued or training job in this server, or None."""
    return manager().job(name, default_checkpoints_dir())


def run_log(name: str) -> RunLog:
    """The run's history and latest progress, from its history.jsonl (read incrementally, shared)."""
    return read_log(RunDir(name, default_checkpoints_dir()).log_path)


def progress_of(name: str) -> Progress | None:
    """The run's latest progress (read incrementally, shared; no history copied)."""
    return read_progress(RunDir(name, default_checkpoints_dir()).log_path)


@st.cache_data(show_spinner=False, max_entries=256, ttl=2.0)
def _run_info(root: str, name: str, version: int) -> RunInfo | None:
    folder = RunDir(name, root)
    return folder.info() if folder.exists() else None


def run_info(name: str) -> RunInfo | None:
    """The run's status and summary from run.json (None before its folder exists), cached by the file's
    modification time; a 2 s lifetime notices a worker that died without writing (its lock is free)."""
    from .cache import stamp

    root = default_checkpoints_dir()
    return _run_info(str(root), name, stamp(RunDir(name, root).info_path))


NOTE_POLL_SECONDS = 3.0  # the sidebar's note while a run trains or waits
IDLE_POLL_SECONDS = 15.0  # while none does: a run started in another browser shows within this


def training_note() -> None:
    """Sidebar: which runs are training or waiting, on every page. It polls every few seconds while there
    is something to follow and rarely otherwise: thirty idle sidebars asking every 3 s cost the server
    ten script runs a second. Each poll reads only the job manager's list (and, for a job in a worker
    process, its progress: one cached read of its log)."""
    busy = any(job.active for job in manager().jobs(default_checkpoints_dir()))
    st.fragment(run_every=NOTE_POLL_SECONDS if busy else IDLE_POLL_SECONDS)(_note)()


def _note() -> None:
    jobs = [job for job in manager().jobs(default_checkpoints_dir()) if job.active]
    for job in jobs:
        if job.state == "queued":
            st.caption(t("note_queued", name=job.run_name, place=manager().queue_position(job) or 1))
        else:
            progress = progress_of(job.run_name) if job.state == "running" else None
            percent = int(100 * progress.fraction) if progress else 0
            st.caption(t("note_training", name=job.run_name, percent=percent))
    if jobs:
        nav.link("train", t("note_open_train"))

