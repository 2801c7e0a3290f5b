"""Every GAN loss on the default model with the same wall-clock budget: one JSON line per loss.

    python bench/loss_table.py --seconds 120 --device cpu           # README's table (2 pinned CPU cores)
    python bench/loss_table.py --seconds 60 --device cuda
    python bench/loss_table.py --seconds 30 --losses ns hinge --model dcgan
    python bench/loss_table.py --cpu-seconds 240 --device cpu      # a budget in CPU time: fair on a busy machine

Each loss trains in a fresh Python process (on a CPU pinned to `--cores` cores with as many torch
threads) with the model's recommended settings for that loss (`TrainConfig.for_model(model,
loss=...)`: WGAN-GP gets 5 critic steps), for `--seconds` of training time as the trainer counts
it. Then the sampling generator is judged as the app judges it (gan_core.eval.metrics on `--n` samples):
FID over the real-data floor, classes covered (>= 2% of the samples each), mean classifier
confidence. Other work on the same cores disturbs a wall-clock comparison (each line reports
the share of the pinned cores other processes used while it trained); `--cpu-seconds S` budgets the
CPU time the training process itself used instead (all its threads), which other processes do not
eat into: 240 CPU-seconds is about what 120 s on 2 idle cores give.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from time_to_digits import _load_average, cpu_jiffies, pick_cpus  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from gan_core.losses import LOSSES
    from gan_core.models import DEFAULT_MODEL, MODELS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="seconds of training per loss (default: 120)")
    parser.add_argument("--cpu-seconds", type=float, default=None,
                        help="instead of --seconds: stop after this much CPU time of the training process (CPU only)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default: cpu)")
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=list(MODELS), help=f"(default: {DEFAULT_MODEL})")
    parser.add_argument("--losses", nargs="+", default=list(LOSSES), choices=list(LOSSES), help="(default: all)")
    parser.add_argument("--r1", type=float, default=None, help="an R1 penalty for every loss (default: the settings')")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores each training process is pinned to (default: 2)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: as many as --cores)")
    parser.add_argument("--n", type=int, default=1000, help="samples judged per loss (default: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="training seed (default: 0)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or (args.cpu_seconds is not None and args.cpu_seconds <= 0):
        parser.error("--seconds and --cpu-seconds must be greater than 0")
    if args.cpu_seconds is not None and args.device != "cpu":
        parser.error("--cpu-seconds is a CPU budget; use --seconds on a GPU")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(json.loads(args.child))
    cpus = pick_cpus(args.cores) if args.device == "cpu" else None
    env = {**os.environ, "OMP_NUM_THREADS": str(args.cores), "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for loss in args.losses:
        job = {"model": args.model, "loss": loss, "r1": args.r1, "seconds": args.seconds, "device": args.device,
               "cpu_seconds": args.cpu_seconds,
               "threads": args.threads or args.cores, "n": args.n, "seed": args.seed}
        load_before = _load_average()
        process = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)], env=env, cwd=ROOT,
                                 preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
                                 stdout=subprocess.PIPE, text=True)
        if process.returncode != 0:
            print(json.dumps({"loss": loss, "error": f"the training process failed (exit code {process.returncode})"}))
            continue
        result = json.loads(process.stdout.strip().splitlines()[-1])
        result.update(load_average_before=load_before, load_average_after=_load_average())
        print(json.dumps(result), flush=True)
    return 0


def child(job: dict[str, Any]) -> int:
    import torch

    if job["device"] == "cpu":
        torch.set_num_threads(job["threads"])
    from gan_core.config import TrainConfig
    from gan_core.data import load_dataset
    from gan_core.eval.metrics import evaluate_images, generate
    from gan_core.trainer import Trainer

    config = TrainConfig.for_model(job["model"], loss=job["loss"], r1=job["r1"], epochs=100_000, device=job["device"],
                                   seed=job["seed"])
    trainer = Trainer(config, data=load_dataset("mnist-5k"))
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") and job["device"] == "cpu" else []
    ticks_before, own_before = cpu_jiffies(cpus), time.process_time()
    cpu_started = time.process_time()
    if job.get("cpu_seconds"):
        trainer.on_step.append(lambda progress: trainer.request_stop()
                               if time.process_time() - cpu_started >= job["cpu_seconds"] else None)
    status = trainer.train(max_seconds=None if job.get("cpu_seconds") else job["seconds"])
    cpu_used = time.process_time() - cpu_started
    ticks_after, own_after = cpu_jiffies(cpus), time.process_time()
    other_load = None
    if cpus and ticks_before and ticks_after and ticks_after[1] > ticks_before[1]:
        tick = os.sysconf("SC_CLK_TCK")
        busy, capacity = (ticks_after[0] - ticks_before[0]) / tick, (ticks_after[1] - ticks_before[1]) / tick
        other_load = round(max(0.0, busy - (own_after - own_before)) / capacity, 3)
    generator = trainer.sampling_generator.cpu()
    quality = evaluate_images(generate(generator, job["n"], 0), memorisation=False).to_dict()
    print(json.dumps({
        "loss": job["loss"], "model": job["model"], "status": status, "device": str(trainer.device),
        "train_seconds": round(trainer.train_seconds, 1), "cpu_seconds": round(cpu_used, 1), "steps": trainer.global_step,
        "epochs": round(trainer.global_step / trainer.steps_per_epoch, 2),
        "fid_ratio": quality["fid_ratio"], "fid": quality["fid"], "classes_covered": quality["classes_covered"],
        "mean_confidence": quality["mean_confidence"], "min_class_share": quality["min_class_share"],
        "settings": {k: v for k, v in config.to_dict().items() if k in ("loss", "r1", "d_steps", "lr_g", "lr_d", "betas")},
        "other_load_during_training": other_load, "torch_threads": torch.get_num_threads(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
