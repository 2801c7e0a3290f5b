"""Errors that are the user's to fix.

Everything raised as a `GanLabError` carries a one-line message that says what was
wrong and how to fix it. The CLI prints it and exits with code 2; the app shows it
next to the field. Anything else is a bug and keeps its traceback.
"""


class GanLabError(Exception):
    """A problem with the user's input or files, explained in one line."""


class ConfigError(GanLabError, ValueError):
    """A training setting is out of range or unknown."""


class DataError(GanLabError):
    """A dataset could not be found or loaded."""


class CheckpointError(GanLabError):
    """A run or checkpoint file is missing, corrupt or not ours."""


class RunNameError(GanLabError, ValueError):
    """A run name is empty, unsafe or already taken."""


class CorruptFileError(CheckpointError):
    """A saved file is truncated, damaged or not a torch file at all."""


class UnsafeFileError(CheckpointError):
    """A file asks for Python objects that could run code when loaded; it is refused unread."""


class DiskFullError(CheckpointError):
    """The disk filled up while saving; the previous file is kept."""
