"""The 2D lab: a GAN on points in the plane, small enough to watch every step.

In two dimensions both players can be drawn: D's judgement as a surface over the plane, G as
the image of a regular grid of noise (a warped mesh). This module holds the data (fixed
distributions or the user's own points), the two tiny MLPs, one training step written as the
lecture's algorithm, the mode-collapse numbers of Metz et al. 2017 (Unrolled GANs) and
Srivastava et al. 2017 (VEEGAN), and Save / Load. It never imports Streamlit.

Every random draw goes through the lab's own `torch.Generator`s: many labs (one per browser
session) train side by side in one server without touching torch's global RNG.
"""

from __future__ import annotations

import copy
import io
import math
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..errors import CheckpointError, ConfigError
from ..losses import LOSSES, Objective, build_objective

# --- the data ----------------------------------------------------------------------------------------
DISTRIBUTIONS = ("ring8", "grid25", "spiral", "moons", "line", "custom")
MODE_DISTRIBUTIONS = ("ring8", "grid25", "custom")  # a mixture of Gaussians: modes can be counted
RING_RADIUS, RING_STD = 2.0, 0.02  # Metz et al. 2017 (also VEEGAN)
GRID_SPACING, GRID_STD = 2.0, 0.05  # VEEGAN: centres at -4, -2, 0, 2, 4
CUSTOM_STD = 0.05  # each point the user gives becomes a small Gaussian
MANIFOLD_NOISE = {"spiral": 0.04, "moons": 0.04, "line": 0.02}
MAX_CUSTOM_POINTS = 500
CUSTOM_EXTENT = 3.0  # the user draws inside [-3, 3]^2


@dataclass(frozen=True)
class Target:
    """A distribution of points: either a mixture of K equal Gaussians (modes, std) or a curve
    (a dense polyline of the noiseless manifold, plus the noise around it)."""

    name: str
    modes: np.ndarray | None = None  # (K, 2) centres
    std: float = 0.0
    curve: np.ndarray | None = None  # (M, 2) points along the manifold
    extent: float = 3.0  # the plot shows [-extent, extent]^2

    @property
    def has_modes(self) -> bool:
        return self.modes is not None

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n points of this distribution, drawn with the lab's generator."""
        if self.modes is not None:
            centres = torch.as_tensor(self.modes, dtype=torch.float32)
            pick = torch.randint(len(centres), (n,), generator=generator)
            return centres[pick] + self.std * torch.randn(n, 2, generator=generator)
        curve = torch.as_tensor(self.curve, dtype=torch.float32)
        pick = torch.randint(len(curve), (n,), generator=generator)
        return curve[pick] + self.std * torch.randn(n, 2, generator=generator)


def _spiral(m: int = 1500) -> np.ndarray:
    t = np.linspace(0.0, 1.0, m)
    radius, angle = 0.25 + 2.0 * t, 3.0 * math.pi * t
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)


def _moons(m: int = 1500) -> np.ndarray:
    half = m // 2
    a = np.linspace(0.0, math.pi, half)
    upper = np.stack([np.cos(a), np.sin(a)], 1)
    lower = np.stack([1.0 - np.cos(a), 0.5 - np.sin(a)], 1)
    return 1.6 * (np.concatenate([upper, lower]) - np.array([0.5, 0.25]))


def _line(m: int = 1500) -> np.ndarray:
    x = np.linspace(-2.0, 2.0, m)
    return np.stack([x, 0.5 * x], 1)


def make_target(name: str, points: Sequence[Sequence[float]] | np.ndarray | None = None) -> Target:
    """The distribution called `name`; "custom" needs the user's points (at least one, at most 500)."""
    if name == "ring8":
        angles = 2 * math.pi * np.arange(8) / 8
        return Target(name, modes=RING_RADIUS * np.stack([np.cos(angles), np.sin(angles)], 1), std=RING_STD, extent=3.0)
    if name == "grid25":
        xs = GRID_SPACING * (np.arange(5) - 2.0)
        return Target(name, modes=np.array([(x, y) for x in xs for y in xs]), std=GRID_STD, extent=5.5)
    if name in MANIFOLD_NOISE:
        curve = {"spiral": _spiral, "moons": _moons, "line": _line}[name]()
        return Target(name, curve=curve, std=MANIFOLD_NOISE[name], extent=3.0)
    if name == "custom":
        array = np.asarray(points if points is not None else [], dtype=np.float64).reshape(-1, 2)
        if len(array) == 0:
            raise ConfigError("the custom distribution needs points: draw some on the plot (or pass them as x,y pairs)",
                              code="toy2d_points_missing")
        if len(array) > MAX_CUSTOM_POINTS:
            raise ConfigError(f"at most {MAX_CUSTOM_POINTS} custom points, got {len(array)}", code="toy2d_points_too_many",
                              limit=MAX_CUSTOM_POINTS, n=len(array))
        if not np.isfinite(array).all() or np.abs(array).max() > CUSTOM_EXTENT:
            raise ConfigError(f"custom points must lie inside [-{CUSTOM_EXTENT:g}, {CUSTOM_EXTENT:g}] in x and y",
                              code="toy2d_points_outside", extent=f"{CUSTOM_EXTENT:g}")
        return Target(name, modes=np.unique(array.round(3), axis=0), std=CUSTOM_STD, extent=CUSTOM_EXTENT)
    raise ConfigError(f"unknown distribution {name!r}; choose one of {', '.join(DISTRIBUTIONS)}", code="toy2d_unknown",
                      setting="distribution", value=name, choices=", ".join(DISTRIBUTIONS))


# --- the losses: gan_core.losses (minimax, ns, lsgan, hinge, wgan-gp, + optional R1), the same as MNIST's --------
def shown(objective: Objective, outputs: torch.Tensor) -> torch.Tensor:
    """D's output as the plane shows it: a probability for the sigmoid losses, else the raw score."""
    return torch.sigmoid(outputs) if objective.loss.readout == "probability" else outputs


# --- the networks and the settings -----------------------------------------------------------------
OPTIMIZERS = ("adam", "sgd")
NOISES = ("gaussian", "uniform")


@dataclass(frozen=True)
class Toy2DConfig:
    """Everything that defines a 2D experiment (the page keeps it in its URL)."""

    distribution: str = "ring8"
    loss: str = "ns"
    d_steps: int = 1  # D updates per round
    g_steps: int = 1  # G updates per round
    optimizer_g: str = "adam"
    optimizer_d: str = "adam"
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    layers: int = 3  # hidden layers of each network
    width: int = 128  # units per hidden layer
    noise_dim: int = 2
    noise: str = "gaussian"
    batch_size: int = 256
    seed: int = 0
    spectral_norm: bool = False  # D's layers divided by their largest singular value (Miyato et al. 2018)
    r1: float = 0.0  # gamma of the R1 penalty gamma/2 E|grad D(x)|^2 on real points (Mescheder et al. 2018)
    beta1: float = 0.5  # Adam's betas (both networks)
    beta2: float = 0.999
    # Instance noise (Sønderby et al. 2016; Arjovsky & Bottou 2017): Gaussian noise of std sigma added to every
    # point D sees, real and fake, in D's and G's updates, so the two distributions overlap and D's gradient
    # reaches G even where G misses a mode; sigma falls linearly to 0 over `instance_noise_rounds` rounds
    # (0 = held constant). 0 = off.
    instance_noise: float = 0.0
    instance_noise_rounds: int = 0
    # An exponential moving average of G's weights (Yazıcı et al. 2019), updated after every G update with this
    # decay; the plane and the numbers show the averaged G, training moves the live one (the average never feeds
    # back). 0 = off: the plane shows the live G.
    g_ema: float = 0.0

    def validate(self) -> "Toy2DConfig":
        """Raise ConfigError naming the first bad value and how to fix it; return self when all is well."""
        if self.distribution not in DISTRIBUTIONS:
            raise ConfigError(f"unknown distribution {self.distribution!r}; choose one of {', '.join(DISTRIBUTIONS)}",
                              code="toy2d_unknown", setting="distribution", value=self.distribution,
                              choices=", ".join(DISTRIBUTIONS))
        if self.loss not in LOSSES:
            raise ConfigError(f"unknown loss {self.loss!r}; choose one of {', '.join(LOSSES)}", code="toy2d_unknown",
                              setting="loss", value=self.loss, choices=", ".join(LOSSES))
        for name in ("optimizer_g", "optimizer_d"):
            if getattr(self, name) not in OPTIMIZERS:
                raise ConfigError(f"unknown optimizer {getattr(self, name)!r}; choose one of {', '.join(OPTIMIZERS)}",
                                  code="toy2d_unknown", setting=name.replace("_", "-"), value=getattr(self, name),
                                  choices=", ".join(OPTIMIZERS))
        if self.noise not in NOISES:
            raise ConfigError(f"unknown noise {self.noise!r}; choose one of {', '.join(NOISES)}", code="toy2d_unknown",
                              setting="noise", value=self.noise, choices=", ".join(NOISES))
        checks = {"d_steps": (1, 20), "g_steps": (1, 20), "layers": (1, 6), "width": (2, 512), "noise_dim": (1, 2),
                  "batch_size": (8, 4096), "seed": (0, 2**31 - 1), "instance_noise_rounds": (0, 1_000_000)}
        for name, (low, high) in checks.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigError(f"{name.replace('_', '-')} must be a whole number from {low} to {high}, got {value!r}",
                                  code="toy2d_range", setting=name.replace("_", "-"), low=low, high=high, value=value)
        for name, (low, high) in {"r1": (0.0, 100.0), "beta1": (0.0, 0.999), "beta2": (0.0, 0.9999),
                                  "instance_noise": (0.0, 2.0), "g_ema": (0.0, 0.9999)}.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise ConfigError(f"{name.replace('_', '-')} must be a number from {low:g} to {high:g}, got {value!r}",
                                  code="toy2d_range", setting=name, low=low, high=high, value=value)
        if not isinstance(self.spectral_norm, bool):
            raise ConfigError(f"spectral-norm must be true or false, got {self.spectral_norm!r}", code="toy2d_bad_value",
                              setting="spectral-norm", value=self.spectral_norm)
        for name in ("lr_g", "lr_d"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 < value <= 1:
                raise ConfigError(f"{name.replace('_', '-')} must be a number in (0, 1], got {value!r}",
                                  code="toy2d_learning_rate", setting=name.replace("_", "-"), value=value)
        return self

    @classmethod
    def from_dict(cls, values: dict) -> "Toy2DConfig":
        """A config from plain values (a saved file, a URL); unknown keys are ignored, bad values raise ConfigError."""
        known = {f.name: f.type for f in fields(cls)}
        kept = {}
        for key, value in values.items():
            if key not in known:
                continue
            default = getattr(cls(), key)
            try:
                if isinstance(default, bool) and isinstance(value, str):  # a URL's "1" / "0"
                    if value.lower() not in ("1", "0", "true", "false"):
                        raise ValueError(value)
                    kept[key] = value.lower() in ("1", "true")
                    continue
                kept[key] = type(default)(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{key.replace('_', '-')} has a bad value {value!r}", code="toy2d_bad_value",
                                  setting=key.replace("_", "-"), value=value) from None
        return cls(**kept).validate()


# Settings a distribution starts with unless the user sets them (the page shows them in its controls, the
# CLI in --help): measured with bench/toy2d_sweep.py against issue 14's targets (20 s / 40 s of CPU).
# ring8: instance noise of std 1.0 (about two thirds of the gap between neighbouring modes), gone after 2,000
# rounds: 8/8 for each of seeds 0-4 in 3,733 rounds (20 s of CPU at 5.36 ms a round), 82-95% high quality;
# 8 / 4 / 7 / 4 / 4 without.
# grid25: R1 on D, Adam's beta2 = 0.9 and lr 2e-3, and the numbers and the plane on an average of G's weights
# (g_ema 0.99, Yazıcı et al. 2019): 25/25 for each of seeds 0-9 in 4,950 rounds (40 s of CPU at 8.08 ms a round,
# the average's 1.5% included), 87-94% high quality; the live G of those runs (5,023 rounds): 19 / 24 / 22 / 24 / 22
# for seeds 0-4, 61-80% (G circles around the modes; the average sits in the middle). README, "The 2D lab".
DISTRIBUTION_DEFAULTS: dict[str, dict] = {"ring8": {"instance_noise": 1.0, "instance_noise_rounds": 2000},
                                          "grid25": {"r1": 0.1, "beta2": 0.9, "lr_g": 2e-3, "lr_d": 2e-3,
                                                     "g_ema": 0.99}}


def preset_config(distribution: str, **given) -> Toy2DConfig:
    """The config for `distribution`: Toy2DConfig's defaults, then the distribution's, then what is `given`."""
    return Toy2DConfig(**{**asdict(Toy2DConfig()), **DISTRIBUTION_DEFAULTS.get(distribution, {}),
                          "distribution": distribution, **given}).validate()


def mlp(inputs: int, outputs: int, layers: int, width: int, generator: torch.Generator) -> nn.Sequential:
    """inputs -> [width] x layers -> outputs, ReLU between (the plain network of every 2D GAN demo), with
    PyTorch's default Linear initialisation drawn from `generator` (skip_init: the global RNG is not touched)."""
    sizes = [inputs] + [width] * layers + [outputs]
    parts: list[nn.Module] = []
    for a, b in zip(sizes, sizes[1:]):
        linear = nn.utils.skip_init(nn.Linear, a, b)
        bound = 1.0 / math.sqrt(a)
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        parts += [linear, nn.ReLU()]
    return nn.Sequential(*parts[:-1])


class SpectralNorm(nn.Module):
    """W / sigma(W), sigma estimated by one power iteration per training forward pass (Miyato et al. 2018).
    torch's own spectral_norm draws its start vector from the global RNG; this one takes the lab's."""

    def __init__(self, weight: torch.Tensor, generator: torch.Generator):
        super().__init__()
        self.register_buffer("u", F.normalize(torch.randn(weight.shape[0], generator=generator), dim=0))

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            v = F.normalize(weight.t() @ self.u, dim=0)
            if self.training:
                self.u.copy_(F.normalize(weight @ v, dim=0))
                v = F.normalize(weight.t() @ self.u, dim=0)
        sigma = self.u.clone() @ weight @ v.clone()
        return weight / sigma


def add_spectral_norm(network: nn.Module, generator: torch.Generator) -> None:
    for module in network.modules():
        if isinstance(module, nn.Linear):
            nn.utils.parametrize.register_parametrization(module, "weight", SpectralNorm(module.weight, generator))


def averaged_copy(network: nn.Module) -> nn.Module:
    """A copy of `network` to hold the moving average of its weights (no gradients of its own)."""
    average = copy.deepcopy(network)
    average.requires_grad_(False)
    return average


def _optimizer(name: str, parameters, lr: float, betas: tuple[float, float]) -> torch.optim.Optimizer:
    if name == "adam":  # fused: the same update in one kernel, 15% of a round on CPU (a round is mostly overhead)
        return torch.optim.Adam(parameters, lr=lr, betas=betas, fused=True)
    return torch.optim.SGD(parameters, lr=lr)


# --- the numbers ---------------------------------------------------------------------------------------
EVAL_SAMPLES = 2000
HIGH_QUALITY_STDS = 3.0  # Metz et al. 2017: within 3 standard deviations of the nearest mode's centre
COVERED_SHARE = 0.2  # a mode holds at least 20% of its fair share N/K of the high-quality samples
BINS = 30  # KL and JS on 30 x 30 histograms over the plotted square, as GAN Lab does
EPSILON = 1e-6  # added to every bin's probability so that an empty bin does not make KL infinite


@dataclass
class Toy2DMetrics:
    """How good G's samples are. Mode counts for mixtures, the distance to the manifold for curves."""

    kl: float
    js: float
    modes_covered: int | None = None
    modes_total: int | None = None
    high_quality: float | None = None  # fraction of samples within 3 std of the nearest mode
    manifold_distance: float | None = None  # mean distance of samples to the noiseless curve

    def to_dict(self) -> dict:
        return asdict(self)


def mode_metrics(samples: np.ndarray, modes: np.ndarray, std: float) -> tuple[int, float]:
    """(modes covered, fraction of high-quality samples) as Metz et al. and VEEGAN count them."""
    distances = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=2)
    nearest = distances.argmin(1)
    good = distances[np.arange(len(samples)), nearest] <= HIGH_QUALITY_STDS * std
    per_mode = np.bincount(nearest[good], minlength=len(modes))
    fair_share = len(samples) / len(modes)
    covered = int((per_mode >= COVERED_SHARE * fair_share).sum())
    return covered, float(good.mean()) if len(samples) else 0.0


def manifold_distance(samples: np.ndarray, curve: np.ndarray) -> float:
    """The mean Euclidean distance from each sample to its nearest point of the (dense) curve."""
    total = 0.0
    for chunk in np.array_split(samples, max(1, len(samples) // 500)):
        total += np.sqrt(((chunk[:, None, :] - curve[None, :, :]) ** 2).sum(2).min(1)).sum()
    return float(total / max(1, len(samples)))


def binned_divergences(real: np.ndarray, fake: np.ndarray, extent: float, bins: int = BINS) -> tuple[float, float]:
    """KL(real || fake) and JS(real, fake), in nats (JS <= ln 2 = 0.693), of the two point sets'
    histograms on `bins` x `bins` cells over [-extent, extent]^2 (points outside go in the edge cells)."""
    edges = np.linspace(-extent, extent, bins + 1)

    def density(points: np.ndarray) -> np.ndarray:
        clipped = np.clip(points, -extent, extent)
        counts, _, _ = np.histogram2d(clipped[:, 0], clipped[:, 1], bins=[edges, edges])
        p = counts.ravel() / max(1, len(points)) + EPSILON
        return p / p.sum()

    p, q = density(real), density(fake)
    m = 0.5 * (p + q)
    kl = float((p * np.log(p / q)).sum())
    js = float(0.5 * (p * np.log(p / m)).sum() + 0.5 * (q * np.log(q / m)).sum())
    return kl, js


def measure(samples: np.ndarray, target: Target, real: np.ndarray) -> Toy2DMetrics:
    """All numbers for G's samples against `real` samples of the target."""
    kl, js = binned_divergences(real, samples, target.extent)
    if target.has_modes:
        covered, good = mode_metrics(samples, target.modes, target.std)
        return Toy2DMetrics(kl=kl, js=js, modes_covered=covered, modes_total=len(target.modes), high_quality=good)
    return Toy2DMetrics(kl=kl, js=js, manifold_distance=manifold_distance(samples, target.curve))


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


SHOWN_POINTS = 300  # real and fake points drawn on the plane
SURFACE_CELLS = 40
MESH_LINES = 20
FORMAT_VERSION = 1
# Settings that define the networks or the data; the others (loss, D:G ratio, learning rates) change live.
REBUILD_FIELDS = ("distribution", "optimizer_g", "optimizer_d", "layers", "width", "noise_dim", "noise", "batch_size",
                  "seed", "spectral_norm", "beta1", "beta2")


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
        self.opt_g = _optimizer(config.optimizer_g, self.G.parameters(), config.lr_g, betas)
        self.opt_d = _optimizer(config.optimizer_d, self.D.parameters(), config.lr_d, betas)
        self.G_ema = averaged_copy(self.G) if config.g_ema > 0 else None
        self.loss = build_objective(config.loss, config.r1)
        self.rng = torch.Generator().manual_seed(config.seed + 1)  # training batches
        self.d_updates = 0
        self.g_updates = 0
        self.history = History2D()
        view = torch.Generator().manual_seed(config.seed + 2)  # fixed noise and real points to show and measure
        self.shown_noise = self.noise(SHOWN_POINTS, view)
        self.shown_real = self.target.sample(SHOWN_POINTS, view).numpy()
        self.eval_noise = self.noise(EVAL_SAMPLES, view)
        self.eval_real = self.target.sample(EVAL_SAMPLES, view).numpy()

    def adjust(self, config: Toy2DConfig) -> bool:
        """Take new settings without starting over when only the loss, the D:G ratio or a learning rate
        changed (as a teacher changes them mid-run); False when the networks or the data must be rebuilt."""
        config = config.validate()
        if any(getattr(config, name) != getattr(self.config, name) for name in REBUILD_FIELDS):
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
        decay = min(self.config.g_ema, (1 + self.g_updates) / (10 + self.g_updates))
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
    report = {"distribution": config.distribution, "steps": done, "seconds": round(elapsed, 2),
              "cpu_seconds": round(cpu, 2), **metrics.to_dict()}
    order = ("distribution", "steps", "seconds", "modes_covered", "modes_total", "high_quality", "kl", "js",
             "manifold_distance", "cpu_seconds")
    return lab, {key: report[key] for key in order}
