"""Real plural forms and translated settings, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.i18n import STRINGS, plural_form

from .test_app import open_app, text, texts, with_run, trained_root  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parent.parent


def form(key: str, n: int, language: str) -> str:
    forms = STRINGS[key][language].split("|")
    return forms[plural_form(n, language)].format(n=n)


def test_counts_take_real_plural_forms() -> None:
    assert [form("n_epochs", n, "en") for n in (0, 1, 2, 21)] == ["0 epochs", "1 epoch", "2 epochs", "21 epochs"]
    russian = {1: "1 эпоха", 2: "2 эпохи", 4: "4 эпохи", 5: "5 эпох", 11: "11 эпох", 12: "12 эпох", 14: "14 эпох",
               21: "21 эпоха", 22: "22 эпохи", 25: "25 эпох", 100: "100 эпох", 101: "101 эпоха", 111: "111 эпох"}
    assert {n: form("n_epochs", n, "ru") for n in russian} == russian
    assert [form("n_cores", n, "ru") for n in (1, 2, 16)] == ["1 ядро", "2 ядра", "16 ядер"]
    for key, entry in STRINGS.items():  # a counted noun has every form of each language
        if key.startswith("n_"):
            assert len(entry["en"].split("|")) == 2 and len(entry["ru"].split("|")) == 3, key


def test_no_string_hedges_a_plural_with_parentheses() -> None:
    hedged = [key for key, entry in STRINGS.items() for text_ in entry.values() if re.search(r"\w\(s\)", text_)]
    assert not hedged, hedged


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_runs_page_shows_settings_with_the_train_pages_labels(with_run, language) -> None:  # noqa: F811
    at = open_app("runs", language)
    table = at.table[1].value  # under the list of runs (the first table): the chosen run's settings
    labels = list(table[text("col_setting", language)])
    values = list(table[text("col_value", language)])
    assert text("batch_size", language) in labels and text("lr_g", language) in labels
    assert text("setting_tf32", language) in labels and text("setting_betas", language) in labels
    raw = {"batch_size", "lr_g", "lr_d", "latent_dim", "d_steps", "ema_decay", "tf32", "betas", "model", "dataset"}
    assert not raw & set(labels), labels
    assert text("setting_yes", language) in values and "True" not in values
    assert text("model_mlp", language) in values and text("device_choice_cpu", language) in values
    assert at.selectbox(key="keep_runs_selected").value == "tiny"  # the only run is the chosen one
    label = at.selectbox(key="keep_runs_selected").format_func("tiny")
    assert form("n_epochs", 2, language) in label
