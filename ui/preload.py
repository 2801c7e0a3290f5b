"""Everything heavy the pages use, imported once per server process, by one thread, before any page runs.

Streamlit runs every session's script in a thread of its own. When a class opens the app at once,
those threads would import torch, pandas and plotly for the first time together, and Python's
per-module import locks can then hand one of them a half-initialised module ("partially initialized
module 'pandas' has no attribute 'Series'"). The server imports it before it answers anyone
(ui/warm_start.py), and app.py imports it before anything else: Python imports a module once, and every
other thread that asks for it waits until that import is complete, so whoever comes first imports
everything below and the others find it all ready.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import threading
from pathlib import Path

from threadpoolctl import threadpool_limits

# Third-party modules the pages (and the Streamlit elements they use) import, some of them lazily on first use.
THIRD_PARTY = (
    "numpy", "torch", "pandas", "pandas.io.formats.style", "pyarrow", "PIL.Image", "PIL.PngImagePlugin",
    "PIL.GifImagePlugin", "plotly.graph_objects", "plotly.io", "plotly.tools",
    "torch._dynamo",  # torch.optim's first optimizer imports it, slowly: the 2D lab's first visit
)
PACKAGES = ("gan_core", "ui")
SKIP = {"gan_core.__main__", "ui.preload"}

_lock = threading.Lock()
_loaded = False


def modules() -> list[str]:
    """The heavy third-party modules, then every module of gan_core and ui (the pages are scripts, not modules)."""
    found = list(THIRD_PARTY)
    for package in PACKAGES:
        found.append(package)
        folder = Path(importlib.import_module(package).__file__).parent
        found += [f"{package}.{info.name}" for info in pkgutil.iter_modules([str(folder)])]
    return [name for name in found if name not in SKIP]


def load() -> None:
    """Import them all (once; a second call, from any thread, waits for the first and returns)."""
    global _loaded
    with _lock:
        if _loaded:
            return
        for name in modules():
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as error:  # an optional dependency (pyarrow ships with streamlit)
                if error.name != name:
                    raise
        # The server's numpy on one BLAS thread: its matrices are small (a 128x128 FID), and OpenBLAS's
        # other threads would spin after every call on the cores the training and the pages need.
        threadpool_limits(limits=1, user_api="blas")
        freeze_heap()
        _loaded = True


def freeze_heap() -> None:
    """Keep what is loaded so far (torch, pandas, plotly and the app's modules, which live as long as the server)
    out of every later garbage collection: a full collection then walks only what sessions made since, instead of
    holding every session's thread while it walks all of them."""
    gc.collect()
    gc.freeze()


load()
