"""Train: the settings of a new run, Start / Stop / Resume, and a live view of the run.

Nothing trains in this script. Start hands the settings to the process-wide job manager, whose
thread trains; the page only reads the job (a fragment reruns every second while it is active).
So moving a slider, switching pages, reloading or a second browser never stops or repeats a run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from gan_core.checkpoints import RunDir, RunInfo, default_checkpoints_dir, new_run_name_problem, suggest_run_name
from gan_core.config import (
    FieldError, TrainConfig, config_from_form, form_fields, form_values, resume_epochs_error, setting_error,
)
from gan_core.curves import EQUILIBRIUM, STEP_COLUMNS, epoch_ends, smooth
from gan_core.data import DATASETS
from gan_core.devices import available_devices, cpu_cores
from gan_core.errors import GanLabError
from gan_core.jobs import ACTIVE_STATES, Job
from gan_core.models import MODELS
from gan_core.trainer import History

from ui import cache, charts, datasets, frame, nav, pickers, pictures, quality, training
from ui.frame import KEEP
from ui.i18n import language, plural, t

POLL_SECONDS = 1.0  # live view refresh while the watched run trains
NEW_JOBS_POLL_SECONDS = 3.0  # how soon a run started from another browser appears
WATCH = f"{KEEP}train_watch"


# --- the settings of a new run ------------------------------------------------------------------
# How each number field is laid out (its step and format). Which values are allowed is the library's
# (gan_core.config): the widgets have no min/max, so a value out of range stays in the field, gets its
# error line under it and keeps Start disabled, instead of being silently replaced by the previous one.
NUMBER_FIELDS: dict[str, dict[str, Any]] = {
    "epochs": {"step": 1}, "batch_size": {"step": 16}, "latent_dim": {"step": 1}, "d_steps": {"step": 1},
    "lr_g": {"step": 5e-5, "format": "%.1e"}, "lr_d": {"step": 5e-5, "format": "%.1e"}, "seed": {"step": 1},
    "ema_decay": {"step": 0.001, "format": "%.4f"},
    "beta1": {"step": 0.05, "format": "%.3f"}, "beta2": {"step": 0.001, "format": "%.4f"},
}
ROWS = (("dataset", "model", "device", "name"), ("epochs", "batch_size", "latent_dim", "d_steps"),
        ("lr_g", "lr_d", "seed", "ema_decay"), ("beta1", "beta2", None, "start"))
LABELS = {"beta1": "Adam β₁", "beta2": "Adam β₂", "name": None}
HELPS = {"beta1": "help_betas", "beta2": "help_betas", "name": "help_run_name"}


def key(name: str) -> str:
    return f"{KEEP}train_{name}"


def init_settings(root: Path) -> None:
    """First visit: the library's defaults, the best device of this machine and a free run name."""
    frame.default(key("device"), available_devices()[0].choice)
    for name, value in form_values(TrainConfig()).items():
        frame.default(key(name), value)
    if key("name") not in st.session_state:
        suggest_name(root)


def suggest_name(root: Path) -> None:
    name = suggest_run_name(st.session_state[key("model")], root, training.manager().active_names(root))
    st.session_state[key("name")] = name
    st.session_state["train_suggested_name"] = name


def model_changed(root: Path) -> None:
    """The settings become the model's recommended ones; a name the user has not touched follows
    the model (sngan-1 -> mlp-1)."""
    model = st.session_state[key("model")]
    for name, value in form_values(TrainConfig(model=model, **MODELS[model].recommended), MODELS[model].recommended).items():
        st.session_state[key(name)] = value
    if st.session_state.get(key("name")) == st.session_state.get("train_suggested_name"):
        suggest_name(root)


def settings() -> dict[str, Any]:
    """The form's values as the user sees them: every TrainConfig field (a pair as its parts) and the name."""
    return {name: st.session_state[key(name)] for name in (*form_fields(), "name")}


def shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def error_text(error: FieldError, value: Any) -> str:
    """A library error of one field, in the user's language, with the range the field allows."""
    if error.code == "batch_too_large":
        return t("err_batch", limit=error.allowed.high, size=error.details["size"],
                 k=plural("n_d_steps", error.details["k"]))
    if error.code == "unavailable":  # the device: the library's own error, translated
        return frame.error_text(code=error.details["code"], params=error.details["params"], detail=error.message)
    allowed = error.allowed
    range_text = t(f"settings_range_{allowed.kind}", low=shown(allowed.low), high=shown(allowed.high)) if allowed else ""
    return t(f"settings_err_{error.code}", value=shown(value), range=range_text)


def check(values: dict[str, Any], root: Path) -> tuple[TrainConfig | None, dict[str, str]]:
    """The config that Start would train, and what is wrong, by field, in the user's language."""
    result = config_from_form(values)
    errors = {name: error_text(error, values.get(name)) for name, error in result.errors.items()}
    problem = new_run_name_problem(values["name"], root, training.manager().active_names(root))
    if problem is not None:
        errors["name"] = t(f"err_name_{problem}", name=(values["name"] or "").strip())
    return (result.config if not errors else None), errors


def start(root: Path) -> None:
    """Start button: check, hand the run to the job manager, watch it, and offer a fresh name."""
    values = settings()
    config, errors = check(values, root)
    if config is None:
        return
    try:
        training.manager().submit(config, values["name"].strip(), root)
    except GanLabError as error:
        st.session_state["train_submit_error"] = frame.error_text(error)
        return
    st.session_state[WATCH] = values["name"].strip()
    st.session_state["train_started"] = values["name"].strip()
    suggest_name(root)


def error_under(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.error(errors[field], icon=":material/error:")


def settings_field(name: str, root: Path, devices: dict[str, str]) -> None:
    """One field of the form: its widget (no range of its own: the library's is the one)."""
    label = LABELS[name] if name in LABELS else t(name)
    help_text = t(HELPS.get(name, f"help_{name}"))
    if name in ("lr_g", "lr_d"):  # the help names the chosen model's recommended value
        help_text = t(f"help_{name}", value=f"{getattr(TrainConfig.for_model(st.session_state[key('model')]), name):g}")
    if name == "dataset":
        st.selectbox(label, DATASETS, key=key(name), help=help_text, format_func=datasets.labels().__getitem__)
        datasets.missing_note(st.session_state[key(name)])
    elif name == "model":
        st.selectbox(label, list(MODELS), key=key(name), help=help_text, on_change=model_changed, args=(root,),
                     format_func={m: t(f"model_{m}") for m in MODELS}.__getitem__)
    elif name == "device":
        st.selectbox(label, list(devices), key=key(name), format_func=devices.__getitem__, help=help_text)
    elif name == "name":
        st.text_input(t("run_name"), key=key(name), max_chars=64, help=help_text)
    else:
        st.number_input(label, key=key(name), help=help_text, **NUMBER_FIELDS[name])


def settings_panel(root: Path) -> None:
    """Four settings a row, each with its error under it; Start under them all, disabled while any is wrong."""
    init_settings(root)
    values = settings()
    config, errors = check(values, root)
    devices = {device.choice: t("device_cpu", cores=plural("n_cores", cpu_cores())) if device.choice == "cpu" else device.description
               for device in available_devices()}
    laid_out = {name for row in ROWS for name in row}
    for names in ROWS:
        columns = st.columns(4, vertical_alignment="top")
        for column, name in zip(columns, names):
            with column:
                if name == "start":
                    st.button(t("start"), type="primary", icon=":material/play_arrow:", on_click=start, args=(root,),
                              disabled=config is None, width="stretch", key="train_start")
                elif name is not None:
                    settings_field(name, root, devices)
                    error_under(errors, name)
    for name in errors.keys() - laid_out:  # a setting without a field of its own (tf32 from an old session)
        st.error(errors[name], icon=":material/error:")
    st.caption(t("train_background_note", runs=plural("n_runs", training.manager().max_per_device)))
    if "train_submit_error" in st.session_state:
        st.error(st.session_state.pop("train_submit_error"))
    if "train_started" in st.session_state:
        st.toast(t("train_started_toast", name=st.session_state.pop("train_started")), icon=":material/play_arrow:")


# --- watching a run -----------------------------------------------------------------------------
def watch_options(root: Path) -> list[str]:
    """Runs to watch: this server's jobs (active first), then saved runs, each once."""
    jobs = training.manager().jobs(root)
    ordered = [job.run_name for job in jobs if job.active] + [job.run_name for job in reversed(jobs) if not job.active]
    ordered += [run.name for run in pickers.runs() if not run.broken]
    return list(dict.fromkeys(ordered))


def watch_panel(root: Path) -> None:
    options = watch_options(root)
    if not options:
        st.info(t("train_nothing_yet"), icon=":material/info:")
        return
    if st.session_state.get(WATCH) not in options:
        st.session_state[WATCH] = options[0]
    pick_col, queue_col = st.columns([1, 2], gap="large")
    with pick_col:
        name = st.selectbox(t("train_watch"), options, key=WATCH)
    with queue_col:
        queue_overview(root)
    job = training.job_of(name)
    interval = POLL_SECONDS if job is not None and job.active else None
    st.fragment(run_every=interval)(live_view)(root, name)


@st.fragment(run_every=NEW_JOBS_POLL_SECONDS)
def new_jobs_watcher(root: Path) -> None:
    """Reruns the page when a run starts or ends anywhere on this server (another browser, the queue)."""
    signature = tuple((job.run_name, job.state) for job in training.manager().jobs(root) if job.active)
    previous = st.session_state.get("train_active_signature")
    st.session_state["train_active_signature"] = signature
    if previous is not None and previous != signature:
        st.rerun()


@frame.shows_user_errors
def live_view(root: Path, name: str) -> None:
    """Status, progress, Stop, charts and samples of one run; Resume when it is not training."""
    job = training.job_of(name)
    folder = RunDir(name, root)
    info = folder.info() if folder.exists() else None
    state = job.state if job is not None else (info.status if info else "failed")
    remembered = st.session_state.get("train_live_state")
    st.session_state["train_live_state"] = (name, state)
    if remembered is not None and remembered[0] == name and remembered[1] in ACTIVE_STATES and state not in ACTIVE_STATES:
        st.rerun()  # it just ended: redraw the whole page (Resume appears, polling stops)

    status(job, info, state)
    if state == "failed" or (state in ("queued", "starting") and not (info and info.epochs_done)):
        return  # nothing (new) to show yet; a failure's message stands alone
    history = cache.history(name)
    picture = samples_picture(name, job, folder)
    numbers(history)
    samples_col, curves_col = st.columns(2, gap="large")
    with samples_col:
        if picture is not None:
            epoch = job.progress.epoch if job is not None and job.progress else (info.epochs_done if info else 0)
            pictures.show(picture, caption=t("train_samples_caption", epoch=epoch))
        else:
            st.info(t("train_samples_wait"))
    with curves_col:
        curves(name, history)
    quality.train_view(name, info.dataset if info else job.config.dataset, active=state in ACTIVE_STATES)
    if state not in ACTIVE_STATES and info is not None:
        resume_form(root, info)
    if state == "finished":
        nav_row = st.columns(3)
        for column, page_id in zip(nav_row, ("progression", "latent", "compare")):
            with column:
                nav.link(page_id)


def status(job: Job | None, info: RunInfo | None, state: str) -> None:
    manager = training.manager()
    config = job.config if job is not None else None
    about = f"{info.model if info else config.model} · {info.dataset if info else config.dataset}"
    device = info.device if info and info.device else (job.device if job else "")
    st.caption(f"{about} · {device}")
    progress = job.progress if job is not None else None
    if state == "queued":
        running = ", ".join(j.run_name for j in manager.running_on(job.device)) or "…"
        st.info(t("train_queued", place=manager.queue_position(job) or 1, running=running), icon=":material/hourglass_top:")
    elif state == "starting":
        st.info(t("train_starting"), icon=":material/hourglass_top:")
    elif state == "failed":
        failure = (frame.error_text(job.user_error) if job and job.user_error else job.error if job else "")
        st.error(t("train_failed", error=failure or t("train_failed_unknown")), icon=":material/error:")
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
            text += " · " + t("train_time_left", time=frame.format_seconds(progress.seconds_left))
        st.progress(progress.fraction, text=text)
    elif info is not None:
        st.progress(min(1.0, info.epochs_done / max(1, info.epochs_target)),
                    text=t("train_progress_saved", done=info.epochs_done, epochs=info.epochs_target))
    if state in ACTIVE_STATES and job is not None and job.stop_requested:
        st.info(t("train_stopping"), icon=":material/hourglass_top:")
    elif state in ACTIVE_STATES and job is not None:  # a queued or starting run can be called off too
        if st.button(t("stop"), icon=":material/stop:", key="train_stop"):
            manager.stop(job.run_name, job.root)
            st.rerun()
    elif state == "finished":
        seconds = progress.train_seconds if progress else (info.train_seconds if info else None)
        st.success(t("train_finished", epochs=plural("n_epochs", info.epochs_done if info else 0), time=frame.format_seconds(seconds)),
                   icon=":material/check_circle:")
    elif state == "stopped":
        st.info(t("train_stopped_state"), icon=":material/pause_circle:")
    elif state == "diverged":
        st.warning(t("train_diverged", message=(job.message if job else "") or (info.message if info else "")),
                   icon=":material/warning:")


def numbers(history: History) -> None:
    """The four numbers of the game, smoothed over the last steps, large enough for the back row."""
    if not history.loss_d:
        return
    labels = {name: t(name) for name in STEP_COLUMNS}
    data = {name: list(getattr(history, name)) for name in labels}
    columns = st.columns(4)
    for column, (name, label) in zip(columns, labels.items()):
        column.metric(label, f"{smooth(data[name][-200:], 0.9)[-1]:.3f}", help=t(f"help_metric_{name}"))


@st.cache_resource(show_spinner=False, max_entries=32)
def curve_figures(name: str, version: tuple, language: str) -> tuple[go.Figure, go.Figure]:
    """The live view's two charts of a run, built once per version of its history (at most once a second
    while it trains) for every student watching it; at most charts.MAX_POINTS points a line."""
    history = cache.history(name)
    marks = [float(step) for step in epoch_ends(history)]
    losses = charts.lines_of(history, {"loss_d": t("loss_d"), "loss_g": t("loss_g")}, 0.6, 1, max_points=charts.LIVE_POINTS)
    outputs = charts.lines_of(history, {"d_real": t("d_real"), "d_fake": t("d_fake")}, 0.6, 1, max_points=charts.LIVE_POINTS)
    return (charts.figure(losses, t("loss"), t("step"), marks=marks, height=300,
                          references={t("equilibrium_d"): EQUILIBRIUM["loss_d"]}),
            charts.figure(outputs, t("d_output"), t("step"), marks=marks, height=260, y_range=(0, 1),
                          references={"½": 0.5}))


def curves(name: str, history: History) -> None:
    if not history.loss_d:
        st.info(t("train_curves_wait"))
        return
    loss_figure, output_figure = curve_figures(name, cache.history_version(name), language())
    pictures.chart(loss_figure, key="train_loss_chart")
    pictures.chart(output_figure, key="train_d_chart")


@st.cache_data(show_spinner=False, max_entries=64)
def _live_png(name: str, version: tuple, _samples) -> bytes:
    return pictures.png(pictures.picture(_samples, columns=8, target=560))


def samples_picture(name: str, job: Job | None, folder: RunDir) -> bytes | None:
    """The newest fixed-noise grid as PNG, encoded once for everyone watching: a training job's samples in
    memory (a new array each epoch: the key is the array and the checkpoint, the pixels are not hashed),
    else the last saved epoch's."""
    samples = getattr(job, "latest_samples", None)  # a job in a worker process keeps its samples on disk only
    if samples is not None:
        return _live_png(name, (cache.stamp(folder.checkpoint_path), id(samples)), samples)
    epochs = folder.snapshot_epochs()
    return cache.epoch_png(name, epochs[-1]) if epochs else None


def resume_form(root: Path, info: RunInfo) -> None:
    """More epochs for a saved run (new total), optionally with new learning rates; each field says under
    itself what it allows, and Resume waits until all are right."""
    if not RunDir(info.name, root).checkpoint_path.is_file():
        return
    keys = {name: f"train_resume_{name}_{info.name}" for name in ("epochs", "lr_g", "lr_d")}
    more = max(1, info.epochs_target - info.epochs_done) if info.status == "stopped" else 5
    frame.default(keys["epochs"], info.epochs_done + more)
    for name in ("lr_g", "lr_d"):
        frame.default(keys[name], float(info.config[name]))
    values = {name: st.session_state[widget] for name, widget in keys.items()}
    problems = {"epochs": resume_epochs_error(values["epochs"], info.epochs_done),
                "lr_g": setting_error("lr_g", values["lr_g"]), "lr_d": setting_error("lr_d", values["lr_d"])}
    errors = {name: error_text(error, values[name]) for name, error in problems.items() if error is not None}
    with st.container(border=True):
        st.markdown(f"**{t('resume_h')}**")
        for column, name in zip(st.columns(3), keys):
            with column:
                label, help_text = (t("resume_epochs"), t("help_resume_epochs")) if name == "epochs" else (t(name), None)
                st.number_input(label, key=keys[name], help=help_text, **NUMBER_FIELDS[name])
                error_under(errors, name)
        if st.button(t("resume"), icon=":material/play_arrow:", key=f"train_resume_{info.name}", disabled=bool(errors)):
            try:
                training.manager().submit_resume(info.name, int(values["epochs"]), root,
                                                 changes={"lr_g": float(values["lr_g"]), "lr_d": float(values["lr_d"])})
            except GanLabError as error:
                st.error(frame.error_text(error))
            else:
                st.rerun()


def queue_overview(root: Path) -> None:
    manager = training.manager()
    active = [job for job in manager.jobs(root) if job.active]
    if len(active) < 2:
        return
    lines = []
    for job in active:
        place = manager.queue_position(job)
        where = t("queue_place", place=place) if place else t(f"status_{job.state}")
        lines.append(f"- **{job.run_name}** — {where}")
    st.markdown(f"**{t('queue_h')}**\n" + "\n".join(lines))


@frame.shows_user_errors
def render() -> None:
    root = default_checkpoints_dir()
    st.title(t("train_title"))
    st.markdown(t("train_intro"))
    busy = bool(training.manager().active_names(root))
    with st.expander(t("train_new_h"), expanded=not busy, icon=":material/tune:"):
        settings_panel(root)
    st.subheader(t("train_watch_h"))
    watch_panel(root)
    new_jobs_watcher(root)


render()
