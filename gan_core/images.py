"""Turning image tensors into things people look at: grids, PNG, GIF, .pt and .npy files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .errors import GanLabError

OUTPUT_SUFFIXES = (".png", ".pt", ".npy")


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """(N, 1, 28, 28) in [-1, 1] -> uint8 (N, 28, 28), 0 black, 255 white."""
    pixels = ((images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round()
    return pixels.to(torch.uint8).reshape(len(images), images.shape[-2], images.shape[-1]).numpy()


def grid(images: torch.Tensor | np.ndarray, columns: int | None = None, padding: int = 2, scale: int = 1) -> np.ndarray:
    """Tile images into one uint8 picture, `scale` times larger without blur (nearest neighbour).

    Accepts float tensors in [-1, 1] or uint8 arrays (N, H, W). Padding is mid grey so black
    backgrounds of digits stay distinguishable from the gaps.
    """
    tiles = images if isinstance(images, np.ndarray) else to_uint8(images)
    count, height, width = tiles.shape
    columns = columns or int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    canvas = np.full((rows * (height + padding) + padding, columns * (width + padding) + padding), 96, np.uint8)
    for index in range(count):
        top = padding + (index // columns) * (height + padding)
        left = padding + (index % columns) * (width + padding)
        canvas[top:top + height, left:left + width] = tiles[index]
    return upscale(canvas, scale)


def upscale(picture: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour enlargement: each pixel becomes a scale x scale block (no blur)."""
    return picture if scale == 1 else np.kron(picture, np.ones((scale, scale), np.uint8))


def png_bytes(picture: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    return buffer.getvalue()


def gif_bytes(frames: list[np.ndarray], seconds_per_frame: float = 0.5, last_frame_seconds: float = 2.0) -> bytes:
    """An endlessly looping GIF; the last frame stays longer so the final result can be seen."""
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    durations = [int(seconds_per_frame * 1000)] * (len(frames) - 1) + [int(last_frame_seconds * 1000)]
    pictures = [Image.fromarray(frame) for frame in frames]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations, loop=0)
    return buffer.getvalue()


def check_output_path(path: str | Path) -> Path:
    """Refuse an output file whose suffix we cannot write, before any work is done."""
    path = Path(path)
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise GanLabError(f"cannot write {path.name!r}: the output must end in {', '.join(OUTPUT_SUFFIXES)}", code="output_suffix", name=path.name)
    if path.parent != Path("") and not path.parent.is_dir():
        raise GanLabError(f"cannot write {path}: the folder {path.parent} does not exist", code="output_folder", folder=str(path.parent))
    return path


def save_images(images: torch.Tensor, path: str | Path, scale: int = 2) -> Path:
    """Write images (N, 1, 28, 28) in [-1, 1]: .png as one grid, .pt as a float tensor, .npy as an array."""
    path = check_output_path(path)
    suffix = path.suffix.lower()
    images = images.detach().float().cpu()
    if suffix == ".png":
        Image.fromarray(grid(images, scale=scale)).save(path)
    elif suffix == ".pt":
        torch.save(images.contiguous(), path)
    else:
        np.save(path, images.numpy())
    return path
