"""The server's warm start: what a class's first visitors would wait for, done before the server answers anyone.

`streamlit run app.py` serves app.py's `st.App`, whose lifespan is `warm_start`. It runs once, when Streamlit's
runtime is up but before the server accepts a connection (a browser that comes early waits for the page, held by
the operating system). It imports every heavy module (ui/preload.py), fills the shared caches (ui/cache.py,
`warm_up`) and then opens every page once in a session of the server's own, so that each page's first run (its
script compiled, the Streamlit element code imported on first use, the caches only a page fills) is paid before a
student arrives: thirty students opening the address at once all meet a warm server.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

PAGE_SECONDS = 120.0  # a page that takes longer is left to its first visitor (it computes the same there)

_log = logging.getLogger(__name__)


@asynccontextmanager
async def warm_start(app: Any) -> AsyncIterator[None]:
    """app.py's `st.App` lifespan: warm up (the heavy work in a thread, so Streamlit's loop goes on), then serve."""
    started = time.perf_counter()
    await asyncio.to_thread(_fill_caches)
    opened = await _visit_every_page()
    print(f"  GAN Lab is ready (warmed up in {time.perf_counter() - started:.0f} s; {opened} pages opened).",
          file=sys.stderr, flush=True)
    _open_browser()
    yield


def _open_browser() -> None:
    """Open the app in this machine's browser once it is ready, as `streamlit run` does for a plain script (where
    it opens at once): not on a headless server, and at the address the server was told to use."""
    from streamlit import cli_util, config
    from streamlit.web.server import server_util

    if config.get_option("server.headless"):
        return
    if config.is_manually_set("browser.serverAddress"):
        address = config.get_option("browser.serverAddress")
    elif config.is_manually_set("server.address"):
        address = server_util.get_display_address(config.get_option("server.address"))
    else:
        address = "localhost"
    cli_util.open_browser(server_util.get_url(address))


def _fill_caches() -> None:
    """Import everything heavy, start the job manager (its warm workers start now, so the first Start finds one
    ready), then fill the caches every session shares."""
    from gan_core.errors import GanLabError
    from gan_core.jobs.manager import get_job_manager

    from . import cache, preload

    try:
        _say_where_runs_train(get_job_manager())
    except GanLabError as error:  # a bad setting (a cluster that cannot be used): one line; the pages say it too
        print(f"error: {error}", file=sys.stderr, flush=True)
    try:
        cache.warm_up()
    except Exception:  # noqa: BLE001 - a page computes the same on its first visit and shows any error there
        _log.warning("warming the caches failed", exc_info=True)
    preload.freeze_heap()  # the shared caches just filled live as long as the server too


def _say_where_runs_train(manager: Any) -> None:
    """With GAN_LAB_CLUSTER, one line in the server's terminal at start: the cluster and what it takes at once (or,
    raised as GanLabError, why it cannot be used), not a surprise at the first Start."""
    from gan_core.jobs.executors import configured_cluster

    if not configured_cluster():
        return
    where = manager.executor.placement()
    print(f"  runs train on the Ray cluster at {where.address}: {where.nodes} node(s), {where.gpus:g} GPU(s); "
          + ", ".join(f"{count} at a time on {device}" for device, count in where.capacity.items()), file=sys.stderr,
          flush=True)


class _Visitor:
    """The client of the server's own session: no browser, it only hears when each script run has finished and
    what error a page showed."""

    def __init__(self) -> None:
        self.finished: asyncio.Queue = asyncio.Queue()
        self.errors: list[str] = []

    @property
    def client_context(self) -> None:
        return None  # no headers, cookies or address: nobody is there

    def write_forward_msg(self, msg: Any) -> None:  # called on the server's event loop
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            self.finished.put_nowait(msg.script_finished)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                self.errors.append(f"{element.exception.type}: {element.exception.message}".strip())


async def _visit_every_page() -> int:
    """Open each page once, in the lecture's order, as a browser's first visit to its address does; returns how
    many pages finished their first run."""
    from streamlit import runtime
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from .nav import PAGES

    early = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
    server = runtime.get_instance()
    visitor = _Visitor()
    session = server.connect_session(client=visitor, user_info={})
    opened = 0
    try:
        for spec in PAGES:
            message = BackMsg()
            message.rerun_script.page_name = spec.id
            message.rerun_script.query_string = ""
            server.handle_backmsg(session, message)
            deadline = time.monotonic() + PAGE_SECONDS
            try:
                while await asyncio.wait_for(visitor.finished.get(), max(0.1, deadline - time.monotonic())) == early:
                    pass  # the page asked for a rerun of itself: its visit goes on
            except asyncio.TimeoutError:
                _log.warning("warming up: the %s page took over %.0f s; its first visitor finishes it", spec.id,
                             PAGE_SECONDS)
                return opened
            opened += 1
        for error in visitor.errors:
            _log.warning("warming up: a page showed %s", error)
        return opened
    finally:
        server.close_session(session)
