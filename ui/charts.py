"""Plotly figures for training curves and sample quality, styled for a projector (large type, few colours,
white). Pages show them with `pictures.chart`, which keeps this styling (Streamlit's own chart theme would
replace the type sizes with its small defaults)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec  # plotly's own array encoding (plotly >= 6)

from gan_core.eval.curves import columns, smooth, thin
from gan_core.trainer import History

# One colour per quantity on single-run charts; the same everywhere in the app.
COLOURS = {"loss_d": "#d62728", "loss_g": "#1f77b4", "d_real": "#2ca02c", "d_fake": "#ff7f0e"}
RUN_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
MAX_POINTS = 1500  # per line of a chart drawn once (Losses): enough for the eye on a wide screen
LIVE_POINTS = 400  # per line of a chart redrawn while a run trains: about one per pixel of its half-width column
LOG_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]  # FID runs from about 788 down to a few
MAX_MARKERS = 30  # per-epoch points get a dot each up to this many epochs; beyond, the line says enough
FONT = {"family": '"Source Sans", "Source Sans Pro", sans-serif', "size": 16}  # the app's own type, projector-sized
REFERENCE_COLOUR = "rgba(0,0,0,0.6)"  # reference levels (an equilibrium, a target): dashed, in the legend
REFERENCE_DASHES = ("dash", "dot", "dashdot", "longdash")  # one per level of a chart, so the legend tells them apart


@functools.cache
def template() -> dict:
    """plotly_white, trimmed to the trace kinds these charts draw (scatter, bar, heatmap) and to the layout of flat
    axes (no polar, ternary, 3D or map defaults). Every figure deep-copies and re-checks its template: the full one
    (defaults for forty kinds of trace) was most of what a chart cost to build, and every chart sends its template
    to every browser (3.5 kB trimmed to 2.5 kB). Read-only: shared by every figure of every session."""
    full = pio.templates["plotly_white"].to_plotly_json()
    layout = {key: value for key, value in full["layout"].items() if key not in ("polar", "ternary", "scene", "geo")}
    return {"layout": layout, "data": {kind: full["data"][kind] for kind in ("scatter", "bar", "heatmap")}}


@dataclass(frozen=True)
class Line:
    """One line of a chart."""

    name: str
    x: np.ndarray
    y: np.ndarray
    colour: str
    dash: str = "solid"


MAX_EPOCH_MARKS = 20  # dotted epoch lines drawn on a chart at most

def lines_of(history: History, names: dict[str, str], smoothing: float, steps_per_x: float = 1.0,
             label_prefix: str = "", colours: dict[str, str] | None = None, dashes: dict[str, str] | None = None,
             max_points: int = MAX_POINTS) -> list[Line]:
    """Smoothed lines of some history columns ({column: label}), thinned evenly to at most `max_points` points: a
    chart of step 50,000 costs what one of step 1,500 does. `steps_per_x`: the steps one unit of the x axis
    holds (1: steps; the steps of an epoch: epochs; a run's steps / 100: % of its training)."""
    data = columns(history)
    count = len(data["loss_d"])
    keep = thin(count, max_points)
    x = (np.arange(1, count + 1, dtype=np.float64) / steps_per_x)[keep]
    return [Line(label_prefix + label, x, smooth(data[column], smoothing)[keep], (colours or COLOURS)[column],
                 (dashes or {}).get(column, "solid"))
            for column, label in names.items()]


def figure(lines: list[Line], y_title: str, x_title: str, *, marks: list[float] = (), references: dict[str, float] | None = None,
           y_range: tuple[float, float] | None = None, height: int = 340, log_y: bool = False,
           markers: bool = False, log_ticks: bool = True) -> Chart:
    """A line chart with optional epoch marks (dotted verticals) and reference levels (dashed, each named in the
    legend with its own dash: a label written on the plot would sit on the curves).

    `log_y` for numbers that shrink by orders of magnitude (FID; labelled at 1-2-5 steps from 1 to 1000 unless
    `log_ticks` is False, for numbers of another range); `markers` for per-epoch points,
    so that a run of one epoch still shows its one point. `y_range` is in the axis' own units
    (powers of ten on a log axis).

    Written as one plain spec: plotly's add_vline/add_hline re-check every shape already on the figure, which made a
    chart with its epoch marks cost a second under load."""
    traces = []
    for line in lines:
        dots = markers and len(line.x) <= MAX_MARKERS
        traces.append({"type": "scatter", "x": line.x, "y": line.y, "name": line.name,
                       "mode": "lines+markers" if dots else "lines", "marker": {"size": 8},
                       "line": {"color": line.colour, "width": 2.5, "dash": line.dash}})
    shapes = []
    step = max(1, math.ceil(len(marks) / MAX_EPOCH_MARKS))  # every k-th epoch, or a long run's chart turns grey
    for mark in list(marks)[::step]:
        shapes.append({"type": "line", "xref": "x", "yref": "y domain", "x0": mark, "x1": mark, "y0": 0, "y1": 1,
                       "line": {"color": "rgba(0,0,0,0.18)", "width": 1, "dash": "dot"}})
    for index, (label, level) in enumerate((references or {}).items()):
        style = {"color": REFERENCE_COLOUR, "width": 2, "dash": REFERENCE_DASHES[index % len(REFERENCE_DASHES)]}
        shapes.append({"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": level, "y1": level,
                       "line": style})
        traces.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": label, "line": style,
                       "hoverinfo": "skip"})  # the legend's entry for the line
    xaxis: dict = {"title": {"text": x_title}}
    yaxis: dict = {"title": {"text": y_title}}
    if log_y:
        yaxis["type"] = "log"
    if log_y and log_ticks:  # whole numbers at 1-2-5 steps: plotly's own minor labels ("2", "5") read as the wrong numbers
        yaxis.update(tickvals=LOG_TICKS, ticktext=[f"{tick:g}" for tick in LOG_TICKS])
    if y_range is not None:
        yaxis["range"] = list(y_range)
    if markers:  # per-epoch points: whole epochs on the axis, one tick each while they are few
        last = max((float(np.max(line.x)) for line in lines if len(line.x)), default=1.0)
        xaxis["tickformat"] = "d"
        if last <= 15:
            xaxis["dtick"] = 1
    return _figure(traces, {"height": height, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
                            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                            "xaxis": xaxis, "yaxis": yaxis, "hovermode": "x unified", "shapes": shapes})


class Chart(go.Figure):
    """A finished chart: the plain spec that st.plotly_chart sends, made once, its arrays already in plotly.js's typed
    form. A go.Figure copies its whole spec (the template too) when built and again, with every array re-encoded,
    the first time it is shown; a live run's charts are rebuilt every second for each run a class watches. It is not
    changed once built (it has no plotly properties to change); `go.Figure(chart.to_dict())` gives a full, checked
    figure."""

    def __init__(self, spec: dict) -> None:  # not go.Figure's: the spec is complete as given
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def _figure(data: list[dict], layout: dict) -> Chart:
    """A chart from one plain spec in the app's template and type (shared by reference: never changed)."""
    data = [{key: _typed(value) if key in ("x", "y", "z") else value for key, value in trace.items()} for trace in data]
    return Chart({"data": data, "layout": {"template": template(), "font": FONT, **layout}})


def _typed(values: object) -> object:
    """An array as plotly.js's typed array (plotly's own encoding, as its to_dict writes it), float64 as float32: a
    chart shows three or four digits of a value, and each of a class's browsers is sent every chart of every page it
    opens (the Train page's loss curves: 17 kB each in float64). Lists stay lists."""
    if not isinstance(values, np.ndarray) or values.size == 0:
        return values
    return to_typed_array_spec(values.astype(np.float32) if values.dtype == np.float64 else values)


def _title(text: str) -> dict:
    return {"title": {"text": text}}


def bars(labels: list[str], values: list[float], y_title: str, colour: str = "#1f77b4", height: int = 260) -> Chart:
    """A small bar chart (the share of pixel variance along each principal direction)."""
    return _figure([{"type": "bar", "x": list(labels), "y": list(values), "marker": {"color": colour}}],
                   {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "font": {**FONT, "size": 15},
                    "yaxis": _title(y_title)})


# --- sample quality -------------------------------------------------------------------------------------------
COVERED_COLOUR, MISSING_COLOUR = "#1f77b4", "#d62728"  # a digit with at least the coverage share, and one without


def class_shares(shares: list[float] | np.ndarray, x_title: str, y_title: str, uniform_label: str,
                 covered_share: float, height: int = 320) -> Chart:
    """One epoch's (or one batch's) share of samples per digit, in %, with the line every digit would
    reach if all were equally common; digits under the coverage share are red (missing)."""
    percent = np.asarray(shares, dtype=np.float64) * 100
    colours = [COVERED_COLOUR if share >= covered_share * 100 else MISSING_COLOUR for share in percent]
    uniform = {"color": "rgba(0,0,0,0.55)", "width": 2, "dash": "dash"}
    level = 100 / len(percent)
    return _figure(
        [{"type": "bar", "x": [str(d) for d in range(len(percent))], "y": percent.tolist(), "marker": {"color": colours},
          "text": [f"{p:.0f}" for p in percent], "textposition": "outside", "cliponaxis": False, "showlegend": False,
          "textfont": {"color": colours}},  # a missing digit's bar is too low to see; its red number is not
         {"type": "scatter", "x": [None], "y": [None], "mode": "lines", "line": uniform, "name": uniform_label}],  # legend
        {"height": height, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "showlegend": True,
         "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
         "shapes": [{"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": level, "y1": level,
                     "line": uniform}],
         "xaxis": {**_title(x_title), "type": "category"},
         "yaxis": {**_title(y_title), "range": [0, max(25.0, float(percent.max(initial=0)) * 1.15)]}})


def label_accuracy(accuracy: list[float], x_title: str, y_title: str, target_label: str, target: float = 0.95,
                   height: int = 320) -> go.Figure:
    """A conditional run's share of samples drawn as asked, per digit, in %, with the target line;
    digits under the target are red."""
    percent = np.asarray(accuracy, dtype=np.float64) * 100
    colours = [COVERED_COLOUR if value >= target * 100 else MISSING_COLOUR for value in percent]
    fig = go.Figure(go.Bar(x=[str(d) for d in range(len(percent))], y=percent.tolist(), marker_color=colours,
                           text=[f"{p:.0f}" for p in percent], textposition="outside", cliponaxis=False,
                           showlegend=False, textfont={"color": colours}))
    line = {"color": "rgba(0,0,0,0.55)", "width": 2, "dash": "dash"}
    fig.add_hline(y=target * 100, line=line)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, name=target_label))  # its legend entry
    fig.update_layout(template=template(), height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      font=FONT, xaxis_title=x_title, yaxis_title=y_title, showlegend=True,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"})
    fig.update_yaxes(range=[0, 112])
    fig.update_xaxes(type="category")
    return fig


# White (no samples of that digit) to dark blue (40% or more), given as colours: plotly.js's own "Blues", which a
# plain spec naming it would get, runs the other way (dark at 0).
SHARE_COLOURS = plotly.colors.make_colorscale(plotly.colors.sequential.Blues)


def class_heatmap(epochs: list[int], shares: np.ndarray, x_title: str, y_title: str, colour_title: str,
                  height: int = 340) -> Chart:
    """Epoch x digit: the share of samples of each digit at each epoch end, in %. A healthy run is an
    even band; mode collapse is one dark row with pale ones around it."""
    percent = np.asarray(shares, dtype=np.float64).T * 100  # rows: digits 0..9
    return _figure(
        [{"type": "heatmap", "x": list(epochs), "y": [str(d) for d in range(percent.shape[0])], "z": percent,
          "zmin": 0, "zmax": 40, "colorscale": SHARE_COLOURS, "colorbar": {"title": {"text": colour_title}, "ticksuffix": "%"},
          "hovertemplate": "%{x}: %{y} → %{z:.1f}%<extra></extra>", "xgap": 1, "ygap": 1}],
        {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
         "xaxis": {**_title(x_title), "tickformat": "d", "dtick": max(1, len(epochs) // 12) if epochs else 1},
         "yaxis": {**_title(y_title), "type": "category", "autorange": "reversed"}})


def ratio_bars(labels: list[str], ratios: list[float], colours: list[str], x_title: str, references: dict[str, float],
               height: int = 280) -> Chart:
    """FID / floor of several sources as horizontal bars on a log axis (the Gaussians are 100x worse than a
    trained GAN, which is a few times the floor), with dashed reference levels such as the target."""
    shapes, annotations = [], []
    for label, level in references.items():
        shapes.append({"type": "line", "xref": "x", "yref": "y domain", "x0": level, "x1": level, "y0": 0, "y1": 1,
                       "line": {"color": "rgba(0,0,0,0.55)", "width": 2, "dash": "dash"}})
        # Labelled by hand: plotly places a shape's own label at 10**level on a log axis.
        annotations.append({"x": math.log10(level), "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                            "text": label, "showarrow": False, "font": {"size": 14, "color": "rgba(0,0,0,0.65)"}})
    top = max([*ratios, *references.values(), 10.0])
    return _figure(
        [{"type": "bar", "y": list(labels), "x": list(ratios), "orientation": "h", "marker": {"color": list(colours)},
          "text": [f"{r:,.1f}×" for r in ratios], "textposition": "outside", "cliponaxis": False}],
        {"height": height, "margin": {"l": 10, "r": 60, "t": 40, "b": 10}, "showlegend": False,
         "shapes": shapes, "annotations": annotations,
         "xaxis": {**_title(x_title), "type": "log", "tickvals": LOG_TICKS, "ticktext": [f"{tick:g}" for tick in LOG_TICKS],
                   "range": [-0.3, float(np.log10(top)) + 0.5]},
         "yaxis": {"autorange": "reversed"}})


def probabilities(values: list[float], x_title: str, y_title: str, height: int = 190) -> Chart:
    """The classifier's ten probabilities for one image: a sure guess is one tall bar."""
    best = int(np.argmax(values))
    return _figure(
        [{"type": "bar", "x": [str(d) for d in range(len(values))], "y": [float(v) for v in values],
          "marker": {"color": [COVERED_COLOUR if d == best else "#aec7e8" for d in range(len(values))]}}],
        {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "font": {**FONT, "size": 15},
         "showlegend": False, "xaxis": {**_title(x_title), "type": "category"},
         "yaxis": {**_title(y_title), "range": [0, 1], "tickformat": ".0%"}})
