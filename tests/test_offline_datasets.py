"""Datasets that are not on disk say so in the picker and how to get them, both languages."""

from __future__ import annotations

import pytest

from gan_core.data import RAW_FILES, on_disk, raw_folder

from .test_app import open_app, text, texts


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_picker_says_which_datasets_need_the_internet(checkpoints, tmp_path, monkeypatch, language) -> None:
    monkeypatch.setenv("GAN_LAB_DATA", str(tmp_path / "data"))
    assert on_disk("mnist-5k") and not on_disk("mnist") and not on_disk("fashion-mnist")
    at = open_app("train", language)
    picker = at.selectbox(key="keep_train_dataset")
    assert picker.format_func("mnist") == text("dataset_short_mnist", language) + text("dataset_missing_suffix", language)
    assert picker.format_func("mnist-5k") == text("dataset_short_mnist-5k", language)
    picker.set_value("fashion-mnist").run()
    assert text("dataset_fashion-mnist", language) in texts(at, "caption")  # the whole description, under it
    note = text("dataset_missing_note", language, dataset="fashion-mnist", folder=raw_folder("fashion-mnist"))
    assert note in texts(at, "caption")
    folder = raw_folder("mnist")
    folder.mkdir(parents=True)
    for name in RAW_FILES:
        (folder / f"{name}.gz").write_bytes(b"")
    assert on_disk("mnist")
