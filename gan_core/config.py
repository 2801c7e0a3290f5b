"""Training settings, validated with one clear message per bad value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .data import DATASET_SIZES
from .devices import DEVICE_CHOICES, resolve_device
from .errors import ConfigError
from .losses import DEFAULT_LOSS, LOSSES, check_loss
from .models import DEFAULT_MODEL, MODELS

# Settings that may change when a run is resumed; the others define the run.
RESUMABLE_CHANGES = ("epochs", "lr_g", "lr_d", "device", "tf32")


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


_DEFAULTS = MODELS[DEFAULT_MODEL].recommended


@dataclass
class TrainConfig:
    """Everything that defines a training run. The CLI makes one flag per field (--batch-size ...).

    The defaults are the default model's recommended settings; `TrainConfig.for_model` gives
    another model's. The model-dependent defaults are marked "(model's)" in the help.
    """

    model: str = _setting(DEFAULT_MODEL, f"network pair: {', '.join(MODELS)}")
    dataset: str = _setting("mnist-5k", f"training images: {', '.join(DATASET_SIZES)}")
    epochs: int = _setting(_DEFAULTS["epochs"], "passes over the dataset (on resume: the new total)")
    batch_size: int = _setting(_DEFAULTS["batch_size"], "images per discriminator update")
    lr_g: float = _setting(_DEFAULTS["lr_g"], "Adam learning rate of the generator")
    lr_d: float = _setting(_DEFAULTS["lr_d"], "Adam learning rate of the discriminator")
    betas: tuple[float, float] = _setting(_DEFAULTS["betas"], "Adam betas of both optimisers")
    latent_dim: int = _setting(_DEFAULTS["latent_dim"], "size of the noise vector z")
    g_width: int = _setting(0, "channels of G's widest hidden layer (0: the model's own; conv models only)")
    d_width: int = _setting(0, "channels of D's first layer (0: the model's own; conv models only)")
    d_steps: int = _setting(1, "discriminator updates per generator update (k in the GAN paper; the loss's: 5 for wgan-gp)")
    loss: str = _setting(DEFAULT_LOSS, f"GAN loss: {', '.join(LOSSES)} (ns: non-saturating)")
    r1: float = _setting(0.0, "weight γ of an R1 penalty γ/2·|∇D(x)|² on real images, with any loss (0: off; 1-10 usual)")
    ema_decay: float = _setting(_DEFAULTS["ema_decay"],
                                "decay of an exponential moving average of G's weights used for samples (0: off)")
    tf32: bool = _setting(True, "on NVIDIA GPUs, matrix products in TensorFloat-32 (about 2x faster; "
                                "10-bit mantissa products, float32 sums); no effect elsewhere")
    seed: int = _setting(0, "random seed: same seed, same run")
    device: str = _setting("auto", f"where to train: {', '.join(DEVICE_CHOICES)} (auto: cuda, then mps, then cpu)")

    def validate(self) -> "TrainConfig":
        """Raise ConfigError naming the first bad value and how to fix it; return self when all is well."""
        if self.model not in MODELS:
            raise ConfigError(f"unknown model {self.model!r}; choose one of {', '.join(MODELS)}")
        if self.dataset not in DATASET_SIZES:
            raise ConfigError(f"unknown dataset {self.dataset!r}; choose one of {', '.join(DATASET_SIZES)}")
        _check_int("epochs", self.epochs, 1, 100_000)
        _check_int("batch size", self.batch_size, 1, 1_000_000)
        _check_int("D steps per G step", self.d_steps, 1, 100)
        check_loss(self.loss)
        if (not isinstance(self.r1, (int, float)) or isinstance(self.r1, bool) or not 0 <= self.r1 <= 1000):
            raise ConfigError(f"r1 (the R1 penalty's weight) must be between 0 and 1000, got {self.r1!r}; 0 turns it off, 1-10 is usual")
        size = DATASET_SIZES[self.dataset]
        if self.batch_size * self.d_steps > size:
            limit = max_batch_size(self.dataset, self.d_steps)
            raise ConfigError(
                f"batch size {self.batch_size} is larger than the {self.dataset} dataset allows "
                f"({size} images, {self.d_steps} D step(s) per G step); use at most {limit}"
            )
        for name, value in (("learning rate of G (lr_g)", self.lr_g), ("learning rate of D (lr_d)", self.lr_d)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0 or value > 1:
                raise ConfigError(f"{name} must be greater than 0 and at most 1, got {value!r}; "
                                  f"{MODELS[self.model].recommended.get('lr_g', _DEFAULTS['lr_g']):g} is {self.model}'s recommended value")
        if len(self.betas) != 2 or not all(isinstance(b, (int, float)) and 0 <= b < 1 for b in self.betas):
            raise ConfigError(f"betas must be two numbers in [0, 1), got {self.betas!r}; (0.5, 0.999) is usual for GANs")
        _check_int("latent size", self.latent_dim, 1, 4096)
        for name, width in (("G width (g_width)", self.g_width), ("D width (d_width)", self.d_width)):
            _check_int(name, width, 0, 1024)
            if width and not MODELS[self.model].has_widths:
                raise ConfigError(f"{name} does not apply to the {self.model} model (its layer sizes are fixed); leave it 0")
        if not isinstance(self.ema_decay, (int, float)) or not 0 <= self.ema_decay < 1:
            raise ConfigError(f"ema_decay must be in [0, 1), got {self.ema_decay!r}; 0 turns it off, 0.999 is usual")
        if not isinstance(self.tf32, bool):
            raise ConfigError(f"tf32 must be true or false, got {self.tf32!r}")
        _check_int("seed", self.seed, 0, 2**62)
        resolve_device(self.device)
        return self

    @classmethod
    def for_model(cls, model: str = DEFAULT_MODEL, **settings: Any) -> "TrainConfig":
        """The model's recommended settings for the device it will train on (`device`, default auto) and
        the loss (`loss`, default ns), overridden by any given here (None means "not given")."""
        given = {name: value for name, value in settings.items() if value is not None}
        device_type = resolve_device(given.get("device", "auto")).type
        loss = check_loss(given.get("loss", DEFAULT_LOSS))
        return cls(model=model, **{**recommended_settings(model, device_type, loss), **given})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["betas"] = list(self.betas)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "betas" in values:
            values["betas"] = tuple(values["betas"])
        return cls(**values)


def recommended_settings(model: str, device_type: str = "cpu", loss: str = DEFAULT_LOSS) -> dict[str, Any]:
    """The settings a model trains well with on a kind of device ("cpu", "cuda", "mps") under a loss: its
    own, then those that differ there (a GPU gets a wider default model: `ModelSpec.recommended_on`),
    then the loss's own (WGAN-GP: 5 critic steps), then the model's for that loss (`ModelSpec.per_loss`)."""
    if model not in MODELS:
        raise ConfigError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    spec = MODELS[model]
    return {**spec.recommended, **spec.recommended_on.get(device_type, {}), **LOSSES[check_loss(loss)].recommended,
            **spec.per_loss.get(loss, {}), "loss": loss}


def device_chosen_settings(model: str, device: str = "auto") -> dict[str, Any]:
    """Only the settings the device changes from the model's everyday ones (empty on a CPU): what the
    CLI and the Train page tell the user the device chose."""
    if model not in MODELS:
        return {}
    return dict(MODELS[model].recommended_on.get(resolve_device(device).type, {}))


def resumed_config(saved: dict[str, Any], epochs_done: int, run_name: str, epochs: int | None = None,
                   changes: dict[str, Any] | None = None) -> TrainConfig:
    """The settings a saved run continues with: its own, `epochs` as the new total, and any changes to
    RESUMABLE_CHANGES. Other changes, and a total that adds no epochs, are refused (ConfigError).
    `changes` may hold every setting; values equal to the saved ones, and None, are no change."""
    values = TrainConfig.from_dict(saved).to_dict()
    for name, value in (changes or {}).items():
        value = list(value) if isinstance(value, tuple) else value  # betas are saved as a list
        if value is None or value == values.get(name):
            continue
        if name not in RESUMABLE_CHANGES:
            raise ConfigError(f"{name} cannot change when resuming (run {run_name!r} has {values.get(name)!r}); "
                              "start a new run to try other settings")
        values[name] = value
    if epochs is not None:
        values["epochs"] = epochs
    config = TrainConfig.from_dict(values).validate()
    if config.epochs <= epochs_done:
        raise ConfigError(f"run {run_name!r} has already trained {epochs_done} epochs; ask for more, "
                          f"for example {epochs_done + 2} epochs in all")
    return config


def max_batch_size(dataset: str, d_steps: int = 1) -> int:
    """The largest batch that still gives one full training step per epoch on that dataset."""
    return DATASET_SIZES[dataset] // max(1, d_steps)


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(f"{name} must be a whole number, got {value!r}")
    if value < low:
        raise ConfigError(f"{name} must be at least {low}, got {value}")
    if value > high:
        raise ConfigError(f"{name} must be at most {high}, got {value}")
