from __future__ import annotations

import pytest
import torch

from gan_core.models import MODELS, build_models, count_parameters, is_conditional


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("latent_dim", [16, 100])
def test_generator_makes_images_in_range_and_discriminator_one_logit_each(name: str, latent_dim: int) -> None:
    torch.manual_seed(0)
    generator, discriminator = build_models(name, latent_dim)
    labels = (torch.tensor([0, 3, 7, 9, 1]),) if is_conditional(generator) else ()  # cgan is told the digits
    assert is_conditional(discriminator) == bool(labels)
    images = generator(torch.randn(5, latent_dim), *labels)
    assert images.shape == (5, 1, 28, 28)
    assert images.min() >= -1 and images.max() <= 1
    logits = discriminator(images, *labels)
    assert logits.shape == (5,)
    assert torch.isfinite(logits).all()


def test_discriminator_returns_logits_not_probabilities() -> None:
    _, discriminator = build_models("mlp", 100)
    discriminator.eval()
    with torch.no_grad():
        logits = discriminator(torch.randn(64, 1, 28, 28) * 10)
    # Probabilities would all lie in [0, 1]; raw logits of a random net on large inputs do not.
    assert (logits < 0).any() or (logits > 1).any()


def test_seed_mlp_has_the_lecture_layer_sizes() -> None:
    generator, discriminator = build_models("mlp", 100)
    g_sizes = [(m.in_features, m.out_features) for m in generator.modules() if isinstance(m, torch.nn.Linear)]
    d_sizes = [(m.in_features, m.out_features) for m in discriminator.modules() if isinstance(m, torch.nn.Linear)]
    assert g_sizes == [(100, 256), (256, 512), (512, 1024), (1024, 784)]
    assert d_sizes == [(784, 1024), (1024, 512), (512, 256), (256, 1)]
    assert count_parameters(generator) == 100 * 256 + 256 + 256 * 512 + 512 + 512 * 1024 + 1024 + 1024 * 784 + 784
    assert sum(isinstance(m, torch.nn.Dropout) and m.p == 0.3 for m in discriminator.modules()) == 3
