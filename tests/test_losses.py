"""The GAN losses: their formulas on hand-made outputs, the penalties, and every loss in the real trainer."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from gan_core.runs.checkpoints import RunDir
from gan_core.cli import main
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.losses import GP_WEIGHT, LOSSES, build_objective, equilibrium
from gan_core.trainer import History, Trainer

from .helpers import gan
from .test_trainer import assert_same_run, weights

REAL = torch.tensor([2.0, -1.0, 0.5])  # hand-made discriminator outputs
FAKE = torch.tensor([-3.0, 0.0, 1.5])


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


R, F_ = REAL.tolist(), FAKE.tolist()
FORMULAS = {
    "minimax": (mean(-math.log(sigmoid(r)) for r in R) + mean(-math.log(1 - sigmoid(f)) for f in F_),
                mean(math.log(1 - sigmoid(f)) for f in F_)),
    "ns": (mean(-math.log(sigmoid(r)) for r in R) + mean(-math.log(1 - sigmoid(f)) for f in F_),
           mean(-math.log(sigmoid(f)) for f in F_)),
    "lsgan": (0.5 * mean((r - 1) ** 2 for r in R) + 0.5 * mean(f ** 2 for f in F_), 0.5 * mean((f - 1) ** 2 for f in F_)),
    "hinge": (mean(max(0, 1 - r) for r in R) + mean(max(0, 1 + f) for f in F_), -mean(F_)),
    "wgan-gp": (mean(F_) - mean(R), -mean(F_)),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_each_loss_computes_the_formula_on_hand_made_outputs(name: str) -> None:
    loss = build_objective(name)
    d_loss, g_loss = FORMULAS[name]
    assert loss.discriminator(REAL, FAKE).item() == pytest.approx(d_loss, rel=1e-6)
    assert loss.generator(FAKE).item() == pytest.approx(g_loss, rel=1e-6)


def test_minimax_generator_loss_saturates_where_ns_does_not() -> None:
    """When D rejects a fake confidently (logit -8), log(1 - D) is flat; -log D is steep."""
    confident_reject = torch.tensor([-8.0], requires_grad=True)
    grads = {}
    for name in ("minimax", "ns"):
        (grad,) = torch.autograd.grad(build_objective(name).generator(confident_reject), confident_reject)
        grads[name] = grad.abs().item()
    assert grads["minimax"] < 1e-3 < 0.9 < grads["ns"]


def test_equilibrium_of_the_bce_losses_is_where_d_says_one_half() -> None:
    unsure = torch.zeros(4)
    for name in ("minimax", "ns", "lsgan", "hinge", "wgan-gp"):
        loss = build_objective(name)
        outputs = unsure + (0.5 if name == "lsgan" else 0.0)
        assert loss.discriminator(outputs, outputs).item() == pytest.approx(equilibrium(name)["loss_d"])
        assert loss.generator(outputs).item() == pytest.approx(equilibrium(name)["loss_g"])


class LinearCritic(nn.Module):
    def __init__(self, weight: torch.Tensor):
        super().__init__()
        self.linear = nn.Linear(weight.numel(), 1)
        with torch.no_grad():
            self.linear.weight.copy_(weight.view(1, -1))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.linear(images.flatten(1)).view(-1)


def test_gradient_penalty_is_zero_for_a_linear_critic_with_unit_norm_weight() -> None:
    """GP = λ(‖∇C‖ - 1)²: a linear critic's gradient is its weight everywhere, so a unit weight costs nothing."""
    direction = torch.randn(1 * 4 * 4, generator=torch.Generator().manual_seed(0))
    real = torch.randn(8, 1, 4, 4)
    fake = torch.randn(8, 1, 4, 4)
    loss = build_objective("wgan-gp")
    unit = loss.penalty(LinearCritic(direction / direction.norm()), real, fake, torch.Generator().manual_seed(1))
    assert unit.item() == pytest.approx(0.0, abs=1e-10)
    doubled = loss.penalty(LinearCritic(2 * direction / direction.norm()), real, fake, torch.Generator().manual_seed(1))
    assert doubled.item() == pytest.approx(GP_WEIGHT * (2 - 1) ** 2, rel=1e-5)
    assert build_objective("hinge").penalty(LinearCritic(2 * direction), real, fake).item() == 0.0


def test_r1_is_half_gamma_times_the_squared_gradient_on_real_images_with_any_loss() -> None:
    weight = torch.tensor([3.0, 4.0, 0.0, 0.0])  # ‖w‖² = 25
    real, fake = torch.randn(5, 1, 2, 2), torch.randn(5, 1, 2, 2)
    assert build_objective("ns", r1=2.0).penalty(LinearCritic(weight), real, fake).item() == pytest.approx(25.0)
    # on top of WGAN-GP's own penalty: λ(5 - 1)² + γ/2·25
    gp_and_r1 = build_objective("wgan-gp", r1=0.5).penalty(LinearCritic(weight), real, fake, torch.Generator())
    assert gp_and_r1.item() == pytest.approx(GP_WEIGHT * 16 + 0.25 * 25, rel=1e-5)


def test_penalties_train_the_critic() -> None:
    """The penalty's gradient reaches the critic's weights (create_graph), pulling ‖w‖ towards 1."""
    critic = LinearCritic(torch.tensor([3.0, 4.0, 0.0, 0.0]))
    penalty = build_objective("wgan-gp").penalty(critic, torch.randn(5, 1, 2, 2), torch.randn(5, 1, 2, 2), torch.Generator())
    penalty.backward()
    gradient = critic.linear.weight.grad.view(-1)
    # d/dw λ(‖w‖ - 1)² = 2λ(‖w‖ - 1) w/‖w‖ = 2·10·4·(0.6, 0.8)
    torch.testing.assert_close(gradient, torch.tensor([48.0, 64.0, 0.0, 0.0]))


def test_wgan_gp_brings_five_critic_steps_unless_told_otherwise() -> None:
    assert TrainConfig.for_model("sngan", loss="wgan-gp").d_steps == 5
    assert TrainConfig.for_model("dcgan", loss="wgan-gp", d_steps=2).d_steps == 2
    assert TrainConfig.for_model("sngan").loss == "ns" and TrainConfig.for_model("sngan").d_steps == 1
    assert TrainConfig.from_dict({"model": "mlp"}).loss == "ns"  # runs saved before losses existed


@pytest.fixture(scope="module")
def few_digits(mnist: ImageDataset) -> ImageDataset:
    order = torch.randperm(len(mnist), generator=torch.Generator().manual_seed(1))[:160]
    return ImageDataset("mnist-5k", mnist.images[order], mnist.labels[order])


@pytest.mark.parametrize("model", ["dcgan", "sngan", "mlp"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_every_loss_trains_every_model(few_digits: ImageDataset, model: str, name: str) -> None:
    config = TrainConfig.for_model(model, loss=name, epochs=2, batch_size=16, latent_dim=8, device="cpu",
                                   r1=1.0 if name == "lsgan" else None)
    trainer = Trainer(config, data=few_digits)
    start_g, start_d = dict(trainer.generator.named_parameters()), dict(trainer.discriminator.named_parameters())
    start_g, start_d = ({k: v.detach().clone() for k, v in start.items()} for start in (start_g, start_d))
    trainer.on_step.append(lambda p: trainer.request_stop() if p.global_step == 2 else None)
    assert trainer.train() == "stopped"
    # the loss's gradients reach every weight matrix of both players (a detached term or a skipped step leaves some
    # as they were); biases aside: D's last one gets no gradient from a loss linear in D's output (WGAN, hinge)
    for start, model_ in ((start_g, trainer.generator), (start_d, trainer.discriminator)):
        unchanged = [k for k, v in model_.named_parameters() if v.dim() > 1 and torch.equal(v.detach(), start[k])]
        assert not unchanged, f"{name}/{model}: {unchanged} did not learn"
    history = trainer.history
    assert len(history.grad_g) == len(history.loss_d) == 2
    assert all(math.isfinite(v) for v in history.loss_d + history.loss_g + history.grad_g)
    assert all(v > 0 for v in history.grad_g)
    if LOSSES[name].build.readout == "probability":
        assert all(0 <= v <= 1 for v in history.d_real + history.d_fake)


@pytest.mark.parametrize("name, model, changes", [
    ("wgan-gp", "mlp", {"batch_size": 16}),  # 2 steps an epoch  # the penalty's random interpolates and dropout
    ("hinge", "sngan", {"batch_size": 32, "r1": 1.0}),  # 5 steps an epoch  # spectral norm's power iteration, with R1
])
def test_stop_and_resume_is_exact(checkpoints, few_digits, name, model, changes) -> None:
    config = TrainConfig.for_model(model, loss=name, epochs=2, latent_dim=8, device="cpu", **changes)
    straight = Trainer(config, data=few_digits)
    straight.train()

    stopping = Trainer.create(config, RunDir("midway"), data=few_digits)
    stop_at = straight.steps_per_epoch + 1
    stopping.on_step.append(lambda p: stopping.request_stop() if p.global_step == stop_at else None)
    assert stopping.train() == "stopped"
    resumed = Trainer.resume(RunDir("midway"), data=few_digits)
    assert resumed.config.loss == name and RunDir("midway").read_info()["config"]["loss"] == name
    assert resumed.train() == "finished"
    assert_same_run(straight, resumed)
    assert resumed.history.grad_g == straight.history.grad_g
    assert torch.equal(torch.from_numpy(resumed.sample_fixed()), torch.from_numpy(straight.sample_fixed()))
    assert weights(resumed.sampling_generator).keys() == weights(straight.sampling_generator).keys()


def test_a_history_saved_before_the_gradient_norm_existed_loads() -> None:
    state = History(loss_d=[1.0, 2.0], loss_g=[1.0, 1.0], d_real=[0.5, 0.5], d_fake=[0.5, 0.5]).to_state()
    del state["grad_g"]
    loaded = History.from_state(state)
    assert len(loaded.grad_g) == 2 and all(math.isnan(v) for v in loaded.grad_g)


@pytest.mark.parametrize("args, expected", [
    (["--loss", "nonsense"], "unknown loss 'nonsense'; choose one of minimax, ns, lsgan, hinge, wgan-gp"),
    (["--r1", "-1"], "r1 (the R1 penalty's weight) must be from 0 to 1000"),
    (["--r1", "ten"], "argument --r1: invalid float value"),
])
def test_the_cli_refuses_a_bad_loss_in_one_line(checkpoints, capsys, args, expected) -> None:
    try:
        code = main(["train", "--run", "bad", *args])
    except SystemExit as exit:  # argparse's own refusals
        code = exit.code
    stderr = capsys.readouterr().err
    assert code == 2
    assert expected in stderr and len(stderr.strip().splitlines()) == 1
    assert not (checkpoints / "bad").exists()


def test_the_cli_trains_with_a_loss_and_r1_and_records_them(checkpoints) -> None:
    result = gan(checkpoints, "train", "--run", "wgan", "--loss", "wgan-gp", "--r1", "0.5", "--max-seconds", "0.5",
                 "--batch-size", "16", "--latent-dim", "8", "--device", "cpu", "--quiet")
    assert result.returncode == 0, result.stderr
    config = RunDir("wgan", checkpoints).read_info()["config"]
    assert (config["loss"], config["r1"], config["d_steps"]) == ("wgan-gp", 0.5, 5)
    changed = gan(checkpoints, "train", "--run", "wgan", "--resume", "--epochs", "2", "--loss", "hinge")
    assert changed.returncode == 2 and "loss cannot change when resuming" in changed.stderr


class HalfSquaredNorm(nn.Module):
    """D(x) = ‖x‖²/2 per point: its gradient at x is x itself, so the penalty's norm is the point's distance to 0."""

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return 0.5 * points.pow(2).sum(1, keepdim=True)


def test_the_gradient_penalty_mixes_2d_points_too() -> None:
    """WGAN-GP on points in the plane (the 2D lab): one mixing share per point, shaped (N, 1), not (N, 1, 1, 1)
    (which would broadcast every point against every other and give a gradient N times too long)."""
    gp = LOSSES["wgan-gp"].build()
    real, fake = torch.randn(16, 2), torch.randn(16, 2)
    for weight, expected in (((0.6, 0.8), 0.0), ((3.0, 4.0), GP_WEIGHT * (5 - 1) ** 2)):  # ‖∇D‖ = ‖w‖ everywhere
        critic = nn.Linear(2, 1, bias=False)
        critic.weight.data = torch.tensor([weight])
        penalty = gp.penalty(critic, real, fake, torch.Generator().manual_seed(0))
        assert penalty.dim() == 0 and penalty.item() == pytest.approx(expected, abs=1e-5)
    points = torch.tensor([[3.0, 4.0], [0.0, 2.0]])  # real = fake: every interpolate is the point itself
    penalty = gp.penalty(HalfSquaredNorm(), points, points, torch.Generator().manual_seed(0))
    assert penalty.item() == pytest.approx(GP_WEIGHT * ((5 - 1) ** 2 + (2 - 1) ** 2) / 2)
