"""A value the app puts in a widget (Random's slider positions, Start's next run name, Reseed's seed) is not undone
by a poll that the browser sent before the value reached it (ui/frame.py, set_widget). Streamlit takes the
browser's widget values on every rerun, a fragment's poll included; here the poll's stale values are set by hand,
as the browser would send them."""

from __future__ import annotations

import pytest

from ui import frame

from .test_app import open_app, text, trained_root, with_run  # noqa: F401 - fixtures


def press(at, label: str) -> None:
    next(button for button in at.button if button.label == label).click().run()


def latent_state(at) -> tuple[int, list[float], object]:
    return at.number_input(key="keep_latent_seed").value, [slider.value for slider in at.slider], at.image[0].value


def echo(at, seed: int, sliders: list[float]) -> None:
    """What a poll sent just before Random's drawing arrived carries: the old seed and slider positions."""
    at.number_input(key="keep_latent_seed").set_value(seed)
    for slider, value in zip(at.slider, sliders):
        slider.set_value(value)
    at.run()


def test_random_on_the_latent_page_is_not_undone_by_a_stale_poll(with_run) -> None:  # noqa: F811
    at = open_app("latent", "en")
    seed, sliders, image = latent_state(at)
    press(at, text("latent_random", "en"))
    random = latent_state(at)
    assert random[0] != seed and random[1] != sliders and random[2] != image
    echo(at, seed, sliders)
    assert not at.exception
    assert latent_state(at) == random  # the seed, every slider and the digit stay Random's


def test_after_the_echo_window_the_old_values_are_the_users_choice(with_run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(frame, "ECHO_SECONDS", 0.0)
    at = open_app("latent", "en")
    seed, sliders, image = latent_state(at)
    press(at, text("latent_random", "en"))
    echo(at, seed, sliders)  # now a person typing the old seed back: it is applied, vector and digit with it
    assert latent_state(at) == (seed, sliders, image)


def test_reseed_on_the_data_page_is_not_undone_by_a_stale_poll(with_run) -> None:  # noqa: F811
    at = open_app("data", "en")
    seed = at.number_input(key="keep_data_seed").value
    press(at, text("data_reseed", "en"))
    assert at.number_input(key="keep_data_seed").value == seed + 1
    at.number_input(key="keep_data_seed").set_value(seed).run()
    assert at.number_input(key="keep_data_seed").value == seed + 1
