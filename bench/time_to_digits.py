"""Time to digits: how many seconds of training on a 2-core CPU until a GAN draws digits.

    python bench/time_to_digits.py                   # the current defaults, TrainConfig()
    python bench/time_to_digits.py --baseline-mlp    # the seed lecture's MLP with its original settings
    python bench/time_to_digits.py --model dcgan     # another model, with its recommended settings
    python bench/time_to_digits.py --model dcgan --lr-g 1e-3 --ema-decay 0.999   # and any setting on top
    python bench/time_to_digits.py --model cgan      # the conditional default: also each digit drawn as asked

Training runs in a fresh Python process (a cold start: imports, data and models included),
pinned to `--cores` CPU cores (2) with as many torch threads, for `--seconds` (120) of training
time as the trainer counts it. Every `--every` (10) seconds of training the sampling generator's
weights are copied (a few milliseconds); they are evaluated only after training has stopped, so
measuring never slows the training that is measured. Each snapshot is judged on `--n` (1000)
samples with the shipped digit classifier against these targets:

    every one of the 10 digits gets at least 5% of the samples,
    mean classifier confidence at least 0.9,
    classifier FID at most 5 times the real-data floor (the same number of real training digits).

A conditional model (cgan) draws its samples with the digits 0-9 in turn (the FID is that of these
mixed samples) and has one more target: every digit drawn as asked (the classifier reads the digit
that was asked for) in at least 95% of its samples.

It prints a table, then one line of JSON (also written to bench/results/, with a picture: one row
of samples per snapshot). Other work on the same
cores disturbs the timing: run it on an otherwise idle machine and say when it was not. On busy
cores torch's threads wait for each other: there 2 threads can be several times slower than 1
(`--threads 1` shows it). The harness reports the share of the pinned cores that other processes
used while it trained (from /proc/stat, on Linux).
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

STARTED = time.perf_counter()  # the child's cold-start clock begins here, before torch is imported

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"min_class_share": 0.05, "mean_confidence": 0.9, "fid_ratio": 5.0}
LABEL_TARGET = 0.95  # conditional models: the least well drawn digit is drawn as asked at least this often

# The seed lecture's MLP GAN as it was trained before any tuning: the baseline to beat.
SEED_MLP = {"model": "mlp", "batch_size": 64, "lr_g": 2e-4, "lr_d": 2e-4, "betas": [0.5, 0.999],
            "latent_dim": 100, "d_steps": 1, "ema_decay": 0.0}
SAMPLES_SHOWN = 16  # per snapshot, in the picture beside the JSON
FIXED = ("epochs", "device", "dataset")  # the harness sets these: endless epochs, --device, mnist-5k


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    sys.path.insert(0, str(ROOT))
    from gan_core.cli import add_setting_flags

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0, help="seconds of training (default: 120)")
    parser.add_argument("--every", type=float, default=10.0, help="snapshot every this many seconds of training (default: 10)")
    parser.add_argument("--steps", type=int, help="budget in training steps instead of seconds: the curve then does not "
                                                  "depend on the machine's load (compare settings on a busy machine)")
    parser.add_argument("--every-steps", type=int, help="with --steps: snapshot every this many steps (default: steps / 12)")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                        help="where to train (default: cpu, pinned to --cores); cuda: the GPU with the model's GPU "
                             "settings, not pinned")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores the training process is pinned to (default: 2)")
    parser.add_argument("--threads", type=int, help="torch threads (default: as many as --cores)")
    parser.add_argument("--n", type=int, default=1000, help="samples per snapshot evaluation (default: 1000)")
    parser.add_argument("--eval-seed", type=int, default=0, help="seed of the evaluation noise (default: 0)")
    parser.add_argument("--baseline-mlp", action="store_true", help="train the seed lecture's MLP with its original settings")
    parser.add_argument("--label", help="name of this configuration in the output (default: defaults, seed-mlp or "
                                        "the model, with -custom when settings were changed)")
    parser.add_argument("--json-out", metavar="FILE", help="where to write the result (default: bench/results/<label>-<time>.json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: the training process's job, as JSON
    add_setting_flags(parser, skip=FIXED)
    return parser.parse_args(argv)


def chosen_settings(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """The full training settings to measure and a label for them.

    Default: `TrainConfig()`, the default model with its recommended settings; `--model M`: M with
    its recommended settings; `--baseline-mlp`: the pinned seed MLP. Any other flag goes on top.
    """
    from gan_core.cli import setting_flags
    from gan_core.config import TrainConfig

    overrides = {name: value for name, value in setting_flags(args, skip=FIXED).items() if value is not None}
    if args.baseline_mlp:
        config = TrainConfig.from_dict({**TrainConfig.for_model("mlp").to_dict(), **SEED_MLP, **overrides})
        label = "seed-mlp"
    else:
        model = overrides.pop("model", None) or TrainConfig().model
        config = TrainConfig.for_model(model, device=args.device, **overrides)
        label = "defaults" if model == TrainConfig().model else model
    label = args.label or label + ("-custom" if set(overrides) - {"model"} else "") + ("-cuda" if args.device == "cuda" else "")
    config.device = args.device
    config.validate()
    settings = {k: v for k, v in config.to_dict().items() if k not in FIXED}
    return settings, label


# --- the parent: launch a cold, pinned training process, then report ------------------------------
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(json.loads(args.child))
    settings, label = chosen_settings(args)
    threads = args.threads or args.cores
    out = Path(args.json_out) if args.json_out else ROOT / "bench" / "results" / f"{label}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.steps is not None and args.steps < 1:
        parser_error(f"--steps must be at least 1, got {args.steps}")
    every_steps = args.every_steps or (max(1, args.steps // 12) if args.steps else None)
    job = {"settings": settings, "seconds": args.seconds, "every": args.every, "cores": args.cores, "device": args.device,
           "steps": args.steps, "every_steps": every_steps,
           "threads": threads, "n": args.n, "eval_seed": args.eval_seed, "picture": str(out.with_suffix(".png"))}
    on_gpu = args.device == "cuda"
    cpus = None if on_gpu else pick_cpus(args.cores)  # a GPU run is not pinned: its host thread only feeds the GPU
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if not on_gpu:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    budget = f"{args.steps} steps" if args.steps else f"{args.seconds:g} s"
    print(f"time to digits: {label} {settings}, {budget} of training "
          + (f"on {args.device}" if on_gpu else
             f"with {threads} thread(s), CPUs {sorted(cpus) if cpus else 'not pinned (no sched_setaffinity here)'}"),
          file=sys.stderr)
    load_before = _load_average()
    started = time.perf_counter()
    process = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)], env=env, cwd=ROOT,
                             preexec_fn=pin, stdout=subprocess.PIPE, text=True)
    if process.returncode != 0:
        print(f"the training process failed with exit code {process.returncode}", file=sys.stderr)
        return 1
    result = json.loads(process.stdout.strip().splitlines()[-1])
    result.update(label=label, process_wall_seconds=round(time.perf_counter() - started, 1),
                  pinned_cpus=sorted(cpus) if cpus else None, machine_cpus=os.cpu_count(),
                  load_average_before=load_before, load_average_after=_load_average())
    print_table(result)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} and {out.with_suffix('.png').name} (a row of samples per snapshot)", file=sys.stderr)
    print(json.dumps(result))
    return 0


def parser_error(message: str) -> None:
    print(f"time_to_digits.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def pick_cpus(count: int) -> set[int] | None:
    """The first `count` CPUs this process may use, or None where affinity cannot be set (macOS, Windows)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < count:
        print(f"warning: only {len(allowed)} CPU(s) available, fewer than --cores {count}", file=sys.stderr)
    return set(allowed[:count])


def cpu_jiffies(cpus: list[int]) -> tuple[int, int] | None:
    """(busy, total) clock ticks of these CPUs since boot, from /proc/stat; None off Linux."""
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    busy = total = 0
    for line in lines:
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            ticks = [int(v) for v in values[:8]]
            idle = ticks[3] + ticks[4]  # idle + iowait
            busy, total = busy + sum(ticks) - idle, total + sum(ticks)
    return busy, total


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def print_table(result: dict[str, Any]) -> None:
    conditional = "label_accuracy_min" in result["curve"][0]
    header = ("seconds", "step", "epoch", "fid", "fid/floor", "classes>=5%", "min share", "confidence",
              *(("as asked", "worst digit") if conditional else ()), "targets")
    rows = []
    for point in result["curve"]:
        met = point["targets_met"]
        labels = (f"{point['label_accuracy_mean']:.3f}", f"{point['label_accuracy_min']:.3f}") if conditional else ()
        rows.append((f"{point['seconds']:.1f}", point["step"], f"{point['epoch']:.2f}", f"{point['fid']:.1f}",
                     f"{point['fid_ratio']:.1f}", point["classes_at_5_percent"], f"{point['min_class_share']:.3f}",
                     f"{point['mean_confidence']:.3f}", *labels, "ALL" if all(met.values()) else
                     ",".join(k for k, v in met.items() if v) or "-"))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths)), file=sys.stderr)
    first = result["first_all_targets_seconds"]
    reached = "never" if first is None else f"{first:.0f} s (step {result['first_all_targets_step']})"
    print(f"floor FID (n={result['n']}): {result['fid_floor']:.2f}; all targets first met at {reached}; "
          f"startup {result['startup_seconds']:.1f} s; {result['steps']} steps in {result['train_seconds']:.1f} s "
          "of training", file=sys.stderr)
    other = result.get("other_load_during_training")
    if other is not None:
        print(f"other processes used {other:.0%} of the pinned cores during training"
              + (": the timing is disturbed" if other > 0.05 else ""), file=sys.stderr)


# --- the child: train from a cold start, snapshot, evaluate afterwards -----------------------------------
def child(job: dict[str, Any]) -> int:
    import torch

    device = job.get("device", "cpu")
    if device == "cpu":
        torch.set_num_threads(job["threads"])
    from gan_core.config import TrainConfig
    from gan_core.data import load_dataset
    from gan_core.trainer import Trainer

    config = TrainConfig.from_dict({**job["settings"], "epochs": 100_000, "device": device, "dataset": "mnist-5k"})
    trainer = Trainer(config, data=load_dataset("mnist-5k"))
    startup_seconds = time.perf_counter() - STARTED
    snapshots: list[dict[str, Any]] = []
    copy_seconds = [0.0]

    def snapshot(seconds: float) -> None:
        began = time.perf_counter()
        weights = {k: v.detach().clone() for k, v in trainer.sampling_generator.state_dict().items()}  # stays on the device
        snapshots.append({"seconds": seconds, "step": trainer.global_step,
                          "epoch": trainer.global_step / trainer.steps_per_epoch, "weights": weights})
        copy_seconds[0] += time.perf_counter() - began

    # The budget and the snapshot marks are in seconds of training, or in steps with --steps.
    by_steps = job.get("steps") is not None
    budget, every = (job["steps"], job["every_steps"]) if by_steps else (job["seconds"], job["every"])
    next_mark = [every]
    snapshot(0.0)

    def on_step(progress: Any) -> None:
        now = progress.global_step if by_steps else progress.train_seconds
        while now >= next_mark[0] - 1e-9 and next_mark[0] <= budget + 1e-9:
            snapshot(progress.train_seconds)
            next_mark[0] += every
        if now >= budget:
            if not snapshots or snapshots[-1]["step"] != progress.global_step:
                snapshot(progress.train_seconds)
            trainer.request_stop()

    trainer.on_step.append(on_step)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") and device == "cpu" else []
    ticks_before, own_before = cpu_jiffies(cpus), time.process_time()
    status = trainer.train()
    train_seconds = trainer.train_seconds
    ticks_after, own_after = cpu_jiffies(cpus), time.process_time()
    other_load = None  # share of these cores' time that other processes used while we trained
    if ticks_before and ticks_after and ticks_after[1] > ticks_before[1]:
        tick = os.sysconf("SC_CLK_TCK")
        busy = (ticks_after[0] - ticks_before[0]) / tick
        capacity = (ticks_after[1] - ticks_before[1]) / tick
        other_load = round(max(0.0, busy - (own_after - own_before)) / capacity, 3)

    # Training is over: now measure every snapshot (this time is not part of the benchmark).
    from gan_core.eval.metrics import asked_labels, evaluate_images, fid_floor, generate
    from gan_core.models import build_generator

    generator = build_generator(config.model, config.latent_dim, config.g_width, config.depth)
    curve, strips = [], []
    for shot in snapshots:
        generator.load_state_dict({k: v.cpu() for k, v in shot.pop("weights").items()})
        samples = generate(generator, job["n"], job["eval_seed"])
        strips.append(samples[:SAMPLES_SHOWN])
        quality = evaluate_images(samples, memorisation=False, labels=asked_labels(generator, job["n"]))
        histogram = quality.class_histogram
        point = {
            "seconds": round(shot["seconds"], 2), "step": shot["step"], "epoch": round(shot["epoch"], 3),
            "fid": round(quality.fid, 3), "fid_ratio": round(quality.fid_ratio, 3),
            "classes_at_5_percent": sum(share >= TARGETS["min_class_share"] for share in histogram),
            "classes_covered": quality.classes_covered,
            "min_class_share": round(quality.min_class_share, 4),
            "mean_confidence": round(quality.mean_confidence, 4),
            "class_histogram": [round(s, 4) for s in histogram],
        }
        point["targets_met"] = {
            "all_classes_5_percent": point["min_class_share"] >= TARGETS["min_class_share"],
            "confidence_0.9": point["mean_confidence"] >= TARGETS["mean_confidence"],
            "fid_5x_floor": point["fid_ratio"] <= TARGETS["fid_ratio"],
        }
        if quality.label_accuracy is not None:  # a conditional model: is every digit drawn as asked?
            point.update(label_accuracy=[round(a, 4) for a in quality.label_accuracy],
                         label_accuracy_mean=round(quality.label_accuracy_mean, 4),
                         label_accuracy_min=round(min(quality.label_accuracy), 4))
            point["targets_met"]["every_digit_as_asked_0.95"] = point["label_accuracy_min"] >= LABEL_TARGET
        curve.append(point)
    first_point = next((p for p in curve if all(p["targets_met"].values())), None)
    result = {
        "settings": config.to_dict(), "status": status, "seconds_asked": job["seconds"], "cores": job["cores"],
        "torch_threads": torch.get_num_threads(), "torch": torch.__version__, "device": device,
        "gpu": torch.cuda.get_device_name() if device == "cuda" else None,
        "startup_seconds": round(startup_seconds, 2), "train_seconds": round(train_seconds, 2),
        "steps": trainer.global_step, "snapshot_copy_seconds": round(copy_seconds[0], 3),
        "other_load_during_training": other_load,
        "n": job["n"], "fid_floor": round(fid_floor(job["n"]), 3),
        "targets": {**TARGETS, **({"label_accuracy_min": LABEL_TARGET} if "label_accuracy" in curve[0] else {})},
        "steps_asked": job.get("steps"),
        "first_all_targets_seconds": first_point["seconds"] if first_point else None,
        "first_all_targets_step": first_point["step"] if first_point else None,
        "final": curve[-1], "curve": curve,
    }
    if job.get("picture"):  # one row of samples per snapshot: what the numbers look like
        from gan_core.images import grid, png_bytes

        Path(job["picture"]).write_bytes(png_bytes(grid(torch.cat(strips), columns=SAMPLES_SHOWN, scale=2)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
