"""Runs on disk: one folder per run, written atomically, read without running code.

    checkpoints/<run>/
        run.json              status, created, owner, device, config, summary (small, human readable)
        checkpoint.pt         everything needed to resume exactly
        history.jsonl         per-step losses and epoch records, appended while it trains (history.py)
        epochs/epoch_0001.pt  fixed-noise samples of each epoch, and the generator (float16) of
                              epochs 1-10, every 10th and the last (long runs stay small)
        train.lock            locked (flock) by the process training the run, released by the OS
                              when that process ends, however it ends

Every write goes to a temporary file that is fsynced and renamed over the old one, so a
process killed mid-save leaves the previous file intact. Every read uses
`torch.load(weights_only=True)`, which refuses pickled code.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import pickle
import re
import shutil
import socket
import struct
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, BinaryIO

import torch

from ..classroom.access import Actor, check_manage, check_not_shipped
from ..classroom.audit import AuditLog
from ..errors import CheckpointError, CorruptFileError, DiskFullError, GanLabError, RunNameError, UnsafeFileError
from ..models import DEFAULT_MODEL
from .notes import INTERRUPTED, Note, user_error

try:
    import fcntl
except ImportError:  # Windows: liveness falls back to the process id in run.json
    fcntl = None  # type: ignore[assignment]

CHECKPOINTS_ENV = "GAN_LAB_CHECKPOINTS"
CHECKPOINT_FORMAT = "gan-lab-checkpoint"
SNAPSHOT_FORMAT = "gan-lab-epoch-snapshot"
PREVIEW_FORMAT = "gan-lab-preview"
# A run folder's files; a folder is a run when it has INFO_FILE.
INFO_FILE = "run.json"
CHECKPOINT_FILE = "checkpoint.pt"
LOG_FILE = "history.jsonl"
EPOCHS_FOLDER = "epochs"
PREVIEW_FILE = "preview.pt"
LOCK_FILE = "train.lock"
BROKEN = "broken"  # the status `list_runs` gives a run whose run.json cannot be read
_RUN_NAME = re.compile(r"^[^\W_][\w.-]{0,63}$")  # \w is Unicode-aware: "урок-1" is fine


PROJECT_CHECKPOINTS = Path(__file__).resolve().parents[2] / "checkpoints"


def default_checkpoints_dir() -> Path:
    """Where runs live unless a caller names a folder: `$GAN_LAB_CHECKPOINTS` (with ~ expanded), else the
    project's checkpoints/ folder beside gan_core/. One rule for the CLI, the job manager and the app, so
    a run trained from any working directory shows up in the app and the shipped runs are always found."""
    configured = os.environ.get(CHECKPOINTS_ENV, "").strip()
    return Path(configured).expanduser() if configured else PROJECT_CHECKPOINTS


def validate_run_name(name: str) -> str:
    """A run name is one folder name: letters, digits, '.', '_', '-', at most 64, no '..'."""
    name = (name or "").strip()
    if not name:
        raise RunNameError("the run name is empty; give it a name such as 'digits-1'", code="name_empty")
    if "/" in name or "\\" in name or ".." in name or not _RUN_NAME.match(name):
        raise RunNameError(
            f"run name {name!r} is not allowed: use letters, digits, '.', '_' and '-' only "
            "(start with a letter or digit, at most 64 characters, no '..')",
            code="name_invalid", name=name)
    return name


def new_run_name_problem(name: str, root: str | Path | None = None, taken: Iterable[str] = ()) -> str | None:
    """Why `name` cannot name a new run, as a code: "empty", "invalid" or "taken" (a run folder or a
    queued job has it); None when it can."""
    name = (name or "").strip()
    if not name:
        return "empty"
    try:
        run = RunDir(name, root)
    except RunNameError:
        return "invalid"
    return "taken" if run.path.exists() or name in set(taken) else None


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}  # no space left; over the user's quota



def written_while_training(file_name: str) -> bool:
    """Whether a file in a run folder is the training process's own, no part of the run: its lock (left behind
    when it ends), the preview of its first samples (replaced by the first epoch's) or a half-written temp file of
    `atomic_write` (".run.json.x1y2.tmp"). An archive leaves them out and an import skips them."""
    return file_name in (LOCK_FILE, PREVIEW_FILE) or (file_name.startswith(".") and file_name.endswith(".tmp"))


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through `write(file)` to a temp file beside `path`, fsync it, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp_name, 0o644)  # mkstemp makes 0600; runs are meant to be shared and copied
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, path)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno in _DISK_FULL:
            raise DiskFullError(f"the disk is full: {path.name} could not be saved in {path.parent}; the previous "
                                "file is kept. Free some space (delete old runs) and resume the run", file=path.name) from None
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; the rename is still atomic there
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def save_tensor_file(path: Path, payload: dict[str, Any]) -> None:
    """Serialised in memory first (a run's files are a few MB) so that a failed write, such as a full
    disk, reaches `atomic_write` as the OSError it is rather than wrapped by torch's zip writer."""
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    atomic_write(path, lambda file: file.write(buffer.getbuffer()))


def load_tensor_file(path: Path, expected_format: str) -> dict[str, Any]:
    """Load a file written by `save_tensor_file`, refusing code, corruption and foreign files."""
    if not path.is_file():
        raise CheckpointError(f"{path} does not exist", code="file_missing", file=f"{path.parent.name}/{path.name}")
    return load_tensor_source(path, expected_format, path)


def load_tensor_source(source: Path | BinaryIO, expected_format: str, path: Path) -> dict[str, Any]:
    """`load_tensor_file` for a file or for bytes not yet written (an archive being imported, named `path`)."""
    try:
        payload = torch.load(source, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        if not _intact_zip(source):  # the bytes are not (or no longer) a torch file
            raise CorruptFileError(f"{path} is truncated or corrupt (not a torch file); delete this run or restore the file",
                                   file=f"{path.parent.name}/{path.name}") from None
        # An intact torch file whose pickle the weights-only loader refused: it asks for Python objects.
        raise UnsafeFileError(
            f"{path} was refused: it contains Python objects that could run code when loaded; "
            "only checkpoints written by GAN Lab can be opened",
            code="file_unsafe", file=f"{path.parent.name}/{path.name}") from None
    # Damaged bytes that happen to start like an old-style pickle fail deep in the unpickler, with any of these.
    except (RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile, KeyError, IndexError, TypeError,
            AttributeError, AssertionError, OverflowError, struct.error) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CorruptFileError(f"{path} is truncated or corrupt ({reason[:120]}); delete this run or restore the file",
                               file=f"{path.parent.name}/{path.name}") from None
    if not isinstance(payload, dict) or payload.get("format") != expected_format:
        raise CheckpointError(f"{path} is not a GAN Lab file of the expected kind ({expected_format})", code="file_foreign", file=f"{path.parent.name}/{path.name}")
    return payload


def _intact_zip(source: Path | BinaryIO) -> bool:
    """True when `source` is a zip (torch's file format) whose members all pass their CRC check."""
    try:
        if hasattr(source, "seek"):
            source.seek(0)
        with zipfile.ZipFile(source) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


def half_precision(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Floating tensors to float16 (half the bytes), others (BatchNorm counters) unchanged."""
    return {k: v.detach().cpu().half() if v.is_floating_point() else v.detach().cpu() for k, v in state_dict.items()}


@dataclass(frozen=True)
class RunInfo:
    """What `run.json` says about a run, for listings."""

    name: str
    status: str
    epochs_done: int
    epochs_target: int
    device: str
    created: str
    model: str
    dataset: str
    message: str  # why it is in its status, in English (for a broken run: what is wrong with its run.json)
    shipped: bool
    owner: str = ""  # the display name of whoever started it ("" for runs from the CLI or before owners)
    stopped_by: dict[str, Any] | None = None  # {"name", "teacher", "at"} of the person who last stopped it, and when
    imported_from: str = ""  # the owner an imported run had on the machine it came from (its owner is the importer)
    train_seconds: float | None = None  # time spent in training steps, all sessions
    config: dict[str, Any] = field(default_factory=dict, compare=False)  # its settings, as saved (TrainConfig.to_dict)
    note: Note = field(default_factory=lambda: Note("", ""), compare=False)  # `message` as a code, for translation

    @property
    def broken(self) -> bool:
        """Its run.json cannot be read: it can only be deleted (or the file restored)."""
        return self.status == BROKEN

    @classmethod
    def of_broken(cls, name: str, error: Exception) -> "RunInfo":
        """A run whose run.json cannot be read; a GanLabError's code and params let the app say why."""
        note = user_error(error.code, dict(error.params), str(error)) if isinstance(error, GanLabError) else \
            Note("", str(error))
        return cls(name=name, status=BROKEN, epochs_done=0, epochs_target=0, device="", created="", model="",
                   dataset="", message=str(error), shipped=False, note=note)


def resolved_root(root: Path) -> Path:
    """The checkpoints root with its links resolved (asked for on every look at a run: an absolute one is
    resolved once per process; a relative one depends on the working folder)."""
    return _resolved(root) if root.is_absolute() else root.resolve()


@functools.lru_cache(maxsize=64)
def _resolved(root: Path) -> Path:
    return root.resolve()


def is_run_folder(folder: Path) -> bool:
    """Whether a folder holds a run (its INFO_FILE); other folders under the root are not runs."""
    return (folder / INFO_FILE).is_file()


def _in_folder(file_name: str) -> property:
    """A path inside the run's folder, as a read-only attribute of RunDir."""
    return property(lambda run: run.path / file_name, doc=f"The run's {file_name}.")


class RunDir:
    """One run's folder under a checkpoints root."""

    def __init__(self, name: str, root: str | Path | None = None):
        self.name = validate_run_name(name)
        self.root = Path(root) if root is not None else default_checkpoints_dir()
        self.path = self.root / self.name
        # A valid name is one plain folder name, so only a symbolic link can lead out (checked without resolving
        # every path: pages make dozens of RunDirs a run, thirty students at once).
        if self.path.is_symlink() and self.path.resolve().parent != resolved_root(self.root):
            raise RunNameError(f"run name {name!r} would leave the checkpoints folder {self.root}", code="name_invalid", name=name)

    def __repr__(self) -> str:
        return f"RunDir({self.name!r}, root={str(self.root)!r})"

    checkpoint_path = _in_folder(CHECKPOINT_FILE)
    info_path = _in_folder(INFO_FILE)
    epochs_path = _in_folder(EPOCHS_FOLDER)
    log_path = _in_folder(LOG_FILE)
    lock_path = _in_folder(LOCK_FILE)

    def exists(self) -> bool:
        return self.info_path.is_file()

    # run.json ---------------------------------------------------------------
    def read_info(self) -> dict[str, Any]:
        if not self.info_path.is_file():
            raise CheckpointError(f"there is no run named {self.name!r} in {self.root}; `python -m gan_core runs` lists them", code="run_missing", name=self.name)
        try:
            info = json.loads(self.info_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CorruptFileError(f"{self.info_path} is corrupt ({error}); delete this run or restore the file",
                                   file=self.info_path.name) from None
        if not isinstance(info, dict) or not isinstance(info.get("config"), dict):
            raise CorruptFileError(f"{self.info_path} is not a GAN Lab run description; delete this run or restore "
                                   "the file", code="file_foreign", file=self.info_path.name)
        return info

    def write_info(self, info: dict[str, Any]) -> None:
        info = {**info, "updated": now_iso()}
        text = json.dumps(info, indent=2, ensure_ascii=False) + "\n"
        atomic_write(self.info_path, lambda file: file.write(text.encode("utf-8")))

    def update_info(self, **changes: Any) -> dict[str, Any]:
        info = {**self.read_info(), **changes}
        self.write_info(info)
        return info

    @contextlib.contextmanager
    def training_lock(self, wait: float = 2.0) -> Iterator[None]:
        """Hold the run's lock while training it; CheckpointError if another process trains it.

        The lock (flock on train.lock) belongs to the open file, so the OS releases it when the
        process ends, even by SIGKILL: "is someone training this run" never depends on a PID,
        which a restarted server (PID 1 in a container) may share with the dead one.
        """
        if fcntl is None:
            yield
            return
        handle = open(self.lock_path, "a+")
        deadline = time.monotonic() + wait  # a reader checking the lock holds it for a moment
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    raise CheckpointError(f"run {self.name!r} is being trained by another process; stop it first",
                                          code="run_busy", name=self.name) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            handle.close()  # closing the file releases the lock

    def owner_alive(self, info: dict[str, Any] | None = None) -> bool:
        """True while some process (this one included) holds the run's training lock."""
        if fcntl is None:
            return self._owner_pid_alive(info or self.read_info())
        try:
            handle = open(self.lock_path, "r")
        except FileNotFoundError:
            return False
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def _owner_pid_alive(self, info: dict[str, Any]) -> bool:
        if info.get("status") != "running" or info.get("host") != socket.gethostname():
            return False
        pid = info.get("pid")
        if not isinstance(pid, int):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def mark_interrupted(self, note: Note = INTERRUPTED, to_checkpoint: bool = False) -> bool:
        """Record that a run left "running" by a process that is gone is interrupted (resumable).
        `to_checkpoint`: the summary's counts are set to what checkpoint.pt holds, for a run whose files came from a
        cluster node that is lost: the node sent its run.json every pull but its checkpoint less often, so run.json
        may be epochs ahead of what a resume continues from. Returns False when its trainer is alive, or the run
        is not marked running."""
        info = self.read_info()
        if info.get("status") != "running" or self.owner_alive(info):
            return False
        summary = {**info.get("summary", {}), "message": note.message, "note": note.record()}
        if to_checkpoint and self.checkpoint_path.is_file():
            summary.update(self._checkpoint_counts())
        self.write_info({**info, "status": "stopped", "summary": summary})
        return True

    def _checkpoint_counts(self) -> dict[str, Any]:
        """The summary's counts (epochs, steps, training seconds, last epoch's losses) as checkpoint.pt has them."""
        state = self.load_checkpoint()
        last = state["history"]["epochs"][-1] if state["history"]["epochs"] else {}
        return {"epochs_done": int(state["epoch"]), "steps": int(state["global_step"]),
                "train_seconds": round(float(state["train_seconds"]), 2),
                "loss_d": last.get("loss_d"), "loss_g": last.get("loss_g")}

    def info(self) -> RunInfo:
        data = self.read_info()
        config, summary = data.get("config", {}), data.get("summary", {})
        status = data.get("status", "stopped")
        note = Note.of_summary(status, summary)
        if status == "running" and not self.owner_alive(data):
            status, note = "stopped", INTERRUPTED
        return RunInfo(
            name=self.name, status=status,
            epochs_done=int(summary.get("epochs_done", 0)), epochs_target=int(config.get("epochs", 0)),
            device=str(data.get("device", "")), created=str(data.get("created", "")),
            model=str(config.get("model", "")), dataset=str(config.get("dataset", "")),
            message=note.message, note=note, shipped=bool(data.get("shipped", False)),
            train_seconds=float(summary["train_seconds"]) if summary.get("train_seconds") is not None else None,
            config=dict(config),
            owner=str(data.get("owner") or ""),
            stopped_by=data.get("stopped_by") if isinstance(data.get("stopped_by"), dict) else None,
            imported_from=str(data.get("imported_from") or ""),
        )

    # checkpoint.pt ------------------------------------------------------------
    def save_checkpoint(self, state: dict[str, Any]) -> None:
        save_tensor_file(self.checkpoint_path, {"format": CHECKPOINT_FORMAT, "version": 1, **state})

    def load_checkpoint(self) -> dict[str, Any]:
        if not self.checkpoint_path.is_file():
            raise CheckpointError(
                f"run {self.name!r} has no checkpoint yet ({self.checkpoint_path}); it saves one at each epoch end or on stop"
            , code="no_checkpoint", name=self.name)
        return load_tensor_file(self.checkpoint_path, CHECKPOINT_FORMAT)

    # epochs/epoch_NNNN.pt -------------------------------------------------------
    def snapshot_path(self, epoch: int) -> Path:
        return self.epochs_path / f"epoch_{epoch:04d}.pt"

    def save_snapshot(self, epoch: int, generator_state: dict[str, torch.Tensor] | None, samples: torch.Tensor) -> None:
        """Keep this epoch's fixed-noise samples (uint8) and, where given, its generator (float16)."""
        save_tensor_file(self.snapshot_path(epoch), {
            "format": SNAPSHOT_FORMAT, "epoch": epoch,
            "generator": half_precision(generator_state) if generator_state is not None else None,
            "samples": samples.cpu(),
        })

    def load_snapshot(self, epoch: int) -> dict[str, Any]:
        return load_tensor_file(self.snapshot_path(epoch), SNAPSHOT_FORMAT)

    def snapshot_epochs(self) -> list[int]:
        if not self.epochs_path.is_dir():
            return []
        found = (re.fullmatch(r"epoch_(\d+)\.pt", p.name) for p in self.epochs_path.iterdir())
        return sorted(int(m.group(1)) for m in found if m)

    def thin_snapshots(self, keep: int) -> None:
        """Keep at most `keep` epoch snapshots: when there are more, every second one between the first and
        the newest goes, so a long run's frames stay evenly spread over its whole length."""
        epochs = self.snapshot_epochs()
        if len(epochs) <= keep:
            return
        for epoch in epochs[1:-1:2]:
            self.snapshot_path(epoch).unlink(missing_ok=True)

    def remove_snapshots_after(self, epoch: int) -> None:
        """Drop snapshots of epochs that the checkpoint has not reached (left by a crash)."""
        for later in (e for e in self.snapshot_epochs() if e > epoch):
            self.snapshot_path(later).unlink(missing_ok=True)

    # preview.pt: G's samples before the run's first epoch is recorded ------------------
    @property
    def preview_path(self) -> Path:
        return self.path / PREVIEW_FILE

    def save_preview(self, epoch: int, step: int, samples: torch.Tensor) -> None:
        """The fixed-noise samples (uint8) at `step` of `epoch` (1-based), while no epoch snapshot exists yet:
        what a student sees in the seconds before the first epoch ends. Gone once there is one."""
        save_tensor_file(self.preview_path, {"format": PREVIEW_FORMAT, "epoch": epoch, "step": step,
                                             "samples": samples.cpu()})

    def load_preview(self) -> dict[str, Any]:
        return load_tensor_file(self.preview_path, PREVIEW_FORMAT)

    def remove_preview(self) -> None:
        self.preview_path.unlink(missing_ok=True)


def list_runs(root: str | Path | None = None) -> list[RunInfo]:
    """Every run under the root, newest first (broken ones last); folders without run.json are not runs.

    A run whose run.json is corrupt is listed as broken, with the reason, so that it can be seen
    and deleted rather than silently hidden."""
    root = Path(root) if root is not None else default_checkpoints_dir()
    if not root.is_dir():
        return []
    runs = []
    for folder in root.iterdir():
        if not is_run_folder(folder):
            continue
        try:
            run = RunDir(folder.name, root)
        except RunNameError:
            continue  # a folder the app did not make (and cannot name safely)
        try:
            runs.append(run.info())
        except CheckpointError as error:
            runs.append(RunInfo.of_broken(run.name, error))
        except (TypeError, ValueError, AttributeError) as error:  # run.json parses but a value has the wrong type
            runs.append(RunInfo.of_broken(run.name, CorruptFileError(
                f"{run.info_path} has a bad value ({error}); delete this run or restore the file",
                file=run.info_path.name)))
    return sorted(runs, key=lambda run: run.created, reverse=True)


def delete_run(name: str, root: str | Path | None = None, by: Actor | None = None) -> None:
    """Remove a run's folder. Refused for a shipped run (the pages open on it), for someone else's run (when
    `by` is given; None is the machine's owner) and for a run that a live process is training. The CLI, the
    job manager and the app all delete through here, so each deletion is written to the audit log here. A run
    whose run.json is corrupt can be deleted too (nothing can train it; its owner is unknown, so only the
    machine's owner or a teacher may)."""
    run = RunDir(name, root)
    try:
        info = run.read_info()
    except CorruptFileError:
        info = {}
    check_not_shipped(info, run.name, "delete")
    check_manage(by or Actor.machine(), run.name, str(info.get("owner") or ""), "delete")
    if run.owner_alive(info):  # the lock of the process training it (this one included)
        raise CheckpointError(f"run {name!r} is training right now; stop it before deleting it", code="delete_running", name=name)
    shutil.rmtree(run.path)
    AuditLog(run.root).write(by, "delete", run.name, owner=str(info.get("owner") or ""))


def rename_run(name: str, new_name: str, root: str | Path | None = None, by: Actor | None = None) -> RunDir:
    """Give a saved run another folder name (its files are unchanged; run.json's "name" follows).
    Refused like `delete_run`, and when the new name is taken or not a valid run name. Written to the audit log."""
    run = RunDir(name, root)
    target = RunDir(new_name, run.root)
    info = run.read_info()
    check_not_shipped(info, run.name, "rename")
    check_manage(by or Actor.machine(), run.name, str(info.get("owner") or ""), "rename")
    if run.owner_alive(info):
        raise CheckpointError(f"run {name!r} is training right now; stop it before renaming it", code="run_busy", name=name)
    if target.path.exists():
        raise RunNameError(f"a run named {target.name!r} already exists; choose another name", code="run_exists",
                           name=target.name)
    if target.name == run.name:
        return run
    os.rename(run.path, target.path)
    target.update_info(name=target.name)
    AuditLog(run.root).write(by, "rename", run.name, to=target.name, owner=str(info.get("owner") or ""))
    return target


def copy_run(name: str, new_name: str, root: str | Path | None = None, owner: str = "") -> RunDir:
    """A copy of a saved run under a new name, owned by `owner` and never shipped: how a student trains
    on from a shipped run without changing its tracked files. Written beside, then renamed into place."""
    run = RunDir(name, root)
    target = RunDir(new_name, run.root)
    info = run.read_info()
    if not run.checkpoint_path.is_file():
        raise CheckpointError(f"run {run.name!r} has no checkpoint to copy yet", code="no_checkpoint", name=run.name)
    if target.path.exists():
        raise RunNameError(f"a run named {target.name!r} already exists; choose another name", code="run_exists",
                           name=target.name)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=run.root))
    try:
        shutil.copytree(run.path, staging, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.tmp", "*.lock", run.preview_path.name))
        copied = {key: value for key, value in info.items() if key not in ("shipped", "pid", "host", "stopped_by")}
        copied.update(name=target.name, owner=owner, copied_from=run.name, created=now_iso(),
                      status="stopped" if info.get("status") == "running" else info.get("status", "stopped"))
        text = json.dumps({**copied, "updated": now_iso()}, indent=2, ensure_ascii=False) + "\n"
        (staging / INFO_FILE).write_text(text, encoding="utf-8")
        os.rename(staging, target.path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def pick_default_run(runs: Iterable[RunInfo]) -> RunInfo | None:
    """The run a page should open with: a shipped one (the default model's first: the lecture's GAN before
    the conditional one), else the newest finished, else the newest with at least one epoch. `runs` come
    newest first, as `list_runs` returns them."""
    runs = [run for run in runs if run.epochs_done >= 1]
    for wanted in (lambda r: r.shipped and r.model == DEFAULT_MODEL, lambda r: r.shipped,
                   lambda r: r.status == "finished", lambda r: True):
        found = next((run for run in runs if wanted(run)), None)
        if found is not None:
            return found
    return None


def suggest_run_name(prefix: str, root: str | Path | None = None, taken: Iterable[str] = ()) -> str:
    """`<prefix>-1`, `<prefix>-2`, ...: the first name that no run folder and no queued job has."""
    root = Path(root) if root is not None else default_checkpoints_dir()
    taken = set(taken)
    number = 1
    while f"{prefix}-{number}" in taken or (root / f"{prefix}-{number}").exists():
        number += 1
    return f"{prefix}-{number}"


def run_archive(name: str, root: str | Path | None = None) -> bytes:
    """The whole run folder as a .zip (run.json, checkpoint.pt, epochs/), to carry it to another machine
    (not preview.pt: it stands in only until the first epoch is recorded).

    Stored, not compressed: the tensors barely compress and a classroom laptop should not wait.
    """
    run = RunDir(name, root)
    run.read_info()  # a clear error for a missing run
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(run.path.rglob("*")):
            if path.is_file() and not written_while_training(path.name):
                archive.write(path, arcname=str(Path(run.name) / path.relative_to(run.path)))
    return buffer.getvalue()
