"""The seconds after Start: before a run's first epoch is recorded, its trainer saves previews of G's samples
(preview.pt) that the Train page shows; they change nothing about the run, and leave with the first epoch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import gan_core.trainer as trainer_module
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.runs.archive import import_run
from gan_core.runs.checkpoints import RunDir, run_archive
from gan_core.trainer import Trainer

from .test_app import open_app, text


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    """128 digits: 4 steps of 32 per epoch."""
    return ImageDataset("mnist-5k", small_mnist.images[:128], small_mnist.labels[:128])


def tiny(**changes) -> TrainConfig:
    return TrainConfig(**{"model": "sngan", "batch_size": 32, "epochs": 2, "device": "cpu", "seed": 3, **changes})


def test_previews_come_before_the_first_epoch_ends_and_the_run_trains_exactly_as_without_them(checkpoints, tiny_data,
                                                                                             monkeypatch) -> None:
    monkeypatch.setattr(trainer_module, "PREVIEW_EVERY", 0.0)  # one after every step: as much meddling as there can be
    run = RunDir("previewed", checkpoints)
    previewed = Trainer.create(tiny(), run, data=tiny_data)
    seen = []  # (step, the preview's step and samples) while the first epoch trains
    previewed.on_step.append(lambda progress: seen.append(
        (progress.global_step, run.load_preview()) if run.preview_path.exists() else (progress.global_step, None)))
    assert previewed.train() == "finished"

    # Each step's observer of epoch 1 finds the preview of the step before (written after the observers);
    # the epoch's end replaces the last one with its snapshot, and epoch 2 has none.
    steps = previewed.steps_per_epoch
    first_epoch = [(step, preview) for step, preview in seen if step <= steps]
    assert all(preview is not None for step, preview in first_epoch[1:])  # the one of step 1 is written after it
    assert [preview["step"] for _, preview in first_epoch[1:]] == list(range(1, steps))
    assert not run.preview_path.exists() and run.snapshot_epochs() == [1, 2]

    alone = Trainer(tiny(), data=tiny_data)  # no run folder: no previews
    alone.train()
    assert previewed.history.loss_d == alone.history.loss_d
    untimed = lambda records: [{k: v for k, v in r.items() if k != "train_seconds"} for r in records]  # noqa: E731
    assert untimed(previewed.history.epochs) == untimed(alone.history.epochs)
    for part in ("generator", "discriminator", "generator_ema"):
        for (name, mine), theirs in zip(getattr(previewed, part).state_dict().items(),
                                        getattr(alone, part).state_dict().values()):
            assert torch.equal(mine, theirs), f"{part} {name} differs"

    # What a preview shows is G's fixed-noise samples at that step, as an epoch snapshot would.
    after_one = Trainer(tiny(), data=tiny_data)
    after_one.on_step.append(lambda progress: after_one.request_stop())
    after_one.train()
    preview_of_step_1 = next(preview for _, preview in seen if preview is not None and preview["step"] == 1)
    assert np.array_equal(preview_of_step_1["samples"].numpy(), after_one.sample_fixed())


def test_the_train_page_shows_the_preview_of_a_run_stopped_in_its_first_epoch(checkpoints, tiny_data,
                                                                            monkeypatch) -> None:
    monkeypatch.setattr(trainer_module, "PREVIEW_EVERY", 3600.0)  # the preview of step 1 only
    run = RunDir("early", checkpoints)
    trainer = Trainer.create(tiny(epochs=5), run, data=tiny_data)
    trainer.on_step.append(lambda progress: trainer.request_stop() if progress.global_step == 2 else None)
    assert trainer.train() == "stopped"
    assert run.preview_path.exists() and run.snapshot_epochs() == []
    for language in ("en", "ru"):
        at = open_app("train", language)
        assert at.selectbox(key="keep_train_watch").value == "early"
        caption = text("train_preview_caption", language, epoch=1, step=1, steps=trainer.steps_per_epoch)
        assert [caption] in [image.captions for image in at.image]
        assert text("train_samples_wait", language) not in [str(info.value) for info in at.info]

    # The preview stands in only until the first epoch: a carried run leaves it behind and still imports.
    import_run(run_archive("early", checkpoints), checkpoints, name="early-copy")
    copy = RunDir("early-copy", checkpoints)
    assert copy.checkpoint_path.exists() and not copy.preview_path.exists()
