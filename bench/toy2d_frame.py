"""Time one Play frame of the 2D lab, server-side: the training rounds it advances, the numbers measured,
the figures built and serialised as Streamlit serialises them (plotly.io.to_json). Prints one JSON line:

    python bench/toy2d_frame.py                    # {"ms_per_frame": ..., ...} for one session
    python bench/toy2d_frame.py --sessions 1 2 4 8 # also: N sessions playing at once in one server process

The app runs every session as a thread of one process with torch on one thread (ui/training.py's job manager
leaves a core free on 2 cores), so the concurrent measurement uses threads of this process the same way:
each plays frames at the page's frame interval for --seconds and reports its frame times."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly.io  # noqa: E402
import plotly.tools  # noqa: E402
import torch  # noqa: E402

from gan_core.toy2d import Toy2DConfig, Toy2DLab  # noqa: E402
from ui.toy2d_figure import DEFAULT_ROUNDS_PER_FRAME, FRAME_SECONDS, frame_figures  # noqa: E402

NAMES = {key: key for key in ("surface", "real", "fake", "mesh", "arrows", "loss_d", "loss_g", "loss", "updates",
                              "modes", "high_quality", "modes_axis", "manifold", "divergence")}


def frame(lab: Toy2DLab, rounds: int) -> int:
    """One Play frame; the bytes sent to the browser."""
    lab.train(rounds=rounds)
    sent = 0
    for figure in frame_figures(lab, NAMES, "step"):
        spec = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
        sent += len(plotly.io.to_json(spec, validate=False))
    return sent


def play(config: Toy2DConfig, rounds: int, seconds: float, interval: float, times: list[float]) -> None:
    """One session playing: a frame, then a wait for the rest of the frame interval, for `seconds`."""
    lab = Toy2DLab(config)
    frame(lab, rounds)  # warm-up
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        frame(lab, rounds)
        took = time.perf_counter() - start
        times.append(took)
        time.sleep(max(0.0, interval - took))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS_PER_FRAME, help="rounds per frame (the page's default speed)")
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--sessions", type=int, nargs="*", default=[], help="also time N sessions playing at once")
    parser.add_argument("--seconds", type=float, default=8.0, help="how long each concurrent measurement plays")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as in the app on 2 cores
    config = Toy2DConfig()
    lab = Toy2DLab(config)
    frame(lab, args.rounds)
    times, cpu_times, sent = [], [], 0
    for _ in range(args.frames):
        start, cpu_start = time.perf_counter(), time.process_time()
        sent = frame(lab, args.rounds)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    training = []  # the baseline: the frame's training rounds alone, in the same process
    for _ in range(args.frames):
        cpu_start = time.process_time()
        lab.train(rounds=args.rounds)
        training.append(time.process_time() - cpu_start)
    report = {"ms_per_frame": round(1000 * statistics.median(times), 1),
              # this process's CPU time per frame: what a frame costs on an idle core, whatever the machine's load
              "cpu_ms_per_frame": round(1000 * statistics.median(cpu_times), 1),
              "frame_over_training": round(statistics.median(cpu_times) / statistics.median(training), 2),
              "rounds_per_frame": args.rounds,
              "kb_sent_per_frame": round(sent / 1024, 1), "cpu_cores": os.cpu_count(),
              "load_average_1min": round(os.getloadavg()[0], 2)}
    if args.sessions:
        report["sessions"] = {}
        for n in args.sessions:
            lists = [[] for _ in range(n)]
            threads = [threading.Thread(target=play, args=(config, args.rounds, args.seconds, FRAME_SECONDS, lists[i]))
                       for i in range(n)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            every = sorted(t for frames in lists for t in frames)
            report["sessions"][n] = {"median_ms": round(1000 * statistics.median(every), 1),
                                     "p90_ms": round(1000 * every[int(0.9 * (len(every) - 1))], 1)}
        report["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
