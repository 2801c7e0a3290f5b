"""Which 2D lab settings cover the modes? Train candidate settings for a fixed CPU budget and print one JSON
line per candidate: modes covered and the high-quality share for each seed (the targets of issue 14:
grid25 >= 23/25 in 40 s of CPU, ring8 8/8 with >= 80% high quality in 20 s).

Each run trains with one torch thread, pinned to its own pair of cores when the machine has more than two,
and as many runs go at once as there are core pairs (so a 16-core machine runs 8 at a time).

The budget is one of: --rounds N (the same work anywhere); --idle-seconds S, the rounds an idle core does in
S seconds: each candidate's CPU time per round is timed first in this process (the fastest of a few short
blocks, which is the closest a shared machine gets to an idle core) and the budget is S divided by it, so a
slower setting (wider, R1) gets fewer rounds, as it would in S seconds; or --cpu-seconds S, this process's CPU
time (on a busy machine shared caches make a round cost more CPU time, so this gives fewer rounds there).
Each run also reports its numbers at every tenth of its budget (`trace`: whether a setting gets there and stays).

    python bench/toy2d_sweep.py --distribution ring8 --idle-seconds 20 --seeds 0 1 2 3 4 --candidates defaults
    python bench/toy2d_sweep.py --distribution grid25 --idle-seconds 40 --seeds 0 1 2 3 4 --candidates defaults
    python bench/toy2d_sweep.py --distribution grid25 --cpu-seconds 40 --seeds 0 1 2
    python bench/toy2d_sweep.py --distribution ring8 --time-only --candidates defaults in-off   # CPU ms per round
    python bench/toy2d_sweep.py --candidates-file my.json   # a JSON list of {"name": ..., <Toy2DConfig fields>}
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Settings known to help a 2D GAN cover many modes: a Lipschitz D (spectral norm, R1), larger batches, Adam's
# beta2 = 0.9, a wider D, more D steps. "defaults" is whatever the lab uses for the distribution today.
CANDIDATES: list[dict] = [
    {"name": "defaults"},
    {"name": "plain", "preset": False},
    {"name": "sn", "spectral_norm": True, "beta1": 0.5, "beta2": 0.9},
    {"name": "sn-b512", "spectral_norm": True, "beta1": 0.5, "beta2": 0.9, "batch_size": 512},
    {"name": "sn-lr5e-4", "spectral_norm": True, "beta1": 0.5, "beta2": 0.9, "lr_g": 5e-4, "lr_d": 5e-4},
    {"name": "sn-d2", "spectral_norm": True, "beta1": 0.5, "beta2": 0.9, "d_steps": 2},
    {"name": "sn-b0", "spectral_norm": True, "beta1": 0.0, "beta2": 0.9},
    {"name": "r1-0.1", "r1": 0.1, "beta1": 0.5, "beta2": 0.9},
    {"name": "r1-1", "r1": 1.0, "beta1": 0.5, "beta2": 0.9},
    {"name": "sn-lsgan", "spectral_norm": True, "beta1": 0.5, "beta2": 0.9, "loss": "lsgan"},
    # instance noise: sigma annealed linearly to 0 over N rounds (on top of the distribution's defaults)
    {"name": "in-off", "instance_noise": 0.0},
    {"name": "in0.1-2500", "instance_noise": 0.1, "instance_noise_rounds": 2500},
    {"name": "in0.1-3500", "instance_noise": 0.1, "instance_noise_rounds": 3500},
    {"name": "in0.2-2500", "instance_noise": 0.2, "instance_noise_rounds": 2500},
    {"name": "in0.2-3500", "instance_noise": 0.2, "instance_noise_rounds": 3500},
    {"name": "in0.3-3000", "instance_noise": 0.3, "instance_noise_rounds": 3000},
    {"name": "in0.2-4000", "instance_noise": 0.2, "instance_noise_rounds": 4000},
    {"name": "in0.5-3000", "instance_noise": 0.5, "instance_noise_rounds": 3000},
    {"name": "in0.5-2000", "instance_noise": 0.5, "instance_noise_rounds": 2000},
    {"name": "in0.3-2000", "instance_noise": 0.3, "instance_noise_rounds": 2000},
    {"name": "in0.5-1500", "instance_noise": 0.5, "instance_noise_rounds": 1500},
    {"name": "in0.7-2000", "instance_noise": 0.7, "instance_noise_rounds": 2000},
    {"name": "in0.7-1500", "instance_noise": 0.7, "instance_noise_rounds": 1500},
    {"name": "in1.0-2000", "instance_noise": 1.0, "instance_noise_rounds": 2000},
    {"name": "in0.5-2000-b512", "instance_noise": 0.5, "instance_noise_rounds": 2000, "batch_size": 512},
    # an exponential moving average of G's weights (Yazıcı et al. 2019): measured instead of the live G
    {"name": "ema-off", "g_ema": 0.0},
    {"name": "ema0.99", "g_ema": 0.99},
    {"name": "ema0.995", "g_ema": 0.995},
    {"name": "ema0.998", "g_ema": 0.998},
    {"name": "ema0.999", "g_ema": 0.999},
]


def pin(slots: "multiprocessing.Queue[tuple[int, ...]]") -> None:
    """Worker start: take a pair of cores for this process (when there are more than two) and one torch thread."""
    import torch

    cores = slots.get()
    if hasattr(os, "sched_setaffinity") and cores:
        os.sched_setaffinity(0, cores)
    torch.set_num_threads(1)


def config_of(distribution: str, candidate: dict, seed: int):
    from gan_core.toy2d.lab import Toy2DConfig, preset_config

    settings = {k: v for k, v in candidate.items() if k not in ("name", "preset")}
    if candidate.get("preset", True):
        return preset_config(distribution, seed=seed, **settings)
    return Toy2DConfig(distribution=distribution, seed=seed, **settings).validate()


def ms_per_round(distribution: str, candidate: dict, blocks: int = 6, rounds: int = 50) -> float:
    """CPU milliseconds per round of this candidate, the fastest of a few short blocks (after a warm-up)."""
    import time

    import torch

    from gan_core.toy2d.lab import Toy2DLab

    torch.set_num_threads(1)
    lab = Toy2DLab(config_of(distribution, candidate, 0))
    lab.train(rounds=20)
    best = float("inf")
    for _ in range(blocks):
        start = time.process_time()
        lab.train(rounds=rounds)
        best = min(best, (time.process_time() - start) / rounds)
    return 1000 * best


def run_one(distribution: str, candidate: dict, seed: int, cpu_seconds: float | None, rounds: int | None) -> dict:
    import time

    from gan_core.toy2d.lab import Toy2DLab

    lab = Toy2DLab(config_of(distribution, candidate, seed))
    start, cpu_start, done, trace = time.perf_counter(), time.process_time(), 0, []
    if rounds is None:  # a CPU-time budget
        done = lab.train(seconds=cpu_seconds, clock=time.process_time)
    else:
        for tenth in range(1, 11):
            done += lab.train(rounds=rounds * tenth // 10 - done)
            m = lab.evaluate()
            trace.append(m.modes_covered if m.modes_total else round(m.manifold_distance, 3))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    m = lab.evaluate()
    return {"seed": seed, "steps": done, "modes_covered": m.modes_covered, "modes_total": m.modes_total,
            "high_quality": round(m.high_quality or 0.0, 3), "manifold_distance": m.manifold_distance,
            "js": round(m.js, 4), "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "trace": trace}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distribution", default="grid25")
    budget = parser.add_mutually_exclusive_group(required=True)
    budget.add_argument("--time-only", action="store_true",
                        help="only print each candidate's CPU ms per round (timed in turn, three times; the fastest)")
    budget.add_argument("--cpu-seconds", type=float, help="this process's CPU time per run")
    budget.add_argument("--idle-seconds", type=float, help="the rounds an idle core does in this many seconds")
    budget.add_argument("--rounds", type=int, help="rounds per run")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--candidates", nargs="+", help="names from the built-in list (default: all)")
    parser.add_argument("--candidates-file", type=Path, help="a JSON list of candidates instead of the built-in one")
    parser.add_argument("--jobs", type=int, help="runs at once (default: core pairs, at least 1)")
    args = parser.parse_args()

    candidates = json.loads(args.candidates_file.read_text()) if args.candidates_file else CANDIDATES
    if args.candidates:
        unknown = set(args.candidates) - {c["name"] for c in candidates}
        if unknown:
            parser.error(f"unknown candidates {sorted(unknown)}; choose from {[c['name'] for c in candidates]}")
        candidates = [c for c in candidates if c["name"] in args.candidates]

    if args.time_only:  # in turn, so that a change in the machine's load touches every candidate alike
        best = {c["name"]: float("inf") for c in candidates}
        for _ in range(3):
            for c in candidates:
                best[c["name"]] = min(best[c["name"]], ms_per_round(args.distribution, c))
        print(json.dumps({"distribution": args.distribution, "ms_per_round": {k: round(v, 3) for k, v in best.items()},
                          "load_average_1min": round(os.getloadavg()[0], 2)}))
        return 0
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    jobs = args.jobs or max(1, len(cores) // 2)
    slots: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    for i in range(jobs):
        pair = tuple(cores[2 * i:2 * i + 2]) if len(cores) > 2 and 2 * i + 1 < len(cores) else ()
        slots.put(pair)
    budgets = {}  # rounds per candidate (None: a CPU-time budget) and the CPU ms per round it was computed from
    for c in candidates:
        if args.idle_seconds is not None:
            ms = ms_per_round(args.distribution, c)
            budgets[c["name"]] = (int(1000 * args.idle_seconds / ms), round(ms, 2))
        else:
            budgets[c["name"]] = (args.rounds, None)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=pin,
                             initargs=(slots,)) as pool:
        futures = {c["name"]: [pool.submit(run_one, args.distribution, c, seed, args.cpu_seconds, budgets[c["name"]][0])
                               for seed in args.seeds] for c in candidates}
        for candidate in candidates:  # in order; each line as soon as its seeds are done
            runs = [f.result() for f in futures[candidate["name"]]]
            line = {"name": candidate["name"], "distribution": args.distribution, "cpu_seconds": args.cpu_seconds,
                    "idle_seconds": args.idle_seconds, "rounds": budgets[candidate["name"]][0],
                    "ms_per_round": budgets[candidate["name"]][1],
                    "settings": {k: v for k, v in candidate.items() if k != "name"},
                    "modes_covered": [r["modes_covered"] for r in runs],
                    "high_quality": [r["high_quality"] for r in runs], "steps": [r["steps"] for r in runs],
                    "seeds": args.seeds, "load_average_1min": round(os.getloadavg()[0], 2), "runs": runs}
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
