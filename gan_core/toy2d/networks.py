"""The 2D lab's two players: plain MLPs (the network of every 2D GAN demo), D's optional spectral norm, the copy
of G that holds the average of its weights, and the optimisers. Every random draw takes the lab's generator."""

from __future__ import annotations

import copy
import math
from typing import Iterable

import torch
import torch.nn.functional as F
from torch import nn

OPTIMIZERS = ("adam", "sgd")


def mlp(inputs: int, outputs: int, layers: int, width: int, generator: torch.Generator) -> nn.Sequential:
    """inputs -> [width] x layers -> outputs, ReLU between (the plain network of every 2D GAN demo), with
    PyTorch's default Linear initialisation drawn from `generator` (skip_init: the global RNG is not touched)."""
    sizes = [inputs] + [width] * layers + [outputs]
    parts: list[nn.Module] = []
    for a, b in zip(sizes, sizes[1:]):
        linear = nn.utils.skip_init(nn.Linear, a, b)
        bound = 1.0 / math.sqrt(a)
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        parts += [linear, nn.ReLU()]
    return nn.Sequential(*parts[:-1])


class SpectralNorm(nn.Module):
    """W / sigma(W), sigma estimated by one power iteration per training forward pass (Miyato et al. 2018).
    torch's own spectral_norm draws its start vector from the global RNG; this one takes the lab's."""

    def __init__(self, weight: torch.Tensor, generator: torch.Generator):
        super().__init__()
        self.register_buffer("u", F.normalize(torch.randn(weight.shape[0], generator=generator), dim=0))

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            v = F.normalize(weight.t() @ self.u, dim=0)
            if self.training:
                self.u.copy_(F.normalize(weight @ v, dim=0))
                v = F.normalize(weight.t() @ self.u, dim=0)
        sigma = self.u.clone() @ weight @ v.clone()
        return weight / sigma


def add_spectral_norm(network: nn.Module, generator: torch.Generator) -> None:
    """Divide every linear layer's weight of `network` by its spectral norm (on every forward pass)."""
    for module in network.modules():
        if isinstance(module, nn.Linear):
            nn.utils.parametrize.register_parametrization(module, "weight", SpectralNorm(module.weight, generator))


def averaged_copy(network: nn.Module) -> nn.Module:
    """A copy of `network` to hold the moving average of its weights (no gradients of its own)."""
    average = copy.deepcopy(network)
    average.requires_grad_(False)
    return average


def build_optimizer(name: str, parameters: Iterable[nn.Parameter], lr: float,
                    betas: tuple[float, float]) -> torch.optim.Optimizer:
    """Adam (fused: the same update in one kernel, 15% of a round on CPU, where a round is mostly overhead) or SGD."""
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, betas=betas, fused=True)
    return torch.optim.SGD(parameters, lr=lr)
