"""Train: the settings of a new run, Start / Stop / Resume, and a live view of the run.

Nothing trains in this script. Start hands the settings to the job manager, whose worker process
trains; the page reads the run's folder (a fragment reruns every second while it is active).
So moving a slider, switching pages, reloading or a second browser never stops or repeats a run.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from gan_core.classroom.audit import AuditLog
from gan_core.runs.checkpoints import RunDir, RunInfo, default_checkpoints_dir, new_run_name_problem, suggest_run_name
from gan_core.config import (FieldError, TrainConfig, config_from_form, device_chosen_settings, form_fields, form_values,
                             recommended_settings, resume_from_form)
from gan_core.eval.curves import epoch_ends, smooth
from gan_core.data import DATASETS
from gan_core.devices import cpu_cores, device_here, resolve_device, training_device_type, training_devices
from gan_core.errors import AccessError, GanLabError
from gan_core.jobs.manager import ACTIVE_STATES, Job
from gan_core.losses import LOSSES
from gan_core.models import MODELS
from gan_core.history import History, Progress
from gan_core.runs.notes import NONE

from ui import (cache, charts, datasets, nav, number_field, people, pickers, pictures, quality, run_watch,
                settings_words, turns, widgets, wording)
from ui.widgets import KEEP
from ui.i18n import STRINGS, language, plural, t
from ui.loss_meaning import Meaning, distance_line, meaning, run_loss

POLL_SECONDS = 1.0  # live view refresh while the watched run trains
NEW_JOBS_POLL_SECONDS = 3.0  # while the student's own run is queued or training: how soon the page follows it
WATCH = f"{KEEP}train_watch"


def key(name: str) -> str:
    return f"{KEEP}train_{name}"


# The settings typed as numbers. Their fields hold text (ui/number_field.py): what was typed stays, and the
# library reads it (gan_core.config.config_from_form), so a value it cannot use says why under its field.
NUMBER_FIELDS = ("r1", "epochs", "batch_size", "latent_dim", "d_steps", "lr_g", "lr_d", "seed", "ema_decay", "beta1",
                 "beta2")


def field_value(name: str, value: Any) -> Any:
    """A setting's value as its field holds it: text for a number field, else the value itself."""
    return number_field.text_of(value) if name in NUMBER_FIELDS else value


# --- the settings of a new run ------------------------------------------------------------------
def init_settings(root: Path) -> None:
    """First visit: the library's defaults, a fresh seed (so a class trains a spread of runs, each
    recorded in its run.json), the best device of this machine and a free run name."""
    if key("seed") not in st.session_state:
        fresh_seed()
    widgets.default(key("device"), training_devices()[0].choice)
    defaults = TrainConfig.for_model(TrainConfig().model, device=st.session_state[key("device")])  # a GPU: its own
    for name, value in form_values(defaults).items():  # every setting, derived from TrainConfig
        widgets.default(key(name), field_value(name, value))
    if key("name") not in st.session_state:
        suggest_name(root)


def fresh_seed() -> None:
    seed = st.session_state["train_fresh_seed"] = secrets.randbelow(2**31)
    widgets.set_widget(key("seed"), str(seed))


def name_prefix() -> str:
    """Run names start with the model; in a class, with the student's name too (alice-sngan-1)."""
    model = st.session_state[key("model")]
    if people.single_user():
        return model
    slug = re.sub(r"[^\w.-]+", "-", people.student_name().lower()).strip("-._")[:40]
    return f"{slug}-{model}" if slug else model


def suggest_name(root: Path) -> None:
    name = suggest_run_name(name_prefix(), root, run_watch.manager().active_names(root))
    widgets.set_widget(key("name"), name)
    st.session_state["train_suggested_name"] = name


def device_type() -> str:
    """The kind of device the form's Device field names ("cuda", "mps", "cpu")."""
    try:
        return training_device_type(st.session_state[key("device")])
    except GanLabError:  # not on this machine: the form says so under the field
        return "cpu"


# The settings some model sizes by device (widths, batch, learning rates, EMA on a GPU).
DEVICE_SIZED = {name for spec in MODELS.values() for settings in spec.recommended_on.values() for name in settings}
# The settings some model recommends: on a model switch, those the new model does not set go back to their
# plain defaults (the MLP has no widths and no depth).
MODEL_SIZED = DEVICE_SIZED | {name for spec in MODELS.values() for name in spec.recommended}


def recommended(model: str, loss: str) -> dict[str, Any]:
    """The settings fields' recommended values on the form's device (a GPU: a wider model, bigger batches);
    a setting this model does not size is at its plain default (widths and depth 0 for the MLP)."""
    plain = {name: getattr(TrainConfig(), name) for name in MODEL_SIZED}
    return {**plain, **recommended_settings(model, device_type(), loss)}


def device_changed() -> None:
    """Only the settings a device changes follow it; the epochs, seed and the rest stay as the user set them."""
    new = recommended(st.session_state[key("model")], st.session_state[key("loss")])
    apply_settings({name: new[name] for name in DEVICE_SIZED})


def device_choice_caption(model: str) -> None:
    """What the device chose, under its field: the settings a GPU trains with that a laptop does not."""
    chosen = device_chosen_settings(model, device_type())
    if chosen:
        st.caption(t("device_chose", settings=", ".join(t(f"chose_{name}", value=shown(value)) for name, value in chosen.items())))


def apply_settings(values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "betas":
            widgets.set_widget(key("beta1"), field_value("beta1", value[0]))
            widgets.set_widget(key("beta2"), field_value("beta2", value[1]))
        else:
            widgets.set_widget(key(name), field_value(name, value))


def model_changed(root: Path) -> None:
    """The settings become the model's recommended ones for the chosen loss; a name the user has not
    touched follows the model (sngan-1 -> mlp-1)."""
    apply_settings(recommended(st.session_state[key("model")], st.session_state[key("loss")]))
    if st.session_state.get(key("name")) == st.session_state.get("train_suggested_name"):
        suggest_name(root)


def loss_changed() -> None:
    """Only the settings a loss brings change (WGAN-GP's 5 critic steps; a model's own per-loss ones); the
    ones it no longer needs go back to the model's. Epochs, seed and the rest stay as the user set them."""
    model, loss = st.session_state[key("model")], st.session_state[key("loss")]
    touched = {name for spec in LOSSES.values() for name in spec.recommended}
    touched |= {name for settings in MODELS[model].per_loss.values() for name in settings}
    new = recommended(model, loss)
    apply_settings({name: new.get(name, getattr(TrainConfig(), name)) for name in touched})


def settings() -> dict[str, Any]:
    """The form's values as the user sees them: every TrainConfig field (a pair as its parts) and the name."""
    return {name: st.session_state[key(name)] for name in (*form_fields(), "name")}


shown = number_field.text_of


def error_text(error: FieldError, value: Any) -> str:
    """A library error of one field, in the user's language, with the range the field allows."""
    if error.code == "batch_too_large":
        return t("err_batch", limit=error.allowed.high, size=error.details["size"],
                 k=plural("n_d_steps", error.details["k"]))
    if error.code == "unavailable":  # the device: the library's own error, translated
        return wording.error_text(code=error.details["code"], params=error.details["params"], detail=error.message)
    return number_field.problem_text(error, value)


def check(values: dict[str, Any], root: Path) -> tuple[TrainConfig | None, dict[str, str]]:
    """The config that Start would train, and what is wrong, by field, in the user's language (the
    library's ranges and rules, and the class limits)."""
    result = config_from_form(values)
    errors = {name: error_text(error, values.get(name)) for name, error in result.errors.items()}
    problem = new_run_name_problem(values["name"], root, run_watch.manager().active_names(root))
    if problem is not None:
        errors["name"] = t(f"err_name_{problem}", name=(values["name"] or "").strip())
    if not errors:
        errors.update(limit_errors(values, result.config))
    return (result.config if not errors else None), errors


def limit_errors(values: dict[str, Any], config: TrainConfig) -> dict[str, str]:
    """The class limits the library would refuse a student's Start for, said before they press it."""
    if people.is_teacher():
        return {}
    limits, errors = run_watch.manager().limits, {}
    if limits.max_epochs is not None and config.epochs > limits.max_epochs:
        errors["epochs"] = t("error_limit_epochs", n=limits.max_epochs)
    if limits.devices is not None and values["device"] not in limits.devices and values["device"] != "auto":
        errors["device"] = t("error_limit_devices", devices=", ".join(limits.devices))
    mine = [job for job in run_watch.manager().jobs() if job.active and job.owner == people.student_name()]
    if limits.max_active_per_student is not None and len(mine) >= limits.max_active_per_student:
        errors["limit"] = t("error_limit_active", n=limits.max_active_per_student)
    return errors


def start(root: Path) -> None:
    """Start button: check, hand the run to the job manager, watch it, and offer a fresh name."""
    values = settings()
    name = (values["name"] or "").strip()
    config, errors = check(values, root)
    if config is None:  # the form changed since it was drawn (another tab of this student started this run)
        st.session_state["train_submit_error"] = refusal(name, errors, root)
        return
    try:
        run_watch.manager().submit(config, name, root, by=people.claimed_actor())
    except GanLabError as error:
        st.session_state["train_submit_error"] = refusal(name, {"submit": wording.error_text(error)}, root)
        return
    st.session_state[WATCH] = name
    st.session_state["train_started"] = name
    suggest_name(root)
    if config.seed == st.session_state.get("train_fresh_seed"):  # the next run gets its own seed too
        fresh_seed()


def refusal(name: str, errors: dict[str, str], root: Path) -> str:
    """Why Start started nothing, said where the student looks. A run of this name that this student is already
    training was started a moment ago in another tab: say so, and watch it here too."""
    job = run_watch.manager().job(name, root) if name else None
    if job is not None and job.active and job.owner == people.student_name():
        st.session_state["train_watch_next"] = name
        return t("train_start_already", name=name)
    return t("train_start_refused", reasons=" ".join(errors.values()))


def error_under(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.error(errors[field], icon=":material/error:")


# Fields laid out with their own error line; the values each allows are the library's (gan_core.config):
# a number field's text stays as typed, a value the library refuses says why and its range, and Start waits.
LAID_OUT = {"dataset", "model", "device", "name", "loss", "r1", "epochs", "batch_size", "latent_dim", "d_steps",
            "lr_g", "lr_d", "seed", "ema_decay", "beta1", "beta2"}


def settings_panel(root: Path) -> None:
    """Four settings a row, each with its error under it; Start under them all."""
    for name in NUMBER_FIELDS:
        number_field.as_text(key(name))
    values = settings()
    config, errors = check(values, root)
    devices = {device.choice: t("device_cpu", cores=plural("n_cores", cpu_cores())) if device.choice == "cpu" else device.description
               for device in training_devices()}
    row = st.columns([5, 4, 4, 3])  # the pickers get the room: each option reads in full at 1280 px
    with row[0]:
        st.selectbox(t("dataset"), DATASETS, key=key("dataset"), help=t("help_dataset"),
                     format_func=datasets.labels(short=True).__getitem__)
        datasets.about(st.session_state[key("dataset")])
        datasets.missing_note(st.session_state[key("dataset")])
    with row[1]:
        st.selectbox(t("model"), list(MODELS), key=key("model"), help=t("help_model"), on_change=model_changed,
                     args=(root,), format_func={m: t(f"model_short_{m}") if f"model_short_{m}" in STRINGS else m
                                                for m in MODELS}.__getitem__)
        st.caption(t(f"model_{st.session_state[key('model')]}"))  # the whole description: the option stays short
    with row[2]:
        st.selectbox(t("device"), list(devices), key=key("device"), format_func=devices.__getitem__, help=t("help_device"),
                     on_change=device_changed)
        error_under(errors, "device")
        device_choice_caption(values["model"])
    with row[3]:
        st.text_input(t("run_name"), key=key("name"), max_chars=64, help=t("help_run_name"))
        error_under(errors, "name")
    loss_col, about_col, r1_col = st.columns([1, 2, 1], vertical_alignment="center")
    with loss_col:
        st.selectbox(t("lv_loss"), list(LOSSES), key=key("loss"), help=t("lv_loss_help"), on_change=loss_changed,
                     format_func={loss: t(f"lv_short_{loss}") for loss in LOSSES}.__getitem__)
    with about_col:
        loss = st.session_state[key("loss")]  # the option is short: its whole name here
        st.caption(f"**{t(f'lv_name_{loss}')}.** {t(f'lv_about_{loss}')}")
    with r1_col:
        st.text_input(t("lv_r1"), key=key("r1"), help=t("lv_r1_help"))
        error_under(errors, "r1")
    row = st.columns(4)
    with row[0]:
        st.text_input(t("epochs"), key=key("epochs"), help=t("help_epochs"))
        error_under(errors, "epochs")
    with row[1]:
        st.text_input(t("batch_size"), key=key("batch_size"), help=t("help_batch_size"))
        error_under(errors, "batch_size")
    with row[2]:
        st.text_input(t("latent_dim"), key=key("latent_dim"), help=t("help_latent_dim"))
        error_under(errors, "latent_dim")
    with row[3]:
        st.text_input(t("d_steps"), key=key("d_steps"), help=t("help_d_steps"))
        error_under(errors, "d_steps")
    row = st.columns(4)
    with row[0]:
        st.text_input(t("lr_g"), key=key("lr_g"),
                        help=t("help_lr_g", value=f"{TrainConfig.for_model(values['model']).lr_g:g}"))
        error_under(errors, "lr_g")
    with row[1]:
        st.text_input(t("lr_d"), key=key("lr_d"),
                        help=t("help_lr_d", value=f"{TrainConfig.for_model(values['model']).lr_d:g}"))
        error_under(errors, "lr_d")
    with row[2]:
        st.text_input(t("seed"), key=key("seed"), help=t("help_seed"))
        error_under(errors, "seed")
    with row[3]:
        st.text_input(t("ema_decay"), key=key("ema_decay"), help=t("help_ema_decay"))
        error_under(errors, "ema_decay")
    row = st.columns(4, vertical_alignment="bottom")
    with row[0]:
        st.text_input("Adam β₁", key=key("beta1"), help=t("help_betas"))
        error_under(errors, "beta1")
    with row[1]:
        st.text_input("Adam β₂", key=key("beta2"), help=t("help_betas"))
        error_under(errors, "beta2")
    with row[3]:
        st.button(t("start"), type="primary", icon=":material/play_arrow:", on_click=start, args=(root,),
                  disabled=config is None, width="stretch", key="train_start")
    for name in errors.keys() - LAID_OUT:  # a setting without a field of its own, or a class limit
        st.error(errors[name], icon=":material/error:")
    st.caption(t("train_background_note",
                 runs=plural("n_runs", run_watch.manager().limit(training_device_type(values["device"])))))


def start_outcome() -> None:
    """What Start did, said outside the settings (they fold away once the run is started)."""
    if "train_submit_error" in st.session_state:
        st.error(st.session_state.pop("train_submit_error"))
    if "train_started" in st.session_state:
        st.toast(t("train_started_toast", name=st.session_state.pop("train_started")), icon=":material/play_arrow:")


PANEL = "train_panel"  # the settings' expander: open or folded


def settings_fold(busy: bool) -> bool:
    """Whether the settings are open: they fold away when this student's own run is queued or starts to
    train, and open again when it ends; in between, the student opens and closes them at will. Only an open
    panel is drawn (a class's thirty Train pages are mostly watching a run: the form's thirty elements were
    a third of each of their page runs)."""
    if st.session_state.get("train_panel_busy") != busy:
        st.session_state["train_panel_busy"] = busy
        widgets.set_widget(PANEL, not busy)
    else:
        widgets.default(PANEL, not busy)  # back on the page: Streamlit forgot the folded state with the page
    return bool(st.session_state[PANEL])


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


def form_key(form: str, field: str, info: RunInfo) -> str:
    return f"train_{form}_{field}_{info.name}"


def form_defaults(form: str, info: RunInfo, defaults: dict[str, Any]) -> None:
    """A resume form's first values, set again once the run has trained since (its old total would be
    out of range), and when Streamlit has forgotten them (it drops a widget's value after a script run
    that does not draw it: the page watched another run in between)."""
    marker = form_key(form, "for", info)
    forgotten = any(form_key(form, name, info) not in st.session_state for name in defaults)
    if st.session_state.get(marker) != info.epochs_done or forgotten:
        st.session_state[marker] = info.epochs_done
        for name, value in defaults.items():
            st.session_state[form_key(form, name, info)] = number_field.text_of(value)


def resume_check(info: RunInfo, form: str, fields: tuple[str, ...]) -> tuple[TrainConfig | None, dict[str, str]]:
    """The config Resume would train and what is wrong, by field, in the user's language: the library's
    check of a resume form (the fields' ranges, and more epochs than the run has)."""
    values = {name: st.session_state[form_key(form, name, info)] for name in fields}
    result = resume_from_form(info.config, info.epochs_done, info.name, values)
    return result.config, {name: error_text(error, values.get(name)) for name, error in result.errors.items()}


def device_moved(info: RunInfo) -> None:
    """One line when the run was trained on a device this machine lacks (a GPU run on a laptop): it goes on here."""
    recorded = str(info.config.get("device", "auto"))
    here = device_here(recorded)
    if here != recorded:
        st.caption(t("device_moved", recorded=info.device or recorded, here=resolve_device(here).type))


def resume_form(root: Path, info: RunInfo) -> None:
    """More epochs for a saved run (new total), optionally with new learning rates. The number fields hold
    text: what was typed stays, a value the library refuses says why under itself, and Resume waits."""
    if not RunDir(info.name, root).checkpoint_path.is_file():
        return
    more = max(1, info.epochs_target - info.epochs_done) if info.status == "stopped" else 5
    form_defaults("resume", info, {"epochs": info.epochs_done + more,
                                   "lr_g": float(info.config.get("lr_g", TrainConfig().lr_g)),
                                   "lr_d": float(info.config.get("lr_d", TrainConfig().lr_d))})
    config, errors = resume_check(info, "resume", ("epochs", "lr_g", "lr_d"))
    with st.container(border=True):
        st.markdown(f"**{t('resume_h')}**")
        device_moved(info)
        epochs_col, lr_g_col, lr_d_col = st.columns(3)
        with epochs_col:
            st.text_input(t("resume_epochs"), key=form_key("resume", "epochs", info), help=t("help_resume_epochs"))
            error_under(errors, "epochs")
        with lr_g_col:
            st.text_input(t("lr_g"), key=form_key("resume", "lr_g", info))
            error_under(errors, "lr_g")
        with lr_d_col:
            st.text_input(t("lr_d"), key=form_key("resume", "lr_d", info))
            error_under(errors, "lr_d")
        if st.button(t("resume"), icon=":material/play_arrow:", key=f"train_resume_{info.name}", disabled=config is None):
            try:
                run_watch.manager().submit_resume(info.name, config.epochs, root,
                                                 changes={"lr_g": config.lr_g, "lr_d": config.lr_d}, by=people.actor())
            except GanLabError as error:
                st.error(wording.error_text(error))
            else:
                st.rerun()


def copy_form(root: Path, info: RunInfo) -> None:
    """A shipped run is read-only: "Resume" trains the student's own copy of it, under a new name, checked
    like a new run's name and like a resume's epochs."""
    if not RunDir(info.name, root).checkpoint_path.is_file():
        return
    copy_key = form_key("copy", "name", info)
    if not st.session_state.get(copy_key):
        prefix = name_prefix().removesuffix(f"-{st.session_state[key('model')]}") if not people.single_user() else ""
        st.session_state[copy_key] = suggest_run_name(f"{prefix}-{info.name}" if prefix else f"{info.name}-copy", root,
                                                      run_watch.manager().active_names(root))
    form_defaults("copy", info, {"epochs": info.epochs_done + 5})
    config, errors = resume_check(info, "copy", ("epochs",))
    new_name = (st.session_state[copy_key] or "").strip()
    problem = new_run_name_problem(new_name, root, run_watch.manager().active_names(root))
    if problem is not None:
        errors["name"] = t(f"err_name_{problem}", name=new_name)
    with st.container(border=True):
        st.markdown(f"**{t('copy_h')}**")
        st.caption(t("copy_explain", name=info.name))
        device_moved(info)
        name_col, epochs_col = st.columns(2)
        with name_col:
            st.text_input(t("run_name"), key=copy_key, max_chars=64)
            error_under(errors, "name")
        with epochs_col:
            st.text_input(t("resume_epochs"), key=form_key("copy", "epochs", info), help=t("help_resume_epochs"))
            error_under(errors, "epochs")
        if st.button(t("copy_resume"), icon=":material/content_copy:", key=f"train_copy_{info.name}", disabled=bool(errors)):
            try:
                run_watch.manager().resume_copy(info.name, new_name, config.epochs, root, by=people.claimed_actor())
            except GanLabError as error:
                st.error(wording.error_text(error))
            else:
                st.session_state["train_watch_next"] = new_name  # the selectbox is outside this fragment
                st.session_state.pop(copy_key, None)
                st.rerun()


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


@wording.shows_user_errors
def render() -> None:
    root = default_checkpoints_dir()
    st.title(t("train_title"))
    st.markdown(t("train_intro"))
    me = people.student_name()  # only this student's own run folds the settings away, not anyone's Start
    busy = any(job.active and job.owner == me for job in run_watch.manager().jobs(root))
    init_settings(root)  # a resumed copy's name and the next Start need them, the panel open or not
    panel = st.expander(t("train_new_h"), expanded=settings_fold(busy), icon=":material/tune:", key=PANEL, on_change="rerun")
    if panel.open:
        with panel:
            settings_panel(root)
    start_outcome()
    st.subheader(t("train_watch_h"))
    watch_panel(root)
    new_jobs_watcher(root, busy)


render()
