"""Do the 2D lab's settings meet their goals on every seed? (gan_core.toy2d.GOALS: ring8 8/8 modes with >= 80% high
quality within 2,000 rounds, grid25 >= 23/25 within 4,000.) Each (candidate, distribution, seed) trains for the
goal's rounds, exactly as `python -m gan_core toy2d --rounds N` does, and is measured at every tenth of them;
`--beyond 1.5` goes on to 1.5x the rounds to show whether the goal, once met, holds (the page plays on).

    python bench/toy2d_sweep.py                                   # the defaults, ring8 and grid25, seeds 0-9
    python bench/toy2d_sweep.py --distributions ring8 --seeds 0 1 2 --try ema:g_ema=0.99 --try fast:lr_g=0.002,lr_d=0.002
    python bench/toy2d_sweep.py --rounds 3000 --json              # one JSON line per run instead of the table

A candidate (`--try NAME:setting=value,...`) is the distribution's defaults plus its settings (`--plain`: the lab's
own defaults plus its settings). Budgets are rounds, the same work on any machine; wall time is reported only to
say what a sweep costs. One torch thread per run, `--jobs` runs at once.

The table: for each seed and distribution, the modes covered and the high-quality share at the goal's rounds, a
mark when the goal is met, and the round from which it held at every later check (-: it did not hold to the end).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gan_core.toy2d import GOALS, Toy2DConfig, Toy2DLab, preset_config  # noqa: E402


def candidate(text: str) -> tuple[str, dict[str, str]]:
    """"name:key=value,key=value" as (name, {key: value})."""
    name, _, settings = text.partition(":")
    pairs = dict(pair.split("=", 1) for pair in filter(None, settings.split(",")))
    return name, pairs


def config_of(distribution: str, settings: dict[str, str], seed: int, plain: bool) -> Toy2DConfig:
    base = asdict(Toy2DConfig(distribution=distribution) if plain else preset_config(distribution))
    return Toy2DConfig.from_dict({**base, **settings, "seed": seed})


def run_one(config: Toy2DConfig, rounds: int, beyond: float, checks: int) -> dict:
    """Train `config` to rounds x beyond, measuring at every 1/checks of `rounds`; the numbers at each check."""
    import torch

    torch.set_num_threads(1)
    goal = GOALS.get(config.distribution)
    lab = Toy2DLab(config)
    start, cpu_start, done, trace = time.perf_counter(), time.process_time(), 0, []
    stops = sorted({round(rounds * i / checks) for i in range(1, int(checks * beyond) + 1)} | {rounds})
    for stop in stops:
        done += lab.train(rounds=stop - done)
        m = lab.evaluate()
        trace.append({"rounds": done, "modes": m.modes_covered, "high_quality": round(m.high_quality or 0.0, 3),
                      "met": bool(goal and goal.met_by(m))})
    at_goal = next(point for point in trace if point["rounds"] == rounds)
    held_from = None  # the first check from which the goal held at every later one (up to the last)
    for point in reversed(trace):
        if not point["met"]:
            break
        held_from = point["rounds"]
    return {"distribution": config.distribution, "seed": config.seed, "rounds": rounds, **at_goal,
            "held_from": held_from, "last_check": trace[-1]["rounds"],
            "cpu_ms_per_round": round(1000 * (time.process_time() - cpu_start) / done, 2),
            "wall_seconds": round(time.perf_counter() - start, 1), "trace": trace}


def cell(result: dict) -> str:
    goal = GOALS.get(result["distribution"])
    total = len(Toy2DLab(Toy2DConfig(distribution=result["distribution"])).target.modes)
    mark = " ✓" if result["met"] else " ✗" if goal else ""
    held = f", held from {result['held_from']:,}" if result["held_from"] else ", -" if goal else ""
    return f"{result['modes']}/{total}, {result['high_quality']:.1%}{mark}{held}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distributions", nargs="+", default=list(GOALS))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(10)))
    parser.add_argument("--try", dest="candidates", action="append", type=candidate, metavar="NAME:KEY=VALUE,...",
                        help="a candidate: the distribution's defaults plus these settings (default: the defaults)")
    parser.add_argument("--plain", action="store_true", help="candidates start from the lab's own defaults")
    parser.add_argument("--rounds", type=int, help="rounds per run (default: the distribution's goal's)")
    parser.add_argument("--beyond", type=float, default=1.0, help="go on to this multiple of the rounds (default 1)")
    parser.add_argument("--checks", type=int, default=10, help="measurements within the rounds (default 10)")
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="runs at once")
    parser.add_argument("--json", action="store_true", help="one JSON line per run instead of the table")
    args = parser.parse_args()
    candidates = args.candidates or [("defaults", {})]
    for distribution in args.distributions:
        if args.rounds is None and distribution not in GOALS:
            parser.error(f"{distribution} has no goal: give --rounds")

    started = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = {(name, distribution, seed): pool.submit(
                       run_one, config_of(distribution, settings, seed, args.plain),
                       args.rounds or GOALS[distribution].rounds, args.beyond, args.checks)
                   for name, settings in candidates for distribution in args.distributions for seed in args.seeds}
        results = {key: future.result() for key, future in futures.items()}
    if args.json:
        for (name, _, _), result in results.items():
            print(json.dumps({"candidate": name, **result}))
        return 0
    print(f"# python {' '.join(sys.argv)}")
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"{time.perf_counter() - started:.0f} s")
    for name, settings in candidates:
        print(f"\n{name}: {', '.join(f'{k}={v}' for k, v in settings.items()) or 'the distributions’ defaults'}\n")
        heads = [f"{d} ({results[(name, d, args.seeds[0])]['rounds']:,} rounds)" for d in args.distributions]
        print("| seed | " + " | ".join(heads) + " |")
        print("| ---: |" + " --- |" * len(heads))
        for seed in args.seeds:
            print(f"| {seed} | " + " | ".join(cell(results[(name, d, seed)]) for d in args.distributions) + " |")
        met = [sum(results[(name, d, s)]["met"] for s in args.seeds) for d in args.distributions]
        costs = [min(results[(name, d, s)]["cpu_ms_per_round"] for s in args.seeds) for d in args.distributions]
        print("| goal met | " + " | ".join(f"**{m}/{len(args.seeds)}**" for m in met) + " |")
        print("| CPU ms a round (fastest run) | " + " | ".join(f"{c:.2f}" for c in costs) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
