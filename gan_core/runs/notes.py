"""Why a run is where it is ("finished 40 epochs", "stopped at epoch 3, step 12", "the GPU ran out of
memory"): a stable `code` with the numbers it names, which the app words in the reader's language
(ui/strings/run_notes.py), and the one English line the CLI prints and run.json keeps for a person
reading the file. run.json's summary holds both: "message" (the line) and "note" ({"code", "params"}).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """One run's status note. `code` is "" for a note known only as English text (a run saved before
    notes had codes, or an unexpected error, whose text is the bug's own)."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any] | None:
        """What run.json keeps beside the message (None for a note without a code)."""
        return {"code": self.code, "params": dict(self.params)} if self.code else None

    @classmethod
    def of_summary(cls, status: str, summary: dict[str, Any]) -> "Note":
        """The note a run.json summary records. Runs saved before notes had codes keep only the English
        line; the codes that follow from the status alone are given back to them (a finished run, one
        interrupted, a failure with a user error's code)."""
        message = str(summary.get("message") or "")
        note = summary.get("note")
        if isinstance(note, dict) and isinstance(note.get("code"), str) and note["code"]:
            params = note.get("params") if isinstance(note.get("params"), dict) else {}
            return cls(note["code"], message, dict(params))
        error = summary.get("error")
        if status == "failed" and isinstance(error, dict) and error.get("code"):
            return user_error(str(error["code"]), dict(error.get("params") or {}), message)
        if status == "finished":
            return finished(int(summary.get("epochs_done", 0)))
        if message == INTERRUPTED.message:
            return INTERRUPTED
        return cls("", message)


NONE = Note("", "")


def finished(epochs: int) -> Note:
    return Note("finished", f"finished {epochs} epoch{'' if epochs == 1 else 's'}", {"epochs": epochs})


def stopped_at(epoch: int, step: int) -> Note:
    """Stopped (by a person, a time limit or Ctrl-C) during `epoch` (1-based) after `step` of its steps."""
    return Note("stopped", f"stopped at epoch {epoch}, step {step}", {"epoch": epoch, "step": step})


def diverged(step: int, epoch: int, kept_epoch: int) -> Note:
    return Note("diverged", f"the loss became infinite or NaN at step {step} (epoch {epoch}); the last good "
                            f"checkpoint (epoch {kept_epoch}) is kept; try lower learning rates",
                {"step": step, "epoch": epoch, "kept": kept_epoch})


INTERRUPTED = Note("interrupted", "interrupted: the training process ended without saving; resume continues from "
                                  "the last checkpoint")


def interrupted_timeout(seconds: float) -> Note:
    return Note("interrupted_timeout", f"interrupted: it did not stop within {seconds:g} s and was ended; resume "
                                       "continues from the last checkpoint", {"seconds": seconds})


def interrupted_killed(signal: int) -> Note:
    return Note("interrupted_killed", f"interrupted: the training process was killed (signal {signal}); resume "
                                      "continues from the last checkpoint", {"signal": signal})


def interrupted_lost(reason: str) -> Note:
    """A worker on a cluster gone without a word (its node left, its actor was ended): the run keeps the last
    checkpoint that reached this server."""
    return Note("interrupted_lost", f"interrupted: {reason}; resume continues from the last checkpoint that reached "
                                    "this server", {"reason": reason})


def cancelled() -> Note:
    return Note("cancelled", "cancelled before it started")


def process_failed() -> Note:
    """The trainer's own record when its loop raised (the worker's failure note follows, if it can)."""
    return Note("process_failed", "the training process failed")


def could_not_start(detail: str) -> Note:
    return Note("could_not_start", f"the training process could not start ({detail}); try again later",
                {"detail": detail})


def ended_unexpectedly(exit_code: int | None) -> Note:
    return Note("ended_unexpectedly", f"the training process ended unexpectedly (exit code {exit_code}); see the "
                                      "server's log", {"exit_code": exit_code})


def gpu_memory() -> Note:
    return Note("gpu_memory", "the GPU has no free memory for this run; resume it when other runs have finished "
                              "(the last checkpoint is kept)")


def memory() -> Note:
    return Note("memory", "the machine ran out of memory; resume the run when fewer runs train (the last "
                          "checkpoint is kept)")


def disk_full(file: str = "") -> Note:
    where = f" while writing {file}" if file else " while saving"
    return Note("disk_full", f"the disk is full{where}; free some space, then resume: the last good checkpoint is "
                             "kept", {"file": file})


def exited(exit_code: Any) -> Note:
    return Note("exited", f"the training process exited (code {exit_code})", {"exit_code": exit_code})


def process_interrupted() -> Note:
    return Note("process_interrupted", "the training process was interrupted")


def user_error(code: str, params: dict[str, Any], message: str) -> Note:
    """A GanLabError that ended the run: the app words it like any library error (its code and params)."""
    return Note("user_error", message, {"error_code": code, "error_params": params})


def crashed(error: BaseException) -> Note:
    """An unexpected error (a bug): its type and first line, as Python wrote them."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return Note("crashed", f"{type(error).__name__}: {text}" if text else type(error).__name__,
                {"detail": f"{type(error).__name__}: {text}" if text else type(error).__name__})
