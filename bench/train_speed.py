"""Training speed: gan_core's trainer against the course's reference loop, in one process.

    python bench/train_speed.py --device cuda --model mlp
    python bench/train_speed.py --device cuda --model all        # every model, one after another
    python bench/train_speed.py --device cpu --model mlp --repeats 3 --timed-steps 100

Runs on a CPU move by about ±10% from one to the next (other processes, frequency scaling), so the
two loops are run `--repeats` times interleaved (reference, trainer, reference, trainer, ...) and the
median of the per-pair ratios is the result.

Both loops train the same model on the same 60,000 images (the embedded 5,000 digits tiled 12
times) with the same batch size; warm-up steps (and the trainer's graph capture) are excluded.
Prints images/s of each, the ratio, peak GPU memory and peak CPU RSS during each loop, and ends
with one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gan_core.config import TrainConfig  # noqa: E402
from gan_core.data import ImageDataset, load_dataset  # noqa: E402
from gan_core.models import MODELS, is_conditional  # noqa: E402
from gan_core.trainer import Trainer  # noqa: E402
from reference_loop import reference_training  # noqa: E402


def tiled_mnist(copies: int = 12) -> ImageDataset:
    data = load_dataset("mnist-5k")
    return ImageDataset("mnist-5k", data.images.repeat(copies, 1, 1, 1), data.labels.repeat(copies))


class PeakRSS:
    """Samples this process's resident memory in a thread; the peak while the block ran."""

    def __init__(self, interval: float = 0.02):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def __enter__(self) -> "PeakRSS":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            time.sleep(self.interval)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def trainer_training(data: ImageDataset, model: str, device: str, batch_size: int, warmup_steps: int,
                     timed_steps: int, fast: bool | None) -> dict:
    config = TrainConfig(model=model, batch_size=batch_size, lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999),
                         latent_dim=100, d_steps=1, ema_decay=0.0, seed=0, epochs=10_000, device=device)
    trainer = Trainer(config, data=data, fast=fast)
    marks: dict[int, float] = {}

    def clock(progress) -> None:
        if progress.global_step in (warmup_steps, warmup_steps + timed_steps):
            if trainer.device.type == "cuda":
                torch.cuda.synchronize()
            marks[progress.global_step] = time.perf_counter()
            if progress.global_step == warmup_steps + timed_steps:
                trainer.request_stop()

    trainer.on_step.append(clock)
    trainer.train()
    seconds = marks[warmup_steps + timed_steps] - marks[warmup_steps]
    return {"images_per_s": timed_steps * batch_size / seconds, "seconds": seconds, "steps": timed_steps,
            "fast_path": trainer.fast, "last_loss_d": trainer.history.loss_d[-1], "last_loss_g": trainer.history.loss_g[-1]}


def measure(name: str, run, device: str) -> dict:
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    with PeakRSS() as rss:
        result = run()
    result["peak_cpu_rss_mb"] = round(rss.peak / 2**20, 1)
    if device == "cuda":
        result["peak_gpu_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    print(f"{name:>10}: {result['images_per_s']:>10,.0f} images/s  ({result['steps']} steps in {result['seconds']:.2f} s)"
          f"  peak RSS {result['peak_cpu_rss_mb']} MB" + (f"  peak GPU {result['peak_gpu_mb']} MB" if device == "cuda" else ""),
          flush=True)
    return result


# The reference loop trains an unconditional pair; a model that needs labels has no reference to compare with.
COMPARABLE = [name for name, spec in MODELS.items() if not is_conditional(spec.build_generator(8))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--model", choices=[*COMPARABLE, "all"], default="mlp")
    parser.add_argument("--repeats", type=int, default=None, help="interleaved runs of both loops; the median ratio is "
                                                                   "reported (default: 3 on cpu, 1 on cuda)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--warmup-steps", type=int, default=30)
    parser.add_argument("--timed-steps", type=int, default=None, help="default: 2000 on cuda, 100 on cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--eager", action="store_true", help="time the trainer without its CUDA-graph fast path")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    timed = args.timed_steps or (2000 if args.device == "cuda" else 100)
    data = tiled_mnist()
    print(f"device {args.device} ({torch.cuda.get_device_name() if args.device == 'cuda' else platform.processor() or 'cpu'}), "
          f"model {args.model}, batch {args.batch_size}, {len(data)} images, torch {torch.__version__}, "
          f"{torch.get_num_threads()} CPU threads", flush=True)

    args.repeats = args.repeats if args.repeats is not None else (3 if args.device == "cpu" else 1)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    for model in COMPARABLE if args.model == "all" else [args.model]:
        print(json.dumps(compare(data, model, args, timed)), flush=True)


def compare(data: ImageDataset, model: str, args: argparse.Namespace, timed: int) -> dict:
    """Reference and trainer, interleaved `--repeats` times; the median of the per-pair ratios."""
    pairs = []
    for repeat in range(args.repeats):
        print(f"{model}, run {repeat + 1} of {args.repeats}", flush=True)
        reference = measure("reference", lambda: reference_training(data.images, model, args.device, args.batch_size,
                                                                    args.warmup_steps, timed), args.device)
        trainer = measure("trainer", lambda: trainer_training(data, model, args.device, args.batch_size,
                                                              args.warmup_steps, timed, False if args.eager else None),
                          args.device)
        pairs.append((reference, trainer, trainer["images_per_s"] / reference["images_per_s"]))
        print(f"     ratio: {pairs[-1][2]:.2f}x", flush=True)
    ratios = sorted(ratio for _, _, ratio in pairs)
    median = ratios[len(ratios) // 2] if len(ratios) % 2 else (ratios[len(ratios) // 2 - 1] + ratios[len(ratios) // 2]) / 2
    reference, trainer, _ = min(pairs, key=lambda pair: abs(pair[2] - median))  # the run nearest the median
    print(f"{model}: median ratio {median:.2f}x of {len(ratios)} interleaved run(s) {[round(r, 3) for r in ratios]}",
          flush=True)
    return {
        "device": args.device, "device_name": torch.cuda.get_device_name() if args.device == "cuda" else "cpu",
        "model": model, "batch_size": args.batch_size, "threads": torch.get_num_threads(),
        "fast_path": trainer["fast_path"], "repeats": args.repeats,
        "reference_images_per_s": round(reference["images_per_s"], 1),
        "trainer_images_per_s": round(trainer["images_per_s"], 1),
        "ratio": round(median, 3), "ratios": [round(r, 3) for r in ratios],
        "reference_peak_cpu_rss_mb": reference["peak_cpu_rss_mb"], "trainer_peak_cpu_rss_mb": trainer["peak_cpu_rss_mb"],
        "reference_peak_gpu_mb": reference.get("peak_gpu_mb"), "trainer_peak_gpu_mb": trainer.get("peak_gpu_mb"),
    }


if __name__ == "__main__":
    main()
