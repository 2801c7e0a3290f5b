"""What the library says, in the reader's language: user errors as one line, why a run ended, durations."""

from __future__ import annotations

import functools
from typing import Callable

import streamlit as st

from gan_core.errors import GanLabError
from gan_core.runs.notes import Note

from .i18n import STRINGS, plural, t


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
    """Why a run is in its status (gan_core.runs.notes), in the reader's language: a user error like any other
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
