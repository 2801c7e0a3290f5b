"""Several runs as one batched computation: how fast would K default GPU runs train if one process computed all
of them at once, each run's layers a group of one grouped convolution? A measurement to take before building
it (the class of 30 on one GPU trains its runs in 30 processes today).

    python bench/batched_runs.py --device cuda --runs 1,30            # the default GPU run's shapes
    python bench/batched_runs.py --device cpu --runs 1,2 --batch 16 --steps 5   # a quick check

It builds the default GPU `sngan` (gan_core.models: G's projection, transposed convolutions and 3x3 refining
convolution; D's spectrally normed strided and 3x3 convolutions and linear head; the shapes of the recommended GPU
settings) for K runs as grouped layers: K runs' maps side by side in the channels, each run its own group of
weights, its own spectral-norm power iteration, its own Adam moments (elementwise, so each run's update is its
own). It times full training steps (a D step on real and fake digits with the hinge loss, a G step, the moving
average of G) and prints, per K, the steps per second and the images per second of all K runs together, and
against K=1. Real digits are random tensors of the same shape: the speed does not depend on them.

This is the computation only; runs trained this way would still need their own data order, checkpoints, history,
stop and resume.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan_core.models import GPU_SNGAN_SETTINGS  # noqa: E402

LATENT = 32


def parameter(*shape: int, fan_in: int, device: torch.device) -> torch.Tensor:
    bound = 1 / fan_in ** 0.5
    return (torch.rand(*shape, device=device) * 2 - 1).mul_(bound).requires_grad_()


class GroupedSNGAN:
    """K runs of the default GPU sngan, as grouped layers (see the module's docstring)."""

    def __init__(self, k: int, g_width: int, d_width: int, device: torch.device):
        self.k, self.gw, self.dw = k, g_width, d_width
        p = lambda *shape, fan_in: parameter(*shape, fan_in=fan_in, device=device)  # noqa: E731
        gw, dw, half = g_width, d_width, g_width // 2
        self.g = {
            "project_w": p(k, LATENT, 2 * gw * 49, fan_in=LATENT), "project_b": p(k, 1, 2 * gw * 49, fan_in=LATENT),
            "up1_w": p(k * 2 * gw, gw, 4, 4, fan_in=2 * gw * 16), "up1_b": p(k * gw, fan_in=2 * gw * 16),
            "refine_w": p(k * gw, gw, 3, 3, fan_in=gw * 9), "refine_b": p(k * gw, fan_in=gw * 9),
            "up2_w": p(k * gw, half, 4, 4, fan_in=gw * 16), "up2_b": p(k * half, fan_in=gw * 16),
            "out_w": p(k, half, 3, 3, fan_in=half * 9), "out_b": p(k, fan_in=half * 9),
        }
        self.d = {
            "c1_w": p(k * dw, 1, 4, 4, fan_in=16), "c1_b": p(k * dw, fan_in=16),
            "r1_w": p(k * dw, dw, 3, 3, fan_in=dw * 9), "r1_b": p(k * dw, fan_in=dw * 9),
            "c2_w": p(k * 2 * dw, dw, 4, 4, fan_in=dw * 16), "c2_b": p(k * 2 * dw, fan_in=dw * 16),
            "r2_w": p(k * 2 * dw, 2 * dw, 3, 3, fan_in=2 * dw * 9), "r2_b": p(k * 2 * dw, fan_in=2 * dw * 9),
            "head_w": p(k, 2 * dw * 49, 1, fan_in=2 * dw * 49), "head_b": p(k, 1, 1, fan_in=2 * dw * 49),
        }
        # spectral norm: one u per run and layer (the power iteration's vector), refined once per D forward
        self.u = {name: F.normalize(torch.randn(k, w.shape[0] // k if name != "head_w" else 1, device=device), dim=1)
                  for name, w in self.d.items() if name.endswith("_w")}
        self.g_ema = {name: value.detach().clone() for name, value in self.g.items()}

    def generate(self, z: torch.Tensor, g: dict[str, torch.Tensor]) -> torch.Tensor:
        """z: (B, K, LATENT) -> images (B, K, 28, 28)."""
        k, gw, batch = self.k, self.gw, z.shape[0]
        x = torch.baddbmm(g["project_b"], z.transpose(0, 1), g["project_w"])  # (K, B, 2gw*49)
        x = F.leaky_relu(x, 0.2).view(k, batch, 2 * gw, 7, 7).transpose(0, 1).reshape(batch, k * 2 * gw, 7, 7)
        x = F.leaky_relu(F.conv_transpose2d(x, g["up1_w"], g["up1_b"], 2, 1, groups=k), 0.2)
        x = F.leaky_relu(F.conv2d(x, g["refine_w"], g["refine_b"], 1, 1, groups=k), 0.2)
        x = F.leaky_relu(F.conv_transpose2d(x, g["up2_w"], g["up2_b"], 2, 1, groups=k), 0.2)
        return torch.tanh(F.conv2d(x, g["out_w"], g["out_b"], 1, 1, groups=k))

    def normed(self, name: str, weight: torch.Tensor, refine: bool) -> torch.Tensor:
        """`weight` / its largest singular value, per run (one power iteration, as torch's spectral_norm)."""
        k = self.k
        matrix = weight.view(k, weight.shape[0] // k, -1) if name != "head_w" else weight.transpose(1, 2)
        u = self.u[name]
        with torch.no_grad():
            if refine:
                v = F.normalize(torch.bmm(matrix.transpose(1, 2), u.unsqueeze(2)).squeeze(2), dim=1)
                u = F.normalize(torch.bmm(matrix, v.unsqueeze(2)).squeeze(2), dim=1)
                self.u[name] = u
            v = F.normalize(torch.bmm(matrix.transpose(1, 2), u.unsqueeze(2)).squeeze(2), dim=1)
        sigma = torch.bmm(u.unsqueeze(1), torch.bmm(matrix, v.unsqueeze(2))).view(k, 1)
        return (weight.reshape(k, -1) / sigma).view_as(weight)  # each run's block of rows, by its own sigma

    def discriminate(self, images: torch.Tensor, refine: bool) -> torch.Tensor:
        """images (B, K, 28, 28) -> logits (B, K)."""
        k, d, batch = self.k, self.d, images.shape[0]
        w = {name: self.normed(name, d[name], refine) for name in self.u}
        x = F.leaky_relu(F.conv2d(images, w["c1_w"], d["c1_b"], 2, 1, groups=k), 0.2)
        x = F.leaky_relu(F.conv2d(x, w["r1_w"], d["r1_b"], 1, 1, groups=k), 0.2)
        x = F.leaky_relu(F.conv2d(x, w["c2_w"], d["c2_b"], 2, 1, groups=k), 0.2)
        x = F.leaky_relu(F.conv2d(x, w["r2_w"], d["r2_b"], 1, 1, groups=k), 0.2)
        x = x.view(batch, k, -1).transpose(0, 1)  # (K, B, 2dw*49)
        return torch.baddbmm(d["head_b"], x, w["head_w"]).squeeze(2).transpose(0, 1)


def train_steps(model: GroupedSNGAN, batch: int, steps: int, device: torch.device, lr: float) -> float:
    """`steps` training steps of all K runs; seconds per step (after the warm-up ones)."""
    opt_d = torch.optim.Adam(model.d.values(), lr=lr, betas=(0.0, 0.99), foreach=True)
    opt_g = torch.optim.Adam(model.g.values(), lr=lr, betas=(0.0, 0.99), foreach=True)
    real = torch.rand(batch, model.k, 28, 28, device=device) * 2 - 1
    ema = list(model.g_ema.values())

    def step() -> None:
        z = torch.randn(batch, model.k, LATENT, device=device)
        with torch.no_grad():
            fake = model.generate(z, model.g)
        loss_d = (F.relu(1 - model.discriminate(real, True)).mean(0) + F.relu(1 + model.discriminate(fake, False)).mean(0)).sum()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        z = torch.randn(batch, model.k, LATENT, device=device)
        loss_g = -model.discriminate(model.generate(z, model.g), False).mean(0).sum()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        with torch.no_grad():
            torch._foreach_lerp_(ema, [p.detach() for p in model.g.values()], 1 - GPU_SNGAN_SETTINGS["ema_decay"])

    for _ in range(3):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - started) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--runs", default="1,30", help="comma-separated K: runs computed together (default 1,30)")
    parser.add_argument("--batch", type=int, default=GPU_SNGAN_SETTINGS["batch_size"], help="each run's batch")
    parser.add_argument("--steps", type=int, default=100, help="timed steps per K (default 100)")
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True  # as the trainer sets it on a GPU (convolutions: TF32 already)
    rows = []
    for k in (int(part) for part in args.runs.split(",") if part.strip()):
        torch.manual_seed(0)
        model = GroupedSNGAN(k, GPU_SNGAN_SETTINGS["g_width"], GPU_SNGAN_SETTINGS["d_width"], device)
        seconds = train_steps(model, args.batch, args.steps, device, GPU_SNGAN_SETTINGS["lr_g"])
        rows.append({"runs": k, "step_ms": round(seconds * 1000, 3), "steps_per_s": round(1 / seconds, 1),
                     "images_per_s": round(k * args.batch / seconds)})
    base = rows[0]["images_per_s"] / rows[0]["runs"] if rows else 1.0
    name = torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"
    print(f"{name}, batch {args.batch} per run, torch {torch.__version__}", file=sys.stderr)
    print(f"{'runs':>5} {'step ms':>9} {'steps/s':>9} {'images/s':>10} {'x one run':>9}", file=sys.stderr)
    for row in rows:
        row["x_one_run"] = round(row["images_per_s"] / base, 2)
        print(f"{row['runs']:>5} {row['step_ms']:>9.2f} {row['steps_per_s']:>9.1f} {row['images_per_s']:>10,} "
              f"{row['x_one_run']:>9.2f}", file=sys.stderr)
    print(json.dumps({"device": name, "batch": args.batch, "rows": rows}))


if __name__ == "__main__":
    main()
