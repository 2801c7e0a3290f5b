"""Ready-made 2D experiments: the settings each distribution starts with, the demonstrations of what goes wrong,
and the rules for combining them with what the user (or a shared link) sets. The CLI and the page both use these."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from ..errors import ConfigError
from .config import Toy2DConfig, rebuild_fields

# Settings a distribution starts with unless the user sets them: with them it meets its goal (metrics.GOALS) on
# every seed of the sweep in docs/benchmarks-toy2d.md.
# ring8: instance noise of std 1.0 (two thirds of the gap between neighbouring modes: D's gradient reaches G even
# where it misses a mode), gone after 1,000 rounds, and the plane and the numbers on an average of G's weights
# (the live G circles around each mode; its average sits in the middle, so the samples land within 3 std).
# grid25: R1 on D, Adam's beta2 = 0.9 and lr 2e-3, and the average of G's weights.
DISTRIBUTION_DEFAULTS: dict[str, dict[str, Any]] = {
    "ring8": {"instance_noise": 1.0, "instance_noise_rounds": 1000, "g_ema": 0.99},
    "grid25": {"r1": 0.1, "beta2": 0.9, "lr_g": 2e-3, "lr_d": 2e-3, "g_ema": 0.99},
}

# The demonstrations: each shows a failure on ring8, so each starts from the lab's own settings, without the
# cures a distribution brings (instance noise and the average of G would hide what they show).
DEMONSTRATIONS: dict[str, dict[str, Any]] = {
    # G five times faster than D: G overshoots from mode to mode before D can spread it out.
    "collapse": {"distribution": "ring8", "loss": "ns", "lr_g": 5e-3, "lr_d": 1e-3},
    # D three steps ahead with a high rate: minimax's gradient log(1 - D) vanishes where D is sure.
    "minimax": {"distribution": "ring8", "loss": "minimax", "d_steps": 3, "lr_d": 5e-3},
    # D five steps ahead with a higher rate still: D rejects every fake and its surface goes flat around them.
    "strong_d": {"distribution": "ring8", "loss": "ns", "d_steps": 5, "lr_d": 1e-2},
}


def preset_config(distribution: str, **given: Any) -> Toy2DConfig:
    """The config for `distribution`: Toy2DConfig's defaults, then the distribution's, then what is `given`."""
    return Toy2DConfig(**{**asdict(Toy2DConfig()), **DISTRIBUTION_DEFAULTS.get(distribution, {}),
                          "distribution": distribution, **given}).validate()


def demonstration_config(name: str) -> Toy2DConfig:
    """A demonstration's settings (the lab's own plus the demonstration's); any other name: the default experiment."""
    if name in DEMONSTRATIONS:
        return Toy2DConfig(**DEMONSTRATIONS[name]).validate()
    return preset_config(Toy2DConfig().distribution)


def demonstration_holds(name: str, config: Toy2DConfig) -> bool:
    """Whether `config` is still the demonstration's experiment (a live setting may have changed, as a teacher
    changes the loss to show the cure; anything that starts over makes it another experiment)."""
    if name not in DEMONSTRATIONS:
        return False
    shown = demonstration_config(name)
    return all(getattr(config, setting) == getattr(shown, setting) for setting in rebuild_fields())


def config_from_link(values: dict[str, Any]) -> Toy2DConfig:
    """The settings of a shared link (or a file): what it leaves out takes its distribution's default.
    A bad value raises ConfigError."""
    distribution = values.get("distribution", Toy2DConfig().distribution)
    return Toy2DConfig.from_dict({**DISTRIBUTION_DEFAULTS.get(distribution, {}), **values})


def read_link(values: dict[str, Any]) -> tuple[Toy2DConfig, list[ConfigError]]:
    """A link's settings, keeping every good value: each bad one is left out (its default instead) and reported."""
    problems: list[ConfigError] = []
    values = dict(values)
    while True:
        try:
            return config_from_link(values), problems
        except ConfigError as error:
            problems.append(error)
            if error.params.get("setting") not in values:  # nothing left to drop: the defaults
                return preset_config(Toy2DConfig().distribution), problems
            del values[error.params["setting"]]


def with_distribution(config: Toy2DConfig, distribution: str) -> Toy2DConfig:
    """`config` switched to another distribution: every setting that some distribution brings takes the new
    distribution's value (its own, or the lab's), so one distribution's cures do not linger on another; the rest
    (what the user set and no distribution touches) stays."""
    brought = {name for values in DISTRIBUTION_DEFAULTS.values() for name in values}
    fresh = preset_config(distribution)
    return replace(config, distribution=distribution, **{name: getattr(fresh, name) for name in brought}).validate()
