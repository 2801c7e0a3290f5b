"""Generators of saved runs, and images from them: what the CLI's `sample` and the app's pages use.

A conditional run (`cgan`) draws the digit it is asked for: `sample(run, n, label=7)` gives n sevens;
without a label the digits cycle 0, 1, ..., 9, 0, ... so any n samples are as mixed as possible.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .runs.checkpoints import RunDir
from .config import TrainConfig
from .errors import CheckpointError, ConfigError
from .models import NUM_CLASSES, build_generator, is_conditional


def latent_noise(n: int, latent_dim: int, seed: int) -> torch.Tensor:
    """n latent vectors from N(0, I) on the CPU: the same for the same seed on every machine."""
    return torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))


def cycling_labels(n: int) -> torch.Tensor:
    """The digits a conditional generator draws when none are asked for: 0, 1, ..., 9, 0, 1, ... (n of them)."""
    return torch.arange(n) % NUM_CLASSES


def check_label(label: int | None, conditional: bool, run_name: str) -> None:
    """A label must be a digit 0-9 and is only for conditional runs (ConfigError, one line, otherwise)."""
    if label is None:
        return
    if not conditional:
        raise ConfigError(f"run {run_name!r} is not conditional: it cannot be told which digit to draw; "
                          "leave out the label, or train a conditional model (--model cgan)")
    if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < NUM_CLASSES:
        raise ConfigError(f"the label must be a digit from 0 to {NUM_CLASSES - 1}, got {label!r}")


@torch.no_grad()
def generate_images(generator: nn.Module, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """G(z) in eval mode (its train/eval mode is restored after), as float images on the CPU.

    A conditional generator draws `labels` (class indices (N,), or class weights (N, 10) that mix
    digits); without them the digits cycle 0-9. An unconditional generator takes no labels.
    """
    device = next(generator.parameters()).device
    condition: tuple[torch.Tensor, ...] = ()
    if is_conditional(generator):
        condition = (cycling_labels(len(z)) if labels is None else labels).to(device),
    elif labels is not None:
        raise ConfigError("this generator is not conditional: it takes no labels")
    was_training = generator.training
    generator.eval()
    try:
        return generator(z.to(device, torch.float32), *condition).float().cpu()
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

    @property
    def conditional(self) -> bool:
        """Whether this run draws the digit it is asked for (`cgan`)."""
        return is_conditional(self.generator)

    def generate(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Images (N, 1, 28, 28) in [-1, 1] for latent vectors z (N, latent_dim), on the CPU.

        `labels` only for a conditional run: digits (N,) or class weights (N, 10); default 0-9 cycling."""
        if labels is not None:
            check_label(0, self.conditional, self.run_name)  # refuses labels for an unconditional run
        return generate_images(self.generator, z, labels)

    def noise(self, n: int, seed: int) -> torch.Tensor:
        return latent_noise(n, self.latent_dim, seed)

    def sample(self, n: int, seed: int = 0, label: int | None = None) -> torch.Tensor:
        """n images from seeded noise; `label` (0-9, conditional runs only) makes every one that digit."""
        check_label(label, self.conditional, self.run_name)
        labels = None if label is None else torch.full((n,), label, dtype=torch.int64)
        return self.generate(self.noise(n, seed), labels)


def load_generator(run: RunDir, epoch: int | None = None, device: str | torch.device = "cpu") -> LoadedGenerator:
    """The sampling generator of a run: from checkpoint.pt (latest), or the snapshot of `epoch`.

    The moving-average generator is used when the run kept one, as during training.
    """
    info = run.read_info()
    config = TrainConfig.from_dict(info["config"])
    generator = build_generator(config.model, config.latent_dim, config.g_width, config.depth)
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


def sample(run: str | RunDir, n: int = 64, label: int | None = None, seed: int = 0, epoch: int | None = None,
           checkpoints: str | None = None) -> torch.Tensor:
    """n images (n, 1, 28, 28) in [-1, 1] from a saved run, as `python -m gan_core sample` makes them.

    `label` (0-9) asks a conditional run for that digit; without it a conditional run's digits cycle
    0-9. A label outside 0-9, or a label for an unconditional run, raises ConfigError.
    """
    folder = run if isinstance(run, RunDir) else RunDir(run, checkpoints)
    return load_generator(folder, epoch).sample(n, seed, label)
