"""Data and the Gaussian baseline: real digits, their per-pixel statistics, and Gaussian samples."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gan_core.data import DATASETS
from gan_core.errors import GanLabError
from gan_core.images import upscale

from ui import cache, datasets, nav, number_field, pictures, widgets, wording
from ui.i18n import t

GRID = 64  # samples per grid: 8 x 8


def statistic_picture(values: np.ndarray, target: int = 360) -> np.ndarray:
    """A 28x28 map of a per-pixel statistic, stretched to black..white and enlarged without blur."""
    values = values.reshape(28, 28).astype(np.float64)
    low, high = values.min(), values.max()
    grey = ((values - low) / (high - low if high > low else 1.0) * 255).round().astype(np.uint8)
    return upscale(grey, pictures.scale_for(28, target))


def correlation_map(covariance: np.ndarray, row: int, column: int) -> go.Figure:
    """How every pixel moves with the chosen one, as the full Gaussian learned it (-1..1)."""
    std = np.sqrt(np.clip(np.diag(covariance), 1e-12, None))
    index = row * 28 + column
    correlation = (covariance[index] / (std[index] * std)).reshape(28, 28)
    fig = go.Figure(go.Heatmap(z=correlation, zmin=-1, zmax=1, colorscale="RdBu_r", showscale=True))
    fig.add_trace(go.Scatter(x=[column], y=[row], mode="markers", marker={"symbol": "x", "size": 16, "color": "black"},
                             showlegend=False))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(height=420, margin={"l": 0, "r": 0, "t": 0, "b": 0}, font={"size": 15})
    return fig


@st.cache_resource(show_spinner=False, max_entries=32)
def correlation_figure(name: str, row: int, column: int) -> go.Figure:
    """The correlation map of one pixel, built once per dataset and pixel for every browser."""
    return correlation_map(cache.baseline("gaussian-full", name).covariance.numpy(), row, column)


@wording.shows_user_errors
def render() -> None:
    st.title(t("data_title"))
    st.markdown(t("data_intro"))
    left, right = st.columns([1, 1])
    with left:
        name = st.selectbox(t("dataset"), DATASETS, key=f"{widgets.KEEP}data_dataset", format_func=datasets.labels().__getitem__)
        datasets.missing_note(name)
    with right:
        widgets.default(f"{widgets.KEEP}data_seed", 0)
        seed = number_field.number_field(t("seed"), f"{widgets.KEEP}data_seed", number_field.SEED, help=t("data_seed_help"))
    try:
        with st.spinner(t("loading_data")):
            data = cache.dataset(name)
            independent = cache.baseline("gaussian-independent", name)
            cache.baseline("gaussian-full", name)  # fitted here, under the spinner, for the grids below
    except GanLabError as error:
        st.error(wording.error_text(error))
        return

    st.header(t("data_real_h"))
    st.markdown(t("data_real", n=len(data)))
    pictures.show(cache.data_grid("real", name, GRID, int(seed), 16, 1100), width="stretch")

    st.header(t("data_stats_h"))
    st.markdown(t("data_stats"))
    mean_col, std_col, _ = st.columns([1, 1, 1])
    with mean_col:
        pictures.show(statistic_picture(independent.mean.numpy()), caption=t("data_mean"))
    with std_col:
        pictures.show(statistic_picture(independent.std.numpy()), caption=t("data_std"))

    st.header(t("data_samples_h"))
    st.markdown(t("data_samples"))
    ind_col, full_col = st.columns(2, gap="large")
    with ind_col:
        st.subheader(t("data_independent_h"))
        pictures.show(cache.data_grid("gaussian-independent", name, GRID, int(seed), 8, 560))
        st.markdown(t("data_independent"))
    with full_col:
        st.subheader(t("data_full_h"))
        pictures.show(cache.data_grid("gaussian-full", name, GRID, int(seed), 8, 560))
        st.markdown(t("data_full"))
    st.button(t("data_reseed"), on_click=widgets.set_widget, args=(f"{widgets.KEEP}data_seed", str(int(seed) + 1)),
              icon=":material/casino:")

    with st.expander(t("data_corr_h")):
        st.markdown(t("data_corr"))
        row_col, column_col = st.columns(2)
        widgets.default(f"{widgets.KEEP}data_row", 14)
        widgets.default(f"{widgets.KEEP}data_column", 14)
        row = row_col.slider(t("data_corr_row"), 0, 27, key=f"{widgets.KEEP}data_row")
        column = column_col.slider(t("data_corr_column"), 0, 27, key=f"{widgets.KEEP}data_column")
        st.plotly_chart(pictures.drawn(correlation_figure(name, row, column)), width="stretch")

    st.markdown(t("data_next"))
    nav.link("train")


render()
