"""What the 2D lab draws: the plane (D's surface, real and fake points, G's warped noise mesh and the arrows of G's
loss) and the curves beside it, as scenes of plain numbers for the page's canvas (ui/toy2d_chart.js); the canvas
to draw a distribution on (a plotly figure: it reports the points a user picks); and Play's frame.

No Streamlit here, so that a benchmark can build exactly these scenes outside the app to time a Play frame."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gan_core.toy2d import CUSTOM_EXTENT, History2D, Snapshot, Toy2DLab

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
PLANE_HEIGHT, CURVE_HEIGHT = 600, 210
MOST_CURVE_POINTS = 600  # a curve is thinned to this many points (a long run costs what a short one does)


def numbers(values: np.ndarray, digits: int = 3) -> list:
    """An array as JSON numbers, rounded (the screen shows no more), with None where it is NaN (a gap in a line)."""
    array = np.round(np.asarray(values, dtype=np.float64), digits)
    if np.isfinite(array).all():
        return array.tolist()
    return [None if not np.isfinite(v) else v for v in array.tolist()]


def arrow_steps(push: np.ndarray, extent: float) -> np.ndarray:
    """Each fake point's arrow as a step in the plane: along the push, with a length that grows with the push and
    saturates (|g| / (|g| + ARROW_HALF)), on the same scale every frame: a vanishing gradient looks vanishing."""
    size = np.linalg.norm(push, axis=1, keepdims=True)
    length = ARROW_REACH * extent * size / (size + ARROW_HALF)
    return np.divide(push, size, out=np.zeros_like(push), where=size > 0) * length


def plane_scene(shot: Snapshot, names: dict[str, str], height: int = PLANE_HEIGHT) -> dict:
    """The plane: D's surface as a heat map, G's mesh, real and fake points and the arrows on the fakes.
    `names` labels the legend: surface, real, fake, mesh, arrows."""
    low, high = shot.surface_range or (float(np.nanmin(shot.surface)), float(np.nanmax(shot.surface)) + 1e-9)
    steps = arrow_steps(shot.push, shot.extent)
    axis = {"range": [-shot.extent, shot.extent]}
    heatmap = {"z": [numbers(row) for row in shot.surface], "x0": float(shot.grid[0]), "x1": float(shot.grid[-1]),
               "y0": float(shot.grid[0]), "y1": float(shot.grid[-1]), "zmin": low, "zmax": high,
               "colors": SURFACE_COLOURS, "title": names["surface"]}
    traces = [
        {"kind": "lines", "x": numbers(shot.mesh[:, 0]), "y": numbers(shot.mesh[:, 1]), "color": MESH, "width": 1,
         "name": names["mesh"]},
        {"kind": "points", "x": numbers(shot.real[:, 0]), "y": numbers(shot.real[:, 1]), "color": REAL, "size": 5,
         "name": names["real"]},
        {"kind": "arrows", "x": numbers(shot.fake[:, 0]), "y": numbers(shot.fake[:, 1]), "dx": numbers(steps[:, 0]),
         "dy": numbers(steps[:, 1]), "color": ARROW, "width": 1.2, "name": names["arrows"]},
        {"kind": "points", "x": numbers(shot.fake[:, 0]), "y": numbers(shot.fake[:, 1]), "color": FAKE, "size": 5,
         "name": names["fake"]},
    ]
    return {"label": names["plane"], "panels": [{"height": height, "x": axis, "y": axis, "equal": True,
                                                  "heatmap": heatmap, "traces": traces}]}


def _thinned(array: np.ndarray, most: int = MOST_CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most `most` evenly spaced points of a long (n, 2) curve: each the mean of its stretch, at the stretch's end."""
    if len(array) <= most:
        return array[:, 0], array[:, 1]
    starts = np.linspace(0, len(array), most, endpoint=False).astype(np.int64)
    sizes = np.diff(np.append(starts, len(array)))
    return array[starts + sizes - 1, 0], np.add.reduceat(array[:, 1], starts) / sizes


def _line(x: np.ndarray, y: np.ndarray, name: str, colour: str, **more: object) -> dict:
    return {"kind": "lines", "x": numbers(x, 1), "y": numbers(y, 4), "color": colour, "name": name, **more}


def curves_scene(history: History2D, names: dict[str, str], height: int = CURVE_HEIGHT) -> dict:
    """D's and G's loss per update (long runs thinned to means of stretches); then, once measured, modes covered
    and high-quality % (or the distance to the manifold), and KL and JS, over updates."""
    x_axis = {"title": names["updates"]}
    dx, dy = _thinned(history.array("loss_d"))
    gx, gy = _thinned(history.array("loss_g"))
    panels = [{"height": height, "x": x_axis, "y": {"title": names["loss"]},
               "traces": [_line(dx, dy, names["loss_d"], "#d62728"), _line(gx, gy, names["loss_g"], "#1f77b4")]}]
    if history.metrics:
        measured = history.metrics[:: max(1, len(history.metrics) // MOST_CURVE_POINTS)]
        x = np.array([updates for updates, _ in measured], dtype=np.float64)
        values = [m for _, m in measured]
        last = values[-1]
        marked = len(values) < 30  # a line of one or two measurements would not show: mark its points

        def column(name: str) -> np.ndarray:
            return np.array([getattr(m, name) for m in values], dtype=np.float64)

        if last.modes_total is not None:
            panels.append({"height": height, "x": x_axis, "y": {"title": names["modes_axis"],
                                                               "range": [0, last.modes_total + 0.5]},
                           "y2": {"title": "%", "range": [0, 101]},
                           "traces": [_line(x, column("modes_covered"), names["modes"], "#1a9850", step=True,
                                            markers=marked),
                                      _line(x, 100 * column("high_quality"), names["high_quality"], "#7b3294",
                                            axis="y2", markers=marked)]})
        else:
            panels.append({"height": height, "x": x_axis, "y": {"title": names["manifold"]},
                           "traces": [_line(x, column("manifold_distance"), names["manifold"], "#7b3294",
                                            markers=marked)]})
        panels.append({"height": height, "x": x_axis, "y": {"title": names["divergence"]},
                       "traces": [_line(x, column("kl"), "KL", "#e66101", markers=marked),
                                  _line(x, column("js"), "JS", "#5e3c99", markers=marked)]})
    return {"label": names["curves"], "panels": panels}


CANVAS_STEP = 0.15  # the spacing of the points one can pick when drawing


def canvas_lattice() -> np.ndarray:
    """The points a user can click or box-select on the drawing canvas: a regular lattice over [-3, 3]^2."""
    ticks = np.round(np.arange(-CUSTOM_EXTENT, CUSTOM_EXTENT + 1e-9, CANVAS_STEP), 2)
    xs, ys = np.meshgrid(ticks, ticks)
    return np.stack([xs.ravel(), ys.ravel()], 1)


# The look of the app's charts (plotly_white's axes and type colour) in the few keys the drawing canvas uses.
_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "ticks": "", "automargin": True}
LOOK = {"layout": {"font": {"color": "#2a3f5f"}, "xaxis": _AXIS, "yaxis": _AXIS, "paper_bgcolor": "white",
                   "plot_bgcolor": "white", "hoverlabel": {"align": "left"}}}


def canvas_figure(points: np.ndarray, names: dict[str, str], height: int = 620) -> go.Figure:
    """The drawing canvas: faint lattice points to pick (trace 0) and the points chosen so far (trace 1)."""
    lattice = canvas_lattice()
    extent = CUSTOM_EXTENT + 0.2
    axis = {"range": [-extent, extent], "showgrid": False, "zeroline": False, "constrain": "domain"}
    traces = [
        dict(type="scatter", x=lattice[:, 0], y=lattice[:, 1], mode="markers", name=names["lattice"],
             marker={"color": "rgba(0,0,0,0.12)", "size": 6}, hovertemplate="(%{x}, %{y})<extra></extra>"),
        dict(type="scatter", x=points[:, 0] if len(points) else [], y=points[:, 1] if len(points) else [],
             mode="markers", name=names["chosen"], marker={"color": REAL, "size": 9}, hoverinfo="skip"),
    ]
    layout = dict(height=height, font=FONT, margin={"l": 45, "r": 10, "t": 10, "b": 10}, xaxis=axis,
                  yaxis={**axis, "scaleanchor": "x", "scaleratio": 1}, plot_bgcolor="white",
                  legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0}, dragmode="select",
                  clickmode="event+select")
    return go.Figure({"data": traces, "layout": {"template": LOOK, **layout}})


def advance(lab: Toy2DLab, rounds: int) -> int:
    """Play's training for one frame: `rounds` rounds, or fewer when FRAME_TRAINING_SECONDS run out (at least
    one); the rounds done."""
    return lab.train(seconds=FRAME_TRAINING_SECONDS, rounds=rounds) or lab.train(rounds=1)


def frame_scenes(lab: Toy2DLab, names: dict[str, str], playing: bool = True) -> tuple[dict, dict]:
    """Everything one frame draws after its training steps: the plane and the curves (the numbers measured on the
    lab's fixed 2,000 noise vectors once every MEASURE_EVERY updates while playing, else now)."""
    measured = lab.history.metrics[-1][0] if lab.history.metrics else None
    if measured is None or lab.updates - measured >= (MEASURE_EVERY if playing else 1) or lab.updates < measured:
        lab.evaluate()
    plane = plane_scene(lab.snapshot(), names)
    plane["frame"] = lab.updates  # which state of the lab the plane shows (the canvas says it to a test)
    return plane, curves_scene(lab.history, names)
