"""Plotly figures for training curves, styled for a projector (large type, few colours, white)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gan_core.curves import columns, smooth, thin
from gan_core.trainer import History

# One colour per quantity on single-run charts; the same everywhere in the app.
COLOURS = {"loss_d": "#d62728", "loss_g": "#1f77b4", "d_real": "#2ca02c", "d_fake": "#ff7f0e"}
RUN_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
MAX_POINTS = 1500  # per line: enough for the eye, light enough to resend every second


@dataclass(frozen=True)
class Line:
    """One line of a chart."""

    name: str
    x: np.ndarray
    y: np.ndarray
    colour: str
    dash: str = "solid"


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
           y_range: tuple[float, float] | None = None, height: int = 340) -> go.Figure:
    """A line chart with optional epoch marks (dotted verticals) and reference levels (dashed, labelled)."""
    fig = go.Figure()
    for line in lines:
        fig.add_trace(go.Scatter(x=line.x, y=line.y, name=line.name, mode="lines",
                                   line={"color": line.colour, "width": 2.5, "dash": line.dash}))
    step = max(1, len(marks) // 40)  # at most about 40 marks, or the chart turns grey
    for mark in list(marks)[::step]:
        fig.add_vline(x=mark, line={"color": "rgba(0,0,0,0.18)", "width": 1, "dash": "dot"})
    for label, level in (references or {}).items():
        fig.add_hline(y=level, line={"color": "rgba(0,0,0,0.45)", "width": 1.5, "dash": "dash"},
                      annotation_text=label, annotation_position="top left", annotation_font_size=14)
    fig.update_layout(
        template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"size": 16}, legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        xaxis_title=x_title, yaxis_title=y_title, hovermode="x unified",
    )
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    return fig


def bars(labels: list[str], values: list[float], y_title: str, colour: str = "#1f77b4", height: int = 260) -> go.Figure:
    """A small bar chart (the share of pixel variance along each principal direction)."""
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=colour))
    fig.update_layout(template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font={"size": 15}, yaxis_title=y_title)
    return fig
