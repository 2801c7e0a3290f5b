"""The GAN losses, one small object each: D's loss and G's loss over the discriminator's raw outputs.

Every discriminator returns one raw number per image (a logit; for WGAN-GP a critic value).
Each loss turns those into the two objectives of the lecture's step:

    minimax   D: -log D(x) - log(1 - D(G(z)))      G: minimise  log(1 - D(G(z)))   (the slide; saturates)
    ns        D: as minimax                        G: minimise -log D(G(z))        (non-saturating, the default)
    lsgan     D: ½(D(x) - 1)² + ½ D(G(z))²          G: ½(D(G(z)) - 1)²             (Mao et al. 2017)
    hinge     D: max(0, 1 - D(x)) + max(0, 1 + D(G(z)))   G: -D(G(z))              (Lim & Ye 2017; Miyato et al. 2018)
    wgan-gp   D: C(G(z)) - C(x) + λ(‖∇C(x̂)‖ - 1)²   G: -C(G(z))                    (Gulrajani et al. 2017, λ = 10)

with D(·) = sigmoid(logit) for minimax and ns, and the raw output elsewhere. Each term is a mean
over the batch. An optional R1 penalty γ/2 ‖∇D(x)‖² on real images (Mescheder et al. 2018) can be
added to any of them. Penalties draw their randomness from the generator they are handed (the
trainer's noise stream), so a resumed run and a CUDA graph of the step replay them exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .errors import ConfigError

DEFAULT_LOSS = "ns"
GP_WEIGHT = 10.0  # λ of WGAN-GP, as in the paper


class GanLoss:
    """D's and G's objectives over raw discriminator outputs; subclasses give the formulas."""

    name: str = ""
    # What the mean D output of a batch means on the charts: "probability" (sigmoid, in [0, 1]) or
    # "score" (the raw output: LSGAN's targets 1/0, hinge's margins ±1, the critic's value).
    readout: str = "probability"
    # Where the curves settle when G's images cannot be told from real ones (D outputs its "unsure" value).
    equilibrium: dict[str, float] = {}

    def discriminator(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """D's loss from its outputs on real images and on fakes."""
        raise NotImplementedError

    def generator(self, fake: torch.Tensor) -> torch.Tensor:
        """G's loss from D's outputs on fresh fakes."""
        raise NotImplementedError

    def penalty(self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                rng: torch.Generator | None = None) -> torch.Tensor:
        """A regulariser of D that needs the images themselves (only WGAN-GP has one of its own)."""
        return real.new_zeros(())

    def read(self, outputs: torch.Tensor) -> torch.Tensor:
        """The mean D output of a batch, as the charts show it."""
        return torch.sigmoid(outputs).mean() if self.readout == "probability" else outputs.mean()


class Minimax(GanLoss):
    """The game on the slide: G minimises log(1 - D(G(z))). When D rejects fakes confidently, this is flat
    (its gradient vanishes as D(G(z)) -> 0), which is why code trains G with `ns` instead."""

    name = "minimax"
    equilibrium = {"loss_d": 2 * math.log(2), "loss_g": -math.log(2), "d_real": 0.5, "d_fake": 0.5}

    def discriminator(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        # -log σ(r) = softplus(-r), -log(1 - σ(f)) = softplus(f): exact where log(sigmoid) would round to -inf
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def generator(self, fake: torch.Tensor) -> torch.Tensor:
        return -F.softplus(fake).mean()  # log(1 - σ(f))


class NonSaturating(Minimax):
    """G maximises log D(G(z)) instead: the same fixed point, but a strong gradient when D wins."""

    name = "ns"
    equilibrium = {"loss_d": 2 * math.log(2), "loss_g": math.log(2), "d_real": 0.5, "d_fake": 0.5}

    def generator(self, fake: torch.Tensor) -> torch.Tensor:
        return F.softplus(-fake).mean()  # -log σ(f)


class LeastSquares(GanLoss):
    """LSGAN: squared distances to the targets 1 (real) and 0 (fake); fakes far on the right side
    still get a gradient, unlike the sigmoid's flat tails."""

    name = "lsgan"
    readout = "score"
    equilibrium = {"loss_d": 0.25, "loss_g": 0.125, "d_real": 0.5, "d_fake": 0.5}

    def discriminator(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return 0.5 * (real - 1).pow(2).mean() + 0.5 * fake.pow(2).mean()

    def generator(self, fake: torch.Tensor) -> torch.Tensor:
        return 0.5 * (fake - 1).pow(2).mean()


class Hinge(GanLoss):
    """Hinge: D only pushes real scores above +1 and fake scores below -1; G raises D's score of fakes."""

    name = "hinge"
    readout = "score"
    equilibrium = {"loss_d": 2.0, "loss_g": 0.0, "d_real": 0.0, "d_fake": 0.0}

    def discriminator(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()

    def generator(self, fake: torch.Tensor) -> torch.Tensor:
        return -fake.mean()


class WassersteinGP(GanLoss):
    """WGAN-GP: a critic (no sigmoid) estimates the Wasserstein distance E C(x) - E C(G(z)); the gradient
    penalty keeps it 1-Lipschitz by pulling ‖∇C‖ towards 1 on random points between real and fake."""

    name = "wgan-gp"
    readout = "score"
    equilibrium = {"loss_d": 0.0, "loss_g": 0.0, "d_real": 0.0, "d_fake": 0.0}

    def __init__(self, weight: float = GP_WEIGHT):
        self.weight = weight

    def discriminator(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return fake.mean() - real.mean()  # minus the Wasserstein estimate

    def generator(self, fake: torch.Tensor) -> torch.Tensor:
        return -fake.mean()

    def penalty(self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                rng: torch.Generator | None = None) -> torch.Tensor:
        share = torch.rand((len(real),) + (1,) * (real.dim() - 1), device=real.device, generator=rng)
        # in float32 as the real digits: under bfloat16 autocast G's images come out in bfloat16
        between = torch.lerp(real.detach(), fake.detach().to(real.dtype), share)
        norms = input_gradient(critic, between).flatten(1).norm(dim=1)
        return self.weight * (norms - 1).pow(2).mean()


def input_gradient(critic: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """∇_x critic(x) per image, kept in the graph (create_graph) so a penalty on it trains the critic."""
    images = images.detach().requires_grad_(True)
    outputs = critic(images)
    (gradient,) = torch.autograd.grad(outputs.sum(), images, create_graph=True)
    return gradient


@dataclass(frozen=True)
class Objective:
    """The loss a run trains with: one of LOSSES, plus an optional R1 penalty γ/2 E‖∇D(x)‖² on real images."""

    loss: GanLoss
    r1: float = 0.0

    @property
    def name(self) -> str:
        return self.loss.name

    def discriminator(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return self.loss.discriminator(real, fake)

    def generator(self, fake: torch.Tensor) -> torch.Tensor:
        return self.loss.generator(fake)

    def penalty(self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                rng: torch.Generator | None = None) -> torch.Tensor:
        penalty = self.loss.penalty(critic, real, fake, rng)
        if self.r1 > 0:
            penalty = penalty + self.r1 / 2 * input_gradient(critic, real).flatten(1).pow(2).sum(dim=1).mean()
        return penalty

    def read(self, outputs: torch.Tensor) -> torch.Tensor:
        return self.loss.read(outputs)


@dataclass(frozen=True)
class LossSpec:
    """A loss by name: how to build it and the settings it needs whatever the model (model-specific ones
    live in each model's `per_loss`)."""

    name: str
    build: type[GanLoss]
    recommended: dict[str, Any] = field(default_factory=dict)


LOSSES: dict[str, LossSpec] = {
    "minimax": LossSpec("minimax", Minimax),
    "ns": LossSpec("ns", NonSaturating),
    "lsgan": LossSpec("lsgan", LeastSquares),
    "hinge": LossSpec("hinge", Hinge),
    # The critic must be near its optimum for its value to estimate a distance: 5 critic steps per G step.
    "wgan-gp": LossSpec("wgan-gp", WassersteinGP, {"d_steps": 5}),
}


def check_loss(name: Any) -> str:
    if name not in LOSSES:
        raise ConfigError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return name


def build_objective(name: str, r1: float = 0.0) -> Objective:
    """The objective of a run's settings (`loss`, `r1`)."""
    return Objective(LOSSES[check_loss(name)].build(), float(r1))


def equilibrium(name: str) -> dict[str, float]:
    """Where loss_d, loss_g and the mean D outputs settle at the game's equilibrium under this loss."""
    return dict(LOSSES[check_loss(name)].build.equilibrium)
