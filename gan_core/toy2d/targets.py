"""The 2D lab's data: fixed distributions of points in the plane, or the user's own points.

A mixture of Gaussians (ring8, grid25, custom) has modes that can be counted; a curve (spiral, moons, line)
is a 1D manifold with a little noise around it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from ..errors import ConfigError

DISTRIBUTIONS = ("ring8", "grid25", "spiral", "moons", "line", "custom")
MODE_DISTRIBUTIONS = ("ring8", "grid25", "custom")  # a mixture of Gaussians: modes can be counted
RING_RADIUS, RING_STD = 2.0, 0.02  # Metz et al. 2017 (also VEEGAN)
GRID_SPACING, GRID_STD = 2.0, 0.05  # VEEGAN: centres at -4, -2, 0, 2, 4
CUSTOM_STD = 0.05  # each point the user gives becomes a small Gaussian
MANIFOLD_NOISE = {"spiral": 0.04, "moons": 0.04, "line": 0.02}
MAX_CUSTOM_POINTS = 500
CUSTOM_EXTENT = 3.0  # the user draws inside [-3, 3]^2


@dataclass(frozen=True)
class Target:
    """A distribution of points: either a mixture of K equal Gaussians (modes, std) or a curve
    (a dense polyline of the noiseless manifold, plus the noise around it)."""

    name: str
    modes: np.ndarray | None = None  # (K, 2) centres
    std: float = 0.0
    curve: np.ndarray | None = None  # (M, 2) points along the manifold
    extent: float = 3.0  # the plot shows [-extent, extent]^2

    @property
    def has_modes(self) -> bool:
        return self.modes is not None

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n points of this distribution, drawn with the lab's generator."""
        centres = torch.as_tensor(self.modes if self.modes is not None else self.curve, dtype=torch.float32)
        pick = torch.randint(len(centres), (n,), generator=generator)
        return centres[pick] + self.std * torch.randn(n, 2, generator=generator)


def _spiral(m: int = 1500) -> np.ndarray:
    t = np.linspace(0.0, 1.0, m)
    radius, angle = 0.25 + 2.0 * t, 3.0 * math.pi * t
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)


def _moons(m: int = 1500) -> np.ndarray:
    half = m // 2
    a = np.linspace(0.0, math.pi, half)
    upper = np.stack([np.cos(a), np.sin(a)], 1)
    lower = np.stack([1.0 - np.cos(a), 0.5 - np.sin(a)], 1)
    return 1.6 * (np.concatenate([upper, lower]) - np.array([0.5, 0.25]))


def _line(m: int = 1500) -> np.ndarray:
    x = np.linspace(-2.0, 2.0, m)
    return np.stack([x, 0.5 * x], 1)


def make_target(name: str, points: Sequence[Sequence[float]] | np.ndarray | None = None) -> Target:
    """The distribution called `name`; "custom" needs the user's points (at least one, at most 500)."""
    if name == "ring8":
        angles = 2 * math.pi * np.arange(8) / 8
        return Target(name, modes=RING_RADIUS * np.stack([np.cos(angles), np.sin(angles)], 1), std=RING_STD, extent=3.0)
    if name == "grid25":
        xs = GRID_SPACING * (np.arange(5) - 2.0)
        return Target(name, modes=np.array([(x, y) for x in xs for y in xs]), std=GRID_STD, extent=5.5)
    if name in MANIFOLD_NOISE:
        curve = {"spiral": _spiral, "moons": _moons, "line": _line}[name]()
        return Target(name, curve=curve, std=MANIFOLD_NOISE[name], extent=3.0)
    if name == "custom":
        array = np.asarray(points if points is not None else [], dtype=np.float64).reshape(-1, 2)
        if len(array) == 0:
            raise ConfigError("the custom distribution needs points: draw some on the plot (or pass them as x,y pairs)",
                              code="toy2d_points_missing")
        if len(array) > MAX_CUSTOM_POINTS:
            raise ConfigError(f"at most {MAX_CUSTOM_POINTS} custom points, got {len(array)}", code="toy2d_points_too_many",
                              limit=MAX_CUSTOM_POINTS, n=len(array))
        if not np.isfinite(array).all() or np.abs(array).max() > CUSTOM_EXTENT:
            raise ConfigError(f"custom points must lie inside [-{CUSTOM_EXTENT:g}, {CUSTOM_EXTENT:g}] in x and y",
                              code="toy2d_points_outside", extent=f"{CUSTOM_EXTENT:g}")
        return Target(name, modes=np.unique(array.round(3), axis=0), std=CUSTOM_STD, extent=CUSTOM_EXTENT)
    raise ConfigError(f"unknown distribution {name!r}; choose one of {', '.join(DISTRIBUTIONS)}", code="toy2d_unknown",
                      setting="distribution", value=name, choices=", ".join(DISTRIBUTIONS))
