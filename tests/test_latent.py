from __future__ import annotations

import math

import pytest
import torch

from gan_core.runs.checkpoints import RunDir
from gan_core.config import TrainConfig
from gan_core.latent import interpolate, lerp, principal_directions, slerp
from gan_core.sampling import load_generator
from gan_core.trainer import Trainer


def gaussian(d: int, seed: int) -> torch.Tensor:
    return torch.randn(d, generator=torch.Generator().manual_seed(seed))


def test_both_interpolations_start_and_end_at_the_two_points() -> None:
    z0, z1 = gaussian(100, 1), gaussian(100, 2)
    for method in ("linear", "spherical"):
        path = interpolate(z0, z1, 7, method)
        assert path.shape == (7, 100)
        assert torch.allclose(path[0], z0, atol=1e-5) and torch.allclose(path[-1], z1, atol=1e-5)
    assert torch.allclose(lerp(z0, z1, 0.5), (z0 + z1) / 2)


def test_slerp_keeps_noise_vectors_typical_where_lerp_shrinks_them() -> None:
    z0, z1 = gaussian(100, 1), gaussian(100, 2)
    linear = interpolate(z0, z1, 11, "linear").norm(dim=1)
    spherical = interpolate(z0, z1, 11, "spherical").norm(dim=1)
    ends = (z0.norm() + z1.norm()) / 2
    assert linear[5] < 0.8 * ends  # the straight midpoint is far shorter than any real noise vector
    assert torch.all((spherical - ends).abs() < 0.1 * ends)


def test_slerp_of_parallel_vectors_falls_back_to_a_straight_line() -> None:
    z = gaussian(10, 3)
    assert torch.allclose(slerp(z, 2 * z, 0.5), 1.5 * z)
    assert torch.isfinite(slerp(z, z, 0.3)).all()
    with pytest.raises(ValueError, match="spherical"):
        interpolate(z, z, 3, "cubic")


def test_principal_directions_find_the_direction_that_changes_the_image_most() -> None:
    latent_dim, pixels = 12, 50
    planted = torch.zeros(latent_dim)
    planted[3], planted[7] = 0.6, 0.8  # the one direction of z that moves the picture a lot
    pattern = torch.linspace(-1, 1, pixels)
    weak = 0.05 * torch.randn(latent_dim, pixels, generator=torch.Generator().manual_seed(0))

    def generate(z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(5 * (z @ planted)[:, None] * pattern[None, :] / 5) + z @ weak

    found = principal_directions(generate, latent_dim, k=3, samples=1500)
    assert found.directions.shape == (3, latent_dim)
    assert torch.allclose(found.directions.norm(dim=1), torch.ones(3), atol=1e-5)
    assert abs(float(found.directions[0] @ planted)) > 0.95
    assert float(found.variance_ratio[0]) > 0.8 and bool(torch.all(found.variance_ratio[:-1] >= found.variance_ratio[1:]))


def test_moving_along_directions_and_sweeping_them(checkpoints, small_mnist) -> None:
    Trainer.create(TrainConfig(model="mlp", epochs=1, batch_size=64, device="cpu", latent_dim=16),
                   RunDir("walk"), data=small_mnist).train()
    generator = load_generator(RunDir("walk"))
    found = principal_directions(generator.generate, generator.latent_dim, k=4, samples=300)
    z = generator.noise(1, seed=5)[0]
    assert torch.equal(found.move(z, [0.0, 0.0]), z)
    moved = found.move(z, [2.0])
    assert math.isclose(float((moved - z).norm()), 2.0, rel_tol=1e-5)
    assert not torch.equal(generator.generate(moved[None]), generator.generate(z[None]))
    sweep = found.sweep(z, [-3, 0, 3], count=2)
    assert sweep.shape == (6, 16)
    assert torch.allclose(sweep[1], z) and torch.allclose(sweep[3] - z, -3 * found.directions[1])
