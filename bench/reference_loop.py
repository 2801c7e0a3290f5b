"""The training loop the course material teaches, written plainly, as a student would.

It is the baseline that `train_speed.py` measures gan_core's trainer against: a DataLoader over a
TensorDataset, a per-batch `.to(device)`, a Sigmoid output with BCELoss, Adam(lr=2e-4,
betas=(0.5, 0.999)), batch 128, and `loss.item()` every step for the loss plot.
"""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from gan_core.models import build_models


def reference_training(images: torch.Tensor, model: str, device: str, batch_size: int = 128,
                       warmup_steps: int = 20, timed_steps: int = 200, latent_dim: int = 100) -> dict:
    """Train with the reference loop; return images/s over `timed_steps` steps after `warmup_steps`."""
    torch.manual_seed(0)
    dataset = TensorDataset(images, torch.zeros(len(images)))
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, drop_last=True)

    generator, discriminator_logits = build_models(model, latent_dim)
    generator = generator.to(device)
    discriminator = nn.Sequential(discriminator_logits, nn.Sigmoid()).to(device)
    criterion = nn.BCELoss()
    optimizer_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))

    losses_d, losses_g = [], []
    step, start = 0, None
    while True:
        for real, _ in loader:
            if step == warmup_steps:
                _sync(device)
                start = time.perf_counter()
            if step == warmup_steps + timed_steps:
                _sync(device)
                seconds = time.perf_counter() - start
                return {"images_per_s": timed_steps * batch_size / seconds, "seconds": seconds,
                        "steps": timed_steps, "last_loss_d": losses_d[-1], "last_loss_g": losses_g[-1]}
            real = real.to(device)
            ones = torch.ones(real.size(0), device=device)
            zeros = torch.zeros(real.size(0), device=device)

            # Train D: real -> 1, fake -> 0
            z = torch.randn(real.size(0), latent_dim, device=device)
            fake = generator(z)
            loss_d = criterion(discriminator(real), ones) + criterion(discriminator(fake.detach()), zeros)
            optimizer_d.zero_grad()
            loss_d.backward()
            optimizer_d.step()

            # Train G: make D say 1 on fakes
            loss_g = criterion(discriminator(fake), ones)
            optimizer_g.zero_grad()
            loss_g.backward()
            optimizer_g.step()

            losses_d.append(loss_d.item())
            losses_g.append(loss_g.item())
            step += 1


def _sync(device: str) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()
