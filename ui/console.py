"""The server's console during a lesson: one line per event a teacher may act on (a run started, a run ended, a
warning of the library), with its time, and nothing else of the app's."""

from __future__ import annotations

import logging
import sys
import threading

_HANDLER = "gan-lab-lesson-events"
_lock = threading.Lock()


class _LessonFormatter(logging.Formatter):
    """"2026-03-02 10:15:04 GAN Lab: run alice-sngan-1 started: sngan, 5 epochs on cpu (by alice)"; a warning
    or error says so after the prefix. A traceback, when one is logged, follows on its own lines."""

    def format(self, record: logging.LogRecord) -> str:
        kind = f"{record.levelname.lower()}: " if record.levelno >= logging.WARNING else ""
        line = f"{self.formatTime(record, '%Y-%m-%d %H:%M:%S')} GAN Lab: {kind}{record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def show_lesson_events() -> None:
    """Print the library's events (logger "gan_core", INFO and up) on the server's console, once per process.
    Without this, Python shows only warnings, without a time, and the start and end of each run go unseen."""
    logger = logging.getLogger("gan_core")
    with _lock:
        if any(handler.get_name() == _HANDLER for handler in logger.handlers):
            return
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER)
        handler.setFormatter(_LessonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # printed here once, not again by a root handler someone else configured
