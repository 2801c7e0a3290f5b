"""Import a run from the .zip that `run_archive` (the Runs page's download) writes.

Everything is checked in memory before a byte is written: the archive is a zip, every member is one of a
run's files (`<run>/run.json`, `<run>/checkpoint.pt`, `<run>/epochs/epoch_NNNN.pt`) under one folder, no
absolute or `..` paths or links, sizes within limits (as declared and as read), run.json is a run
description with valid settings, and every tensor file loads with `torch.load(weights_only=True)` as the
kind of GAN Lab file its name says. The files a training process leaves in its folder (train.lock, a
half-written .tmp) are skipped: a run folder zipped by hand holds them. Only then is the run written to a hidden folder beside the others and
renamed into place, so a bad or interrupted import leaves nothing behind.

An imported run belongs to whoever imports it, whatever its run.json says: the owner written in the archive
is kept only as `imported_from`, for display (a student cannot give a run to someone else by editing it).
The device it was trained on is history: a run trained on a GPU imports on a machine without one.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .checkpoints import (CHECKPOINT_FILE, CHECKPOINT_FORMAT, EPOCHS_FOLDER, INFO_FILE, LOG_FILE, SNAPSHOT_FORMAT, RunDir,
                          RunInfo, default_checkpoints_dir, load_tensor_source, suggest_run_name, validate_run_name,
                          written_while_training)
from ..classroom.access import Actor
from ..classroom.audit import AuditLog
from ..config import TrainConfig
from ..devices import device_here
from ..errors import ArchiveError, GanLabError

MAX_MEMBER_BYTES = 256 * 2**20  # a checkpoint of the largest model is a few MB; this is far above any real run
MAX_TOTAL_BYTES = 1024 * 2**20
MAX_MEMBERS = 20_000
_EPOCH_FILE = re.compile(r"epoch_\d{4,}\.pt")


def import_run(archive: str | Path | bytes | BinaryIO, root: str | Path | None = None, name: str | None = None,
               *, by: Actor | None = None, max_member_bytes: int = MAX_MEMBER_BYTES,
               max_total_bytes: int = MAX_TOTAL_BYTES) -> RunInfo:
    """Check the archive completely, then add its run under `root` as `name` (default: the archive's folder),
    owned by `by` (None: the machine's owner, a run without owner). Raises ArchiveError (or RunNameError /
    CheckpointError) with one line, and writes nothing, when anything is wrong; a name that is taken asks for
    another one. The import is written to the audit log."""
    root = Path(root) if root is not None else default_checkpoints_dir()
    files, folder = _read_members(archive, max_member_bytes, max_total_bytes)
    target = RunDir(validate_run_name(name if name else folder), root)
    if target.path.exists():
        raise ArchiveError(f"a run named {target.name!r} already exists; import it under another name "
                           f"(--name {suggest_run_name(target.name, root)})", code="archive_name_taken",
                           name=target.name, suggestion=suggest_run_name(target.name, root))
    info = _checked_info(files.pop(INFO_FILE), target.name, by.name if by is not None else "")
    files.pop(LOG_FILE, None)  # the page log: rebuilt from the checkpoint's history, never taken from outside
    for relative, data in files.items():
        expected = CHECKPOINT_FORMAT if relative == CHECKPOINT_FILE else SNAPSHOT_FORMAT
        load_tensor_source(io.BytesIO(data), expected, Path(target.name) / relative)
    files[INFO_FILE] = (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    _write(target, files)
    AuditLog(target.root).write(by, "import", target.name,
                                **({"imported_from": info["imported_from"]} if info.get("imported_from") else {}))
    return target.info()


def _read_members(archive: str | Path | bytes | BinaryIO, max_member: int, max_total: int) -> tuple[dict[str, bytes], str]:
    """The run's files by their path inside the run folder, and that folder's name."""
    if isinstance(archive, bytes):
        archive = io.BytesIO(archive)
    try:
        with zipfile.ZipFile(archive) as opened:
            members = [m for m in opened.infolist() if not m.is_dir()]
            if not members:
                raise ArchiveError("the archive is empty; it must hold a run folder as the Runs page downloads it",
                                   code="archive_empty")
            if len(members) > MAX_MEMBERS:
                raise ArchiveError(f"the archive holds {len(members)} files, more than a run has ({MAX_MEMBERS})",
                                   code="archive_too_many", count=len(members), limit=MAX_MEMBERS)
            folders, declared = set(), 0
            for member in members:
                folder, relative = _split(member)
                folders.add(folder)
                if member.file_size > max_member:
                    raise ArchiveError(f"{member.filename} is {member.file_size} bytes, more than the limit of "
                                       f"{max_member} for one file", code="archive_too_large",
                                       file=member.filename, limit_mb=max_member // 2**20)
                declared += member.file_size
            if declared > max_total:
                raise ArchiveError(f"the archive unpacks to {declared} bytes, more than the limit of {max_total}",
                                   code="archive_too_large", file="", limit_mb=max_total // 2**20)
            if len(folders) != 1:
                raise ArchiveError(f"the archive holds {len(folders)} folders; it must hold exactly one run folder",
                                   code="archive_layout")
            files: dict[str, bytes] = {}
            for member in members:
                with opened.open(member) as stream:
                    data = stream.read(max_member + 1)  # never trust the declared size alone
                if len(data) > max_member:
                    raise ArchiveError(f"{member.filename} is larger than the limit of {max_member} bytes",
                                       code="archive_too_large", file=member.filename, limit_mb=max_member // 2**20)
                relative = _split(member)[1]
                if relative is not None:
                    files[relative] = data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError) as error:
        if isinstance(error, GanLabError):
            raise
        raise ArchiveError(f"the file is not a complete .zip archive ({str(error)[:100] or type(error).__name__}); "
                           "download the run again", code="archive_not_zip") from None
    if INFO_FILE not in files or CHECKPOINT_FILE not in files:
        raise ArchiveError("the archive has no run.json and checkpoint.pt in its folder; it is not a GAN Lab run",
                           code="archive_layout")
    return files, folders.pop()


def _split(member: zipfile.ZipInfo) -> tuple[str, str | None]:
    """(run folder, path inside it) of an allowed member, (run folder, None) for a file the training process
    writes while it runs (a run folder zipped by hand holds its train.lock): skipped. Anything else raises
    ArchiveError."""
    name = member.filename
    path = PurePosixPath(name)
    unsafe = (name.startswith(("/", "\\")) or "\\" in name or ":" in path.parts[0] or ".." in path.parts
              or stat.S_ISLNK(member.external_attr >> 16))
    if unsafe:
        raise ArchiveError(f"the archive member {name!r} points outside its folder (an absolute path, '..' or a link); "
                           "refused", code="archive_unsafe_path", file=name)
    parts = path.parts
    if (len(parts) == 2 or (len(parts) == 3 and parts[1] == EPOCHS_FOLDER)) and written_while_training(parts[-1]):
        return parts[0], None
    allowed = (len(parts) == 2 and parts[1] in (INFO_FILE, CHECKPOINT_FILE, LOG_FILE)) or \
              (len(parts) == 3 and parts[1] == EPOCHS_FOLDER and _EPOCH_FILE.fullmatch(parts[2]))
    if not allowed:
        raise ArchiveError(f"the archive member {name!r} is not a file of a GAN Lab run (run.json, checkpoint.pt, "
                           "history.jsonl, epochs/epoch_NNNN.pt)", code="archive_unexpected", file=name)
    return parts[0], "/".join(parts[1:])


def _checked_info(data: bytes, name: str, owner: str) -> dict:
    """The archive's run.json as this machine keeps it: named `name`, owned by `owner` (the archive's owner kept as
    `imported_from`), without what belonged to the machine it was trained on (its process, its shipped mark)."""
    try:
        info = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ArchiveError("run.json in the archive is not valid JSON", code="archive_bad_info") from None
    if not isinstance(info, dict) or not isinstance(info.get("config"), dict):
        raise ArchiveError("run.json in the archive is not a GAN Lab run description", code="archive_bad_info")
    try:  # the device it trained on need not be here: it resumes on this machine's (config.resumed_config)
        TrainConfig.from_dict({**info["config"], "device": device_here(str(info["config"].get("device", "auto")))}).validate()
    except (GanLabError, TypeError, ValueError) as error:
        raise ArchiveError(f"run.json in the archive has settings GAN Lab cannot use ({error})",
                           code="archive_bad_info") from None
    origin = str(info.get("owner") or info.get("imported_from") or "")
    info = {key: value for key, value in info.items() if key not in ("pid", "host", "shipped", "stopped_by", "imported_from")}
    if info.get("status") == "running":
        info["status"] = "stopped"  # it was being trained elsewhere when zipped: resume continues from the checkpoint
    return {**info, "name": name, "owner": owner, **({"imported_from": origin} if origin else {})}


def _write(target: RunDir, files: dict[str, bytes]) -> None:
    """Write into a hidden folder beside the runs, then rename it into place: all or nothing."""
    target.root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".import-{target.name}.", dir=target.root))
    try:
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for folder in (staging, staging / EPOCHS_FOLDER):
            if folder.is_dir():
                os.chmod(folder, 0o755)
        os.rename(staging, target.path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
