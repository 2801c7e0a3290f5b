"""Compare: the same number of seeded samples from each model and from the real data, side by side,
and the same samples measured: FID against the floor of real digits, digits covered, the classifier's
confidence, and how near each comes to a training image."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from gan_core.runs.checkpoints import RunInfo
from gan_core.errors import GanLabError

from ui import cache, charts, number_field, pickers, pictures, quality, turns, widgets, wording
from ui.widgets import KEEP
from ui.i18n import plural, t

GRID_SIZES = [9, 16, 25, 36, 49, 64, 100]
MEASURED = [100, 200, 500, 1000]  # samples per source for the metrics; the grids show the first of them
DEFAULT_MEASURED = 500  # as many as the per-epoch metrics of training, so Train's FID / floor reads the same
COLOURS = {"gaussian-independent": "#9e9e9e", "gaussian-full": "#757575", "gan": "#1f77b4", "real": "#2ca02c"}


@dataclass(frozen=True)
class Source:
    """One column of the comparison and one row of its table: where the samples come from, and the samples."""

    kind: str  # one of cache.SOURCE_KINDS
    title: str
    about: str
    images: torch.Tensor  # (n, 1, 28, 28) in [-1, 1]: every sample measured; the grid shows the first ones


def sources(dataset_name: str, n: int, seed: int, run: RunInfo | None) -> list[Source]:
    found = [
        Source("gaussian-independent", t("compare_independent"), t("compare_independent_about"),
               cache.source_samples("gaussian-independent", dataset_name, n, seed)),
        Source("gaussian-full", t("compare_full"), t("compare_full_about"),
               cache.source_samples("gaussian-full", dataset_name, n, seed)),
    ]
    if run is not None:
        found.append(Source("gan", t("compare_gan"), t("compare_gan_about", name=run.name, epochs=plural("n_epochs", run.epochs_done)),
                            cache.source_samples("gan", dataset_name, n, seed, run)))
    found.append(Source("real", t("compare_real"), t("compare_real_about"),
                        cache.source_samples("real", dataset_name, n, seed)))
    return found


def grids(shown: list[Source | None], count: int, dataset_name: str, n: int, seed: int, run: RunInfo | None,
          per_row: int = 4) -> None:
    """Rows of `per_row` grids (4, or 2 in the large view: twice as wide on a projector), each row with a line
    of titles, one of grids, one of notes, so the grids line up whatever the titles' lengths."""
    for first in range(0, len(shown), per_row):
        row(shown[first:first + per_row], count, dataset_name, n, seed, run, per_row)


def row(shown: list[Source | None], count: int, dataset_name: str, n: int, seed: int, run: RunInfo | None,
        per_row: int) -> None:
    target = 420 if per_row == 4 else 840
    for part in ("title", "images", "about"):
        for column, source in zip(st.columns(per_row, gap="medium"), shown):
            with column:
                if source is None:  # no GAN yet: its column says how to get one
                    if part == "title":
                        st.markdown(f"##### {t('compare_gan')}")
                    elif part == "images":
                        pickers.no_run_notice()
                elif part == "title":
                    st.markdown(f"##### {source.title}")
                elif part == "images":
                    pictures.show(cache.source_grid(source.kind, dataset_name, n, seed, count, target,
                                                    run if source.kind == "gan" else None))
                else:
                    st.caption(source.about)


def table(found: list[Source], measured: dict[str, dict]) -> pd.DataFrame:
    """One row per source, the numbers as numbers (the styling formats them)."""
    rows = []
    for source in found:
        numbers = measured[source.kind]
        rows.append({
            t("col_source"): source.title,
            t("col_kid"): numbers["kid"],
            t("col_fid"): numbers["fid"],
            t("col_fid_ratio"): numbers["fid_ratio"],
            t("col_covered"): numbers["classes_covered"],
            t("col_confidence"): numbers["mean_confidence"],
            t("col_nearest"): numbers["memorisation"]["median_distance"],
            t("col_too_close"): numbers["memorisation"]["too_close_fraction"],
        })
    return pd.DataFrame(rows)


POLL_SECONDS = 1.0  # while the numbers are being measured: how soon they appear


def measured_numbers(found: list[Source], dataset_name: str, n: int, seed: int, run: RunInfo | None,
                     grace: float = 0.0) -> dict[str, dict] | None:
    """Every source's numbers, or None while any is still being measured (in the background, for everyone),
    after waiting at most `grace` s for them."""
    futures = {source.kind: cache.source_quality_future(source.kind, dataset_name, n, seed,
                                                        run if source.kind == "gan" else None)
               for source in found}
    if not cache.measured(list(futures.values()), timeout=grace):
        return None
    return {kind: future.result() for kind, future in futures.items()}


def metrics(found: list[Source], dataset_name: str, n: int, seed: int, run: RunInfo | None) -> None:
    """The table under the grids: the Gaussian vs GAN difference as a number, and how to read it. Measuring
    takes seconds the first time: the page does not wait; a line says so and the numbers appear when ready."""
    st.subheader(t("compare_metrics_h"))
    if not quality.judges(dataset_name):
        st.info(t("compare_no_metrics", dataset=dataset_name), icon=":material/info:")
        return
    try:
        # the page run waits a moment once (numbers read from the disk cache are shown without a flash of the
        # measuring line); the fragment below, in this run and in each poll, only looks
        waiting = measured_numbers(found, dataset_name, n, seed, run, grace=cache.MEASURE_GRACE_SECONDS) is None
    except GanLabError as error:
        st.error(wording.error_text(error), icon=":material/error:")
        return
    turns.fragment(numbers_view, run_every=POLL_SECONDS if waiting else None)(found, dataset_name, n, seed, run, waiting)


def numbers_view(found: list[Source], dataset_name: str, n: int, seed: int, run: RunInfo | None, polling: bool) -> None:
    try:
        measured = measured_numbers(found, dataset_name, n, seed, run)
    except GanLabError as error:
        if polling:
            st.rerun()  # the page says what went wrong, and nothing polls on
        st.error(wording.error_text(error), icon=":material/error:")
        return
    if measured is None:
        st.info(t("compare_measuring"), icon=":material/hourglass_top:")
        return
    if polling:
        st.rerun()  # measured: draw the page once more, which stops the polling
    rows = table(found, measured)
    formats = {t("col_kid"): "{:,.1f}", t("col_fid"): "{:,.1f}", t("col_fid_ratio"): "{:,.1f}×", t("col_covered"): "{:d} / 10",
               t("col_confidence"): "{:.0%}", t("col_nearest"): "{:.1f}", t("col_too_close"): "{:.0%}"}
    st.table(rows.style.format(formats).hide(axis="index"))
    any_numbers = next(iter(measured.values()))
    memorisation = any_numbers["memorisation"]
    pictures.chart(charts.ratio_bars([s.title for s in found], [measured[s.kind]["fid_ratio"] for s in found],
                                   [COLOURS[s.kind] for s in found], t("compare_chart_axis"),
                                   {t("ref_target"): quality.TARGET_RATIO, t("ref_real"): 1.0}, height=110 + 55 * len(found)),
                 key="compare_ratio_chart")
    read_col, memo_col = st.columns(2, gap="large")
    read_col.markdown(t("compare_kid_read"))
    read_col.markdown(t("compare_metrics_read", n=n, floor=any_numbers["fid_floor"]))
    memo_col.markdown(t("compare_memo_read", median=memorisation["reference_median_distance"],
                        threshold=memorisation["too_close_threshold"]))


@wording.shows_user_errors
def render() -> None:
    st.title(t("compare_title"))
    st.markdown(t("compare_intro"))
    widgets.default(f"{KEEP}compare_n", 36)
    widgets.default(f"{KEEP}compare_measured", DEFAULT_MEASURED)
    run_col, n_col, measured_col, seed_col = st.columns([4, 2, 2, 1], gap="medium", vertical_alignment="bottom")  # the run label in full at 1280 px
    with run_col:
        run = pickers.pick_run(f"{KEEP}compare_run", label=t("compare_run"))
    count = n_col.select_slider(t("compare_n"), GRID_SIZES, key=f"{KEEP}compare_n")
    n = measured_col.select_slider(t("compare_n_measured"), MEASURED, key=f"{KEEP}compare_measured",
                                   help=t("compare_n_measured_help"))
    widgets.default(f"{KEEP}compare_seed", 0)
    with seed_col:
        seed = number_field.number_field(t("seed"), f"{KEEP}compare_seed", number_field.SEED)
    dataset_name = run.dataset if run is not None else "mnist-5k"
    try:
        with st.spinner(t("loading_data")):
            found = sources(dataset_name, int(n), int(seed), run)
    except GanLabError as error:
        st.error(wording.error_text(error))
        return
    shown: list[Source | None] = list(found)
    if run is None:
        shown.insert(2, None)
    large = st.toggle(t("compare_large"), key=f"{KEEP}compare_large", help=t("compare_large_help"))
    grids(shown, int(count), dataset_name, int(n), int(seed), run, per_row=2 if large else 4)
    st.markdown(t("compare_explain"))
    metrics(found, dataset_name, int(n), int(seed), run)


render()
