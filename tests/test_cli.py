"""The CLI end to end, as a user types it, on tiny settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from .helpers import gan


TINY = ["--batch-size", "500", "--latent-dim", "16", "--device", "cpu"]


def test_train_resume_sample_and_list(checkpoints: Path, tmp_path: Path) -> None:
    first = gan(checkpoints, "train", "--model", "dcgan", "--epochs", "1", "--run", "demo", *TINY)
    assert first.returncode == 0, first.stderr
    assert "epoch 1/1" in first.stderr and "finished" in first.stderr

    second = gan(checkpoints, "train", "--run", "demo", "--resume", "--epochs", "2", "--quiet")
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert torch.load(checkpoints / "demo" / "checkpoint.pt", weights_only=True)["epoch"] == 2

    png, pt, npy = tmp_path / "grid.png", tmp_path / "s.pt", tmp_path / "s.npy"
    assert gan(checkpoints, "sample", "--run", "demo", "--n", "64", "--out", str(png)).returncode == 0
    assert Image.open(png).size[0] > 28 * 8
    assert gan(checkpoints, "sample", "--run", "demo", "--n", "5", "--seed", "3", "--out", str(pt)).returncode == 0
    tensor = torch.load(pt, weights_only=True)
    assert tensor.shape == (5, 1, 28, 28) and tensor.dtype == torch.float32 and tensor.abs().max() <= 1
    assert gan(checkpoints, "sample", "--run", "demo", "--n", "5", "--seed", "3", "--epoch", "2", "--out", str(npy)).returncode == 0
    assert np.allclose(np.load(npy), tensor.numpy(), atol=1e-2)  # epoch-2 snapshot in float16 vs the checkpoint

    listing = gan(checkpoints, "runs")
    assert listing.returncode == 0
    assert "demo" in listing.stdout and "finished" in listing.stdout and "2/2" in listing.stdout


def test_max_seconds_stops_with_a_checkpoint(checkpoints: Path) -> None:
    result = gan(checkpoints, "train", "--run", "timed", "--epochs", "500", "--max-seconds", "2", "--quiet", *TINY)
    assert result.returncode == 0, result.stderr
    status = (checkpoints / "timed" / "run.json").read_text()
    assert '"status": "stopped"' in status
    assert (checkpoints / "timed" / "checkpoint.pt").is_file()


@pytest.mark.parametrize("kind", ["gaussian-independent", "gaussian-full"])
def test_baseline_writes_each_format(checkpoints: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "b.npy"
    result = gan(checkpoints, "baseline", "--kind", kind, "--n", "7", "--seed", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    array = np.load(out)
    assert array.shape == (7, 1, 28, 28) and array.min() >= -1 and array.max() <= 1


@pytest.mark.parametrize("args, expected", [
    (["train", "--run", "x", "--batch-size", "6000"], "batch size 6000 is larger"),
    (["train", "--run", "x", "--model", "gpt"], "unknown model 'gpt'"),
    (["train", "--run", "x", "--lr-g", "-1"], "learning rate of G"),
    (["train", "--run", "../evil"], "run name '../evil' is not allowed"),
    (["train", "--run", "x", "--epochs", "two"], "invalid int value: 'two'"),
    (["train", "--run", "ghost", "--resume"], "there is no run named 'ghost'"),
    (["sample", "--run", "ghost", "--out", "x.png"], "there is no run named 'ghost'"),
    (["sample", "--run", "ghost", "--out", "x.jpg"], "must end in .png, .pt, .npy"),
    (["baseline", "--kind", "gaussian-full", "--n", "0", "--out", "x.png"], "--n must be between 1"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_input_exits_2_with_one_line_and_no_traceback(checkpoints: Path, args: list[str], expected: str) -> None:
    result = gan(checkpoints, *args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (checkpoints / "x").exists()


def test_train_with_metrics_records_and_prints_fid_each_epoch(checkpoints: Path) -> None:
    result = gan(checkpoints, "train", "--run", "measured", "--epochs", "1", "--metrics", *TINY)
    assert result.returncode == 0, result.stderr
    assert "FID" in result.stderr and "digits, confidence" in result.stderr
    record = torch.load(checkpoints / "measured" / "checkpoint.pt", weights_only=True)["history"]["epochs"][0]
    assert record["fid"] > record["fid_ratio"] > 1 and len(record["class_histogram"]) == 10
