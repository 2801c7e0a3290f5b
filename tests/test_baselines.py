from __future__ import annotations

import pytest
import torch

from gan_core.eval.baselines import FullGaussian, IndependentGaussian, fit_baseline
from gan_core.errors import ConfigError


def test_independent_gaussian_matches_per_pixel_mean_and_std(mnist) -> None:
    model = IndependentGaussian().fit(mnist.images)
    flat = mnist.images.reshape(5000, 784).double()
    assert torch.allclose(model.mean, flat.mean(0)) and torch.allclose(model.std, flat.std(0))

    samples = model.sample(20_000, seed=1, clip=False).reshape(-1, 784).double()
    assert (samples.mean(0) - flat.mean(0)).abs().max() < 0.05
    assert (samples.std(0) - flat.std(0)).abs().max() < 0.05
    # Independent: two neighbouring stroke pixels that are strongly correlated in real digits are not here.
    centre = 14 * 28 + 14
    real_corr = torch.corrcoef(flat[:, [centre, centre + 1]].T)[0, 1]
    sample_corr = torch.corrcoef(samples[:, [centre, centre + 1]].T)[0, 1]
    assert real_corr > 0.5 and abs(sample_corr) < 0.05


def test_full_gaussian_matches_the_covariance(mnist) -> None:
    model = FullGaussian().fit(mnist.images)
    flat = mnist.images.reshape(5000, 784).double()
    assert torch.allclose(model.covariance, torch.cov(flat.T), atol=1e-10)

    samples = model.sample(30_000, seed=2, clip=False).reshape(-1, 784).double()
    sample_cov = torch.cov(samples.T)
    target = model.covariance + model.ridge * torch.eye(784, dtype=torch.float64)
    relative_error = torch.linalg.norm(sample_cov - target) / torch.linalg.norm(target)
    assert relative_error < 0.05


@pytest.mark.parametrize("kind", ["gaussian-independent", "gaussian-full"])
def test_samples_are_clipped_images_and_deterministic_per_seed(mnist, kind: str) -> None:
    model = fit_baseline(kind, mnist.images)
    first, again, other = model.sample(16, seed=7), model.sample(16, seed=7), model.sample(16, seed=8)
    assert first.shape == (16, 1, 28, 28) and first.dtype == torch.float32
    assert first.min() >= -1 and first.max() <= 1
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_unknown_baseline_is_refused(mnist) -> None:
    with pytest.raises(ConfigError, match="unknown baseline 'gaussian-mixture'"):
        fit_baseline("gaussian-mixture", mnist.images)
