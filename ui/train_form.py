"""Train's settings form for a new run: its fields and their defaults (the library's, the model's, the device's),
what is wrong with them by field (the library's check and the class limits), and Start.

The settings are kept in the session (ui.widgets) so that a student who watches a run, goes to another page
and comes back finds the form as they left it.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import streamlit as st

from gan_core.classroom.access import Actor
from gan_core.runs.checkpoints import new_run_name_problem, suggest_run_name
from gan_core.config import (FieldError, TrainConfig, config_from_form, device_chosen_settings, form_fields, form_values,
                             recommended_settings)
from gan_core.data import DATASETS
from gan_core.devices import cpu_cores, training_device_type, training_devices
from gan_core.errors import GanLabError, RunNameError
from gan_core.losses import LOSSES
from gan_core.models import MODELS

from ui import datasets, number_field, people, run_watch, widgets, wording
from ui.widgets import KEEP
from ui.i18n import STRINGS, plural, t

def key(name: str) -> str:
    return f"{KEEP}train_{name}"


# The settings typed as numbers, as the form lays them out: r1 beside the loss, then rows of four (Adam's betas
# beside Start). Their fields hold text (ui/number_field.py): what was typed stays, and the library reads it
# (gan_core.config.config_from_form), so a value it cannot use says why under its field.
NUMBER_ROWS = (("epochs", "batch_size", "latent_dim", "d_steps"), ("lr_g", "lr_d", "seed", "ema_decay"), ("beta1", "beta2"))
NUMBER_FIELDS = ("r1", *(name for row in NUMBER_ROWS for name in row))


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
    if key("name") not in st.session_state or name_suggested_and_taken(root):
        suggest_name(root)


def name_suggested_and_taken(root: Path) -> bool:
    """The name field still holds the name it suggested, and another student's run has taken it since: the
    form offers the next one (the student chose nothing, so nothing of theirs changes)."""
    name = st.session_state.get(key("name"))
    return (name == st.session_state.get("train_suggested_name") and not st.session_state.get("train_started") == name
            and new_run_name_problem(name, root, run_watch.manager().active_names(root)) == "taken")


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
    widgets.set_widget(key("name"), name, old_is_never_chosen=True)  # the old name is the run just started: taken
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
    if not errors:  # the class limits Start would be refused for, under the setting to change
        student = Actor(people.student_name(), teacher=people.is_teacher())
        for problem in run_watch.manager().limit_problems(result.config, student):
            errors[problem.params["setting"] or "limit"] = wording.error_text(problem)
    return (result.config if not errors else None), errors


# How many next names a Start tries when other students' Starts take the suggested ones first.
NAME_TRIES = 20


def start(root: Path) -> None:
    """Start button: check, hand the run to the job manager, watch it, and offer a fresh name. A suggested name
    (one the student left as it was) that another student's Start took a moment before becomes the next free
    one: a class pressing Start at once must not hear "the name is taken"."""
    values = settings()
    name = (values["name"] or "").strip()
    suggested = name == st.session_state.get("train_suggested_name") and not own_active_run(name, root)
    refused: GanLabError | None = None
    refused_fields: dict[str, str] = {}
    for _ in range(NAME_TRIES if suggested else 1):
        if suggested:
            name = values["name"] = suggest_run_name(name_prefix(), root, run_watch.manager().active_names(root))
        config, errors = check(values, root)
        if config is None and suggested and set(errors) == {"name"}:  # taken since it was suggested a moment ago
            refused, refused_fields = RunNameError(errors["name"]), errors
            continue
        if config is None:  # the form changed since it was drawn (another tab of this student started this run)
            st.session_state["train_submit_error"] = refusal(name, errors, root)
            return
        try:
            run_watch.manager().submit(config, name, root, by=people.claimed_actor())
        except RunNameError as error:  # taken between the check and the submit: the next name, if suggested
            refused, refused_fields = error, {}
            continue
        except GanLabError as error:
            refused = error
        else:
            refused = None
        break
    if refused is not None:
        st.session_state["train_submit_error"] = refusal(name, refused_fields or {"submit": wording.error_text(refused)},
                                                         root)
        return
    st.session_state["train_watch_next"] = name  # the live view watches it
    st.session_state["train_started"] = name
    suggest_name(root)
    if config.seed == st.session_state.get("train_fresh_seed"):  # the next run gets its own seed too
        fresh_seed()


def own_active_run(name: str, root: Path) -> bool:
    """This student already has a run of this name queued or training (started in another tab)."""
    job = run_watch.manager().job(name, root) if name else None
    return job is not None and job.active and job.owner == people.student_name()


def refusal(name: str, errors: dict[str, str], root: Path) -> str:
    """Why Start started nothing, said where the student looks. A run of this name that this student is already
    training was started a moment ago in another tab: say so, and watch it here too."""
    if own_active_run(name, root):
        st.session_state["train_watch_next"] = name
        return t("train_start_already", name=name)
    return t("train_start_refused", reasons=" ".join(errors.values()))


def error_under(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.error(errors[field], icon=":material/error:")


def settings_panel(root: Path) -> None:
    """Four settings a row, each with its error under it; Start under them all, and under Start the errors of
    settings without a field of their own (and the class limit on runs). The values each field allows are the
    library's (gan_core.config): a number field's text stays as typed, a value the library refuses says why and
    its range, and Start waits."""
    for name in NUMBER_FIELDS:
        number_field.as_text(key(name))
    values = settings()
    config, errors = check(values, root)
    if "name" in errors and name_suggested_and_taken(root):  # another student's Start took it during this run
        suggest_name(root)
        values = settings()
        config, errors = check(values, root)
    placed: set[str] = set()  # the fields drawn so far, each with its error under it

    def error_of(field: str) -> None:
        placed.add(field)
        error_under(errors, field)

    def text_field(field: str, label: str, help_text: str) -> None:
        st.text_input(label, key=key(field), help=help_text)
        error_of(field)

    devices = {device.choice: t("device_cpu", cores=plural("n_cores", cpu_cores())) if device.choice == "cpu" else device.description
               for device in training_devices()}
    row = st.columns([5, 4, 4, 3])  # the pickers get the room: each option reads in full at 1280 px
    with row[0]:
        st.selectbox(t("dataset"), DATASETS, key=key("dataset"), help=t("help_dataset"),
                     format_func=datasets.labels(short=True).__getitem__)
        error_of("dataset")
        datasets.about(st.session_state[key("dataset")])
        datasets.missing_note(st.session_state[key("dataset")])
    with row[1]:
        st.selectbox(t("model"), list(MODELS), key=key("model"), help=t("help_model"), on_change=model_changed,
                     args=(root,), format_func={m: t(f"model_short_{m}") if f"model_short_{m}" in STRINGS else m
                                                for m in MODELS}.__getitem__)
        error_of("model")
        st.caption(t(f"model_{st.session_state[key('model')]}"))  # the whole description: the option stays short
    with row[2]:
        st.selectbox(t("device"), list(devices), key=key("device"), format_func=devices.__getitem__, help=t("help_device"),
                     on_change=device_changed)
        error_of("device")
        device_choice_caption(values["model"])
    with row[3]:
        st.text_input(t("run_name"), key=key("name"), max_chars=64, help=t("help_run_name"))
        error_of("name")
    loss_col, about_col, r1_col = st.columns([1, 2, 1], vertical_alignment="center")
    with loss_col:
        st.selectbox(t("lv_loss"), list(LOSSES), key=key("loss"), help=t("lv_loss_help"), on_change=loss_changed,
                     format_func={loss: t(f"lv_short_{loss}") for loss in LOSSES}.__getitem__)
        error_of("loss")
    with about_col:
        loss = st.session_state[key("loss")]  # the option is short: its whole name here
        st.caption(f"**{t(f'lv_name_{loss}')}.** {t(f'lv_about_{loss}')}")
    with r1_col:
        text_field("r1", t("lv_r1"), t("lv_r1_help"))
    lr_defaults = TrainConfig.for_model(values["model"])
    labels = {"beta1": "Adam β₁", "beta2": "Adam β₂"}
    helps = {"lr_g": t("help_lr_g", value=f"{lr_defaults.lr_g:g}"), "lr_d": t("help_lr_d", value=f"{lr_defaults.lr_d:g}"),
             "beta1": t("help_betas"), "beta2": t("help_betas")}
    for number_row in NUMBER_ROWS:
        last = number_row is NUMBER_ROWS[-1]
        row = st.columns(4, vertical_alignment="bottom" if last else "top")  # the last row: Start in its fourth column
        for column, field in zip(row, number_row):
            with column:
                text_field(field, labels.get(field) or t(field), helps.get(field) or t(f"help_{field}"))
    with row[3]:
        st.button(t("start"), type="primary", icon=":material/play_arrow:", on_click=start, args=(root,),
                  disabled=config is None, width="stretch", key="train_start")
    for name in errors.keys() - placed:  # a setting without a field of its own, or a class limit
        st.error(errors[name], icon=":material/error:")
    st.caption(t("train_background_note",
                 runs=plural("n_runs", run_watch.manager().limit(training_device_type(values["device"])))))


def start_outcome() -> None:
    """What Start did, said outside the settings (they fold away once the run is started)."""
    if "train_submit_error" in st.session_state:
        st.error(st.session_state.pop("train_submit_error"))
    if "train_started" in st.session_state:
        st.toast(t("train_started_toast", name=st.session_state.pop("train_started")), icon=":material/play_arrow:")
