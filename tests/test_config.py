from __future__ import annotations

import pytest
import torch

from gan_core.config import MODELS, TrainConfig
from gan_core.errors import ConfigError


@pytest.mark.parametrize("changes, message", [
    ({"batch_size": 0}, "batch size must be at least 1, got 0"),
    ({"batch_size": -5}, "batch size must be at least 1, got -5"),
    ({"batch_size": 6000}, "batch size 6000 is larger than the mnist-5k dataset allows (5000 images, 1 D step(s) per G step); use at most 5000"),
    ({"batch_size": 3000, "d_steps": 2}, "use at most 2500"),
    ({"lr_g": 0}, "learning rate of G (lr_g) must be greater than 0"),
    ({"lr_d": -1e-3}, "learning rate of D (lr_d) must be greater than 0"),
    ({"epochs": 0}, "epochs must be at least 1, got 0"),
    ({"model": "resnet"}, f"unknown model 'resnet'; choose one of {', '.join(MODELS)}"),  # every model there is
    ({"dataset": "cifar10"}, "unknown dataset 'cifar10'; choose one of mnist-5k, mnist, fashion-mnist"),
    ({"latent_dim": 0}, "latent size must be at least 1, got 0"),
    ({"d_steps": 0}, "D steps per G step must be at least 1, got 0"),
    ({"betas": (0.5, 1.5)}, "betas must be two numbers in [0, 1)"),
    ({"ema_decay": 1.0}, "ema_decay must be in [0, 1)"),
    ({"seed": -1}, "seed must be at least 0, got -1"),
    ({"device": "tpu"}, "device must be one of auto, cpu, cuda, mps, got 'tpu'"),
    ({"epochs": 2.5}, "epochs must be a whole number, got 2.5"),
])
def test_each_bad_value_gets_its_own_message(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        TrainConfig(**changes).validate()
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_a_gpu_says_what_to_do() -> None:
    with pytest.raises(ConfigError, match="no CUDA GPU; use --device cpu or auto"):
        TrainConfig(device="cuda").validate()


def test_each_model_brings_its_recommended_settings_and_explicit_ones_win() -> None:
    assert TrainConfig.for_model("mlp").lr_g == 2e-4 and TrainConfig.for_model("mlp").betas == (0.5, 0.999)
    # the plain TrainConfig() is the default model's settings but depth 0: what a run.json without depth means
    assert TrainConfig.for_model("sngan", device="cpu") == TrainConfig(device="cpu", depth=1)
    assert TrainConfig.for_model("mlp", lr_g=1e-3, batch_size=None).lr_g == 1e-3
    with pytest.raises(ConfigError, match="unknown model 'gpt'"):
        TrainConfig.for_model("gpt")


def test_defaults_are_valid_and_round_trip_through_a_dict() -> None:
    config = TrainConfig().validate()
    assert TrainConfig.from_dict(config.to_dict()) == config


def test_resuming_keeps_the_runs_settings_and_allows_only_the_resumable_changes() -> None:
    from gan_core.config import resumed_config

    saved = TrainConfig.for_model("mlp", epochs=2).to_dict()
    # Every setting may be passed back unchanged (betas as a tuple, as a caller holds them).
    again = resumed_config(saved, 2, "r", epochs=4, changes={**saved, "betas": (0.5, 0.999)})
    assert again == TrainConfig.from_dict({**saved, "epochs": 4})
    assert resumed_config(saved, 2, "r", epochs=4, changes={"lr_g": 1e-4, "seed": None}).lr_g == 1e-4
    with pytest.raises(ConfigError, match="latent_dim cannot change when resuming"):
        resumed_config(saved, 2, "r", epochs=4, changes={"latent_dim": 8})
    with pytest.raises(ConfigError, match="already trained 2 epochs; ask for more, for example 4 epochs in all"):
        resumed_config(saved, 2, "r", epochs=2)


def test_a_gpu_gets_a_wider_deeper_default_model_and_a_cpu_keeps_the_small_one():
    from gan_core.config import recommended_settings
    from gan_core.models import build_models, count_parameters

    on_cpu, on_gpu = recommended_settings("sngan", "cpu"), recommended_settings("sngan", "cuda")
    assert on_cpu.get("g_width", 0) == 0 and on_gpu["g_width"] > 32 and on_gpu["batch_size"] > on_cpu["batch_size"]
    assert on_cpu["depth"] == on_gpu["depth"] == 1  # both deeper than the shipped run's model (depth 0)
    small, big = (build_models("sngan", 32, s.get("g_width", 0), s.get("d_width", 0), depth=s["depth"])
                  for s in (on_cpu, on_gpu))
    assert count_parameters(big[0]) > 2 * count_parameters(small[0])
    # D only twice as wide (4x the weights): as wide as G, it learns 5,000 digits by heart in a GPU's seconds
    assert count_parameters(big[1]) > 3 * count_parameters(small[1])
    assert on_gpu["ema_decay"] > on_cpu["ema_decay"]  # ~13 epochs a second: G averaged over more steps
    laptop_before = build_models("sngan", 32)[0]
    convolutions = [sum(isinstance(m, torch.nn.modules.conv._ConvNd) for m in model.modules())
                    for model in (laptop_before, small[0], big[0])]
    assert convolutions == [2, 4, 4]  # depth 1: a 3x3 convolution after each upsampling
    assert recommended_settings("mlp", "cuda") == recommended_settings("mlp", "cpu")  # nothing to size up
    config = TrainConfig.from_dict({**TrainConfig(device="cpu").to_dict(), **on_gpu}).validate()
    assert (config.g_width, config.d_width, config.depth) == (on_gpu["g_width"], on_gpu["d_width"], on_gpu["depth"])
    assert TrainConfig.from_dict({"model": "sngan"}).depth == 0  # a run.json from before depth: the model it was


def test_depth_keeps_the_image_shape_and_the_laptop_model_unchanged():
    from gan_core.models import build_models

    for model in ("sngan", "cgan"):
        labels = (torch.tensor([3, 7]),) if model == "cgan" else ()
        names = None
        for depth in (0, 1, 2):
            generator, discriminator = build_models(model, 16, 16, 8, depth=depth)
            images = generator(torch.randn(2, 16), *labels)
            assert images.shape == (2, 1, 28, 28) and discriminator(images, *labels).shape == (2,)
            if depth == 0:
                names = set(generator.state_dict()) | set(discriminator.state_dict())
        # depth 0 is the model every shipped checkpoint holds: the names of its weights must not move
        assert names == set(build_models(model, 16, 16, 8)[0].state_dict()) | set(build_models(model, 16, 16, 8)[1].state_dict())
    assert "upsample.2.weight" in build_models("sngan", 16)[0].state_dict()  # the old layout, as saved before depth


def test_depth_applies_to_sngan_and_cgan_only():
    with pytest.raises(ConfigError, match="depth does not apply to the dcgan model"):
        TrainConfig.for_model("dcgan", depth=1, device="cpu").validate()
    with pytest.raises(ConfigError, match="at most 4"):
        TrainConfig(depth=9).validate()


def test_widths_apply_to_conv_models_only():
    with pytest.raises(ConfigError, match="does not apply to the mlp model"):
        TrainConfig.for_model("mlp", g_width=64, device="cpu").validate()
    with pytest.raises(ConfigError, match="at most 1024"):
        TrainConfig(g_width=5000).validate()


# --- settings from a form (the app's Train page) -------------------------------------------------------
def form(**changes) -> dict:
    from gan_core.config import form_values

    return {**form_values(TrainConfig.for_model("mlp", device="cpu")), **changes}


def test_a_form_of_good_values_gives_the_config_that_trains() -> None:
    from gan_core.config import config_from_form, form_fields

    assert set(form_fields()) == {f for f in TrainConfig.__dataclass_fields__ if f != "betas"} | {"beta1", "beta2"}
    result = config_from_form(form(epochs="3", lr_g="1e-4", beta1=0.4))  # text as typed, or numbers
    assert result.errors == {}
    assert result.config == TrainConfig.for_model("mlp", device="cpu", epochs=3, lr_g=1e-4, betas=(0.4, 0.999))


@pytest.mark.parametrize("field, value, code, kind, low, high", [
    ("epochs", 0, "out_of_range", "whole", 1, 100_000),
    ("epochs", "0", "out_of_range", "whole", 1, 100_000),
    ("epochs", 2.5, "not_whole", "whole", 1, 100_000),
    ("lr_g", 0, "out_of_range", "open_low", 0, 1),
    ("lr_g", 5, "out_of_range", "open_low", 0, 1),
    ("lr_d", "fast", "not_a_number", "open_low", 0, 1),
    ("ema_decay", 1, "out_of_range", "open_high", 0, 1),
    ("beta2", 1.0, "out_of_range", "open_high", 0, 1),
    ("seed", -1, "out_of_range", "whole", 0, 2**32 - 1),
    ("batch_size", 6000, "batch_too_large", "whole", 1, 5000),
])
def test_each_bad_form_field_gets_its_own_error_with_the_allowed_range(field, value, code, kind, low, high) -> None:
    from gan_core.config import config_from_form

    result = config_from_form(form(**{field: value}))
    assert result.config is None  # nothing trains with a value the form does not hold
    assert list(result.errors) == [field]
    error = result.errors[field]
    assert (error.code, error.allowed.kind, error.allowed.low, error.allowed.high) == (code, kind, low, high)
    assert error.message and "\n" not in error.message


def test_an_on_off_setting_reads_true_and_false_as_typed_and_refuses_other_text() -> None:
    from gan_core.config import config_from_form

    result = config_from_form(form(tf32="False", bfloat16=" true "))
    assert result.errors == {} and (result.config.tf32, result.config.bfloat16) == (False, True)
    error = config_from_form(form(tf32="maybe")).errors["tf32"]
    assert error.message == "tf32 must be true or false, got 'maybe'"


def test_the_batch_limit_follows_the_dataset_and_the_d_steps() -> None:
    from gan_core.config import config_from_form

    error = config_from_form(form(batch_size=3000, d_steps=2)).errors["batch_size"]
    assert error.allowed.high == 2500 and error.details == {"size": 5000, "k": 2}
    assert config_from_form(form(batch_size=2500, d_steps=2)).config is not None
