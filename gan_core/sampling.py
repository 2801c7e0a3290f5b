"""Generators of saved runs, and images from them: what the CLI's `sample` and the app's pages use."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .checkpoints import RunDir
from .config import TrainConfig
from .errors import CheckpointError
from .models import build_generator


def latent_noise(n: int, latent_dim: int, seed: int) -> torch.Tensor:
    """n latent vectors from N(0, I) on the CPU: the same for the same seed on every machine."""
    return torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def generate_images(generator: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """G(z) in eval mode (its train/eval mode is restored after), as float images on the CPU."""
    was_training = generator.training
    generator.eval()
    try:
        return generator(z.to(next(generator.parameters()).device, torch.float32)).float().cpu()
    finally:
        generator.train(was_training)


@dataclass
class LoadedGenerator:
    """A run's sampling generator (eval mode) with what is needed to feed it."""

    run_name: str
    model: str
    latent_dim: int
    epoch: int
    generator: nn.Module
    device: torch.device

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Images (N, 1, 28, 28) in [-1, 1] for latent vectors z (N, latent_dim), on the CPU."""
        return generate_images(self.generator, z)

    def noise(self, n: int, seed: int) -> torch.Tensor:
        return latent_noise(n, self.latent_dim, seed)

    def sample(self, n: int, seed: int = 0) -> torch.Tensor:
        return self.generate(self.noise(n, seed))


def load_generator(run: RunDir, epoch: int | None = None, device: str | torch.device = "cpu") -> LoadedGenerator:
    """The sampling generator of a run: from checkpoint.pt (latest), or the snapshot of `epoch`.

    The moving-average generator is used when the run kept one, as during training.
    """
    info = run.read_info()
    config = TrainConfig.from_dict(info["config"])
    generator = build_generator(config.model, config.latent_dim, config.g_width)
    if epoch is None:
        state = run.load_checkpoint()
        weights = state["generator_ema"] if state.get("generator_ema") is not None else state["generator"]
        epoch = int(state["epoch"])
    else:
        if epoch not in run.snapshot_epochs():
            raise CheckpointError(f"run {run.name!r} has no snapshot of epoch {epoch}; it has {run.snapshot_epochs() or 'none'}",
                                      code="epoch_missing", name=run.name, epoch=epoch)
        saved = run.load_snapshot(epoch)["generator"]
        if saved is None:
            raise CheckpointError(f"run {run.name!r} kept only the samples of epoch {epoch}; generators are kept for "
                                  "epochs 1-10, every 10th epoch and the last one", code="epoch_no_generator", name=run.name, epoch=epoch)
        weights = {k: v.float() if v.is_floating_point() else v for k, v in saved.items()}
    try:
        generator.load_state_dict(weights)
    except RuntimeError as error:
        raise CheckpointError(f"the weights of run {run.name!r} do not fit its model {config.model!r}: {str(error)[:160]}", code="weights_mismatch", name=run.name, model=config.model) from None
    device = torch.device(device)
    generator.to(device).eval().requires_grad_(False)
    return LoadedGenerator(run.name, config.model, config.latent_dim, epoch, generator, device)
