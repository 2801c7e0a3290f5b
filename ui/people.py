"""Who is using this session: the student's name, held with its key (gan_core.classroom.identity), teacher
mode behind a password, and the `Actor` the pages hand to the library, which enforces the rules.

A student's name and key live in the session and in the page's address (`?student=anna&key=...`), so a
reload, a bookmark or a second tab stays anna; another session asking for anna without the key is refused
with one sentence and keeps its own name. A session that has not taken a name yet has a made-up one that
nobody holds (nothing is written, nothing is in the address) until it types a name or starts a run.

The teacher's browser is on the projector, address bar included: teacher mode is kept in a cookie (a pass
the server forgets on restart or sign-out), and the teacher's name never carries its key in the address.

With no teacher password configured (neither `$GAN_LAB_TEACHER_PASSWORD` nor `teacher_password` in
.streamlit/secrets.toml) the app is in single-user mode: this session may manage every run, as the
machine's owner would, and names are not held. Pages only hide the buttons the library would refuse.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from datetime import datetime

import streamlit as st

from gan_core.classroom.access import Actor, TeacherGate, may_manage, validate_person_name
from gan_core.classroom.audit import AuditEntry
from gan_core.classroom.identity import NameClaims, name_claims, name_id, teacher_passes
from gan_core.errors import AccessError, GanLabError
from gan_core.jobs.manager import get_job_manager
from gan_core.runs.checkpoints import default_checkpoints_dir

from . import browser_cookie
from .widgets import set_widget, stale
from .wording import error_text
from .i18n import t

PASSWORD_ENV = "GAN_LAB_TEACHER_PASSWORD"
STUDENT = "student"  # Session State key of the display name, and the URL's ?student=
KEY = "key"  # the URL's ?key= (the name's key)
TEACHER = "people_teacher"  # True once this session unlocked teacher mode
NAME_BOX, PASSWORD_BOX = "people_name_box", "people_password_box"
KEYS = "people_keys"  # {name_id: key} of every name this session holds
MADE_UP = "people_made_up"  # True while the session's name is a made-up one that nobody holds yet
PASS = "people_pass"  # this session's teacher pass (the cookie's value)
ADDRESS_SEEN = "people_address_seen"  # the (?student, ?key) last read from or written to the address
NOTICES = "people_notices"  # sentences about the name, shown once at the top of the page
COOKIE = "gan_lab_teacher"
WAS_TEACHER = "people_was_teacher"  # this browser tab was the teacher's: its address never gets a key
CLAIMED_HERE = "people_claimed_here"  # name_ids this session claimed itself (not opened from a link)
BOX_BEHIND = "people_box_behind"  # the name changed since the name box was drawn: it shows the new one next
CLEAR_COOKIE = "people_clear_cookie"


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


def claims() -> NameClaims:
    """The held names of the class (the checkpoints folder's), shared by every session."""
    return name_claims(default_checkpoints_dir())


# --- who this session is ---------------------------------------------------------------------------
def identify() -> None:
    """Once per page run, before anything reads the name: the teacher's cookie, the address's name and key,
    and whether the session still holds its name (the teacher may have released it). Written back to the
    address: a student's name and key; nothing for a made-up name or for the teacher."""
    if single_user():
        _identify_single_user()
        return
    _restore_teacher()
    _read_address()
    if STUDENT not in st.session_state:
        _make_up_name()
    _check_still_held()
    _write_address()


def student_name() -> str:
    """The session's display name (held, or made up and not yet held)."""
    if STUDENT not in st.session_state:
        identify()
    return st.session_state[STUDENT]


def holds_name() -> bool:
    """Whether this session holds its name (its runs are its own); always in single-user mode."""
    return single_user() or not st.session_state.get(MADE_UP, False)


def is_teacher() -> bool:
    """Whether this session may manage every run: unlocked teacher mode, or single-user mode."""
    return single_user() or bool(st.session_state.get(TEACHER))


def actor() -> Actor:
    """The person acting in this session, as the library wants them. A made-up name is nobody's yet: it
    manages no run (the name it would own runs under is claimed first: `claimed_actor`)."""
    return Actor(student_name() if holds_name() else "", teacher=is_teacher())


def claimed_actor() -> Actor:
    """The acting person for something that makes a run theirs (Start, a copy, an import): a made-up name is
    claimed first, so every run's owner is a name somebody holds."""
    if not holds_name():
        for _ in range(5):  # another session may take the made-up name first: make up another
            try:
                _take(student_name())
                break
            except AccessError:
                _make_up_name()
    return actor()


def may(owner: str) -> bool:
    """Whether this session may stop, resume, rename or delete a run of that owner (the library's rule)."""
    return may_manage(actor(), owner)


def owner_label(owner: str) -> str:
    """How an owner is shown: the name, "you" added for this session's, "—" for a run without one."""
    if not owner:
        return "—"
    return t("people_you", name=owner) if holds_name() and owner == student_name() else owner


def clock(iso: str) -> str:
    """When something happened, as a class reads it: 10:42 today, else 14.03 10:42."""
    try:
        when = datetime.fromisoformat(iso).astimezone()
    except (TypeError, ValueError):
        return ""
    return f"{when:%H:%M}" if when.date() == datetime.now().astimezone().date() else f"{when:%d.%m %H:%M}"


def stopped_by_text(record: dict | None) -> str:
    """One line saying who stopped a run (its owner, the teacher, or the class time limit), and when; "" when unknown."""
    if not record:
        return ""
    if "limit_minutes" in record:
        return t("people_stopped_by_limit", minutes=record["limit_minutes"])
    name, at = str(record.get("name") or ""), clock(str(record.get("at") or ""))
    if record.get("teacher") and not single_user():
        return t("people_stopped_by_teacher_at", time=at) if at else t("people_stopped_by_teacher_only")
    if not name:
        return ""
    return t("people_stopped_by_at", name=name, time=at) if at else t("people_stopped_by", name=name)


def gone_text(entry: AuditEntry | None) -> str:
    """Why a run this session was looking at is gone (an audit line: deleted, stopped while queued, renamed,
    the class reset), in one sentence with who and when; "" when the log does not say."""
    if entry is None or (entry.who == actor().name and entry.teacher == is_teacher()):
        return ""  # nothing, or this session's own doing (its page said so when it did it)
    who = t("people_by_teacher") if entry.teacher and not single_user() else (entry.who or t("people_by_someone"))
    values = {"name": entry.run, "who": who, "time": clock(entry.time)}
    if entry.action == "rename":
        return t("people_gone_rename", to=entry.details.get("to", "—"), **values)
    if entry.action == "reset":
        return t("people_gone_reset", archive=entry.details.get("archive", ""), **values)
    if entry.action in ("delete", "stop"):
        return t(f"people_gone_{entry.action}", **values)
    return ""


# --- the address and the cookie ------------------------------------------------------------------------
def _notice(text: str) -> None:
    notices = st.session_state.setdefault(NOTICES, [])
    if text not in notices:
        notices.append(text)


def _shown(value: str) -> str:
    """A value from the address, safe to put in a sentence: cut short, Markdown's special characters escaped."""
    value = value if len(value) <= 40 else value[:40] + "…"
    return re.sub(r"([\\`*_\[\]#|<>~$:])", r"\\\1", value)


def _identify_single_user() -> None:
    """One user, no held names: the address's name is taken as it is (a bad one is said once)."""
    requested = st.query_params.get(STUDENT)
    seen = st.session_state.get(ADDRESS_SEEN)
    if requested is not None and (requested, None) != seen and requested != st.session_state.get(STUDENT):
        try:
            st.session_state[STUDENT] = validate_person_name(requested)
        except GanLabError:
            _notice(_bad_name_text(requested))
    if STUDENT not in st.session_state:
        st.session_state[STUDENT] = _made_up()
    name = st.session_state[STUDENT]
    if st.query_params.get(STUDENT) != name:
        st.query_params[STUDENT] = name
    if KEY in st.query_params:
        del st.query_params[KEY]
    st.session_state[ADDRESS_SEEN] = (name, None)


def _bad_name_text(requested: str) -> str:
    if not requested.strip():
        return t("people_link_empty_name", me=_current_or_next())
    return t("people_link_bad_name", name=_shown(requested), me=_current_or_next())


def _current_or_next() -> str:
    if STUDENT not in st.session_state:
        _make_up_name()
    return st.session_state[STUDENT]


def _restore_teacher() -> None:
    """A browser that comes back with the teacher's cookie: teacher mode again, under the teacher's name, if the
    server still knows the pass; an old cookie (a restart, a sign-out elsewhere) is cleared."""
    token = st.session_state.get(PASS)
    if token is not None:
        if teacher_passes().check(token) is None:  # signed out in another tab
            st.session_state[TEACHER], st.session_state[PASS] = False, None
            st.session_state[CLEAR_COOKIE] = True
            _notice(t("people_teacher_ended"))
        return
    if st.session_state.get(TEACHER) or st.session_state.get("people_cookie_read"):
        return
    st.session_state["people_cookie_read"] = True
    token = browser_cookie.read(COOKIE)
    if not token:
        return
    found = teacher_passes().check(token)
    if found is None:
        st.session_state[CLEAR_COOKIE] = True
        return
    st.session_state[TEACHER], st.session_state[PASS] = True, token
    if found.key and claims().holds(found.name, found.key):
        _adopt(found.name, found.key)


def _read_address() -> None:
    """What the address asks for, when it changed since this session last looked (a link opened, a reload):
    a name to take, or a held name with its key. Each refusal is one sentence; the session keeps its name."""
    requested, key = st.query_params.get(STUDENT), st.query_params.get(KEY)
    if (requested, key) == st.session_state.get(ADDRESS_SEEN) or (requested is None and key is None):
        return
    st.session_state[ADDRESS_SEEN] = (requested, key)
    if st.session_state.get(TEACHER):
        if requested is not None and name_id(requested) != name_id(st.session_state.get(STUDENT, "")):
            _notice(t("people_teacher_keeps_name", name=_shown(requested)))
        return
    if requested is None:
        _notice(t("people_link_no_name"))
        return
    try:
        name = validate_person_name(requested)
    except GanLabError:
        _notice(_bad_name_text(requested))
        return
    if holds_name() and name_id(name) == name_id(st.session_state.get(STUDENT, "")) and \
            key in (None, _key_of(name)):
        return  # the name this session holds already
    held = claims().held(name)
    try:
        if held is None:
            _take(name)  # nobody holds it: the first to ask takes it (a released name, a new student)
        elif key is not None:
            _adopt(claims().verify(name, key), key)
        elif claims().holds(name, _key_of(name)):
            _adopt(held.name, _key_of(name))
        else:
            raise AccessError(f"the name {held.name!r} is held", code="name_held", name=held.name)
    except GanLabError as error:
        _notice(error_text(error) + " " + t("people_you_are", me=_current_or_next()))


def _write_address() -> None:
    """A student's held name and key into the address (a reload, a bookmark, a second tab); nothing for a
    made-up name, for the teacher, or for a name a teacher's session claimed (the projector shows it)."""
    name = st.session_state[STUDENT]
    hidden = st.session_state.get(TEACHER) or st.session_state.get(WAS_TEACHER)  # the projector's browser
    held = None if not holds_name() or hidden else claims().held(name)
    want = (name, _key_of(name)) if held is not None and not held.teacher else (None, None)
    for param, value in zip((STUDENT, KEY), want):
        if value is None:
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != value:
            st.query_params[param] = value
    st.session_state[ADDRESS_SEEN] = want


def _check_still_held() -> None:
    """The session's name must still be held with its key: released by the teacher, it is lost (one sentence)
    and the session gets a made-up one; a teacher's session takes its own name back."""
    if not holds_name():
        return
    name = st.session_state[STUDENT]
    if claims().holds(name, _key_of(name)):
        return
    if st.session_state.get(TEACHER):
        try:
            _take(name)
            return
        except GanLabError:
            pass
    _notice(t("people_name_released", name=name))
    _make_up_name()


def _key_of(name: str) -> str | None:
    return st.session_state.get(KEYS, {}).get(name_id(name))


def _adopt(name: str, key: str) -> None:
    """This session now is `name`, holding `key`."""
    st.session_state.setdefault(KEYS, {})[name_id(name)] = key
    st.session_state[STUDENT], st.session_state[MADE_UP] = name, False
    st.session_state[BOX_BEHIND] = True
    token = st.session_state.get(PASS)
    if token:
        teacher_passes().update(token, name, key)


def _take(name: str) -> None:
    """Claim a name for this session (a teacher's session may take a teacher's name back). Raises AccessError
    when someone holds it."""
    if st.session_state.get(TEACHER):
        taken, key = claims().take_as_teacher(name)
    else:
        taken, key = claims().claim(name)
    st.session_state.setdefault(CLAIMED_HERE, set()).add(name_id(taken))
    _adopt(taken, key)


@st.cache_resource(show_spinner=False)
def _names_made_up() -> set[str]:
    """Every name this server has made up, shared by its sessions: two students are never given one name (whoever
    has a name sees that name's runs as their own)."""
    return set()


def _made_up() -> str:
    held = claims() if not single_user() else None
    given = _names_made_up()
    try:  # who owns queued and training runs, on this server or another of the class
        owners = get_job_manager().active_owners()
    except GanLabError:  # no manager (the cluster does not answer): the page says so where it needs one
        owners = set()
    for _ in range(100):
        name = f"{t('people_generated_prefix')}-{1000 + secrets.randbelow(9000)}"
        if name not in given and name not in owners and (held is None or held.held(name) is None):
            break
    given.add(name)
    return name


def _make_up_name() -> None:
    st.session_state[STUDENT], st.session_state[MADE_UP] = _made_up(), True
    st.session_state[BOX_BEHIND] = True


# --- the sidebar -----------------------------------------------------------------------------------------
def _rename_self() -> None:
    if stale(NAME_BOX):  # the refused name, echoed back by a poll: refused already
        return
    current = st.session_state[STUDENT]
    try:
        name = validate_person_name(st.session_state.get(NAME_BOX, ""))
        if single_user():
            st.session_state[STUDENT] = name
            return
        if holds_name() and name_id(name) == name_id(current):
            set_widget(NAME_BOX, current)
            return
        if claims().holds(name, _key_of(name)):  # a name this session took earlier
            _adopt(claims().held(name).name, _key_of(name))
        else:
            _take(name)
    except GanLabError as error:
        st.session_state["people_name_error"] = error_text(error)
        set_widget(NAME_BOX, current)


def _unlock() -> None:
    """The password (read from the form, which empties its box) is compared in constant time; right, it makes a
    teacher pass that the browser keeps as a cookie, and the session's name is claimed as the teacher's."""
    given = st.session_state.get(PASSWORD_BOX, "")
    st.session_state[PASSWORD_BOX] = ""  # not set_widget: that would keep the password to spot a stale echo
    gate = st.session_state.setdefault("people_gate", TeacherGate())
    try:
        gate.attempt(given, teacher_password())  # during the wait after a wrong one: refused unchecked
    except AccessError as error:
        st.session_state["people_error"] = error_text(error)
        return
    st.session_state[TEACHER] = st.session_state[WAS_TEACHER] = True
    name = st.session_state[STUDENT]
    try:  # the name becomes a teacher's, with a new key: one the projector showed before now opens nothing
        if not holds_name():  # a made-up name: the teacher's runs say "teacher" (unless a student took that)
            name = t("people_teacher_name") if claims().held(t("people_teacher_name")) is None or \
                claims().held(t("people_teacher_name")).teacher else name
            _take(name)
        elif name_id(name) in st.session_state.get(CLAIMED_HERE, set()):
            _adopt(*claims().take_as_teacher(name, _key_of(name)))
    except GanLabError:  # someone took the name meanwhile
        _make_up_name()
    name = st.session_state[STUDENT]
    st.session_state[PASS] = teacher_passes().issue(name, _key_of(name) if holds_name() else None)
    st.session_state.pop(CLEAR_COOKIE, None)


def _lock() -> None:
    """Sign out: the server forgets the pass (every tab of it ends) and the browser its cookie."""
    teacher_passes().revoke(st.session_state.get(PASS))
    st.session_state[TEACHER], st.session_state[PASS] = False, None
    st.session_state[CLEAR_COOKIE] = True


def keep_cookie() -> None:
    """The browser's cookie in step with the session's teacher pass: kept while unlocked, cleared on sign-out or
    when the server no longer knows it. An element of no size: drawn last in the sidebar, where it takes no room."""
    if st.session_state.get(PASS):
        browser_cookie.write(COOKIE, st.session_state[PASS], key="people_cookie")
    elif st.session_state.pop(CLEAR_COOKIE, False):
        browser_cookie.clear(COOKIE, key="people_cookie")


def teacher_control() -> None:
    """Top of the sidebar: the teacher's lock (a password form: Enter submits) or, unlocked, sign-out."""
    if single_user():
        return
    if st.session_state.get(TEACHER):
        st.success(t("people_teacher_on"), icon=":material/school:")
        st.button(t("people_teacher_leave"), on_click=_lock, key="people_leave", width="stretch",
                  icon=":material/logout:", help=t("people_teacher_on_help"))
        return
    refused = st.session_state.pop("people_error", None)
    with st.expander(t("people_teacher_h"), icon=":material/lock:", expanded=refused is not None):
        if refused is not None:  # above the box: in view on a 720-pixel projector
            st.error(refused, icon=":material/lock:")
        with st.form("people_teacher_form", border=False, clear_on_submit=True):
            st.text_input(t("people_password"), type="password", key=PASSWORD_BOX, help=t("people_password_help"))
            st.form_submit_button(t("people_unlock"), on_click=_unlock, key="people_unlock", width="stretch")


def name_control() -> None:
    """The sidebar's "who am I": the name (changeable) and what this session may do."""
    name = student_name()
    if st.session_state.pop(BOX_BEHIND, False) or st.session_state.get(NAME_BOX) is None:
        set_widget(NAME_BOX, name)
    st.text_input(t("people_name"), key=NAME_BOX, max_chars=32, on_change=_rename_self, help=t("people_name_help"))
    if "people_name_error" in st.session_state:
        st.error(st.session_state.pop("people_name_error"))
    if single_user():
        st.caption(t("people_single_user"))
    elif not holds_name():
        st.caption(t("people_made_up_name"))
    elif not is_teacher():
        st.caption(t("people_student_mode", name=name))


def notices() -> None:
    """What happened to this session's name (a refused link, a released name), once, at the top of the page."""
    for text in st.session_state.pop(NOTICES, []):
        st.warning(text, icon=":material/badge:")
