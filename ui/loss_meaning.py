"""What a run's curves mean under its loss: the labels, reference levels and range of the Train and Losses charts.

Under minimax and ns, D's mean output is a probability (D(x), D(G(z)) in [0, 1], ½ at the equilibrium);
under LSGAN and hinge it is a raw score; under WGAN-GP it is a critic value, and the gap C(x) − C(G(z))
is the Wasserstein estimate, drawn as a line of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gan_core.eval.curves import columns, smooth, thin
from gan_core.losses import DEFAULT_LOSS, LOSSES, equilibrium
from gan_core.trainer import History

from . import charts
from .i18n import t

WASSERSTEIN_COLOUR = "#9467bd"


@dataclass(frozen=True)
class Meaning:
    """Labels and levels of one loss's charts, in the current language."""

    loss: str
    loss_labels: dict[str, str]
    output_labels: dict[str, str]
    output_title: str
    loss_references: dict[str, float] = field(default_factory=dict)
    output_references: dict[str, float] = field(default_factory=dict)
    output_range: tuple[float, float] | None = None
    distance_label: str | None = None  # WGAN-GP: the Wasserstein estimate's line
    explain: str | None = None  # a sentence for the losses that are not the lecture's BCE


def run_loss(config: Mapping[str, Any] | None) -> str:
    """A run's loss from its saved settings (runs saved before losses existed trained with ns)."""
    loss = (config or {}).get("loss", DEFAULT_LOSS)
    return loss if loss in LOSSES else DEFAULT_LOSS


def meaning(loss: str) -> Meaning:
    level = equilibrium(loss)
    if loss in ("minimax", "ns"):
        return Meaning(
            loss, {"loss_d": t("loss_d"), "loss_g": t("loss_g")}, {"d_real": t("d_real"), "d_fake": t("d_fake")},
            t("d_output"),
            {t("equilibrium_d"): level["loss_d"], t("lv_eq_g_minimax" if loss == "minimax" else "equilibrium_g"): level["loss_g"]},
            {"½": 0.5}, (0, 1), explain=t("lv_explain_minimax") if loss == "minimax" else None)
    if loss == "lsgan":
        return Meaning(
            loss, {"loss_d": t("lv_lsgan_loss_d"), "loss_g": t("lv_lsgan_loss_g")},
            {"d_real": t("lv_lsgan_d_real"), "d_fake": t("lv_lsgan_d_fake")}, t("lv_score"),
            {t("lv_lsgan_eq_d"): level["loss_d"], t("lv_lsgan_eq_g"): level["loss_g"]}, {"1": 1.0, "½": 0.5, "0": 0.0},
            explain=t("lv_explain_lsgan"))
    if loss == "hinge":
        return Meaning(
            loss, {"loss_d": t("lv_hinge_loss_d"), "loss_g": t("lv_hinge_loss_g")},
            {"d_real": t("lv_hinge_d_real"), "d_fake": t("lv_hinge_d_fake")}, t("lv_score"),
            {t("lv_hinge_eq_d"): level["loss_d"]}, {"+1": 1.0, "−1": -1.0}, explain=t("lv_explain_hinge"))
    return Meaning(
        loss, {"loss_d": t("lv_wgan_loss_d"), "loss_g": t("lv_wgan_loss_g")},
        {"d_real": t("lv_wgan_d_real"), "d_fake": t("lv_wgan_d_fake")}, t("lv_critic"),
        {"0": 0.0}, {"0": 0.0}, distance_label=t("lv_wgan_distance"), explain=t("lv_explain_wgan-gp"))


def distance_line(history: History, label: str, smoothing: float, steps_per_x: float = 1.0,
                  colour: str = WASSERSTEIN_COLOUR, dash: str = "solid", max_points: int = charts.MAX_POINTS) -> charts.Line:
    """WGAN-GP's Wasserstein estimate C(x) − C(G(z)) per step, smoothed and thinned like the other lines (x as
    `charts.lines_of` has it)."""
    data = columns(history)
    count = len(data["d_real"])
    keep = thin(count, max_points)
    x = (np.arange(1, count + 1, dtype=np.float64) / steps_per_x)[keep]
    return charts.Line(label, x, smooth(data["d_real"] - data["d_fake"], smoothing)[keep], colour, dash)
