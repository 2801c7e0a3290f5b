"""Sampling by label: how long 100 images of one digit take on the CPU (the explorer's sliders call it).

    python bench/label_sampling.py            # the shipped runs, 1 torch thread
    python bench/label_sampling.py --threads 2

Target: 100 images with a label in at most 50 ms on a CPU. It times
`LoadedGenerator.sample(100, seed, label=7)` of the shipped conditional run and, as the baseline in
the same process, `sample(100, seed)` of the shipped unconditional run; the median of `--repeats`
calls each, after a warm-up. Other work on the machine inflates the wall-clock times; with one
thread, the CPU time the call itself used (`time.thread_time`) is what it would take on an idle core,
so both are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(call, repeats: int) -> tuple[float, float]:
    """Median wall-clock and median CPU milliseconds of this thread per call."""
    call()  # warm-up: oneDNN picks its kernels on the first call
    wall, cpu = [], []
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.thread_time()
        call()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    parser.add_argument("--repeats", type=int, default=50, help="timed calls each (default: 50)")
    parser.add_argument("--n", type=int, default=100, help="images per call (default: 100)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import torch

    torch.set_num_threads(args.threads)
    from gan_core.runs.checkpoints import RunDir
    from gan_core.sampling import load_generator

    conditional = load_generator(RunDir("pretrained-cgan", ROOT / "checkpoints"))
    plain = load_generator(RunDir("pretrained-sngan", ROOT / "checkpoints"))
    (labelled, labelled_cpu) = median_ms(lambda: conditional.sample(args.n, seed=1, label=7), args.repeats)
    (baseline, baseline_cpu) = median_ms(lambda: plain.sample(args.n, seed=1), args.repeats)
    result = {"n": args.n, "threads": args.threads, "repeats": args.repeats,
              "cgan_with_label_ms": round(labelled, 2), "sngan_ms": round(baseline, 2),
              "cgan_with_label_cpu_ms": round(labelled_cpu, 2), "sngan_cpu_ms": round(baseline_cpu, 2),
              "ratio": round(labelled / baseline, 3), "target_ms": 50, "load_average": list(os.getloadavg())}
    print(f"{args.n} images: cgan with a label {labelled:.1f} ms ({labelled_cpu:.1f} ms of CPU), sngan {baseline:.1f} ms "
          f"({baseline_cpu:.1f} ms of CPU); ratio {labelled / baseline:.2f}; target 50 ms", file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
