"""Number fields that never ignore what was typed.

st.number_input checks a value in the browser: beyond its range it keeps the old value and says so only in an
English hover, and "1e9" or "3.7" in a whole-number field become 1 and 3 without a word; the server never sees
what was typed. These fields are text fields read here instead (gan_core.config.parse_number: a decimal comma,
digits grouped by spaces): what was typed stays in the field, and a value that cannot be used says why under it,
in the page's language.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from gan_core.config import SEEDS, FieldError, Range, check_number

from .i18n import t

SEED = SEEDS  # a seed typed on any page allows what a run's seed does


def text_of(value: Any) -> str:
    """A number as the field shows it: 7, 0.0002, 2e-05 (floats in their shortest form), text as it is."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def shown(value: Any) -> str:
    """A value in an error line: a number as the field would show it; text as typed, trimmed."""
    return value.strip() if isinstance(value, str) else text_of(value)


def problem_text(error: FieldError, value: Any) -> str:
    """What is wrong with a number, and the range the field allows, in the page's language."""
    allowed = error.allowed
    range_text = t(f"settings_range_{allowed.kind}", low=text_of(allowed.low), high=text_of(allowed.high)) if allowed else ""
    return t(f"settings_err_{error.code}", value=shown(value), range=range_text)


def as_text(key: str) -> None:
    """Make the field's value text (a page's default, or a value the app set, may be a number). Only before the
    field is drawn in a script run, as for every widget value the app sets."""
    value = st.session_state.get(key)
    if value is not None and not isinstance(value, str):
        st.session_state[key] = text_of(value)


def read(key: str, allowed: Range) -> tuple[Any, FieldError | None]:
    """The field's value as a number in the range, or what is wrong with it (for on_change callbacks too)."""
    return check_number(key, st.session_state.get(key, ""), allowed)


def number_field(label: str, key: str, allowed: Range, *, help: str | None = None,
                 on_change: Callable[..., None] | None = None, args: tuple = ()) -> Any:
    """A number field in the current container (a column), with a line under it when its text cannot be used.

    Returns the number to use: the typed one when it is allowed, else the last allowed one (the page goes on
    showing that, and the line under the field says why the new text is not used)."""
    as_text(key)
    st.text_input(label, key=key, help=help, on_change=on_change, args=args)
    value, problem = read(key, allowed)
    accepted = f"{key}::accepted"
    if problem is None:
        st.session_state[accepted] = value
        return value
    last = st.session_state.get(accepted)
    if last is None:
        last = allowed.low
    st.error(problem_text(problem, st.session_state[key]) + " " + t("number_kept", value=text_of(last)),
             icon=":material/error:")
    return last
