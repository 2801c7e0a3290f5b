"""How good the 2D lab's G is: the mode-collapse numbers of Metz et al. 2017 (Unrolled GANs) and Srivastava et
al. 2017 (VEEGAN) for mixtures, the distance to the curve for manifolds, KL and JS of binned densities; and the
convergence goals the distributions' default settings are chosen to meet, stated in rounds (not seconds, which
depend on the machine)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .targets import Target

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



@dataclass(frozen=True)
class Goal:
    """What the default settings of a distribution reach on every seed within `rounds` rounds: at least
    `modes` modes covered and, when given, at least `high_quality` of the samples of high quality."""

    rounds: int
    modes: int
    high_quality: float | None = None

    def met_by(self, metrics: Toy2DMetrics) -> bool:
        if metrics.modes_covered is None or metrics.modes_covered < self.modes:
            return False
        return self.high_quality is None or (metrics.high_quality or 0.0) >= self.high_quality


GOALS = {"ring8": Goal(rounds=2000, modes=8, high_quality=0.8), "grid25": Goal(rounds=4000, modes=23)}
