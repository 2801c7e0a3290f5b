"""The Progression GIF reads from the back of a room and stays small."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

from gan_core.runs.checkpoints import RunDir
from gan_core.images import GIF_MAX_FRAMES, gif_bytes, grid, thin_evenly

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


def test_a_100_epoch_gif_is_labelled_on_every_frame_and_a_few_megabytes_at_most() -> None:
    shipped = RunDir("pretrained-sngan", ROOT / "checkpoints")
    epochs = shipped.snapshot_epochs()
    assert len(epochs) == 100
    frames = []
    for epoch in epochs:
        samples = shipped.load_snapshot(epoch)["samples"]  # (64, 28, 28) uint8, as the pages draw them
        images = samples.float().div(127.5).sub(1).reshape(-1, 1, 28, 28)
        frames.append(np.asarray(Image.fromarray(grid(images, columns=8)).resize((480, 480), Image.NEAREST)))
    labels = [f"Epoch {e} of {epochs[-1]}" for e in epochs]
    data = gif_bytes(frames, labels=labels)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "progression.gif").write_bytes(data)
    assert len(data) < 3 * 2**20, len(data)  # the issue measured 4.8 MB unlabelled
    gif = Image.open(io.BytesIO(data))
    shown = [frame.convert("L").copy() for frame in ImageSequence.Iterator(gif)]
    assert len(shown) == GIF_MAX_FRAMES
    shown[-1].save(ARTIFACTS / "progression-last-frame.png")
    unlabelled = Image.open(io.BytesIO(gif_bytes(frames[:1]))).convert("L")
    band = shown[0].height - unlabelled.height
    assert band >= 36  # a band of text above every frame
    for frame in shown:  # every frame has dark label pixels in its band, and they differ as the epoch changes
        assert (np.asarray(frame)[:band - 6] < 100).sum() > 100
    assert not np.array_equal(np.asarray(shown[0])[:band], np.asarray(shown[-1])[:band])


def test_thinning_keeps_the_first_and_the_last_epoch() -> None:
    assert thin_evenly(10) == list(range(10))
    kept = thin_evenly(100, 50)
    assert len(kept) == 50 and kept[0] == 0 and kept[-1] == 99
