"""A value the app puts in a widget (Random's slider positions, Start's next run name, Reseed's seed) is not undone
by a poll that the browser sent before the value reached it (ui/widgets.py, set_widget). Streamlit takes the
browser's widget values on every rerun, a fragment's poll included. A test makes a real fragment rerun of the
page's fragments (`as_a_poll`) and sets the poll's stale values by hand, as the browser would send them."""

from __future__ import annotations

import pytest

from gan_core.classroom.identity import name_claims
from gan_core.runs.checkpoints import default_checkpoints_dir
from ui import widgets
from ui.people import PASSWORD_ENV

from .helpers import as_a_poll
from .test_app import open_app, text, trained_root, with_run  # noqa: F401 - fixtures


def press(at, label: str) -> None:
    next(button for button in at.button if button.label == label).click().run()


def latent_state(at) -> tuple[str, list[float], object]:
    return at.text_input(key="keep_latent_seed").value, [slider.value for slider in at.slider], at.image[0].value


def send_back(at, seed: str, sliders: list[float]) -> None:
    """The old seed and slider positions come back from the browser."""
    at.text_input(key="keep_latent_seed").set_value(seed)
    for slider, value in zip(at.slider, sliders):
        slider.set_value(value)
    at.run()


def test_random_on_the_latent_page_is_not_undone_by_a_stale_poll(with_run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    at = open_app("latent", "en")
    seed, sliders, image = latent_state(at)
    press(at, text("latent_random", "en"))
    random = latent_state(at)
    assert random[0] != seed and random[1] != sliders and random[2] != image
    with as_a_poll(at, monkeypatch):
        send_back(at, seed, sliders)
    assert not at.exception
    assert latent_state(at) == random  # the seed, every slider and the digit stay Random's


def test_the_old_values_in_a_whole_page_run_are_the_persons_choice(with_run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    at = open_app("latent", "en")
    seed, sliders, image = latent_state(at)
    press(at, text("latent_random", "en"))
    send_back(at, seed, sliders)  # typed and dragged back by a person, within a second: applied, digit and all
    assert latent_state(at) == (seed, sliders, image)
    with as_a_poll(at, monkeypatch):  # and a poll after that does not take them away again
        at.run()
    assert latent_state(at) == (seed, sliders, image)


def test_after_the_echo_window_a_poll_brings_what_the_browser_has(with_run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(widgets, "ECHO_SECONDS", 0.0)
    at = open_app("latent", "en")
    seed, sliders, image = latent_state(at)
    press(at, text("latent_random", "en"))
    with as_a_poll(at, monkeypatch):
        send_back(at, seed, sliders)
    assert latent_state(at) == (seed, sliders, image)


def test_reseed_on_the_data_page_is_not_undone_by_a_stale_poll(with_run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    at = open_app("data", "en")
    seed = at.text_input(key="keep_data_seed").value
    press(at, text("data_reseed", "en"))
    assert at.text_input(key="keep_data_seed").value == str(int(seed) + 1)
    with as_a_poll(at, monkeypatch):  # the seed box is outside the fragment: the poll brings its value all the same
        at.text_input(key="keep_data_seed").set_value(seed).run()
    assert at.session_state["keep_data_seed"] == str(int(seed) + 1)
    at.run()  # and the next whole-page run shows it
    assert at.text_input(key="keep_data_seed").value == str(int(seed) + 1)


@pytest.mark.parametrize("refused", ["<script>", "held"])
def test_a_refused_name_echoed_back_by_a_poll_is_not_refused_again(with_run, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                                   refused: str) -> None:
    """A name the app refused (not a name at all; or, in a class, one that another student holds) and put back
    in the box: a poll that brings the typed name back is not a second attempt."""
    if refused == "held":
        monkeypatch.setenv(PASSWORD_ENV, "a class")
        name_claims(default_checkpoints_dir()).claim("anna")
        refused = "anna"
    at = open_app("home", "en")
    mine = at.text_input(key="people_name_box").value
    at.text_input(key="people_name_box").set_value(refused).run()
    assert len(at.error) == 1 and at.text_input(key="people_name_box").value == mine  # refused, the box put back
    with as_a_poll(at, monkeypatch):  # the name box is outside the fragment: the poll brings its value all the same
        at.text_input(key="people_name_box").set_value(refused).run()
    assert not at.error and at.session_state["people_name_box"] == mine and at.session_state["student"] == mine
    at.run()
    assert not at.error and at.text_input(key="people_name_box").value == mine
