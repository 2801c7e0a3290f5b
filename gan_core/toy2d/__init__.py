"""The 2D lab: a GAN on points in the plane, small enough to watch every step.

targets.py (the data), networks.py (G, D, optimisers), config.py (the settings), presets.py (each distribution's
settings, the demonstrations), metrics.py (modes covered, high quality, KL, JS; the convergence goals), points.py
(the user's points as text), lab.py (one experiment: the step, slow motion, what the page draws, Save / Load)."""

from .config import NOISES, Toy2DConfig, flag, rebuild_fields
from .lab import HalfStep, History2D, Snapshot, Toy2DLab, train_for
from .metrics import GOALS, Goal, Toy2DMetrics, measure
from .networks import OPTIMIZERS
from .points import parse_points, points_text
from .presets import (DEMONSTRATIONS, DISTRIBUTION_DEFAULTS, config_from_link, demonstration_config,
                      demonstration_holds, preset_config, read_link, with_distribution)
from .targets import CUSTOM_EXTENT, DISTRIBUTIONS, Target, make_target

__all__ = ["CUSTOM_EXTENT", "DEMONSTRATIONS", "DISTRIBUTIONS", "DISTRIBUTION_DEFAULTS", "GOALS", "Goal", "HalfStep",
           "History2D", "NOISES", "OPTIMIZERS", "Snapshot", "Target", "Toy2DConfig", "Toy2DLab", "Toy2DMetrics",
           "config_from_link", "demonstration_config", "demonstration_holds", "flag", "make_target", "measure",
           "parse_points", "points_text", "preset_config", "read_link", "rebuild_fields", "train_for", "with_distribution"]
