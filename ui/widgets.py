"""Widget values the app keeps and repairs: settings kept across pages, values set by the app, and the
browser's stale echoes of them undone."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx


KEEP = "keep_"  # widgets whose keys start with this keep their values when the user visits other pages


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
# back. A whole page's run is a person's doing (a click, a changed field): the values it brings stay, except for a
# widget whose old value no person would choose again (the name of the run just started: it is taken).
ECHO_SECONDS = 5.0
_SET = "frame_set_widgets"  # {key: (old value, new value, when, whether any run's echo is undone)}


def set_widget(key: str, value: object, old_is_never_chosen: bool = False) -> None:
    """Set a widget's value from the app (a callback, or the page before the widget is drawn). With
    `old_is_never_chosen`, the old value coming back within ECHO_SECONDS is an echo in a whole page's run too."""
    old = st.session_state.get(key)
    st.session_state[key] = value
    if old is not None and old != value:
        st.session_state.setdefault(_SET, {})[key] = (old, value, time.monotonic(), old_is_never_chosen)


def fragment_run() -> bool:
    """Whether this script run is a fragment's (a poll, or a widget inside a fragment), not the whole page's."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def stale(key: str) -> bool:
    """Whether the widget holds the value the app replaced moments ago, brought back by a fragment's run: the
    browser's stale echo, not a choice (for on_change callbacks, which run before the script can put it back)."""
    entry = st.session_state.get(_SET, {}).get(key)
    return (entry is not None and time.monotonic() - entry[2] < ECHO_SECONDS and st.session_state.get(key) == entry[0]
            and (entry[3] or fragment_run()))


def undo_stale_echoes() -> None:
    """At the start of every run: in a fragment's, put back what the app set in a widget where a stale echo
    replaced it; in a whole page's, a value other than the app's is the person's choice, and stays."""
    entries = st.session_state.get(_SET)
    if not entries:
        return
    now, echo = time.monotonic(), fragment_run()
    for key, (old, new, when, anywhere) in list(entries.items()):
        value = st.session_state.get(key)
        if value == new and now - when < ECHO_SECONDS:
            continue  # still the app's: an echo may yet come
        if (echo or anywhere) and value == old and now - when < ECHO_SECONDS:
            st.session_state[key] = new
        else:
            del entries[key]
