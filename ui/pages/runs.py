"""Runs: every run with its status, epochs, device and date; details, downloads, Stop and Delete."""

from __future__ import annotations

import json

import streamlit as st

from gan_core.checkpoints import RunDir, RunInfo, default_checkpoints_dir, run_archive
from gan_core.errors import GanLabError

from ui import frame, pickers, training
from ui.frame import KEEP
from ui.i18n import t

CONFIRM = "runs_confirm_delete"


def live_status(run: RunInfo) -> str:
    """The status a person should see: the job manager knows about queued and training runs first."""
    job = training.job_of(run.name)
    state = job.state if job is not None and job.active else run.status
    return t(f"status_{state}")


def table(runs: list[RunInfo]) -> None:
    manager = training.manager()
    rows = []
    for job in manager.jobs(default_checkpoints_dir()):  # queued runs have no folder yet, but are runs to people
        if job.state == "queued":
            rows.append({t("col_name"): job.run_name, t("col_status"): t("queue_place", place=manager.queue_position(job)),
                         t("col_epochs"): f"0 / {job.config.epochs}", t("col_model"): job.config.model,
                         t("col_dataset"): job.config.dataset, t("col_device"): job.device, t("col_created"): "",
                         t("col_shipped"): False})
    for run in runs:
        rows.append({t("col_name"): run.name, t("col_status"): live_status(run),
                     t("col_epochs"): f"{run.epochs_done} / {run.epochs_target}", t("col_model"): run.model,
                     t("col_dataset"): run.dataset, t("col_device"): run.device,
                     t("col_created"): run.created.replace("T", " ")[:16], t("col_shipped"): run.shipped})
    st.dataframe(rows, hide_index=True, width="stretch")


def confirm_delete(name: str) -> None:
    st.session_state[CONFIRM] = name


def delete(name: str) -> None:
    st.session_state.pop(CONFIRM, None)
    try:
        training.manager().delete(name, default_checkpoints_dir())
    except GanLabError as error:
        st.session_state["runs_error"] = frame.error_text(error)
    else:
        st.session_state["runs_deleted"] = name


def details(run: RunInfo) -> None:
    folder = RunDir(run.name, default_checkpoints_dir())
    info = folder.read_info()
    job = training.job_of(run.name)
    active = job is not None and job.active
    about, actions = st.columns([3, 2], gap="large")
    with about:
        st.markdown(t("runs_details", status=live_status(run), done=run.epochs_done, target=run.epochs_target,
                      device=run.device or "—", created=run.created.replace("T", " ")[:19]))
        if run.message and run.status != "finished":
            st.caption(run.message)
        config = info.get("config", {})
        st.table({t("col_value"): {name: json.dumps(v) if isinstance(v, list) else str(v) for name, v in config.items()}})
    with actions:
        if folder.checkpoint_path.is_file():
            st.download_button(t("runs_download_checkpoint"), data=folder.checkpoint_path.read_bytes,
                               file_name=f"{run.name}-checkpoint.pt", mime="application/octet-stream",
                               icon=":material/download:", on_click="ignore", width="stretch",
                               help=t("runs_download_checkpoint_help"))
            st.download_button(t("runs_download_zip"), data=lambda: run_archive(run.name, default_checkpoints_dir()),
                               file_name=f"{run.name}.zip", mime="application/zip", icon=":material/folder_zip:",
                               on_click="ignore", width="stretch", help=t("runs_download_zip_help"))
        else:
            st.caption(t("runs_no_checkpoint"))
        if active:
            if st.button(t("stop"), icon=":material/stop:", width="stretch"):
                training.manager().stop(run.name, default_checkpoints_dir())
                st.rerun()
            st.caption(t("runs_delete_active"))
        elif run.shipped:
            st.caption(t("runs_delete_shipped"))
        elif st.session_state.get(CONFIRM) == run.name:
            st.warning(t("runs_confirm", name=run.name), icon=":material/warning:")
            yes, no = st.columns(2)
            yes.button(t("runs_delete_yes"), type="primary", on_click=delete, args=(run.name,), width="stretch")
            no.button(t("cancel"), on_click=lambda: st.session_state.pop(CONFIRM, None), width="stretch")
        else:
            st.button(t("runs_delete"), icon=":material/delete:", on_click=confirm_delete, args=(run.name,),
                      width="stretch")


@frame.shows_user_errors
def render() -> None:
    st.title(t("runs_title"))
    st.markdown(t("runs_intro", root=default_checkpoints_dir()))
    if "runs_deleted" in st.session_state:
        st.success(t("runs_deleted", name=st.session_state.pop("runs_deleted")), icon=":material/delete:")
    if "runs_error" in st.session_state:
        st.error(st.session_state.pop("runs_error"))
    runs = pickers.runs()
    queued = [job for job in training.manager().jobs(default_checkpoints_dir()) if job.state == "queued"]
    if not runs and not queued:
        pickers.no_run_notice()
        return
    table(runs)
    if not runs:
        return
    st.subheader(t("runs_one_h"))
    names = [run.name for run in runs]
    key = f"{KEEP}runs_selected"
    if st.session_state.get(key) not in names:
        st.session_state[key] = names[0]
    by_name = {run.name: run for run in runs}
    chosen = st.selectbox(t("pick_run"), names, key=key, format_func={n: pickers.run_label(r) for n, r in by_name.items()}.__getitem__)
    if st.session_state.get(CONFIRM) not in (None, chosen):
        st.session_state.pop(CONFIRM)
    details(by_name[chosen])


render()
