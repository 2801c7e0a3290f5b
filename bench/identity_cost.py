"""What held names cost a page run: the same page in a class (a teacher password: every run checks the session's
name and key, and writes them back to the address) against single-user mode (no names held), in one process,
runs alternating so both see the same machine. Also the library's checks alone, per call.

    python bench/identity_cost.py                  # 40 warm runs of each, the Home page
    python bench/identity_cost.py --page runs --runs 60

Prints the median page run of each mode and their ratio (class / single-user); 1.00 means no cost to see.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def library_costs(root: Path) -> dict[str, float]:
    """Microseconds per call of what a class's page run asks the names file (30 names held)."""
    from gan_core.classroom.identity import NameClaims

    claims = NameClaims(root / "library")
    keys = dict(claims.claim(f"student {index}") for index in range(30))
    name, key = "student 7", keys["student 7"]
    per_call = {"holds(name, key)": lambda: claims.holds(name, key), "held(name)": lambda: claims.held(name)}
    return {label: 1e6 * min(timeit.repeat(call, number=2000, repeat=5)) / 2000 for label, call in per_call.items()}


def page_runs(page: str, runs: int) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    from gan_core.classroom.identity import name_claims
    from gan_core.runs.checkpoints import default_checkpoints_dir

    _, key = name_claims(default_checkpoints_dir()).claim("anna")
    sessions = {}
    for mode, password in (("single-user", ""), ("class", "bench")):
        os.environ["GAN_LAB_TEACHER_PASSWORD"] = password
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["lang"] = "en"
        at.query_params.update({"student": "anna", "key": key})
        if page != "home":
            at.switch_page(f"ui/pages/{page}.py")
        for _ in range(3):  # cold caches, then warm
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        sessions[mode] = (at, password)
    times: dict[str, list[float]] = {mode: [] for mode in sessions}
    for _ in range(runs):
        for mode, (at, password) in sessions.items():
            os.environ["GAN_LAB_TEACHER_PASSWORD"] = password
            start = time.perf_counter()
            at.run()
            times[mode].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="home", help="the page to run (default home)")
    parser.add_argument("--runs", type=int, default=40, help="warm runs of each mode (default 40)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gan-lab-identity-") as folder:
        os.environ["GAN_LAB_CHECKPOINTS"] = folder
        for label, micro in library_costs(Path(folder)).items():
            print(f"{label:18s} {micro:7.1f} µs per call")
        times = page_runs(args.page, args.runs)
    single, held = statistics.median(times["single-user"]), statistics.median(times["class"])
    print(f"{args.page} page, {args.runs} warm runs each, alternating:")
    print(f"  single-user  median {1000 * single:7.1f} ms")
    print(f"  class        median {1000 * held:7.1f} ms")
    print(f"  ratio class / single-user: {held / single:.3f}")


if __name__ == "__main__":
    main()
