"""Who is using this session: the student's display name (kept in the URL as ?student=NAME), teacher
mode behind a password, and the `Actor` the pages hand to the library, which enforces the rules.

With no teacher password configured (neither `$GAN_LAB_TEACHER_PASSWORD` nor `teacher_password` in
.streamlit/secrets.toml) the app is in single-user mode: this session may manage every run, as the
machine's owner would. Pages only hide the buttons the library would refuse.
"""

from __future__ import annotations

import os
import secrets
import time

import streamlit as st

from gan_core.classroom.access import Actor, TeacherGate, may_manage, validate_person_name
from gan_core.errors import AccessError, GanLabError

from .widgets import set_widget, stale
from .wording import error_text
from .i18n import t

PASSWORD_ENV = "GAN_LAB_TEACHER_PASSWORD"
STUDENT = "student"  # Session State key of the display name, and the URL's ?student=
TEACHER = "people_teacher"  # True once this session unlocked teacher mode
NAME_BOX, PASSWORD_BOX = "people_name_box", "people_password_box"


SECRETS_READ_EVERY = 5.0  # seconds: a secrets.toml written while the server runs counts within this
_secrets_read: tuple[float, str] | None = None  # (when, what): the same for every session of the server


def teacher_password() -> str:
    """The configured teacher password ("" when none: single-user mode). Never shown or logged.

    Streamlit looks for secrets.toml again on every call while there is none (several calls per page run
    of every student); the answer is read at most every few seconds, once for the whole server."""
    global _secrets_read
    configured = os.environ.get(PASSWORD_ENV, "")
    if configured:
        return configured
    now = time.monotonic()
    if _secrets_read is None or now - _secrets_read[0] > SECRETS_READ_EVERY:
        try:
            password = str(st.secrets.get("teacher_password", "") or "")
        except Exception:  # noqa: BLE001 - no secrets.toml (or an unreadable one) means no password
            password = ""
        _secrets_read = (now, password)
    return _secrets_read[1]


def single_user() -> bool:
    return not teacher_password()


def student_name() -> str:
    """The session's display name: from the URL (a reload, a shared link), else the one given or
    generated earlier in this session, else a fresh generated one. Written back into the URL."""
    requested = st.query_params.get(STUDENT)
    if requested and requested != st.session_state.get(STUDENT):
        try:
            st.session_state[STUDENT] = validate_person_name(requested)
        except GanLabError:
            pass
    if STUDENT not in st.session_state:
        st.session_state[STUDENT] = f"{t('people_generated_prefix')}-{1000 + secrets.randbelow(9000)}"
    name = st.session_state[STUDENT]
    if st.query_params.get(STUDENT) != name:
        st.query_params[STUDENT] = name
    return name


def is_teacher() -> bool:
    """Whether this session may manage every run: unlocked teacher mode, or single-user mode."""
    return single_user() or bool(st.session_state.get(TEACHER))


def actor() -> Actor:
    """The person acting in this session, as the library wants them."""
    return Actor(student_name(), teacher=is_teacher())


def may(owner: str) -> bool:
    """Whether this session may stop, resume, rename or delete a run of that owner (the library's rule)."""
    return may_manage(actor(), owner)


def owner_label(owner: str) -> str:
    """How an owner is shown: the name, "you" added for this session's, "—" for a run without one."""
    if not owner:
        return "—"
    return t("people_you", name=owner) if owner == student_name() else owner


def stopped_by_text(record: dict | None) -> str:
    """One line saying who stopped a run (its owner, the teacher, or the class time limit); "" when unknown."""
    if not record:
        return ""
    if "limit_minutes" in record:
        return t("people_stopped_by_limit", minutes=record["limit_minutes"])
    name = str(record.get("name") or "")
    if record.get("teacher") and not single_user():
        return t("people_stopped_by_teacher", name=name) if name else t("people_stopped_by_teacher_only")
    return t("people_stopped_by", name=name) if name else ""


def _rename_self() -> None:
    if stale(NAME_BOX):  # the refused name, echoed back by a poll: refused already
        return
    try:
        st.session_state[STUDENT] = validate_person_name(st.session_state.get(NAME_BOX, ""))
    except GanLabError as error:
        st.session_state["people_name_error"] = error_text(error)
        set_widget(NAME_BOX, st.session_state[STUDENT])
    else:
        st.query_params[STUDENT] = st.session_state[STUDENT]


def _unlock() -> None:
    """The password is read from its box, compared in constant time, and the box emptied at once."""
    given = st.session_state.get(PASSWORD_BOX, "")
    st.session_state[PASSWORD_BOX] = ""  # not set_widget: that would keep the password to spot a stale echo
    gate = st.session_state.setdefault("people_gate", TeacherGate())
    try:
        gate.attempt(given, teacher_password())  # during the wait after a wrong one: refused unchecked
    except AccessError as error:
        st.session_state["people_error"] = error_text(error)
    else:
        st.session_state[TEACHER] = True


def _lock() -> None:
    st.session_state[TEACHER] = False


def sidebar() -> None:
    """The sidebar's "who am I": the name (changeable), the mode, and teacher mode's lock."""
    name = student_name()
    if st.session_state.get(NAME_BOX) is None:
        st.session_state[NAME_BOX] = name
    st.text_input(t("people_name"), key=NAME_BOX, max_chars=32, on_change=_rename_self, help=t("people_name_help"))
    if "people_name_error" in st.session_state:
        st.error(st.session_state.pop("people_name_error"))
    if single_user():
        st.caption(t("people_single_user"))
        return
    if st.session_state.get(TEACHER):
        st.success(t("people_teacher_on"), icon=":material/school:")
        st.button(t("people_teacher_leave"), on_click=_lock, key="people_leave", width="stretch")
        return
    st.caption(t("people_student_mode", name=name))
    refused = st.session_state.pop("people_error", None)
    with st.expander(t("people_teacher_h"), icon=":material/lock:", expanded=refused is not None):
        st.text_input(t("people_password"), type="password", key=PASSWORD_BOX)
        st.button(t("people_unlock"), on_click=_unlock, key="people_unlock", width="stretch")
    if refused is not None:
        st.error(refused, icon=":material/lock:")
