"""Turning image tensors into things people look at: grids, PNG, GIF, .pt and .npy files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

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


GIF_MAX_FRAMES = 50  # 100 epochs in 50 frames: the progress reads the same, the file is half the size


def thin_evenly(count: int, limit: int = GIF_MAX_FRAMES) -> list[int]:
    """Indices of at most `limit` of `count` items, evenly spread, always with the first and the last."""
    if count <= limit:
        return list(range(count))
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


def _label_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf"):  # Cyrillic too
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def labelled_frame(frame: np.ndarray, label: str, progress: float) -> Image.Image:
    """A frame with a band on top: its label in large type and a bar of how far through training it is."""
    picture = Image.fromarray(frame).convert("L")
    band = max(36, picture.width // 11)
    out = Image.new("L", (picture.width, picture.height + band), 255)
    out.paste(picture, (0, band))
    draw = ImageDraw.Draw(out)
    draw.rectangle([0, band - 6, int(picture.width * progress), band - 1], fill=90)
    draw.text((10, (band - 6) // 2), label, fill=0, font=_label_font(int(band * 0.6)), anchor="lm")
    return out


def gif_bytes(frames: list[np.ndarray], seconds_per_frame: float = 0.5, last_frame_seconds: float = 2.0,
              labels: list[str] | None = None, max_frames: int = GIF_MAX_FRAMES) -> bytes:
    """An endlessly looping GIF; the last frame stays longer so the final result can be seen.

    With `labels` (one per frame, e.g. "Epoch 12 of 100") every frame carries its label and a progress bar.
    At most `max_frames` frames, evenly thinned (first and last kept), in 256 greys with GIF's own
    optimisation: the shipped 100-epoch run at 480 px is 2.4 MB (it was 4.8 MB unlabelled, in 100 frames)."""
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    keep = thin_evenly(len(frames), max_frames)
    if labels is not None:
        pictures = [labelled_frame(frames[i], labels[i], (i + 1) / len(frames)) for i in keep]
    else:
        pictures = [Image.fromarray(frames[i]).convert("L") for i in keep]
    durations = [int(seconds_per_frame * 1000)] * (len(pictures) - 1) + [int(last_frame_seconds * 1000)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations, loop=0,
                     optimize=True)
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
