"""The CUDA-graph fast path: same mathematics as the eager step, and off where there is no CUDA."""

from __future__ import annotations

import time

import pytest
import torch

from gan_core.runs.checkpoints import RunDir
from gan_core.config import TrainConfig
from gan_core.devices import wait_without_spinning
from gan_core.errors import ConfigError
from gan_core.fast_path import LEAD_REPLAYS
from gan_core.trainer import Trainer

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run through the device tool)")


@pytest.fixture
def deterministic_cudnn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic convolutions for comparing two runs bit for bit; the process-wide flag is put back after."""
    monkeypatch.setattr(torch.backends.cudnn, "deterministic", True)


def config(model: str, device: str, **changes) -> TrainConfig:
    settings = {"model": model, "batch_size": 64, "epochs": 1, "latent_dim": 32, "device": device, **changes}
    return TrainConfig(**settings)


def test_on_a_cpu_the_eager_path_runs_and_the_fast_path_cannot_be_forced(small_mnist) -> None:
    trainer = Trainer(config("mlp", "cpu"), data=small_mnist)
    assert trainer.fast is False
    assert trainer.train() == "finished"
    with pytest.raises(ConfigError, match="fast path needs a CUDA device"):
        Trainer(config("mlp", "cpu"), data=small_mnist, fast=True)


@needs_cuda
@pytest.mark.parametrize("model, changes", [("mlp", {"epochs": 2}), ("dcgan", {"ema_decay": 0.99, "d_steps": 2, "epochs": 4}),
                                            ("sngan", {"epochs": 2, "ema_decay": 0.999, "lr_g": 2e-3, "lr_d": 2e-3}),
                                            ("cgan", {"epochs": 2, "ema_decay": 0.999, "lr_g": 2e-3, "lr_d": 2e-3})])
def test_fast_and_eager_paths_give_the_same_losses_from_the_same_seed(small_mnist, model, changes, deterministic_cudnn) -> None:
    histories = []
    for fast in (False, True):
        trainer = Trainer(config(model, "cuda", **changes), data=small_mnist, fast=fast)
        assert trainer.fast is fast
        trainer.train()
        histories.append(trainer.history)
    eager, fast = histories
    assert len(eager.loss_d) == len(fast.loss_d) > 10
    # The first steps agree to float rounding; later steps may drift as chaotic GAN dynamics amplify
    # last-bit differences between kernels, so those are compared loosely.
    for name in ("loss_d", "loss_g", "d_real", "d_fake"):
        a, b = torch.tensor(getattr(eager, name)), torch.tensor(getattr(fast, name))
        torch.testing.assert_close(b[:8], a[:8], rtol=1e-4, atol=1e-5, msg=f"{name} differs in the first steps")
        torch.testing.assert_close(b.mean(), a.mean(), rtol=0.05, atol=0.05)


@needs_cuda
def test_fast_path_stops_within_a_step_and_resumes_exactly(checkpoints, small_mnist, deterministic_cudnn) -> None:
    straight = Trainer(config("dcgan", "cuda", epochs=3, ema_decay=0.99), data=small_mnist)
    assert straight.fast and straight.train() == "finished"

    trainer = Trainer.create(config("dcgan", "cuda", epochs=3, ema_decay=0.99), RunDir("gpu"), data=small_mnist)
    assert trainer.fast
    stop_at = trainer.steps_per_epoch + 5
    after_stop = []
    trainer.on_step.append(lambda p: trainer.request_stop() if p.global_step == stop_at else None)
    trainer.on_step.append(lambda p: after_stop.append(p.global_step) if p.global_step > stop_at else None)
    assert trainer.train() == "stopped"
    assert trainer.global_step == stop_at and after_stop == []
    del trainer
    resumed = Trainer.resume(RunDir("gpu"), data=small_mnist)
    assert resumed.train() == "finished"
    # Every counted step is a replay of the graph (warm-up steps are undone), so resuming changes no bit.
    assert resumed.history.loss_d == straight.history.loss_d and resumed.history.loss_g == straight.history.loss_g
    assert torch.equal(torch.from_numpy(resumed.sample_fixed()), torch.from_numpy(straight.sample_fixed()))
    for a, b in zip(resumed.generator.state_dict().values(), straight.generator.state_dict().values()):
        assert torch.equal(a, b)


@needs_cuda
@pytest.mark.parametrize("loss, changes", [("wgan-gp", {"batch_size": 32}), ("hinge", {"r1": 1.0}), ("minimax", {})])
def test_fast_path_trains_each_loss_like_the_eager_step(small_mnist, loss, changes, deterministic_cudnn) -> None:
    """The penalties (double backward, random interpolates from the noise stream) replay inside the graph."""
    histories = []
    for fast in (False, True):
        trainer = Trainer(TrainConfig.for_model("sngan", loss=loss, epochs=3, device="cuda", **changes),
                          data=small_mnist, fast=fast)
        trainer.train()
        histories.append(trainer.history)
    eager, fast = histories
    for name in ("loss_d", "loss_g", "d_real", "d_fake", "grad_g"):
        a, b = torch.tensor(getattr(eager, name)), torch.tensor(getattr(fast, name))
        torch.testing.assert_close(b[:6], a[:6], rtol=1e-4, atol=1e-5, msg=f"{name} differs in the first steps ({loss})")


@needs_cuda
@pytest.mark.parametrize("loss", ["wgan-gp", "hinge"])
def test_fast_path_resumes_each_loss_exactly(checkpoints, small_mnist, loss, deterministic_cudnn) -> None:
    settings = TrainConfig.for_model("sngan", loss=loss, epochs=2, batch_size=32, device="cuda")
    straight = Trainer(settings, data=small_mnist)
    straight.train()
    stopping = Trainer.create(settings, RunDir(f"gpu-{loss}"), data=small_mnist)
    stop_at = stopping.steps_per_epoch + 2
    stopping.on_step.append(lambda p: stopping.request_stop() if p.global_step == stop_at else None)
    assert stopping.train() == "stopped"
    resumed = Trainer.resume(RunDir(f"gpu-{loss}"), data=small_mnist)
    assert resumed.fast and resumed.train() == "finished"
    assert resumed.history.loss_d == straight.history.loss_d and resumed.history.grad_g == straight.history.grad_g
    assert (resumed.sample_fixed() == straight.sample_fixed()).all()


@needs_cuda
def test_a_run_waiting_for_the_gpu_sleeps_instead_of_holding_a_cpu_core(small_mnist) -> None:
    """A class's thirty runs share one GPU and wait for it most of the time: a worker that spins while it waits
    holds a core (thirty held all sixteen of a GPU box, and the pages waited for a core)."""
    torch.cuda.synchronize()
    torch.cuda._sleep(2_000_000_000)  # about a second of GPU time at an H100's clock
    wall, cpu = time.perf_counter(), time.thread_time()
    wait_without_spinning(torch.device("cuda"))
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    assert wall > 0.3, f"the GPU work should have taken a while, took {wall:.3f} s"
    assert cpu < 0.2 * wall, f"waited {wall:.3f} s using {cpu:.3f} s of CPU: spinning"

    trainer = Trainer(config("mlp", "cuda", epochs=2), data=small_mnist)
    assert trainer.fast and trainer.train() == "finished"
    assert len(trainer._graphed_step._queued) <= LEAD_REPLAYS  # the trainer never ran further ahead of the GPU


def test_bfloat16_changes_nothing_off_a_gpu(small_mnist) -> None:
    """A laptop's run trains in float32 whatever the setting says: the same bits as without it."""
    histories = []
    for bfloat16 in (False, True):
        trainer = Trainer(config("sngan", "cpu", bfloat16=bfloat16), data=small_mnist)
        trainer.train()
        histories.append(trainer.history)
    assert histories[0].loss_d == histories[1].loss_d and histories[0].loss_g == histories[1].loss_g


@needs_cuda
def test_a_bfloat16_step_replays_as_its_eager_step_and_resumes_exactly(checkpoints, small_mnist, deterministic_cudnn) -> None:
    """The GPU default's step in bfloat16: captured in the graph with its casts, the weights and Adam in float32,
    and a stop and resume changes no bit."""
    settings = TrainConfig.for_model("sngan", epochs=2, batch_size=64, device="cuda")
    assert settings.bfloat16
    histories = []
    for fast in (False, True):
        trainer = Trainer(settings, data=small_mnist, fast=fast)
        trainer.train()
        assert all(p.dtype == torch.float32 for p in trainer.generator.parameters())
        histories.append(trainer.history)
    eager, fast = histories
    for name in ("loss_d", "loss_g"):
        a, b = torch.tensor(getattr(eager, name)), torch.tensor(getattr(fast, name))
        assert torch.isfinite(b).all()
        torch.testing.assert_close(b[:4], a[:4], rtol=1e-2, atol=1e-3, msg=f"{name} differs in the first steps")

    stopping = Trainer.create(settings, RunDir("gpu-bf16"), data=small_mnist)
    stop_at = stopping.steps_per_epoch + 2
    stopping.on_step.append(lambda p: stopping.request_stop() if p.global_step == stop_at else None)
    assert stopping.train() == "stopped"
    resumed = Trainer.resume(RunDir("gpu-bf16"), data=small_mnist)
    assert resumed.config.bfloat16 and resumed.train() == "finished"
    assert resumed.history.loss_d == fast.loss_d and resumed.history.loss_g == fast.loss_g
