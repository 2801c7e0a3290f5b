"""What a run saves to continue exactly: its own random generators, and the trainer's whole state.

Every random draw of a run comes from generators the run owns, never from the process-wide RNGs
(`torch.manual_seed`, `np.random`, `random`), which this module neither seeds, reads nor saves. So
two runs trained at the same time in one process, or in two, each give what they give alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .history import History

if TYPE_CHECKING:
    from .trainer import Trainer

FIXED_NOISE_SAMPLES = 64


class RunRandomness:
    """The generators of one run, all from its seed.

    init  (CPU torch.Generator, seed):         initial weights, then the fixed noise of the samples
    noise (torch.Generator on the device, seed + 1): every step's noise z and dropout masks; saved
    data order (numpy Generator of (seed, epoch)):  each epoch's shuffle, a function of seed and epoch
                                                  alone, so a run resumed mid-epoch keeps its order
    """

    def __init__(self, seed: int, device: torch.device):
        self.seed = seed
        self.device = device
        self.init = torch.Generator().manual_seed(seed)
        self.noise = torch.Generator(device).manual_seed(seed + 1)

    def fixed_noise(self, latent_dim: int) -> torch.Tensor:
        """The 64 noise vectors drawn at every epoch end, so samples can be compared across epochs."""
        return torch.randn(FIXED_NOISE_SAMPLES, latent_dim, generator=torch.Generator().manual_seed(self.seed))

    def epoch_order(self, epoch: int, size: int) -> np.ndarray:
        """A permutation of range(size): the order of this epoch's images."""
        return np.random.default_rng((self.seed, epoch)).permutation(size)

    def state(self) -> dict[str, Any]:
        return {"noise": self.noise.get_state(), "noise_device": self.device.type}

    def restore(self, state: dict[str, Any], global_step: int) -> None:
        if state.get("noise_device") == self.device.type:
            self.noise.set_state(state["noise"])
        else:  # moved to another kind of device: its generator state does not transfer
            self.noise.manual_seed(self.seed + 1 + global_step)


def capture(trainer: "Trainer") -> dict[str, Any]:
    """Everything needed to continue exactly where the trainer is now (for checkpoint.pt)."""
    return {
        "config": trainer.config.to_dict(),
        "epoch": trainer.epoch,
        "step_in_epoch": trainer.step_in_epoch,
        "global_step": trainer.global_step,
        "train_seconds": trainer.train_seconds,
        "generator": trainer.generator.state_dict(),
        "discriminator": trainer.discriminator.state_dict(),
        "generator_ema": trainer.generator_ema.state_dict() if trainer.generator_ema is not None else None,
        "optimizer_g": trainer.opt_g.state_dict(),
        "optimizer_d": trainer.opt_d.state_dict(),
        "fixed_noise": trainer.fixed_noise.cpu(),
        "history": trainer.history.to_state(),
        "rng": trainer.rng.state(),
    }


def restore(trainer: "Trainer", state: dict[str, Any]) -> None:
    """Put a trainer back where `capture` found it (new learning rates of a resume are kept)."""
    trainer.generator.load_state_dict(state["generator"])
    trainer.discriminator.load_state_dict(state["discriminator"])
    if trainer.generator_ema is not None and state.get("generator_ema") is not None:
        trainer.generator_ema.load_state_dict(state["generator_ema"])
    trainer.opt_g.load_state_dict(state["optimizer_g"])
    trainer.opt_d.load_state_dict(state["optimizer_d"])
    for optimizer, lr in ((trainer.opt_g, trainer.config.lr_g), (trainer.opt_d, trainer.config.lr_d)):
        for group in optimizer.param_groups:
            group["lr"] = lr  # a resumed run may have been given new learning rates
    trainer.fixed_noise = state["fixed_noise"].to(trainer.device)
    trainer.history = History.from_state(state["history"])
    trainer.epoch = int(state["epoch"])
    trainer.step_in_epoch = int(state["step_in_epoch"])
    trainer.global_step = int(state["global_step"])
    trainer.train_seconds = float(state["train_seconds"])
    trainer.rng.restore(state["rng"], trainer.global_step)
