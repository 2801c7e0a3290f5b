"""The dataset picker of the Train and Data pages: which datasets can load here, said in the option and under it."""

from __future__ import annotations

import streamlit as st

from gan_core.data import DATASETS, needs_torchvision, on_disk, raw_folder, torchvision_installed

from .i18n import t


def labels(short: bool = False) -> dict[str, str]:
    """Option labels, built while the page renders (see ui/i18n.py): a dataset that is not on disk, or that
    needs torchvision where it is not installed, says so. `short`: for a narrow picker (the Train page's
    quarter of a 1280 px screen), with the whole description under it (`about`)."""
    def label(name: str) -> str:
        text = t(f"dataset_short_{name}") if short else t(f"dataset_{name}")
        if not on_disk(name):
            return text + t("dataset_missing_suffix")
        if needs_torchvision(name) and not torchvision_installed():
            return text + t("dataset_no_torchvision_suffix")
        return text
    return {name: label(name) for name in DATASETS}


def about(name: str) -> None:
    """Under a short picker: the dataset's whole description."""
    st.caption(t(f"dataset_{name}"))


def missing_note(name: str) -> None:
    """Under the picker: how to get a dataset that is not on this computer, or the package it needs."""
    if not on_disk(name):
        st.caption(t("dataset_missing_note", dataset=name, folder=raw_folder(name)))
    if needs_torchvision(name) and not torchvision_installed():
        st.caption(t("dataset_no_torchvision_note", dataset=name))
