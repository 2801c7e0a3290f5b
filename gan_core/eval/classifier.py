"""A small digit classifier: the ruler that GAN Lab's sample-quality metrics are measured with.

A GAN has no loss that says "these are good digits". So we train an ordinary CNN on the
embedded MNIST digits, keep a held-out split it never sees, and judge samples through it:
which digit it thinks each sample is, how sure it is, and how its penultimate features of
the samples are spread compared with those of real held-out digits (FID, in `metrics.py`).

The held-out split is defined here, once, and used by everything (training the classifier,
FID's real statistics, the real-data floor). The trained classifier ships as
`checkpoints/digit-classifier.pt`; `python -m gan_core train-classifier` rebuilds it.
"""

from __future__ import annotations

import functools
import math
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch
import torch.nn.functional as F
from torch import nn

from ..runs.checkpoints import PROJECT_CHECKPOINTS, load_tensor_file, now_iso, save_tensor_file
from ..data import ImageDataset, load_dataset
from ..errors import CheckpointError

CLASSIFIER_FORMAT = "gan-lab-digit-classifier"
CLASSIFIER_PATH = PROJECT_CHECKPOINTS / "digit-classifier.pt"
REBUILD_HINT = "rebuild it with `python -m gan_core train-classifier` (about a minute on a laptop CPU)"
MIN_ACCURACY = 0.97

# The held-out split of mnist-5k: HELD_OUT_PER_CLASS digits of each class, picked with SPLIT_SEED.
HELD_OUT_PER_CLASS = 100
SPLIT_SEED = 0
NUM_CLASSES = 10


# --- the split ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DigitSplit:
    """mnist-5k cut in two: `train` (4,000 digits) teaches the classifier, `held_out` (1,000) judges it.

    The indices point into `load_dataset("mnist-5k")`, so a digit can be traced back to its original.
    """

    train: ImageDataset
    held_out: ImageDataset
    train_indices: torch.Tensor  # int64, sorted
    held_out_indices: torch.Tensor  # int64, sorted


@functools.lru_cache(maxsize=1)
def digit_split() -> DigitSplit:
    """The one held-out split (100 per class, seeded): the same on every machine and every call."""
    data = load_dataset("mnist-5k")
    rng = torch.Generator().manual_seed(SPLIT_SEED)
    held = []
    for digit in range(NUM_CLASSES):
        members = (data.labels == digit).nonzero().view(-1)
        held.append(members[torch.randperm(len(members), generator=rng)[:HELD_OUT_PER_CLASS]])
    held_out = torch.cat(held).sort().values
    is_train = torch.ones(len(data), dtype=torch.bool)
    is_train[held_out] = False
    train = is_train.nonzero().view(-1)
    return DigitSplit(
        train=ImageDataset(data.name, data.images[train], data.labels[train]),
        held_out=ImageDataset(data.name, data.images[held_out], data.labels[held_out]),
        train_indices=train, held_out_indices=held_out,
    )


# --- the network ------------------------------------------------------------------------------
class DigitClassifier(nn.Module):
    """Three conv blocks (28 -> 14 -> 7 -> 3), a `feature_dim` layer (used for FID), then 10 logits.

    No label smoothing and no temperature: its softmax confidence on real held-out digits is
    close to 1, so "mean confidence" of samples means something.
    """

    def __init__(self, width: int = 32, feature_dim: int = 128):
        super().__init__()
        self.width, self.feature_dim = width, feature_dim

        def block(inputs: int, outputs: int) -> list[nn.Module]:
            return [nn.Conv2d(inputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs), nn.ReLU(), nn.MaxPool2d(2)]

        self.body = nn.Sequential(
            *block(1, width), *block(width, 2 * width), *block(2 * width, 2 * width),
            nn.Flatten(), nn.Linear(2 * width * 3 * 3, feature_dim), nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(feature_dim, NUM_CLASSES))

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        """Penultimate features (N, feature_dim): what FID compares."""
        return self.body(images)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(images))


# --- training ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClassifierSettings:
    """How the shipped classifier was trained; recorded in its file."""

    epochs: int = 12
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-4
    max_rotation_degrees: float = 10.0
    max_shift_pixels: float = 2.0
    max_scale_change: float = 0.1
    max_pixel_noise: float = 0.3  # standard deviation, in [-1, 1] units
    outlier_weight: float = 0.5  # weight of the "don't know" loss on non-digits (outlier exposure)
    seed: int = 0


def augment(images: torch.Tensor, settings: ClassifierSettings, rng: torch.Generator) -> torch.Tensor:
    """Small random rotations, shifts, zooms and pixel noise, so the classifier knows digits, not these 4,000 images."""
    n = len(images)
    angle = (torch.rand(n, generator=rng) * 2 - 1) * math.radians(settings.max_rotation_degrees)
    scale = 1 + (torch.rand(n, generator=rng) * 2 - 1) * settings.max_scale_change
    shift = (torch.rand(n, 2, generator=rng) * 2 - 1) * settings.max_shift_pixels * 2 / 28  # in [-1, 1] grid units
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    # grid_sample fills outside pixels with 0; shifting to [0, 2] makes that the black background (-1).
    moved = F.grid_sample(images + 1, grid, align_corners=False, padding_mode="zeros") - 1
    noise_level = torch.rand(n, 1, 1, 1, generator=rng) * settings.max_pixel_noise
    return (moved + noise_level * torch.randn(moved.shape, generator=rng)).clamp(-1, 1)


def non_digits(images: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """Images that are not digits, made from a batch of digits, a quarter of each kind:
    - pixel-shuffled digits: a digit's ink scattered at random;
    - patch-shuffled digits: 7x7 pieces of strokes in a random order, like an untrained generator;
    - superposed digits: the average of 3 to 10 digits plus pixel noise, a blurry ghost of "some digit";
    - smooth random blobs: noise, blurred.
    The classifier learns to answer "don't know" (equal probabilities) on them: outlier exposure.
    Without it a CNN calls pure noise "8" with 100% confidence, and mean confidence would mean nothing.
    (Real digits are trained with pixel noise too, so the line it learns is about shape, not noise.)
    """
    n = len(images)
    quarter = n // 4
    flat = images.reshape(n, -1)

    scattered = torch.gather(flat[:quarter], 1, torch.argsort(torch.rand(quarter, flat.shape[1], generator=rng), dim=1))

    patches = images[quarter:2 * quarter].reshape(-1, 4, 7, 4, 7).permute(0, 1, 3, 2, 4).reshape(-1, 16, 7, 7)
    order = torch.argsort(torch.rand(len(patches), 16, generator=rng), dim=1)
    patches = torch.gather(patches, 1, order.view(-1, 16, 1, 1).expand(-1, -1, 7, 7))
    shuffled = patches.reshape(-1, 4, 4, 7, 7).permute(0, 1, 3, 2, 4).reshape(-1, 28 * 28)

    how_many = torch.randint(3, 11, (quarter, 1), generator=rng)
    rank = torch.argsort(torch.argsort(torch.rand(quarter, n, generator=rng), dim=1), dim=1)
    chosen = (rank < how_many).float()  # exactly 3..10 different digits of the batch per ghost
    ghosts = (chosen / how_many) @ flat
    ghosts = ghosts + torch.randn(ghosts.shape, generator=rng) * torch.rand(quarter, 1, generator=rng) * 0.6

    count = n - 3 * quarter
    noise = F.avg_pool2d(torch.randn(count, 1, 28, 28, generator=rng), 5, stride=1, padding=2, count_include_pad=False) * 3
    offset = torch.rand(count, 1, 1, 1, generator=rng) * 2 - 1.5  # mostly dark, as digits are
    blobs = (noise * torch.rand(count, 1, 1, 1, generator=rng) + offset).reshape(count, -1)

    return torch.cat([scattered, shuffled, ghosts, blobs]).clamp(-1, 1).view(-1, 1, 28, 28)


@torch.no_grad()
def accuracy(model: nn.Module, data: ImageDataset, batch_size: int = 500) -> tuple[float, list[float]]:
    """Overall and per-class accuracy of `model` on `data`."""
    was_training = model.training
    model.eval()
    predictions = torch.cat([model(data.images[i:i + batch_size]).argmax(1) for i in range(0, len(data), batch_size)])
    model.train(was_training)
    correct = predictions == data.labels
    per_class = [float(correct[data.labels == c].float().mean()) for c in range(NUM_CLASSES)]
    return float(correct.float().mean()), per_class


def train_classifier(
    settings: ClassifierSettings = ClassifierSettings(),
    on_epoch: Callable[[int, float, float], None] | None = None,
) -> tuple[DigitClassifier, dict[str, Any]]:
    """Train a classifier on the split's 4,000 training digits; returns it and its report.

    Deterministic for a seed on one machine and thread count (CPU). The held-out digits are
    only used to measure the finished model, never to choose anything during training.
    `on_epoch(epoch, mean_loss, held_out_accuracy)` is called after each epoch.
    """
    # the seed sets weight init and dropout through torch's global generator: the caller's is restored after
    with torch.random.fork_rng(devices=[]):
        split = digit_split()
        torch.manual_seed(settings.seed)
        rng = torch.Generator().manual_seed(settings.seed + 1)  # shuffles and augmentation
        model = DigitClassifier()
        optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
        steps_per_epoch = math.ceil(len(split.train) / settings.batch_size)
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.lr, total_steps=settings.epochs * steps_per_epoch)
        started = time.perf_counter()
        model.train()
        for epoch in range(1, settings.epochs + 1):
            order = torch.randperm(len(split.train), generator=rng)
            losses = []
            for start in range(0, len(order), settings.batch_size):
                batch = order[start:start + settings.batch_size]
                images = augment(split.train.images[batch], settings, rng)
                outliers = non_digits(split.train.images[batch], rng)
                logits = model(torch.cat([images, outliers]))
                digit_loss = F.cross_entropy(logits[:len(batch)], split.train.labels[batch])
                dont_know_loss = -F.log_softmax(logits[len(batch):], dim=1).mean()  # cross-entropy to uniform
                loss = digit_loss + settings.outlier_weight * dont_know_loss
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                losses.append(loss.item())
            if on_epoch is not None:
                on_epoch(epoch, sum(losses) / len(losses), accuracy(model, split.held_out)[0])
        model.eval()
        held_out_accuracy, per_class = accuracy(model, split.held_out)
        report = {
            "held_out_accuracy": held_out_accuracy,
            "held_out_per_class_accuracy": per_class,
            "train_accuracy": accuracy(model, split.train)[0],
            "held_out_per_class": HELD_OUT_PER_CLASS,
            "split_seed": SPLIT_SEED,
            "settings": settings.__dict__.copy(),
            "train_seconds": round(time.perf_counter() - started, 1),
            "torch_threads": torch.get_num_threads(),
            "trained_with": f"torch {torch.__version__}, python {platform.python_version()}, {platform.machine()}",
            "created": now_iso(),
        }
        return model, report


    # --- the shipped file -----------------------------------------------------------------------------
def save_classifier(model: DigitClassifier, report: dict[str, Any], path: Path = CLASSIFIER_PATH) -> None:
    """Write the classifier (weights and its report) atomically; later loads in this process see it."""
    save_tensor_file(Path(path), {
        "format": CLASSIFIER_FORMAT, "version": 1,
        "architecture": {"width": model.width, "feature_dim": model.feature_dim},
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "report": report,
    })
    _load_cached.cache_clear()


@dataclass(frozen=True)
class LoadedClassifier:
    """The classifier in eval mode on the CPU, with the report saved beside it."""

    model: DigitClassifier
    report: dict[str, Any]
    path: Path

    @property
    def held_out_accuracy(self) -> float:
        return float(self.report["held_out_accuracy"])


def load_classifier(path: Path | str | None = None) -> LoadedClassifier:
    """The shipped classifier (or the one at `path`), loaded safely once per process.

    A missing, corrupt or foreign file, or one made for another held-out split, raises a
    CheckpointError with one line saying how to rebuild it.
    """
    return _load_cached(str(Path(path) if path is not None else CLASSIFIER_PATH))


@functools.lru_cache(maxsize=2)
def _load_cached(path_text: str) -> LoadedClassifier:
    path = Path(path_text)
    if not path.is_file():
        raise CheckpointError(f"the digit classifier {path} is missing; {REBUILD_HINT}", code="classifier_broken")
    try:
        payload = load_tensor_file(path, CLASSIFIER_FORMAT)
    except CheckpointError:
        raise CheckpointError(f"the digit classifier {path} cannot be loaded (corrupt or not a classifier file); "
                              f"{REBUILD_HINT}", code="classifier_broken") from None
    try:
        report = payload["report"]
        split = (report["held_out_per_class"], report["split_seed"])
        model = DigitClassifier(**payload["architecture"])
        model.load_state_dict(payload["state_dict"])
    except (KeyError, TypeError, RuntimeError):
        raise CheckpointError(f"the digit classifier {path} does not match this version of GAN Lab; {REBUILD_HINT}", code="classifier_broken") from None
    if split != (HELD_OUT_PER_CLASS, SPLIT_SEED):
        raise CheckpointError(f"the digit classifier {path} was trained on another held-out split; {REBUILD_HINT}", code="classifier_broken")
    model.eval().requires_grad_(False)
    return LoadedClassifier(model, report, path)
