"""The lecture's first generative models: Gaussians over the 784 pixels.

They show why "just fit a distribution to the pixels" is not enough: the independent
Gaussian gets every pixel's mean and spread right and still draws noise; the full
Gaussian also gets every pair of pixels right and draws blurry ghost strokes.
"""

from __future__ import annotations

import torch

from ..errors import ConfigError
from ..models import IMAGE_PIXELS, IMAGE_SHAPE


class IndependentGaussian:
    """A mean and a standard deviation per pixel, each pixel sampled on its own."""

    name = "gaussian-independent"

    def __init__(self) -> None:
        self.mean: torch.Tensor | None = None
        self.std: torch.Tensor | None = None

    def fit(self, images: torch.Tensor) -> "IndependentGaussian":
        flat = images.reshape(len(images), IMAGE_PIXELS).double().cpu()
        self.mean = flat.mean(0)
        self.std = flat.std(0)
        return self

    def sample(self, n: int, seed: int = 0, clip: bool = True) -> torch.Tensor:
        """n images (n, 1, 28, 28) in [-1, 1]; the same seed gives the same images."""
        if self.mean is None:
            raise RuntimeError("call fit() before sample()")
        noise = torch.randn(n, IMAGE_PIXELS, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        return _as_images(self.mean + self.std * noise, clip)


class FullGaussian:
    """One multivariate normal over all 784 pixels, with a full covariance matrix."""

    name = "gaussian-full"

    def __init__(self, ridge: float = 1e-3) -> None:
        self.ridge = ridge  # added to the diagonal: constant border pixels make the covariance singular
        self.mean: torch.Tensor | None = None
        self.covariance: torch.Tensor | None = None
        self._cholesky: torch.Tensor | None = None

    def fit(self, images: torch.Tensor) -> "FullGaussian":
        flat = images.reshape(len(images), IMAGE_PIXELS).double().cpu()
        self.mean = flat.mean(0)
        centred = flat - self.mean
        self.covariance = centred.T @ centred / (len(flat) - 1)
        ridged = self.covariance + self.ridge * torch.eye(IMAGE_PIXELS, dtype=torch.float64)
        self._cholesky = torch.linalg.cholesky(ridged)
        return self

    def sample(self, n: int, seed: int = 0, clip: bool = True) -> torch.Tensor:
        """n images (n, 1, 28, 28) in [-1, 1]; x = mean + L eps with L L^T = covariance + ridge I."""
        if self._cholesky is None:
            raise RuntimeError("call fit() before sample()")
        noise = torch.randn(n, IMAGE_PIXELS, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        return _as_images(self.mean + noise @ self._cholesky.T, clip)


def _as_images(flat: torch.Tensor, clip: bool) -> torch.Tensor:
    images = flat.float().reshape(-1, *IMAGE_SHAPE)
    return images.clamp(-1.0, 1.0) if clip else images


BASELINES = {"gaussian-independent": IndependentGaussian, "gaussian-full": FullGaussian}


def fit_baseline(kind: str, images: torch.Tensor) -> IndependentGaussian | FullGaussian:
    """A baseline of the given kind, fitted to the images."""
    if kind not in BASELINES:
        raise ConfigError(f"unknown baseline {kind!r}; choose one of {', '.join(BASELINES)}", code="baseline_unknown", baseline=kind)
    return BASELINES[kind]().fit(images)
