"""A probe inside a Streamlit server: where each script run's time goes (read by bench/probe_report.py).

    GAN_LAB_PROBE_DIR=/tmp/probe PYTHONPATH=bench/probe python bench/classroom_load.py --sessions 30 --seconds 60
    python bench/probe_report.py /tmp/probe/server-*.log

Python imports `sitecustomize` from the path at start-up, so with this folder on PYTHONPATH every process started
imports it; it acts only in a `streamlit run` process (the app's server, or the floor app's) and does nothing in the
benchmark's client or the training workers. It wraps, without changing what they do:
- AppSession.handle_backmsg: when a browser's request (a rerun, a fragment's poll) reached the server;
- ScriptRunner._run_script: each script run's start and end, the script thread's CPU time (`time.thread_time`) and
  its time runnable but waiting for a core (`/proc/thread-self/schedstat`, Linux), and the time it waited for a page
  place (ui/turns.py's `taking_turns`);
- Runtime._send_message: when the run's `script_finished` left the server.
One line an event, in `$GAN_LAB_PROBE_DIR/server-PID.log` (default /tmp/gan-lab-probe). It is a measuring tool,
never part of the app: the app has no hook for it.
"""

from __future__ import annotations

import os
import sys
import threading
import time

_COMMAND = open("/proc/self/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace") \
    if os.path.exists("/proc/self/cmdline") else " ".join(sys.argv)
_STREAMLIT_MODULES = ("streamlit.runtime.scriptrunner.script_runner", "streamlit.runtime.app_session",
                      "streamlit.runtime.runtime")
_STREAMLIT_CLASSES = ("ScriptRunner", "AppSession", "Runtime")


def _queued_seconds() -> float:
    """Seconds this thread has been runnable but not running (waiting for a core), from the kernel."""
    try:
        with open("/proc/thread-self/schedstat") as stats:
            return int(stats.read().split()[1]) / 1e9
    except OSError:
        return 0.0


def _install() -> None:
    folder = os.environ.get("GAN_LAB_PROBE_DIR", "/tmp/gan-lab-probe")
    os.makedirs(folder, exist_ok=True)
    log = open(os.path.join(folder, f"server-{os.getpid()}.log"), "a", buffering=1)
    lock = threading.Lock()
    turn_wait = threading.local()

    def write(*fields: object) -> None:
        with lock:
            log.write(f"{time.perf_counter():.4f} " + " ".join(str(field) for field in fields) + "\n")

    def wrap_streamlit() -> None:
        # A module is in sys.modules while it is still being imported: wait for the classes to be patched, not the names.
        while not all(hasattr(sys.modules.get(name), cls) for name, cls in zip(_STREAMLIT_MODULES, _STREAMLIT_CLASSES)):
            time.sleep(0.1)
        runner, session, runtime = (sys.modules[name] for name in _STREAMLIT_MODULES)

        run_script = runner.ScriptRunner._run_script

        def timed_run(self, rerun_data):
            kind = "frag" if getattr(rerun_data, "fragment_id_queue", None) else "page"
            turn_wait.seconds = 0.0
            write("start", self._session_id[:8], kind)
            cpu, queued = time.thread_time(), _queued_seconds()
            try:
                return run_script(self, rerun_data)
            finally:
                write("end", self._session_id[:8], kind, f"cpu={1000 * (time.thread_time() - cpu):.0f}",
                      f"rq={1000 * (_queued_seconds() - queued):.0f}",
                      (getattr(rerun_data, "page_script_hash", "") or "-")[:8],
                      f"turn={1000 * getattr(turn_wait, 'seconds', 0.0):.0f}")

        runner.ScriptRunner._run_script = timed_run

        handle = session.AppSession.handle_backmsg

        def request(self, message):
            write("back", self.id[:8], message.WhichOneof("type"))
            return handle(self, message)

        session.AppSession.handle_backmsg = request

        send = runtime.Runtime._send_message

        def sent(self, client, message):
            if message.WhichOneof("type") == "script_finished":
                write("sent", client.session.id[:8])
            return send(self, client, message)

        runtime.Runtime._send_message = sent
        write("patched")

    def wrap_turns() -> None:
        while "ui.turns" not in sys.modules or not hasattr(sys.modules["ui.turns"], "_turns"):
            time.sleep(0.1)
        turns = sys.modules["ui.turns"]

        class TimedTurns:
            """ui.turns' semaphore, timing how long each acquire waited."""

            def __init__(self, places):
                self.places = places

            def acquire(self, *args, **kwargs):
                start = time.perf_counter()
                try:
                    return self.places.acquire(*args, **kwargs)
                finally:
                    turn_wait.seconds = getattr(turn_wait, "seconds", 0.0) + time.perf_counter() - start

            def release(self, *args, **kwargs):
                return self.places.release(*args, **kwargs)

        turns._turns = TimedTurns(turns._turns)

    threading.Thread(target=wrap_streamlit, daemon=True, name="probe-streamlit").start()
    threading.Thread(target=wrap_turns, daemon=True, name="probe-turns").start()


if "streamlit" in _COMMAND and " run " in _COMMAND:
    _install()
