"""Train's forms for a saved run that is not training: Resume (more epochs, new learning rates) for its owner,
and for a shipped run a copy of it that the student trains as their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from gan_core.runs.checkpoints import RunDir, RunInfo, new_run_name_problem, suggest_run_name
from gan_core.config import TrainConfig, resume_from_form
from gan_core.devices import device_here, resolve_device
from gan_core.errors import GanLabError

from ui import number_field, people, run_watch, settings_words, wording
from ui.i18n import t
from ui.train_form import error_text, error_under, key, name_prefix

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
        st.caption(t("device_moved", recorded=settings_words.device(info.device or recorded),
                     here=settings_words.device(resolve_device(here).type, hardware=False)))


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
