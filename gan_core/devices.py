"""Which device to train on, and a human description of what this machine has."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from dataclasses import dataclass
from typing import Callable

import torch

from .errors import ConfigError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


def mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(choice: str) -> torch.device:
    """Turn `auto|cpu|cuda|mps` into a device that exists here; auto prefers cuda, then mps, then cpu."""
    if choice not in DEVICE_CHOICES:
        raise ConfigError(f"device must be one of {', '.join(DEVICE_CHOICES)}, got {choice!r}", code="device_unknown", device=choice)
    if choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' was asked for but this machine has no CUDA GPU; use --device cpu or auto", code="device_no_cuda")
    if choice == "mps" and not mps_available():
        raise ConfigError("device 'mps' was asked for but this machine has no Apple GPU; use --device cpu or auto", code="device_no_mps")
    return torch.device(choice)


def device_here(recorded: str) -> str:
    """The device a saved run continues on here: the one it recorded when this machine has it, else "auto" (this
    machine's best). A run's device is history, not a demand: one trained on a GPU opens, samples and resumes on
    a laptop. An unknown name stays as it is, for validation to refuse."""
    if recorded not in DEVICE_CHOICES:
        return recorded
    try:
        resolve_device(recorded)
    except ConfigError:
        return "auto"
    return recorded


def set_matmul_precision(device: torch.device, tf32: bool) -> None:
    """TensorFloat-32 matrix products on CUDA, or full float32 (cuDNN convolutions use TF32 already).

    The flag is process-wide, so it is set once, when a trainer is made, never per step: a job's
    worker process trains one run; in a notebook the last trainer made decides. Elsewhere: no effect.
    """
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = tf32


def queued_work_done(device: torch.device) -> "torch.cuda.Event | None":
    """A mark after the work queued on `device` so far; `.synchronize()` on it sleeps until the GPU gets there.

    CUDA's own waits (a copy to the host, `torch.cuda.synchronize`) spin on a CPU core until the GPU is done. One
    run alone hardly notices; thirty runs of a class sharing one GPU each wait most of the time, and thirty spinning
    workers keep every CPU core of the box busy, starving the pages. A blocking event puts the waiting thread to
    sleep instead. None elsewhere."""
    if device.type != "cuda":
        return None
    done = torch.cuda.Event(blocking=True)
    done.record()
    return done


def wait_without_spinning(device: torch.device) -> None:
    """Sleep (not spin) until the work queued on a CUDA device so far is done; nothing to wait for elsewhere."""
    done = queued_work_done(device)
    if done is not None:
        done.synchronize()


# NVIDIA's Multi-Process Service (MPS): a control daemon (`nvidia-cuda-mps-control -d`) and a server through
# which every CUDA process of the user runs, so kernels of different processes run on the GPU at the same
# time instead of in turns. CUDA uses it by itself whenever the daemon runs; clients find it through
# $CUDA_MPS_PIPE_DIRECTORY (default /tmp/nvidia-mps), where the daemon listens on "control".
MPS_PIPE_ENV = "CUDA_MPS_PIPE_DIRECTORY"
MPS_DEFAULT_PIPE_DIRECTORY = "/tmp/nvidia-mps"
_MPS_DAEMON_NAMES = ("nvidia-cuda-mps-control", "nvidia-cuda-mps")  # /proc/*/comm keeps 15 characters


def nvidia_mps_running() -> bool:
    """Whether an NVIDIA MPS control daemon serves this machine's CUDA processes. Its pipe directory holds the
    `control` socket and `nvidia-cuda-mps-control.pid`; a stale directory (a daemon killed without `quit`)
    keeps them, so the daemon itself is looked for: the process of that pid, else (a daemon outside this
    process's view, such as a host's shared into a container) a connection to the socket. Never starts CUDA."""
    folder = os.environ.get(MPS_PIPE_ENV) or MPS_DEFAULT_PIPE_DIRECTORY
    control = os.path.join(folder, "control")
    if not os.path.exists(control):
        return False
    with contextlib.suppress(OSError, ValueError):
        with open(os.path.join(folder, "nvidia-cuda-mps-control.pid")) as pid_file:
            pid = int(pid_file.read().strip())
        with open(f"/proc/{pid}/comm") as comm:
            if comm.read().strip() in _MPS_DAEMON_NAMES:
                return True
    for kind in (socket.SOCK_SEQPACKET, socket.SOCK_STREAM):
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, kind) as probe:
            probe.settimeout(1.0)
            probe.connect(control)
            return True
    return False


@dataclass(frozen=True)
class DeviceInfo:
    """One device a user can pick, with words to show them."""

    choice: str  # the value for TrainConfig.device
    description: str  # e.g. "NVIDIA H100 80GB HBM3" or "CPU, 4 cores"


def cpu_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def available_devices() -> list[DeviceInfo]:
    """The devices of this machine, best first (the one `auto` picks comes first)."""
    found = []
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            name = torch.cuda.get_device_name(index)
            found.append(DeviceInfo("cuda", name if index == 0 else f"{name} (#{index})"))
        found = found[:1]  # the trainer uses the first GPU
    if mps_available():
        found.append(DeviceInfo("mps", "Apple GPU (MPS)"))
    found.append(DeviceInfo("cpu", f"CPU, {cpu_cores()} cores"))
    return found


# --- where runs train ------------------------------------------------------------------------------
# A server whose runs train on a cluster offers the cluster's devices, not its own: a laptop without a GPU
# serves a class that trains on a GPU box. Set once by the process that serves (the job manager's
# configuration), never by a session; None means this machine.
_training_devices: Callable[[], list[DeviceInfo]] | None = None
_training_devices_lock = threading.Lock()


def use_training_devices(source: Callable[[], list[DeviceInfo]] | None) -> None:
    """Say where this process's runs train: `source()` lists the devices there, best first (None: this machine)."""
    global _training_devices
    with _training_devices_lock:
        _training_devices = source


def training_devices() -> list[DeviceInfo]:
    """The devices a run started here can train on, best first: this machine's, or a cluster's."""
    source = _training_devices
    return source() if source is not None else available_devices()


def training_device_type(choice: str) -> str:
    """The kind of device ("cpu", "cuda", "mps") a run asking for `choice` trains on: `resolve_device` of this
    machine, or where runs train on a cluster (`auto` prefers its GPUs). ConfigError when there is none."""
    source = _training_devices
    if source is None:
        return resolve_device(choice).type
    if choice not in DEVICE_CHOICES:
        raise ConfigError(f"device must be one of {', '.join(DEVICE_CHOICES)}, got {choice!r}", code="device_unknown", device=choice)
    kinds = [device.choice for device in source()]
    if choice == "auto":
        return kinds[0] if kinds else "cpu"
    if choice not in kinds:
        raise ConfigError(f"device {choice!r} was asked for but the cluster that trains the runs has none; use "
                          f"{' or '.join(kinds + ['auto'])}", code="device_not_on_cluster", device=choice)
    return choice
