"""Losses: the training curves of one or several runs, smoothed, with epoch marks, and as CSV."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core.checkpoints import RunDir, default_checkpoints_dir, pick_default_run
from gan_core.curves import EQUILIBRIUM, class_histograms, epoch_ends, epoch_length, epoch_metrics, history_csv

from ui import cache, charts, frame, nav, pickers, pictures, quality, training
from ui.frame import KEEP
from ui.i18n import t


def quality_charts(chosen: list[str]) -> None:
    """Per-epoch numbers an evaluator recorded (FID / floor, digits covered, ...), two charts a row, one line
    per run; for one run also its epoch x digit heat map. Runs without any (older ones, fashion-mnist) add nothing."""
    extra = {name: epoch_metrics(cache.history(name)) for name in chosen}
    metric_names = quality.ordered({metric for found in extra.values() for metric in found})
    if not metric_names:
        return
    st.subheader(t("quality_h"))
    st.markdown(t("losses_quality_explain"))
    columns = st.columns(2, gap="large")
    for index, metric in enumerate(metric_names):
        lines = [charts.Line(name, np.array([e for e, _ in extra[name][metric]]),
                             np.array([v for _, v in extra[name][metric]]), charts.RUN_COLOURS[i % len(charts.RUN_COLOURS)])
                 for i, name in enumerate(chosen) if metric in extra[name]]
        with columns[index % 2]:
            st.markdown(f"**{quality.label(metric)}**")
            pictures.chart(quality.epoch_metric_figure(metric, lines), key=f"losses_metric_{metric}")
    if len(chosen) == 1:
        epochs, shares = class_histograms(cache.history(chosen[0]))
        if epochs:
            st.markdown(f"**{t('quality_heatmap_h')}**")
            pictures.chart(quality.heatmap_figure(epochs, shares), key="losses_classes_heatmap")


@frame.shows_user_errors
def render() -> None:
    st.title(t("losses_title"))
    st.markdown(t("losses_intro"))
    root = default_checkpoints_dir()
    in_training = training.manager().active_names(root)
    runs = [run for run in pickers.runs() if run.epochs_done >= 1 or run.status == "running" or run.name in in_training]
    if not runs:
        pickers.no_run_notice()
        return
    names = [run.name for run in runs]
    chosen_key = f"{KEEP}losses_runs"
    if not st.session_state.get(chosen_key) or not set(st.session_state[chosen_key]) <= set(names):
        kept = [name for name in st.session_state.get(chosen_key) or [] if name in names]
        st.session_state[chosen_key] = kept or [(pick_default_run(runs) or runs[0]).name]  # like every picker
    frame.default(f"{KEEP}losses_smoothing", 0.8)
    frame.default(f"{KEEP}losses_axis", "step")

    pick_col, smooth_col, axis_col = st.columns([3, 2, 1], gap="medium")
    chosen = pick_col.multiselect(t("losses_runs"), names, key=chosen_key, help=t("losses_runs_help"))
    smoothing = smooth_col.slider(t("smoothing"), 0.0, 0.99, step=0.01, key=f"{KEEP}losses_smoothing",
                                  help=t("smoothing_help"))
    axis = axis_col.radio(t("losses_axis"), ["step", "epoch"], key=f"{KEEP}losses_axis",
                          format_func={"step": t("step"), "epoch": t("epoch")}.__getitem__, horizontal=True)
    if not chosen:
        st.info(t("losses_pick"))
        return

    in_epochs = axis == "epoch"
    single = len(chosen) == 1
    loss_lines, output_lines, exported, marks = [], [], {}, []
    for index, name in enumerate(chosen):
        history = cache.history(name)
        config = RunDir(name, root).read_info()["config"]
        per_epoch = epoch_length(history, config)
        exported[name] = (history, per_epoch)
        prefix = "" if single else f"{name} · "
        colours = None if single else dict.fromkeys(("loss_d", "loss_g", "d_real", "d_fake"),
                                                     charts.RUN_COLOURS[index % len(charts.RUN_COLOURS)])
        dashes = None if single else {"loss_g": "dash", "d_fake": "dash"}
        loss_lines += charts.lines_of(history, {"loss_d": t("loss_d"), "loss_g": t("loss_g")}, smoothing, per_epoch,
                                      in_epochs, prefix, colours, dashes)
        output_lines += charts.lines_of(history, {"d_real": t("d_real"), "d_fake": t("d_fake")}, smoothing, per_epoch,
                                        in_epochs, prefix, colours, dashes)
        if single:
            ends = epoch_ends(history)
            marks = [end / per_epoch for end in ends] if in_epochs else [float(end) for end in ends]
    x_title = t("epoch") if in_epochs else t("step")
    if not single and not in_epochs:
        st.caption(t("losses_marks_note"))

    st.subheader(t("losses_loss_h"))
    pictures.chart(charts.figure(loss_lines, t("loss"), x_title, marks=marks, height=420,
                               references={t("equilibrium_d"): EQUILIBRIUM["loss_d"],
                                           t("equilibrium_g"): EQUILIBRIUM["loss_g"]}))
    st.markdown(t("losses_loss_explain"))
    st.subheader(t("losses_d_h"))
    pictures.chart(charts.figure(output_lines, t("d_output"), x_title, marks=marks, height=360, y_range=(0, 1),
                               references={"½": 0.5}))
    st.markdown(t("losses_d_explain"))

    quality_charts(chosen)

    st.download_button(t("losses_csv"), data=lambda: history_csv(exported), file_name="gan-lab-losses.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", help=t("losses_csv_help"))
    nav.link("progression")


render()
