"""The user's own points as text, "x,y;x,y;...": what the CLI's --points takes and the page's link (pts=) holds."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import ConfigError


def parse_points(text: str) -> list[tuple[float, float]]:
    """"x,y;x,y;..." as a list of points (blanks around the pairs are allowed); a pair that is not two numbers
    raises ConfigError naming it. Whether the points lie in the plane is make_target's to check."""
    points = []
    for pair in filter(None, (part.strip() for part in text.split(";"))):
        try:
            x, y = (float(value) for value in pair.split(","))
        except ValueError:
            raise ConfigError(f"{pair!r} is not an x,y pair; write the points as 'x,y;x,y;...'",
                              code="toy2d_points_malformed", pair=pair) from None
        points.append((x, y))
    return points


def points_text(points: Sequence[Sequence[float]] | np.ndarray) -> str:
    """Points as "x,y;x,y;..." rounded to 0.01 (the drawing canvas's lattice is coarser), for a link."""
    return ";".join(f"{x:g},{y:g}" for x, y in np.round(np.asarray(points, dtype=float).reshape(-1, 2), 2))
