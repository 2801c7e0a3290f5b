"""How the 2D lab names its settings and their values in the reader's language: the form's labels, the options'
labels, numbers as the language writes them, and the lab's errors (gan_core.toy2d raises them with a setting's
field name and what it allows) worded with those labels."""

from __future__ import annotations

from typing import Any

from gan_core.errors import GanLabError
from gan_core.toy2d import DISTRIBUTION_DEFAULTS, DISTRIBUTIONS, GOALS, NOISES, make_target

from .i18n import language, t
from .wording import error_text as library_error_text

OPTIMIZER_NAMES = {"adam": "Adam", "sgd": "SGD"}


def label(setting: str) -> str:
    """The form's label of a Toy2DConfig field (ui/strings/toy2d*.py: toy2d_<field>)."""
    return t(f"toy2d_{setting}")


def option_labels(setting: str) -> dict[str, str]:
    """The labels of a setting's options as the form shows them (empty for a setting whose options are names)."""
    if setting == "distribution":
        return {name: t(f"toy2d_dist_{name}") for name in DISTRIBUTIONS}
    if setting == "noise":
        return {name: t(f"toy2d_noise_{name}") for name in NOISES}
    if setting in ("optimizer_g", "optimizer_d"):
        return dict(OPTIMIZER_NAMES)
    return {}


def number(value: float) -> str:
    """A number as the reader's language writes it: 0,99 in Russian, 0.99 in English; 2 000 / 2,000 for thousands."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        text = f"{value:,}"
        return text.replace(",", "\u00a0") if language() == "ru" else text
    text = f"{value:g}"
    return text.replace(".", ",") if language() == "ru" else text


def value_text(setting: str, value: Any) -> str:
    """A setting's value as the form shows it: an option's label, on / off, a number."""
    if isinstance(value, bool):
        return t("toy2d_on") if value else t("toy2d_off")
    if isinstance(value, (int, float)):
        return number(value)
    return option_labels(setting).get(value, str(value))


def error_text(error: GanLabError) -> str:
    """A 2D lab error in the reader's language, naming the setting by the form's label and saying what it allows
    in words for its kind (a whole number, a number, one of the options)."""
    params = dict(error.params)
    setting = params.get("setting")
    if setting:
        params["setting"] = label(setting)
        if "choices" in params:
            shown = option_labels(setting)
            params["choices"] = ", ".join(f"{shown[c]} ({c})" if c in shown and shown[c] != c else c
                                          for c in params["choices"].split(", "))
    if "kind" in params:
        kind = "whole" if params["kind"] == "whole" else "open_low" if params["kind"] == "open_low" else "closed"
        params["range"] = t(f"toy2d_range_{kind}", low=number(params["low"]), high=number(params["high"]))
    if "value" in params:
        params["value"] = _as_typed(params["value"])
    return library_error_text(code=error.code, params=params, detail=str(error))


def _as_typed(value: Any) -> str:
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return str(value)


def defaults_sentence(distribution: str) -> str | None:
    """What a distribution sets by itself, with the form's labels, and the goal those values meet; None when it
    sets nothing."""
    values = DISTRIBUTION_DEFAULTS.get(distribution)
    if not values:
        return None
    listed = "; ".join(t("toy2d_setting_is", label=label(name), value=value_text(name, value)) for name, value in values.items())
    sentence = t("toy2d_dist_defaults", name=t(f"toy2d_dist_{distribution}"), values=listed)
    goal = GOALS.get(distribution)
    if goal is None:
        return sentence
    total = len(make_target(distribution).modes)
    key = "toy2d_goal_all_modes" if goal.modes == total else "toy2d_goal_modes"
    reached = t(key, modes=goal.modes, total=total, rounds=number(goal.rounds))
    if goal.high_quality is not None:
        reached += t("toy2d_goal_quality", share=f"{goal.high_quality:.0%}")
    return f"{sentence} {reached}."
