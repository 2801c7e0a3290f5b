"""The 2D lab: a GAN on points in the plane, small enough to watch every step (lab.py)."""

from .lab import (DISTRIBUTION_DEFAULTS, DISTRIBUTIONS, History2D, Snapshot, Target, Toy2DConfig, Toy2DLab, Toy2DMetrics,
                  make_target, measure, preset_config, train_for)

__all__ = ["DISTRIBUTION_DEFAULTS", "DISTRIBUTIONS", "History2D", "Snapshot", "Target", "Toy2DConfig", "Toy2DLab",
           "Toy2DMetrics", "make_target", "measure", "preset_config", "train_for"]
