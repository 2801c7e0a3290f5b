"""Training settings, validated with one clear message per bad value."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from collections.abc import Iterable, Mapping
from typing import Any

from .data import DATASET_SIZES
from .devices import DEVICE_CHOICES, device_here, training_device_type
from .errors import ConfigError
from .losses import DEFAULT_LOSS, LOSSES, check_loss
from .models import DEFAULT_MODEL, MODELS

# Settings that may change when a run is resumed; the others define the run.
RESUMABLE_CHANGES = ("epochs", "lr_g", "lr_d", "device", "tf32", "bfloat16")


@dataclass(frozen=True)
class Range:
    """The values a numeric setting allows: from `low` to `high`, either end excluded where it says so."""

    low: float
    high: float
    whole: bool = False  # whole numbers only
    low_open: bool = False  # `low` itself is not allowed
    high_open: bool = False  # `high` itself is not allowed

    @property
    def kind(self) -> str:
        """How the range reads to a person: whole | open_low | open_high | closed (the UI words it by kind)."""
        if self.whole:
            return "whole"
        return "open_low" if self.low_open else "open_high" if self.high_open else "closed"

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self) -> str:
        return {"whole": f"a whole number from {self.low} to {self.high}",
                "open_low": f"greater than {self.low:g} and at most {self.high:g}",
                "open_high": f"in [{self.low:g}, {self.high:g})",
                "closed": f"from {self.low:g} to {self.high:g}"}[self.kind]


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field of the settings form. The app words it from `code` and `allowed`
    in the user's language; `message` is the one English line the CLI prints."""

    field: str  # a TrainConfig field, or a part of one (beta1, beta2)
    code: str  # not_a_number | not_whole | out_of_range | batch_too_large | not_for_model | unknown_choice | unavailable
    message: str
    allowed: Range | None = None
    details: dict[str, Any] = field(default_factory=dict)  # more numbers for the wording (batch: size, k)


def _setting(default: Any, help: str, label: str | None = None, allowed: Range | None = None,
             hint: str = "", parts: tuple[str, ...] = ()) -> Any:
    """A TrainConfig field: its default, CLI help, the name errors use, the values it allows, a hint
    after an error, and for a pair the names of its parts in a form (betas: beta1, beta2)."""
    return field(default=default, metadata={"help": help, "label": label, "allowed": allowed, "hint": hint,
                                            "parts": parts})


_DEFAULTS = MODELS[DEFAULT_MODEL].recommended
_POSITIVE_LR = Range(0, 1, low_open=True)
_FRACTION = Range(0, 1, high_open=True)
_EPOCHS = Range(1, 100_000, whole=True)
_WIDTH = Range(0, 1024, whole=True)  # 0: the model's own
SEEDS = Range(0, 2**32 - 1, whole=True)  # a run's seed, and a seed typed on any page


@dataclass
class TrainConfig:
    """Everything that defines a training run. The CLI makes one flag per field (--batch-size ...) and the
    app one form field per field (`form_fields`); both check values with the ranges given here.

    The defaults are the default model's recommended settings; `TrainConfig.for_model` gives
    another model's. The model-dependent defaults are marked "(model's)" in the help.
    """

    model: str = _setting(DEFAULT_MODEL, f"network pair: {', '.join(MODELS)}")
    dataset: str = _setting("mnist-5k", f"training images: {', '.join(DATASET_SIZES)}")
    epochs: int = _setting(_DEFAULTS["epochs"], "passes over the dataset (on resume: the new total)",
                           allowed=_EPOCHS)
    batch_size: int = _setting(_DEFAULTS["batch_size"], "images per discriminator update", label="batch size",
                               allowed=Range(1, 1_000_000, whole=True))
    lr_g: float = _setting(_DEFAULTS["lr_g"], "Adam learning rate of the generator", label="learning rate of G (lr_g)",
                           allowed=_POSITIVE_LR)
    lr_d: float = _setting(_DEFAULTS["lr_d"], "Adam learning rate of the discriminator", label="learning rate of D (lr_d)",
                           allowed=_POSITIVE_LR)
    betas: tuple[float, float] = _setting(_DEFAULTS["betas"], "Adam betas of both optimisers", allowed=_FRACTION,
                                          hint="; (0.5, 0.999) is usual for GANs", parts=("beta1", "beta2"))
    latent_dim: int = _setting(_DEFAULTS["latent_dim"], "size of the noise vector z", label="latent size",
                               allowed=Range(1, 4096, whole=True))
    g_width: int = _setting(0, "channels of G's widest hidden layer (0: the model's own; conv models only)",
                            label="G width (g_width)", allowed=_WIDTH)
    d_width: int = _setting(0, "channels of D's first layer (0: the model's own; conv models only)",
                            label="D width (d_width)", allowed=_WIDTH)
    # 0 by default, not the default model's 1: a run saved before depth existed has none in its run.json and
    # must load as the model it was (TrainConfig.for_model gives each model its recommended depth).
    depth: int = _setting(0, "3x3 convolutions after each up- and downsampling of G and D (sngan and cgan only; "
                             "sngan's recommended: 1)", label="depth", allowed=Range(0, 4, whole=True))
    d_steps: int = _setting(1, "discriminator updates per generator update (k in the GAN paper; the loss's: 5 for wgan-gp)",
                            label="D steps per G step", allowed=Range(1, 100, whole=True))
    loss: str = _setting(DEFAULT_LOSS, f"GAN loss: {', '.join(LOSSES)} (ns: non-saturating)")
    r1: float = _setting(0.0, "weight γ of an R1 penalty γ/2·|∇D(x)|² on real images, with any loss (0: off; 1-10 usual)",
                         label="r1 (the R1 penalty's weight)", allowed=Range(0, 1000),
                         hint="; 0 turns it off, 1-10 is usual")
    ema_decay: float = _setting(_DEFAULTS["ema_decay"],
                                "decay of an exponential moving average of G's weights used for samples (0: off)",
                                allowed=_FRACTION, hint="; 0 turns it off, 0.999 is usual")
    tf32: bool = _setting(True, "on NVIDIA GPUs, matrix products in TensorFloat-32 (about 2x faster; "
                                "10-bit mantissa products, float32 sums); no effect elsewhere")
    bfloat16: bool = _setting(False, "on NVIDIA GPUs, the training step's convolutions and matrix products in "
                                     "bfloat16 (autocast: weights, Adam and the losses stay float32); no effect "
                                     "elsewhere")
    seed: int = _setting(0, "random seed: same seed, same run", allowed=SEEDS)
    device: str = _setting("auto", f"where to train: {', '.join(DEVICE_CHOICES)} (auto: cuda, then mps, then cpu)")

    def validate(self) -> "TrainConfig":
        """Raise ConfigError naming the first bad value and how to fix it; return self when all is well."""
        problems = self.errors()
        if problems:
            raise ConfigError(problems[0].message, field=problems[0].field)
        return self

    def errors(self) -> list[FieldError]:
        """Every bad value, in field order, each with its code and allowed range."""
        problems: list[FieldError] = []
        for setting in fields(self):
            problem = _check_field(setting, getattr(self, setting.name), self.model)
            if problem is not None:
                problems.append(problem)
        for name in ("g_width", "d_width"):
            width, label = getattr(self, name), next(f for f in fields(self) if f.name == name).metadata["label"]
            if self.model in MODELS and _is_number(width) and width and not MODELS[self.model].has_widths:
                problems.append(FieldError(name, "not_for_model", f"{label} does not apply to the {self.model} model "
                                                                  "(its layer sizes are fixed); leave it 0"))
        if self.model in MODELS and _is_number(self.depth) and self.depth and not MODELS[self.model].has_depth:
            problems.append(FieldError("depth", "not_for_model", f"depth does not apply to the {self.model} model "
                                                                 "(only sngan and cgan have it); leave it 0"))
        if not any(p.field in ("dataset", "batch_size", "d_steps") for p in problems):
            problem = _check_batch(self.batch_size, self.dataset, self.d_steps)
            if problem is not None:
                problems.append(problem)
        return problems

    @classmethod
    def for_model(cls, model: str = DEFAULT_MODEL, **settings: Any) -> "TrainConfig":
        """The model's recommended settings for the device it will train on (`device`, default auto) and
        the loss (`loss`, default ns), overridden by any given here (None means "not given")."""
        given = {name: value for name, value in settings.items() if value is not None}
        device_type = training_device_type(given.get("device", "auto"))
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
    return dict(MODELS[model].recommended_on.get(training_device_type(device), {}))


def resumed_config(saved: dict[str, Any], epochs_done: int, run_name: str, epochs: int | None = None,
                   changes: dict[str, Any] | None = None) -> TrainConfig:
    """The settings a saved run continues with: its own, `epochs` as the new total, and any changes to
    RESUMABLE_CHANGES. Other changes, and a total that adds no epochs, are refused (ConfigError).
    `changes` may hold every setting; values equal to the saved ones, and None, are no change. A saved device
    this machine lacks (a run trained on a GPU, resumed on a laptop) becomes this machine's ("auto")."""
    values = TrainConfig.from_dict(saved).to_dict()
    values["device"] = device_here(str(values.get("device", "auto")))
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


def steps_per_epoch(config: TrainConfig | Mapping[str, Any], images: int | None = None) -> int:
    """Training steps in one epoch: each step takes batch_size x d_steps images, and the last partial
    step is dropped. `images` is how many the trainer was given (default: the whole dataset)."""
    config = config if isinstance(config, TrainConfig) else TrainConfig.from_dict(dict(config))
    images = DATASET_SIZES[config.dataset] if images is None else images
    return images // (config.batch_size * config.d_steps)


def max_batch_size(dataset: str, d_steps: int = 1) -> int:
    """The largest batch for which `steps_per_epoch` on the whole dataset is at least one."""
    return DATASET_SIZES[dataset] // max(1, d_steps)


# --- settings from a form -----------------------------------------------------------------------
def form_fields() -> tuple[str, ...]:
    """The fields of a settings form, in TrainConfig's order: one per setting, a pair as its parts."""
    return tuple(part for setting in fields(TrainConfig) for part in (setting.metadata["parts"] or (setting.name,)))


def form_values(config: TrainConfig, names: Iterable[str] | None = None) -> dict[str, Any]:
    """A config as a form's values (betas as beta1, beta2); `names` keeps only those settings."""
    wanted = set(names) if names is not None else None
    values: dict[str, Any] = {}
    for setting in fields(TrainConfig):
        if wanted is not None and setting.name not in wanted:
            continue
        value = getattr(config, setting.name)
        parts = setting.metadata["parts"]
        values.update(zip(parts, value) if parts else [(setting.name, value)])
    return values


@dataclass(frozen=True)
class FormResult:
    """What a settings form gives: a valid config, or the errors of the fields that are wrong."""

    config: TrainConfig | None
    errors: dict[str, FieldError]  # form field -> its (first) error


def config_from_form(values: Mapping[str, Any]) -> FormResult:
    """Turn a form's raw values (numbers, or text as typed) into a TrainConfig, or say per field what
    is wrong and what is allowed. Fields not given take the model's recommended value."""
    model = values.get("model", DEFAULT_MODEL)
    base = form_values(TrainConfig(model=model, **MODELS[model].recommended) if model in MODELS else TrainConfig())
    raw = {name: values.get(name, base[name]) for name in form_fields()}
    errors: dict[str, FieldError] = {}
    parsed: dict[str, Any] = {}
    for setting in fields(TrainConfig):
        parts = setting.metadata["parts"] or (setting.name,)
        for part in parts:
            value, problem = _parse(part, raw[part], setting)
            if problem is not None:
                errors[part] = problem
            parsed[part] = value
    if errors:  # wrong types first: a range check of text would say nothing useful
        return FormResult(None, errors)
    settings = {}
    for setting in fields(TrainConfig):
        parts = setting.metadata["parts"]
        settings[setting.name] = tuple(parsed[p] for p in parts) if parts else parsed[setting.name]
    config = TrainConfig(**settings)
    for problem in config.errors():
        setting = next(f for f in fields(TrainConfig) if f.name == problem.field)
        for part in setting.metadata["parts"] or (setting.name,):
            part_value = parsed[part]
            if setting.metadata["parts"]:  # a pair: only the part that is out of range
                allowed = setting.metadata["allowed"]
                if allowed.contains(part_value):
                    continue
                problem = FieldError(part, "out_of_range", f"{part} must be {allowed.describe()}, got {part_value!r}",
                                     allowed)
            errors.setdefault(part, problem)
    return FormResult(None if errors else config, errors)


def resume_from_form(saved: Mapping[str, Any], epochs_done: int, run_name: str,
                     values: Mapping[str, Any]) -> FormResult:
    """A resume form's raw values, "epochs" (the new total) and any of RESUMABLE_CHANGES (learning rates...),
    as the config the run continues with (`resumed_config`), or per field what is wrong and what is
    allowed: each setting's own range, and for epochs more than the run has trained."""
    errors: dict[str, FieldError] = {}
    parsed: dict[str, Any] = {}
    for name, value in values.items():
        if name not in RESUMABLE_CHANGES:
            raise ConfigError(f"{name} cannot change when resuming; start a new run to try other settings")
        setting = next(f for f in fields(TrainConfig) if f.name == name)
        parsed[name], problem = _parse(name, value, setting)
        if problem is None and name == "epochs":
            problem = _more_epochs_error(parsed[name], epochs_done)
        problem = problem or _check_field(setting, parsed[name])
        if problem is not None:
            errors[name] = problem
    if errors:
        return FormResult(None, errors)
    changes = {name: value for name, value in parsed.items() if name != "epochs"}
    config = resumed_config(dict(saved), epochs_done, run_name, parsed.get("epochs"), changes)
    return FormResult(config, {})


def _more_epochs_error(epochs: int, epochs_done: int) -> FieldError | None:
    """A resume's new total of epochs must add at least one epoch (and stay within the epochs' range)."""
    allowed = Range(epochs_done + 1, _EPOCHS.high, whole=True)
    if allowed.contains(epochs):
        return None
    return FieldError("epochs", "out_of_range", f"the run has already trained {epochs_done} epochs; ask for more, "
                                                f"for example {epochs_done + 2} epochs in all", allowed)


def _parse(name: str, value: Any, setting: Any) -> tuple[Any, FieldError | None]:
    """A form value as the setting's type: text is read as a number where a number is wanted, and "true" or
    "false" (any case) as the on/off it says where a setting is on or off."""
    allowed: Range | None = setting.metadata["allowed"]
    if isinstance(setting.default, bool) and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true", None
    if allowed is None or isinstance(value, bool):
        return value, None
    return parse_number(name, value, allowed)


def parse_number(name: str, value: Any, allowed: Range) -> tuple[Any, FieldError | None]:
    """A number as typed into a form, as the number it means, or what is wrong with it (not a number, not
    whole). Text may group digits with spaces ("10 000") and use a decimal comma ("0,0002"); a comma in a
    whole number is refused rather than guessed at ("1,000": a thousand, or one?). The range is not
    checked here (`check_number`)."""
    if isinstance(value, str):
        text = "".join(value.split())  # spaces of any kind, as digit groups are written in Russian
        if allowed.whole and "," in text:
            return value, FieldError(name, "not_whole", f"{name} must be a whole number, got {value!r}", allowed)
        text = text.replace(",", ".")
        try:
            value = float(text) if any(c in text.lower() for c in ".eni") else int(text)
        except ValueError:
            return value, FieldError(name, "not_a_number", f"{name} must be a number, got {value!r}", allowed)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value != value:  # NaN is not a number
        return value, FieldError(name, "not_a_number", f"{name} must be a number, got {value!r}", allowed)
    if isinstance(value, float) and not math.isfinite(value):
        return value, FieldError(name, "out_of_range", f"{name} must be {allowed.describe()}, got {value!r}", allowed)
    if allowed.whole:
        if isinstance(value, float) and not value.is_integer():
            return value, FieldError(name, "not_whole", f"{name} must be a whole number, got {value!r}", allowed)
        return int(value), None
    return float(value), None


def check_number(name: str, value: Any, allowed: Range) -> tuple[Any, FieldError | None]:
    """`parse_number`, then the range: for a number field outside the training settings (a page's seed)."""
    number, problem = parse_number(name, value, allowed)
    if problem is None and not allowed.contains(number):
        problem = FieldError(name, "out_of_range", f"{name} must be {allowed.describe()}, got {number!r}", allowed)
    return number, problem


def _check_field(setting: Any, value: Any, model: str | None = None) -> FieldError | None:
    """The one check of a setting, used by `validate` (the CLI) and by forms (the app)."""
    name, meta = setting.name, setting.metadata
    label, hint = meta["label"] or name, meta["hint"]
    if name in ("lr_g", "lr_d") and model in MODELS:
        hint = f"; {MODELS[model].recommended.get('lr_g', _DEFAULTS['lr_g']):g} is {model}'s recommended value"
    if name == "model" and value not in MODELS:
        return FieldError(name, "unknown_choice", f"unknown model {value!r}; choose one of {', '.join(MODELS)}")
    if name == "dataset" and value not in DATASET_SIZES:
        return FieldError(name, "unknown_choice",
                          f"unknown dataset {value!r}; choose one of {', '.join(DATASET_SIZES)}")
    if name == "loss":
        try:
            check_loss(value)
        except ConfigError as error:
            return FieldError(name, "unknown_choice", str(error))
        return None
    if name in ("tf32", "bfloat16") and not isinstance(value, bool):
        return FieldError(name, "not_a_number", f"{name} must be true or false, got {value!r}")
    if name == "device":
        try:
            training_device_type(value)  # this machine's devices, or the cluster's where runs train there
        except ConfigError as error:
            return FieldError(name, "unavailable", str(error), details={"code": error.code, "params": error.params})
        return None
    allowed: Range | None = meta["allowed"]
    if allowed is None:
        return None
    if meta["parts"]:  # a pair of numbers, each in the range
        ok = (isinstance(value, (tuple, list)) and len(value) == len(meta["parts"])
              and all(_is_number(v) and allowed.contains(v) for v in value))
        if ok:
            return None
        return FieldError(name, "out_of_range", f"{label} must be two numbers {allowed.describe()}, "
                                                f"got {value!r}{hint}", allowed)
    if not _is_number(value) or (allowed.whole and not isinstance(value, int)):
        problem = "not_whole" if allowed.whole and _is_number(value) else "not_a_number"
        kind = "a whole number" if allowed.whole else "a number"
        return FieldError(name, problem, f"{label} must be {kind}, got {value!r}", allowed)
    if allowed.contains(value):
        return None
    if allowed.whole:
        bound = f"at least {allowed.low}" if value < allowed.low else f"at most {allowed.high}"
        return FieldError(name, "out_of_range", f"{label} must be {bound}, got {value}", allowed)
    return FieldError(name, "out_of_range", f"{label} must be {allowed.describe()}, got {value!r}{hint}", allowed)


def _check_batch(batch_size: int, dataset: str, d_steps: int) -> FieldError | None:
    """One full step per epoch: batch_size x d_steps images must fit in the dataset."""
    limit = max_batch_size(dataset, d_steps)
    if batch_size <= limit:
        return None
    return FieldError(
        "batch_size", "batch_too_large",
        f"batch size {batch_size} is larger than the {dataset} dataset allows ({DATASET_SIZES[dataset]} images, "
        f"{d_steps} D step(s) per G step); use at most {limit}",
        Range(1, limit, whole=True), {"size": DATASET_SIZES[dataset], "k": d_steps})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
