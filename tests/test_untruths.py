"""Numbers the app and README state come from the code or a measurement (issue 10, item 9)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gan_core.config import TrainConfig
from gan_core.errors import ConfigError

from .test_app import open_app, text, texts

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("language", ["ru", "en"])
def test_home_gives_the_default_latent_size(checkpoints, language) -> None:
    latent = TrainConfig().latent_dim
    markdown = " ".join(texts(open_app("home", language), "markdown"))
    assert text("home_g", language, latent=latent) in markdown
    assert "100" not in text("home_g", language, latent=latent)


def test_the_learning_rate_error_recommends_the_models_own_default() -> None:
    for model in ("sngan", "mlp"):
        with pytest.raises(ConfigError) as caught:
            TrainConfig.for_model(model, lr_g=5.0).validate()
        assert f"{TrainConfig.for_model(model).lr_g:g}" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        TrainConfig(lr_d=0.0).validate()
    assert "2e-4" not in str(caught.value) and "0.002" in str(caught.value)


def test_readme_states_the_shipped_runs_training_time_from_its_run_json() -> None:
    summary = json.loads((ROOT / "checkpoints" / "pretrained-sngan" / "run.json").read_text())["summary"]
    seconds, epochs = summary["train_seconds"], summary["epochs_done"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{seconds:.0f} s of training" in readme
    assert f"{seconds / epochs:.1f} s an epoch" in readme
    assert not re.search(r"\b\d+ tests in about", readme), "a hard-coded test count goes stale"


def test_readme_offers_the_cpu_only_install_as_pytorch_documents_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu" in readme
    assert "6.4 GB" in readme  # the default install, measured with du -sh .venv
