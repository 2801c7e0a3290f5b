from __future__ import annotations

import threading

import pytest
import torch

from gan_core.runs.checkpoints import RunDir
from gan_core.config import TrainConfig
from gan_core.errors import ConfigError, RunNameError
from gan_core.models import MODELS
from gan_core.sampling import load_generator
from gan_core.trainer import Trainer

from .helpers import parameters, same


def tiny(model: str = "mlp", **changes) -> TrainConfig:
    settings = {"model": model, "batch_size": 64, "epochs": 4, "device": "cpu", "latent_dim": 16, **changes}
    return TrainConfig(**settings)


def weights(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in module.state_dict().items()}


def assert_same_run(a: Trainer, b: Trainer) -> None:
    for (name, wa), wb in zip(weights(a.generator).items(), weights(b.generator).values()):
        assert torch.equal(wa, wb), f"generator weight {name} differs"
    for wa, wb in zip(weights(a.discriminator).values(), weights(b.discriminator).values()):
        assert torch.equal(wa, wb)
    assert a.history.loss_d == b.history.loss_d
    assert a.history.loss_g == b.history.loss_g
    assert a.history.d_real == b.history.d_real and a.history.d_fake == b.history.d_fake


@pytest.mark.parametrize("model", ["mlp", "dcgan", "sngan", "cgan"])
def test_two_epochs_resumed_for_two_more_equal_four_in_one_go(checkpoints, small_mnist, model) -> None:
    straight = Trainer.create(tiny(model), RunDir("straight"), data=small_mnist)
    assert straight.train() == "finished"

    first = Trainer.create(tiny(model, epochs=2), RunDir("split"), data=small_mnist)
    assert first.train() == "finished"
    del first
    resumed = Trainer.resume(RunDir("split"), epochs=4, data=small_mnist)
    assert resumed.epoch == 2
    assert resumed.train() == "finished"

    assert len(straight.history.loss_d) == 4 * straight.steps_per_epoch
    assert_same_run(straight, resumed)
    assert RunDir("split").snapshot_epochs() == [1, 2, 3, 4]


def test_a_stop_in_the_middle_of_an_epoch_resumes_exactly(checkpoints, small_mnist) -> None:
    straight = Trainer(tiny("dcgan", ema_decay=0.9, d_steps=2, epochs=2), data=small_mnist)
    straight.train()

    stopping = Trainer.create(tiny("dcgan", ema_decay=0.9, d_steps=2, epochs=2), RunDir("midway"), data=small_mnist)
    stopping.on_step.append(lambda p: stopping.request_stop() if p.global_step == 3 else None)
    assert stopping.train() == "stopped"
    assert (stopping.epoch, stopping.step_in_epoch) == (0, 3)
    info = RunDir("midway").read_info()
    assert info["status"] == "stopped" and info["summary"]["steps"] == 3

    resumed = Trainer.resume(RunDir("midway"), data=small_mnist)
    assert resumed.train() == "finished"
    assert_same_run(straight, resumed)
    assert torch.equal(weights(straight.generator_ema)["project.0.weight"], weights(resumed.generator_ema)["project.0.weight"])


def test_request_stop_from_another_thread_stops_within_a_step_and_saves(checkpoints, small_mnist) -> None:
    trainer = Trainer.create(tiny(epochs=50), RunDir("threaded"), data=small_mnist)
    reached = threading.Event()
    steps_after_stop = []
    trainer.on_step.append(lambda p: reached.set() if p.global_step >= 5 else None)
    trainer.on_step.append(lambda p: steps_after_stop.append(p.global_step) if trainer.stop_requested else None)
    worker = threading.Thread(target=trainer.train)
    worker.start()
    assert reached.wait(30)
    trainer.request_stop()
    worker.join(30)
    assert trainer.status == "stopped"
    assert len(steps_after_stop) <= 1
    assert RunDir("threaded").load_checkpoint()["global_step"] == trainer.global_step


def test_observers_see_every_step_and_each_epoch_with_its_samples(small_mnist) -> None:
    trainer = Trainer(tiny(epochs=2), data=small_mnist, flush_every=3)
    steps, epochs = [], []
    trainer.on_step.append(steps.append)
    trainer.on_epoch_end.append(epochs.append)
    trainer.train()
    assert [p.global_step for p in steps] == list(range(1, 2 * trainer.steps_per_epoch + 1))
    assert steps[-1].fraction == 1.0
    assert [e.record["epoch"] for e in epochs] == [1, 2]
    assert epochs[0].samples.shape == (64, 28, 28) and epochs[0].samples.dtype.name == "uint8"
    assert len(trainer.history.loss_g) == 2 * trainer.steps_per_epoch
    assert all(0 <= v <= 1 for v in trainer.history.d_real + trainer.history.d_fake)


def test_max_seconds_stops_and_checkpoints(checkpoints, small_mnist) -> None:
    trainer = Trainer.create(tiny(epochs=1000), RunDir("timed"), data=small_mnist)
    assert trainer.train(max_seconds=0.5) == "stopped"
    assert 0 < trainer.global_step < 1000 * trainer.steps_per_epoch
    assert RunDir("timed").load_checkpoint()["global_step"] == trainer.global_step


def test_a_non_finite_loss_stops_as_diverged_and_keeps_the_last_good_checkpoint(checkpoints, small_mnist) -> None:
    run = RunDir("exploding")
    trainer = Trainer.create(tiny(epochs=3), run, data=small_mnist, flush_every=2)

    def poison(progress) -> None:  # a real NaN in a weight, as a too-high learning rate would leave
        if progress.epoch == 1 and progress.step_in_epoch == 2:
            with torch.no_grad():
                next(trainer.generator.parameters()).fill_(float("nan"))

    trainer.on_step.append(poison)
    assert trainer.train() == "diverged"
    assert "NaN" in trainer.message and "epoch 2" in trainer.message
    info = run.read_info()
    assert info["status"] == "diverged" and "last good checkpoint (epoch 1)" in info["summary"]["message"]
    saved = run.load_checkpoint()
    assert saved["epoch"] == 1
    assert all(torch.isfinite(v).all() for v in saved["generator"].values())
    assert load_generator(run).sample(4).isfinite().all()


def test_an_existing_name_is_refused_and_nothing_is_overwritten(checkpoints, small_mnist) -> None:
    Trainer.create(tiny(epochs=1), RunDir("taken"), data=small_mnist).train()
    before = RunDir("taken").checkpoint_path.read_bytes()
    with pytest.raises(RunNameError, match="already exists"):
        Trainer.create(tiny(epochs=1), RunDir("taken"), data=small_mnist)
    assert RunDir("taken").checkpoint_path.read_bytes() == before


def test_resume_refuses_no_new_epochs_and_changed_architecture(checkpoints, small_mnist) -> None:
    Trainer.create(tiny(epochs=1), RunDir("short"), data=small_mnist).train()
    with pytest.raises(ConfigError, match="already trained 1 epochs; ask for more"):
        Trainer.resume(RunDir("short"), epochs=1, data=small_mnist)
    with pytest.raises(ConfigError, match="latent_dim cannot change when resuming"):
        Trainer.resume(RunDir("short"), epochs=2, changes={"latent_dim": 32}, data=small_mnist)
    resumed = Trainer.resume(RunDir("short"), epochs=2, changes={"lr_g": 1e-4}, data=small_mnist)
    assert resumed.opt_g.param_groups[0]["lr"] == 1e-4


def test_long_runs_keep_every_epochs_samples_but_thin_out_generator_weights(checkpoints, small_mnist) -> None:
    from gan_core.errors import CheckpointError

    run = RunDir("long")
    Trainer.create(tiny(epochs=12, batch_size=256), run, data=small_mnist).train()
    assert run.snapshot_epochs() == list(range(1, 13))  # the progression scrubber sees every epoch
    kept = [e for e in run.snapshot_epochs() if run.load_snapshot(e)["generator"] is not None]
    assert kept == [*range(1, 11), 12]  # 1-10, every 10th, and the last
    assert run.load_snapshot(11)["samples"].shape == (64, 28, 28)
    with pytest.raises(CheckpointError, match="kept only the samples of epoch 11"):
        load_generator(run, epoch=11)
    assert load_generator(run, epoch=12).sample(2).shape == (2, 1, 28, 28)


def test_on_a_fast_device_epoch_ends_follow_the_clock_and_a_stop_records_the_epochs_since(checkpoints, small_mnist) -> None:
    """With epoch ends every N seconds (a GPU's default is 5), epochs between them are not recorded one by one:
    the last epoch and a stop always are, with the mean losses of every step since the previous record."""
    run = RunDir("clocked")
    trainer = Trainer.create(tiny(epochs=3), run, data=small_mnist, epoch_end_every=3600.0)
    assert trainer.train() == "finished"
    assert [r["epoch"] for r in trainer.history.epochs] == [3] and run.snapshot_epochs() == [3]
    assert trainer.history.epochs[0]["loss_d"] == pytest.approx(sum(trainer.history.loss_d) / len(trainer.history.loss_d))

    stopping = Trainer.create(tiny(epochs=4), RunDir("clocked-stop"), data=small_mnist, epoch_end_every=3600.0)
    stop_at = 2 * stopping.steps_per_epoch + 1
    stopping.on_step.append(lambda p: stopping.request_stop() if p.global_step == stop_at else None)
    assert stopping.train() == "stopped"
    assert [r["epoch"] for r in stopping.history.epochs] == [2] and RunDir("clocked-stop").snapshot_epochs() == [2]
    resumed = Trainer.resume(RunDir("clocked-stop"), data=small_mnist, epoch_end_every=3600.0)
    assert resumed.train() == "finished" and [r["epoch"] for r in resumed.history.epochs] == [2, 4]
    every_epoch = Trainer.create(tiny(epochs=4), RunDir("every"), data=small_mnist)  # a CPU records each epoch
    every_epoch.train()
    assert resumed.history.loss_d == every_epoch.history.loss_d  # when they are recorded changes nothing else
    assert (resumed.sample_fixed() == every_epoch.sample_fixed()).all()


def test_snapshots_are_thinned_evenly_past_the_limit(checkpoints) -> None:
    run = RunDir("thin")
    run.path.mkdir()
    for epoch in range(1, 12):
        run.save_snapshot(epoch, None, torch.zeros(1, 28, 28, dtype=torch.uint8))
    run.thin_snapshots(11)
    assert run.snapshot_epochs() == list(range(1, 12))
    run.thin_snapshots(10)
    assert run.snapshot_epochs() == [1, 3, 5, 7, 9, 11]  # the first and the newest stay, the rest evenly spread


@pytest.mark.parametrize("model", list(MODELS))
def test_the_d_step_moves_only_d_and_the_g_step_only_g_leaving_d_trainable(small_mnist, model) -> None:
    """What the D step and the G step teach: each player learns in its own step only (D's gradient never
    reaches G through the fakes; G's step holds D fixed and gives it back trainable)."""
    trainer = Trainer(tiny(model, batch_size=16), data=small_mnist)
    real, labels = small_mnist.images[:16], small_mnist.labels[:16]
    trainer.generator_step(16, labels)  # first, so that G holds gradients a wrong D step could apply or add to
    g, d = parameters(trainer.generator), parameters(trainer.discriminator)
    g_grads = [p.grad.clone() for p in trainer.generator.parameters()]
    trainer.discriminator_step(real, labels)
    assert same(parameters(trainer.generator), g) and not same(parameters(trainer.discriminator), d)
    assert same([p.grad for p in trainer.generator.parameters()], g_grads)  # the fakes were detached
    g, d = parameters(trainer.generator), parameters(trainer.discriminator)
    d_grads = [p.grad.clone() for p in trainer.discriminator.parameters()]
    trainer.generator_step(16, labels)
    assert same(parameters(trainer.discriminator), d) and not same(parameters(trainer.generator), g)
    assert same([p.grad for p in trainer.discriminator.parameters()], d_grads)  # D was held: nothing added to them
    assert all(p.requires_grad for p in trainer.discriminator.parameters())  # and it trains again at its next step
