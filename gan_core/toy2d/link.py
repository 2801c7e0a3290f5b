"""The 2D lab's shareable link: a setup as the query string of the page's address (?dist=ring&d=2&pts=...).

Each setting has a short name, so that a link read aloud or put on a slide stays readable; a custom
distribution's points travel as "x,y;x,y;...". Reading a link keeps every good value and reports each bad one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict

from ..errors import GanLabError
from .config import Toy2DConfig
from .points import parse_points, points_text
from .presets import read_link
from .targets import make_target

# Each setting's name in a link's query string.
LINK_NAMES = {"distribution": "dist", "loss": "loss", "d_steps": "d", "g_steps": "g", "optimizer_g": "opt_g",
              "optimizer_d": "opt_d", "lr_g": "lr_g", "lr_d": "lr_d", "layers": "layers", "width": "width",
              "noise_dim": "zdim", "noise": "z", "seed": "seed", "batch_size": "batch", "spectral_norm": "sn",
              "r1": "r1", "beta1": "b1", "beta2": "b2", "instance_noise": "inoise",
              "instance_noise_rounds": "inoise_rounds", "g_ema": "ema"}
POINTS_NAME = "pts"  # a custom distribution's points


def link_query(config: Toy2DConfig, points: Sequence[Sequence[float]] | None = None) -> dict[str, str]:
    """A setup as a link's query values; the points only for a custom distribution that has some."""
    values = asdict(config)
    query = {short: f"{values[name]:g}" if isinstance(values[name], float) else str(values[name])
             for name, short in LINK_NAMES.items()}
    if config.distribution == "custom" and points:
        query[POINTS_NAME] = points_text(points)
    return query


def read_link_query(query: Mapping[str, str]) -> tuple[Toy2DConfig, list[tuple[float, float]] | None, list[GanLabError]]:
    """A link's setup: its config (a bad value left out, its default instead), its custom points (None when it has
    none or they are unusable) and what was wrong with it, one error each."""
    given = {name: query[short] for name, short in LINK_NAMES.items() if short in query}
    config, problems = read_link(given)
    errors: list[GanLabError] = list(problems)
    points = None
    if POINTS_NAME in query:
        try:
            points = parse_points(query[POINTS_NAME])
            make_target("custom", points)  # points outside the plane are refused here
        except GanLabError as error:
            errors.append(error)
            points = None
    return config, points, errors


def names_settings(query: Mapping[str, str]) -> bool:
    """Whether a link names any setting (else a visit keeps the setup the session has)."""
    return any(short in query for short in LINK_NAMES.values())
