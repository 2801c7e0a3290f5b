"""Train's live view of a run: which run to watch, its status, progress, Stop, numbers, curves and samples,
redrawn every second while it trains (a fragment; nothing trains in the page), and the queue.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from gan_core.classroom.audit import AuditLog
from gan_core.runs.checkpoints import RunDir, RunInfo
from gan_core.eval.curves import epoch_ends, smooth
from gan_core.errors import AccessError
from gan_core.jobs.manager import ACTIVE_STATES, Job
from gan_core.history import History, Progress
from gan_core.runs.notes import NONE

from ui import cache, charts, nav, people, pickers, pictures, quality, run_watch, settings_words, turns, wording
from ui.widgets import KEEP
from ui.i18n import language, plural, t
from ui.loss_meaning import Meaning, distance_line, meaning, run_loss
from ui.resume_forms import copy_form, resume_form

POLL_SECONDS = 1.0  # live view refresh while the watched run trains
NEW_JOBS_POLL_SECONDS = 3.0  # while the student's own run is queued or training: how soon the page follows it
WATCH = f"{KEEP}train_watch"


# --- watching a run -----------------------------------------------------------------------------
def watch_options(root: Path) -> dict[str, str]:
    """Runs to watch, {name: owner}: this student's own first (active jobs, then saved runs, newest
    first), then the shipped runs, then everyone else's (active first). Everyone may watch every run."""
    me = people.student_name()
    jobs = run_watch.manager().jobs(root)
    active = [(job.run_name, job.owner) for job in jobs if job.active]
    ended = [(job.run_name, job.owner) for job in reversed(jobs) if not job.active]
    runs = pickers.runs()
    saved = [(run.name, run.owner) for run in runs if not run.broken]
    shipped = {run.name for run in runs if run.shipped}
    everything = active + saved + ended
    ordered = ([pair for pair in active + saved if pair[1] == me] + [pair for pair in saved if pair[0] in shipped]
               + everything)
    owners: dict[str, str] = {}
    for name, owner in ordered:
        owners.setdefault(name, owner)
    return owners


def watch_label(owners: dict[str, str]) -> dict[str, str]:
    return {name: f"{name} · {people.owner_label(owner)}" if owner else name for name, owner in owners.items()}


def gone(root: Path, name: str | None, options: list[str]) -> None:
    """The run this page watched is gone: say why (deleted, stopped while it waited, renamed, the class reset:
    the audit log has who and when), and follow a rename."""
    if not name or name in options:
        return
    entry = AuditLog(root).last_about(name)
    if entry is not None and entry.action == "rename" and entry.details.get("to") in options:
        st.session_state[WATCH] = entry.details["to"]
    why = people.gone_text(entry)
    if why:
        st.info(why, icon=":material/info:")


def watch_panel(root: Path) -> None:
    owners = watch_options(root)
    options = list(owners)
    gone(root, st.session_state.get(WATCH), options)
    if not options:
        st.info(t("train_nothing_yet"), icon=":material/info:")
        return
    pickers.run_from_address(WATCH, options)  # the class board's link, opened on the projector
    if st.session_state.get("train_watch_next") in options:
        st.session_state[WATCH] = st.session_state.pop("train_watch_next")
    if st.session_state.get(WATCH) not in options:
        st.session_state[WATCH] = options[0]
    pick_col, queue_col = st.columns([1, 2], gap="large")
    with pick_col:
        name = st.selectbox(t("train_watch"), options, key=WATCH, format_func=watch_label(owners).__getitem__)
    with queue_col:
        queue_overview(root)
    job, info = run_watch.job_of(name), run_watch.run_info(name)
    interval = POLL_SECONDS if job is not None or (info is not None and info.status == "running") else None
    turns.fragment(live_view, run_every=interval)(root, name)


def new_jobs_watcher(root: Path, busy: bool) -> None:
    """While this student has a run queued or training, the page is redrawn when a run starts or ends on this
    server (theirs leaving the queue, starting, ending). Otherwise nothing here can change on its own (another
    student's Start changes no one else's page; the sidebar's note tells of new runs), so nothing polls."""
    if not busy:
        st.session_state.pop("train_active_signature", None)
        return
    turns.fragment(_jobs_changed, run_every=NEW_JOBS_POLL_SECONDS)(root)


def _jobs_changed(root: Path) -> None:
    signature = tuple((job.run_name, job.state) for job in run_watch.manager().jobs(root) if job.active)
    previous = st.session_state.get("train_active_signature")
    st.session_state["train_active_signature"] = signature
    if previous is not None and previous != signature:
        st.rerun()


@wording.shows_user_errors
def live_view(root: Path, name: str) -> None:
    """Status, progress, Stop, charts and samples of one run; Resume when it is not training."""
    job, info = run_watch.job_of(name), run_watch.run_info(name)
    if job is None and info is None and AuditLog(root).last_about(name) is not None:
        st.rerun()  # deleted, or stopped while it waited: the whole page says so and watches another run
    state = job.state if job is not None else (info.status if info else "failed")
    remembered = st.session_state.get("train_live_state")
    st.session_state["train_live_state"] = (name, state)
    if remembered is not None and remembered[0] == name and remembered[1] in ACTIVE_STATES and state not in ACTIVE_STATES:
        st.rerun()  # it just ended: redraw the whole page (Resume appears, polling stops)

    folder = RunDir(name, root)
    progress = run_watch.progress_of(name)
    status(job, info, state, progress, job.owner if job is not None and job.owner else (info.owner if info else ""))
    if (state == "failed" and not (info and info.epochs_done)) or (state in ("queued", "starting") and not (info and info.epochs_done)):
        return  # nothing (new) to show yet; a failure's message stands alone
    history = cache.history(name)
    picture, caption = samples_picture(folder)
    means = meaning(run_loss(job.config.to_dict() if job is not None else info.config))
    numbers(history, means)
    samples_col, curves_col = st.columns(2, gap="large")
    with samples_col:
        if picture is not None:
            pictures.show(picture, caption=caption)
        else:
            st.info(t("train_samples_wait"))
    with curves_col:
        curves(name, history, means.loss)
    quality.train_view(name, info.dataset if info else job.config.dataset, active=state in ACTIVE_STATES)
    if state not in ACTIVE_STATES and info is not None:
        if info.shipped:
            copy_form(root, info)
        elif people.may(info.owner):
            resume_form(root, info)
        else:
            st.caption(t("people_only_owner_resume", name=info.owner or "—"))
    if state == "finished":
        nav_row = st.columns(3)
        for column, page_id in zip(nav_row, ("progression", "latent", "compare")):
            with column:
                nav.link(page_id)


def status(job: Job | None, info: RunInfo | None, state: str, progress: Progress | None, owner: str) -> None:
    manager = run_watch.manager()
    config = job.config if job is not None else None
    note = job.note if job is not None and job.note.message else (info.note if info is not None else NONE)
    about = " · ".join(settings_words.value(name, getattr(info, name) if info else getattr(config, name))
                       for name in ("model", "dataset"))  # as the form's options name them
    device = settings_words.device(info.device if info and info.device else (job.device if job else ""))
    seed = config.seed if config is not None else (info.config.get("seed") if info is not None else None)
    whose = t("people_owner", name=people.owner_label(owner)) if owner else ""
    st.caption(" · ".join(part for part in (about, device, t("seed_label", seed=seed) if seed is not None else "", whose)
                          if part))
    if state == "queued":
        running = ", ".join(j.run_name for j in manager.running_on(job.device)) or "…"
        st.info(t("train_queued", place=manager.queue_position(job) or 1, running=running), icon=":material/hourglass_top:")
    elif state == "starting":
        st.info(t("train_starting"), icon=":material/hourglass_top:")
    elif state == "failed":
        st.error(t("train_failed", error=wording.note_text(note) if note.message else t("train_failed_unknown")),
                 icon=":material/error:")
    elif state == "running" and job is None:
        st.info(t("train_other_process"), icon=":material/terminal:")
    if progress is not None and state in ("running", "stopped", "finished", "diverged"):
        if progress.step_in_epoch == 0 and progress.epoch > 0:  # at an epoch's end: that epoch, all its steps
            epoch_now, step_now = progress.epoch, progress.steps_per_epoch
        else:
            epoch_now, step_now = min(progress.epoch + 1, progress.epochs), progress.step_in_epoch
        text = t("train_progress", epoch=epoch_now, epochs=progress.epochs, step=step_now,
                 steps=progress.steps_per_epoch)
        if state == "running":
            text += " · " + t("train_time_left", time=wording.format_seconds(progress.seconds_left))
        st.progress(progress.fraction, text=text)
    elif info is not None:
        st.progress(min(1.0, info.epochs_done / max(1, info.epochs_target)),
                    text=t("train_progress_saved", done=info.epochs_done, epochs=info.epochs_target))
    if state in ACTIVE_STATES and job is not None and job.stop_requested:
        st.info(t("train_stopping"), icon=":material/hourglass_top:")
    elif state in ACTIVE_STATES and job is not None and people.may(owner):  # queued or starting: may be called off
        if st.button(t("stop"), icon=":material/stop:", key="train_stop"):
            try:
                manager.stop(job.run_name, job.root, by=people.actor())
            except AccessError as error:
                st.error(wording.error_text(error))
            else:
                st.rerun()
    elif state in ACTIVE_STATES and job is not None:
        st.caption(t("people_only_owner", name=owner or "—"))
    elif state == "finished":
        seconds = progress.train_seconds if progress else (info.train_seconds if info else None)
        st.success(t("train_finished", epochs=plural("n_epochs", info.epochs_done if info else 0), time=wording.format_seconds(seconds)),
                   icon=":material/check_circle:")
    elif state == "stopped":
        who = people.stopped_by_text(job.stopped_by.record() if job is not None and job.stopped_by is not None
                                     and (job.stopped_by.name or job.stopped_by.teacher)
                                     else (info.stopped_by if info else None))
        st.info(t("train_stopped_state") + (f" {who}" if who else ""), icon=":material/pause_circle:")
    elif state == "diverged":
        st.warning(t("train_diverged", message=wording.note_text(note)), icon=":material/warning:")


def numbers(history: History, means: Meaning) -> None:
    """The four numbers of the game, smoothed over the last steps, large enough for the back row,
    labelled by what they mean under the run's loss."""
    if not history.loss_d:
        return
    labels = {**means.loss_labels, **means.output_labels}
    data = {name: list(getattr(history, name)[-200:]) for name in labels}  # the last steps only: a run has thousands
    columns = st.columns(4)
    for column, (name, label) in zip(columns, labels.items()):  # the help texts explain the default loss's numbers
        column.metric(label, f"{smooth(data[name], 0.9)[-1]:.3f}",
                      help=t(f"help_metric_{name}") if means.loss == "ns" else means.explain)


@st.cache_resource(show_spinner=False, max_entries=32)
def curve_figures(name: str, version: tuple, language: str, loss: str) -> tuple[go.Figure, go.Figure]:
    """The live view's two charts of a run, built once per version of its history (at most once a second
    while it trains) for every student watching it; at most charts.LIVE_POINTS points a line. The curves
    are labelled by what they mean under the run's loss."""
    history = cache.history(name)
    means = meaning(loss)
    marks = [float(step) for step in epoch_ends(history)]
    losses = charts.lines_of(history, means.loss_labels, 0.6, 1, max_points=charts.LIVE_POINTS)
    outputs = charts.lines_of(history, means.output_labels, 0.6, 1, max_points=charts.LIVE_POINTS)
    if means.distance_label:
        outputs.append(distance_line(history, means.distance_label, 0.6, 1, max_points=charts.LIVE_POINTS))
    return (charts.figure(losses, t("loss"), t("step"), marks=marks, height=300,
                          references=dict(list(means.loss_references.items())[:1])),
            charts.figure(outputs, means.output_title, t("step"), marks=marks, height=260, y_range=means.output_range,
                          references=means.output_references))


def curves(name: str, history: History, loss: str) -> None:
    if not history.loss_d:
        st.info(t("train_curves_wait"))
        return
    loss_figure, output_figure = curve_figures(name, cache.history_version(name), language(), loss)
    pictures.chart(loss_figure, key="train_loss_chart")
    pictures.chart(output_figure, key="train_d_chart")


def samples_picture(folder: RunDir) -> tuple[bytes | None, str]:
    """The newest fixed-noise grid as PNG (encoded once for everyone watching) and its caption, from the run's
    folder, where the worker saves it: the newest epoch's, else (seconds after Start, before the first epoch is
    recorded) the worker's preview of G now; (None, "") before either exists."""
    epochs = cache.snapshot_epochs(folder.name, folder.root)
    if epochs:
        return cache.epoch_png(folder.name, epochs[-1]), t("train_samples_caption", epoch=epochs[-1])
    preview = cache.preview_png(folder.name, folder.root)
    if preview is None:
        return None, ""
    png, epoch, step = preview
    progress = run_watch.progress_of(folder.name)
    steps = progress.steps_per_epoch if progress is not None else "…"
    return png, t("train_preview_caption", epoch=epoch, step=step, steps=steps)


def queue_overview(root: Path) -> None:
    manager = run_watch.manager()
    active = manager.jobs(root)
    if len(active) < 2:
        return
    lines = []
    for job in active:
        place = manager.queue_position(job)
        where = t("queue_place", place=place) if place else t(f"status_{job.state}")
        lines.append(f"- **{job.run_name}** — {where}")
    st.markdown(f"**{t('queue_h')}**\n" + "\n".join(lines))
