"""The 2D lab page through AppTest: the step buttons change what they should and nothing else, the setup lives in
the URL, the messages name the form's settings, presets, Save / Load, drawing a distribution, Play drawing into the
same two canvases every frame; and the scenes the canvases draw."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from gan_core.toy2d import (DISTRIBUTION_DEFAULTS, GOALS, Toy2DConfig, Toy2DLab, demonstration_config, preset_config,
                            train_for)
from ui.i18n import STRINGS
from ui import toy2d_figure
from ui.toy2d_figure import _thinned, advance, canvas_figure, frame_scenes

from .helpers import same
from .test_app import APP
from .test_toy2d import one_thread  # noqa: F401 - autouse: the lab on one thread, as the app runs it

PAGE = "ui/pages/toy2d.py"
LAB = "toy2d_lab"
SMALL = {"width": "16", "layers": "1"}  # a tiny lab: the page's behaviour does not depend on its size


def open_lab(language: str = "en", small: bool = True, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = language
    at.query_params.update({**(SMALL if small else {}), **query})
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def weights(network: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in network.parameters()]


def press(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def canvases(at: AppTest) -> dict[str, tuple[str, dict]]:
    """The page's canvases by key: (the element's identity in the browser, the scene it draws)."""
    return {element.proto.id.rsplit("-", 1)[-1]: (element.proto.id, json.loads(element.proto.json))
            for element in at.get("bidi_component")}


def texts(at: AppTest) -> list[str]:
    return [e.value for kind in ("caption", "error", "info", "markdown") for e in at.get(kind)]


def test_step_d_only_leaves_g_bit_identical_step_g_only_leaves_d_and_step_moves_both(checkpoints) -> None:
    at = open_lab()
    lab: Toy2DLab = at.session_state[LAB]
    g, d = weights(lab.G), weights(lab.D)

    press(at, "toy2d_step_d")
    assert at.session_state[LAB] is lab  # the same lab, kept in the session
    assert same(weights(lab.G), g), "a D-only step changed G"
    assert not same(weights(lab.D), d)
    assert (lab.d_updates, lab.g_updates) == (1, 0)

    g, d = weights(lab.G), weights(lab.D)
    press(at, "toy2d_step_g")
    assert same(weights(lab.D), d), "a G-only step changed D"
    assert not same(weights(lab.G), g)
    assert (lab.d_updates, lab.g_updates) == (1, 1)

    g, d = weights(lab.G), weights(lab.D)
    press(at, "toy2d_step")
    assert not same(weights(lab.G), g) and not same(weights(lab.D), d)
    assert (lab.d_updates, lab.g_updates) == (2, 2)
    assert len(lab.history.loss_d) == 2 and len(lab.history.loss_g) == 2
    assert lab.history.metrics[-1][0] == 4  # measured after every step by hand

    press(at, "toy2d_reset")
    fresh = at.session_state[LAB]
    assert (fresh.d_updates, fresh.g_updates) == (0, 0)
    assert set(canvases(at)) == {"toy2d_plane", "toy2d_curves"}


def test_the_pages_default_experiment_is_the_clis_and_plays_the_same_rounds(checkpoints) -> None:
    at = open_lab(small=False)
    lab: Toy2DLab = at.session_state[LAB]
    assert lab.config == preset_config("ring8") == demonstration_config("default")  # the converging settings
    press(at, "toy2d_play")
    at.run()
    rounds = lab.g_updates
    assert rounds >= 2  # two frames played
    twin, _ = train_for(preset_config("ring8"), rounds=rounds)  # what `toy2d --rounds N` trains
    assert same(weights(lab.G), weights(twin.G)) and same(weights(lab.D), weights(twin.D))
    assert same(weights(lab.shown_G), weights(twin.shown_G))


def test_play_draws_every_frame_into_the_same_two_canvases_and_keeps_streamlits_running_look_away(checkpoints) -> None:
    at = open_lab()
    paused = canvases(at)
    press(at, "toy2d_play")
    frames = [canvases(at)]
    for _ in range(2):  # what each timed rerun of the fragment does (AppTest has no timer)
        frames.append(canvases(at.run()))
    for name in ("toy2d_plane", "toy2d_curves"):
        identities = {frame[name][0] for frame in [paused, *frames]}
        assert len(identities) == 1, f"{name} became a new element (the browser would drop the old picture)"
        scenes = [json.dumps(frame[name][1], sort_keys=True) for frame in frames]
        assert len(set(scenes)) == len(scenes), f"{name} did not change while playing"
    # the page's style: elements are not faded while a frame runs, and there is no English "Stop" corner
    assert any('data-stale="true"' in html.proto.body and "stStatusWidget" in html.proto.body for html in at.get("html"))


def test_the_plane_scene_shows_the_labs_points_and_every_scene_is_strict_json() -> None:
    names = {k: k for k in ("surface", "real", "fake", "mesh", "arrows", "loss_d", "loss_g", "loss", "updates",
                            "modes", "high_quality", "modes_axis", "manifold", "divergence", "plane", "curves")}
    for config in (Toy2DConfig(width=16, layers=1, batch_size=32),
                   Toy2DConfig(distribution="line", width=16, layers=1, batch_size=32, noise_dim=1)):
        lab = Toy2DLab(config)
        lab.step()
        plane, curves = frame_scenes(lab, names)
        for scene in (plane, curves):  # NaN is not JSON: the browser would refuse the whole scene
            json.loads(json.dumps(scene, allow_nan=False))
        traces = {trace["name"]: trace for trace in plane["panels"][0]["traces"]}
        shot = lab.snapshot()
        assert np.allclose(traces["fake"]["x"], shot.fake[:, 0], atol=1e-3)
        assert np.allclose(traces["real"]["y"], shot.real[:, 1], atol=1e-3)
        gaps = [x is None for x in traces["mesh"]["x"]]
        assert gaps == list(np.isnan(shot.mesh[:, 0]))  # the mesh's lines break where the snapshot's do
        assert plane["panels"][0]["heatmap"]["z"][5][7] == pytest.approx(shot.surface[5, 7], abs=1e-3)
        panels = {panel["y"]["title"] for panel in curves["panels"]}
        assert panels == {"loss", "divergence", "modes_axis" if lab.target.has_modes else "manifold"}


def test_the_setup_comes_from_the_url_and_goes_back_into_it(checkpoints) -> None:
    at = open_lab(dist="grid25", loss="lsgan", d="2", g="1", lr_d="0.005", zdim="1", z="uniform", seed="7")
    lab: Toy2DLab = at.session_state[LAB]
    # what the link leaves out takes grid25's defaults (R1, beta2, lr_g), and the page says what they are
    assert lab.config == preset_config("grid25", loss="lsgan", d_steps=2, lr_d=0.005, noise_dim=1,
                                       noise="uniform", seed=7, width=16, layers=1)
    assert lab.config.r1 == DISTRIBUTION_DEFAULTS["grid25"]["r1"] and lab.config.lr_d == 0.005
    assert any(STRINGS["toy2d_r1"]["en"] in caption.value for caption in at.sidebar.caption)
    assert at.metric[0].value.endswith(" / 25")  # modes covered, of 25
    # a change on the page goes into the address, ready to be shared
    at.selectbox(key="keep_toy2d_distribution").set_value("moons").run()
    assert at.query_params["dist"] == "moons" and at.query_params["seed"] == "7"
    assert at.session_state[LAB].config.distribution == "moons"
    assert at.session_state[LAB].config.r1 == 0.0 and at.query_params["r1"] == "0"  # grid25's defaults left with it
    assert [m.label for m in at.metric][0] == STRINGS["toy2d_metric_manifold"]["en"]


@pytest.mark.parametrize("query,ru,en", [
    ({"dist": "ring9"},
     "«Распределение данных»: варианта «ring9» нет. Есть: кольцо из 8 гауссиан (ring8), решётка 5×5 гауссиан (grid25)",
     "Data distribution: there is no option “ring9”. The options: ring of 8 Gaussians (ring8), 5×5 grid"),
    ({"ema": "nan"}, "«Среднее весов G (EMA)»: «NaN» — не число. Можно число от 0 до 0,9999.",
     "Average of G's weights (EMA): “NaN” is not a number. Allowed: a number from 0 to 0.9999."),
    ({"d": "1.5"}, "«Шагов D»: 1,5 — не целое число. Можно целое число от 1 до 20.",
     "D steps: 1.5 is not a whole number. Allowed: a whole number from 1 to 20."),
    ({"lr_g": "0"}, "«Шаг обучения G»: 0 — вне допустимого. Можно число больше 0 и не больше 1.",
     "Learning rate of G: 0 is out of range. Allowed: a number greater than 0 and at most 1."),
    ({"inoise_rounds": "-5"}, "«Шум гаснет за раундов (0 — никогда)»: -5 — вне допустимого. Можно целое число от 0",
     "Noise fades over rounds (0 = never): -5 is out of range. Allowed: a whole number from 0"),
    ({"sn": "maybe"}, "«Спектральная нормировка D»: «maybe» — можно только 1 (вкл.) или 0 (выкл.).",
     "Spectral norm on D: “maybe” — only 1 (on) or 0 (off)."),
    ({"dist": "custom", "pts": "1;2"}, "Точки в ссылке: «1» — не пара чисел x,y.",
     "The points in the link: “1” is not a pair of numbers x,y."),
], ids=["no such option", "NaN", "a fraction for a whole number", "out of range", "whole out of range", "not 1 or 0",
        "points"])
def test_a_bad_link_is_one_message_with_the_forms_words_and_the_defaults(checkpoints, query, ru, en) -> None:
    for language, expected in (("ru", ru), ("en", en)):
        at = open_lab(language, **query)
        assert [e.value for e in at.error] and at.error[0].value.startswith(expected), [e.value for e in at.error]
        assert len(at.error) == 1
        if "pts" not in query:
            assert at.session_state[LAB].config == preset_config("ring8", width=16, layers=1)


def test_the_defaults_a_distribution_brings_are_said_with_the_forms_labels_and_its_goal(checkpoints) -> None:
    for language in ("ru", "en"):
        at = open_lab(language)
        said = [caption.value for caption in at.sidebar.caption if STRINGS["toy2d_dist_ring8"][language] in caption.value]
        assert len(said) == 1, [caption.value for caption in at.sidebar.caption]
        for name in DISTRIBUTION_DEFAULTS["ring8"]:
            assert STRINGS[f"toy2d_{name}"][language] in said[0]
            assert name not in said[0]  # no config key
        assert "README" not in said[0] and f"{GOALS['ring8'].rounds}" in said[0]


def test_the_loss_and_learning_rates_change_live_but_the_width_starts_over(checkpoints) -> None:
    at = open_lab()
    lab = press(at, "toy2d_step").session_state[LAB]
    at.selectbox(key="keep_toy2d_loss").set_value("minimax").run()
    at.select_slider(key="keep_toy2d_lr_d").set_value(0.01).run()
    assert at.session_state[LAB] is lab and lab.config.loss == "minimax"
    assert lab.opt_d.param_groups[0]["lr"] == 0.01 and lab.g_updates == 1
    at.selectbox(key="keep_toy2d_width").set_value(32).run()
    assert at.session_state[LAB] is not lab and at.session_state[LAB].g_updates == 0


def test_a_preset_sets_its_settings_and_plays_until_the_experiment_changes(checkpoints) -> None:
    at = open_lab()
    press(at, "toy2d_preset_strong_d")
    config = at.session_state[LAB].config
    assert config == demonstration_config("strong_d")
    assert at.session_state["toy2d_playing"] is True
    assert at.button(key="toy2d_play").label == STRINGS["toy2d_pause"]["en"]
    say = STRINGS["toy2d_preset_strong_d_say"]["en"]
    assert any(say in box.value for box in at.info)  # what to watch
    at.selectbox(key="keep_toy2d_loss").set_value("minimax").run()  # a live change: still the demonstration
    assert any(say in box.value for box in at.info)
    at.selectbox(key="keep_toy2d_width").set_value(32).run()  # another experiment: the sentence goes
    assert not any(say in box.value for box in at.info)


def test_play_advances_in_the_fragment_and_slow_motion_says_whose_half_step_runs(checkpoints) -> None:
    at = open_lab(d="2")
    at.session_state["keep_toy2d_slow"] = True
    lab: Toy2DLab = at.session_state[LAB]
    said = []
    for frame in range(4):  # Play runs the first frame at once; then what each timed rerun does (AppTest has no timer)
        press(at, "toy2d_play") if frame == 0 else at.run()
        said.append(next(m.value for m in at.markdown if m.value.startswith("**▶")))
    assert (lab.d_updates, lab.g_updates) == (3, 1)
    assert "D's half-step (1 of 2)" in said[0] and "D's half-step (2 of 2)" in said[1]
    assert "G's half-step (1 of 1)" in said[2] and "D's half-step (1 of 2)" in said[3]


def test_a_step_pauses_the_lab_and_pause_stops_it(checkpoints) -> None:
    at = open_lab()
    press(at, "toy2d_play")
    lab: Toy2DLab = at.session_state[LAB]
    assert at.session_state["toy2d_playing"] is True and lab.g_updates > 0  # the first frame ran at once
    rounds = lab.g_updates
    press(at, "toy2d_step")  # one round by hand, then the lab waits
    assert at.session_state["toy2d_playing"] is False and lab.g_updates == rounds + 1
    assert at.button(key="toy2d_play").label == STRINGS["toy2d_play"]["en"]
    at.run()  # a frame timer that fires late changes nothing once paused
    assert lab.g_updates == rounds + 1
    press(at, "toy2d_play")
    assert at.button(key="toy2d_play").label == STRINGS["toy2d_pause"]["en"]
    press(at, "toy2d_play")
    assert at.session_state["toy2d_playing"] is False and at.button(key="toy2d_play").label == STRINGS["toy2d_play"]["en"]


def test_save_then_load_brings_the_same_model_back_and_a_foreign_file_is_one_message(checkpoints) -> None:
    at = open_lab(dist="grid25", lr_g="0.002")
    for _ in range(3):
        press(at, "toy2d_step")
    saved: Toy2DLab = at.session_state[LAB]
    data = at.get("download_button")[0].proto  # the Save button is there; its bytes are what to_bytes gives
    assert data.label == STRINGS["toy2d_save"]["en"]
    other = open_lab(dist="spiral")
    other.file_uploader(key="toy2d_upload").upload("grid.pt", saved.to_bytes()).run()
    assert not other.exception, [e.value for e in other.exception]
    loaded: Toy2DLab = other.session_state[LAB]
    assert loaded.config == saved.config and loaded.g_updates == 3
    assert np.array_equal(loaded.samples(), saved.samples())
    assert other.selectbox(key="keep_toy2d_distribution").value == "grid25"  # the widgets show the loaded setup
    assert other.query_params["lr_g"] == "0.002"

    other.file_uploader(key="toy2d_upload").upload("notes.pt", b"not a model").run()
    assert not other.exception
    assert [e.value for e in other.error] == [STRINGS["error_toy2d_file_foreign"]["en"]]
    assert other.session_state[LAB] is loaded  # nothing lost


def test_the_drawing_canvas_is_valid_plotly() -> None:
    import plotly.graph_objects as go

    figure = canvas_figure(np.array([[0.0, 0.0]]), {"lattice": "lattice", "chosen": "chosen"})
    go.Figure(figure.to_dict())  # raises on any invalid property
    assert len(figure.data[0].x) == 41 * 41 and list(figure.data[1].x) == [0.0]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_drawing_a_distribution_trains_on_the_chosen_points(checkpoints, language) -> None:
    at = open_lab(language)
    at.selectbox(key="keep_toy2d_distribution").set_value("custom").run()
    assert not at.exception
    assert STRINGS["toy2d_draw_h"][language] in [s.value for s in at.subheader]
    assert at.button(key="toy2d_draw_done").disabled
    at.session_state["toy2d_points"] = [[0.0, 0.0], [1.5, 1.5]]  # what clicks on the canvas add
    at.run()
    assert STRINGS["toy2d_draw_count"][language].format(n=2) in [m.value for m in at.markdown]
    press(at, "toy2d_draw_done")
    lab: Toy2DLab = at.session_state[LAB]
    assert lab.config.distribution == "custom" and lab.custom_points.tolist() == [[0.0, 0.0], [1.5, 1.5]]
    assert at.query_params["pts"] == "0,0;1.5,1.5"
    assert at.metric[0].value == "0 / 2"


def test_a_play_frame_trains_its_rounds_unless_its_time_runs_out_and_long_curves_are_thinned(monkeypatch) -> None:
    lab = Toy2DLab(Toy2DConfig(width=16, layers=1, batch_size=32))
    monkeypatch.setattr(toy2d_figure, "FRAME_TRAINING_SECONDS", 10.0)  # time enough on any load (a fresh lab's
    assert advance(lab, 3) == 3 and lab.g_updates == 3  # first rounds took > 60 ms on 2 busy cores)
    monkeypatch.setattr(toy2d_figure, "FRAME_TRAINING_SECONDS", 0.0)  # a crowded server: the time is gone at once
    assert advance(lab, 50) == 1  # still one round, never none
    lab.history.loss_d[:] = [(i, float(i % 2)) for i in range(1, 6001)]  # a long run: 6,000 updates
    x, y = _thinned(lab.history.array("loss_d"))
    assert len(x) == 600 and x[-1] == 6000 and np.allclose(y, 0.5)  # each point the mean of its 10 updates
    lab.history.loss_d.append((6001, 1.0))
    assert len(lab.history.array("loss_d")) == 6001  # what was added since is picked up


def test_a_visit_cut_short_before_the_settings_were_set_does_not_break_the_next_one(checkpoints) -> None:
    # Under a class's load a student clicks on before the page's first run ends: the page was marked read
    # (toy2d_from_url) but its settings never set, and the next visit failed on a missing setting.
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["toy2d_from_url"] = True
    at.query_params.update(SMALL)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[LAB].config.distribution == "ring8"
