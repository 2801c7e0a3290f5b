"""How good are a generator's digits? Numbers measured through the shipped digit classifier.

For a batch of images (N, 1, 28, 28) in [-1, 1]:

- **FID** (classifier FID): the Frechet distance between Gaussians fitted to the classifier's
  penultimate features of the samples and of the 1,000 real held-out digits. Lower is better.
  It depends on the number of samples, so it is always reported beside the *floor*: the FID
  of the same number of real training digits (which are not in the held-out split). Images in
  which the classifier sees no digit at all map to nearly all-zero features, so FID tops out at
  about 788 ("no digits yet") and does not rank kinds of noise.
- **class histogram**: the share of samples the classifier calls 0, 1, ..., 9. The mode-collapse
  meter: `classes_covered` (classes with at least 2% of the samples) and `kl_to_uniform`
  (0 when every digit is equally common, ln 10 = 2.303 when all samples are one digit).
- **mean confidence**: the classifier's average top probability; real digits score about 0.99,
  noise and blurry ghosts much less.
- **label accuracy** (conditional runs): the share of samples asked to be digit k that the
  classifier reads as k, per digit and their mean: does the model draw the digit it is told?
- **memorisation**: for each sample, the nearest training image (pixel L2) and its distance,
  judged against how close real digits that were held out come to the training set.

`evaluate_images` computes all of it; `epoch_evaluator` is the cheap per-epoch version for
`Trainer(evaluate=...)`; `classify_one` and `nearest_training_image` serve one image in the app.
"""

from __future__ import annotations

import copy
import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from .classifier import NUM_CLASSES, LoadedClassifier, digit_split, load_classifier
from ..data import load_dataset
from ..errors import ConfigError, GanLabError
from ..models import is_conditional
from ..sampling import cycling_labels, generate_images, latent_noise

DEFAULT_SAMPLES = 1_000  # samples per evaluation; the floor uses as many real digits
MIN_SAMPLES, MAX_SAMPLES = 100, 4_000  # at most the training split, so the floor exists for every n
COVERAGE_SHARE = 0.02  # a class counts as covered when it gets at least this share of the samples
DIGIT_DATASETS = ("mnist-5k", "mnist")  # what the digit classifier can judge
REFERENCE_DIGITS = 1_000  # real digits whose nearest-neighbour distance is the memorisation yardstick
TOO_CLOSE_PERCENTILE = 1.0  # a sample is "too close" when nearer than 99% of real unseen digits come
CLOSEST_SHOWN = 5
FLOOR_SUBSETS = 10
EXACT_COPY_DISTANCE = 1e-3  # nearer than this to a training image: a copy of it


# --- the classifier's view of images ------------------------------------------------------------------
@dataclass(frozen=True)
class Classification:
    """What the classifier says about each image."""

    digits: np.ndarray  # int64 (N,): the most likely digit
    confidences: np.ndarray  # float64 (N,): its probability
    probabilities: np.ndarray  # float64 (N, 10)
    features: np.ndarray  # float64 (N, feature_dim): the penultimate layer, for FID


def _as_batch(images: torch.Tensor, keep_gpu: bool = False) -> torch.Tensor:
    """images as a float batch (N, 1, 28, 28) on the CPU (or, with keep_gpu, on the GPU they are on)."""
    images = torch.as_tensor(images).detach()
    images = images if keep_gpu and images.is_cuda else images.float().cpu()
    if images.dim() == 2 and images.shape == (28, 28):
        images = images.view(1, 1, 28, 28)
    elif images.dim() == 3 and images.shape[-2:] == (28, 28):
        images = images.unsqueeze(1)
    if images.dim() != 4 or images.shape[1:] != (1, 28, 28):
        raise ConfigError(f"images must have shape (N, 1, 28, 28), got {tuple(images.shape)}", code="images_shape", shape=tuple(images.shape))
    return images


@torch.no_grad()
def classify(images: torch.Tensor, classifier: LoadedClassifier | None = None, batch_size: int = 500) -> Classification:
    """Run the classifier over images (N, 1, 28, 28) in [-1, 1]: on the GPU they are on, else on the CPU.

    A GPU run's epoch-end metrics are computed on its GPU: on the CPU, a class of runs sharing the machine's cores
    would wait for them in turn at every epoch end. There it computes in float64, so the answer is the CPU's to
    float32 rounding whatever TF32 flags the process has set (a GPU run allows TF32 for its training)."""
    model = (classifier or load_classifier()).model
    images = _as_batch(images, keep_gpu=True)
    if images.is_cuda:
        model, images = _on_gpu(model, images.device), images.double()
    features, logits = [], []
    for start in range(0, len(images), batch_size):
        embedded = model.embed(images[start:start + batch_size])
        features.append(embedded)
        logits.append(model.head(embedded))
    probabilities = torch.cat(logits).double().softmax(1).cpu() if logits else torch.zeros(0, NUM_CLASSES, dtype=torch.float64)
    confidences, digits = probabilities.max(1)
    feature_rows = torch.cat(features).double().cpu() if features else torch.zeros(0, model.feature_dim, dtype=torch.float64)
    return Classification(digits.numpy(), confidences.numpy(), probabilities.numpy(), feature_rows.numpy())


@functools.lru_cache(maxsize=4)
def _on_gpu(model: nn.Module, device: torch.device) -> nn.Module:
    """A float64 copy of the classifier on `device`, made once per process and device."""
    return copy.deepcopy(model).to(device, torch.float64)


def classify_one(image: torch.Tensor) -> tuple[int, float, list[float]]:
    """One image (1, 28, 28), (28, 28) or (1, 1, 28, 28) -> (digit, confidence, the 10 probabilities)."""
    result = classify(image)
    if len(result.digits) != 1:
        raise ConfigError(f"classify_one takes one image, got {len(result.digits)}", code="images_shape", shape=len(result.digits))
    return int(result.digits[0]), float(result.confidences[0]), [float(p) for p in result.probabilities[0]]


# --- FID ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeatureStats:
    """Mean and covariance of feature vectors: the Gaussian that FID compares."""

    mean: np.ndarray
    covariance: np.ndarray

    @classmethod
    def of(cls, features: np.ndarray) -> "FeatureStats":
        return cls(features.mean(0), np.cov(features, rowvar=False))


def frechet_distance(a: FeatureStats, b: FeatureStats) -> float:
    """||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)).

    tr((S_a S_b)^(1/2)) is computed as the sum of square roots of the eigenvalues of the
    symmetric matrix S_a^(1/2) S_b S_a^(1/2), which has the same eigenvalues and is stable.
    """
    root_a = _symmetric_sqrt(a.covariance)
    middle = root_a @ b.covariance @ root_a
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2).clip(min=0)
    value = float(np.sum((a.mean - b.mean) ** 2) + np.trace(a.covariance) + np.trace(b.covariance) - 2 * np.sqrt(eigenvalues).sum())
    return max(value, 0.0)


def _symmetric_sqrt(matrix: np.ndarray) -> np.ndarray:
    eigenvalues, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(eigenvalues.clip(min=0))) @ vectors.T


# Reference values a training worker is handed by the job manager, so thirty workers do not each
# classify 5,000 digits again (see `references` and `use_references`).
_given: dict[str, Any] = {}


def held_out_stats() -> FeatureStats:
    """Feature statistics of the 1,000 real held-out digits (computed once per process)."""
    return _given["held_out"] if "held_out" in _given else _held_out_stats()


@functools.lru_cache(maxsize=1)
def _held_out_stats() -> FeatureStats:
    return FeatureStats.of(classify(digit_split().held_out.images).features)


def references(n: int = 0) -> dict[str, Any]:
    """The held-out statistics, the FID floor of n samples (default: the per-epoch n) and KID's held-out
    terms, to hand to another process with `use_references`: with them a training worker classifies no
    real digit (KID's terms alone cost a worker seconds of CPU at its start)."""
    n = n or EPOCH_SAMPLES
    return {"held_out": held_out_stats(), "floor": {n: fid_floor(n)}, "kid_scale": _feature_scale(),
            "kid_features": _held_out_features(), "kid_kernel_mean": _held_out_kernel_mean()}


def use_references(values: dict[str, Any]) -> None:
    """Take reference values computed by another process (`references`) instead of computing them."""
    _given.update(values)


def save_references(values: dict[str, Any], path: str | Path) -> Path:
    """Write `references()` to a file another process reads with `load_references`: plain arrays, so
    reading it runs no code. (A worker gets the file's name, not the values: 130 KB in the pickle that
    starts a process would make starting it wait until the new interpreter has imported torch.)"""
    floor = values.get("floor", {})
    arrays = {"floor_n": np.array(list(floor), dtype=np.int64), "floor_value": np.array(list(floor.values()), dtype=np.float64)}
    if "held_out" in values:
        arrays.update(held_out_mean=values["held_out"].mean, held_out_covariance=values["held_out"].covariance)
    if "kid_features" in values:
        arrays.update(kid_scale=np.float64(values["kid_scale"]), kid_features=values["kid_features"],
                      kid_kernel_mean=np.float64(values["kid_kernel_mean"]))
    path = Path(path)
    partial = path.with_name(path.name + ".partial.npz")
    np.savez(partial, **arrays)
    os.replace(partial, path)
    return path


def load_references(path: str | Path) -> dict[str, Any]:
    """The values `save_references` wrote."""
    with np.load(path, allow_pickle=False) as saved:
        values: dict[str, Any] = {"floor": {int(n): float(v) for n, v in zip(saved["floor_n"], saved["floor_value"])}}
        if "held_out_mean" in saved:
            values["held_out"] = FeatureStats(saved["held_out_mean"], saved["held_out_covariance"])
        if "kid_features" in saved:
            values.update(kid_scale=float(saved["kid_scale"]), kid_features=saved["kid_features"],
                          kid_kernel_mean=float(saved["kid_kernel_mean"]))
    return values


def fid(features: np.ndarray) -> float:
    """Classifier FID of samples' features against the real held-out digits."""
    return frechet_distance(FeatureStats.of(features), held_out_stats())


KID_SCALE = 1000  # KID is reported x 1000, as is usual: real digits ~0, the independent Gaussian in the hundreds


def _feature_scale() -> float:
    """One number that brings the held-out features to a mean x.x/d of 1, so the cubic kernel stays near 1-10
    (raw, the classifier's large activations cubed let a few samples dominate the estimate)."""
    return _given["kid_scale"] if "kid_scale" in _given else _measured_feature_scale()


@functools.lru_cache(maxsize=1)
def _measured_feature_scale() -> float:
    raw = classify(digit_split().held_out.images).features.astype(np.float64)
    return float(np.sqrt((raw ** 2).sum(1).mean() / raw.shape[1]))


def _held_out_features() -> np.ndarray:
    return _given["kid_features"] if "kid_features" in _given else _measured_held_out_features()


@functools.lru_cache(maxsize=1)
def _measured_held_out_features() -> np.ndarray:
    return classify(digit_split().held_out.images).features.astype(np.float64) / _feature_scale()


def _held_out_kernel_mean() -> float:
    """Mean polynomial kernel between distinct held-out features: KID's real-real term, computed once."""
    return _given["kid_kernel_mean"] if "kid_kernel_mean" in _given else _measured_kernel_mean()


@functools.lru_cache(maxsize=1)
def _measured_kernel_mean() -> float:
    return _off_diagonal_mean(_polynomial_kernel(_held_out_features(), _held_out_features()))


def _polynomial_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a @ b.T / a.shape[1] + 1.0) ** 3


def _off_diagonal_mean(kernel: np.ndarray) -> float:
    n = len(kernel)
    return float((kernel.sum() - np.trace(kernel)) / (n * (n - 1)))


def kid(features: np.ndarray) -> float:
    """Kernel Inception Distance (Binkowski et al. 2018) with the classifier's features, x KID_SCALE: the unbiased
    estimate of the squared MMD, cubic polynomial kernel, between the samples and the 1,000 held-out real digits.

    Unlike FID it has no bias that depends on the number of samples: 500 or 4,000 samples of the same generator
    give the same value up to noise, and real digits score about 0 (it can dip just below). So it is the number to
    compare across sample counts; FID / floor is the familiar one beside it."""
    samples, real = features.astype(np.float64) / _feature_scale(), _held_out_features()
    value = (_off_diagonal_mean(_polynomial_kernel(samples, samples)) + _held_out_kernel_mean()
             - 2 * float(_polynomial_kernel(samples, real).mean()))
    return value * KID_SCALE


def real_training_sample(n: int = DEFAULT_SAMPLES, seed: int = 0) -> torch.Tensor:
    """n real digits from the classifier's training split (never held out), seeded."""
    _check_samples(n)
    return digit_split().train.sample(n, seed)


@functools.lru_cache(maxsize=1)
def _training_features() -> np.ndarray:
    return classify(digit_split().train.images).features


@functools.lru_cache(maxsize=8)
def fid_floor(n: int = DEFAULT_SAMPLES) -> float:
    """The FID of n real training digits: what a perfect generator would score with n samples.

    FID shrinks as n grows (its estimate of a covariance gets better), so samples are only
    compared with a floor of the same n. It is the mean over FLOOR_SUBSETS random subsets:
    one subset alone wobbles by about 20%.
    """
    _check_samples(n)
    if n in _given.get("floor", {}):
        return _given["floor"][n]
    features = _training_features()
    rng = torch.Generator().manual_seed(0)
    return float(np.mean([fid(features[torch.randperm(len(features), generator=rng)[:n].numpy()])
                          for _ in range(FLOOR_SUBSETS)]))


def _check_samples(n: int) -> None:
    if not isinstance(n, int) or not MIN_SAMPLES <= n <= MAX_SAMPLES:
        raise ConfigError(f"the number of samples must be between {MIN_SAMPLES} and {MAX_SAMPLES} "
                          f"(the floor uses as many real training digits), got {n}", code="sample_count", low=MIN_SAMPLES, high=MAX_SAMPLES, n=n)


# --- the class histogram: the mode-collapse meter ------------------------------------------------------------
def class_histogram(digits: np.ndarray) -> np.ndarray:
    """Share of samples per digit 0..9 (sums to 1)."""
    counts = np.bincount(np.asarray(digits, dtype=np.int64), minlength=NUM_CLASSES).astype(np.float64)
    return counts / max(1.0, counts.sum())


def classes_covered(histogram: np.ndarray, share: float = COVERAGE_SHARE) -> int:
    """How many digits get at least `share` of the samples (10: all; 1: collapsed onto one digit)."""
    return int((np.asarray(histogram) >= share).sum())


def kl_to_uniform(histogram: np.ndarray) -> float:
    """KL(histogram || uniform) in nats: 0 when all digits are equally common, ln 10 = 2.303 for one digit."""
    p = np.asarray(histogram, dtype=np.float64)
    present = p > 0
    return float(np.sum(p[present] * np.log(p[present] * NUM_CLASSES)))


# --- label accuracy: does a conditional model draw the digit it is asked for? -----------------------------------
def label_accuracy(digits: np.ndarray, labels: np.ndarray | torch.Tensor) -> list[float]:
    """Per digit 0..9: the share of samples asked to be that digit that the classifier reads as it
    (NaN for a digit nobody asked for)."""
    digits, labels = np.asarray(digits), np.asarray(labels)
    return [float((digits[labels == k] == k).mean()) if (labels == k).any() else float("nan")
            for k in range(NUM_CLASSES)]


# --- memorisation ----------------------------------------------------------------------------------------------
def nearest_neighbours(images: torch.Tensor, training: torch.Tensor, exclude: torch.Tensor | None = None,
                       chunk: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """For each image, the index of the nearest training image (pixel L2) and the exact distance.

    `exclude[i]` (optional) is a training index image i may not match (itself, for leave-one-out).
    """
    queries = _as_batch(images).reshape(len(images), -1)
    pool = training.detach().float().cpu().reshape(len(training), -1)
    best_index = torch.zeros(len(queries), dtype=torch.int64)
    best_squared = torch.full((len(queries),), math.inf)
    query_norms = (queries ** 2).sum(1, keepdim=True)
    for start in range(0, len(pool), chunk):
        part = pool[start:start + chunk]
        squared = query_norms + (part ** 2).sum(1) - 2 * queries @ part.T  # ||a - b||^2, all pairs at once
        if exclude is not None:
            inside = (exclude >= start) & (exclude < start + len(part))
            squared[inside.nonzero().view(-1), exclude[inside] - start] = math.inf
        value, index = squared.min(1)
        better = value < best_squared
        best_squared[better], best_index[better] = value[better], index[better] + start
    exact = (queries - pool[best_index]).norm(dim=1)  # recomputed per pair: an exact copy is exactly 0
    return best_index.numpy(), exact.double().numpy()


@functools.lru_cache(maxsize=2)
def reference_distances(dataset: str = "mnist-5k") -> np.ndarray:
    """Nearest-neighbour distances of 1,000 real digits to the rest of the training set (each one left out).

    This is how close a real digit that the generator never saw typically comes to a training
    image: the yardstick for "this sample is suspiciously close to a training image".
    """
    images = load_dataset(dataset).images
    picked = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))[:REFERENCE_DIGITS]
    return nearest_neighbours(images[picked], images, exclude=picked)[1]


@dataclass(frozen=True)
class Memorisation:
    """Nearest training image of each sample, and how that compares with real unseen digits."""

    nearest_index: np.ndarray  # int64 (N,): index into the training set
    nearest_distance: np.ndarray  # float64 (N,): pixel L2 distance in [-1, 1] units (a blank vs a full image: 56)
    reference_median: float  # median distance of a real held-out digit to the training set
    too_close_threshold: float  # the 1st percentile of those distances
    dataset: str

    @property
    def too_close_fraction(self) -> float:
        """Share of samples nearer to a training image than 99% of real unseen digits come (about 0.01 for real data)."""
        return float((self.nearest_distance < self.too_close_threshold).mean())

    @property
    def exact_copies(self) -> int:
        return int((self.nearest_distance < EXACT_COPY_DISTANCE).sum())

    def summary(self, per_sample: bool = False) -> dict[str, Any]:
        order = np.argsort(self.nearest_distance, kind="stable")[:CLOSEST_SHOWN]
        summary: dict[str, Any] = {
            "training_set": self.dataset,
            "median_distance": round(float(np.median(self.nearest_distance)), 4),
            "reference_median_distance": round(self.reference_median, 4),
            "distance_ratio": round(float(np.median(self.nearest_distance)) / self.reference_median, 4),
            "too_close_threshold": round(self.too_close_threshold, 4),
            "too_close_fraction": round(self.too_close_fraction, 4),
            "exact_copies": self.exact_copies,
            "closest": [{"sample": int(i), "training_index": int(self.nearest_index[i]),
                         "distance": round(float(self.nearest_distance[i]), 4)} for i in order],
        }
        if per_sample:
            summary["nearest_index"] = [int(i) for i in self.nearest_index]
            summary["nearest_distance"] = [round(float(d), 4) for d in self.nearest_distance]
        return summary


def memorisation_check(images: torch.Tensor, dataset: str = "mnist-5k") -> Memorisation:
    """For each sample, its nearest image in the GAN's training set, judged against real held-out digits."""
    _check_digit_dataset(dataset)
    index, distance = nearest_neighbours(images, load_dataset(dataset).images)
    reference = reference_distances(dataset)
    return Memorisation(index, distance, float(np.median(reference)),
                        float(np.percentile(reference, TOO_CLOSE_PERCENTILE)), dataset)


def nearest_training_image(image: torch.Tensor, dataset: str = "mnist-5k") -> tuple[int, float, torch.Tensor]:
    """The training image nearest to one image: (index, pixel L2 distance, that image (1, 28, 28))."""
    _check_digit_dataset(dataset)
    training = load_dataset(dataset).images
    index, distance = nearest_neighbours(_as_batch(image)[:1], training)
    return int(index[0]), float(distance[0]), training[int(index[0])]


@dataclass(frozen=True)
class NearestVerdict:
    """How one image's distance to its nearest training image compares with real digits the GAN never saw.

    `verdict` is one of:
    - "copy": it is a training image (distance below EXACT_COPY_DISTANCE);
    - "too_close": nearer than all but 1% of unseen real digits come: suspicious, maybe copied;
    - "typical": as near as unseen real digits usually come (between the 1st and 99th percentile);
    - "far": farther than 99% of unseen real digits: no copy (and maybe not much of a digit).
    """

    distance: float
    verdict: str
    closer_share: float  # share of unseen real digits that sit even nearer to a training image
    reference_median: float  # their median distance (about 9.9 on mnist-5k)
    too_close_threshold: float  # their 1st percentile (about 3.24)
    far_threshold: float  # their 99th percentile


def judge_nearest(distance: float, dataset: str = "mnist-5k") -> NearestVerdict:
    """A plain verdict on one nearest-training-image distance, against the yardstick of `reference_distances`."""
    _check_digit_dataset(dataset)
    reference = reference_distances(dataset)
    low = float(np.percentile(reference, TOO_CLOSE_PERCENTILE))
    high = float(np.percentile(reference, 100 - TOO_CLOSE_PERCENTILE))
    distance = float(distance)
    if distance < EXACT_COPY_DISTANCE:
        verdict = "copy"
    elif distance < low:
        verdict = "too_close"
    elif distance <= high:
        verdict = "typical"
    else:
        verdict = "far"
    return NearestVerdict(distance, verdict, float((reference < distance).mean()), float(np.median(reference)), low, high)


def _check_digit_dataset(dataset: str) -> None:
    if dataset not in DIGIT_DATASETS:
        raise ConfigError(f"the digit classifier can only judge digits ({', '.join(DIGIT_DATASETS)}), not {dataset!r}", code="not_digits", dataset=dataset)


# --- everything at once ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleQuality:
    """All metrics of one batch of samples. `to_dict()` gives plain JSON-ready values."""

    n: int
    fid: float
    fid_floor: float
    kid: float
    class_histogram: list[float]
    mean_confidence: float
    memorisation: Memorisation | None = field(default=None, repr=False)
    label_accuracy: list[float] | None = None  # per digit, for samples drawn by label (conditional runs)

    @property
    def label_accuracy_mean(self) -> float | None:
        """The mean of the per-digit label accuracies (each digit weighs the same)."""
        if self.label_accuracy is None:
            return None
        return float(np.nanmean(self.label_accuracy))

    @property
    def fid_ratio(self) -> float:
        """FID over the real-data floor: 1 is as good as real digits."""
        return self.fid / self.fid_floor

    @property
    def classes_covered(self) -> int:
        return classes_covered(np.array(self.class_histogram))

    @property
    def kl_to_uniform(self) -> float:
        return kl_to_uniform(np.array(self.class_histogram))

    @property
    def min_class_share(self) -> float:
        return float(min(self.class_histogram))

    def to_dict(self, per_sample: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "n": self.n,
            "fid": round(self.fid, 4),
            "fid_floor": round(self.fid_floor, 4),
            "fid_ratio": round(self.fid_ratio, 3),
            "kid": round(self.kid, 3),
            "classes_covered": self.classes_covered,
            "coverage_share": COVERAGE_SHARE,
            "class_histogram": [round(s, 4) for s in self.class_histogram],
            "min_class_share": round(self.min_class_share, 4),
            "kl_to_uniform": round(self.kl_to_uniform, 4),
            "mean_confidence": round(self.mean_confidence, 4),
        }
        if self.label_accuracy is not None:
            data["label_accuracy"] = [round(a, 4) for a in self.label_accuracy]
            data["label_accuracy_mean"] = round(self.label_accuracy_mean, 4)
            data["label_accuracy_min"] = round(float(np.nanmin(self.label_accuracy)), 4)
        if self.memorisation is not None:
            data["memorisation"] = self.memorisation.summary(per_sample)
        return data


def evaluate_images(images: torch.Tensor, memorisation: bool = True, dataset: str = "mnist-5k",
                    labels: torch.Tensor | None = None) -> SampleQuality:
    """All metrics of a batch of samples (N between 100 and 4,000; 1,000 is the standard).

    `dataset` is the GAN's training set, searched by the memorisation check. `labels` (N,), for
    samples of a conditional run: the digit each one was asked to be, for the label accuracy.
    """
    images = _as_batch(images, keep_gpu=True)
    _check_samples(len(images))
    if memorisation:
        _check_digit_dataset(dataset)
    result = classify(images)
    return SampleQuality(
        n=len(images),
        fid=fid(result.features),
        fid_floor=fid_floor(len(images)),
        kid=kid(result.features),
        class_histogram=[float(s) for s in class_histogram(result.digits)],
        mean_confidence=float(result.confidences.mean()),
        memorisation=memorisation_check(images, dataset) if memorisation else None,
        label_accuracy=label_accuracy(result.digits, labels) if labels is not None else None,
    )


def generate(generator: nn.Module, n: int, seed: int = 0) -> torch.Tensor:
    """n images from a generator on the CPU, with the noise `LoadedGenerator.sample(n, seed)` draws,
    so an epoch's per-epoch metrics and `eval --run --epoch` see the same latent vectors.
    A conditional generator draws the digits 0-9 in turn (`asked_labels` says which is which)."""
    return generate_images(generator, latent_noise(n, generator.latent_dim, seed))


def asked_labels(generator: nn.Module, n: int) -> torch.Tensor | None:
    """The digits `generate(generator, n)` asked a conditional generator for; None for other generators."""
    return cycling_labels(n) if is_conditional(generator) else None


EPOCH_SAMPLES = 500  # per-epoch metrics while training: half the cost of the standard 1,000


def training_evaluator(dataset: str, n: int = EPOCH_SAMPLES) -> Callable[[nn.Module], dict[str, Any]] | None:
    """The per-epoch metrics for a training run, or None where there are none to have (a dataset the
    classifier cannot judge, or a missing classifier file: the run then trains without them)."""
    if dataset not in DIGIT_DATASETS:
        return None
    try:
        return epoch_evaluator(n=n, dataset=dataset)
    except GanLabError:
        return None


def epoch_evaluator(n: int = DEFAULT_SAMPLES, seed: int = 0, dataset: str = "mnist-5k") -> Callable[[nn.Module], dict[str, Any]]:
    """A function for `Trainer(evaluate=...)`: the metrics of n samples (fixed noise) at each epoch end.

    Returns plain floats, ints and lists (stored in the checkpoint's history): fid, fid_ratio,
    classes_covered, class_histogram, kl_to_uniform, mean_confidence, and for a conditional generator
    label_accuracy (per digit) and label_accuracy_mean. It uses its own random
    generator, so training with it gives the same weights as training without it. Pass the run's
    dataset: a run on fashion-mnist gets a ConfigError here, not digit metrics of clothes.
    About 0.5 s per call for n=1000 on a 2-core CPU.
    """
    _check_samples(n)
    _check_digit_dataset(dataset)
    load_classifier()  # fail now, before training starts, if the classifier is missing
    held_out_stats(), fid_floor(n), _held_out_kernel_mean()

    def evaluate(generator: nn.Module) -> dict[str, Any]:
        device = next(generator.parameters()).device  # a GPU run's samples are judged on its GPU (see classify)
        images = generate(generator, n, seed).to(device)
        quality = evaluate_images(images, memorisation=False, labels=asked_labels(generator, n))
        record = quality.to_dict()
        return {key: record[key] for key in ("fid", "fid_ratio", "kid", "classes_covered", "class_histogram",
                                             "kl_to_uniform", "mean_confidence", "label_accuracy",
                                             "label_accuracy_mean") if key in record}

    return evaluate


def classifier_info() -> dict[str, Any]:
    """What the JSON output says about the ruler: its file and held-out accuracy."""
    classifier = load_classifier()
    return {"file": f"checkpoints/{classifier.path.name}", "held_out_accuracy": round(classifier.held_out_accuracy, 4)}


__all__ = [
    "Classification", "FeatureStats", "asked_labels", "label_accuracy", "Memorisation", "NearestVerdict", "SampleQuality", "class_histogram",
    "classes_covered", "classifier_info", "classify", "classify_one", "epoch_evaluator", "evaluate_images", "fid",
    "fid_floor", "frechet_distance", "generate", "held_out_stats", "judge_nearest", "kl_to_uniform",
    "memorisation_check",
    "nearest_neighbours", "nearest_training_image", "real_training_sample", "reference_distances",
]
