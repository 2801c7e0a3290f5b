"""Sample-quality metrics on inputs whose answer we know, and the `eval` CLI's JSON."""

from __future__ import annotations

import copy
import functools
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from gan_core.eval.baselines import fit_baseline
from gan_core.runs.checkpoints import RunDir
from gan_core.eval.classifier import CLASSIFIER_PATH, HELD_OUT_PER_CLASS, digit_split, load_classifier
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.errors import CheckpointError, ConfigError
from gan_core.eval.metrics import (
    FeatureStats, classes_covered, classify, classify_one, epoch_evaluator, evaluate_images, fid_floor,
    frechet_distance, judge_nearest, kl_to_uniform, memorisation_check, nearest_training_image, real_training_sample,
    reference_distances,
)
from gan_core.trainer import Trainer

from .helpers import gan


# --- the split and the shipped classifier ---------------------------------------------------------
def test_the_split_is_balanced_disjoint_and_complete(mnist) -> None:
    split = digit_split()
    assert torch.equal(split.held_out.labels.bincount(), torch.full((10,), HELD_OUT_PER_CLASS))
    assert len(set(split.train_indices.tolist()) & set(split.held_out_indices.tolist())) == 0
    assert len(split.train) + len(split.held_out) == len(mnist)
    assert torch.equal(split.held_out.images, mnist.images[split.held_out_indices])


def test_the_shipped_classifier_is_small_and_as_accurate_as_its_file_says() -> None:
    assert CLASSIFIER_PATH.stat().st_size < 1_000_000
    classifier = load_classifier()
    assert load_classifier() is classifier  # loaded once per process
    held_out = digit_split().held_out
    result = classify(held_out.images)
    accuracy = float((result.digits == held_out.labels.numpy()).mean())
    assert accuracy >= 0.97
    assert accuracy == pytest.approx(classifier.held_out_accuracy, abs=1e-6)
    assert result.confidences.mean() > 0.95  # real digits are read with confidence
    assert np.allclose(result.probabilities.sum(1), 1)


def test_one_image_gets_a_digit_a_confidence_and_ten_probabilities(mnist) -> None:
    image = mnist.images[2000]  # a 4: the data is sorted by label, 500 per digit
    for shape in [(1, 28, 28), (28, 28), (1, 1, 28, 28)]:
        digit, confidence, probabilities = classify_one(image.reshape(shape))
        assert digit == 4 and confidence > 0.9
        assert len(probabilities) == 10 and math.isclose(sum(probabilities), 1, abs_tol=1e-6)
        assert max(probabilities) == confidence
    with pytest.raises(ConfigError, match=r"shape \(N, 1, 28, 28\)"):
        classify(torch.zeros(2, 3, 28, 28))


@pytest.mark.parametrize("content", [None, b"not a torch file"])
def test_a_missing_or_corrupt_classifier_says_how_to_rebuild_it(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "digit-classifier.pt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CheckpointError, match="python -m gan_core train-classifier") as error:
        load_classifier(path)
    assert "\n" not in str(error.value)


def every_kth(data: ImageDataset, count: int) -> ImageDataset:
    """`count` digits spread over the whole set (mnist-5k is ordered by class: its first ones are all zeros)."""
    step = len(data) // count
    return ImageDataset(data.name, data.images[::step][:count], data.labels[::step][:count])


def test_the_classifier_learns_digits_and_saves_what_it_measured(tmp_path: Path, monkeypatch) -> None:
    """train-classifier, tiny but real: 128 training digits, 3 epochs of 4 steps, judged on 200 held-out ones."""
    from gan_core.eval import classifier

    split = digit_split()
    monkeypatch.setattr(classifier, "digit_split",
                        lambda: replace(split, train=every_kth(split.train, 128), held_out=every_kth(split.held_out, 200)))
    epochs: list[tuple[int, float, float]] = []
    before = torch.random.get_rng_state()
    model, report = classifier.train_classifier(classifier.ClassifierSettings(epochs=3, batch_size=32),
                                                on_epoch=lambda *numbers: epochs.append(numbers))
    assert torch.equal(torch.random.get_rng_state(), before)  # its seed stays its own: the caller's generator is untouched
    losses = [loss for _, loss, _ in epochs]
    assert [epoch for epoch, _, _ in epochs] == [1, 2, 3] and losses[0] > losses[1] > losses[2]
    assert report["held_out_accuracy"] > 0.3  # ten classes: chance is 0.1
    assert report["held_out_accuracy"] == epochs[-1][2] == classifier.accuracy(model, classifier.digit_split().held_out)[0]
    path = tmp_path / "digit-classifier.pt"
    classifier.save_classifier(model, report, path)
    loaded = load_classifier(path)
    assert loaded.held_out_accuracy == report["held_out_accuracy"] and loaded.report["settings"]["epochs"] == 3
    digits = split.held_out.images[:20]
    torch.testing.assert_close(loaded.model(digits), model(digits))


def test_a_file_of_another_kind_is_refused_as_a_classifier(tmp_path: Path) -> None:
    path = tmp_path / "foreign.pt"
    torch.save({"format": "gan-lab-checkpoint", "state_dict": {}}, path)
    with pytest.raises(CheckpointError, match="train-classifier"):
        load_classifier(path)


# --- the numbers on known inputs -------------------------------------------------------------------------
def test_frechet_distance_of_known_gaussians() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(2000, 8))
    stats = FeatureStats.of(features)
    assert frechet_distance(stats, stats) == pytest.approx(0, abs=1e-6)
    shift = np.arange(8.0)
    moved = FeatureStats(stats.mean + shift, stats.covariance)
    assert frechet_distance(stats, moved) == pytest.approx(float(shift @ shift), rel=1e-6)
    doubled = FeatureStats(stats.mean, 4 * stats.covariance)  # std x2: tr(S) + tr(4S) - 2 tr(2S) = tr(S)
    assert frechet_distance(stats, doubled) == pytest.approx(np.trace(stats.covariance), rel=1e-6)


def test_histogram_meters_on_known_histograms() -> None:
    uniform, one_digit = np.full(10, 0.1), np.eye(10)[3]
    assert kl_to_uniform(uniform) == pytest.approx(0)
    assert kl_to_uniform(one_digit) == pytest.approx(math.log(10))
    assert classes_covered(uniform) == 10 and classes_covered(one_digit) == 1
    assert classes_covered(np.array([0.019] * 5 + [0.181] * 5)) == 5  # below 2% does not count


def test_real_digits_score_near_the_floor() -> None:
    quality = evaluate_images(real_training_sample(1000, seed=1), memorisation=False)
    assert quality.fid_floor == fid_floor(1000)
    assert 0.5 < quality.fid_ratio < 1.5
    assert quality.classes_covered == 10 and quality.min_class_share > 0.05
    assert quality.kl_to_uniform < 0.02
    assert quality.mean_confidence > 0.95


@pytest.mark.parametrize("kind", ["gaussian-independent", "gaussian-full"])
def test_gaussian_samples_score_far_worse(mnist, kind: str) -> None:
    quality = evaluate_images(fit_baseline(kind, mnist.images).sample(1000, seed=0), memorisation=False)
    assert quality.fid_ratio > 20
    assert quality.mean_confidence < 0.5  # the classifier does not take noise for digits


class OnlyThrees(nn.Module):
    """A collapsed "generator": whatever the noise, it draws one of a few real 3s."""

    latent_dim = 8

    def __init__(self, threes: torch.Tensor):
        super().__init__()
        self.anchor = nn.Parameter(torch.zeros(1))  # something to find the device by
        self.register_buffer("threes", threes)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        pick = (z[:, 0].abs() * 1000).long() % len(self.threes)
        return self.threes[pick]


def test_a_generator_that_draws_one_digit_covers_one_class() -> None:
    split = digit_split()
    threes = split.train.images[split.train.labels == 3][:50]
    record = epoch_evaluator(n=300)(OnlyThrees(threes))
    assert set(record) == {"fid", "fid_ratio", "kid", "classes_covered", "class_histogram", "kl_to_uniform", "mean_confidence"}
    assert record["classes_covered"] == 1
    assert record["class_histogram"][3] > 0.98
    assert record["kl_to_uniform"] > 2.0
    assert record["fid_ratio"] > 20  # real-looking, but one digit is far from all ten
    assert all(isinstance(v, (int, float)) for k, v in record.items() if k != "class_histogram")
    assert all(type(s) is float for s in record["class_histogram"])


def test_memorisation_finds_exact_copies_and_judges_them_against_real_digits(mnist) -> None:
    copied = torch.tensor([7, 1234, 4999])
    noise = fit_baseline("gaussian-independent", mnist.images).sample(97, seed=0)
    check = memorisation_check(torch.cat([mnist.images[copied], noise]))
    assert check.nearest_index[:3].tolist() == copied.tolist()
    assert check.nearest_distance[:3].tolist() == [0.0, 0.0, 0.0]
    assert check.exact_copies == 3 and check.too_close_fraction == pytest.approx(0.03)
    assert 0 < check.too_close_threshold < check.reference_median  # real unseen digits are not copies
    assert (check.nearest_distance[3:] > check.reference_median).all()  # noise is far from everything
    summary = check.summary(per_sample=True)
    assert summary["closest"][0] == {"sample": 0, "training_index": 7, "distance": 0.0}
    assert len(summary["nearest_index"]) == len(summary["nearest_distance"]) == 100

    index, distance, image = nearest_training_image(mnist.images[1234] + 0.01)
    assert index == 1234 and 0 < distance < 0.3 and torch.equal(image, mnist.images[1234])


def test_one_nearest_distance_gets_a_plain_verdict_against_unseen_real_digits(mnist) -> None:
    reference = reference_distances()
    median, low, high = np.median(reference), np.percentile(reference, 1), np.percentile(reference, 99)
    assert judge_nearest(0.0).verdict == "copy"
    close = judge_nearest(low / 2)
    assert close.verdict == "too_close" and close.closer_share < 0.01
    usual = judge_nearest(float(median))
    assert usual.verdict == "typical" and usual.closer_share == pytest.approx(0.5, abs=0.01)
    assert usual.reference_median == pytest.approx(median) and usual.too_close_threshold == pytest.approx(low)
    assert judge_nearest(high + 1).verdict == "far" and judge_nearest(high + 1).closer_share > 0.99
    _, distance, _ = nearest_training_image(mnist.images[1234])  # a training image itself
    assert judge_nearest(distance).verdict == "copy"
    noise = fit_baseline("gaussian-independent", mnist.images).sample(1, seed=0)
    assert judge_nearest(nearest_training_image(noise)[1]).verdict in ("typical", "far")
    with pytest.raises(ConfigError, match="only judge digits"):
        judge_nearest(5.0, dataset="fashion-mnist")


def test_bad_sample_counts_and_datasets_are_refused(mnist) -> None:
    with pytest.raises(ConfigError, match="between 100 and 4000"):
        evaluate_images(mnist.images[:10])
    with pytest.raises(ConfigError, match="only judge digits"):
        memorisation_check(mnist.images[:100], dataset="fashion-mnist")
    with pytest.raises(ConfigError, match="only judge digits"):
        epoch_evaluator(dataset="fashion-mnist")


# --- per-epoch metrics in a real training run ----------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_mnist(small_mnist) -> ImageDataset:
    """256 digits: two DCGAN steps of 128 per epoch."""
    return ImageDataset("mnist-5k", small_mnist.images[:256], small_mnist.labels[:256])


TINY_DCGAN = {"model": "dcgan", "batch_size": 128, "latent_dim": 16, "device": "cpu"}


def test_per_epoch_metrics_are_saved_and_do_not_change_training(checkpoints, tiny_mnist) -> None:
    # DCGAN's generator has BatchNorm: the evaluator must put it back in training mode, and must not
    # draw from the trainer's random generators, or the two runs below would differ.
    config = TrainConfig(epochs=2, **TINY_DCGAN)
    measured = Trainer.create(config, RunDir("measured"), data=tiny_mnist, evaluate=epoch_evaluator(n=200))
    assert measured.train() == "finished"
    plain = Trainer(config, data=tiny_mnist)
    plain.train()
    for a, b in zip(measured.generator.state_dict().values(), plain.generator.state_dict().values()):
        assert torch.equal(a, b)

    saved = RunDir("measured").load_checkpoint()["history"]["epochs"]
    assert [r["epoch"] for r in saved] == [1, 2]
    # each epoch's record is of that epoch's generator: measured again now, the last one comes out the same
    again = epoch_evaluator(n=200)(measured.sampling_generator)
    assert set(saved[-1]) - {"epoch"} >= set(again)
    for key, value in again.items():
        assert saved[-1][key] == pytest.approx(value), key
    assert saved[0]["fid"] != saved[-1]["fid"]  # and the first was measured on the first epoch's weights


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run through the device tool)")
def test_a_gpu_run_is_judged_on_its_gpu_as_the_cpu_would_judge_it(checkpoints, tiny_mnist) -> None:
    # The same images classified on the GPU (where a GPU run's epoch-end metrics are computed) and on the CPU.
    images = tiny_mnist.images[:200]
    on_cpu, on_gpu = classify(images), classify(images.cuda())
    assert np.array_equal(on_gpu.digits, on_cpu.digits)
    np.testing.assert_allclose(on_gpu.features, on_cpu.features, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(on_gpu.probabilities, on_cpu.probabilities, rtol=1e-4, atol=1e-6)
    # A GPU run's evaluator, through the trainer: its record is what the CPU says of the same generator's images
    # (which the GPU draws to within float rounding of the CPU's).
    trainer = Trainer.create(TrainConfig(epochs=1, **{**TINY_DCGAN, "device": "cuda"}), RunDir("gpu"), data=tiny_mnist,
                             evaluate=epoch_evaluator(n=200))
    assert trainer.train() == "finished"
    saved = RunDir("gpu").load_checkpoint()["history"]["epochs"][-1]
    on_cpu = epoch_evaluator(n=200)(copy.deepcopy(trainer.sampling_generator).cpu())
    for key in ("fid", "kid", "mean_confidence"):
        assert saved[key] == pytest.approx(on_cpu[key], rel=1e-2, abs=1e-2), key


# --- the CLI -----------------------------------------------------------------------------------------------------

METRIC_KEYS = {"source", "seed", "n", "fid", "fid_floor", "fid_ratio", "kid", "classes_covered", "coverage_share",
               "class_histogram", "min_class_share", "kl_to_uniform", "mean_confidence", "memorisation", "classifier"}
MEMORISATION_KEYS = {"training_set", "median_distance", "reference_median_distance", "distance_ratio",
                     "too_close_threshold", "too_close_fraction", "exact_copies", "closest"}


def check_schema(report: dict, n: int) -> None:
    assert set(report) == METRIC_KEYS
    assert report["n"] == n and len(report["class_histogram"]) == 10
    assert sum(report["class_histogram"]) == pytest.approx(1, abs=1e-3)
    assert isinstance(report["classes_covered"], int) and 0 <= report["mean_confidence"] <= 1
    assert report["fid_ratio"] == pytest.approx(report["fid"] / report["fid_floor"], rel=1e-2)
    assert MEMORISATION_KEYS <= set(report["memorisation"])
    assert report["classifier"]["held_out_accuracy"] >= 0.97


def test_eval_prints_one_json_object_for_a_run_a_baseline_and_real_digits(checkpoints, tiny_mnist) -> None:
    Trainer.create(TrainConfig(epochs=1, **TINY_DCGAN), RunDir("demo"), data=tiny_mnist).train()

    run = gan(checkpoints, "eval", "--run", "demo", "--n", "200", "--seed", "3", "--epoch", "1", "--per-sample")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    check_schema(report, 200)
    assert report["source"] == {"kind": "run", "run": "demo", "epoch": 1, "model": "dcgan", "dataset": "mnist-5k"}
    assert report["seed"] == 3 and len(report["memorisation"]["nearest_distance"]) == 200

    baseline = gan(checkpoints, "eval", "--baseline", "gaussian-full", "--n", "200")
    assert baseline.returncode == 0, baseline.stderr
    report = json.loads(baseline.stdout)
    check_schema(report, 200)
    assert report["source"]["baseline"] == "gaussian-full" and "nearest_index" not in report["memorisation"]
    assert report["fid_ratio"] > 20

    real = gan(checkpoints, "eval", "--real", "--n", "200")
    assert real.returncode == 0, real.stderr
    report = json.loads(real.stdout)
    check_schema(report, 200)
    assert report["fid_ratio"] < 1.5 and report["memorisation"]["exact_copies"] == 200  # training digits are copies


@pytest.mark.parametrize("args, expected", [
    (["eval"], "one of the arguments --run --baseline --real is required"),
    (["eval", "--run", "ghost"], "there is no run named 'ghost'"),
    (["eval", "--real", "--n", "5"], "--n must be between 100 and 4000"),
    (["eval", "--real", "--epoch", "2"], "--epoch needs --run"),
    (["eval", "--real", "--baseline", "gaussian-full"], "not allowed with argument"),
    (["eval", "--baseline", "gaussian-half"], "invalid choice: 'gaussian-half'"),
    (["eval", "--real", "--seed", "-1"], "--seed must be 0 or more"),
    (["train-classifier", "--epochs", "0"], "--epochs must be at least 1"),
])
def test_eval_bad_input_exits_2_with_one_line(checkpoints: Path, args: list[str], expected: str) -> None:
    result = gan(checkpoints, *args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_worker_handed_the_reference_values_classifies_no_real_digit_and_measures_the_same(tmp_path: Path,
                                                                                           monkeypatch) -> None:
    from gan_core.eval import metrics
    from gan_core.models import build_models

    generator = build_models("sngan", 32, generator=torch.Generator().manual_seed(0))[0]
    here = metrics.epoch_evaluator(n=100)(generator)  # this process measures its own references
    path = metrics.save_references(metrics.references(100), tmp_path / "references.npz")
    monkeypatch.setattr(metrics, "_given", {})  # a worker: nothing measured, nothing handed yet
    for measured in ("_held_out_stats", "_training_features", "_measured_feature_scale", "_measured_held_out_features",
                     "_measured_kernel_mean"):
        monkeypatch.setattr(metrics, measured, lambda: pytest.fail(f"the worker measured {measured}"))
    monkeypatch.setattr(metrics, "fid_floor", functools.lru_cache(maxsize=8)(metrics.fid_floor.__wrapped__))
    metrics.use_references(metrics.load_references(path))
    assert metrics.epoch_evaluator(n=100)(generator) == here


def test_reference_values_cross_to_a_worker_in_a_small_file_that_runs_no_code(tmp_path: Path) -> None:
    import pickle

    from gan_core.eval.metrics import FeatureStats, load_references, references, save_references
    from gan_core.jobs.worker import JobRequest

    values = references()
    path = save_references(values, tmp_path / "references.npz")
    again = load_references(path)  # np.load with allow_pickle=False: arrays only
    assert again["floor"] == values["floor"]
    assert isinstance(again["held_out"], FeatureStats)
    assert np.array_equal(again["held_out"].mean, values["held_out"].mean)
    assert np.array_equal(again["held_out"].covariance, values["held_out"].covariance)
    assert again["kid_scale"] == values["kid_scale"] and again["kid_kernel_mean"] == values["kid_kernel_mean"]
    assert np.array_equal(again["kid_features"], values["kid_features"])
    # What starts a worker stays under a pipe's buffer (64 KiB), so starting it never waits for the new
    # interpreter to import torch (the values themselves pickle to ~130 KB).
    request = JobRequest("r", str(tmp_path), TrainConfig().to_dict(), False, options={"metric_references_file": str(path)})
    assert len(pickle.dumps(request)) < 16 * 1024 < len(pickle.dumps(values))
