"""Readable from the back of a classroom at 1280x720: labels above the data, short option
labels, grids that can be shown large."""

from __future__ import annotations

import pytest

from ui.i18n import STRINGS

from .test_app import figures, open_app, text, texts, with_run, trained_root  # noqa: F401 - fixtures

QUARTER_OF_1280 = 24  # characters that fit a select a quarter of a 1280-pixel screen wide, at the app's type


@pytest.mark.parametrize("language", ["ru", "en"])
def test_losses_equilibrium_levels_are_named_in_the_legend_not_written_on_the_curves(with_run, language) -> None:  # noqa: F811
    at = open_app("losses", language)
    [loss_chart] = [f for f in figures(at) if text("loss", language) in str(f["layout"]["yaxis"]["title"])]
    named = {trace["name"]: trace["line"]["dash"] for trace in loss_chart["data"] if trace.get("x") == [None]}
    assert set(named) == {text("equilibrium_d", language), text("equilibrium_g", language)}
    assert len(set(named.values())) == 2  # two dashes, so the legend tells the two levels apart
    levels = [shape for shape in loss_chart["layout"]["shapes"] if shape.get("xref") == "x domain"]
    assert sorted(shape["line"]["dash"] for shape in levels) == sorted(named.values())
    assert not loss_chart["layout"].get("annotations")  # nothing written over the curves


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
