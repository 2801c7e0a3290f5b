"""Class board: every run of the class in one sortable table (owner, model, state, epoch or place in
the queue, time, quality, a sample grid), refreshing itself while runs train. The teacher also sees
the class queue (and reorders it) and sets the class limits here."""

from __future__ import annotations

import streamlit as st

from gan_core.classroom.access import ClassLimits
from gan_core.runs.checkpoints import default_checkpoints_dir
from gan_core.devices import training_devices
from gan_core.errors import GanLabError

from ui import board_rows, people, run_watch, turns, wording
from ui.i18n import plural, t

NAN = float("nan")
POLL_SECONDS = 3.0  # while runs train: the board is projected, a few seconds behind is fine
IDLE_POLL_SECONDS = 10.0  # while nothing trains: only to notice a run that starts


def state_text(row: board_rows.BoardRow) -> str:
    if row.queue_place is not None:
        return t("queue_place", place=row.queue_place)
    return t(f"status_{row.state}") if row.state in ("queued", "starting", "running", "stopped", "finished", "diverged",
                                                     "failed") else row.state


def table() -> None:
    """The table itself, sorted best first (lowest FID / floor); every column sorts with a click."""
    rows = sorted(board_rows.rows(), key=board_rows.rank_key)
    if not rows:
        st.info(t("board_empty"), icon=":material/info:")
        return
    data = {
        "samples": [row.grid_png for row in rows],
        "owner": [people.owner_label(row.owner) for row in rows],
        "run": [row.name + (f" ({t('shipped')})" if row.shipped else "") for row in rows],
        "model": [row.model for row in rows],
        "state": [state_text(row) for row in rows],
        "epoch": [f"{row.epochs_done} / {row.epochs_target}" for row in rows],
        "minutes": [round(row.seconds / 60, 1) if row.seconds is not None else NAN for row in rows],
        **{name: [row.quality.get(name, NAN) for row in rows] for name in board_rows.QUALITY},  # NaN: Streamlit shows a grey None
    }
    # who and how good first: on a 1280 px projector the quality columns are in view without scrolling
    order = ("samples", "owner", *board_rows.QUALITY, "run", "model", "state", "epoch", "minutes")
    st.dataframe(data, hide_index=True, width="stretch", row_height=96, key="board_table", column_order=order,
                 column_config={
        "samples": st.column_config.ImageColumn(t("board_col_samples"), width="small", help=t("board_samples_help")),
        "owner": st.column_config.TextColumn(t("col_owner"), width="small"),
        "run": st.column_config.TextColumn(t("col_name"), width="medium"),
        "model": st.column_config.TextColumn(t("col_model"), width="small"),
        "state": st.column_config.TextColumn(t("col_status"), width="small"),
        "epoch": st.column_config.TextColumn(t("board_col_epoch"), width="small"),
        "minutes": st.column_config.NumberColumn(t("board_col_minutes"), format="%.1f", width="small"),
        "fid_ratio": st.column_config.NumberColumn(t("metric_fid_ratio"), format="%.1f×", help=t("help_quality_fid_ratio")),
        "classes_covered": st.column_config.NumberColumn(t("metric_classes_covered"), format="%d / 10",
                                                         help=t("help_quality_classes_covered")),
        "mean_confidence": st.column_config.ProgressColumn(t("metric_mean_confidence"), min_value=0.0, max_value=1.0,
                                                           format="percent", help=t("help_quality_mean_confidence")),
    })
    st.caption(t("board_caption"))


@wording.shows_user_errors
def live_table() -> None:
    table()
    active = board_rows.any_active()
    if st.session_state.get("board_was_active") != active:  # start or stop polling with the class's training
        st.session_state["board_was_active"] = active
        st.rerun()


def move(name: str, offset: int) -> None:
    try:
        run_watch.manager().move(name, offset, default_checkpoints_dir(), by=people.actor())
    except GanLabError as error:
        st.session_state["board_error"] = wording.error_text(error)


def queue_panel() -> None:
    """The class queue in the order it will start, with ↑ ↓ for the teacher."""
    manager = run_watch.manager()
    devices = sorted({job.device for job in manager.jobs(default_checkpoints_dir()) if job.state == "queued"})
    st.subheader(t("board_queue_h"))
    if not devices:
        st.caption(t("board_queue_empty"))
        return
    for device in devices:
        running = ", ".join(job.run_name for job in manager.running_on(device)) or "—"
        st.caption(t("board_queue_device", device=device, running=running))
        for place, job in enumerate(manager.queue(device), start=1):
            text_col, up_col, down_col = st.columns([6, 1, 1], vertical_alignment="center")
            text_col.markdown(f"{place}. **{job.run_name}** · {people.owner_label(job.owner)} · "
                              f"{plural('n_epochs', job.config.epochs)}")
            up_col.button("↑", key=f"board_up_{job.run_name}", on_click=move, args=(job.run_name, -1),
                          disabled=place == 1, help=t("board_up"))
            down_col.button("↓", key=f"board_down_{job.run_name}", on_click=move, args=(job.run_name, 1),
                            help=t("board_down"))


def limits_text(limits: ClassLimits) -> str:
    none = t("board_no_limit")
    return t("board_limits_now",
             active=limits.max_active_per_student or none, epochs=limits.max_epochs or none,
             minutes=limits.max_minutes or none,
             devices=", ".join(limits.devices) if limits.devices else t("board_all_devices"))


def limits_panel() -> None:
    """The class limits; 0 means no limit. The library enforces them when a student presses Start."""
    manager = run_watch.manager()
    limits = manager.limits
    st.subheader(t("board_limits_h"))
    choices = [device.choice for device in training_devices()]  # where runs train: here, or a cluster
    with st.form("board_limits"):
        active_col, epochs_col, minutes_col, devices_col = st.columns(4)
        active = active_col.number_input(t("board_limit_active"), min_value=0, max_value=100, step=1,
                                         value=limits.max_active_per_student or 0)
        epochs = epochs_col.number_input(t("board_limit_epochs"), min_value=0, max_value=10_000, step=1,
                                         value=limits.max_epochs or 0)
        minutes = minutes_col.number_input(t("board_limit_minutes"), min_value=0.0, max_value=600.0, step=1.0,
                                           value=float(limits.max_minutes or 0.0))
        devices = devices_col.multiselect(t("board_limit_devices"), choices,
                                          default=[d for d in (limits.devices or choices) if d in choices])
        st.caption(t("board_limits_zero"))
        if st.form_submit_button(t("board_limits_save"), type="primary"):
            try:
                allowed = None if set(devices) == set(choices) else tuple(devices)  # none chosen: refused
                manager.set_limits(ClassLimits(int(active) or None, int(epochs) or None, float(minutes) or None, allowed),
                                   by=people.actor())
            except GanLabError as error:
                st.error(wording.error_text(error))
            else:
                st.success(t("board_limits_saved"), icon=":material/check_circle:")
    st.caption(limits_text(manager.limits))


@wording.shows_user_errors
def render() -> None:
    st.title(t("board_title"))
    st.markdown(t("board_intro"))
    active = board_rows.any_active()
    st.session_state["board_was_active"] = active
    turns.fragment(live_table, run_every=POLL_SECONDS if active else IDLE_POLL_SECONDS)()
    if "board_error" in st.session_state:
        st.error(st.session_state.pop("board_error"))
    if people.is_teacher():
        st.caption(run_watch.where_runs_train())
        queue_panel()
        if not people.single_user():
            limits_panel()
    else:
        st.caption(limits_text(run_watch.manager().limits))


render()
