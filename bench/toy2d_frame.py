"""Time one Play frame of the 2D lab, server-side: the training rounds it advances, the numbers measured,
the canvases' scenes built and serialised as Streamlit sends a component's data (json.dumps). Prints one JSON line:

    python bench/toy2d_frame.py                     # {"ms_per_frame": ..., "cpu_ms_per_frame": ..., ...}
    python bench/toy2d_frame.py --sessions 1 2 4 8  # also: N sessions playing at once in one server process

`seconds_to_goal`: how long the page's default experiment (ring8) plays to its goal's 2,000 rounds at the frame
rate measured (a round of Play is a round of `python -m gan_core toy2d --rounds N`: bit for bit where the server's
torch has one thread, as on 2 cores; tests/test_toy2d_page.py).

A frame is measured on a lab that has already played --history rounds (its curves are as long as after a
minute of Play: a frame late in a lesson costs more than the first). `ms_per_frame` is wall time, which
a busy machine inflates; `cpu_ms_per_frame` is this process's CPU time, the frame's cost on an idle core.

The app runs every session as a thread of one process with torch on one thread, so the concurrent
measurement uses threads of this process the same way: each plays frames at the page's frame interval for
--seconds and reports its frames' wall and CPU (thread) time, and how many rounds a frame advanced (the
page caps a frame's training at FRAME_TRAINING_SECONDS, so a crowded server gives fewer rounds a frame)."""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from gan_core.toy2d import GOALS, Toy2DLab, preset_config  # noqa: E402
from ui.toy2d_figure import DEFAULT_ROUNDS_PER_FRAME, FRAME_SECONDS, advance, frame_scenes  # noqa: E402

NAMES = {key: key for key in ("surface", "real", "fake", "mesh", "arrows", "loss_d", "loss_g", "loss", "updates",
                              "modes", "high_quality", "modes_axis", "manifold", "divergence", "plane", "curves")}


def frame(lab: Toy2DLab, rounds: int) -> tuple[int, int]:
    """One Play frame as the page plays it; the rounds it advanced and the bytes sent to the browser."""
    done = advance(lab, rounds)
    return done, draw(lab)


def draw(lab: Toy2DLab) -> int:
    """The frame's scenes, built and serialised; the bytes sent."""
    return sum(len(json.dumps(scene)) for scene in frame_scenes(lab, NAMES))


def played_lab(config, history: int) -> Toy2DLab:
    """A lab that has played `history` rounds, measured every 20 updates as Play measures it."""
    lab = Toy2DLab(config)
    for _ in range(history // 10):
        lab.train(rounds=10)
        lab.evaluate()
    return lab


def play(lab: Toy2DLab, rounds: int, seconds: float, interval: float, out: list[tuple[float, float, int]],
         start: threading.Barrier) -> None:
    """One session playing: a frame, then a wait for the rest of the frame interval, for `seconds`."""
    frame(lab, rounds)  # warm-up
    start.wait()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        wall, cpu = time.perf_counter(), time.thread_time()
        done, _ = frame(lab, rounds)
        took = time.perf_counter() - wall
        out.append((took, time.thread_time() - cpu, done))
        time.sleep(max(0.0, interval - took))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS_PER_FRAME, help="rounds per frame (the page's default speed)")
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--history", type=int, default=3000, help="rounds the lab has played before the frames are timed")
    parser.add_argument("--sessions", type=int, nargs="*", default=[], help="also time N sessions playing at once")
    parser.add_argument("--seconds", type=float, default=8.0, help="how long each concurrent measurement plays")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as in the app on 2 cores
    config = preset_config("ring8")  # the page's default experiment
    lab = played_lab(config, args.history)
    frame(lab, args.rounds)
    times, cpu_times, sent, rounds_done = [], [], 0, []
    for _ in range(args.frames):
        start, cpu_start = time.perf_counter(), time.process_time()
        done, sent = frame(lab, args.rounds)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        rounds_done.append(done)
    training, drawing = [], []  # the frame's two parts alone: its training rounds (uncapped) and its scenes
    for _ in range(args.frames):
        cpu_start = time.process_time()
        lab.train(rounds=args.rounds)
        training.append(time.process_time() - cpu_start)
        cpu_start = time.process_time()
        draw(lab)
        drawing.append(time.process_time() - cpu_start)
    report = {"ms_per_frame": round(1000 * statistics.median(times), 1),
              # this process's CPU time per frame: what a frame costs on an idle core, whatever the machine's load
              "cpu_ms_per_frame": round(1000 * statistics.median(cpu_times), 1),
              "p90_ms_per_frame": round(1000 * percentile(times, 0.9), 1),
              # an uncapped frame's two parts, CPU ms: its --rounds rounds of training, and its scenes
              "training_cpu_ms": round(1000 * statistics.median(training), 1),
              "scenes_cpu_ms": round(1000 * statistics.median(drawing), 1),
              "rounds_per_frame": args.rounds, "median_rounds_done": statistics.median(rounds_done),
              "history_rounds": args.history, "kb_sent_per_frame": round(sent / 1024, 1), "cpu_cores": os.cpu_count(),
              "load_average_1min": round(os.getloadavg()[0], 2)}
    # How long the page's default experiment takes to its goal (GOALS: in rounds) at this frame rate: a frame
    # every FRAME_SECONDS, or as soon as the last one is done when frames take longer.
    goal = GOALS[config.distribution]
    seconds_a_frame = max(FRAME_SECONDS, statistics.median(times))
    report["seconds_to_goal"] = round(goal.rounds / statistics.median(rounds_done) * seconds_a_frame, 1)
    if args.sessions:
        report["sessions"] = {}
        base = played_lab(config, args.history)
        for n in args.sessions:
            lists: list[list[tuple[float, float, int]]] = [[] for _ in range(n)]
            barrier = threading.Barrier(n)
            labs = [copy.deepcopy(base) for _ in range(n)]  # each session its own lab, as long played
            threads = [threading.Thread(target=play, args=(labs[i], args.rounds, args.seconds, FRAME_SECONDS, lists[i],
                                                           barrier)) for i in range(n)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            walls = [w for frames in lists for w, _, _ in frames]
            cpus = [c for frames in lists for _, c, _ in frames]
            report["sessions"][n] = {"median_ms": round(1000 * statistics.median(walls), 1),
                                     "p90_ms": round(1000 * percentile(walls, 0.9), 1),
                                     "median_cpu_ms": round(1000 * statistics.median(cpus), 1),
                                     "median_rounds_done": statistics.median([d for f in lists for _, _, d in f]),
                                     "frames_per_second_each": round(len(walls) / n / args.seconds, 1),
                                     "load_average_1min": round(os.getloadavg()[0], 2)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
