"""What one full page run costs the server, in CPU time of the script's own thread: load-independent.

    python bench/page_cost.py                       # every page: cold, then the median of 5 warm runs
    python bench/page_cost.py --pages train --repeat 10
    python bench/page_cost.py --pages compare --profile 25   # where a warm run of Compare spends (cProfile)
    python bench/page_cost.py --class-runs 30                # with thirty students' runs in the folder
    python bench/page_cost.py --pages train --live --repeat 20   # Train watching a run that trains

Under a classroom's load a page run waits for the interpreter as much as it computes, so its wall time says
more about the machine than about the page. This benchmark runs each page through Streamlit's AppTest in
one warm process, on a copy of the shipped runs, and times the CPU time (`time.thread_time`) of the thread
that runs the page's script: what thirty students' visits would each cost the server, whatever else runs.
"Cold" is the page's first run in this process (its shared caches empty, everything imported; what a page
measures in the background is not in it), "warm" the median of the next --repeat runs of the same session once
that background work is done (a student visiting the page again; the caches shared by every session are full).
The floor app (bench/floor_app.py, the floor of classroom_load.py) is timed the same way in the same process,
and each page's warm cost is also given as a multiple of it. With --live, Train is timed twice more: watching a
default run that trains meanwhile (started here, in a worker process, as Start does; a page run a second, so that
its charts and samples change between runs as a student's live view sees them) and watching the shipped run. It is a
benchmark, not a test: the last line is the result as JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from gan_core.runs.checkpoints import CHECKPOINT_FILE, EPOCHS_FOLDER, INFO_FILE  # noqa: E402

PAGES = ("home", "data", "train", "losses", "toy2d", "latent", "progression", "compare", "runs", "board")

_costs: list[float] = []
_messages: list[tuple[int, int]] = []  # per script run: (messages sent to the browser, their bytes)
_profile: cProfile.Profile | None = None


def _hook_script_thread() -> None:
    """Time (and, with --profile, profile) the thread each AppTest run executes the app's script in. The
    scripts' bytecode is kept across runs, as a server keeps it (AppTest compiles them again for each run)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    shared = ScriptCache()
    local_script_runner.ScriptCache = lambda: shared  # app.py's bytecode
    app_test.ScriptCache = lambda: shared  # the pages' bytecode (AppTest gives its PagesManager a cache of its own)

    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    sent = [0, 0]
    enqueue = ScriptRunContext.enqueue

    def counted(self, msg) -> None:
        sent[0] += 1
        sent[1] += msg.ByteSize()
        enqueue(self, msg)

    ScriptRunContext.enqueue = counted
    original = LocalScriptRunner._run_script_thread

    def timed(self) -> None:
        sent[:] = [0, 0]
        start = time.thread_time()
        if _profile is not None:
            _profile.enable()
        try:
            original(self)
        finally:
            if _profile is not None:
                _profile.disable()
            _costs.append(time.thread_time() - start)
            _messages.append((sent[0], sent[1]))

    LocalScriptRunner._run_script_thread = timed


def add_class_runs(root: Path, count: int) -> None:
    """`count` finished runs owned by students: the shipped run's run.json (not shipped, another owner), its
    checkpoint and snapshots linked, not copied."""
    shipped = root / "pretrained-sngan"
    for index in range(count):
        folder = root / f"student{index + 1}-sngan-1"
        folder.mkdir()
        info = json.loads((shipped / INFO_FILE).read_text())
        info.update(shipped=False, owner=f"student{index + 1}")
        (folder / INFO_FILE).write_text(json.dumps(info))
        for name in (CHECKPOINT_FILE, EPOCHS_FOLDER):
            (folder / name).symlink_to(shipped / name)


def settle(at, page: str) -> None:
    """After the cold run: wait for what the page measures in the background (Compare's numbers), then run it
    once more untimed (the run that shows them), so the warm runs are of the page as a student then sees it."""
    from ui import cache

    if hasattr(cache, "measuring_done"):  # trees before it measured in the page run itself
        cache.measuring_done()
    page_run(at, page)


def page_run(at, page: str) -> float:
    """One full run of the page in this session: its script thread's CPU seconds."""
    before = len(_costs)
    if page == "home":
        at.run()
    else:
        at.switch_page(f"ui/pages/{page}.py").run()
    if at.exception:
        raise SystemExit(f"{page}: {[e.value for e in at.exception]}")
    return sum(_costs[before:])


def live_train(root: Path, lang: str, repeat: int, floor_warm: float) -> dict:
    """Train's warm page runs watching a run that trains and watching the shipped run, one a second, in turns."""
    from dataclasses import replace

    from streamlit.testing.v1 import AppTest

    from gan_core.config import TrainConfig
    from ui import run_watch
    from ui.run_live import WATCH

    manager = run_watch.manager()
    manager.submit(replace(TrainConfig.for_model("sngan"), epochs=100_000), "live-run", root)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["lang"] = lang
    page_run(at, "home")
    deadline = time.monotonic() + 120
    while not (root / "live-run" / "epochs").is_dir():  # its first epoch's samples: every part of the view is drawn
        if time.monotonic() > deadline:
            raise SystemExit("the live run recorded no epoch within 120 s")
        time.sleep(0.5)
    found: dict[str, list[float]] = {"train watching a training run": [], "train watching a finished run": []}
    for index in range(2 + repeat):
        for label, name in zip(found, ("live-run", "pretrained-sngan")):
            at.session_state[WATCH] = name
            cost = page_run(at, "train")
            if index >= 2:  # the first two of each: caches of this session
                found[label].append(cost)
        time.sleep(1.0)
    manager.stop("live-run", root)
    manager.shutdown()
    result = {}
    for label, costs in found.items():
        median = statistics.median(costs)
        result[label] = {"warm_ms": round(median * 1000, 1), "warm_min_ms": round(min(costs) * 1000, 1),
                         "warm_over_floor": round(median / floor_warm, 1)}
        print(f"{label:32s} warm median {median * 1000:7.1f} ms   min {min(costs) * 1000:7.1f} ms"
              f"   {median / floor_warm:5.1f}x the floor", flush=True)
    return result


def main() -> None:
    global _profile
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page ids (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page (default 5)")
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    parser.add_argument("--profile", type=int, default=0, help="print the N most expensive functions of the warm runs")
    parser.add_argument("--class-runs", type=int, default=0,
                        help="add N students' finished runs (copies of the shipped one) as a class would have")
    parser.add_argument("--sort", default="cumulative", help="with --profile: pstats sort key (cumulative, tottime)")
    parser.add_argument("--live", action="store_true",
                        help="also time Train watching a run that trains (one page run a second) and a finished run")
    parser.add_argument("--warm-up", action="store_true", help="fill the shared caches first, as the server does before it answers")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="gan-lab-page-cost-"))
    shutil.copytree(ROOT / "checkpoints", folder / "checkpoints")
    os.environ["GAN_LAB_CHECKPOINTS"] = str(folder / "checkpoints")
    add_class_runs(folder / "checkpoints", args.class_runs)
    os.environ.pop("GAN_LAB_TEACHER_PASSWORD", None)
    os.chdir(ROOT)
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's "missing ScriptRunContext" lines
    try:
        import ui.preload  # noqa: F401  as the server: everything heavy imported before any page
        from streamlit.testing.v1 import AppTest

        if args.warm_up:
            from ui import cache

            cache.warm_up()
        _hook_script_thread()
        start = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        start.session_state["lang"] = args.lang
        page_run(start, "home")  # the session's first run (people, sidebar): not any page's cost
        floor = AppTest.from_file(str(ROOT / "bench" / "floor_app.py"), default_timeout=600)
        page_run(floor, "home")
        floor_warm = statistics.median(page_run(floor, "home") for _ in range(max(5, args.repeat)))
        floor_messages, floor_bytes = _messages[-1]
        print(f"{'floor app':12s}                    warm median {floor_warm * 1000:7.1f} ms"
              f"   {floor_messages:4d} messages {floor_bytes / 1000:6.1f} kB", flush=True)
        result = {}
        for page in [p.strip() for p in args.pages.split(",") if p.strip()]:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
            at.session_state["lang"] = args.lang
            page_run(at, "home")
            cold = page_run(at, page)
            settle(at, page)
            _profile = cProfile.Profile() if args.profile else None
            warm = [page_run(at, page) for _ in range(args.repeat)]
            messages, size = _messages[-1]  # the last warm run's messages to the browser
            result[page] = {"cold_ms": round(cold * 1000, 1), "warm_ms": round(statistics.median(warm) * 1000, 1),
                            "warm_min_ms": round(min(warm) * 1000, 1),
                            "warm_over_floor": round(statistics.median(warm) / floor_warm, 1),
                            "messages": messages, "kilobytes": round(size / 1000, 1)}
            print(f"{page:12s} cold {cold * 1000:8.1f} ms   warm median {statistics.median(warm) * 1000:7.1f} ms"
                  f"   min {min(warm) * 1000:7.1f} ms"
                  f"   {statistics.median(warm) / floor_warm:5.1f}x the floor   {messages:4d} messages {size / 1000:6.1f} kB",
                  flush=True)
            if _profile is not None:
                out = io.StringIO()
                pstats.Stats(_profile, stream=out).sort_stats(args.sort).print_stats(args.profile)
                print(out.getvalue())
                _profile = None
        if args.live:
            result.update(live_train(folder / "checkpoints", args.lang, args.repeat, floor_warm))
        print(json.dumps({"class_runs": args.class_runs, "cpu_ms_per_page_run": result, "floor_warm_ms": round(floor_warm * 1000, 1),
                          "floor_messages": floor_messages, "floor_kilobytes": round(floor_bytes / 1000, 1), "repeat": args.repeat, "threads": threading.active_count()}))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
