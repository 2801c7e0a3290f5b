"""Walking the latent space: interpolation between two noise vectors, and principal directions.

Why spherical interpolation: a noise vector z ~ N(0, I) in d dimensions almost always has a
length close to sqrt(d). The straight line between two such vectors passes much closer to
the origin (its midpoint has length about sqrt(d / 2)), where the generator has never been
fed anything during training. `slerp` walks along the sphere instead, so every point on the
way is as typical as the ends.

Why principal directions (the GANSpace idea, Harkonen et al. 2020): single coordinates of z
rarely mean anything. Drawing many samples, finding the directions in which the *images*
vary most (PCA) and mapping them back to z by linear regression gives a few directions in
z that each change a visible trait: stroke thickness, slant, which digit it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from .sampling import latent_noise

INTERPOLATIONS = ("linear", "spherical")


def typical_norm(latent_dim: int) -> float:
    """The length a noise vector z ~ N(0, I) of `latent_dim` dimensions almost always has: sqrt(d)."""
    return math.sqrt(latent_dim)


def lerp(z0: torch.Tensor, z1: torch.Tensor, t: float | torch.Tensor) -> torch.Tensor:
    """The straight line: (1 - t) z0 + t z1."""
    return torch.lerp(z0, z1, torch.as_tensor(t, dtype=z0.dtype))


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: float | torch.Tensor) -> torch.Tensor:
    """The great circle from z0 to z1 (Shoemake's formula), with lengths blended linearly.

    Nearly parallel vectors fall back to `lerp`, where the formula divides by ~0.
    """
    t = torch.as_tensor(t, dtype=z0.dtype)
    n0, n1 = z0.norm(), z1.norm()
    cos = torch.clamp(torch.dot(z0, z1) / (n0 * n1).clamp_min(1e-12), -1.0, 1.0)
    omega = torch.arccos(cos)
    if float(omega.sin().abs()) < 1e-6:
        return lerp(z0, z1, t)
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)


def interpolate(z0: torch.Tensor, z1: torch.Tensor, steps: int, method: str = "spherical") -> torch.Tensor:
    """`steps` latent vectors from z0 to z1 inclusive, as (steps, d)."""
    if method not in INTERPOLATIONS:
        raise ValueError(f"method must be one of {', '.join(INTERPOLATIONS)}, got {method!r}")
    if steps < 2:
        raise ValueError("an interpolation needs at least 2 steps")
    walk = lerp if method == "linear" else slerp
    return torch.stack([walk(z0, z1, float(t)) for t in torch.linspace(0, 1, steps)])


def label_walk(start: int, end: int, steps: int, classes: int = 10) -> torch.Tensor:
    """Class weights (steps, classes) from one-hot `start` to one-hot `end`: a conditional generator
    given them mixes the two labels' embeddings, so at a fixed z one digit turns into the other."""
    if steps < 2:
        raise ValueError("a walk needs at least 2 steps")
    t = torch.linspace(0, 1, steps)[:, None]
    one_hot = torch.eye(classes)
    return (1 - t) * one_hot[start] + t * one_hot[end]


@dataclass(frozen=True)
class LatentDirections:
    """Principal directions of a generator's latent space, strongest first."""

    directions: torch.Tensor  # (k, latent_dim), unit length: moving z by 1 along one is one standard deviation
    variance_ratio: torch.Tensor  # (k,): share of the images' pixel variance along each principal component
    samples: int  # how many generated images the directions were found from

    def __len__(self) -> int:
        return self.directions.shape[0]

    def move(self, z: torch.Tensor, amounts: torch.Tensor | list[float]) -> torch.Tensor:
        """z plus amounts[i] along direction i (amounts in standard deviations of z; fewer than k is fine)."""
        amounts = torch.as_tensor(amounts, dtype=self.directions.dtype)
        return z + amounts @ self.directions[: len(amounts)]

    def sweep(self, z: torch.Tensor, amounts: list[float], count: int | None = None) -> torch.Tensor:
        """For each of the first `count` directions, z moved by each amount: (count * len(amounts), d),
        row-major, so a grid with len(amounts) columns shows one direction per row."""
        count = len(self) if count is None else min(count, len(self))
        steps = torch.as_tensor(amounts, dtype=self.directions.dtype)
        moved = z[None, None, :] + steps[None, :, None] * self.directions[:count, None, :]
        return moved.reshape(-1, z.shape[-1])


@torch.no_grad()
def principal_directions(generate: Callable[[torch.Tensor], torch.Tensor], latent_dim: int, k: int = 10,
                         samples: int = 2000, seed: int = 0, batch_size: int = 500) -> LatentDirections:
    """Directions in z along which the generated images vary most (GANSpace, regressed back to z).

    `generate` maps (n, latent_dim) noise to images (n, ...). The images are flattened, their
    top-k principal components found, each sample's coordinates x on them computed, and z
    regressed on x by least squares (z ~ x A); row i of A, normalised, is direction i.
    """
    k = max(1, min(k, latent_dim, samples - 1))
    noise = latent_noise(samples, latent_dim, seed)
    images = torch.cat([generate(noise[i:i + batch_size]).reshape(len(noise[i:i + batch_size]), -1).double().cpu()
                        for i in range(0, samples, batch_size)])
    centred = images - images.mean(0)
    _, singular, components = torch.linalg.svd(centred, full_matrices=False)
    components = components[:k]  # (k, pixels)
    coordinates = centred @ components.T  # (samples, k)
    mapping = torch.linalg.lstsq(coordinates, noise.double()).solution  # (k, latent_dim)
    directions = mapping / mapping.norm(dim=1, keepdim=True).clamp_min(1e-12)
    variance = singular**2
    return LatentDirections(directions.float(), (variance[:k] / variance.sum()).float(), samples)
