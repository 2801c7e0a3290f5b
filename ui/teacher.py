"""The teacher's controls on the class board, for running a lesson: how the class joins (the address, its QR
code, a printable sheet of per-student links), the held names (release one), the last actions (the audit
log), and the lesson itself (export the results, reset the class, where the shipped runs stand).

The teacher's screen is on the projector: nothing here shows a key. A roster's links (which carry keys)
only go into the downloaded sheet.
"""

from __future__ import annotations

import ipaddress
import socket
from datetime import datetime

import streamlit as st
from streamlit import config as streamlit_config

from gan_core.classroom.audit import SHOWN_TO_TEACHER, AuditEntry, AuditLog
from gan_core.classroom.identity import RosterError
from gan_core.classroom.join import SheetWords, join_link, qr_png, roster_sheet
from gan_core.classroom.lesson import RESULT_COLUMNS, SHIPPED_ON_BOARD, ClassResult, reset_class, results_csv, \
    set_shipped_on_board, shipped_on_board
from gan_core.errors import GanLabError
from gan_core.runs.checkpoints import default_checkpoints_dir

from . import board_rows, people, run_watch, wording
from .i18n import language, plural, t

SHEET = "teacher_sheet"  # the roster's printable sheet (bytes) until the teacher downloads it
CONFIRM_RESET = "teacher_confirm_reset"


# --- joining ---------------------------------------------------------------------------------------------
def server_address() -> str:
    """The address students open, from Streamlit's own config as it prints it at start: `browser.serverAddress`
    when set, else a specific `server.address`, else this machine's address on the network; then the port the
    browser sees and the base path."""
    option = streamlit_config.get_option
    if streamlit_config.is_manually_set("browser.serverAddress"):
        host = option("browser.serverAddress")
    elif streamlit_config.is_manually_set("server.address") and option("server.address") not in ("0.0.0.0", "::"):  # noqa: S104
        host = option("server.address")
    else:
        host = lan_address()
    port = option("browser.serverPort") if streamlit_config.is_manually_set("browser.serverPort") else option("server.port")
    base = option("server.baseUrlPath").strip("/")
    scheme = "https" if option("server.sslCertFile") else "http"
    return f"{scheme}://{host}:{port}" + (f"/{base}" if base else "")


def lan_address() -> str:
    """This machine's address on its network (the one its default route leaves from; nothing is sent), or
    127.0.0.1 when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet leaves: connecting a UDP socket only picks a route
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def only_this_machine(address: str) -> bool:
    """Whether the address is this machine's own (no network): other computers cannot open it."""
    host = address.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@st.cache_data(show_spinner=False, max_entries=8)
def _qr(link: str) -> bytes:
    return qr_png(link)


def join_panel() -> None:
    """The address and its QR code, large enough for the back row; then the roster's sheet of links."""
    address = server_address()
    link = join_link(address, language=language())
    text_col, qr_col = st.columns([3, 2], gap="large", vertical_alignment="center")
    with text_col:
        st.markdown(t("teacher_join_intro"))
        st.markdown(f"## `{address}`")  # what students type: the language is in the QR code's link
        if only_this_machine(address):
            st.warning(t("teacher_join_loopback"), icon=":material/wifi_off:")
        st.caption(t("teacher_join_names"))
    with qr_col:
        st.image(_qr(link), width=260, caption=t("teacher_join_qr"))
    roster_form(address)


def roster_form(address: str) -> None:
    """Names pasted one a line: each gets its link (its name claimed now), all in one printable sheet. Any
    problem line is one sentence, and then no name is claimed."""
    with st.form("teacher_roster"):
        st.text_area(t("teacher_roster_names"), key="teacher_roster_text", height=150,
                     placeholder=t("teacher_roster_placeholder"), help=t("teacher_roster_help"))
        st.checkbox(t("teacher_roster_renew"), key="teacher_roster_renew", help=t("teacher_roster_renew_help"))
        made = st.form_submit_button(t("teacher_roster_make"), icon=":material/print:")
    if made:
        st.session_state.pop(SHEET, None)
        try:
            issued = people.claims().issue_roster(st.session_state.get("teacher_roster_text", ""), by=people.actor(),
                                                  renew=bool(st.session_state.get("teacher_roster_renew")))
        except RosterError as error:
            for problem in error.problems:
                st.error(t(f"teacher_{problem.code}", line=problem.line, name=problem.name), icon=":material/error:")
        except GanLabError as error:
            st.error(wording.error_text(error))
        else:
            words = SheetWords(t("teacher_sheet_title"), t("teacher_sheet_intro"), t("teacher_sheet_address"))
            st.session_state[SHEET] = (len(issued), roster_sheet(address, issued, words, language()))
    if SHEET in st.session_state:
        count, sheet = st.session_state[SHEET]
        st.success(t("teacher_roster_ready", links=plural("n_links", count)), icon=":material/check_circle:")
        st.download_button(t("teacher_roster_download"), data=sheet, file_name="gan-lab-join-links.html",
                           mime="text/html", icon=":material/download:", on_click="ignore")


# --- names -------------------------------------------------------------------------------------------------
def release(name: str) -> None:
    try:
        released = people.claims().release(name, by=people.actor())
    except GanLabError as error:
        st.session_state["teacher_names_error"] = wording.error_text(error)
    else:
        st.session_state["teacher_released"] = released
        st.session_state.pop("teacher_release_pick", None)


def names_panel() -> None:
    """Every held name with when it was taken; release one (a student who lost their link takes it again)."""
    held = people.claims().claims()
    if "teacher_released" in st.session_state:
        st.success(t("teacher_released", name=st.session_state.pop("teacher_released")), icon=":material/lock_open:")
    if "teacher_names_error" in st.session_state:
        st.error(st.session_state.pop("teacher_names_error"))
    if not held:
        st.caption(t("teacher_names_none"))
        return
    st.caption(t("teacher_names_count", names=plural("n_names", len(held))))
    st.dataframe({t("teacher_col_name"): [claim.name for claim in held],
                  t("teacher_col_since"): [people.clock(claim.claimed) for claim in held],
                  t("teacher_col_teacher"): [claim.teacher for claim in held]},
                 hide_index=True, width="stretch", height=min(400, 38 + 35 * len(held)))
    pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    choice = pick_col.selectbox(t("teacher_release_pick"), [claim.name for claim in held], index=None,
                                key="teacher_release_pick", placeholder=t("teacher_release_placeholder"))
    button_col.button(t("teacher_release"), icon=":material/lock_open:", disabled=choice is None, on_click=release,
                      args=(choice,), key="teacher_release_button", width="stretch")
    st.caption(t("teacher_release_help"))


# --- the audit log -------------------------------------------------------------------------------------------
def who_text(entry: AuditEntry) -> str:
    if entry.teacher and entry.who:
        return t("teacher_audit_teacher", name=entry.who)
    if entry.teacher:
        return t("teacher_audit_machine")
    return entry.who or "—"


def details_text(entry: AuditEntry) -> str:
    """What an audit line's details say, in the reader's words (never a key: the log holds none)."""
    details = entry.details
    if entry.action == "rename":
        return t("teacher_audit_to", name=details.get("to", "—"))
    if entry.action == "import" and details.get("imported_from"):
        return t("teacher_audit_from", name=details["imported_from"])
    if entry.action == "resume":
        return plural("n_epochs", int(details.get("epochs", 0) or 0))
    if entry.action == "queue":
        return t("queue_place", place=details.get("place", "—"))
    if entry.action == "release":
        return str(details.get("name", ""))
    if entry.action == "roster":
        return ", ".join(details.get("names", []))
    if entry.action == "reset":
        return t("teacher_audit_reset", archive=details.get("archive", ""), runs=plural("n_runs", len(details.get("runs", []))))
    if entry.action == "board":
        return t(f"teacher_shipped_{details.get('shipped', 'ranked')}")
    if entry.action == "limits":
        none = t("board_no_limit")
        return t("board_limits_now", active=details.get("max_active_per_student") or none,
                 epochs=details.get("max_epochs") or none, minutes=details.get("max_minutes") or none,
                 devices=", ".join(details.get("devices") or []) or t("board_all_devices"))
    owner = details.get("owner")
    return t("people_owner", name=owner) if owner else ""


def audit_panel() -> None:
    """The last actions that changed who has what: newest first."""
    entries = AuditLog(default_checkpoints_dir()).tail(SHOWN_TO_TEACHER)
    if not entries:
        st.caption(t("teacher_audit_none"))
        return
    st.dataframe({t("teacher_col_time"): [people.clock(entry.time) for entry in entries],
                  t("teacher_col_who"): [who_text(entry) for entry in entries],
                  t("teacher_col_action"): [t(f"teacher_action_{entry.action}") for entry in entries],
                  t("col_name"): [entry.run for entry in entries],
                  t("teacher_col_details"): [details_text(entry) for entry in entries]},
                 hide_index=True, width="stretch")
    st.caption(t("teacher_audit_caption", n=SHOWN_TO_TEACHER))


# --- the lesson ----------------------------------------------------------------------------------------------
def results(rows: list[board_rows.BoardRow], state_text) -> list[ClassResult]:
    """The students' runs (every run but the shipped ones) as the results table has them, best first."""
    found = []
    for row in sorted(rows, key=board_rows.rank_key):
        if row.shipped:
            continue
        covered = row.quality.get("classes_covered")
        found.append(ClassResult(row.owner, row.name, row.model, row.epochs_done, row.quality.get("fid_ratio"),
                                 None if covered is None else int(covered), state_text(row)))
    return found


def export_button(rows: list[board_rows.BoardRow], state_text) -> None:
    headers = {column: t(f"teacher_csv_{column}") for column in RESULT_COLUMNS}
    russian = language() == "ru"
    data = results_csv(results(rows, state_text), headers, delimiter=";" if russian else ",",
                       decimal="," if russian else ".")
    st.download_button(t("teacher_export"), data=data, file_name=f"gan-lab-results-{datetime.now():%Y-%m-%d}.csv",
                       mime="text/csv", icon=":material/table_view:", on_click="ignore", help=t("teacher_export_help"))


def reset() -> None:
    st.session_state.pop(CONFIRM_RESET, None)
    root = default_checkpoints_dir()
    try:
        done = reset_class(root, by=people.actor(), busy=run_watch.manager().active_names(root))
    except GanLabError as error:
        st.session_state["teacher_reset_error"] = wording.error_text(error)
    else:
        st.session_state["teacher_reset_done"] = t("teacher_reset_done", runs=plural("n_runs", len(done.runs)),
                                                   archive=done.archive.name)


def reset_controls() -> None:
    """Reset the class, after a confirmation: every run but the shipped ones into one dated .zip, then removed."""
    if "teacher_reset_done" in st.session_state:
        st.success(st.session_state.pop("teacher_reset_done"), icon=":material/inventory_2:")
    if "teacher_reset_error" in st.session_state:
        st.error(st.session_state.pop("teacher_reset_error"))
    if st.session_state.get(CONFIRM_RESET):
        st.warning(t("teacher_reset_confirm"), icon=":material/warning:")
        yes, no = st.columns(2)
        yes.button(t("teacher_reset_yes"), type="primary", on_click=reset, key="teacher_reset_yes", width="stretch")
        no.button(t("cancel"), on_click=lambda: st.session_state.pop(CONFIRM_RESET, None), key="teacher_reset_no",
                  width="stretch")
    else:
        st.button(t("teacher_reset"), icon=":material/restart_alt:", key="teacher_reset",
                  on_click=lambda: st.session_state.update({CONFIRM_RESET: True}), help=t("teacher_reset_help"))


def set_shipped() -> None:
    try:
        set_shipped_on_board(st.session_state["teacher_shipped"], default_checkpoints_dir(), by=people.actor())
    except GanLabError as error:
        st.session_state["teacher_lesson_error"] = wording.error_text(error)


def shipped_choice() -> None:
    st.session_state["teacher_shipped"] = shipped_on_board(default_checkpoints_dir())
    st.radio(t("teacher_shipped"), SHIPPED_ON_BOARD, key="teacher_shipped", horizontal=True, on_change=set_shipped,
             format_func={mode: t(f"teacher_shipped_{mode}") for mode in SHIPPED_ON_BOARD}.__getitem__)


def lesson_panel(rows: list[board_rows.BoardRow], state_text) -> None:
    if "teacher_lesson_error" in st.session_state:
        st.error(st.session_state.pop("teacher_lesson_error"))
    shipped_choice()
    export_col, reset_col = st.columns(2, gap="large")
    with export_col:
        export_button(rows, state_text)
    with reset_col:
        reset_controls()


def panels(rows: list[board_rows.BoardRow], state_text) -> None:
    """The teacher's controls, each folded away until needed (the board stays the projector's main view)."""
    st.subheader(t("teacher_h"))
    with st.expander(t("teacher_join_h"), icon=":material/qr_code_2:"):
        join_panel()
    with st.expander(t("teacher_lesson_h"), icon=":material/school:"):
        lesson_panel(rows, state_text)
    with st.expander(t("teacher_names_h"), icon=":material/badge:"):
        names_panel()
    with st.expander(t("teacher_audit_h"), icon=":material/history:"):
        audit_panel()
