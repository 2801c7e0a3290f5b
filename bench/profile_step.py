"""Where a training step's GPU time goes: kernels of the eager step and of the graph replay.

    python bench/profile_step.py --model mlp [--tf32]
    python bench/profile_step.py --model sngan --recommended [--batch-size 7680] [--no-bfloat16]

--recommended takes the model's GPU settings (the default run's: widths, depth, batch 256, TF32, bfloat16)
instead of the plain model at --batch-size; --bfloat16 / --no-bfloat16 set the trainer's bfloat16 setting.

Prints the kernels per step, the GPU time per step by kernel kind, and the top kernels.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gan_core.config import TrainConfig  # noqa: E402
from gan_core.trainer import Trainer  # noqa: E402
from train_speed import tiled_mnist  # noqa: E402


def kind_of(name: str) -> str:
    lowered = name.lower()
    for kind, keys in (("gemm", ("gemm", "sgemm", "cutlass", "xmma", "sm90", "gemv", "ampere")),
                       ("conv", ("conv", "cudnn", "implicit", "winograd", "fft", "dgrad", "wgrad")),
                       ("adam", ("adam", "multi_tensor", "fused")),
                       ("reduce", ("reduce", "sum", "mean")),
                       ("random", ("philox", "normal", "random", "bernoulli", "dropout"))):
        if any(key in lowered for key in keys):
            return kind
    return "elementwise/other"


def profile_steps(trainer: Trainer, steps: int) -> None:
    order = trainer._epoch_order(0)
    for warm in range(10):
        trainer._step(order[warm].view(trainer.config.d_steps, -1))
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for step in range(10, 10 + steps):
            trainer._step(order[step].view(trainer.config.d_steps, -1))
        torch.cuda.synchronize()
    totals, counts, by_kind = defaultdict(float), defaultdict(int), defaultdict(float)
    for event in prof.events():
        if event.device_type == torch.autograd.DeviceType.CUDA:
            totals[event.name] += event.device_time
            counts[event.name] += 1
            by_kind[kind_of(event.name)] += event.device_time
    kernels = sum(counts.values()) / steps
    gpu_us = sum(totals.values()) / steps
    print(f"  {'graph' if trainer.fast else 'eager'}: {kernels:.0f} kernels/step, {gpu_us:.0f} us GPU time/step "
          f"(busy-time bound {trainer.config.batch_size / gpu_us * 1e6:,.0f} images/s)")
    for kind, micros in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        print(f"    {kind:<18} {micros / steps:7.1f} us/step")
    for name, micros in sorted(totals.items(), key=lambda kv: -kv[1])[:12]:
        print(f"    {micros / steps:7.1f} us x{counts[name] / steps:.0f}  {name[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--batch-size", type=int, default=None, help="default: 128, or the recommended one")
    parser.add_argument("--recommended", action="store_true", help="the model's recommended GPU settings")
    parser.add_argument("--bfloat16", action=argparse.BooleanOptionalAction, default=None,
                        help="the step under bfloat16 autocast (default: the settings')")
    parser.add_argument("--cudnn-benchmark", action="store_true", help="cuDNN picks convolution algorithms by timing")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--tf32", action="store_true")
    args = parser.parse_args()
    if args.tf32:
        torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    if args.recommended:
        config = TrainConfig.for_model(args.model, device="cuda", batch_size=args.batch_size)
    else:
        config = TrainConfig(model=args.model, batch_size=args.batch_size or 128, device="cuda")
    # enough digits for 10 + --steps batches of any size (a 5,000-digit set repeated; the name only sizes checks)
    copies = -(-(10 + args.steps) * config.batch_size * config.d_steps // 5000)
    data = tiled_mnist(max(12, copies))
    config = replace(config, epochs=1, dataset="mnist" if len(data) > 5000 else config.dataset,
                     bfloat16=config.bfloat16 if args.bfloat16 is None else args.bfloat16)
    print(f"{args.model}, batch {config.batch_size}, widths {config.g_width}/{config.d_width}, depth {config.depth}, "
          f"tf32 matmul {torch.backends.cuda.matmul.allow_tf32}, cudnn tf32 {torch.backends.cudnn.allow_tf32}, "
          f"bfloat16 {config.bfloat16}, cudnn.benchmark {args.cudnn_benchmark}")
    for fast in (False, True):
        profile_steps(Trainer(config, data=data, fast=fast, evaluate=None), args.steps)


if __name__ == "__main__":
    main()
