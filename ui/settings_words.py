"""A run's settings in the reader's words: each setting by its Train field's label, each value as the form shows
it (models, datasets, losses and devices by their labels, a width of 0 as "the model's own"), never the raw keys
and values of run.json or the CLI."""

from __future__ import annotations

from typing import Any

from .i18n import STRINGS, t

# The label of each setting where it differs from its Train field's key (ui/i18n.py: t(name)).
LABELS = {"betas": "setting_betas", "tf32": "setting_tf32", "bfloat16": "setting_bfloat16", "device": "setting_device",
          "r1": "setting_r1", "loss": "lv_loss"}
# Numbers where 0 means "what the model itself uses".
MODEL_OWN = ("g_width", "d_width", "depth")


def label(name: str) -> str:
    """A setting as its field on the Train page names it (a setting the app does not know: its key)."""
    key = LABELS.get(name, name)
    return t(key) if key in STRINGS else name


def number(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def device(recorded: str, hardware: bool = True) -> str:
    """Where a run trained, as recorded ("cpu", "cuda (NVIDIA H100 80GB HBM3)") or asked for ("auto", "mps"):
    the kind of device in words, and the hardware's own name when it was recorded (unless `hardware` is False:
    a table's narrow column)."""
    kind, _, name = (recorded or "").partition(" (")
    words = t(f"device_choice_{kind}") if f"device_choice_{kind}" in STRINGS else kind
    return f"{words} ({name}" if name and hardware else words


def value(name: str, value: Any, short: bool = True) -> str:
    """A setting's value as the Train page would show it: as its option (`short`), or as the whole description
    under the option (a table of settings has the room)."""
    if name in ("model", "dataset") and not short and f"{name}_{value}" in STRINGS:
        return t(f"{name}_{value}")
    if name in ("model", "dataset") and f"{name}_short_{value}" in STRINGS:
        return t(f"{name}_short_{value}")
    if name == "loss" and f"lv_short_{value}" in STRINGS:
        return t(f"lv_short_{value}")
    if name == "device":
        return device(str(value))
    if isinstance(value, bool):
        return t("setting_yes") if value else t("setting_no")
    if name in MODEL_OWN and value == 0:
        return t("setting_model_own")
    if name in ("ema_decay", "r1") and value == 0:
        return t("setting_off")
    if isinstance(value, (list, tuple)):
        return ", ".join(number(part) for part in value)
    return number(value) if isinstance(value, (int, float)) else str(value)


def rows(config: dict[str, Any], setting_column: str, value_column: str) -> list[dict[str, str]]:
    """One row per saved setting, for a table: its label and its value."""
    return [{setting_column: label(name), value_column: value(name, saved, short=False)} for name, saved in config.items()]


def line(settings: dict[str, Any], names: tuple[str, ...] | None = None) -> str:
    """Some settings in one line, "Модель: DCGAN · потеря: minimax · …", in the order given."""
    shown = [name for name in (names or tuple(settings)) if name in settings]
    return " · ".join(t("setting_pair", label=label(name), value=value(name, settings[name])) for name in shown)
