"""Search for classroom defaults: which model and settings give good digits within 120 s on 2 CPU cores?

Training 100 candidates for 120 s each on a laptop would take hours, so the search splits the
question in two:
  1. `--cpu-speed`: each candidate's training speed (images/s) on 2 pinned CPU cores, eager path;
  2. `--gpu-curves`: each candidate trained on a GPU, its samples evaluated (FID ratio, coverage,
     confidence) every `--every` steps: quality as a function of steps.
A candidate's quality at "120 s on 2 cores" is its curve at steps = speed x 120 / batch. The winner
is then confirmed for real on 2 CPU cores by bench/time_to_digits.py.

    python bench/tune_search.py --cpu-speed --out speeds.json
    python bench/tune_search.py --gpu-curves --stage 1 --workers 8 --out curves.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan_core import models  # noqa: E402
from gan_core.config import TrainConfig  # noqa: E402
from gan_core.data import load_dataset  # noqa: E402
from gan_core.trainer import Trainer  # noqa: E402


# --- candidate networks -------------------------------------------------------------------------
class ConvGenerator(nn.Module):
    """z -> (2w, 7, 7) -> (w, 14, 14) -> (1, 28, 28); BatchNorm optional."""

    def __init__(self, latent_dim: int, width: int, norm: bool, upsample: str = "convT"):
        super().__init__()
        self.latent_dim, self.width = latent_dim, width
        def act_norm(channels: int, dims: int) -> list[nn.Module]:
            bn = (nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d)(channels)
            return [bn, nn.ReLU()] if norm else [nn.LeakyReLU(0.2)]
        self.project = nn.Sequential(nn.Linear(latent_dim, 2 * width * 49, bias=not norm), *act_norm(2 * width * 49, 1))
        if upsample == "convT":
            up1, up2 = nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=not norm), nn.ConvTranspose2d(width, 1, 4, 2, 1)
            self.upsample = nn.Sequential(up1, *act_norm(width, 2), up2, nn.Tanh())
        else:  # nearest upsampling + 3x3 convolutions
            self.upsample = nn.Sequential(
                nn.Upsample(scale_factor=2), nn.Conv2d(2 * width, width, 3, 1, 1, bias=not norm), *act_norm(width, 2),
                nn.Upsample(scale_factor=2), nn.Conv2d(width, 1, 3, 1, 1), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.upsample(self.project(z).view(-1, 2 * self.width, 7, 7))


def translate(images: torch.Tensor, shift: int) -> torch.Tensor:
    """Shift each image by its own random (dx, dy) in [-shift, shift], filling with background (-1)."""
    batch = images.shape[0]
    padded = nn.functional.pad(images, (shift,) * 4, value=-1.0)
    dy = torch.randint(0, 2 * shift + 1, (batch, 1, 1), device=images.device)
    dx = torch.randint(0, 2 * shift + 1, (batch, 1, 1), device=images.device)
    rows = torch.arange(28, device=images.device).view(1, 28, 1) + dy
    cols = torch.arange(28, device=images.device).view(1, 1, 28) + dx
    index = torch.arange(batch, device=images.device).view(batch, 1, 1)
    return padded[index, 0, rows, cols].unsqueeze(1)


def cutout(images: torch.Tensor, size: int) -> torch.Tensor:
    """Blank one random size x size square per image (to background)."""
    batch = images.shape[0]
    top = torch.randint(0, 28 - size + 1, (batch, 1, 1), device=images.device)
    left = torch.randint(0, 28 - size + 1, (batch, 1, 1), device=images.device)
    rows = torch.arange(28, device=images.device).view(1, 28, 1)
    cols = torch.arange(28, device=images.device).view(1, 1, 28)
    inside = (rows >= top) & (rows < top + size) & (cols >= left) & (cols < left + size)
    return torch.where(inside.unsqueeze(1), torch.full_like(images, -1.0), images)


class MinibatchStd(nn.Module):
    """Appends the batch's mean feature standard deviation as one more channel (lets D see diversity)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        spread = x.std(dim=0, unbiased=False).mean().expand(x.shape[0], 1, *x.shape[2:])
        return torch.cat([x, spread], dim=1)


class ConvDiscriminator(nn.Module):
    def __init__(self, width: int, norm: bool, dropout: float = 0.0, augment: str = "", sn: bool = False, mbstd: bool = False):
        super().__init__()
        self.augment = augment
        wrap = nn.utils.parametrizations.spectral_norm if sn else (lambda m: m)
        layers = [wrap(nn.Conv2d(1, width, 4, 2, 1)), nn.LeakyReLU(0.2)] + ([nn.Dropout(dropout)] if dropout else [])
        layers += [wrap(nn.Conv2d(width, 2 * width, 4, 2, 1, bias=not norm))]
        layers += [nn.BatchNorm2d(2 * width)] if norm else []
        layers += [nn.LeakyReLU(0.2)] + ([nn.Dropout(dropout)] if dropout else [])
        extra = 1 if mbstd else 0
        layers += ([MinibatchStd()] if mbstd else []) + [nn.Flatten(), wrap(nn.Linear((2 * width + extra) * 49, 1))]
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if self.training and "t" in self.augment:
            images = translate(images, 2)
        if self.training and "c" in self.augment:
            images = cutout(images, 8)
        return self.net(images).view(-1)


def candidate_models() -> dict[str, models.ModelSpec]:
    specs = {}
    for width, g_norm, d_norm, up in itertools.product((16, 32, 64), (True, False), (True, False), ("convT", "up")):
        name = f"c{width}-g{'bn' if g_norm else 'no'}-d{'bn' if d_norm else 'no'}-{up}"
        specs[name] = models.ModelSpec(
            name, name,
            (lambda w, n, u: lambda latent_dim: ConvGenerator(latent_dim, w, n, u))(width, g_norm, up),
            (lambda w, n: lambda: ConvDiscriminator(w, n))(width, d_norm))
    for g_width, g_norm, d_width, augment in itertools.product((16, 32), (True, False), (16, 32), ("", "t", "tc")):
        name = f"g{g_width}{'bn' if g_norm else ''}-d{d_width}{'-' + augment if augment else ''}"
        specs[name] = models.ModelSpec(
            name, name,
            (lambda w, n: lambda latent_dim: ConvGenerator(latent_dim, w, n, "up"))(g_width, g_norm),
            (lambda w, a: lambda: ConvDiscriminator(w, False, augment=a))(d_width, augment))
    for g_width, d_width, variant in itertools.product((32, 48), (16, 24), ("", "sn", "mbstd", "drop")):
        name = f"G{g_width}-D{d_width}{'-' + variant if variant else ''}"
        specs[name] = models.ModelSpec(
            name, name,
            (lambda w: lambda latent_dim: ConvGenerator(latent_dim, w, False, "up"))(g_width),
            (lambda w, v: lambda: ConvDiscriminator(w, False, dropout=0.3 if v == "drop" else 0.0,
                                                    sn=v == "sn", mbstd=v == "mbstd"))(d_width, variant))
    for g_width, d_width in itertools.product((16, 24, 32, 48), (16, 24)):
        name = f"T{g_width}-D{d_width}-sn"
        specs[name] = models.ModelSpec(
            name, name, (lambda w: lambda latent_dim: ConvGenerator(latent_dim, w, False, "convT"))(g_width),
            (lambda w: lambda: ConvDiscriminator(w, False, sn=True))(d_width))
    specs["mlp"] = models.MODELS["mlp"]
    return specs


def register(names: list[str]) -> None:
    specs = candidate_models()
    for name in names:
        models.MODELS[name] = specs[name]


# --- 1. CPU speed ---------------------------------------------------------------------------------
def cpu_speed_one(model: str, batch_size: int, steps: int = 40) -> float:
    torch.set_num_threads(2)
    register([model])
    trainer = Trainer(TrainConfig(model=model, batch_size=batch_size, epochs=1000, device="cpu", latent_dim=64, ema_decay=0.999),
                      data=load_dataset("mnist-5k"), fast=False)
    marks = {}
    trainer.on_step.append(lambda p: (marks.__setitem__(p.global_step, time.perf_counter()),
                                      trainer.request_stop() if p.global_step >= 5 + steps else None))
    trainer.train()
    return steps * batch_size / (marks[5 + steps] - marks[5])


def cpu_speeds(out: Path, batches: list[int], cores: str) -> None:
    results = []
    for model in candidate_models():
        for batch in batches:
            code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import tune_search; "
                    f"print(tune_search.cpu_speed_one({model!r}, {batch}))")
            output = subprocess.run(["taskset", "-c", cores, sys.executable, "-c", code], capture_output=True, text=True)
            speed = float(output.stdout.strip().splitlines()[-1]) if output.returncode == 0 else None
            results.append({"model": model, "batch_size": batch, "cpu_images_per_s": speed})
            print(json.dumps(results[-1]), flush=True)
    out.write_text(json.dumps(results, indent=1))


# --- 2. GPU quality curves --------------------------------------------------------------------------
def stage_candidates(stage: int) -> list[dict]:
    grid = []
    if stage == 1:
        for model in candidate_models():
            if model == "mlp":
                continue
            for lr, batch in itertools.product((2e-4, 1e-3), (32, 64)):
                grid.append({"model": model, "lr_g": lr, "lr_d": lr, "batch_size": batch, "ema_decay": 0.999})
        grid.append({"model": "mlp", "lr_g": 2e-4, "lr_d": 2e-4, "batch_size": 64, "ema_decay": 0.0, "latent_dim": 100})
    if stage == 2:
        for g, d, augment in itertools.product(("g16bn", "g16", "g32"), ("d16", "d32"), ("", "t", "tc")):
            for lr in (1e-3, 2e-3):
                grid.append({"model": f"{g}-{d}{'-' + augment if augment else ''}", "lr_g": lr, "lr_d": lr,
                             "batch_size": 32, "ema_decay": 0.999})
    if stage == 3:
        base = {"model": "G32-D16", "lr_g": 1e-3, "lr_d": 1e-3, "batch_size": 32, "ema_decay": 0.999}
        for change in ({}, {"betas": (0.0, 0.99)}, {"betas": (0.5, 0.99)}, {"model": "G32-D16-sn", "lr_g": 2e-3, "lr_d": 2e-3},
                       {"model": "G32-D16-sn"}, {"model": "G32-D16-mbstd"}, {"model": "G32-D16-drop"},
                       {"lr_d": 2e-3}, {"lr_g": 2e-3}, {"batch_size": 64, "lr_g": 2e-3, "lr_d": 2e-3},
                       {"model": "G48-D16"}, {"model": "G32-D24"}, {"model": "G48-D24-mbstd"}, {"latent_dim": 32},
                       {"latent_dim": 100}, {"ema_decay": 0.9995}, {"ema_decay": 0.995}, {"d_steps": 2},
                       {"model": "G48-D16-mbstd", "betas": (0.5, 0.99)}, {"model": "G32-D16-sn", "betas": (0.0, 0.99), "lr_g": 2e-3, "lr_d": 2e-3}):
            grid.append({**base, **change})
    if stage == 4:
        # budget_steps: the steps each candidate makes in 120 s on 2 CPU cores (measured on the project's
        # 2-core machine, eager path, 2 threads): images/s x 120 / batch.
        base = {"model": "T32-D16-sn", "lr_g": 2e-3, "lr_d": 2e-3, "betas": (0.0, 0.99), "batch_size": 64,
                "ema_decay": 0.999, "budget_steps": 4000}
        for change in ({}, {"batch_size": 128, "budget_steps": 2220}, {"batch_size": 32, "budget_steps": 5900},
                       {"model": "T24-D16-sn", "budget_steps": 4470}, {"model": "T16-D16-sn", "budget_steps": 5270},
                       {"model": "T48-D16-sn", "budget_steps": 3000}, {"model": "T32-D24-sn", "budget_steps": 3750},
                       {"lr_g": 1e-3, "lr_d": 1e-3}, {"lr_g": 3e-3, "lr_d": 3e-3}, {"lr_d": 4e-3},
                       {"ema_decay": 0.995}, {"ema_decay": 0.99}, {"betas": (0.5, 0.999)}, {"betas": (0.5, 0.99)},
                       {"model": "G32-D16-sn", "budget_steps": 2400}, {"latent_dim": 32}):
            grid.append({**base, **change})
    return grid


def gpu_curve(candidate: dict, max_images: int, every_images: int) -> dict:
    from gan_core.eval.metrics import evaluate_images

    register([candidate["model"]])
    candidate = dict(candidate)
    budget = candidate.pop("budget_steps", None)
    settings = {"latent_dim": 64, "betas": (0.5, 0.999), "epochs": 100_000, "device": "cuda", "seed": 0, **candidate}
    config = TrainConfig(**settings)
    trainer = Trainer(config, data=load_dataset("mnist-5k"))
    every = max(1, every_images // config.batch_size)
    marks = {round(budget * f) for f in (0.5, 0.75, 1.0, 1.5)} if budget else None
    last = round(1.5 * budget) if budget else max_images // config.batch_size
    curve = []

    def checkpoint(progress) -> None:
        if (progress.global_step in marks) if marks else (progress.global_step % every == 0):
            generator = trainer.sampling_generator
            z = torch.randn(1000, config.latent_dim, generator=torch.Generator().manual_seed(1))
            for psi in (1.0,) if marks else (1.0, 0.8):  # psi < 1: the truncation trick (it did not help)
                was_training = generator.training
                generator.eval()
                with torch.no_grad():
                    images = generator((z * psi).to(trainer.device)).float().cpu()
                generator.train(was_training)
                quality = evaluate_images(images, memorisation=False)
                curve.append({"step": progress.global_step, "images": progress.global_step * config.batch_size, "psi": psi,
                              "fid_ratio": round(quality.fid_ratio, 3), "min_class_share": round(quality.min_class_share, 4),
                              "mean_confidence": round(quality.mean_confidence, 4), "classes_covered": quality.classes_covered})
        if progress.global_step >= last:
            trainer.request_stop()

    trainer.on_step.append(checkpoint)
    started = time.time()
    trainer.train()
    return {"candidate": {**candidate, "budget_steps": budget}, "curve": curve, "gpu_seconds": round(time.time() - started, 1)}


def gpu_curves(out: Path, stage: int, workers: int, max_images: int, every_images: int, only: str | None) -> None:
    candidates = stage_candidates(stage) if not only else [json.loads(line) for line in only.split(";")]
    with ProcessPoolExecutor(workers) as pool, out.open("a") as file:
        futures = [pool.submit(gpu_curve, c, max_images, every_images) for c in candidates]
        for future in futures:
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - one bad candidate must not end the search
                result = {"error": repr(error)[:300]}
            file.write(json.dumps(result) + "\n")
            file.flush()
            best = min(result.get("curve", [{"fid_ratio": float("nan")}]), key=lambda r: r["fid_ratio"])
            print(json.dumps({"candidate": result.get("candidate"), "best": best}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cpu-speed", action="store_true")
    parser.add_argument("--gpu-curves", action="store_true")
    parser.add_argument("--stage", type=int, default=1)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--batches", default="32,64,128")
    parser.add_argument("--cores", default="0,1")
    parser.add_argument("--max-images", type=int, default=700_000)
    parser.add_argument("--every-images", type=int, default=25_000)
    parser.add_argument("--only", default=None, help="candidates as JSON objects separated by ';'")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.cpu_speed:
        cpu_speeds(args.out, [int(b) for b in args.batches.split(",")], args.cores)
    if args.gpu_curves:
        torch.multiprocessing.set_start_method("spawn", force=True)
        gpu_curves(args.out, args.stage, args.workers, args.max_images, args.every_images, args.only)


if __name__ == "__main__":
    main()
