""""What goes wrong": three classic GAN failures, recorded from real training runs on MNIST.

    saturation     the G gradient norm over the first steps, minimax against ns (same model, seed, data);
    mode collapse  the class histogram after every epoch of a run that collapses, beside a healthy run;
    D wins         D(x) -> 1, D(G(z)) -> 0 and G's loss climbing, when D learns far faster than G.

`record()` trains the recipes (a few minutes on a CPU) and returns plain numbers; `save()` writes them
as one small JSON file, shipped in checkpoints/ so the Theory page shows them without training
(`python -m gan_core what-goes-wrong` rebuilds it). The page only reads the file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..runs.checkpoints import PROJECT_CHECKPOINTS, atomic_write
from ..config import TrainConfig
from ..data import ImageDataset, load_dataset
from ..errors import CheckpointError

FORMAT = "gan-lab-what-goes-wrong"
SHIPPED_PATH = PROJECT_CHECKPOINTS / "what-goes-wrong.json"
SAMPLES_KEPT = 16  # fixed-noise samples kept per collapse run (uint8, 28 x 28)

# The recipes: each a name -> TrainConfig settings (the model's recommended ones under them).
SATURATION_STEPS = 200
SATURATION = {
    "minimax": {"model": "dcgan", "loss": "minimax", "batch_size": 32, "seed": 0},
    "ns": {"model": "dcgan", "loss": "ns", "batch_size": 32, "seed": 0},
}
COLLAPSE_EPOCHS = 6
COLLAPSE = {
    "collapsed": {"model": "mlp", "lr_g": 1e-3, "lr_d": 1e-3, "epochs": COLLAPSE_EPOCHS, "seed": 0},
    "healthy": {"model": "sngan", "epochs": COLLAPSE_EPOCHS, "seed": 0},
}
D_WINS_STEPS = 300
D_WINS = {"model": "mlp", "lr_g": 2e-5, "lr_d": 2e-3, "d_steps": 2, "batch_size": 64, "seed": 0}


def _trainer(settings: dict[str, Any], data: ImageDataset, device: str, **kwargs: Any):
    from ..trainer import Trainer  # the trainer pulls in the models; reading the file needs none of it

    config = TrainConfig.for_model(settings["model"], **{k: v for k, v in settings.items() if k != "model"},
                                   device=device, **({} if "epochs" in settings else {"epochs": 1000}))
    return Trainer(config, data=data, fast=False, **kwargs)


def _first_steps(settings: dict[str, Any], steps: int, data: ImageDataset, device: str) -> dict[str, Any]:
    trainer = _trainer(settings, data, device)
    trainer.on_step.append(lambda p: trainer.request_stop() if p.global_step >= steps else None)
    trainer.train()
    h = trainer.history
    return {"settings": trainer.config.to_dict(),
            **{column: [round(v, 5) for v in getattr(h, column)[:steps]]
               for column in ("loss_d", "loss_g", "d_real", "d_fake", "grad_g")}}


def _epochs(settings: dict[str, Any], data: ImageDataset, device: str, n: int) -> dict[str, Any]:
    from .metrics import epoch_evaluator

    trainer = _trainer(settings, data, device, evaluate=epoch_evaluator(n=n))
    trainer.train()
    records = trainer.history.epochs
    return {"settings": trainer.config.to_dict(),
            "epochs": [r["epoch"] for r in records],
            "class_histogram": [[round(s, 4) for s in r["class_histogram"]] for r in records],
            "classes_covered": [r["classes_covered"] for r in records],
            "fid_ratio": [round(r["fid_ratio"], 2) for r in records],
            "samples": trainer.sample_fixed()[:SAMPLES_KEPT].tolist()}


def record(device: str = "cpu", n: int = 500, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train the three recipes and return their curves and histograms (plain JSON-ready values)."""
    import torch

    data = load_dataset("mnist-5k")
    started = time.perf_counter()
    result: dict[str, Any] = {"format": FORMAT, "dataset": "mnist-5k", "torch": torch.__version__, "device": device}
    result["saturation"] = {name: _first_steps(s, SATURATION_STEPS, data, device) for name, s in SATURATION.items()}
    log(f"saturation recorded ({time.perf_counter() - started:.0f} s)")
    result["d_wins"] = _first_steps(D_WINS, D_WINS_STEPS, data, device)
    log(f"D wins recorded ({time.perf_counter() - started:.0f} s)")
    result["collapse"] = {name: _epochs(s, data, device, n) for name, s in COLLAPSE.items()}
    result["collapse_samples_n"] = n
    log(f"mode collapse recorded ({time.perf_counter() - started:.0f} s)")
    return result


def save(result: dict[str, Any], path: Path = SHIPPED_PATH) -> Path:
    text = json.dumps(result, separators=(",", ":")) + "\n"
    atomic_write(Path(path), lambda file: file.write(text.encode("utf-8")))
    return Path(path)


def load(path: Path = SHIPPED_PATH) -> dict[str, Any]:
    """The recorded demonstrations; CheckpointError when the file is missing or not ours."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path} does not exist; record it with `python -m gan_core what-goes-wrong`")
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{path} is not readable JSON ({error}); record it again") from None
    if not isinstance(result, dict) or result.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a GAN Lab what-goes-wrong recording")
    return result


def samples(run: dict[str, Any]) -> np.ndarray:
    """A collapse run's kept samples as uint8 (k, 28, 28)."""
    return np.asarray(run["samples"], dtype=np.uint8)
