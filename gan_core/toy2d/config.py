"""The settings of a 2D experiment: one field per setting, each with its CLI help, the values it allows and whether
it changes live (the CLI's flags and the checks are made from these fields; the page keeps the settings in its URL).

A bad value raises ConfigError with a code and the setting's field name, so the app can say it with the form's
label in the reader's language (ui/toy2d_messages.py) and the CLI can print its one English line."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from ..config import Range
from ..errors import ConfigError
from ..losses import LOSSES
from .networks import OPTIMIZERS
from .targets import DISTRIBUTIONS

NOISES = ("gaussian", "uniform")


def _setting(default: Any, help: str, *, allowed: Range | None = None, choices: tuple[str, ...] = (),
             live: bool = False) -> Any:
    """A Toy2DConfig field: its default, the CLI's help, the numbers (`allowed`) or words (`choices`) it takes,
    and whether the lab takes a new value without starting over (`live`)."""
    return field(default=default, metadata={"help": help, "allowed": allowed, "choices": choices, "live": live})


_LEARNING_RATE = Range(0, 1, low_open=True)


@dataclass(frozen=True)
class Toy2DConfig:
    """Everything that defines a 2D experiment. The defaults are the lab's own; a distribution may bring its
    own on top (presets.py: DISTRIBUTION_DEFAULTS), and the CLI and the page start from those."""

    distribution: str = _setting("ring8", "the data", choices=DISTRIBUTIONS)
    loss: str = _setting("ns", "the GAN loss (ns: non-saturating)", choices=tuple(LOSSES), live=True)
    d_steps: int = _setting(1, "D updates per round", allowed=Range(1, 20, whole=True), live=True)
    g_steps: int = _setting(1, "G updates per round", allowed=Range(1, 20, whole=True), live=True)
    optimizer_g: str = _setting("adam", "G's optimizer", choices=OPTIMIZERS)
    optimizer_d: str = _setting("adam", "D's optimizer", choices=OPTIMIZERS)
    lr_g: float = _setting(1e-3, "G's learning rate", allowed=_LEARNING_RATE, live=True)
    lr_d: float = _setting(1e-3, "D's learning rate", allowed=_LEARNING_RATE, live=True)
    layers: int = _setting(3, "hidden layers of G and of D", allowed=Range(1, 6, whole=True))
    width: int = _setting(128, "units per hidden layer", allowed=Range(2, 512, whole=True))
    noise_dim: int = _setting(2, "coordinates of the noise z", allowed=Range(1, 2, whole=True))
    noise: str = _setting("gaussian", "the noise's distribution", choices=NOISES)
    batch_size: int = _setting(256, "points per update", allowed=Range(8, 4096, whole=True))
    seed: int = _setting(0, "random seed: the same seed, the same run", allowed=Range(0, 2**31 - 1, whole=True))
    spectral_norm: bool = _setting(False, "divide D's layers by their largest singular value (Miyato et al. 2018)")
    r1: float = _setting(0.0, "weight γ of the R1 penalty γ/2·E|∇D(x)|² on real points, 0 = off "
                              "(Mescheder et al. 2018)", allowed=Range(0, 100), live=True)
    beta1: float = _setting(0.5, "Adam's beta1 (both networks)", allowed=Range(0, 0.999))
    beta2: float = _setting(0.999, "Adam's beta2 (both networks)", allowed=Range(0, 0.9999))
    # Instance noise (Sønderby et al. 2016; Arjovsky & Bottou 2017): the two distributions D sees overlap, so D's
    # gradient reaches G even where G misses a mode.
    instance_noise: float = _setting(0.0, "std σ of Gaussian noise added to every point D sees, real and fake, "
                                          "0 = off", allowed=Range(0, 2), live=True)
    instance_noise_rounds: int = _setting(0, "rounds over which σ falls linearly to 0, 0 = held constant",
                                          allowed=Range(0, 1_000_000, whole=True), live=True)
    # An exponential moving average of G's weights (Yazıcı et al. 2019); it never feeds back into training.
    g_ema: float = _setting(0.0, "the plane and the numbers show an average of G's weights with this decay; "
                                 "training is unchanged; 0 = the live G", allowed=Range(0, 0.9999), live=True)

    def validate(self) -> "Toy2DConfig":
        """Raise ConfigError naming the first bad value and what is allowed; return self when all is well."""
        for setting in fields(self):
            _check(setting, getattr(self, setting.name))
        return self

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Toy2DConfig":
        """A config from plain values (a saved file, a link's text); unknown keys are ignored, bad values raise
        ConfigError (a number where a word belongs, a fraction where a whole number does, NaN, ...)."""
        known = {setting.name: setting for setting in fields(cls)}
        parsed = {name: _parse(known[name], value) for name, value in values.items() if name in known}
        return cls(**parsed).validate()


def rebuild_fields() -> tuple[str, ...]:
    """The settings that define the networks or the data: changing one starts the experiment over."""
    return tuple(setting.name for setting in fields(Toy2DConfig) if not setting.metadata["live"])


def flag(name: str) -> str:
    """A setting as the CLI spells it: d_steps -> d-steps (also what the English messages call it)."""
    return name.replace("_", "-")


def _describe(allowed: Range) -> str:
    if allowed.whole:
        return f"a whole number from {allowed.low} to {allowed.high}"
    if allowed.low_open:
        return f"a number greater than {allowed.low:g} and at most {allowed.high:g}"
    return f"a number from {allowed.low:g} to {allowed.high:g}"


def _range_error(name: str, value: Any, allowed: Range, code: str, what: str) -> ConfigError:
    return ConfigError(f"{flag(name)} must be {_describe(allowed)}, got {what}", code=code, setting=name,
                       value=value, kind=allowed.kind, low=allowed.low, high=allowed.high)


def _check(setting: Any, value: Any) -> None:
    """Raise ConfigError when `value` is not one the field allows."""
    name, default = setting.name, setting.default
    allowed, choices = setting.metadata["allowed"], setting.metadata["choices"]
    if choices:
        if value not in choices:
            raise ConfigError(f"unknown {flag(name)} {value!r}; choose one of {', '.join(choices)}",
                              code="toy2d_unknown", setting=name, value=value, choices=", ".join(choices))
        return
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{flag(name)} must be true or false (1 or 0), got {value!r}", code="toy2d_not_on_off",
                              setting=name, value=value)
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not math.isfinite(value)):
        raise _range_error(name, value, allowed, "toy2d_not_a_number", f"{value!r}, not a number")
    if allowed.whole and not isinstance(value, int):
        raise _range_error(name, value, allowed, "toy2d_not_whole", f"{value!r}")
    if not allowed.contains(value):
        raise _range_error(name, value, allowed, "toy2d_range", f"{value!r}")


def _parse(setting: Any, value: Any) -> Any:
    """A field's value from what a file or a link holds: the link's text "0.002", "1", "true" as the field's type.
    A value of the wrong kind is left as it is, for _check to name what is wrong with it."""
    default = setting.default
    if not isinstance(value, str) or isinstance(default, str):
        return value
    text = value.strip()
    if isinstance(default, bool):
        return {"1": True, "true": True, "0": False, "false": False}.get(text.lower(), value)
    try:
        number = float(text)
    except ValueError:
        return value
    if isinstance(default, int) and number.is_integer():
        return int(number)
    return number
