"""What one GPU can do for a class, before building anything for it: the default run's training step,
timed five ways in one process.

    python bench/gpu_step_ceiling.py --runs 30

1. one run's step (the GPU default: batch 256, a CUDA graph per step) in float32 (TF32) on NCHW tensors, the
   layout a GPU trainer used before channels-last;
2. the same on channels-last tensors (the trainer's layout), in float32 and in bfloat16 (the trainer's `bfloat16`
   setting: autocast, the weights and Adam staying float32; the GPU default);
3. `--runs` runs' worth of images at once (batch 256 x runs), float32 and bfloat16: the images/s that training a
   class's runs as one batched computation (torch.func.vmap over stacked models) could approach at most.

`--cudnn-benchmark` runs them all with cuDNN choosing its convolution algorithms by timing them (off in the
trainer: the choice can differ between processes, and with it the bits of a run). Each is warmed up, then
`--steps` replays are timed between two synchronisations; it prints images/s and the ratio to (1). The trainer
is the library's own; only the batch size, the layout and the setting change here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from gan_core.config import TrainConfig  # noqa: E402
from gan_core.data import ImageDataset, load_dataset  # noqa: E402
from gan_core.trainer import Trainer, _initial_adam_state  # noqa: E402


def nchw(trainer: Trainer) -> Trainer:
    """The trainer's models and optimisers in the NCHW layout (a GPU trainer's layout before channels-last)."""
    for model in (trainer.generator, trainer.discriminator, trainer.generator_ema):
        if model is not None:
            model.to(memory_format=torch.contiguous_format)
    config = trainer.config
    trainer.opt_g = torch.optim.Adam(trainer.generator.parameters(), lr=config.lr_g, betas=config.betas, fused=True, capturable=True)
    trainer.opt_d = torch.optim.Adam(trainer.discriminator.parameters(), lr=config.lr_d, betas=config.betas, fused=True, capturable=True)
    for optimizer in (trainer.opt_g, trainer.opt_d):
        _initial_adam_state(optimizer)
    return trainer


def images_per_second(trainer: Trainer, steps: int) -> float:
    size = trainer.config.batch_size * trainer.config.d_steps
    indices = torch.randperm(len(trainer.data), generator=torch.Generator().manual_seed(0))[:size]
    indices = indices.view(trainer.config.d_steps, trainer.config.batch_size).to(trainer.device)
    for _ in range(10):  # the first call warms up and captures the graph
        trainer._step(indices)
    torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(steps):
        trainer._step(indices)
    torch.cuda.synchronize()
    return steps * size / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of a class batched together in (3) (default: 30)")
    parser.add_argument("--steps", type=int, default=200, help="timed steps of each (default: 200)")
    parser.add_argument("--cudnn-benchmark", action="store_true",
                        help="let cuDNN time its convolution algorithms and keep the fastest (process-wide)")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("this benchmark needs a CUDA GPU")
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    config = replace(TrainConfig.for_model(device="cuda"), device="cuda")
    digits = load_dataset(config.dataset)
    copies = -(-config.batch_size * args.runs // len(digits))  # enough digits for one batch of every run
    many = ImageDataset(digits.name, digits.images.repeat(copies, 1, 1, 1), digits.labels.repeat(copies))
    # one batch of every run at once is bigger than mnist-5k; the config names full MNIST's size (60,000), the data
    # stays the 5,000 digits repeated
    big_batch = replace(config, dataset="mnist", batch_size=config.batch_size * args.runs)
    float32, bfloat16 = replace(config, bfloat16=False), replace(config, bfloat16=True)
    big_steps = max(10, args.steps // args.runs * 4)  # fewer timed steps of the big batch
    results = {
        "one run, float32, NCHW": images_per_second(nchw(Trainer(float32, evaluate=None)), args.steps),
        "one run, float32": images_per_second(Trainer(float32, evaluate=None), args.steps),
        "one run, bfloat16": images_per_second(Trainer(bfloat16, evaluate=None), args.steps),
        "%d runs' batch at once, float32" % args.runs:
            images_per_second(Trainer(replace(big_batch, bfloat16=False), data=many, evaluate=None), big_steps),
        "%d runs' batch at once, bfloat16" % args.runs:
            images_per_second(Trainer(replace(big_batch, bfloat16=True), data=many, evaluate=None), big_steps),
    }
    base = next(iter(results.values()))
    print(f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, cudnn.benchmark {args.cudnn_benchmark}",
          file=sys.stderr)
    for name, value in results.items():
        print(f"{name:>40}: {value:>10,.0f} images/s  {value / base:>5.2f}x", file=sys.stderr)
    print(json.dumps({"device_name": torch.cuda.get_device_name(0), "images_per_second": results}))


if __name__ == "__main__":
    main()
