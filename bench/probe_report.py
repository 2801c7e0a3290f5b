"""Where a server's script runs spent their time, from the log of bench/probe/sitecustomize.py.

    python bench/probe_report.py /tmp/gan-lab-probe/server-*.log

For full page runs and fragment runs (polls) apart, the p50 / p90 / p95 / max in milliseconds of: the request
waiting to start (request → start), the script run (start → end) and its parts: the script thread's CPU time, its
time waiting for a core, its time waiting for a page place (ui/turns.py), and the rest (waiting for the interpreter,
for files, for locks); then the finished run reaching the browser (end → sent) and all of it (request → sent).
Then the same per page. A run's parts are measured on its own thread, so under a class's load "the rest" is mostly
other threads holding the interpreter.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass
class ScriptRun:
    kind: str  # "page" or "frag"
    page: str
    requested: float | None
    start: float
    end: float = 0.0
    sent: float | None = None
    cpu_ms: float = 0.0
    queued_ms: float = 0.0
    turn_ms: float = 0.0

    @property
    def rest_ms(self) -> float:
        return 1000 * (self.end - self.start) - self.cpu_ms - self.queued_ms - self.turn_ms


def page_names() -> dict[str, str]:
    """A page's script hash (what the log records) -> its URL path. Streamlit hashes the url_path."""
    from streamlit.util import calc_hash

    from ui.nav import PAGES

    names = {calc_hash(spec.id)[:8]: spec.id for spec in PAGES}
    names["-"] = "first run (home)"  # a session's first run names no page: Streamlit opens the default one
    return names


def read_runs(paths: list[Path]) -> list[ScriptRun]:
    names = page_names()
    runs: list[ScriptRun] = []
    for path in paths:
        requested: dict[str, float] = {}
        open_runs: dict[str, ScriptRun] = {}
        for line in path.read_text().splitlines():
            fields = line.split()
            if len(fields) < 3:
                continue
            when, event, session = float(fields[0]), fields[1], fields[2]
            if event == "back":
                requested[session] = when
            elif event == "start":
                open_runs[session] = ScriptRun(fields[3], "", requested.pop(session, None), when)
            elif event == "end" and session in open_runs and len(fields) >= 8:
                run = open_runs[session]
                values = dict(field.split("=", 1) for field in fields[4:] if "=" in field)
                run.end, run.page = when, names.get(fields[6], fields[6])
                run.cpu_ms, run.queued_ms, run.turn_ms = (float(values.get(k, 0)) for k in ("cpu", "rq", "turn"))
            elif event == "sent" and session in open_runs and open_runs[session].end:
                run = open_runs.pop(session)
                run.sent = when
                runs.append(run)
    return runs


def percentile(values: list[float], share: float) -> float:
    """The value `share` of the way up the sorted values (as bench/classroom_load.py reads its p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def quantiles(values: list[float]) -> str:
    if not values:
        return "-"
    return " ".join(f"{percentile(values, share):7.0f}" for share in (0.5, 0.9, 0.95, 1.0))


def report(runs: list[ScriptRun]) -> str:
    lines = []
    for kind, title in (("page", "full page runs"), ("frag", "fragment runs (polls)")):
        chosen = [run for run in runs if run.kind == kind]
        lines.append(f"{title}: {len(chosen)}            ms:     p50     p90     p95     max")
        parts = {
            "request -> start": [1000 * (r.start - r.requested) for r in chosen if r.requested is not None],
            "start -> end": [1000 * (r.end - r.start) for r in chosen],
            "  CPU": [r.cpu_ms for r in chosen],
            "  waiting for a core": [r.queued_ms for r in chosen],
            "  waiting for a place": [r.turn_ms for r in chosen],
            "  the rest": [r.rest_ms for r in chosen],
            "end -> sent": [1000 * (r.sent - r.end) for r in chosen],
            "request -> sent": [1000 * (r.sent - r.requested) for r in chosen if r.requested is not None],
        }
        lines += [f"  {name:<34}{quantiles(values)}" for name, values in parts.items()]
    lines.append("per page, full runs       n   start->end p50 / p95   CPU p50 / p95   place p95   rest p95 (ms)")
    by_page: dict[str, list[ScriptRun]] = defaultdict(list)
    for run in runs:
        if run.kind == "page":
            by_page[run.page].append(run)
    for page, chosen in sorted(by_page.items(), key=lambda item: -sum(r.end - r.start for r in item[1])):
        wall, cpu = [1000 * (r.end - r.start) for r in chosen], [r.cpu_ms for r in chosen]
        lines.append(f"  {page:<20}{len(chosen):5d}   {percentile(wall, 0.5):8.0f} / {percentile(wall, 0.95):6.0f}   "
                     f"{percentile(cpu, 0.5):6.0f} / {percentile(cpu, 0.95):5.0f}   "
                     f"{percentile([r.turn_ms for r in chosen], 0.95):8.0f}   "
                     f"{percentile([r.rest_ms for r in chosen], 0.95):7.0f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="+", type=Path, help="server-PID.log files of the probe")
    args = parser.parse_args()
    runs = read_runs(args.logs)
    if not runs:
        raise SystemExit("no complete script runs in these logs: was the probe on the server's PYTHONPATH?")
    print(report(runs))


if __name__ == "__main__":
    main()
