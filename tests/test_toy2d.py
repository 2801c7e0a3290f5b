"""The 2D lab's library and CLI: the mode-collapse numbers on hand-made point sets, the steps, Save / Load."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import torch

from gan_core.cli import main
from gan_core.errors import CheckpointError, ConfigError
from gan_core.toy2d.lab import (DISTRIBUTION_DEFAULTS, DISTRIBUTIONS, RING_STD, Toy2DConfig, Toy2DLab, binned_divergences,
                            make_target, manifold_distance, measure, mode_metrics, preset_config)

from .conftest import ROOT, cli_env

TINY = Toy2DConfig(width=16, layers=1, batch_size=32)


def parameters(network: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in network.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b))


# --- the numbers on hand-made point sets -------------------------------------------------------------------
def test_a_sample_exactly_at_a_mode_centre_is_high_quality_and_one_far_away_is_not() -> None:
    ring = make_target("ring8")
    covered, good = mode_metrics(ring.modes[:1].copy(), ring.modes, ring.std)
    assert good == 1.0
    far = np.array([[0.0, 0.0]])  # the ring's centre: 2 units from every mode
    assert mode_metrics(far, ring.modes, ring.std) == (0, 0.0)
    edge = ring.modes[:1] + np.array([[2.9 * RING_STD, 0.0]])  # inside 3 std
    assert mode_metrics(edge, ring.modes, ring.std)[1] == 1.0
    outside = ring.modes[:1] + np.array([[3.1 * RING_STD, 0.0]])
    assert mode_metrics(outside, ring.modes, ring.std)[1] == 0.0


def test_all_samples_on_one_mode_cover_one_mode_and_spread_samples_cover_all() -> None:
    ring = make_target("ring8")
    collapsed = np.repeat(ring.modes[3:4], 400, axis=0)
    assert mode_metrics(collapsed, ring.modes, ring.std) == (1, 1.0)
    spread = np.repeat(ring.modes, 50, axis=0)
    assert mode_metrics(spread, ring.modes, ring.std) == (8, 1.0)


def test_a_mode_is_covered_only_with_a_fifth_of_its_fair_share() -> None:
    ring = make_target("ring8")
    # 800 samples, fair share 100 per mode: mode 0 gets 19 (not covered), mode 1 gets 20 (covered), the rest fall between
    samples = np.concatenate([np.repeat(ring.modes[:1], 19, 0), np.repeat(ring.modes[1:2], 20, 0),
                              np.zeros((761, 2))])
    covered, good = mode_metrics(samples, ring.modes, ring.std)
    assert covered == 1
    assert good == pytest.approx(39 / 800)


def test_kl_and_js_are_zero_for_identical_sets_and_large_for_disjoint_ones() -> None:
    ring = make_target("ring8")
    points = ring.sample(2000, torch.Generator().manual_seed(0)).numpy()
    assert binned_divergences(points, points, ring.extent) == pytest.approx((0.0, 0.0), abs=1e-9)
    kl, js = binned_divergences(points, np.full((2000, 2), 2.9), ring.extent)
    assert kl > 5 and js == pytest.approx(np.log(2), rel=0.01)  # JS of disjoint sets is ln 2


def test_manifold_distance_is_zero_on_the_curve_and_the_offset_off_it() -> None:
    line = make_target("line")
    on = line.curve[::7]
    assert manifold_distance(on, line.curve) < 1e-3
    normal = np.array([-0.5, 1.0]) / np.sqrt(1.25)  # the line is y = x / 2
    assert manifold_distance(on[50:300] + 0.3 * normal, line.curve) == pytest.approx(0.3, abs=1e-3)
    metrics = measure(on, line, on)
    assert metrics.modes_covered is None and metrics.manifold_distance is not None


def test_custom_points_are_modes_and_bad_ones_are_refused_in_one_line() -> None:
    custom = make_target("custom", [[0, 0], [1, 1]])
    assert custom.has_modes and len(custom.modes) == 2
    for bad, words in (([], "needs points"), ([[9, 0]], "inside"), (None, "needs points")):
        with pytest.raises(ConfigError, match=words):
            make_target("custom", bad)


# --- the lab --------------------------------------------------------------------------------------------
def test_a_d_step_leaves_g_bit_identical_and_a_g_step_leaves_d() -> None:
    lab = Toy2DLab(TINY)
    g, d = parameters(lab.G), parameters(lab.D)
    lab.step_d()
    assert same(parameters(lab.G), g) and not same(parameters(lab.D), d)
    assert (lab.d_updates, lab.g_updates) == (1, 0)
    g, d = parameters(lab.G), parameters(lab.D)
    lab.step_g()
    assert same(parameters(lab.D), d) and not same(parameters(lab.G), g)
    assert (lab.d_updates, lab.g_updates) == (1, 1)


def test_a_round_follows_the_d_to_g_ratio_and_the_same_seed_gives_the_same_lab() -> None:
    config = Toy2DConfig(width=16, layers=1, batch_size=32, d_steps=3, g_steps=2)
    lab = Toy2DLab(config)
    lab.step()
    assert (lab.d_updates, lab.g_updates) == (3, 2)
    assert lab.half_steps() == ["d", "d", "d", "g", "g"]
    twin = Toy2DLab(config)
    twin.step()
    assert same(parameters(lab.G), parameters(twin.G))


@pytest.mark.parametrize("distribution", [d for d in DISTRIBUTIONS if d != "custom"])
@pytest.mark.parametrize("noise_dim,noise", [(2, "gaussian"), (1, "uniform")])
def test_every_distribution_and_noise_gives_a_snapshot_to_draw(distribution: str, noise_dim: int, noise: str) -> None:
    lab = Toy2DLab(Toy2DConfig(distribution=distribution, width=16, layers=1, batch_size=32, noise_dim=noise_dim,
                               noise=noise, optimizer_g="sgd", loss="lsgan"))
    lab.step()
    shot = lab.snapshot()
    assert shot.surface.shape == (len(shot.grid), len(shot.grid))
    assert shot.fake.shape == shot.push.shape == shot.real.shape
    assert np.isfinite(shot.push).all() and np.abs(shot.push).sum() > 0
    assert np.isfinite(shot.mesh).any()
    metrics = lab.evaluate()
    assert np.isfinite(metrics.kl) and 0 <= metrics.js <= np.log(2) + 1e-9


def test_save_and_load_give_the_same_generator_and_a_foreign_file_is_refused(tmp_path) -> None:
    lab = Toy2DLab(Toy2DConfig(distribution="custom", width=16, layers=1, batch_size=32), [[0, 0], [1, -1]])
    lab.train(rounds=3)
    data = lab.to_bytes()
    assert len(data) < 100_000
    loaded = Toy2DLab.from_bytes(data)
    assert loaded.config == lab.config and (loaded.d_updates, loaded.g_updates) == (3, 3)
    assert np.array_equal(loaded.samples(), lab.samples())
    assert np.array_equal(loaded.custom_points, lab.custom_points)
    with pytest.raises(CheckpointError, match="not a 2D lab model file"):
        Toy2DLab.from_bytes(b"not a model")
    path = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    with pytest.raises(CheckpointError, match="not a 2D lab model file"):
        Toy2DLab.from_bytes(path.read_bytes())


def test_bad_settings_are_one_clear_message() -> None:
    with pytest.raises(ConfigError, match="unknown loss"):
        Toy2DConfig(loss="nope").validate()
    with pytest.raises(ConfigError, match="noise-dim"):
        Toy2DConfig(noise_dim=3).validate()
    with pytest.raises(ConfigError, match="lr-d"):
        Toy2DConfig.from_dict({"lr_d": "fast"})


# --- the CLI --------------------------------------------------------------------------------------------
def toy2d(*args: str, root) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gan_core", "toy2d", *args], cwd=ROOT, env=cli_env(root),
                          capture_output=True, text=True, timeout=300)


def test_cli_trains_and_prints_one_json_line(tmp_path) -> None:
    saved = tmp_path / "ring.pt"
    done = toy2d("--distribution", "ring8", "--steps", "30", "--seed", "0", "--json", "--width", "32",
                 "--save", str(saved), root=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert list(report)[:8] == ["distribution", "steps", "seconds", "modes_covered", "modes_total", "high_quality",
                                "kl", "js"]
    assert report["distribution"] == "ring8" and report["steps"] == 30 and report["modes_total"] == 8
    assert 0 <= report["modes_covered"] <= 8 and 0 <= report["high_quality"] <= 1
    assert Toy2DLab.from_bytes(saved.read_bytes()).g_updates == 30


@pytest.mark.parametrize("args,words", [
    (("--distribution", "ring9"), "unknown distribution 'ring9'"),
    (("--loss", "nope"), "unknown loss"),
    (("--d-steps", "0"), "d-steps must be"),
    (("--lr-g", "-1"), "lr-g must be"),
    (("--instance-noise", "-1"), "instance-noise must be"),
    (("--steps", "abc"), "invalid int value"),
    (("--seconds", "0"), "--seconds must be"),
    (("--seconds", "5", "--cpu-seconds", "5"), "not both"),
    (("--distribution", "custom"), "needs points"),
    (("--distribution", "custom", "--points", "1;2"), "not an x,y pair"),
])
def test_cli_bad_input_is_one_line_and_exit_2(capsys, args, words) -> None:
    argv = ["toy2d", *args] if "--steps" in args else ["toy2d", *args, "--steps", "1"]
    try:
        code = main(argv)
    except SystemExit as exit:  # argparse's own errors
        code = exit.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and words in err


# --- keeping D in check: spectral norm, R1, the per-distribution defaults ----------------------------------
def test_spectral_norm_keeps_every_layer_of_d_at_norm_one_and_leaves_the_global_rng_alone() -> None:
    before = torch.get_rng_state()
    lab = Toy2DLab(Toy2DConfig(spectral_norm=True, width=16, layers=2, batch_size=32, lr_d=0.05))
    for _ in range(30):
        lab.step_d()
    assert torch.equal(torch.get_rng_state(), before), "the lab drew from torch's global RNG"
    for layer in (m for m in lab.D.modules() if isinstance(m, torch.nn.Linear)):
        assert torch.linalg.matrix_norm(layer.weight, ord=2).item() == pytest.approx(1.0, abs=0.25)
    copy = Toy2DLab.from_bytes(lab.to_bytes())  # Save / Load keeps the normalised D
    points = torch.randn(50, 2)
    assert torch.allclose(copy.D(points), lab.D(points))


def test_r1_changes_only_ds_update_and_flattens_d_at_the_data() -> None:
    def slope_at_data(r1: float) -> float:
        lab = Toy2DLab(Toy2DConfig(r1=r1, width=16, layers=2, batch_size=64, lr_d=0.01))
        for _ in range(40):
            lab.step_d()
        real = torch.as_tensor(lab.eval_real[:200]).requires_grad_(True)
        (gradient,) = torch.autograd.grad(lab.D(real).sum(), real)
        return gradient.norm(dim=1).mean().item()

    assert slope_at_data(10.0) < 0.5 * slope_at_data(0.0)


def test_a_distributions_defaults_apply_unless_the_user_sets_a_value() -> None:
    for name, values in DISTRIBUTION_DEFAULTS.items():
        config = preset_config(name)
        assert all(getattr(config, key) == value for key, value in values.items())
    assert preset_config("grid25", batch_size=64).batch_size == 64
    assert preset_config("ring8") == replace(Toy2DConfig(), **DISTRIBUTION_DEFAULTS["ring8"])  # only its noise
    assert Toy2DConfig.from_dict({"spectral_norm": "True", "r1": "0.5"}) == Toy2DConfig(spectral_norm=True, r1=0.5)
    with pytest.raises(ConfigError, match="spectral-norm has a bad value"):
        Toy2DConfig.from_dict({"spectral_norm": "maybe"})
    with pytest.raises(ConfigError, match="beta2 must be"):
        Toy2DConfig(beta2=1.5).validate()


@pytest.mark.parametrize("loss", ["minimax", "ns", "lsgan", "hinge", "wgan-gp"])
def test_every_loss_of_gan_core_losses_trains_the_lab_and_draws(loss) -> None:
    lab = Toy2DLab(replace(TINY, loss=loss, r1=0.1 if loss == "hinge" else 0.0))
    lab.train(rounds=3)
    shot = lab.snapshot()
    assert np.isfinite(shot.surface).all() and np.isfinite(shot.push).all()
    assert all(np.isfinite(value) for _, value in lab.history.loss_d)
