"""Numbers the app states come from the code, not from a copy that can go stale."""

from __future__ import annotations

import pytest

from gan_core.config import TrainConfig
from gan_core.errors import ConfigError

from .test_app import open_app, text, texts


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
