"""The 2D lab: a GAN on points in the plane, small enough to watch every step.

In two dimensions both players can be drawn: D's judgement as a surface over the plane, G as the image of a
regular grid of noise (a warped mesh). This module holds one experiment: G and D with their optimisers, one
training step written as the lecture's algorithm (k steps of D, then a step of G), slow motion's half-steps, what
the page draws, and Save / Load. It never imports Streamlit. The data, the networks, the settings, the presets
and the numbers live beside it (targets.py, networks.py, config.py, presets.py, metrics.py).

Every random draw goes through the lab's own `torch.Generator`s: many labs (one per browser session) train
side by side in one server without touching torch's global RNG.
"""

from __future__ import annotations

import io
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from ..ema import warmup_decay
from ..errors import CheckpointError, ConfigError
from ..losses import Objective, build_objective
from .config import Toy2DConfig, rebuild_fields
from .metrics import EVAL_SAMPLES, Toy2DMetrics, measure
from .networks import add_spectral_norm, averaged_copy, build_optimizer, mlp
from .targets import make_target


def shown(objective: Objective, outputs: torch.Tensor) -> torch.Tensor:
    """D's output as the plane shows it: a probability for the sigmoid losses, else the raw score."""
    return torch.sigmoid(outputs) if objective.loss.readout == "probability" else outputs


# --- the lab -------------------------------------------------------------------------------------------
@dataclass
class Snapshot:
    """What the page draws, as numpy arrays: D's surface on a grid, real and fake points, G's warped
    noise mesh (lines separated by NaN rows) and the direction G's loss pushes each fake point."""

    grid: np.ndarray  # (n,) coordinates of the surface's columns and rows
    surface: np.ndarray  # (n, n) D's shown output, surface[row=y, col=x]
    surface_range: tuple[float, float] | None
    real: np.ndarray
    fake: np.ndarray
    mesh: np.ndarray  # (m, 2) with NaN rows between lines
    push: np.ndarray  # (len(fake), 2): minus the gradient of G's loss at each fake point
    extent: float


@dataclass
class History2D:
    """Losses per update and the numbers each time they were measured, indexed by updates done (D + G)."""

    loss_d: list[tuple[int, float]] = field(default_factory=list)
    loss_g: list[tuple[int, float]] = field(default_factory=list)
    metrics: list[tuple[int, Toy2DMetrics]] = field(default_factory=list)
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def array(self, name: str) -> np.ndarray:
        """loss_d or loss_g as an (n, 2) array of (updates, loss). Play draws the whole curve every frame, so
        only the pairs added since the last call are converted (a long run's curve costs what a short one's does)."""
        pairs = getattr(self, name)
        known = self._arrays.get(name)
        if known is None or len(known) > len(pairs):
            known = np.zeros((0, 2))
        if len(known) < len(pairs):
            known = np.concatenate([known, np.asarray(pairs[len(known):], dtype=np.float64).reshape(-1, 2)])
            self._arrays[name] = known
        return known


@dataclass(frozen=True)
class HalfStep:
    """One update of slow motion: whose it was ("d" or "g") and which of that player's updates in the round."""

    player: str
    number: int  # 1 for the round's first update of this player
    of: int  # this player's updates in a round


SHOWN_POINTS = 300  # real and fake points drawn on the plane
SURFACE_CELLS = 40
MESH_LINES = 20
FORMAT_VERSION = 1


class Toy2DLab:
    """One 2D experiment: the data, G and D with their optimisers, and what has happened so far."""

    def __init__(self, config: Toy2DConfig = Toy2DConfig(), points: Sequence[Sequence[float]] | None = None):
        self.config = config.validate()
        self.target = make_target(config.distribution, points)
        init = torch.Generator().manual_seed(config.seed)
        self.G = mlp(config.noise_dim, 2, config.layers, config.width, init)
        self.D = mlp(2, 1, config.layers, config.width, init)
        if config.spectral_norm:
            add_spectral_norm(self.D, init)
        self.D.eval()  # the power iteration of spectral norm advances only in D's own update (step_d)
        betas = (config.beta1, config.beta2)
        self.opt_g = build_optimizer(config.optimizer_g, self.G.parameters(), config.lr_g, betas)
        self.opt_d = build_optimizer(config.optimizer_d, self.D.parameters(), config.lr_d, betas)
        self.G_ema = averaged_copy(self.G) if config.g_ema > 0 else None
        self.loss = build_objective(config.loss, config.r1)
        self.rng = torch.Generator().manual_seed(config.seed + 1)  # training batches
        self.d_updates = 0
        self.g_updates = 0
        self.phase = 0  # slow motion: the updates of the current round done one by one
        self.history = History2D()
        view = torch.Generator().manual_seed(config.seed + 2)  # fixed noise and real points to show and measure
        self.shown_noise = self.noise(SHOWN_POINTS, view)
        self.shown_real = self.target.sample(SHOWN_POINTS, view).numpy()
        self.eval_noise = self.noise(EVAL_SAMPLES, view)
        self.eval_real = self.target.sample(EVAL_SAMPLES, view).numpy()

    def adjust(self, config: Toy2DConfig, points: Sequence[Sequence[float]] | None = None) -> bool:
        """Take new settings without starting over when only live ones changed (the loss, the D:G ratio, a learning
        rate..., as a teacher changes them mid-run); False when the networks or the data must be rebuilt: another
        setting of that kind, or other points for the custom distribution."""
        config = config.validate()
        if any(getattr(config, name) != getattr(self.config, name) for name in rebuild_fields()):
            return False
        if config.distribution == "custom" and (
                not points or not np.array_equal(self.custom_points, make_target("custom", points).modes)):
            return False
        if config.g_ema == 0:
            self.G_ema = None
        elif self.G_ema is None:  # the average starts from the G of now
            self.G_ema = averaged_copy(self.G)
        self.config = config
        self.loss = build_objective(config.loss, config.r1)
        for group in self.opt_g.param_groups:
            group["lr"] = config.lr_g
        for group in self.opt_d.param_groups:
            group["lr"] = config.lr_d
        return True

    @property
    def custom_points(self) -> np.ndarray | None:
        return self.target.modes if self.config.distribution == "custom" else None

    @property
    def updates(self) -> int:
        return self.d_updates + self.g_updates

    @property
    def rounds(self) -> int:
        """Rounds done: G's updates, g_steps to a round (a D-only step by hand starts no round)."""
        return self.g_updates // self.config.g_steps

    @property
    def shown_G(self) -> nn.Module:
        """The G that the plane and the numbers show: the average of G's weights when it is on, else G itself."""
        return self.G if self.G_ema is None else self.G_ema

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n noise vectors z: standard Gaussian or uniform on [-1, 1], of noise_dim coordinates."""
        shape = (n, self.config.noise_dim)
        generator = generator or self.rng
        if self.config.noise == "uniform":
            return 2 * torch.rand(shape, generator=generator) - 1
        return torch.randn(shape, generator=generator)

    @property
    def instance_sigma(self) -> float:
        """The instance noise's std now: the initial sigma, falling linearly to 0 over the anneal's rounds
        (counted in D's updates, d_steps to a round)."""
        sigma, rounds = self.config.instance_noise, self.config.instance_noise_rounds
        if sigma <= 0 or rounds == 0:
            return float(sigma)
        return sigma * max(0.0, 1.0 - self.d_updates / (rounds * self.config.d_steps))

    def blur(self, points: torch.Tensor) -> torch.Tensor:
        """Points as D sees them: plus Gaussian noise of std instance_sigma (drawn with the lab's generator;
        nothing is drawn when it is 0, so a run without instance noise is the same as before it existed)."""
        sigma = self.instance_sigma
        if sigma == 0:
            return points
        return points + sigma * torch.randn(points.shape, generator=self.rng)

    # The training step, as in the lecture: k steps of D, then a step of G.
    def step_d(self) -> float:
        """One update of D: push D(real) up and D(G(z)) down. G does not change."""
        real = self.target.sample(self.config.batch_size, self.rng)
        fake = self.G(self.noise(self.config.batch_size)).detach()
        real, fake = self.blur(real), self.blur(fake)  # instance noise, when on
        self.D.train()
        # the penalty: WGAN-GP's own, plus R1 (gamma/2 E|grad D(x)|^2 on real points) when r1 > 0
        loss = self.loss.discriminator(self.D(real), self.D(fake)) + self.loss.penalty(self.D, real, fake, self.rng)
        self.D.eval()
        self.opt_d.zero_grad()
        loss.backward()
        self.opt_d.step()
        self.d_updates += 1
        self.history.loss_d.append((self.updates, loss.item()))
        return loss.item()

    def step_g(self) -> float:
        """One update of G: move G(z) where D calls it real. D does not change."""
        fake = self.blur(self.G(self.noise(self.config.batch_size)))
        loss = self.loss.generator(self.D(fake))
        self.opt_g.zero_grad()
        loss.backward()
        self.opt_g.step()
        self.g_updates += 1
        if self.G_ema is not None:
            self.average_g()
        self.history.loss_g.append((self.updates, loss.item()))
        return loss.item()

    @torch.no_grad()
    def average_g(self) -> None:
        """Move the average of G's weights toward the live G (Yazıcı et al. 2019). The decay starts low, so
        the average follows G closely at first instead of holding its random start for thousands of updates."""
        decay = warmup_decay(self.g_updates, self.config.g_ema)
        for average, live in zip(self.G_ema.parameters(), self.G.parameters()):
            average.lerp_(live, 1 - decay)

    def step(self) -> None:
        """One round: d_steps updates of D, then g_steps updates of G (the D:G ratio)."""
        for _ in range(self.config.d_steps):
            self.step_d()
        for _ in range(self.config.g_steps):
            self.step_g()

    def half_steps(self) -> list[str]:
        """The order of updates within one round, for slow motion: ["d", "d", "g"] for 2:1."""
        return ["d"] * self.config.d_steps + ["g"] * self.config.g_steps

    def half_step(self) -> HalfStep:
        """Slow motion: the round's next single update, D's or G's in the round's order; which one it was."""
        order = self.half_steps()
        position = self.phase % len(order)  # the D:G ratio may have changed since the last half-step
        player = order[position]
        (self.step_d if player == "d" else self.step_g)()
        self.phase = position + 1
        return HalfStep(player, order[: position + 1].count(player), order.count(player))

    def train(self, seconds: float | None = None, rounds: int | None = None,
              clock: Callable[[], float] = time.perf_counter) -> int:
        """Rounds until `seconds` have passed on `clock` (wall time; time.process_time for this process's CPU
        time) or `rounds` are done, whichever comes first; the rounds done."""
        if seconds is None and rounds is None:
            raise ValueError("give seconds or rounds")
        start, done = clock(), 0
        while (rounds is None or done < rounds) and (seconds is None or clock() - start < seconds):
            self.step()
            done += 1
        return done

    # What the page and the CLI read.
    @torch.no_grad()
    def samples(self, noise: torch.Tensor | None = None) -> np.ndarray:
        return self.shown_G(self.eval_noise if noise is None else noise).numpy()

    def evaluate(self, record: bool = True) -> Toy2DMetrics:
        """The numbers for 2,000 samples of fixed noise (so they change only when G does)."""
        result = measure(self.samples(), self.target, self.eval_real)
        if record and (not self.history.metrics or self.history.metrics[-1][0] != self.updates):
            self.history.metrics.append((self.updates, result))
        return result

    def mesh_noise(self) -> torch.Tensor:
        """A regular grid of noise (lines of constant z1, then constant z2; NaN rows between lines):
        [-1, 1] for uniform noise, [-2, 2] (95% of each coordinate) for Gaussian noise."""
        reach = 1.0 if self.config.noise == "uniform" else 2.0
        ticks = torch.linspace(-reach, reach, MESH_LINES)
        fine = torch.linspace(-reach, reach, 2 * MESH_LINES)
        if self.config.noise_dim == 1:
            return torch.linspace(-reach, reach, 200)[:, None]
        gap = torch.full((1, 2), float("nan"))
        lines = []
        for tick in ticks:
            lines += [torch.stack([torch.full_like(fine, tick), fine], 1), gap]
            lines += [torch.stack([fine, torch.full_like(fine, tick)], 1), gap]
        return torch.cat(lines)

    def snapshot(self) -> Snapshot:
        """D's surface, the points, G's mesh and the push of G's loss on each fake point (of the averaged G
        when g_ema is on)."""
        extent = self.target.extent
        grid = torch.linspace(-extent, extent, SURFACE_CELLS)
        ys, xs = torch.meshgrid(grid, grid, indexing="ij")
        with torch.no_grad():
            surface = shown(self.loss, self.D(torch.stack([xs.ravel(), ys.ravel()], 1))).view(SURFACE_CELLS, SURFACE_CELLS)
            noise = self.mesh_noise()
            valid = ~noise.isnan().any(1)
            mesh = torch.full((len(noise), 2), float("nan"))
            mesh[valid] = self.shown_G(noise[valid])
            fake = self.shown_G(self.shown_noise)
        fake.requires_grad_(True)
        # Summed, not averaged: each arrow is what G's loss says about that one point.
        push = -torch.autograd.grad(self.loss.generator(self.D(fake)) * len(fake), fake)[0]
        surface_range = (0.0, 1.0) if self.loss.loss.readout == "probability" else None
        return Snapshot(grid=grid.numpy(), surface=surface.numpy(), surface_range=surface_range,
                        real=self.shown_real, fake=fake.detach().numpy(), mesh=mesh.numpy(), push=push.numpy(),
                        extent=extent)

    # Save / Load: weights and settings only, a file of a few hundred KB that loads with weights_only=True.
    def to_bytes(self) -> bytes:
        state = {"format": "gan-lab-toy2d", "version": FORMAT_VERSION, "config": asdict(self.config),
                 "points": None if self.custom_points is None else torch.as_tensor(self.custom_points, dtype=torch.float32),
                 "G": self.G.state_dict(), "D": self.D.state_dict(),
                 "G_ema": None if self.G_ema is None else self.G_ema.state_dict(),
                 "d_updates": self.d_updates, "g_updates": self.g_updates}
        buffer = io.BytesIO()
        torch.save(state, buffer)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Toy2DLab":
        """A lab from a file saved by `to_bytes`; a file that is not one raises CheckpointError (one line)."""
        try:
            state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable file is the user's to replace
            raise CheckpointError(f"not a 2D lab model file ({type(error).__name__}); save one with Save first",
                                  code="toy2d_file_foreign") from None
        if not isinstance(state, dict) or state.get("format") != "gan-lab-toy2d":
            raise CheckpointError("not a 2D lab model file; save one with Save first", code="toy2d_file_foreign")
        config = Toy2DConfig.from_dict(state["config"])
        points = state.get("points")
        lab = cls(config, None if points is None else points.tolist())
        try:
            lab.G.load_state_dict(state["G"])
            lab.D.load_state_dict(state["D"])
            if lab.G_ema is not None:
                lab.G_ema.load_state_dict(state["G_ema"])
        except (KeyError, RuntimeError, AttributeError):
            raise CheckpointError("the 2D lab file's networks do not match its settings; the file is damaged",
                                  code="toy2d_file_damaged") from None
        lab.d_updates, lab.g_updates = int(state.get("d_updates", 0)), int(state.get("g_updates", 0))
        return lab


def train_for(config: Toy2DConfig, seconds: float | None = None, rounds: int | None = None,
              points: Sequence[Sequence[float]] | None = None, cpu_seconds: float | None = None) -> tuple[Toy2DLab, dict]:
    """Train a new lab for a time (wall or this process's CPU time) or a number of rounds; the lab and the
    CLI's JSON report."""
    if seconds is not None and cpu_seconds is not None:
        raise ConfigError("give either seconds or CPU seconds, not both", code="toy2d_two_budgets")
    lab = Toy2DLab(config, points)
    start, cpu_start = time.perf_counter(), time.process_time()
    if cpu_seconds is not None:
        done = lab.train(seconds=cpu_seconds, rounds=rounds, clock=time.process_time)
    else:
        done = lab.train(seconds=seconds, rounds=rounds)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    metrics = lab.evaluate()
    report = {"distribution": config.distribution, "rounds": done, "seconds": round(elapsed, 2),
              "cpu_seconds": round(cpu, 2), **metrics.to_dict()}
    order = ("distribution", "rounds", "seconds", "modes_covered", "modes_total", "high_quality", "kl", "js",
             "manifold_distance", "cpu_seconds")
    return lab, {key: report[key] for key in order}
