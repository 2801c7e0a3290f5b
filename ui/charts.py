"""Plotly figures for training curves and sample quality, styled for a projector (large type, few colours,
white). Pages show them with `pictures.chart`, which keeps this styling (Streamlit's own chart theme would
replace the type sizes with its small defaults)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gan_core.curves import columns, smooth, thin
from gan_core.trainer import History

# One colour per quantity on single-run charts; the same everywhere in the app.
COLOURS = {"loss_d": "#d62728", "loss_g": "#1f77b4", "d_real": "#2ca02c", "d_fake": "#ff7f0e"}
RUN_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
MAX_POINTS = 1500  # per line: enough for the eye, light enough to resend every second
LOG_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]  # FID runs from about 788 down to a few
MAX_MARKERS = 30  # per-epoch points get a dot each up to this many epochs; beyond, the line says enough
FONT = {"family": '"Source Sans", "Source Sans Pro", sans-serif', "size": 16}  # the app's own type, projector-sized


@dataclass(frozen=True)
class Line:
    """One line of a chart."""

    name: str
    x: np.ndarray
    y: np.ndarray
    colour: str
    dash: str = "solid"


MAX_EPOCH_MARKS = 20  # dotted epoch lines drawn on a chart at most

def lines_of(history: History, names: dict[str, str], smoothing: float, per_epoch: int, x_in_epochs: bool = False,
             label_prefix: str = "", colours: dict[str, str] | None = None, dashes: dict[str, str] | None = None) -> list[Line]:
    """Smoothed, thinned lines of some history columns ({column: label}), against step or epoch."""
    data = columns(history)
    count = len(data["loss_d"])
    keep = thin(count, MAX_POINTS)
    steps = np.arange(1, count + 1, dtype=np.float64)
    x = (steps / per_epoch if x_in_epochs else steps)[keep]
    return [Line(label_prefix + label, x, smooth(data[column], smoothing)[keep], (colours or COLOURS)[column],
                 (dashes or {}).get(column, "solid"))
            for column, label in names.items()]


def figure(lines: list[Line], y_title: str, x_title: str, *, marks: list[float] = (), references: dict[str, float] | None = None,
           y_range: tuple[float, float] | None = None, height: int = 340, log_y: bool = False,
           markers: bool = False) -> go.Figure:
    """A line chart with optional epoch marks (dotted verticals) and reference levels (dashed, labelled).

    `log_y` for numbers that shrink by orders of magnitude (FID); `markers` for per-epoch points,
    so that a run of one epoch still shows its one point. `y_range` is in the axis' own units
    (powers of ten on a log axis)."""
    fig = go.Figure()
    for line in lines:
        dots = markers and len(line.x) <= MAX_MARKERS
        fig.add_trace(go.Scatter(x=line.x, y=line.y, name=line.name, mode="lines+markers" if dots else "lines",
                                 marker={"size": 8}, line={"color": line.colour, "width": 2.5, "dash": line.dash}))
    step = max(1, math.ceil(len(marks) / MAX_EPOCH_MARKS))  # every k-th epoch, or a long run's chart turns grey
    for mark in list(marks)[::step]:
        fig.add_vline(x=mark, line={"color": "rgba(0,0,0,0.18)", "width": 1, "dash": "dot"})
    for label, level in (references or {}).items():
        fig.add_hline(y=level, line={"color": "rgba(0,0,0,0.45)", "width": 1.5, "dash": "dash"})
        # Labelled by hand: plotly places an hline's own label at 10**level on a log axis.
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=math.log10(level) if log_y else level, yref="y",
                           yanchor="bottom", text=label, showarrow=False, font={"size": 14, "color": "rgba(0,0,0,0.65)"})
    fig.update_layout(
        template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font=FONT, legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        xaxis_title=x_title, yaxis_title=y_title, hovermode="x unified",
    )
    if log_y:  # whole numbers at 1-2-5 steps: plotly's own minor labels ("2", "5") read as the wrong numbers
        fig.update_yaxes(type="log", tickvals=LOG_TICKS, ticktext=[f"{tick:g}" for tick in LOG_TICKS])
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    if markers:  # per-epoch points: whole epochs on the axis, one tick each while they are few
        last = max((float(np.max(line.x)) for line in lines if len(line.x)), default=1.0)
        fig.update_xaxes(tickformat="d", dtick=1 if last <= 15 else None)
    return fig


def bars(labels: list[str], values: list[float], y_title: str, colour: str = "#1f77b4", height: int = 260) -> go.Figure:
    """A small bar chart (the share of pixel variance along each principal direction)."""
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=colour))
    fig.update_layout(template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font={**FONT, "size": 15}, yaxis_title=y_title)
    return fig


# --- sample quality -------------------------------------------------------------------------------------------
COVERED_COLOUR, MISSING_COLOUR = "#1f77b4", "#d62728"  # a digit with at least the coverage share, and one without


def class_shares(shares: list[float] | np.ndarray, x_title: str, y_title: str, uniform_label: str,
                 covered_share: float, height: int = 320) -> go.Figure:
    """One epoch's (or one batch's) share of samples per digit, in %, with the line every digit would
    reach if all were equally common; digits under the coverage share are red (missing)."""
    percent = np.asarray(shares, dtype=np.float64) * 100
    colours = [COVERED_COLOUR if share >= covered_share * 100 else MISSING_COLOUR for share in percent]
    fig = go.Figure(go.Bar(x=[str(d) for d in range(len(percent))], y=percent.tolist(), marker_color=colours,
                           text=[f"{p:.0f}" for p in percent], textposition="outside", cliponaxis=False, showlegend=False,
                           textfont={"color": colours}))  # a missing digit's bar is too low to see; its red number is not
    uniform = {"color": "rgba(0,0,0,0.55)", "width": 2, "dash": "dash"}
    fig.add_hline(y=100 / len(percent), line=uniform)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=uniform, name=uniform_label))  # its legend entry
    fig.update_layout(template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      font=FONT, xaxis_title=x_title, yaxis_title=y_title, showlegend=True,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"})
    fig.update_yaxes(range=[0, max(25.0, float(percent.max(initial=0)) * 1.15)])
    fig.update_xaxes(type="category")
    return fig


def class_heatmap(epochs: list[int], shares: np.ndarray, x_title: str, y_title: str, colour_title: str,
                  height: int = 340) -> go.Figure:
    """Epoch x digit: the share of samples of each digit at each epoch end, in %. A healthy run is an
    even band; mode collapse is one dark row with pale ones around it."""
    percent = np.asarray(shares, dtype=np.float64).T * 100  # rows: digits 0..9
    fig = go.Figure(go.Heatmap(
        x=list(epochs), y=[str(d) for d in range(percent.shape[0])], z=percent, zmin=0, zmax=40,
        colorscale="Blues", colorbar={"title": {"text": colour_title}, "ticksuffix": "%"},
        hovertemplate="%{x}: %{y} → %{z:.1f}%<extra></extra>", xgap=1, ygap=1,
    ))
    fig.update_layout(template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font=FONT, xaxis_title=x_title, yaxis_title=y_title)
    fig.update_xaxes(tickformat="d", dtick=max(1, len(epochs) // 12) if epochs else 1)
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


def ratio_bars(labels: list[str], ratios: list[float], colours: list[str], x_title: str, references: dict[str, float],
               height: int = 280) -> go.Figure:
    """FID / floor of several sources as horizontal bars on a log axis (the Gaussians are 100x worse than a
    trained GAN, which is a few times the floor), with dashed reference levels such as the target."""
    fig = go.Figure(go.Bar(y=labels, x=ratios, orientation="h", marker_color=colours,
                           text=[f"{r:,.1f}×" for r in ratios], textposition="outside", cliponaxis=False))
    for label, level in references.items():
        fig.add_vline(x=level, line={"color": "rgba(0,0,0,0.55)", "width": 2, "dash": "dash"})
        # Labelled by hand: plotly places a vline's own label at 10**level on a log axis.
        fig.add_annotation(x=math.log10(level), xref="x", y=1, yref="paper", yanchor="bottom", text=label,
                           showarrow=False, font={"size": 14, "color": "rgba(0,0,0,0.65)"})
    top = max([*ratios, *references.values(), 10.0])
    fig.update_layout(template="plotly_white", height=height, margin={"l": 10, "r": 60, "t": 40, "b": 10},
                      font=FONT, xaxis_title=x_title, showlegend=False)
    fig.update_xaxes(type="log", tickvals=LOG_TICKS, ticktext=[f"{tick:g}" for tick in LOG_TICKS],
                     range=[-0.3, np.log10(top) + 0.5])
    fig.update_yaxes(autorange="reversed")
    return fig


def probabilities(values: list[float], x_title: str, y_title: str, height: int = 190) -> go.Figure:
    """The classifier's ten probabilities for one image: a sure guess is one tall bar."""
    best = int(np.argmax(values))
    fig = go.Figure(go.Bar(x=[str(d) for d in range(len(values))], y=list(values),
                           marker_color=[COVERED_COLOUR if d == best else "#aec7e8" for d in range(len(values))]))
    fig.update_layout(template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font={**FONT, "size": 15}, xaxis_title=x_title, yaxis_title=y_title, showlegend=False)
    fig.update_yaxes(range=[0, 1], tickformat=".0%")
    fig.update_xaxes(type="category")
    return fig
