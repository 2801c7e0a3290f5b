"""Readable from the back of a classroom at 1280x720 (issue 10, item 3): labels above the data, short option
labels, grids that can be shown large."""

from __future__ import annotations

import pytest

from ui.i18n import STRINGS

from .test_app import figures, open_app, text, texts, with_run, trained_root  # noqa: F401 - fixtures

QUARTER_OF_1280 = 24  # characters that fit a select a quarter of a 1280-pixel screen wide, at the app's type


@pytest.mark.parametrize("language", ["ru", "en"])
def test_losses_equilibrium_labels_sit_in_an_opaque_box_above_the_curves(with_run, language) -> None:  # noqa: F811
    at = open_app("losses", language)
    labels = [a for figure in figures(at) for a in figure.get("layout", {}).get("annotations", [])
              if a.get("text") in (text("equilibrium_d", language), text("equilibrium_g", language))]
    assert len(labels) >= 2
    for label in labels:
        assert label["font"]["size"] >= 16 and label.get("bgcolor", "").startswith("rgba(255,255,255")
        assert float(label["bgcolor"].rsplit(",", 1)[1].rstrip(")")) >= 0.9 and label.get("borderwidth", 0) >= 1


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_model_options_fit_their_select_and_the_description_shows_under_it(checkpoints, language) -> None:
    at = open_app("train", language)
    model = at.selectbox(key="keep_train_model")
    for option in model.options:
        assert len(option) <= QUARTER_OF_1280, option
    assert text(f"model_{model.value}", language) in texts(at, "caption")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_compare_has_a_large_view_with_two_wider_grids_a_row(with_run, language) -> None:  # noqa: F811
    at = open_app("compare", language)
    assert len(at.image) == 4
    at.toggle(key="keep_compare_large").set_value(True).run()
    assert not at.exception and len(at.image) == 4
    columns = [c for c in at.columns if len(c.get("image")) == 1]  # each grid's column: half the width, not a quarter
    assert len(columns) == 4 and all(c.proto.weight == pytest.approx(0.5) for c in columns), [c.proto.weight for c in columns]
    assert STRINGS["compare_large"][language] == at.toggle(key="keep_compare_large").label
