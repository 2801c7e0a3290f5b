"""The 2D lab's average of G's weights (g_ema): off is the lab as it was, on it never changes what training does
(G's live parameters, D, the random draws), a D-only step leaves it alone, the plane and the numbers show it, and
it survives Save / Load, the CLI and the page's URL."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import torch

from gan_core.cli import main
from gan_core.ema import warmup_decay
from gan_core.errors import CheckpointError, ConfigError
from gan_core.toy2d import DISTRIBUTION_DEFAULTS, Toy2DConfig, Toy2DLab, preset_config
from ui.i18n import STRINGS

from .helpers import ROOT, cli_env, parameters, same
from .test_toy2d import one_thread  # noqa: F401 - autouse: the lab on one thread, as the app runs it
from .test_toy2d_page import LAB, open_lab, press

TINY = Toy2DConfig(width=16, layers=1, batch_size=32)
AVERAGED = replace(TINY, g_ema=0.9)


def test_the_average_never_changes_training_and_off_shows_the_live_g() -> None:
    plain, averaged = Toy2DLab(TINY), Toy2DLab(AVERAGED)
    plain.train(rounds=5)
    averaged.train(rounds=5)
    # the live G, D and the lab's generator are the same bit for bit: the average only watches
    assert same(parameters(plain.G), parameters(averaged.G)) and same(parameters(plain.D), parameters(averaged.D))
    assert torch.equal(plain.rng.get_state(), averaged.rng.get_state())
    assert plain.G_ema is None and plain.shown_G is plain.G  # off: the lab as it was
    with torch.no_grad():
        assert np.array_equal(plain.samples(), plain.G(plain.eval_noise).numpy())
        assert np.array_equal(averaged.samples(), averaged.G_ema(averaged.eval_noise).numpy())
    assert not np.array_equal(averaged.samples(), plain.samples())  # on: the numbers measure the average
    shot = averaged.snapshot()
    with torch.no_grad():
        assert np.allclose(shot.fake, averaged.G_ema(averaged.shown_noise).numpy())  # and the plane draws it


def test_a_d_step_leaves_g_and_its_average_bit_identical_and_a_g_step_moves_the_average_toward_g() -> None:
    lab = Toy2DLab(AVERAGED)
    lab.train(rounds=2)
    g, average = parameters(lab.G), parameters(lab.G_ema)
    lab.step_d()
    assert same(parameters(lab.G), g) and same(parameters(lab.G_ema), average)
    lab.step_g()
    decay = min(0.9, (1 + lab.g_updates) / (10 + lab.g_updates))  # a short warm-up, then the decay
    expected = [a.lerp(live, 1 - decay) for a, live in zip(average, lab.G.parameters())]
    assert same(parameters(lab.G_ema), expected) and not same(parameters(lab.G_ema), average)
    assert all(not p.requires_grad for p in lab.G_ema.parameters())


def test_the_warm_up_is_the_image_trainers_whether_the_count_is_a_tensor_or_a_number() -> None:
    # the image trainer counts its updates in a tensor on the device (a CUDA graph replays it), the lab in an int
    for updates in (1, 2, 9, 90, 989, 10_000):
        on_device = warmup_decay(torch.tensor(float(updates)), 0.99)
        assert isinstance(on_device, torch.Tensor) and on_device.item() == pytest.approx(warmup_decay(updates, 0.99))
    assert warmup_decay(1, 0.99) == 2 / 11 and warmup_decay(10_000, 0.99) == 0.99  # follows G first, then the decay


def test_turning_the_average_on_mid_run_starts_it_from_the_g_of_now_and_off_drops_it() -> None:
    lab = Toy2DLab(TINY)
    lab.train(rounds=2)
    assert lab.adjust(replace(TINY, g_ema=0.99)) and lab.g_updates == 2  # a live setting: no restart
    assert same(parameters(lab.G_ema), parameters(lab.G))
    assert lab.adjust(TINY) and lab.G_ema is None
    with pytest.raises(ConfigError, match="g-ema must be a number from 0 to 0.9999"):
        Toy2DConfig(g_ema=1.0).validate()


def test_save_and_load_keep_the_average_and_a_file_without_it_is_damaged() -> None:
    lab = Toy2DLab(AVERAGED)
    lab.train(rounds=3)
    loaded = Toy2DLab.from_bytes(lab.to_bytes())
    assert loaded.config == lab.config
    assert same(parameters(loaded.G_ema), parameters(lab.G_ema)) and same(parameters(loaded.G), parameters(lab.G))
    assert np.array_equal(loaded.samples(), lab.samples())
    state = torch.load(io.BytesIO(lab.to_bytes()), weights_only=True)
    del state["G_ema"]
    buffer = io.BytesIO()
    torch.save(state, buffer)
    with pytest.raises(CheckpointError, match="damaged"):
        Toy2DLab.from_bytes(buffer.getvalue())
    plain = Toy2DLab(TINY)  # and a file saved without the average loads without one
    assert Toy2DLab.from_bytes(plain.to_bytes()).G_ema is None


def test_the_mixtures_bring_the_average_and_the_curves_do_not() -> None:
    for name in ("ring8", "grid25"):
        assert preset_config(name).g_ema == DISTRIBUTION_DEFAULTS[name]["g_ema"] > 0
        assert preset_config(name, g_ema=0.0).g_ema == 0.0  # a value the user sets wins
    assert preset_config("spiral").g_ema == 0.0


def test_cli_takes_g_ema_into_the_saved_model_and_refuses_a_bad_one_in_one_line(tmp_path, capsys) -> None:
    saved = tmp_path / "grid.pt"
    done = subprocess.run([sys.executable, "-m", "gan_core", "toy2d", "--distribution", "grid25", "--steps", "3",
                           "--width", "8", "--layers", "1", "--g-ema", "0.5", "--json", "--save", str(saved)],
                          cwd=ROOT, env=cli_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["modes_total"] == 25  # the same one JSON line
    assert Toy2DLab.from_bytes(saved.read_bytes()).config.g_ema == 0.5
    assert main(["toy2d", "--g-ema", "1.5", "--steps", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "g-ema must be a number from 0 to 0.9999" in err


def test_the_page_reads_the_average_from_the_url_says_what_the_plane_shows_and_step_d_leaves_it(checkpoints) -> None:
    at = open_lab(ema="0.99")
    lab: Toy2DLab = at.session_state[LAB]
    assert lab.config.g_ema == 0.99 and lab.G_ema is not None
    shown = STRINGS["toy2d_ema_shown"]["en"].format(decay="0.99")
    assert any(caption.value == shown for caption in at.caption)
    press(at, "toy2d_step")
    g, average = parameters(lab.G), parameters(lab.G_ema)
    press(at, "toy2d_step_d")
    assert same(parameters(lab.G), g) and same(parameters(lab.G_ema), average), "a D-only step changed G or its average"
    press(at, "toy2d_step_g")
    assert not same(parameters(lab.G), g) and not same(parameters(lab.G_ema), average)
    at.select_slider(key="keep_toy2d_g_ema").set_value(0.0).run()
    assert at.query_params["ema"] == "0" and at.session_state[LAB] is lab and lab.G_ema is None
    assert not any(caption.value == shown for caption in at.caption)
