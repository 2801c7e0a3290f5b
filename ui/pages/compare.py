"""Compare: the same number of seeded samples from each model and from the real data, side by side."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from gan_core.checkpoints import RunInfo
from gan_core.errors import GanLabError

from ui import common
from ui.common import KEEP
from ui.i18n import t


@dataclass(frozen=True)
class Source:
    """One column of the comparison: where the images come from, and the images.
    (The metrics table of the quality issue is computed from this same list.)"""

    title: str
    about: str
    images: torch.Tensor  # (n, 1, 28, 28) in [-1, 1]


def sources(dataset_name: str, n: int, seed: int, run: RunInfo | None) -> list[Source]:
    found = [
        Source(t("compare_independent"), t("compare_independent_about"),
               common.baseline("gaussian-independent", dataset_name).sample(n, seed)),
        Source(t("compare_full"), t("compare_full_about"), common.baseline("gaussian-full", dataset_name).sample(n, seed)),
    ]
    if run is not None:
        found.append(Source(t("compare_gan"), t("compare_gan_about", name=run.name, epochs=run.epochs_done),
                            common.generator(run).sample(n, seed)))
    found.append(Source(t("compare_real"), t("compare_real_about"), common.dataset(dataset_name).sample(n, seed)))
    return found


@common.shows_user_errors
def render() -> None:
    st.title(t("compare_title"))
    st.markdown(t("compare_intro"))
    common.default(f"{KEEP}compare_n", 36)
    run_col, n_col, seed_col = st.columns([3, 2, 1], gap="medium", vertical_alignment="bottom")
    with run_col:
        run = common.pick_run(f"{KEEP}compare_run", label=t("compare_run"))
    n = n_col.select_slider(t("compare_n"), [9, 16, 25, 36, 49, 64, 100], key=f"{KEEP}compare_n")
    seed = seed_col.number_input(t("seed"), min_value=0, max_value=2**31 - 1, step=1, key=f"{KEEP}compare_seed")
    dataset_name = run.dataset if run is not None else "mnist-5k"
    try:
        with st.spinner(t("loading_data")):
            shown = sources(dataset_name, int(n), int(seed), run)
    except GanLabError as error:
        st.error(str(error))
        return
    if run is None:  # no GAN yet: its column says how to get one
        shown.insert(2, None)
    # One row of titles, one of grids, one of notes: the grids line up whatever the titles' lengths.
    for part in ("title", "images", "about"):
        for column, source in zip(st.columns(4, gap="medium"), shown):
            with column:
                if source is None:
                    if part == "title":
                        st.markdown(f"##### {t('compare_gan')}")
                    elif part == "images":
                        common.no_run_notice()
                elif part == "title":
                    st.markdown(f"##### {source.title}")
                elif part == "images":
                    common.show(common.picture(source.images, target=420))
                else:
                    st.caption(source.about)
    st.markdown(t("compare_explain"))


render()
