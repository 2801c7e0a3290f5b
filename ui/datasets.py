"""The dataset picker of the Train and Data pages: which datasets are on disk, said in the option and under it."""

from __future__ import annotations

import streamlit as st

from gan_core.data import DATASETS, on_disk, raw_folder

from .i18n import t


def labels() -> dict[str, str]:
    """Option labels, built while the page renders (see ui/i18n.py): a dataset that needs the internet says so."""
    return {d: t(f"dataset_{d}") + ("" if on_disk(d) else t("dataset_missing_suffix")) for d in DATASETS}


def missing_note(name: str) -> None:
    """Under the picker: how to get a dataset that is not on this computer."""
    if not on_disk(name):
        st.caption(t("dataset_missing_note", dataset=name, folder=raw_folder(name)))
