"""Losses: the training curves of one or several runs, smoothed, with epoch marks, and as CSV."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gan_core.eval.curves import (STEP_COLUMNS, X_AXES, class_histograms, epoch_ends, epoch_length, epoch_metrics,
                                  history_csv, steps_per_x)

from ui import cache, charts, nav, people, pickers, pictures, quality, run_watch, widgets, wording
from ui.loss_meaning import distance_line, meaning, run_loss
from ui.widgets import KEEP
from ui.i18n import language, t

AUTO = "losses_runs_auto"  # the runs the page chose itself; kept only while the choice is still the page's


@st.cache_resource(show_spinner=False, max_entries=64)
def quality_figures(chosen: tuple[str, ...], versions: tuple, language: str) -> tuple[list[tuple[str, go.Figure]], go.Figure | None]:
    """Per-epoch numbers an evaluator recorded (FID / floor, digits covered, ...), one chart each with one
    line per run, and for one run its epoch x digit heat map; built once per version for every student."""
    extra = {name: epoch_metrics(cache.history(name)) for name in chosen}
    figures = []
    for metric in quality.ordered({metric for found in extra.values() for metric in found}):
        lines = [charts.Line(name, np.array([e for e, _ in extra[name][metric]]),
                             np.array([v for _, v in extra[name][metric]]), charts.RUN_COLOURS[i % len(charts.RUN_COLOURS)])
                 for i, name in enumerate(chosen) if metric in extra[name]]
        figures.append((metric, quality.epoch_metric_figure(metric, lines)))
    heatmap = None
    if len(chosen) == 1:
        epochs, shares = class_histograms(cache.history(chosen[0]))
        if epochs:
            heatmap = quality.heatmap_figure(epochs, shares)
    return figures, heatmap


def quality_charts(chosen: list[str], versions: tuple) -> None:
    """Two charts a row; runs without per-epoch numbers (older ones, fashion-mnist) add nothing."""
    figures, heatmap = quality_figures(tuple(chosen), versions, language())
    if not figures:
        return
    st.subheader(t("quality_h"))
    st.markdown(t("losses_quality_explain"))
    columns = st.columns(2, gap="large")
    for index, (metric, figure) in enumerate(figures):
        with columns[index % 2]:
            st.markdown(f"**{quality.label(metric)}**")
            pictures.chart(figure, key=f"losses_metric_{metric}")
    if heatmap is not None:
        st.markdown(f"**{t('quality_heatmap_h')}**")
        pictures.chart(heatmap, key="losses_classes_heatmap")


def saved_config(name: str) -> dict:
    """A run's settings as its run.json records them (the library reads the file)."""
    info = run_watch.run_info(name)
    return info.config if info is not None else {}


def epochs_target(name: str) -> int:
    info = run_watch.run_info(name)
    return info.epochs_target if info is not None else int(saved_config(name).get("epochs", 1))


@st.cache_resource(show_spinner=False, max_entries=64)
def curve_figures(chosen: tuple[str, ...], versions: tuple, smoothing: float, axis: str,
                  language: str) -> tuple[go.Figure, go.Figure]:
    """The loss chart and the D-output chart of the chosen runs, built once per version of their histories
    and choice of smoothing and axis, for every student (at most charts.MAX_POINTS points a line). Along
    progress every run spans the chart, however many steps it has."""
    single = len(chosen) == 1
    loss_lines, output_lines, marks, meanings = [], [], [], {}
    for index, name in enumerate(chosen):
        history = cache.history(name)
        config = saved_config(name)
        means = meanings.setdefault(run_loss(config), meaning(run_loss(config)))  # labels by what the curves mean
        per_x = steps_per_x(history, config, axis, epochs_target(name))
        prefix = "" if single else f"{name} · "
        colours = None if single else dict.fromkeys(STEP_COLUMNS,
                                                     charts.RUN_COLOURS[index % len(charts.RUN_COLOURS)])
        dashes = None if single else {"loss_g": "dash", "d_fake": "dash"}
        loss_lines += charts.lines_of(history, means.loss_labels, smoothing, per_x, prefix, colours, dashes)
        output_lines += charts.lines_of(history, means.output_labels, smoothing, per_x, prefix, colours, dashes)
        if means.distance_label:
            output_lines.append(distance_line(history, prefix + means.distance_label, smoothing, per_x,
                                              **({} if single else {"colour": colours["d_real"], "dash": "dot"})))
        if single:
            marks = [end / per_x for end in epoch_ends(history)]
    x_title = t(f"losses_axis_{axis}")
    # One loss among the chosen runs: its reference levels and range; several: the curves without them.
    means = next(iter(meanings.values())) if len(meanings) == 1 else None
    return (charts.figure(loss_lines, t("loss"), x_title, marks=marks, height=420,
                          references=means.loss_references if means else None),
            charts.figure(output_lines, means.output_title if means else t("d_output"), x_title, marks=marks,
                          height=360, y_range=means.output_range if means else None,
                          references=means.output_references if means else None))


@wording.shows_user_errors
def render() -> None:
    st.title(t("losses_title"))
    st.markdown(t("losses_intro"))
    runs = pickers.runs_with_curves()
    if not runs:
        pickers.no_run_notice()
        return
    names = [run.name for run in runs]
    chosen_key = f"{KEEP}losses_runs"
    chosen_now = st.session_state.get(chosen_key) or []
    if not chosen_now or st.session_state.get(AUTO) == chosen_now:  # not a person's choice: the page's, again
        st.session_state[chosen_key] = st.session_state[AUTO] = pickers.first_runs(runs, people.student_name())
    elif not set(chosen_now) <= set(names):  # a chosen run was deleted or renamed
        st.session_state[chosen_key] = [name for name in chosen_now if name in names] or pickers.first_runs(
            runs, people.student_name())
    widgets.default(f"{KEEP}losses_smoothing", 0.8)
    axis_key = f"{KEEP}losses_axis"
    if not st.session_state.get("losses_axis_chosen"):  # until a person picks one: several runs each span the chart
        st.session_state[axis_key] = "progress" if len(st.session_state[chosen_key]) > 1 else "step"

    pick_col, smooth_col, axis_col = st.columns([3, 2, 2], gap="medium")
    chosen = pick_col.multiselect(t("losses_runs"), names, key=chosen_key, help=t("losses_runs_help"),
                                  on_change=lambda: st.session_state.pop(AUTO, None), select_all=False,
                                  placeholder=t("choose_options"))
    smoothing = smooth_col.slider(t("smoothing"), 0.0, 0.99, step=0.01, key=f"{KEEP}losses_smoothing",
                                  help=t("smoothing_help"))
    axis = axis_col.radio(t("losses_axis"), list(X_AXES), key=axis_key, help=t("losses_axis_help"),
                          format_func={name: t(f"losses_axis_{name}") for name in X_AXES}.__getitem__,
                          on_change=lambda: st.session_state.__setitem__("losses_axis_chosen", True))
    if not chosen:
        st.info(t("losses_pick"))
        return

    versions = tuple(cache.history_version(name) for name in chosen)
    loss_figure, output_figure = curve_figures(tuple(chosen), versions, float(smoothing), axis, language())
    if len(chosen) > 1 and axis == "step":
        st.caption(t("losses_marks_note"))

    meanings = {loss: meaning(loss) for loss in
                dict.fromkeys(run_loss(saved_config(name)) for name in chosen)}
    if len(meanings) > 1:
        st.caption(" · ".join(t("lv_run_loss", loss=t(f"lv_name_{loss}")) for loss in meanings))
    st.subheader(t("losses_loss_h"))
    pictures.chart(loss_figure)
    st.markdown(t("losses_loss_explain"))
    st.subheader(t("losses_d_h"))
    pictures.chart(output_figure)
    st.markdown(t("losses_d_explain"))
    for loss_meaning in meanings.values():
        if loss_meaning.explain:
            st.info(loss_meaning.explain, icon=":material/functions:")

    quality_charts(chosen, versions)

    def exported() -> dict:  # only when the button is pressed: the raw values of every step
        return {name: (cache.history(name), epoch_length(cache.history(name), saved_config(name)))
                for name in chosen}

    st.download_button(t("losses_csv"), data=lambda: history_csv(exported()), file_name="gan-lab-losses.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", help=t("losses_csv_help"))
    nav.link("progression")


render()
