"""The Theory page's "What goes wrong": saturation, mode collapse and D winning, drawn from the shipped recording
of real runs (gan_core.eval.what_goes_wrong; nothing trains here)."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from gan_core.eval import what_goes_wrong
from gan_core.errors import GanLabError

from . import charts, pictures, quality, settings_words
from .cache import stamp
from .i18n import language, t

MINIMAX_COLOUR, NS_COLOUR = "#d62728", "#1f77b4"


@st.cache_resource(show_spinner=False, max_entries=2)
def _recording(version: int) -> dict[str, Any]:
    """Shared, not copied for each reader (cache_data would unpickle every recorded step on each Home visit):
    read only."""
    return what_goes_wrong.load()


def recording() -> dict[str, Any]:
    """The shipped recording, read once per server and again when the file is rewritten."""
    return _recording(stamp(what_goes_wrong.SHIPPED_PATH))


def settings_line(settings: dict[str, Any]) -> str:
    """The recipe's settings as the Train form names them."""
    return settings_words.line(settings, ("model", "loss", "lr_g", "lr_d", "d_steps", "batch_size", "seed"))


def steps_of(values: list[float]) -> np.ndarray:
    return np.arange(1, len(values) + 1, dtype=np.float64)


@st.cache_resource(show_spinner=False, max_entries=4)
def _drawn(version: int, language: str) -> dict[str, Any]:
    """The section's charts and sample pictures, built once per language for every session (they change only
    with the recording)."""
    shipped = _recording(version)
    runs = shipped["saturation"]
    colours = {"minimax": MINIMAX_COLOUR, "ns": NS_COLOUR}
    norms = [charts.Line(t(f"lv_short_{name}"), steps_of(run["grad_g"]), np.asarray(run["grad_g"]), colours[name])
             for name, run in runs.items()]
    saturation_norms = charts.figure(norms, t("wrong_grad_norm"), t("step"), height=360,
                                     log_y=True, log_ticks=False)  # the two norms differ by orders of magnitude
    believed = [charts.Line(t(f"lv_short_{name}"), steps_of(run["d_fake"]), np.asarray(run["d_fake"]), colours[name])
                for name, run in runs.items()]
    found = {"saturation_norms": saturation_norms,
             "saturation_d_fake": charts.figure(believed, t("wrong_saturation_d_fake"), t("step"), height=360,
                                                y_range=(0, 1), references={"½": 0.5})}
    for name in ("collapsed", "healthy"):
        run = shipped["collapse"][name]
        found[f"collapse_{name}"] = quality.heatmap_figure(run["epochs"], np.asarray(run["class_histogram"]))
        found[f"collapse_{name}_samples"] = pictures.png(pictures.picture(what_goes_wrong.samples(run), columns=8,
                                                                          target=480))
    run = shipped["d_wins"]
    outputs = [charts.Line(t(column), steps_of(run[column]), np.asarray(run[column]), charts.COLOURS[column])
               for column in ("d_real", "d_fake")]
    losses = [charts.Line(t(column), steps_of(run[column]), np.asarray(run[column]), charts.COLOURS[column])
              for column in ("loss_d", "loss_g")]
    found["dwins_outputs"] = charts.figure(outputs, t("d_output"), t("step"), height=340, y_range=(0, 1),
                                           references={"½": 0.5})
    found["dwins_losses"] = charts.figure(losses, t("loss"), t("step"), height=340)
    return found


def saturation(runs: dict[str, Any], drawn: dict[str, Any]) -> None:
    st.subheader(t("wrong_saturation_h"))
    steps = len(runs["ns"]["grad_g"])
    st.markdown(t("wrong_saturation", steps=steps))
    left, right = st.columns([3, 2], gap="large")
    with left:
        pictures.chart(drawn["saturation_norms"], key="wrong_saturation_norms")
    with right:
        pictures.chart(drawn["saturation_d_fake"], key="wrong_saturation_d_fake")
    st.caption(settings_line(runs["minimax"]["settings"]) + " · " + t("wrong_fix", fix=t("wrong_fix_saturation")))


def collapse(runs: dict[str, Any], n: int, drawn: dict[str, Any]) -> None:
    st.subheader(t("wrong_collapse_h"))
    st.markdown(t("wrong_collapse", n=n))
    columns = st.columns(2, gap="large")
    for column, name in zip(columns, ("collapsed", "healthy")):
        run = runs[name]
        with column:
            st.markdown(f"**{t(f'wrong_{name}')}** — {t('wrong_covered')}: "
                        + " → ".join(str(covered) for covered in run["classes_covered"]))
            pictures.chart(drawn[f"collapse_{name}"], key=f"wrong_collapse_{name}")
            pictures.show(drawn[f"collapse_{name}_samples"], caption=t("wrong_samples"))
            st.caption(settings_line(run["settings"]))
    st.caption(t("wrong_fix", fix=t("wrong_fix_collapse")))


def d_wins(run: dict[str, Any], drawn: dict[str, Any]) -> None:
    st.subheader(t("wrong_dwins_h"))
    st.markdown(t("wrong_dwins"))
    left, right = st.columns(2, gap="large")
    with left:
        pictures.chart(drawn["dwins_outputs"], key="wrong_dwins_outputs")
    with right:
        pictures.chart(drawn["dwins_losses"], key="wrong_dwins_losses")
    st.caption(settings_line(run["settings"]) + " · " + t("wrong_fix", fix=t("wrong_fix_dwins")))


def render_section() -> None:
    """The section, or one line saying how to record it when the file is missing."""
    st.header(t("wrong_h"))
    try:
        shipped = recording()
    except GanLabError:
        st.warning(t("wrong_missing", path="checkpoints/what-goes-wrong.json"))
        return
    st.markdown(t("wrong_intro"))
    drawn = _drawn(stamp(what_goes_wrong.SHIPPED_PATH), language())
    saturation(shipped["saturation"], drawn)
    collapse(shipped["collapse"], shipped.get("collapse_samples_n", 500), drawn)
    d_wins(shipped["d_wins"], drawn)
