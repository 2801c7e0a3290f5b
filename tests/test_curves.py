from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from gan_core.runs.checkpoints import RunDir
from gan_core.config import TrainConfig
from gan_core.eval.curves import (
    class_histograms, columns, epoch_ends, epoch_length, epoch_metrics, history_csv, load_history, smooth,
    steps_per_epoch, thin,
)
from gan_core.trainer import History, Trainer


def test_smoothing_keeps_a_constant_curve_and_the_length_and_calms_noise() -> None:
    assert np.allclose(smooth([2.0] * 50, 0.9), 2.0)  # no pull towards zero at the start
    noisy = np.random.default_rng(0).normal(1.0, 0.5, 2000)
    smoothed = smooth(noisy, 0.95)
    assert len(smoothed) == 2000 and smoothed[500:].std() < noisy.std() / 4
    assert np.array_equal(smooth(noisy, 0.0), noisy)
    average, expected = 0.0, []  # the textbook recursion, debiased
    for step, value in enumerate(noisy[:300], start=1):
        average = 0.9 * average + 0.1 * value
        expected.append(average / (1 - 0.9**step))
    assert np.allclose(smooth(noisy[:300], 0.9), expected, atol=1e-5)
    with pytest.raises(ValueError):
        smooth(noisy, 1.0)


def test_thinning_keeps_few_points_including_the_last() -> None:
    assert list(thin(5, 100)) == [0, 1, 2, 3, 4]
    picked = thin(50_000, 1000)
    assert len(picked) <= 1000 and picked[0] == 0 and picked[-1] == 49_999


def test_columns_are_trimmed_to_one_length_while_training_appends() -> None:
    history = History(loss_d=[1.0, 2.0, 3.0], loss_g=[1.0, 2.0], d_real=[0.5, 0.5], d_fake=[0.5, 0.5])
    data = columns(history)
    assert {len(v) for v in data.values()} == {2}
    history.loss_g.append(9.0)
    assert len(data["loss_g"]) == 2  # a copy, not a view of the live lists


def test_steps_per_epoch_matches_a_real_run_of_the_trainer(mnist) -> None:
    # A whole epoch of mnist-5k in big batches with k = 2 D steps: a few steps, trained for real.
    config = TrainConfig(model="mlp", epochs=1, batch_size=1200, d_steps=2, latent_dim=8, device="cpu")
    trainer = Trainer(config, data=mnist)
    trainer.train()
    trained = len(trainer.history.loss_d)
    assert trained == trainer.history.epochs[0]["global_step"] and trained >= 1
    assert steps_per_epoch(config) == trained
    assert steps_per_epoch(config.to_dict()) == trained  # as pages read it from run.json
    assert epoch_length(History(), config) == trained == epoch_length(trainer.history, config)


def test_extra_per_epoch_numbers_become_metrics() -> None:
    history = History(epochs=[{"epoch": 1, "global_step": 10, "train_seconds": 1.0, "loss_d": 1.2, "loss_g": 0.8,
                               "fid": 40.0, "note": "text"},
                              {"epoch": 2, "global_step": 20, "train_seconds": 2.0, "loss_d": 1.3, "loss_g": 0.7,
                               "fid": 20.0}])
    assert epoch_metrics(history) == {"fid": [(1, 40.0), (2, 20.0)]}


def test_class_histograms_of_every_epoch_form_one_matrix() -> None:
    one_digit = [0.0] * 10
    one_digit[3] = 1.0
    history = History(epochs=[
        {"epoch": 1, "global_step": 10, "loss_d": 1.0, "loss_g": 1.0},  # recorded before the metrics existed
        {"epoch": 2, "global_step": 20, "loss_d": 1.0, "loss_g": 1.0, "class_histogram": [0.1] * 10, "fid": 9.0},
        {"epoch": 3, "global_step": 30, "loss_d": 1.0, "loss_g": 1.0, "class_histogram": one_digit, "fid": 8.0},
    ])
    epochs, shares = class_histograms(history)
    assert epochs == [2, 3] and shares.shape == (2, 10)
    assert np.allclose(shares[0], 0.1) and shares[1].argmax() == 3 and shares[1].sum() == 1.0
    assert "class_histogram" not in epoch_metrics(history)  # a list, not a number to chart as a line
    epochs, shares = class_histograms(History())
    assert epochs == [] and shares.shape == (0, 10)


def test_the_csv_of_two_saved_runs_holds_every_step_of_each(checkpoints, small_mnist) -> None:
    config = TrainConfig(model="mlp", epochs=2, batch_size=128, device="cpu", latent_dim=8)
    for name in ("a", "b"):
        Trainer.create(config, RunDir(name), data=small_mnist).train()
    histories = {name: (load_history(RunDir(name)), 4) for name in ("a", "b")}
    assert epoch_length(histories["a"][0], config) == 4  # as trained (512 digits), not the 5,000 of mnist-5k
    assert epoch_length(load_history(RunDir("a-missing", checkpoints)), config) == 5000 // 128
    assert epoch_ends(histories["a"][0]) == [4, 8]
    rows = list(csv.DictReader(io.StringIO(history_csv(histories))))
    assert len(rows) == 2 * 8
    assert rows[0]["run"] == "a" and rows[0]["step"] == "1" and rows[0]["epoch"] == "0.2500"
    assert rows[-1]["run"] == "b" and rows[-1]["epoch"] == "2.0000"
    assert float(rows[3]["loss_d"]) == pytest.approx(histories["a"][0].loss_d[3], rel=1e-5)
    assert set(rows[0]) == {"run", "step", "epoch", "loss_d", "loss_g", "d_real", "d_fake", "grad_g"}
    assert load_history(RunDir("missing-checkpoint", checkpoints)).loss_d == []
