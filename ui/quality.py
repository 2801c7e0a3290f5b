"""The sample-quality numbers of gan_core.eval.metrics as the pages show them: names, charts, the Train view.

gan_core computes every number (the per-epoch records, `class_histograms`, `evaluate_images`);
this module only decides how they look. The digit classifier judges digits only: for other
datasets the pages say so instead of showing numbers.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gan_core.runs.checkpoints import RunDir, default_checkpoints_dir
from gan_core.eval.curves import class_histograms, epoch_metrics
from gan_core.eval.metrics import COVERAGE_SHARE, DIGIT_DATASETS
from gan_core.trainer import History

from . import cache, charts, pictures
from .i18n import STRINGS, language, t

ORDER = ("fid_ratio", "fid", "classes_covered", "mean_confidence", "label_accuracy_mean", "kl_to_uniform")  # how the Losses page lists them
TARGET_RATIO = 5.0  # a good run's goal: FID at most 5x the floor of real digits
LABEL_TARGET = 0.95  # a conditional run: every digit drawn as asked at least 95% of the time


def judges(dataset: str) -> bool:
    """Whether the digit classifier can measure samples of this dataset."""
    return dataset in DIGIT_DATASETS


def label(metric: str) -> str:
    """A metric's name for people; an unknown one (a future evaluator's) keeps its key."""
    key = f"metric_{metric}"
    return t(key) if key in STRINGS else metric


def ordered(metrics: set[str] | list[str]) -> list[str]:
    """The known metrics in a reading order, then any others alphabetically."""
    known = [name for name in ORDER if name in metrics]
    return known + sorted(set(metrics) - set(known))


def epoch_metric_figure(metric: str, lines: list[charts.Line], height: int = 300) -> go.Figure:
    """One per-epoch metric against epoch, with the axis and the reference levels that make it readable:
    FID on a log axis (it falls from ~788 to a few), coverage out of 10, confidence out of 1."""
    values = [float(v) for line in lines for v in line.y if v is not None and math.isfinite(v)]
    top = max(values, default=1.0)
    options: dict = {}
    if metric == "fid_ratio":
        options = {"log_y": True, "y_range": (-0.1, math.log10(max(top, 10.0)) + 0.15),
                   "references": {t("ref_target"): TARGET_RATIO, t("ref_real"): 1.0}}
    elif metric == "fid":
        options = {"log_y": True}
    elif metric == "classes_covered":
        options = {"y_range": (0, 10.8), "references": {t("ref_all_digits"): 10}}
    elif metric == "mean_confidence":
        options = {"y_range": (0, 1.08), "references": {t("ref_real_confidence"): 0.99}}
    elif metric == "label_accuracy_mean":
        options = {"y_range": (0, 1.08), "references": {t("ref_label_target"): LABEL_TARGET}}
    elif metric == "kl_to_uniform":
        options = {"y_range": (0, 2.5), "references": {t("ref_one_digit"): math.log(10)}}
    return charts.figure(lines, label(metric), t("epoch"), height=height, markers=True, **options)


def share_figure(shares: list[float] | np.ndarray, height: int = 320) -> go.Figure:
    """The share of samples per digit as bars, with the 10% every digit would get if all were equal."""
    return charts.class_shares(shares, t("digit"), t("share_axis"), t("ref_uniform"), COVERAGE_SHARE, height)


def heatmap_figure(epochs: list[int], shares: np.ndarray, height: int = 340) -> go.Figure:
    return charts.class_heatmap(epochs, shares, t("epoch"), t("digit"), t("share_axis"), height)


def measured_epochs(history: History) -> list[dict]:
    """The epoch records that hold the classifier's numbers (older runs and other datasets have none)."""
    return [record for record in list(history.epochs) if "fid_ratio" in record and "class_histogram" in record]


@st.cache_resource(show_spinner=False, max_entries=32)
def train_figures(name: str, version: int, epochs: int, language: str) -> tuple[go.Figure, go.Figure, go.Figure | None]:
    """The quality charts of a run's first `epochs` measured epochs (they change once an epoch), built
    once for everyone watching: the newest class histogram, FID / floor per epoch, the heat map."""
    records = measured_epochs(cache.history(name))[:epochs]
    history = History(epochs=records)
    series = epoch_metrics(history)["fid_ratio"]
    line = charts.Line(label("fid_ratio"), np.array([e for e, _ in series]), np.array([v for _, v in series]), "#9467bd")
    found, shares = class_histograms(history)
    return (share_figure(records[-1]["class_histogram"]), epoch_metric_figure("fid_ratio", [line], height=320),
            heatmap_figure(found, shares, height=320) if len(found) >= 2 else None)


def train_view(name: str, dataset: str, active: bool) -> None:
    """The Train page's quality view of one run, redrawn with its live view: the newest epoch's numbers
    (with the change since the epoch before), its class histogram, FID / floor per epoch and, from the
    second epoch on, the epoch x digit heat map. A run without per-epoch metrics shows nothing."""
    if not judges(dataset):
        st.caption(t("quality_not_digits", dataset=dataset))
        return
    records = measured_epochs(cache.history(name))
    if not records:
        if active:
            st.caption(t("quality_wait"))
        return
    last = records[-1]
    before = records[-2] if len(records) > 1 else None
    st.subheader(t("quality_h"))
    has_kid = "kid" in last  # runs trained before KID was measured have none
    ratio_col, fid_col, covered_col, confidence_col, *kid_col = st.columns(5 if has_kid else 4)

    def change(name: str, form: str) -> str | None:
        """The change since the epoch before, as the metric shows it; none at the first epoch or when it rounds to 0."""
        if before is None or name not in before:
            return None
        text = format(float(last[name]) - float(before[name]), form)
        return None if not text.strip("+-0.%") else text

    ratio_col.metric(label("fid_ratio"), f"{last['fid_ratio']:.1f}×", change("fid_ratio", "+.1f"), delta_color="inverse",
                     help=t("help_quality_fid_ratio"))
    fid_col.metric(label("fid"), f"{last['fid']:.1f}", change("fid", "+.1f"), delta_color="inverse",
                   help=t("help_quality_fid"))
    # Five numbers share the width of the page: the tables' short names, the whole name in each help text.
    covered_col.metric(t("col_covered"), f"{int(last['classes_covered'])} / 10", change("classes_covered", "+.0f"),
                       help=t("help_quality_classes_covered"))
    confidence_col.metric(t("col_confidence"), f"{last['mean_confidence']:.0%}",
                          change("mean_confidence", "+.0%"), help=t("help_quality_mean_confidence"))
    if has_kid:
        kid_col[0].metric(t("col_kid"), f"{last['kid']:.1f}", change("kid", "+.1f"), delta_color="inverse",
                          help=t("help_quality_kid"))
    if "label_accuracy_mean" in last:
        label_view(last, before)
    version = cache.stamp(RunDir(name, default_checkpoints_dir()).checkpoint_path)
    shares_figure, fid_figure, heatmap = train_figures(name, version, len(records), language())
    bars_col, fid_chart_col = st.columns(2, gap="large")
    with bars_col:
        st.markdown(f"**{t('quality_classes_h', epoch=int(last['epoch']))}**")
        pictures.chart(shares_figure, key="train_classes_chart")
    with fid_chart_col:
        st.markdown(f"**{t('quality_fid_h')}**")
        pictures.chart(fid_figure, key="train_fid_chart")
    if heatmap is not None:
        st.markdown(f"**{t('quality_heatmap_h')}**")
        pictures.chart(heatmap, key="train_classes_heatmap")
    floor = float(last["fid"]) / float(last["fid_ratio"]) if last["fid_ratio"] else float("nan")
    st.caption(t("quality_caption", floor=floor) + " " + t("quality_explain") + (" " + t("help_quality_kid") if has_kid else ""))


def label_view(last: dict, before: dict | None) -> None:
    """A conditional run's label accuracy at the newest epoch: the mean (with the change since the epoch
    before), the weakest digit, and every digit's share drawn as asked against the 95% target."""
    accuracy = [float(a) for a in last["label_accuracy"]]
    weakest = int(np.nanargmin(accuracy))
    change = None
    if before is not None and "label_accuracy_mean" in before:
        text = format(float(last["label_accuracy_mean"]) - float(before["label_accuracy_mean"]), "+.0%")
        change = text if text.strip("+-0.%") else None
    metric_col, chart_col = st.columns([1.5, 3], gap="large")  # the metric's Russian name whole at 1280 px
    with metric_col:
        st.metric(label("label_accuracy_mean"), f"{last['label_accuracy_mean']:.0%}", change,
                  help=t("help_quality_label_accuracy"))
        st.metric(t("label_accuracy_lowest", digit=weakest), f"{accuracy[weakest]:.0%}")
    with chart_col:
        st.markdown(f"**{t('quality_label_h', epoch=int(last['epoch']))}**")
        pictures.chart(label_figure(tuple(accuracy), language()), key="train_label_accuracy_chart")


@st.cache_resource(show_spinner=False, max_entries=32)
def label_figure(accuracy: tuple[float, ...], language: str) -> go.Figure:
    """The per-digit label accuracy chart, built once per epoch's numbers for everyone watching."""
    return charts.label_accuracy(list(accuracy), t("digit"), t("label_accuracy_axis"), t("ref_label_target"), LABEL_TARGET)
