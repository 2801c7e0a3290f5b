"""Which device to train on, and a human description of what this machine has."""

from __future__ import annotations

import os
from dataclasses import dataclass

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
    workers kept a 16-core GPU box 92-99% busy (61-73% idle with blocking waits; bench/classroom_load.py
    --each-trains, README). A blocking event puts the waiting thread to sleep instead. None elsewhere."""
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
