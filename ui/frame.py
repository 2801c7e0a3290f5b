"""The frame every page shares: settings kept across pages, projector CSS, user errors shown as one line,
and durations in the reader's language."""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import threading
import time
from pathlib import Path
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gan_core.devices import cpu_cores
from gan_core.errors import GanLabError
from gan_core.notes import Note

from .i18n import STRINGS, plural, t


KEEP = "keep_"  # widgets whose keys start with this keep their values when the user visits other pages
# The app's icon (ui/favicon.png, 783 bytes) as a data URL: served inside the page, nothing fetched or re-read.
FAVICON = "data:image/png;base64," + base64.b64encode((Path(__file__).parent / "favicon.png").read_bytes()).decode("ascii")


def keep_settings_across_pages() -> None:
    """Streamlit forgets a widget's value when its page is left; re-storing it keeps the user's choices."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(KEEP):
            st.session_state[key] = st.session_state[key]


def default(key: str, value: object) -> None:
    """A widget's first value, set once in Session State (passing value= as well would make Streamlit warn)."""
    if key not in st.session_state:
        st.session_state[key] = value


# A value the app puts in a widget (Start's next run name, Random's slider positions) reaches the browser with the
# script run's drawing. A poll that the browser sent before then (a fragment's run_every) carries the widget's old
# value, and Streamlit takes the browser's values over the app's: the click looks undone (the Train page offered
# the name of the run just started, "it exists", and disabled Start). For ECHO_SECONDS after the app sets a
# widget, its old value coming back in a fragment's run is taken for that stale echo and the app's value is put
# back. A whole page's run is a person's doing (a click, a changed field): the values it brings stay.
ECHO_SECONDS = 5.0
_SET = "frame_set_widgets"  # {key: (old value, new value, when)}


def set_widget(key: str, value: object) -> None:
    """Set a widget's value from the app (a callback, or the page before the widget is drawn)."""
    old = st.session_state.get(key)
    st.session_state[key] = value
    if old is not None and old != value:
        st.session_state.setdefault(_SET, {})[key] = (old, value, time.monotonic())


def fragment_run() -> bool:
    """Whether this script run is a fragment's (a poll, or a widget inside a fragment), not the whole page's."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def stale(key: str) -> bool:
    """Whether the widget holds the value the app replaced moments ago, brought back by a fragment's run: the
    browser's stale echo, not a choice (for on_change callbacks, which run before the script can put it back)."""
    entry = st.session_state.get(_SET, {}).get(key)
    return (entry is not None and time.monotonic() - entry[2] < ECHO_SECONDS and st.session_state.get(key) == entry[0]
            and fragment_run())


def undo_stale_echoes() -> None:
    """At the start of every run: in a fragment's, put back what the app set in a widget where a stale echo
    replaced it; in a whole page's, a value other than the app's is the person's choice, and stays."""
    entries = st.session_state.get(_SET)
    if not entries:
        return
    now, echo = time.monotonic(), fragment_run()
    for key, (old, new, when) in list(entries.items()):
        value = st.session_state.get(key)
        if value == new and now - when < ECHO_SECONDS:
            continue  # still the app's: an echo may yet come
        if echo and value == old and now - when < ECHO_SECONDS:
            st.session_state[key] = new
        else:
            del entries[key]


def inject_css() -> None:
    """Crisp pixels when the browser scales a digit picture, and roomier text (captions, tables) for a projector."""
    st.html("""<style>
      [data-testid="stImage"] img, [data-testid="stFullScreenFrame"] img { image-rendering: pixelated; }
      [data-testid="stCaptionContainer"] { font-size: 1rem; }
      [data-testid="stTable"] table { font-size: 1.1rem; }
    </style>""")


# Script runs of all sessions that run the app's code at once (the rest wait their turn, asleep). Every session's
# script runs in a thread of one interpreter, and only one thread runs Python at a time: with 30 students, a
# dozen script threads were waiting for that lock at once, each woken every few milliseconds to ask for it, and
# Streamlit's own thread that sends the pages waited behind them all. On 2 cores (one of them the training's)
# one place: p95 page run 1.8x Streamlit's floor in every round, where it was 1.7x to 14x; with more cores two,
# so that one run's torch, image encoding or file reading overlaps another's Python (bench/classroom_load.py,
# README). `$GAN_LAB_PAGE_TURNS` sets it.
TURNS = int(os.environ.get("GAN_LAB_PAGE_TURNS", "0")) or (1 if cpu_cores() <= 2 else 2)
_turns = threading.BoundedSemaphore(TURNS)
_holding = threading.local()


@contextlib.contextmanager
def taking_turns():
    """Run the block when one of the TURNS places is free; a thread already holding one goes straight in (a page
    run draws its fragments inline)."""
    if getattr(_holding, "depth", 0):
        _holding.depth += 1
        try:
            yield
        finally:
            _holding.depth -= 1
        return
    _turns.acquire()
    _holding.depth = 1
    try:
        yield
    finally:
        _holding.depth = 0
        _turns.release()


@contextlib.contextmanager
def out_of_turn():
    """Give this thread's place to another page run while it waits for work done elsewhere (a measurement in the
    background thread), and take a turn again before going on."""
    depth = getattr(_holding, "depth", 0)
    if not depth:
        yield
        return
    _holding.depth = 0
    _turns.release()
    try:
        yield
    finally:
        _turns.acquire()
        _holding.depth = depth


def fragment(render: Callable[..., None], run_every: float | None = None) -> Callable[..., None]:
    """`st.fragment(render, run_every=...)` whose reruns take their turn like page runs do (app.py runs a page
    in its turn; a fragment's rerun runs only the fragment). Also a decorator: `@frame.fragment`."""
    @functools.wraps(render)
    def in_turn(*args: object, **kwargs: object) -> None:
        with taking_turns():
            if fragment_run():  # a page's run did it already, in app.py
                undo_stale_echoes()
            render(*args, **kwargs)

    return st.fragment(in_turn, run_every=run_every)


def shows_user_errors(render: Callable[..., None]) -> Callable[..., None]:
    """A page or fragment whose user-fixable failures (a corrupt checkpoint, a missing dataset...)
    become one clear message where the content would be, never a traceback."""
    @functools.wraps(render)
    def guarded(*args: object, **kwargs: object) -> None:
        try:
            render(*args, **kwargs)
        except GanLabError as error:
            st.error(error_text(error), icon=":material/error:")

    return guarded


def error_text(error: GanLabError | None = None, *, code: str = "", params: dict | None = None, detail: str = "") -> str:
    """A gan_core error in the reader's language, about the app's controls (not the CLI's flags): the text of
    its code from ui/strings/errors.py, filled with its params. Also for errors kept as (code, params, message),
    like a failed job's. A code without a text falls back to its kind's sentence with the English detail."""
    if error is not None:
        code, params, detail = error.code, error.params, str(error)
    key = f"error_{code}"
    if key not in STRINGS:
        return t("error_error", detail=detail)
    try:
        return t(key, **{**(params or {}), "detail": detail})
    except (KeyError, IndexError):  # a text naming a value the error did not give: say it plainly
        return t("error_error", detail=detail)


def note_text(note: Note) -> str:
    """Why a run is in its status (gan_core.notes), in the reader's language: a user error like any other
    library error, every other code by its text in ui/strings/run_notes.py; a note without a code (a run
    saved before notes had codes) as its English line."""
    if note.code == "user_error":
        return error_text(code=str(note.params.get("error_code") or ""), params=note.params.get("error_params") or {},
                          detail=note.message)
    key = f"note_{note.code}"
    if not note.code or key not in STRINGS:
        return note.message
    values = {name: "—" if value in ("", None) else value for name, value in note.params.items()}
    if "epochs" in values:
        values["epochs_text"] = plural("n_epochs", int(values["epochs"]))
    try:
        return t(key, **values)
    except (KeyError, IndexError, ValueError):
        return note.message


def format_seconds(seconds: float | None) -> str:
    """'1 h 5 min', '2 min 10 s', '40 s' in the current language."""
    if seconds is None:
        return "…"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return t("time_h_min", h=hours, m=minutes)
    if minutes:
        return t("time_min_s", m=minutes, s=secs)
    return t("time_s", s=secs)
