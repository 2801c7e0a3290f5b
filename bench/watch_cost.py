"""What watching a run costs its training, early in the run and late (the target: at most 10% at epoch 1
and at epoch 100 alike).

    python bench/watch_cost.py                       # MLP runs of 1 and 100 epochs, 20 s windows
    python bench/watch_cost.py --model sngan --late 100 --seconds 30

Two runs are trained here first, with the library: one of 1 epoch and one of --late epochs (same settings, so
the late one has a hundred epochs of history for the live charts to draw). Then the app is served
(`streamlit run app.py`, over a temporary checkpoints folder) and, for each run in turn, its owner presses
Resume on the Train page (the server's job manager trains it on in a worker process, as in a class), and its
speed is measured from its run folder: alone for --seconds, then while one student watches it on the Train page
(the live view polling every second), then alone again. The result is watched / alone (the mean of both
windows alone, so a drift of the machine shows as their difference), at the early epoch and the late one.
The last line is the result as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from classroom_load import ROOT, Server, Speedometer, press_on_train, steps_done, trigger, typed, watch  # noqa: E402


def train_runs(root: Path, model: str, late: int, batch_size: int) -> dict[str, int]:
    """The early run (1 epoch) and the late one (`late` epochs), trained here, each owned by its own student."""
    from gan_core.runs.checkpoints import RunDir
    from gan_core.config import TrainConfig
    from gan_core.trainer import Trainer

    import torch

    torch.set_num_threads(1)  # this process only: the setup must not crowd the server it then measures
    runs = {"watch-early": 1, "watch-late": late}
    for name, epochs in runs.items():
        started = time.perf_counter()
        config = TrainConfig.for_model(model, epochs=epochs, batch_size=batch_size, device="cpu", seed=0)
        Trainer.create(config, RunDir(name, root), owner=name).train()
        print(f"[setup] {name}: {epochs} epochs in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return runs


async def press(url: str, owner: str, widgets) -> None:
    """The owner opens Train (it opens on their own newest run) and sends the widgets' new states."""
    await press_on_train(url, f"student={owner}", widgets)


async def measure(url: str, root: Path, name: str, done: int, seconds: float) -> dict[str, float | None]:
    """Resume the run for many more epochs, time it alone, watched and alone again, then stop it."""
    before = steps_done(root / name)
    await press(url, name, lambda tab: [typed(tab.widget_id(f"train_resume_epochs_{name}"), str(done + 1000)),
                                        trigger(tab.widget_id(f"train_resume_{name}"))])
    meter = Speedometer(root / name)
    deadline = time.monotonic() + 300
    while steps_done(meter.run) <= before:  # the worker has started and logged a step
        if time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start training within 300 s of Resume")
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)
    alone = await meter.watch(seconds)
    watched, polls = await watch(url, seconds, meter, query=f"student={name}")
    again = await meter.watch(seconds)
    await press(url, name, lambda tab: [trigger(tab.widget_id("train_stop"))])
    base = [r for r in (alone, again) if r]
    ratio = watched / (sum(base) / len(base)) if watched and base else None
    polled = sorted(polls)
    return {"epoch": done + 1, "alone": alone, "watched": watched, "alone_again": again, "watched_ratio": ratio,
            "polls": len(polls), "poll_p50": polled[len(polled) // 2] if polled else None}


async def bench(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="gan-lab-watch-"))
    report: dict = {"model": args.model, "late": args.late, "seconds": args.seconds, "cores": os.cpu_count(),
                    "load_average_before": os.getloadavg()[0]}
    server = None
    try:
        runs = train_runs(root, args.model, args.late, args.batch_size)
        server = Server(ROOT / "app.py", {"GAN_LAB_CHECKPOINTS": str(root)})
        await asyncio.sleep(5)  # the server's warm-up
        for name, done in runs.items():
            report[name] = await measure(server.url, root, name, done, args.seconds)
            result = report[name]
            print(f"[{name}] epoch {result['epoch']}: alone {result['alone'] or float('nan'):.2f} steps/s, watched "
                  f"{result['watched'] or float('nan'):.2f}, alone again {result['alone_again'] or float('nan'):.2f}"
                  f" -> watched / alone {100 * (result['watched_ratio'] or float('nan')):.0f}%"
                  f" ({result['polls']} polls, p50 {result['poll_p50'] or float('nan'):.3f} s)", file=sys.stderr, flush=True)
            await asyncio.sleep(3)  # the stop lands
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
    report["load_average_after"] = os.getloadavg()[0]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="mlp", help="the runs' model (default mlp: quick to train to --late)")
    parser.add_argument("--late", type=int, default=100, help="epochs of the late run (default 100)")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size (default 64: 79 steps an epoch)")
    parser.add_argument("--seconds", type=float, default=20.0, help="each timing window (default 20)")
    args = parser.parse_args(argv)
    if args.late < 2 or args.seconds <= 0:
        parser.error("--late must be at least 2 and --seconds above 0")
    report = asyncio.run(bench(args))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
