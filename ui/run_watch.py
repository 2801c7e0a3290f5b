"""Training as pages see it: the job manager (queue, Start, Stop) and what a run has done, read from its folder.

The workers write each run's progress into its folder; these helpers read it there (the log only
from the bytes added since the last read, run.json when its modification time changes), once per
server for every session, so thirty pages watching a run never touch its worker.
"""

from __future__ import annotations

import streamlit as st

from gan_core.runs.checkpoints import RunDir, RunInfo, default_checkpoints_dir
from gan_core.errors import GanLabError
from gan_core.history import Progress, RunLog, read_log, read_progress
from gan_core.jobs.manager import Job, JobManager, get_job_manager

from . import nav, turns, wording
from .people import STUDENT
from .i18n import plural, t


def manager() -> JobManager:
    """The process-wide job manager; a bad GAN_LAB_MAX_JOBS_PER_DEVICE is shown, not raised."""
    try:
        return get_job_manager()
    except GanLabError as error:
        st.error(wording.error_text(error))
        st.stop()


def where_runs_train() -> str:
    """The teacher's line: where runs train (this machine, or a cluster: its address, nodes and GPUs) and how many
    at once on each kind of device, as the cluster reports it; and which GPUs take no runs, when some do not."""
    jobs = manager()
    place = jobs.executor.placement()
    at_once = ", ".join(t("where_on_device", runs=plural("n_runs", jobs.limit(device)), device=t(f"where_device_{device}"))
                        for device in place.capacity if jobs.limit(device)) or t("where_nothing")
    if place.kind == "local":
        line = t("where_local", at_once=at_once)
    else:
        line = t("where_cluster", address=place.address, nodes=plural("n_nodes", place.nodes),
                 gpus=plural("n_gpus", int(place.gpus)), at_once=at_once)
    if place.idle_gpu_nodes:
        line += " " + t("where_idle_gpus", nodes=", ".join(place.idle_gpu_nodes))
    return line


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


NOTE_MAX_RUNS = 3  # the sidebar names at most this many runs (the student's own first) and counts the rest
NOTE_FRESH_SECONDS = 1.0  # the note's list of runs is read once for every session at most this often


def training_note() -> None:
    """Sidebar: which runs are training or waiting, on every page. It polls every few seconds while there
    is something to follow and rarely otherwise: thirty idle sidebars asking every 3 s cost the server
    ten script runs a second. The list is read once for all sessions (at most every second), and names
    three runs: on a GPU box where each of 30 students trains, 30 lines in 30 sidebars every 3 s were 300
    page elements a second for the one interpreter that also draws every page."""
    busy = bool(_active_signature())
    turns.fragment(_note, run_every=NOTE_POLL_SECONDS if busy else IDLE_POLL_SECONDS)()


def _active_signature() -> tuple[tuple[str, str], ...]:
    """The queued and training jobs as (name, state), in queue order: the job manager's list, in memory."""
    return tuple((job.run_name, job.state) for job in manager().jobs(default_checkpoints_dir()) if job.active)


def _active_runs(root: str) -> tuple[tuple[str, str, str, int], ...]:
    return _read_active_runs(root, _active_signature())


@st.cache_resource(show_spinner=False, max_entries=4, ttl=NOTE_FRESH_SECONDS)
def _read_active_runs(root: str, jobs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str, int], ...]:
    """(name, owner, state, queue place or percent done) of every queued or training run: the same for everyone,
    read again when a job is queued, starts or ends (`jobs`), and at most every second besides (the progress)."""
    found = []
    for job in manager().jobs(root):
        if not job.active:
            continue
        if job.state == "queued":
            found.append((job.run_name, job.owner, job.state, manager().queue_position(job) or 1))
        else:
            progress = job.progress if job.state == "running" else None
            found.append((job.run_name, job.owner, job.state, int(100 * progress.fraction) if progress else 0))
    return tuple(found)


def _note() -> None:
    me = st.session_state.get(STUDENT, "")  # this session's name (set by the page frame; read-only here)
    runs = sorted(_active_runs(str(default_checkpoints_dir())), key=lambda run: run[1] != me)  # own first
    for name, _, state, number in runs[:NOTE_MAX_RUNS]:
        if state == "queued":
            st.caption(t("note_queued", name=name, place=number))
        else:
            st.caption(t("note_training", name=name, percent=number))
    if len(runs) > NOTE_MAX_RUNS:
        st.caption(t("note_more", runs=plural("n_runs", len(runs) - NOTE_MAX_RUNS)))
    if runs:
        nav.link("train", t("note_open_train"))
