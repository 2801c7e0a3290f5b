"""A classroom on one server: N students browsing every page while one training runs.

    python bench/classroom_load.py --sessions 30 --seconds 60 --repeats 3
    python bench/classroom_load.py --sessions 3 --seconds 10 --solo 5       # a quick check
    python bench/classroom_load.py --url http://localhost:8501 --checkpoints checkpoints
    python bench/classroom_load.py --sessions 30 --seconds 60 --each-trains   # a GPU box: 30 runs at once
    python bench/classroom_load.py --first-wave --sessions 30 --join 0 --repeats 5   # a class at the server's start

Each student is a websocket client speaking Streamlit's own protocol (`/_stcore/stream`, the
protobufs that ship with streamlit), as a browser tab does: a full script run per page visit
(BackMsg rerun_script with the page's script hash, timed until ForwardMsg script_finished), then,
while the student "reads" the page (--think seconds), the page's fragment reruns at the rate the
server asks for (ForwardMsg auto_rerun), timed the same way. Students join within --join seconds
and visit the pages in turn, each from a different first page.

Without --url the benchmark starts the app itself (`streamlit run app.py`, as a classroom does) on a copy of the
shipped runs in a temporary checkpoints folder, then:
  1. one student visits every page twice: cold (first visit, empty caches) and warm;
  2. that student presses Start on the Train page with its defaults (only the epochs raised, so
     the run outlasts the benchmark), then leaves; the training's speed alone is measured from
     its run folder (--solo seconds), then with one student watching it on the Train page;
  3. N students browse for --seconds while the training goes on; its speed is measured again;
  4. the same load against bench/floor_app.py, a Streamlit app of the same shape with nothing
     heavy (8 pages of 8 widgets and a cached picture, fragments every 1 s and 3 s), served beside
     the app while its training goes on, so both meet the same machine;
  5. steps 3 and 4 again, --repeats times in all: on this machine the same load's p95 moves by 2-3x from
     one minute to the next, so the app / floor ratios are the median of the rounds' ratios;
  6. the floor app once more after the app server (and its training) has stopped, as the benchmark
     measured the floor before rounds (--no-floor-alone skips it);
and prints per page p50 / p95 / max of the full page runs, of those begun after every student had joined ("after
joining": past the class's first seconds of first pages and, with --each-trains, Start presses, which set the p95 of
a class that starts its runs together), of the fragment polls, every exception a page showed, the training's speed
under load against alone, and the app / floor ratios.
The last line is the whole result as JSON (also written to --json-out).

With --first-wave it measures a class that opens the address the moment a fresh server answers instead: each round
starts the app afresh on a new copy of the shipped runs (what a fresh clone's first start is), waits for its first
answer to a health check, and lets --sessions students join within --join seconds, each opening one page (the pages
in turn); each student's first page is timed from joining to the end of its script run. Then the same wave meets a
fresh floor app. No training runs. The ratios are the app's over the floor's first pages, the median over rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from gan_core.runs.checkpoints import INFO_FILE, LOG_FILE, is_run_folder  # noqa: E402

FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
FINISHED = ForwardMsg.ScriptFinishedStatus
RUN_TIMEOUT = 180.0  # a page run slower than this counts as failed (and the student moves on)


# --- one student ----------------------------------------------------------------------------------
@dataclass
class Result:
    """What a run of the script took and showed."""

    seconds: float
    status: str  # "ok", "timeout" or "closed"
    exceptions: list[str] = field(default_factory=list)


class Student:
    """One browser tab: a websocket session that asks for page runs and fragment reruns and waits for each."""

    def __init__(self, url: str, query: str = "", default_page: str = "home"):
        self.default_page = default_page  # the url path of the page served at "/" (Streamlit names it "")
        self.url = url.rstrip("/").replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self.query = query
        self.pages: dict[str, str] = {}  # url path -> page script hash (from the Navigation message)
        self.page_hash = ""
        self.fragments: dict[str, float] = {}  # fragment id -> seconds between reruns, as the server asked
        self.elements: dict[str, Any] = {}  # widget id -> its element proto (for pressing buttons)
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._finished: asyncio.Queue = asyncio.Queue()
        self._exceptions: list[str] = []
        self.errors: list[str] = []  # the error boxes of the last run (what the page told the student)
        self.toasts: list[str] = []  # and its toasts
        self.closed = False

    async def open(self) -> None:
        self._ws = await connect(self.url, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                                 open_timeout=RUN_TIMEOUT, compression=None)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                message = ForwardMsg()
                message.ParseFromString(data)
                self._handle(message)
        except Exception:  # noqa: BLE001 - a dropped connection ends this student's waits
            pass
        self.closed = True
        self._finished.put_nowait(None)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "navigation":
            self.pages = {page.url_pathname or self.default_page: page.page_script_hash for page in message.navigation.app_pages}
            self.page_hash = message.navigation.page_script_hash
        elif kind == "auto_rerun":
            self.fragments[message.auto_rerun.fragment_id] = message.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self.fragments.pop(fragment_id, None)
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                self._exceptions.append(f"{element.exception.type}: {element.exception.message}".strip())
            elif which == "alert" and element.alert.format == element.alert.ERROR:
                self.errors.append(element.alert.body)
            elif which == "toast":
                self.toasts.append(element.toast.body)
            elif which is not None:
                widget = getattr(element, which)
                widget_id = getattr(widget, "id", "")
                if isinstance(widget_id, str) and widget_id:
                    self.elements[widget_id] = widget
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            self._exceptions.append(message.session_event.script_compilation_exception.message)
        elif kind == "script_finished":
            self._finished.put_nowait(message.script_finished)

    async def run(self, page: str | None = None, fragment_id: str = "", widgets: list | None = None) -> Result:
        """A full run of a page (by url path; None: the page shown now), or one fragment's rerun; timed
        from the request until the script finishes (a rerun the script asks for itself included)."""
        if self.closed:
            return Result(0.0, "closed")
        while not self._finished.empty():
            self._finished.get_nowait()
        self._exceptions = []
        self.errors, self.toasts = [], []
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        if page is not None and page not in self.pages:  # a first visit: the browser sends the URL's path
            state.page_name = "" if page == self.default_page else page
        else:
            state.page_script_hash = self.pages[page] if page is not None else self.page_hash
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        else:
            self.fragments.clear()  # a browser drops its fragment timers when the whole page reruns
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        started = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        status = "ok"
        deadline = started + RUN_TIMEOUT
        while True:
            try:
                finished = await asyncio.wait_for(self._finished.get(), max(0.01, deadline - time.perf_counter()))
            except asyncio.TimeoutError:
                status = "timeout"
                break
            if finished is None:
                status = "closed"
                break
            if finished == FINISHED.Value("FINISHED_EARLY_FOR_RERUN"):
                continue  # st.rerun() in the script: the page's next run is part of this one
            break
        return Result(time.perf_counter() - started, status, list(self._exceptions))

    def widget_id(self, key: str) -> str:
        """The id of the widget whose user key is `key` (Streamlit ends a keyed widget's id with its key)."""
        for widget_id in self.elements:
            if widget_id.endswith("-" + key) or widget_id.endswith(key):
                return widget_id
        raise KeyError(f"no widget with key {key!r} on the page; found {sorted(self.elements)[:20]}")


def trigger(widget_id: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget_id)
    state.trigger_value = True
    return state


def typed(widget_id: str, text: str):
    """What a person typed into a text field (the Train page's number fields are text fields)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=widget_id, string_value=text)


# --- many students ----------------------------------------------------------------------------------
@dataclass
class Load:
    """Every timing and exception of one load phase."""

    pages: dict[str, list[float]] = field(default_factory=dict)
    polls: list[float] = field(default_factory=list)
    exceptions: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # timeouts and dropped connections
    joined: list[float] = field(default_factory=list)  # seconds from the start to each student's first page
    started: int = 0  # Start presses of the students themselves (--each-trains)
    browsed: list[tuple[float, float]] = field(default_factory=list)  # (seconds from the start to a visit, its seconds)

    def add(self, page: str | None, result: Result, begun: float | None = None) -> None:
        """A run's result; `begun`: when a visit after the student's first page began, seconds from the start."""
        if result.status in ("timeout", "closed"):
            self.failures[result.status] = self.failures.get(result.status, 0) + 1
            return
        if page is None:
            self.polls.append(result.seconds)
        else:
            self.pages.setdefault(page, []).append(result.seconds)
            if begun is not None:
                self.browsed.append((begun, result.seconds))
        for text in result.exceptions:
            self.exceptions[text] = self.exceptions.get(text, 0) + 1


@dataclass
class FirstPress:
    """What every student does on joining, before browsing (--each-trains): open a page and press a button
    on it, with some fields typed in the same rerun. The app's students start a run of their own; the
    floor's press its first page's button, so both servers get the same requests (3 full runs on joining)."""

    page: str
    button: str  # the button's user key
    typed: dict[str, str] = field(default_factory=dict)  # user key -> the text typed into that field
    says: bool = False  # the page answers the press with a toast or an error (the app's Start does)


def app_press(epochs: int) -> FirstPress:
    """A student of the app starts a run of their own on Train: its defaults, but the epochs (it outlasts the load)."""
    return FirstPress("train", "train_start", {"train_epochs": str(epochs)}, says=True)


FLOOR_PRESS = FirstPress("p1", "floor_0_button")  # the floor's first page and its button: the same three runs


async def student(url: str, order: list[str], load: Load, start: float, join: float, seconds: float,
                  think: float, index: int, default_page: str, first_press: FirstPress | None = None,
                  query: str = "") -> None:
    await asyncio.sleep(random.uniform(0, join))
    tab = Student(url, query=query, default_page=default_page)
    try:
        await tab.open()
    except Exception as error:  # noqa: BLE001
        load.failures[f"connect: {type(error).__name__}"] = load.failures.get(f"connect: {type(error).__name__}", 0) + 1
        return
    deadline = start + join + seconds
    try:
        if first_press is not None:  # a GPU classroom: every student starts a run of their own first
            opened = await tab.run(first_press.page)
            load.add(first_press.page, opened)
            try:
                widgets = [typed(tab.widget_id(name), value) for name, value in first_press.typed.items()]
                widgets.append(trigger(tab.widget_id(first_press.button)))
            except KeyError as missing:  # the page did not offer the form (its run ended early, or timed out)
                why = f"press: {missing.args[0].split(';')[0]} (page run {opened.status})"
                load.failures[why] = load.failures.get(why, 0) + 1
            else:
                load.add(first_press.page, await tab.run(first_press.page, widgets=widgets))
                load.started += 1
                for error in tab.errors:  # Start refused (a class limit, a taken name): the student reads why
                    why = f"press refused: {error[:120]}"
                    load.failures[why] = load.failures.get(why, 0) + 1
                if first_press.says and not tab.errors and not tab.toasts:  # neither "started" nor why not: unheard
                    load.failures["press: nothing said"] = load.failures.get("press: nothing said", 0) + 1
            first = await tab.run(order[index % len(order)])
        else:
            first = await tab.run(order[index % len(order)])  # the URL a student was given opens this page
        load.add(order[index % len(order)], first)
        load.joined.append(time.perf_counter() - start)
        visit = index
        while time.perf_counter() < deadline and not tab.closed:
            read_until = min(deadline, time.perf_counter() + think)
            due = {fragment: time.perf_counter() + interval for fragment, interval in tab.fragments.items()}
            while time.perf_counter() < read_until and not tab.closed:
                if not due:
                    await asyncio.sleep(max(0.0, read_until - time.perf_counter()))
                    break
                fragment, when = min(due.items(), key=lambda item: item[1])
                if when > read_until:
                    await asyncio.sleep(max(0.0, read_until - time.perf_counter()))
                    break
                await asyncio.sleep(max(0.0, when - time.perf_counter()))
                load.add(None, await tab.run(fragment_id=fragment))
                # new timers from this rerun; the fragment's own next rerun is an interval after it was due
                due = {f: due.get(f, time.perf_counter() + i) for f, i in tab.fragments.items()}
                if fragment in tab.fragments:
                    due[fragment] = max(when + tab.fragments[fragment], time.perf_counter())
            if time.perf_counter() >= deadline:
                break
            visit += 1
            page = order[visit % len(order)]
            begun = time.perf_counter() - start
            load.add(page, await tab.run(page), begun)
    finally:
        await tab.close()


async def drive(url: str, pages: list[str] | None, sessions: int, seconds: float, think: float, join: float,
                default_page: str = "home", first_press: FirstPress | None = None) -> Load:
    """N students join within `join` s and browse for `seconds` s; every run is recorded."""
    probe = Student(url, default_page=default_page)
    await probe.open()
    await probe.run()
    await probe.close()
    order = [page for page in probe.pages if pages is None or page in pages]
    if pages is not None and len(order) < len(pages):
        missing = sorted(set(pages) - set(order))
        raise SystemExit(f"no page {', '.join(missing)} in this app; its pages: {', '.join(probe.pages)}")
    load = Load()
    start = time.perf_counter()
    await asyncio.gather(*(student(url, order, load, start, join, seconds, think, index, default_page, first_press)
                           for index in range(sessions)))
    return load


async def visit_every_page_twice(url: str, pages: list[str] | None) -> dict[str, dict[str, float]]:
    """One student alone: each page's first (cold) and second (warm) full run."""
    tab = Student(url)
    await tab.open()
    await tab.run()
    found: dict[str, dict[str, float]] = {}
    try:
        for page in [p for p in tab.pages if pages is None or p in pages]:
            cold = await tab.run(page)
            warm = await tab.run(page)
            found[page] = {"cold": cold.seconds, "warm": warm.seconds,
                           "exceptions": len(cold.exceptions) + len(warm.exceptions)}
    finally:
        await tab.close()
    return found


# The student who starts the benchmark's run, watches it and stops it: the Train page opens on its owner's own newest run.
STARTER_NAME = "bench-starter"
_starter_query = [f"student={STARTER_NAME}"]


def hold_starter_name(root: Path | None) -> None:
    """In a class (a teacher password set) a name is held by whoever took it first: the starter takes its name in
    the server's folder before the server starts, and each of its tabs comes back with the key, as a student's
    bookmark would. Without a password names are not held and the key is simply not asked for."""
    if root is None:
        return
    from gan_core.classroom.identity import name_claims

    claims = name_claims(root)
    if claims.held(STARTER_NAME) is not None:
        claims.release(STARTER_NAME)  # held by an earlier round in this folder: the machine's owner takes it back
    name, key = claims.claim(STARTER_NAME)
    _starter_query[0] = f"student={name}&key={key}"


def starter() -> str:
    return _starter_query[0]


async def press_start(url: str, epochs: int) -> None:
    """One student opens Train, keeps every default but the epochs, and presses Start."""
    await press_on_train(url, starter(), lambda tab: [typed(tab.widget_id("train_epochs"), str(epochs)),
                                                      trigger(tab.widget_id("train_start"))])


async def press_on_train(url: str, query: str, widgets: Callable[["Student"], list]) -> None:
    """A student (`query`: their link's) opens Train and sends the new states of the widgets `widgets` names
    in that tab; SystemExit when the page or the press fails."""
    tab = Student(url, query=query)
    await tab.open()
    await tab.run()
    try:
        opened = await tab.run("train")
        if opened.exceptions:
            raise SystemExit(f"the Train page failed: {opened.exceptions[0]}")
        pressed = await tab.run("train", widgets=widgets(tab))
        if pressed.exceptions or pressed.status != "ok":
            raise SystemExit(f"pressing failed: {pressed.status} {pressed.exceptions}")
    finally:
        await tab.close()


async def watch(url: str, seconds: float, meter: "Speedometer", query: str | None = None) -> tuple[float | None, list[float]]:
    """One student (by default the one who pressed Start) on the Train page watching their run (its live view
    polls) for `seconds`: the training's speed meanwhile, and the polls' durations."""
    load = Load()
    task = asyncio.ensure_future(student(url, ["train"], load, time.perf_counter(), 0.0, seconds, seconds + 1, 0, "home",
                                         query=query or starter()))
    await during(task, meter)
    await task
    return meter.rate(), load.polls


async def press_stop(url: str, run_name: str) -> None:
    """Stop the benchmark's run from the Train page (when the server is not ours to end)."""
    tab = Student(url, query=starter())
    await tab.open()
    await tab.run()
    try:
        await tab.run("train")
        await tab.run("train", widgets=[trigger(tab.widget_id("train_stop"))])
    finally:
        await tab.close()


# --- the first wave: a class that opens the app the moment the server answers ---------------------------
# The app's pages by url path, in the lecture's order (ui/nav.py), and the floor app's: a first wave cannot ask the
# server for them (that request would be a visitor before the wave).
APP_PAGES = ["home", "data", "train", "losses", "toy2d", "latent", "progression", "compare", "runs", "board"]
FLOOR_PAGES = [f"p{i + 1}" for i in range(8)]


async def first_page(url: str, page: str, default_page: str, join: float, start: float,
                     seconds: list[float], load: Load) -> None:
    """One student of the first wave: joins within `join` s of `start`, opens `page`; the seconds from joining
    (the websocket's opening included) until that page's script run has finished."""
    await asyncio.sleep(random.uniform(0, join))
    tab = Student(url, default_page=default_page)
    joined = time.perf_counter()
    try:
        await tab.open()
    except Exception as error:  # noqa: BLE001
        load.failures[f"connect: {type(error).__name__}"] = load.failures.get(f"connect: {type(error).__name__}", 0) + 1
        return
    try:
        result = await tab.run(page)
        load.add(page, result)
        if result.status == "ok":
            seconds.append(time.perf_counter() - joined)
            load.joined.append(time.perf_counter() - start)
    finally:
        await tab.close()


async def first_wave(script: Path, env: dict[str, str] | None, pages: list[str], default_page: str, sessions: int,
                     join: float) -> dict[str, Any]:
    """Start a fresh server of `script`; the moment it answers, `sessions` students join within `join` s, each
    opening one page (the pages in turn). Each student's first page is timed from joining; the server is stopped."""
    server = Server(script, env, wait=False)
    try:
        answered = await asyncio.to_thread(server.wait_until_answering)
        load, seconds = Load(), []
        start = time.perf_counter()
        await asyncio.gather(*(first_page(server.url, pages[index % len(pages)], default_page, join, start, seconds,
                                          load) for index in range(sessions)))
    finally:
        server.stop()
    result = summary(load)
    result.update(server_answered_after=answered, first_page=quantiles(seconds))
    return result


def wave_table(title: str, result: dict[str, Any]) -> str:
    q = result["first_page"]
    line = (f"first page p50 {q['p50']:.3f} s, p95 {q['p95']:.3f} s, max {q['max']:.3f} s ({q['n']} students)"
            if q.get("n") else "no student got a first page")
    return (f"\n{title}: the server answered {result['server_answered_after']:.1f} s after it was started; {line}; "
            f"exceptions {sum(result['exceptions'].values())}, failures {result['failures'] or 0}")


async def first_waves(args: argparse.Namespace) -> dict[str, Any]:
    """--first-wave: rounds of a fresh app server and a fresh floor server, each met by a first wave."""
    report: dict[str, Any] = {"mode": "first-wave", "sessions": args.sessions, "join": args.join,
                              "app_script": args.app_script, "cores": os.cpu_count(),
                              "load_average": os.getloadavg()[0], "rounds": []}
    app_script = (ROOT / args.app_script).resolve()
    for index in range(args.repeats):
        root = checkpoints_copy()
        try:
            phase(f"round {index + 1} of {args.repeats}: {args.sessions} students meet a fresh {args.app_script}")
            app = await first_wave(app_script, {"GAN_LAB_CHECKPOINTS": str(root)}, APP_PAGES, "home",
                                   args.sessions, args.join)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(wave_table(f"GAN Lab ({args.app_script}), round {index + 1}", app), file=sys.stderr)
        one: dict[str, Any] = {"app": app}
        if not args.no_floor:
            phase(f"round {index + 1}: the same wave meets a fresh floor app")
            floor = await first_wave(FLOOR_APP, None, FLOOR_PAGES, "p1", args.sessions, args.join)
            print(wave_table(f"floor app, round {index + 1}", floor), file=sys.stderr)
            one["floor"] = floor
            one["ratios"] = {f"{q}_first_page": ratio(app["first_page"], floor["first_page"], q)
                             for q in ("p50", "p95", "max")}
            print(f"app / floor, round {index + 1}: " + ratio_line(one["ratios"]), file=sys.stderr)
        report["rounds"].append(one)
    if not args.no_floor:
        report["ratios"] = {name: statistics.median(values) if (values := [r["ratios"][name] for r in report["rounds"]
                                                                           if r["ratios"][name] is not None]) else None
                            for name in ("p50_first_page", "p95_first_page", "max_first_page")}
        per_round = "; ".join(f"{r['ratios']['p95_first_page']:.2f}x" if r["ratios"]["p95_first_page"] else "-"
                              for r in report["rounds"])
        print(f"first page, app / floor, median of {args.repeats} round(s): " + ratio_line(report["ratios"])
              + f"  [p95 per round: {per_round}]", file=sys.stderr)
    return report


# --- the training's speed, read from its run folder ----------------------------------------------------
def steps_done(run: Path) -> float:
    """How far the run has trained: its last logged global step (history.jsonl, written by a training
    worker), else its finished epochs from run.json (1 epoch = 1 unit; the rate is then per epoch)."""
    log = run / LOG_FILE
    if log.is_file():
        with open(log, "rb") as file:
            file.seek(max(0, log.stat().st_size - 65536))
            for line in reversed(file.read().splitlines()):
                if b'"progress"' in line:
                    try:
                        return float(json.loads(line)["progress"]["global_step"])
                    except (ValueError, KeyError):
                        continue
    try:
        return float(json.loads((run / INFO_FILE).read_text()).get("summary", {}).get("epochs_done", 0))
    except (OSError, ValueError):
        return 0.0


class Speedometer:
    """Samples a run's progress; the speed over a window is between the first and the last change seen."""

    def __init__(self, run: Path):
        self.run = run
        self.samples: list[tuple[float, float]] = []

    def sample(self) -> None:
        value = steps_done(self.run)
        if not self.samples or value != self.samples[-1][1]:
            self.samples.append((time.perf_counter(), value))

    async def watch(self, seconds: float, at_least: int = 3) -> float | None:
        """Sample for `seconds` (longer, up to 3x, until `at_least` changes are seen); the units per second."""
        self.samples = []
        start = time.perf_counter()
        while True:
            self.sample()
            elapsed = time.perf_counter() - start
            if elapsed >= 3 * seconds or (elapsed >= seconds and len(self.samples) > at_least):
                break
            await asyncio.sleep(0.1)
        return self.rate()

    def rate(self) -> float | None:
        changes = self.samples[1:]  # the first sample is where the window began, not a change
        if len(changes) < 2:
            return None
        (t0, v0), (t1, v1) = changes[0], changes[-1]
        return (v1 - v0) / (t1 - t0) if t1 > t0 else None


async def new_run_folder(root: Path, before: set[str], timeout: float = 120.0) -> str:
    """The name of the run folder that appeared after pressing Start."""
    deadline = time.monotonic() + timeout
    while not (new := sorted({p.name for p in root.iterdir() if is_run_folder(p)} - before)):
        if time.monotonic() > deadline:
            raise SystemExit(f"pressing Start made no run folder within {timeout:.0f} s")
        await asyncio.sleep(0.2)
    return new[0]


async def during(load_task: asyncio.Future, meter: Speedometer) -> None:
    meter.samples = []
    while not load_task.done():
        meter.sample()
        await asyncio.sleep(0.1)


# --- servers --------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run SCRIPT` on a free port with the project's .streamlit/config.toml, until stopped; with
    `Server.cores` set, on those cores only (a laptop's two on a bigger machine, the rest a cluster's node)."""

    cores: set[int] | None = None

    def __init__(self, script: Path, env: dict[str, str] | None = None, wait: bool = True):
        self.script = script
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="gan-lab-bench-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=(lambda: os.sched_setaffinity(0, self.cores)) if self.cores else None)
        self.started = time.perf_counter()
        self.ready_seconds = float("nan")
        if wait:
            self.wait_until_answering()

    def wait_until_answering(self, timeout: float = 180.0) -> float:
        """Block until the server answers its health check; the seconds since it was started. A request that
        connects waits for its answer (a server still warming up holds it), so the moment it answers is seen at
        once; a refused connection (no socket yet) is tried again 50 ms later."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health",
                                            timeout=max(0.1, deadline - time.monotonic())) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server of {self.script.name} did not start; see {self.log.name}")
            time.sleep(0.05)
        self.ready_seconds = time.perf_counter() - self.started
        return self.ready_seconds

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the report -----------------------------------------------------------------------------------------
def quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], "max": ordered[-1]}


def summary(load: Load) -> dict[str, Any]:
    every_run = [s for runs in load.pages.values() for s in runs]
    everyone_in = max(load.joined, default=float("inf"))  # the last student's first page (and press) ended
    settled = [seconds for begun, seconds in load.browsed if begun >= everyone_in]
    return {"pages": {page: quantiles(runs) for page, runs in load.pages.items()}, "all_pages": quantiles(every_run),
            "pages_after_joining": quantiles(settled),
            "polls": quantiles(load.polls), "exceptions": load.exceptions, "failures": load.failures,
            "all_joined_after": max(load.joined, default=None), "start_presses": load.started}


def table(title: str, result: dict[str, Any]) -> str:
    lines = [f"\n{title}", f"{'':14s}{'runs':>6s}{'p50 s':>9s}{'p95 s':>9s}{'max s':>9s}"]
    rows = [*result["pages"].items(), ("ALL PAGES", result["all_pages"]),
            ("after joining", result.get("pages_after_joining", {})), ("fragment polls", result["polls"])]
    for name, q in rows:
        if q.get("n"):
            lines.append(f"{name:14s}{q['n']:6d}{q['p50']:9.3f}{q['p95']:9.3f}{q['max']:9.3f}")
    exceptions = sum(result["exceptions"].values())
    lines.append(f"exceptions: {exceptions}" + "".join(f"\n  {n} x {text}" for text, n in result["exceptions"].items()))
    if result["failures"]:
        lines.append(f"failures: {result['failures']}")
    if result.get("start_presses"):
        lines.append(f"pressed on joining (the app's Start, the floor's button): {result['start_presses']}")
    return "\n".join(lines)


def ratio(a: dict[str, Any], b: dict[str, Any], key: str) -> float | None:
    return a[key] / b[key] if a.get("n") and b.get("n") and b[key] > 0 else None


RATIOS = {"p95_page_run": ("all_pages", "p95"), "p50_page_run": ("all_pages", "p50"),
          "p95_page_run_after_joining": ("pages_after_joining", "p95"),
          "p95_poll": ("polls", "p95"), "p50_poll": ("polls", "p50")}  # name: (which runs, which quantile)


def ratios(app: dict[str, Any], floor: dict[str, Any]) -> dict[str, float | None]:
    """The app's p95 and p50 of page runs and of polls, each over the floor's under the same load."""
    return {name: ratio(app.get(runs, {}), floor.get(runs, {}), q) for name, (runs, q) in RATIOS.items()}


def median_ratios(rounds: list[dict[str, Any]]) -> dict[str, float | None]:
    """Each ratio's median over the rounds that have it (None where none has)."""
    medians: dict[str, float | None] = {}
    for name in RATIOS:
        values = [r["ratios"][name] for r in rounds if r["ratios"][name] is not None]
        medians[name] = statistics.median(values) if values else None
    return medians


def ratio_line(values: dict[str, float | None]) -> str:
    return ", ".join(f"{k} {v:.2f}x" if v else f"{k} -" for k, v in values.items())


def checkpoints_copy() -> Path:
    """A temporary checkpoints folder with the shipped runs (copied: the benchmark's run must not land in the project)."""
    root = Path(tempfile.mkdtemp(prefix="gan-lab-bench-checkpoints-"))
    for item in (ROOT / "checkpoints").iterdir():
        if item.name == "README.md" or (item.is_dir() and not is_run_folder(item)):
            continue
        target = root / item.name
        if item.is_dir():
            info = json.loads((item / INFO_FILE).read_text())
            if not info.get("shipped"):
                continue  # only the tracked, shipped runs: the same start for every machine
            shutil.copytree(item, target)
        else:
            shutil.copy2(item, target)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30, help="students at once (default 30)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long they browse (default 60)")
    parser.add_argument("--think", type=float, default=5.0, help="seconds a student stays on a page, polling (default 5)")
    parser.add_argument("--join", type=float, default=2.0, help="students join within this many seconds (default 2)")
    parser.add_argument("--pages", default="", help="comma-separated url paths of the pages to browse (default: all)")
    parser.add_argument("--url", default="", help="a running GAN Lab server (default: start one)")
    parser.add_argument("--checkpoints", default="", help="with --url: its checkpoints folder (to time the training)")
    parser.add_argument("--solo", type=float, default=20.0, help="seconds to time the training alone (default 20)")
    parser.add_argument("--no-training", action="store_true", help="do not start a training")
    parser.add_argument("--no-single", action="store_true", help="skip the one student's cold and warm visits")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor app")
    parser.add_argument("--repeats", type=int, default=1,
                        help="rounds of the load, each on the app then on the floor app (the training running beside "
                             "both); the ratios are the median over the rounds (default 1)")
    parser.add_argument("--no-floor-alone", action="store_true",
                        help="skip the last measurement: the floor app once more after the app server has stopped")
    parser.add_argument("--epochs", type=int, default=1000, help="epochs of the benchmark's run (outlasts it)")
    parser.add_argument("--each-trains", action="store_true",
                        help="every student first presses Start on Train (a GPU classroom: 30 runs at once)")
    parser.add_argument("--first-wave", action="store_true",
                        help="a class opening the app the moment a fresh server answers: each round starts the app "
                             "and then the floor app afresh, --sessions students join within --join s (0: all at "
                             "once), each opens one page; their first pages are timed, app / floor (no training)")
    parser.add_argument("--app-script", default="app.py",
                        help="what `streamlit run` serves as the app, relative to the project (default: app.py)")
    parser.add_argument("--server-cores", default="",
                        help="comma-separated cores the servers (app and floor) run on, e.g. 0,1: a laptop's two on a "
                             "bigger machine whose other cores train as a cluster's node (default: any)")
    parser.add_argument("--json-out", default="", help="also write the JSON result here")
    args = parser.parse_args(argv)
    if args.server_cores:
        Server.cores = {int(core) for core in args.server_cores.split(",") if core.strip()}
    if args.sessions < 1 or args.seconds <= 0 or args.think < 0 or args.join < 0 or args.repeats < 1:
        parser.error("--sessions and --repeats must be at least 1, --seconds above 0, --think and --join not negative")
    pages = [p.strip() for p in args.pages.split(",") if p.strip()] or None
    if args.first_wave:
        report = asyncio.run(first_waves(args))
        text = json.dumps(report)
        if args.json_out:
            Path(args.json_out).write_text(text + "\n")
        print(text)
        return 0
    return asyncio.run(bench(args, pages))


def phase(text: str, _start: list[float] = []) -> None:  # noqa: B006 - the benchmark's own clock
    """One line on stderr per phase, with the seconds since the first: where a slow run spent its time."""
    _start.append(_start[0] if _start else time.perf_counter())
    print(f"[{time.perf_counter() - _start[0]:7.1f} s] {text}", file=sys.stderr, flush=True)


async def bench(args: argparse.Namespace, pages: list[str] | None) -> int:
    phase("starting")
    report: dict[str, Any] = {"sessions": args.sessions, "seconds": args.seconds, "think": args.think, "join": args.join,
                              "cores": os.cpu_count(), "load_average": os.getloadavg()[0]}
    server = None
    if args.url:
        url, root = args.url, Path(args.checkpoints) if args.checkpoints else None
        hold_starter_name(root)  # a server of a class: its folder holds the names (none given: a name is asked for bare)
    else:
        root = checkpoints_copy()
        hold_starter_name(root)
        server = Server((ROOT / args.app_script).resolve(), {"GAN_LAB_CHECKPOINTS": str(root)})
        url = server.url
        report["server_ready_seconds"] = server.ready_seconds
        phase(f"app server ready ({server.ready_seconds:.1f} s), {url}")
    try:
        if not args.no_single:
            report["one_student"] = await visit_every_page_twice(url, pages)
            print("one student alone, each page cold (first visit) then warm:", file=sys.stderr)
            for page, times in report["one_student"].items():
                print(f"  {page:14s} cold {times['cold']:6.3f} s   warm {times['warm']:6.3f} s", file=sys.stderr)
        meter, run_name = None, None
        if not args.no_training:
            if root is None:
                raise SystemExit("--url needs --checkpoints (the server's checkpoints folder) to time the training")
            before = {p.name for p in root.iterdir()}
            await press_start(url, args.epochs)
            phase("Start pressed on the Train page")
            if args.solo > 0:  # time it alone, then watched by one student (else it just trains under the load)
                run_name = await new_run_folder(root, before)
                meter = Speedometer(root / run_name)
                deadline = time.monotonic() + 300
                while steps_done(meter.run) == 0:  # the first epoch (or logged step) shows it trains
                    if time.monotonic() > deadline:
                        raise SystemExit(f"run {run_name} logged no step within 300 s of Start")
                    await asyncio.sleep(0.2)
                report["training_alone"] = await meter.watch(args.solo)
                report["training_watched"], polls = await watch(url, args.solo, meter)
                report["watched_polls"] = quantiles(polls)
                report["training_unit"] = "steps" if (meter.run / LOG_FILE).is_file() else "epochs"
        floor_pages = None if pages is None else [f"p{i + 1}" for i in range(len(pages))]  # as many pages
        floor_server = None if args.no_floor else Server(FLOOR_APP)  # beside the app server, its training running
        rounds: list[dict[str, Any]] = []
        loaded_rates: list[float] = []
        try:
            for index in range(args.repeats):
                phase(f"{args.sessions} students join the app (round {index + 1} of {args.repeats})")
                pressing = args.each_trains and index == 0  # the runs started in round 1 outlast the benchmark
                task = asyncio.ensure_future(drive(url, pages, args.sessions, args.seconds, args.think, args.join,
                                                   first_press=app_press(args.epochs) if pressing else None))
                if meter is not None:
                    await during(task, meter)
                    if (rate := meter.rate()) is not None:
                        loaded_rates.append(rate)
                app = summary(await task)
                one = {"app": app}
                print(table(f"GAN Lab, {args.sessions} students, {args.seconds:g} s, think {args.think:g} s"
                            f" (round {index + 1})", app), file=sys.stderr)
                if floor_server is not None:
                    phase(f"the same load against the floor app, the training still running (round {index + 1})")
                    one["floor"] = floor = summary(await drive(floor_server.url, floor_pages, args.sessions, args.seconds,
                                                               args.think, args.join, default_page="p1",
                                                               first_press=FLOOR_PRESS if pressing else None))
                    one["ratios"] = ratios(app, floor)
                    print(table(f"floor app, the same load (round {index + 1})", floor), file=sys.stderr)
                    print(f"app / floor, round {index + 1}: " + ratio_line(one["ratios"]), file=sys.stderr)
                rounds.append(one)
        finally:
            if floor_server is not None:
                floor_server.stop()
        report["app"] = rounds[0]["app"]
        report["rounds"] = rounds
        if floor_server is not None:
            report["floor"] = rounds[0]["floor"]
            report["ratios"] = median_ratios(rounds)
        if not args.no_training:
            run_name = run_name or await new_run_folder(root, before)
            report["training_run"] = run_name
        phase("the students have left")
        if meter is not None:
            report["training_loaded"] = statistics.mean(loaded_rates) if loaded_rates else None
            alone, loaded = report["training_alone"], report["training_loaded"]
            report["training_ratio"] = loaded / alone if alone and loaded else None
        if run_name is not None and server is None:
            await press_stop(url, run_name)
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(root, ignore_errors=True)
    if meter is not None:
        unit = report.get("training_unit", "epochs")
        alone, loaded = report["training_alone"], report["training_loaded"]
        watched = report.get("training_watched")
        print(f"training: alone {alone or float('nan'):.3f} {unit}/s, watched by one student "
              f"{watched or float('nan'):.3f} {unit}/s ({100 * (watched or float('nan')) / (alone or float('nan')):.0f}%), "
              f"under load {loaded or float('nan'):.3f} {unit}/s"
              f" -> {100 * (report['training_ratio'] or float('nan')):.0f}% of its speed alone", file=sys.stderr)
    if not args.no_floor and not args.no_floor_alone:
        # The floor as the benchmark measured it before rounds: after the app server (and its training) stopped.
        floor_server = Server(FLOOR_APP)
        phase(f"floor server ready ({floor_server.ready_seconds:.1f} s), nothing else running")
        try:
            alone_floor = summary(await drive(floor_server.url, floor_pages, args.sessions, args.seconds, args.think,
                                              args.join, default_page="p1", first_press=FLOOR_PRESS if args.each_trains else None))
        finally:
            floor_server.stop()
        report["floor_alone"] = alone_floor
        report["ratios_to_floor_alone"] = ratios(rounds[0]["app"], alone_floor)
        print(table("floor app alone (no training beside it)", alone_floor), file=sys.stderr)
    if report.get("ratios"):
        per_round = "; ".join(f"{r['ratios']['p95_page_run']:.2f}x" if r["ratios"]["p95_page_run"] else "-" for r in rounds)
        print(f"app / floor (the training beside both), median of {len(rounds)} round(s): " + ratio_line(report["ratios"])
              + f"  [p95 page run per round: {per_round}]", file=sys.stderr)
    if report.get("ratios_to_floor_alone"):
        print("app (round 1) / floor alone: " + ratio_line(report["ratios_to_floor_alone"]), file=sys.stderr)
    return emit(report, args.json_out)


def emit(report: dict[str, Any], json_out: str = "") -> int:
    """Print the report as one JSON line (and write it to `json_out` when given); the exit status."""
    text = json.dumps(report)
    if json_out:
        Path(json_out).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
