"""The 2D lab's instance noise: off is the lab as it was, on is a function of the seed, the schedule falls
to 0, and the setting survives Save / Load and the page's URL."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from gan_core.errors import ConfigError
from gan_core.toy2d import DISTRIBUTION_DEFAULTS, Toy2DConfig, Toy2DLab, preset_config

from .helpers import same
from .test_toy2d import one_thread  # noqa: F401 - autouse: the lab on one thread, as the app runs it
from .test_toy2d_page import LAB, open_lab, press

TINY = Toy2DConfig(width=16, layers=1, batch_size=32)
NOISY = replace(TINY, instance_noise=0.2, instance_noise_rounds=4)


def weights(lab: Toy2DLab) -> list[torch.Tensor]:
    return [p.detach().clone() for p in [*lab.G.parameters(), *lab.D.parameters()]]


class PlainStep(Toy2DLab):
    """The lab's step as it was before instance noise: D and G see the points as they are."""

    def blur(self, points: torch.Tensor) -> torch.Tensor:
        return points


def test_noise_off_is_the_plain_step_bit_for_bit_and_draws_nothing() -> None:
    lab, plain = Toy2DLab(TINY), PlainStep(TINY)
    lab.train(rounds=3)
    plain.train(rounds=3)
    assert same(weights(lab), weights(plain))
    assert torch.equal(lab.rng.get_state(), plain.rng.get_state())  # no extra random draw either
    # once an anneal has reached 0 the step is the plain one again, with no draw from the lab's generator
    annealed, twin = Toy2DLab(NOISY), Toy2DLab(NOISY)
    annealed.train(rounds=4)
    twin.train(rounds=4)
    assert annealed.instance_sigma == 0.0
    twin.blur = lambda points: points  # this twin's fifth round is the plain step
    annealed.step()
    twin.step()
    assert same(weights(annealed), weights(twin)) and torch.equal(annealed.rng.get_state(), twin.rng.get_state())

def test_noise_on_changes_training_and_is_reproducible_from_the_seed_without_the_global_rng() -> None:
    before = torch.get_rng_state()
    first, second, other_seed = Toy2DLab(NOISY), Toy2DLab(NOISY), Toy2DLab(replace(NOISY, seed=1))
    for lab in (first, second, other_seed):
        lab.train(rounds=2)
    assert torch.equal(torch.get_rng_state(), before)  # the global RNG is not touched
    assert same(weights(first), weights(second))
    plain = Toy2DLab(TINY)
    plain.train(rounds=2)
    assert not same(weights(first), weights(plain))


def test_sigma_falls_linearly_to_zero_over_its_rounds_or_stays_constant() -> None:
    lab = Toy2DLab(replace(TINY, instance_noise=0.1, instance_noise_rounds=4, d_steps=2))
    seen = []
    for _ in range(5):
        seen.append(lab.instance_sigma)
        lab.step()
    assert seen == pytest.approx([0.1, 0.075, 0.05, 0.025, 0.0])
    constant = Toy2DLab(replace(TINY, instance_noise=0.1))
    constant.train(rounds=3)
    assert constant.instance_sigma == 0.1
    with pytest.raises(ConfigError, match="instance-noise must be a number from 0 to 2"):
        Toy2DConfig(instance_noise=-0.1).validate()
    with pytest.raises(ConfigError, match="instance-noise-rounds must be a whole number"):
        Toy2DConfig(instance_noise_rounds=-1).validate()


def test_ring8_brings_its_noise_and_save_load_keeps_the_setting() -> None:
    assert preset_config("ring8").instance_noise == DISTRIBUTION_DEFAULTS["ring8"]["instance_noise"] > 0
    assert preset_config("ring8", instance_noise=0.0).instance_noise == 0.0  # a value the user sets wins
    lab = Toy2DLab(NOISY)
    lab.train(rounds=2)
    loaded = Toy2DLab.from_bytes(lab.to_bytes())
    assert loaded.config == lab.config and loaded.instance_sigma == lab.instance_sigma
    assert Toy2DConfig.from_dict({"instance_noise": "0.3", "instance_noise_rounds": "1000"}) == replace(
        Toy2DConfig(), instance_noise=0.3, instance_noise_rounds=1000)


def test_the_page_reads_the_noise_from_the_url_writes_it_back_and_presets_turn_it_off(checkpoints) -> None:
    at = open_lab(inoise="0.3", inoise_rounds="1000")
    lab: Toy2DLab = at.session_state[LAB]
    assert (lab.config.instance_noise, lab.config.instance_noise_rounds) == (0.3, 1000)
    at.select_slider(key="keep_toy2d_instance_noise").set_value(0.05).run()
    assert at.query_params["inoise"] == "0.05" and at.query_params["inoise_rounds"] == "1000"
    assert at.session_state[LAB].config.instance_noise == 0.05
    for preset in ("collapse", "minimax", "strong_d"):  # each shows a failure that the noise would cure
        press(at, f"toy2d_preset_{preset}")
        assert at.session_state[LAB].config.instance_noise == 0.0
    press(at, "toy2d_preset_default")
    assert at.session_state[LAB].config.instance_noise == DISTRIBUTION_DEFAULTS["ring8"]["instance_noise"]
