"""Errors that are the user's to fix.

Everything raised as a `GanLabError` carries a one-line English message that says what was
wrong and how to fix it (the CLI prints it and exits with code 2), and a stable `code` with the
`params` the message was built from, so the app can say the same thing in the reader's language
and in terms of its own controls (ui/wording.py's `error_text`, strings in ui/strings/errors.py).
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any


class GanLabError(Exception):
    """A problem with the user's input or files, explained in one line.

    `code` names the problem for translators ("run_missing", "checkpoint_corrupt"...); `params` are
    the values a translation may name (a run, a file, a number). A subclass's default code stands
    for "some problem of this kind" when no finer code was given."""

    code = "error"

    def __init_subclass__(cls, code: str | None = None, **kwargs: Any) -> None:
        """`class ConfigError(GanLabError, code="config")`: a kind of error and its default code on one line."""
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.params: dict[str, Any] = params


class ConfigError(GanLabError, ValueError, code="config"):
    """A training setting is out of range or unknown."""


class DataError(GanLabError, code="data"):
    """A dataset could not be found or loaded."""


class CheckpointError(GanLabError, code="checkpoint"):
    """A run or checkpoint file is missing, corrupt or not ours."""


class RunNameError(GanLabError, ValueError, code="run_name"):
    """A run name is empty, unsafe or already taken."""


class ArchiveError(GanLabError, code="archive"):
    """A run archive to import is not a GAN Lab run, is damaged, too large or unsafe."""


class AccessError(GanLabError, PermissionError, code="access"):
    """The acting person may not do this to this run (someone else's run, a class limit, the teacher's controls)."""


class ShippedRunError(AccessError, CheckpointError, code="shipped"):
    """A run that ships with GAN Lab is read-only: it cannot be deleted, renamed or trained further."""


class ClassLimitError(AccessError, code="class_limit"):
    """A student's request goes past a limit the teacher set for the class."""


class CorruptFileError(CheckpointError, code="file_corrupt"):
    """A saved file is truncated, damaged or not a torch file at all."""


class UnsafeFileError(CheckpointError, code="file_unsafe"):
    """A file asks for Python objects that could run code when loaded; it is refused unread."""


class DiskFullError(CheckpointError, code="disk_full"):
    """The disk filled up while saving; the previous file is kept."""


class ClusterError(GanLabError, code="cluster"):
    """The Ray cluster that should train the runs cannot be used: unreachable, or it refuses this server's token."""
