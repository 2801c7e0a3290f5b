"""Showing pictures and charts: digit grids enlarged without blur, plotly figures in projector styling."""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch
from PIL import Image

from gan_core.images import grid, upscale

from . import charts


MAX_PICTURE_WIDTH = 1400  # Streamlit shrinks wider pictures with a blurring filter; stay under its limit


def scale_for(width_pixels: int, target: int) -> int:
    """The integer enlargement that brings a picture closest to `target` pixels wide (at least 1)."""
    return max(1, min(round(target / max(1, width_pixels)), MAX_PICTURE_WIDTH // max(1, width_pixels)))


def picture(images: torch.Tensor | np.ndarray, columns: int | None = None, target: int = 600, padding: int = 2) -> np.ndarray:
    """Images as one uint8 grid, enlarged without blur to about `target` pixels wide."""
    tiled = grid(images, columns=columns, padding=padding)
    return upscale(tiled, scale_for(tiled.shape[1], target))


def drawn(figure: go.Figure) -> charts.Chart:
    """The figure as st.plotly_chart sends it, its dict made once and kept on it (a figure must not change once
    shown). st.plotly_chart asks a figure for `to_dict()` on every page run, a deep copy with its arrays encoded: for
    a chart built once and shared (st.cache_resource), most of what showing it cost each student's page run. The
    charts of ui/charts.py are made that way already."""
    if isinstance(figure, charts.Chart):
        return figure
    ready = figure.__dict__.get("_gan_lab_drawn")
    if ready is None:
        ready = figure._gan_lab_drawn = charts.Chart(figure.to_dict())
    return ready


def chart(figure: go.Figure, key: str | None = None) -> None:
    """A plotly figure of ui/charts.py across its column, in its own projector styling (theme=None:
    Streamlit's chart theme would shrink its type)."""
    st.plotly_chart(drawn(figure), width="stretch", theme=None, key=key)


def png(image: np.ndarray) -> bytes:
    """A uint8 picture as PNG bytes (what st.image would encode on every run; cached callers encode once)."""
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def show(image: np.ndarray | bytes, caption: str | None = None, width: int | str = "stretch") -> None:
    """One picture, lossless (PNG), filling its column unless a width is given."""
    st.image(image, caption=caption, width=width, output_format="PNG")
