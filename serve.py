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
    from gan_core.errors import GanLabError
    from gan_core.jobs.manager import get_job_manager
    from ui import cache

    try:
        get_job_manager()  # its warm workers start now, so the first Start finds one ready
    except GanLabError:  # a bad setting: the pages show it where they use the manager
        logging.getLogger(__name__).warning("the job manager could not start", exc_info=True)

    threading.Thread(target=_warm, args=(cache.warm_up,), name="gan-lab-warm-up", daemon=True).start()


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
