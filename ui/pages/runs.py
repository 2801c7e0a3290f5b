"""Runs: every run with its owner, status, epochs, device and date; details, downloads, and Stop, Rename and
Delete for the runs this session may manage (its own; every run for the teacher)."""

from __future__ import annotations

import streamlit as st

from gan_core.classroom.audit import AuditLog
from gan_core.runs.archive import import_run
from gan_core.runs.checkpoints import CHECKPOINT_FILE, RunDir, RunInfo, default_checkpoints_dir, run_archive
from gan_core.errors import GanLabError

from ui import people, pickers, run_watch, settings_words, widgets, wording
from ui.widgets import KEEP
from ui.i18n import plural, t

CONFIRM = "runs_confirm_delete"


def live_status(run: RunInfo) -> str:
    """The status a person should see: the job manager knows about queued and training runs first."""
    job = run_watch.job_of(run.name)
    state = job.state if job is not None and job.active else run.status
    return t(f"status_{state}")


def table(runs: list[RunInfo]) -> None:
    """Every run, queued ones first, in a plain table: every column title reads in full at 1280 px (a dataframe
    cut them), and no toolbar of Streamlit's own in English. A shipped run's owner is the app; the device is its
    kind (the hardware's name is in the run's details below)."""
    manager = run_watch.manager()
    rows = []
    for job in manager.jobs(default_checkpoints_dir()):  # queued runs have no folder yet, but are runs to people
        if job.state == "queued":
            rows.append({t("col_name"): job.run_name, t("col_owner"): people.owner_label(job.owner),
                         t("col_status"): t("queue_place", place=manager.queue_position(job)),
                         t("col_epochs"): f"0 / {job.config.epochs}",
                         t("col_model"): settings_words.value("model", job.config.model),
                         t("col_dataset"): settings_words.value("dataset", job.config.dataset),
                         t("col_device"): settings_words.device(job.device), t("col_created"): ""})
    for run in runs:
        rows.append({t("col_name"): run.name,
                     t("col_owner"): t("shipped") if run.shipped else people.owner_label(run.owner),
                     t("col_status"): live_status(run),
                     t("col_epochs"): "" if run.broken else f"{run.epochs_done} / {run.epochs_target}",
                     t("col_model"): settings_words.value("model", run.model) if run.model else "",
                     t("col_dataset"): settings_words.value("dataset", run.dataset) if run.dataset else "",
                     t("col_device"): settings_words.device(run.device, hardware=False) if run.device else "",
                     t("col_created"): run.created.replace("T", " ")[:16]})
    st.table(rows, hide_index=True)


def confirm_delete(name: str) -> None:
    st.session_state[CONFIRM] = name


def delete(name: str) -> None:
    st.session_state.pop(CONFIRM, None)
    try:
        run_watch.manager().delete(name, default_checkpoints_dir(), by=people.actor())
    except GanLabError as error:
        st.session_state["runs_error"] = wording.error_text(error)
    else:
        st.session_state["runs_deleted"] = name


def rename(name: str) -> None:
    new_name = (st.session_state.get(f"runs_rename_{name}") or "").strip()
    try:
        run_watch.manager().rename(name, new_name, default_checkpoints_dir(), by=people.actor())
    except GanLabError as error:
        st.session_state["runs_error"] = wording.error_text(error)
    else:
        st.session_state["runs_renamed"] = (name, new_name)
        st.session_state[f"{KEEP}runs_selected_next"] = new_name


def delete_buttons(name: str) -> None:
    """Delete, then a confirmation (Yes / Cancel) in its place."""
    if st.session_state.get(CONFIRM) == name:
        st.warning(t("runs_confirm", name=name), icon=":material/warning:")
        yes, no = st.columns(2)
        yes.button(t("runs_delete_yes"), type="primary", on_click=delete, args=(name,), width="stretch")
        no.button(t("cancel"), on_click=lambda: st.session_state.pop(CONFIRM, None), width="stretch")
    else:
        st.button(t("runs_delete"), icon=":material/delete:", on_click=confirm_delete, args=(name,), width="stretch")


def broken_details(run: RunInfo) -> None:
    """A run whose run.json cannot be read: what is wrong, and Delete."""
    about, actions = st.columns([3, 2], gap="large")
    with about:
        st.error(t("runs_broken", reason=wording.note_text(run.note)), icon=":material/broken_image:")
    with actions:
        delete_buttons(run.name)


def details(run: RunInfo) -> None:
    if run.broken:
        broken_details(run)
        return
    folder = RunDir(run.name, default_checkpoints_dir())
    job = run_watch.job_of(run.name)
    active = job is not None and job.active
    about, actions = st.columns([3, 2], gap="large")
    with about:
        st.markdown(t("runs_details", status=live_status(run), done=run.epochs_done, target=run.epochs_target,
                      device=settings_words.device(run.device) if run.device else "—",
                      created=run.created.replace("T", " ")[:19]))
        st.caption(t("people_owner", name=people.owner_label(run.owner)))
        if run.imported_from:
            st.caption(t("runs_imported_from", name=run.imported_from))
        if run.note.message and not active:
            st.caption(wording.note_text(run.note))
        if run.status == "stopped" and not active and people.stopped_by_text(run.stopped_by):
            st.caption(people.stopped_by_text(run.stopped_by))
        st.table(settings_words.rows(run.config, t("col_setting"), t("col_value")), hide_index=True)
    with actions:
        if folder.checkpoint_path.is_file():
            st.download_button(t("runs_download_checkpoint"), data=folder.checkpoint_path.read_bytes,
                               file_name=f"{run.name}-{CHECKPOINT_FILE}", mime="application/octet-stream",
                               icon=":material/download:", on_click="ignore", width="stretch",
                               help=t("runs_download_checkpoint_help"))
            st.download_button(t("runs_download_zip"), data=lambda: run_archive(run.name, default_checkpoints_dir()),
                               file_name=f"{run.name}.zip", mime="application/zip", icon=":material/folder_zip:",
                               on_click="ignore", width="stretch", help=t("runs_download_zip_help"))
        else:
            st.caption(t("runs_no_checkpoint"))
        mine = people.may(job.owner or run.owner if active else run.owner)
        if active and mine:
            if st.button(t("stop"), icon=":material/stop:", width="stretch"):
                run_watch.manager().stop(run.name, default_checkpoints_dir(), by=people.actor())
                st.rerun()
            st.caption(t("runs_delete_active"))
        elif run.shipped:
            st.caption(t("runs_delete_shipped"))
        elif not mine:
            st.caption(t("people_only_owner_manage", name=run.owner or "—"))
        elif active:
            st.caption(t("runs_delete_active"))
        elif st.session_state.get(CONFIRM) == run.name:
            st.warning(t("runs_confirm", name=run.name), icon=":material/warning:")
            yes, no = st.columns(2)
            yes.button(t("runs_delete_yes"), type="primary", on_click=delete, args=(run.name,), width="stretch")
            no.button(t("cancel"), on_click=lambda: st.session_state.pop(CONFIRM, None), width="stretch")
        else:
            st.button(t("runs_delete"), icon=":material/delete:", on_click=confirm_delete, args=(run.name,),
                      width="stretch")
            with st.popover(t("runs_rename"), icon=":material/edit:", width="stretch"):
                st.text_input(t("runs_rename_to"), value=run.name, key=f"runs_rename_{run.name}", max_chars=64)
                st.button(t("runs_rename_do"), on_click=rename, args=(run.name,), key=f"runs_rename_do_{run.name}",
                          type="primary")


def import_archive(upload) -> None:
    """Import button: gan_core checks the whole archive first; a bad one leaves nothing behind."""
    if upload is None:
        return
    try:
        run = import_run(upload.getvalue(), default_checkpoints_dir(),
                         name=st.session_state.get("runs_import_name", "").strip() or None, by=people.claimed_actor())
    except GanLabError as error:
        st.session_state["runs_import_error"] = wording.error_text(error)
    else:
        st.session_state["runs_imported"] = t("runs_imported", name=run.name, epochs=plural("n_epochs", run.epochs_done))
        widgets.set_widget(f"{KEEP}runs_selected", run.name)


def import_panel() -> None:
    with st.expander(t("runs_import_h"), icon=":material/upload:",
                     expanded="runs_import_error" in st.session_state or "runs_imported" in st.session_state
                     or st.session_state.get("runs_import_file") is not None):  # stays open while a file is chosen
        st.caption(t("runs_import_intro"))
        upload = st.file_uploader(t("runs_import_file"), type=["zip"], key="runs_import_file")
        st.text_input(t("runs_import_name"), key="runs_import_name", max_chars=64, help=t("runs_import_name_help"))
        st.button(t("runs_import_button"), icon=":material/upload:", disabled=upload is None,
                  on_click=import_archive, args=(upload,))
        if "runs_import_error" in st.session_state:
            st.error(st.session_state.pop("runs_import_error"), icon=":material/error:")
        if "runs_imported" in st.session_state:
            st.success(st.session_state.pop("runs_imported"), icon=":material/check:")


@wording.shows_user_errors
def render() -> None:
    st.title(t("runs_title"))
    st.markdown(t("runs_intro", root=default_checkpoints_dir()))
    if "runs_deleted" in st.session_state:
        st.success(t("runs_deleted", name=st.session_state.pop("runs_deleted")), icon=":material/delete:")
    if "runs_renamed" in st.session_state:
        old, new = st.session_state.pop("runs_renamed")
        st.success(t("runs_renamed", old=old, new=new), icon=":material/edit:")
    if "runs_error" in st.session_state:
        st.error(st.session_state.pop("runs_error"))
    runs = pickers.runs()
    queued = [job for job in run_watch.manager().jobs(default_checkpoints_dir()) if job.state == "queued"]
    import_panel()
    if not runs and not queued:
        pickers.no_run_notice()
        return
    table(runs)
    if not runs:
        return
    st.subheader(t("runs_one_h"))
    names = [run.name for run in runs]
    key = f"{KEEP}runs_selected"
    if st.session_state.get(key) and st.session_state[key] not in names:  # deleted, renamed or reset meanwhile
        why = people.gone_text(AuditLog(default_checkpoints_dir()).last_about(st.session_state[key]))
        if why:
            st.info(why, icon=":material/info:")
    if st.session_state.get(f"{key}_next") in names:
        st.session_state[key] = st.session_state.pop(f"{key}_next")
    if st.session_state.get(key) not in names:
        st.session_state[key] = names[0]
    by_name = {run.name: run for run in runs}
    chosen = st.selectbox(t("pick_run"), names, key=key, format_func={n: pickers.run_label(r) for n, r in by_name.items()}.__getitem__)
    if st.session_state.get(CONFIRM) not in (None, chosen):
        st.session_state.pop(CONFIRM)
    details(by_name[chosen])


render()
