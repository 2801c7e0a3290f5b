"""`streamlit run app.py` is the class's command: the server answers only once it is warm (ui/warm_start.py)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from gan_core.runs.result_cache import CACHE_FOLDER
from ui.nav import PAGES

from .test_browser import serve


def test_the_server_answers_only_after_measuring_compares_opening_numbers_and_opening_every_page(
        tmp_path: Path) -> None:
    root, log = tmp_path / "checkpoints", tmp_path / "log"
    root.mkdir()
    log.mkdir()
    with contextlib.contextmanager(serve)(root, log):
        # Compare's numbers for its opening settings take seconds to measure: a class that opens the address the
        # moment the server answers finds them measured (kept on disk by gan_core.runs.result_cache).
        measured = list((root / CACHE_FOLDER / "compare").glob("*.json"))
        assert measured, "the server answered before the warm-up measured Compare's opening numbers"
    server_log = (log / "streamlit.log").read_text(errors="replace")
    assert "GAN Lab is ready" in server_log and f"; {len(PAGES)} pages opened)" in server_log, server_log[-3000:]
    assert "warming up:" not in server_log, server_log[-3000:]  # every page opened without an error during it
