"""Class board: a card for every run of the class (its samples, owner, state, epochs, quality, links that
open it on Train and Progression; ui/board_cards.py), the queue with each run's place, refreshing itself
while runs train. The teacher also sees the class queue (and reorders it), sets the class limits
and runs the lesson here (ui/teacher.py: join links, names, the audit log, export, reset)."""

from __future__ import annotations

import streamlit as st

from gan_core.classroom.access import LIMIT_RANGES, ClassLimits
from gan_core.runs.checkpoints import default_checkpoints_dir
from gan_core.devices import training_devices
from gan_core.errors import GanLabError

from ui import board_cards, board_rows, number_field, people, run_watch, settings_words, teacher, turns, widgets, wording
from ui.i18n import plural, t

POLL_SECONDS = 3.0  # while runs train: the board is projected, a few seconds behind is fine
IDLE_POLL_SECONDS = 10.0  # while nothing trains: only to notice a run that starts


@wording.shows_user_errors
def live_board() -> None:
    board_cards.board()
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
        st.caption(t("board_queue_device", device=settings_words.device(device), running=running))
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


# The limits a teacher may type (0: no limit), typed as text and read here, so a value out of range says so.
LIMIT_ACTIVE, LIMIT_EPOCHS, LIMIT_MINUTES = (LIMIT_RANGES[name] for name in ("max_active_per_student", "max_epochs",
                                                                             "max_minutes"))


def save_limits(active: int, epochs: int, minutes: float, devices: list[str], choices: list[str]) -> None:
    try:
        run_watch.manager().set_limits(ClassLimits.from_form(active, epochs, minutes, devices, choices),
                                       by=people.actor())
    except GanLabError as error:
        st.session_state["board_error"] = wording.error_text(error)
    else:
        st.session_state["board_limits_saved"] = True


def limits_panel() -> None:
    """The class limits; 0 means no limit. The library enforces them when a student presses Start."""
    manager = run_watch.manager()
    limits = manager.limits
    st.subheader(t("board_limits_h"))
    choices = [device.choice for device in training_devices()]  # where runs train: here, or a cluster
    widgets.default("board_limit_active", limits.max_active_per_student or 0)
    widgets.default("board_limit_epochs", limits.max_epochs or 0)
    widgets.default("board_limit_minutes", float(limits.max_minutes or 0.0))
    widgets.default("board_limit_devices", [d for d in (limits.devices or choices) if d in choices])
    active_col, epochs_col, minutes_col, devices_col = st.columns([1, 1, 1, 1.5])  # each device's name whole
    wrong = False
    for column, name, allowed in ((active_col, "active", LIMIT_ACTIVE), (epochs_col, "epochs", LIMIT_EPOCHS),
                                  (minutes_col, "minutes", LIMIT_MINUTES)):
        with column:
            number_field.number_field(t(f"board_limit_{name}"), f"board_limit_{name}", allowed)
        wrong = wrong or number_field.read(f"board_limit_{name}", allowed)[1] is not None
    devices = devices_col.multiselect(t("board_limit_devices"), choices, key="board_limit_devices", select_all=False,
                                      placeholder=t("choose_options"),
                                      format_func={choice: settings_words.device(choice) for choice in choices}.__getitem__)
    st.caption(t("board_limits_zero"))
    values = [number_field.read(f"board_limit_{name}", allowed)[0]
              for name, allowed in (("active", LIMIT_ACTIVE), ("epochs", LIMIT_EPOCHS), ("minutes", LIMIT_MINUTES))]
    st.button(t("board_limits_save"), type="primary", disabled=wrong, on_click=save_limits,
              args=(*values, devices, choices), key="board_limits_save")
    if st.session_state.pop("board_limits_saved", False):
        st.success(t("board_limits_saved"), icon=":material/check_circle:")
    st.caption(limits_text(manager.limits))


def gpu_sharing_line() -> None:
    """One line for the teacher where runs train on this machine's CUDA GPU: whether NVIDIA MPS shares it."""
    placement = run_watch.manager().executor.placement()
    if placement.kind == "local" and "cuda" in placement.capacity:
        st.caption(t("board_mps_on" if placement.nvidia_mps else "board_mps_off"))


@wording.shows_user_errors
def render() -> None:
    st.title(t("board_title"))
    st.markdown(t("board_intro"))
    st.html(board_cards.CSS)
    active = board_rows.any_active()
    st.session_state["board_was_active"] = active
    turns.fragment(live_board, run_every=POLL_SECONDS if active else IDLE_POLL_SECONDS)()
    if "board_error" in st.session_state:
        st.error(st.session_state.pop("board_error"))
    if people.is_teacher():
        st.caption(run_watch.where_runs_train())
        gpu_sharing_line()
        queue_panel()
        if not people.single_user():
            limits_panel()
            teacher.panels(board_rows.rows(), board_cards.state_text)
    else:
        st.caption(limits_text(run_watch.manager().limits))


render()
