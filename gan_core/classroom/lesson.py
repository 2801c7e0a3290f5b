"""The teacher's controls for a lesson: reset the class (its runs kept in one dated archive), export the
class's results as a table, and where the shipped runs stand on the class board.

Each changing action is the teacher's (or a script's: the machine's owner) and is written to the audit log.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import AccessError, CheckpointError, ConfigError, GanLabError
from ..runs.checkpoints import RunDir, atomic_write, default_checkpoints_dir, list_runs
from .access import Actor
from .audit import AuditLog

log = logging.getLogger(__name__)

RESET_PREFIX = "class-"  # class-2026-03-14-1042.zip in the checkpoints folder
SHIPPED_ON_BOARD = ("ranked", "apart", "hidden")  # among the students' runs, in their own rows below, not shown
SHIPPED_DEFAULT = "apart"  # the shipped runs are better than a lesson's runs: ranked, they would top every board
BOARD_FILE = "class-board.json"


def _teacher_only(by: Actor | None, what: str) -> None:
    if by is not None and not by.teacher:
        raise AccessError(f"only the teacher can {what}", code="teacher_only")


# --- reset -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResetResult:
    archive: Path  # the .zip holding every removed run's folder
    runs: tuple[str, ...]  # the runs removed, by name


def reset_class(root: str | Path | None = None, by: Actor | None = None, busy: Iterable[str] = ()) -> ResetResult:
    """Put every run that is not shipped (students' and the teacher's, broken ones too) into one dated .zip
    in the checkpoints folder, then remove them; shipped runs stay. Refused while any of them is queued or
    training (`busy`: the job manager's active names; a run another process trains is found by its lock),
    and when there is nothing to reset. The archive is complete on disk before anything is removed."""
    _teacher_only(by, "reset the class")
    root = Path(root) if root is not None else default_checkpoints_dir()
    runs = [run for run in list_runs(root) if not run.shipped]
    if not runs:
        raise GanLabError("there are no students' runs to reset", code="reset_nothing")
    busy = set(busy)
    training = [run.name for run in runs if run.name in busy or RunDir(run.name, root).owner_alive()]
    if training:
        raise GanLabError(f"{len(training)} run(s) are queued or training ({', '.join(training[:5])}); stop them "
                          "first, then reset the class", code="reset_busy", n=len(training), runs=", ".join(training[:5]))
    archive = _free_archive_path(root)
    _write_archive(root, [run.name for run in runs], archive)
    removed = []
    for run in runs:
        try:
            shutil.rmtree(root / run.name)
            removed.append(run.name)
        except OSError as error:  # kept in the archive either way; the teacher sees which stayed
            log.warning("run %s is archived but could not be removed: %s", run.name, error)
    AuditLog(root).write(by, "reset", archive=archive.name, runs=removed)
    return ResetResult(archive, tuple(removed))


def _free_archive_path(root: Path) -> Path:
    stem = f"{RESET_PREFIX}{datetime.now():%Y-%m-%d-%H%M}"
    path, number = root / f"{stem}.zip", 2
    while path.exists():
        path, number = root / f"{stem}-{number}.zip", number + 1
    return path


def _write_archive(root: Path, names: list[str], archive: Path) -> None:
    """Every file of those run folders (not the lock or half-written temp files), stored as <run>/<path>,
    written to a temp file that is synced and renamed into place."""
    handle, temp = tempfile.mkstemp(prefix=f".{archive.name}.", suffix=".tmp", dir=root)
    try:
        with os.fdopen(handle, "wb") as file:
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as bundle:
                for name in names:
                    for path in sorted((root / name).rglob("*")):
                        if path.is_file() and not path.name.endswith((".tmp", ".lock")):
                            bundle.write(path, arcname=str(Path(name) / path.relative_to(root / name)))
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, archive)
    except BaseException as error:
        Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise CheckpointError(f"the class archive could not be written ({error.strerror or error}); nothing was "
                                  "removed", code="reset_not_saved", detail=str(error.strerror or error)) from error
        raise


# --- results ---------------------------------------------------------------------------------------
RESULT_COLUMNS = ("student", "run", "model", "epochs", "fid_ratio", "digits_covered", "state")


@dataclass(frozen=True)
class ClassResult:
    """One student run as the class's results table has it."""

    student: str
    run: str
    model: str
    epochs: int
    fid_ratio: float | None
    digits_covered: int | None
    state: str  # in the reader's words (the caller translates)


def results_csv(results: Iterable[ClassResult], headers: Mapping[str, str], delimiter: str = ",",
                decimal: str = ".") -> bytes:
    """The results as CSV: a header row (`headers` by RESULT_COLUMNS, in the reader's language), one row per run.
    UTF-8 with a byte-order mark, so a spreadsheet opens Cyrillic names right; a Russian spreadsheet wants
    `delimiter=";"` and `decimal=","`. A number not measured yet is an empty cell."""
    def number(value: float | None, digits: int) -> str:
        if value is None or not math.isfinite(value):
            return ""
        return f"{value:.{digits}f}".replace(".", decimal)

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([headers[column] for column in RESULT_COLUMNS])
    for row in results:
        writer.writerow([row.student, row.run, row.model, row.epochs, number(row.fid_ratio, 2),
                         "" if row.digits_covered is None else int(row.digits_covered), row.state])
    return buffer.getvalue().encode("utf-8-sig")


# --- the shipped runs on the board --------------------------------------------------------------------
def shipped_on_board(root: str | Path | None = None) -> str:
    """Where the class board shows the shipped runs: "ranked", "apart" (default) or "hidden"."""
    path = (Path(root) if root is not None else default_checkpoints_dir()) / BOARD_FILE
    try:
        mode = json.loads(path.read_text(encoding="utf-8")).get("shipped")
    except (OSError, ValueError, AttributeError):
        return SHIPPED_DEFAULT
    return mode if mode in SHIPPED_ON_BOARD else SHIPPED_DEFAULT


def set_shipped_on_board(mode: str, root: str | Path | None = None, by: Actor | None = None) -> None:
    """The teacher's choice of where the shipped runs stand on the board, for every session; kept in the folder."""
    _teacher_only(by, "change the class board")
    if mode not in SHIPPED_ON_BOARD:
        raise ConfigError(f"shipped runs on the board must be one of {', '.join(SHIPPED_ON_BOARD)}, got {mode!r}",
                          code="board_mode", value=mode)
    root = Path(root) if root is not None else default_checkpoints_dir()
    text = json.dumps({"shipped": mode})
    try:
        atomic_write(root / BOARD_FILE, lambda file: file.write(text.encode("utf-8")))
    except OSError as error:
        raise CheckpointError(f"the board's setting could not be saved in {root} ({error.strerror or error})",
                              code="board_not_saved", detail=str(error.strerror or error)) from error
    AuditLog(root).write(by, "board", shipped=mode)
