"""The process's training jobs as pages see them: the job manager, a run's job, the sidebar's note."""

from __future__ import annotations

import streamlit as st

from gan_core.checkpoints import default_checkpoints_dir
from gan_core.errors import GanLabError
from gan_core.jobs import Job, JobManager, get_job_manager

from . import nav
from .i18n import t


def manager() -> JobManager:
    """The process-wide job manager; a bad GAN_LAB_MAX_JOBS_PER_DEVICE is shown, not raised."""
    try:
        return get_job_manager()
    except GanLabError as error:
        st.error(str(error))
        st.stop()


def job_of(name: str) -> Job | None:
    return manager().job(name, default_checkpoints_dir())


@st.fragment(run_every=3.0)
def training_note() -> None:
    """Sidebar: which runs are training or waiting, on every page, refreshed every few seconds."""
    jobs = [job for job in manager().jobs(default_checkpoints_dir()) if job.active]
    for job in jobs:
        if job.state == "queued":
            st.caption(t("note_queued", name=job.run_name, place=manager().queue_position(job) or 1))
        else:
            percent = int(100 * job.progress.fraction) if job.progress else 0
            st.caption(t("note_training", name=job.run_name, percent=percent))
    if jobs:
        nav.link("train", t("note_open_train"))
