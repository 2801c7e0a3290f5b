from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gan_core.models import MODELS, build_models, count_parameters, is_conditional, with_spectral_norm


def discriminator_loss(discriminator: torch.nn.Module, real: torch.Tensor, fake: torch.Tensor,
                       real_digits: tuple = (), fake_digits: tuple = ()) -> torch.Tensor:
    """The lecture's D loss, BCE(D(x), 1) + BCE(D(G(z)), 0), with the same dropout masks at every call."""
    torch.manual_seed(1)
    ones, zeros = torch.ones(len(real)), torch.zeros(len(fake))
    return (F.binary_cross_entropy_with_logits(discriminator(real, *real_digits), ones)
            + F.binary_cross_entropy_with_logits(discriminator(fake, *fake_digits), zeros))


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_keeps_the_contract_the_trainer_relies_on(name: str, mnist) -> None:
    torch.manual_seed(0)
    latent_dim = 16
    generator, discriminator = build_models(name, latent_dim)
    # Shapes: z (N, latent) -> images (N, 1, 28, 28) -> one logit each (N,); cgan is told the digits too.
    conditional = is_conditional(generator)
    assert is_conditional(discriminator) == conditional
    digits = (torch.arange(8) % 10,) if conditional else ()
    images = generator(torch.randn(8, latent_dim), *digits)
    assert images.shape == (8, 1, 28, 28)
    logits = discriminator(images, *digits)
    assert logits.shape == (8,) and logits.dtype == torch.float32
    # Gradients of G's loss reach every parameter of both networks, all finite.
    F.binary_cross_entropy_with_logits(logits, torch.ones(8)).backward()
    for network in (generator, discriminator):
        for parameter_name, parameter in network.named_parameters():
            assert parameter.grad is not None, parameter_name
            assert torch.isfinite(parameter.grad).all(), parameter_name
    # One D step with the model's own optimiser settings lowers D's loss on that fixed batch.
    real, real_digits = mnist.images[:64], ((mnist.labels[:64],) if conditional else ())
    fake_digits = (torch.arange(64) % 10,) if conditional else ()
    with torch.no_grad():
        fake = generator(torch.randn(64, latent_dim), *fake_digits)
    settings = MODELS[name].recommended
    optimizer = torch.optim.Adam(discriminator.parameters(), lr=settings["lr_d"], betas=settings["betas"])
    before = discriminator_loss(discriminator, real, fake, real_digits, fake_digits)
    optimizer.zero_grad()
    before.backward()
    optimizer.step()
    with torch.no_grad():
        after = discriminator_loss(discriminator, real, fake, real_digits, fake_digits)
    assert torch.isfinite(before) and after < before


def test_discriminator_returns_logits_not_probabilities() -> None:
    for name in MODELS:
        _, discriminator = build_models(name, 100)
        discriminator.eval()
        digits = (torch.arange(64) % 10,) if is_conditional(discriminator) else ()
        with torch.no_grad():
            logits = discriminator(torch.randn(64, 1, 28, 28) * 10, *digits)
        # Probabilities would all lie in [0, 1]; the trainer's BCE-with-logits needs raw scores.
        assert (logits < 0).any() or (logits > 1).any(), name


def test_seed_mlp_has_the_lecture_layer_sizes() -> None:
    generator, discriminator = build_models("mlp", 100)
    g_sizes = [(m.in_features, m.out_features) for m in generator.modules() if isinstance(m, torch.nn.Linear)]
    d_sizes = [(m.in_features, m.out_features) for m in discriminator.modules() if isinstance(m, torch.nn.Linear)]
    assert g_sizes == [(100, 256), (256, 512), (512, 1024), (1024, 784)]
    assert d_sizes == [(784, 1024), (1024, 512), (512, 256), (256, 1)]
    assert count_parameters(generator) == 100 * 256 + 256 + 256 * 512 + 512 + 512 * 1024 + 1024 + 1024 * 784 + 784
    # Dropout(0.3) after each hidden layer (gan_core's, which draws its masks from the run's own generator)
    assert sum(type(m).__name__ == "Dropout" and m.p == 0.3 for m in discriminator.modules()) == 3


needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run through the device tool)")


def test_spectral_norm_is_torchs_and_loads_its_checkpoints() -> None:
    # A discriminator saved with torch's spectral_norm loads into ours (the same keys), and from there both
    # compute the same outputs and update u, v the same way, bit for bit, forward pass after forward pass.
    torch.manual_seed(0)
    theirs = torch.nn.utils.parametrizations.spectral_norm(torch.nn.Conv2d(4, 8, 3))
    ours = with_spectral_norm(torch.nn.Conv2d(4, 8, 3))
    ours.load_state_dict(theirs.state_dict())
    images = torch.randn(5, 4, 9, 9)
    for _ in range(3):
        assert torch.equal(ours(images), theirs(images))
    assert all(torch.equal(a, b) for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()))


@needs_cuda
def test_spectral_norm_stays_float32_under_bfloat16_autocast() -> None:
    # The GPU default trains under bfloat16 autocast: sigma and the power iteration must not follow it.
    torch.manual_seed(0)
    layer = with_spectral_norm(torch.nn.Conv2d(32, 64, 4, 2, 1)).cuda().eval()  # eval: no power iteration
    with torch.autocast("cuda", dtype=torch.bfloat16):
        autocast_weight = layer.weight
    assert torch.equal(autocast_weight, layer.weight)
