"""GAN Lab for a classroom: `streamlit run serve.py` serves app.py with everything heavy loaded at start.

`streamlit run app.py` works too, but there the first student to arrive waits while the server
imports torch, pandas and plotly (ui/preload.py) and fills the shared caches. Here that happens when
the server starts, before any session: Streamlit's ASGI App runs `lifespan` once before it accepts
the first connection, and the caches fill in the background (ui/cache.py, `warm_up`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # `streamlit run /elsewhere/serve.py` imports ui/ from here
    sys.path.insert(0, str(HERE))


def _prepare() -> None:
    import ui.preload  # noqa: F401  every heavy module, before any session
    from ui import cache

    _connect_training()
    threading.Thread(target=_warm, args=(cache.warm_up,), name="gan-lab-warm-up", daemon=True).start()


def _connect_training() -> None:
    """Where runs train, decided now: with GAN_LAB_CLUSTER, a cluster that cannot be used is one line in the
    server's terminal at start (the pages say it too), not a surprise at the first Start."""
    from gan_core.errors import GanLabError
    from gan_core.jobs.executors import configured_cluster
    from gan_core.jobs.manager import get_job_manager

    if not configured_cluster():
        return
    try:
        where = get_job_manager().executor.placement()
    except GanLabError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return
    print(f"runs train on the Ray cluster at {where.address}: {where.nodes} node(s), {where.gpus:g} GPU(s); "
          + ", ".join(f"{count} at a time on {device}" for device, count in where.capacity.items()), file=sys.stderr,
          flush=True)


def _warm(warm_up) -> None:
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - a page computes the same on its first visit and shows any error there
        logging.getLogger(__name__).warning("warming the caches failed", exc_info=True)
    from ui.preload import freeze_heap

    freeze_heap()  # the shared caches just filled live as long as the server too


@asynccontextmanager
async def lifespan(app: st.App):
    """Before the first connection: import everything (in a thread, so the server's loop stays free), then
    fill the shared caches in the background while students arrive."""
    await asyncio.to_thread(_prepare)
    yield


app = st.App(HERE / "app.py", lifespan=lifespan)
