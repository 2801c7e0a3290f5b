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


class AccessError(GanLabError, PermissionError):
    """The acting person may not do this to this run (someone else's run, a shipped run, a class limit)."""


class ShippedRunError(AccessError):
    """A run that ships with GAN Lab is read-only: it cannot be deleted, renamed or trained further."""


class ClassLimitError(AccessError):
    """A student's request goes past a limit the teacher set for the class."""
