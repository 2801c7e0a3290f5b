"""Plotly figures of the 2D lab: the plane (D's surface, real and fake points, G's warped noise mesh and
the arrows of G's loss), the canvas to draw a distribution on, and the curves beside them.

No Streamlit here: bench/toy2d_frame.py builds exactly these figures to time a Play frame."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gan_core.toy2d.lab import CUSTOM_EXTENT, History2D, Snapshot, Toy2DLab

from .charts import FONT

FRAME_SECONDS = 0.1  # Play: a frame every 0.1 s (10 frames a second) ...
DEFAULT_ROUNDS_PER_FRAME = 5  # ... of 5 rounds each (the speed control changes it) ...
FRAME_TRAINING_SECONDS = 0.06  # ... but never more than 60 ms of training a frame: a high speed, a slow setting
# (wide, many D steps) or a busy server gives fewer rounds, not frames that outrun their 0.1 s and pile up
SLOW_MOTION_SECONDS = 0.8  # slow motion: one half-step (a D or a G update) per frame, slow enough to follow
MEASURE_EVERY = 20  # updates between two measurements of the numbers while playing
REAL, FAKE, MESH = "#1a9850", "#7b3294", "rgba(123, 50, 148, 0.35)"
# D's output from "fake" (purple, 0) through undecided (white) to "real" (green, 1), as GAN Lab colours it.
SURFACE_COLOURS = [[0.0, "#c2a5cf"], [0.5, "#f7f7f7"], [1.0, "#a6dba0"]]
ARROW = "#e66101"
ARROW_REACH = 0.25  # the longest arrow, as a share of the plane's half-width
ARROW_HALF = 1.0  # a push of this size draws an arrow half as long as the longest


def arrows(start: np.ndarray, push: np.ndarray, extent: float) -> tuple[np.ndarray, np.ndarray]:
    """Segments start -> start + length * direction with NaN gaps. The length grows with the push and
    saturates (|g| / (|g| + ARROW_HALF)), on the same scale every frame: a vanishing gradient looks vanishing."""
    size = np.linalg.norm(push, axis=1, keepdims=True)
    length = ARROW_REACH * extent * size / (size + ARROW_HALF)
    end = start + np.divide(push, size, out=np.zeros_like(push), where=size > 0) * length
    gap = np.full_like(start, np.nan)
    path = np.stack([start, end, gap], 1).reshape(-1, 2)
    return path[:, 0], path[:, 1]


def lab_figure(shot: Snapshot, names: dict[str, str], title: str = "", height: int = 600) -> go.Figure:
    """The plane: D's surface as a heat map, G's mesh, real and fake points and the arrows on the fakes.
    `names` labels the legend: surface, real, fake, mesh, arrows."""
    low, high = shot.surface_range or (float(np.nanmin(shot.surface)), float(np.nanmax(shot.surface)) + 1e-9)
    ax, ay = arrows(shot.fake, shot.push, shot.extent)
    arrow_size = np.tile([0.0, 7.0, 0.0], len(shot.fake))
    traces = [
        dict(type="heatmap", x=shot.grid, y=shot.grid, z=shot.surface, zmin=low, zmax=high, colorscale=SURFACE_COLOURS,
                   name=names["surface"], zsmooth="best", hoverinfo="skip",
                   colorbar={"title": {"text": names["surface"], "side": "right"}, "thickness": 12, "len": 0.6,
                             "outlinewidth": 0}),
        dict(type="scatter", x=shot.mesh[:, 0], y=shot.mesh[:, 1], mode="lines", name=names["mesh"],
                   line={"color": MESH, "width": 1}, hoverinfo="skip"),
        dict(type="scatter", x=shot.real[:, 0], y=shot.real[:, 1], mode="markers", name=names["real"],
                   marker={"color": REAL, "size": 5}, hoverinfo="skip"),
        dict(type="scatter", x=ax, y=ay, mode="lines+markers", name=names["arrows"], line={"color": ARROW, "width": 1.2},
                   marker={"symbol": "arrow", "angleref": "previous", "size": arrow_size, "color": ARROW},
                   hoverinfo="skip"),
        dict(type="scatter", x=shot.fake[:, 0], y=shot.fake[:, 1], mode="markers", name=names["fake"],
                   marker={"color": FAKE, "size": 5}, hoverinfo="skip"),
    ]
    return unchecked_figure(traces, _plane_layout(shot.extent, title, height))


# The look of the app's charts (plotly_white's axes and type colour) in the few keys these figures use. A
# figure without a template gets plotly's default one, copied into every figure and sent every frame: half of
# what building the four figures of a Play frame cost, and 6.5 KB of each (bench/toy2d_frame.py).
_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "ticks": "", "automargin": True}
LOOK = {"layout": {"font": {"color": "#2a3f5f"}, "xaxis": _AXIS, "yaxis": _AXIS, "paper_bgcolor": "white",
                   "plot_bgcolor": "white", "hoverlabel": {"align": "left"}}}


def unchecked_figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts without plotly's validation, which cost four times the rest of a Play frame
    (bench/toy2d_frame.py); tests/test_toy2d_page.py validates every figure of this module once instead."""
    return go.Figure({"data": traces, "layout": {"template": LOOK, **layout}}, _validate=False)


def _plane_layout(extent: float, title: str, height: int) -> dict:
    axis = {"range": [-extent, extent], "showgrid": False, "zeroline": False, "constrain": "domain"}
    return dict(
        height=height, font=FONT, margin={"l": 45, "r": 10, "t": 50 if title else 10, "b": 10},
        title={"text": title, "x": 0.01, "font": {"size": 20}} if title else None,
        xaxis=axis, yaxis={**axis, "scaleanchor": "x", "scaleratio": 1}, plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0}, uirevision="plane", dragmode="pan",
    )


CANVAS_STEP = 0.15  # the spacing of the points one can pick when drawing


def canvas_lattice() -> np.ndarray:
    """The points a user can click or box-select on the drawing canvas: a regular lattice over [-3, 3]^2."""
    ticks = np.round(np.arange(-CUSTOM_EXTENT, CUSTOM_EXTENT + 1e-9, CANVAS_STEP), 2)
    xs, ys = np.meshgrid(ticks, ticks)
    return np.stack([xs.ravel(), ys.ravel()], 1)


def canvas_figure(points: np.ndarray, names: dict[str, str], height: int = 620) -> go.Figure:
    """The drawing canvas: faint lattice points to pick (trace 0) and the points chosen so far (trace 1)."""
    lattice = canvas_lattice()
    traces = [
        dict(type="scatter", x=lattice[:, 0], y=lattice[:, 1], mode="markers", name=names["lattice"],
                   marker={"color": "rgba(0,0,0,0.12)", "size": 6}, hovertemplate="(%{x}, %{y})<extra></extra>"),
        dict(type="scatter", x=points[:, 0] if len(points) else [], y=points[:, 1] if len(points) else [], mode="markers",
                   name=names["chosen"], marker={"color": REAL, "size": 9}, hoverinfo="skip"),
    ]
    layout = {**_plane_layout(CUSTOM_EXTENT + 0.2, "", height), "dragmode": "select", "clickmode": "event+select"}
    return unchecked_figure(traces, layout)


def _thinned(array: np.ndarray, most: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """At most `most` evenly spaced points of a long (n, 2) curve: each the mean of its stretch, at the stretch's end."""
    if len(array) <= most:
        return array[:, 0], array[:, 1]
    starts = np.linspace(0, len(array), most, endpoint=False).astype(np.int64)
    sizes = np.diff(np.append(starts, len(array)))
    return array[starts + sizes - 1, 0], np.add.reduceat(array[:, 1], starts) / sizes


def _curve_layout(height: int, y_title: str, x_title: str, y_range: list[float] | None = None) -> dict:
    return dict(height=height, font={**FONT, "size": 13}, margin={"l": 60, "r": 50, "t": 30, "b": 45},
                     xaxis={"title": {"text": x_title}, "automargin": True},
                     yaxis={"title": {"text": y_title}, "range": y_range, "automargin": True},
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}, plot_bgcolor="white",
                     uirevision="curves")


def loss_figure(history: History2D, names: dict[str, str], height: int = 210) -> go.Figure:
    """D's and G's loss per update (long runs thinned to means of stretches)."""
    dx, dy = _thinned(history.array("loss_d"))
    gx, gy = _thinned(history.array("loss_g"))
    traces = [dict(type="scatter", x=dx, y=dy, mode="lines", name=names["loss_d"], line={"color": "#d62728"}),
              dict(type="scatter", x=gx, y=gy, mode="lines", name=names["loss_g"], line={"color": "#1f77b4"})]
    return unchecked_figure(traces, _curve_layout(height, names["loss"], names["updates"]))


def quality_figures(history: History2D, names: dict[str, str], height: int = 210) -> list[go.Figure]:
    """Modes covered and high-quality % (or the distance to the manifold), then KL and JS, over updates."""
    if not history.metrics:
        return []
    measured = history.metrics[:: max(1, len(history.metrics) // 600)]
    x = np.array([updates for updates, _ in measured], dtype=np.float64)
    values = [m for _, m in measured]
    last = values[-1]

    def column(name: str) -> np.ndarray:  # numpy, not a list: plotly copies and encodes a list item by item
        return np.array([getattr(m, name) for m in values], dtype=np.float64)

    mode = "lines+markers" if len(values) < 30 else "lines"  # a line of one or two measurements would not show
    if last.modes_total is not None:
        layout = _curve_layout(height, names["modes_axis"], names["updates"], [0, last.modes_total + 0.5])
        layout["yaxis2"] = {"overlaying": "y", "side": "right", "range": [0, 101], "showgrid": False, "dtick": 25,
                            "title": {"text": "%"}}
        top = unchecked_figure([
            dict(type="scatter", x=x, y=column("modes_covered"), mode=mode, name=names["modes"],
                       line={"color": "#1a9850", "shape": "hv"}),
            dict(type="scatter", x=x, y=100 * column("high_quality"), mode=mode, name=names["high_quality"],
                       line={"color": "#7b3294"}, yaxis="y2"),
        ], layout)
    else:
        top = unchecked_figure([dict(type="scatter", x=x, y=column("manifold_distance"), mode=mode,
                                     name=names["manifold"], line={"color": "#7b3294"})],
                               _curve_layout(height, names["manifold"], names["updates"]))
    divergences = unchecked_figure([
        dict(type="scatter", x=x, y=column("kl"), mode=mode, name="KL", line={"color": "#e66101"}),
        dict(type="scatter", x=x, y=column("js"), mode=mode, name="JS", line={"color": "#5e3c99"}),
    ], _curve_layout(height, names["divergence"], names["updates"]))
    return [top, divergences]


def advance(lab: Toy2DLab, rounds: int) -> int:
    """Play's training for one frame: `rounds` rounds, or fewer when FRAME_TRAINING_SECONDS run out (at least
    one); the rounds done."""
    return lab.train(seconds=FRAME_TRAINING_SECONDS, rounds=rounds) or lab.train(rounds=1)


def frame_figures(lab: Toy2DLab, names: dict[str, str], title: str = "", playing: bool = True) -> list[go.Figure]:
    """Everything one Play frame draws after its training steps: the plane, the losses and the numbers
    (measured on the lab's fixed 2,000 noise vectors once every MEASURE_EVERY updates while playing, else now)."""
    measured = lab.history.metrics[-1][0] if lab.history.metrics else None
    if measured is None or lab.updates - measured >= (MEASURE_EVERY if playing else 1) or lab.updates < measured:
        lab.evaluate()
    return [lab_figure(lab.snapshot(), names, title), loss_figure(lab.history, names),
            *quality_figures(lab.history, names)]
