"""Generator and discriminator pairs, by name.

Every discriminator returns logits, one per image: the sigmoid lives in the loss
(`binary_cross_entropy_with_logits`), which is exact where a separate Sigmoid + BCELoss
would saturate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parametrize

IMAGE_SHAPE = (1, 28, 28)
IMAGE_PIXELS = 28 * 28
NUM_CLASSES = 10  # digits 0-9 (or the 10 kinds of clothes): what a conditional model is told to draw


class Dropout(nn.Module):
    """`nn.Dropout`, but its masks come from `generator`, a generator the run owns (set by the trainer).

    nn.Dropout draws from the process-wide RNG, so two runs in one process would change each
    other's masks; with the run's own generator a run is the same whatever else runs beside it.
    """

    def __init__(self, p: float):
        super().__init__()
        self.p = p
        self.generator: torch.Generator | None = None  # None: the process-wide RNG, as nn.Dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        # The mask is scaled in place, outside autograd: one multiplication to differentiate, not two
        # (a GPU step of the MLP is launch-bound; this is 9 of its ~180 kernels).
        keep = torch.empty_like(x).bernoulli_(1 - self.p, generator=self.generator).div_(1 - self.p)
        return x * keep


class MLPGenerator(nn.Module):
    """The seed lecture's generator: z -> 256 -> 512 -> 1024 -> 784, LeakyReLU(0.2), Tanh."""

    def __init__(self, latent_dim: int = 100):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 1024), nn.LeakyReLU(0.2),
            nn.Linear(1024, IMAGE_PIXELS), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(-1, *IMAGE_SHAPE)


class MLPDiscriminator(nn.Module):
    """The seed lecture's discriminator: 784 -> 1024 -> 512 -> 256 -> 1, LeakyReLU(0.2), Dropout(0.3)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(IMAGE_PIXELS, 1024), nn.LeakyReLU(0.2), Dropout(0.3),
            nn.Linear(1024, 512), nn.LeakyReLU(0.2), Dropout(0.3),
            nn.Linear(512, 256), nn.LeakyReLU(0.2), Dropout(0.3),
            nn.Linear(256, 1),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)


class DCGANGenerator(nn.Module):
    """z -> 7x7 feature maps -> 14x14 -> 28x28 with transposed convolutions and BatchNorm."""

    def __init__(self, latent_dim: int = 100, width: int = 64):
        super().__init__()
        self.latent_dim = latent_dim
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 2 * width * 7 * 7, bias=False),
            nn.BatchNorm1d(2 * width * 7 * 7), nn.ReLU(),
        )
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),  # 7 -> 14
            nn.BatchNorm2d(width), nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, 2, 1),  # 14 -> 28
            nn.Tanh(),
        )
        self.width = width

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        features = self.project(z).view(-1, 2 * self.width, 7, 7)
        return self.upsample(features)


class DCGANDiscriminator(nn.Module):
    """28x28 -> 14x14 -> 7x7 with strided convolutions, then one logit."""

    def __init__(self, width: int = 64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),  # 28 -> 14
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False),  # 14 -> 7
            nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, 1),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)


class SNGANGenerator(nn.Module):
    """z -> 7x7 maps -> transposed convs -> 14x14 -> 28x28, LeakyReLU, no BatchNorm.

    Without BatchNorm an image comes out the same whether it is drawn alone or in a batch, which
    the latent explorer and the moving average of the weights both rely on. Transposed convs do
    the upsampling at 1.7x the speed of nearest-upsample + 3x3 conv on a laptop CPU.

    `depth` 3x3 convolutions follow each upsampling (0: none, the shipped run's model). Depth 1, the
    recommended one, draws digits the classifier is surer of in the same time on a laptop and on a GPU
    (README, "Time to digits"): the last transposed conv then makes width/2 maps, a 3x3 conv the pixels.
    """

    def __init__(self, latent_dim: int = 32, width: int = 32, depth: int = 0):
        super().__init__()
        self.latent_dim, self.width = latent_dim, width
        self.project = nn.Sequential(nn.Linear(latent_dim, 2 * width * 7 * 7), nn.LeakyReLU(0.2))
        layers = [nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.LeakyReLU(0.2), *_refine(width, depth)]  # 7 -> 14
        if depth == 0:
            layers += [nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh()]  # 14 -> 28
        else:
            half = max(1, width // 2)
            layers += [nn.ConvTranspose2d(width, half, 4, 2, 1), nn.LeakyReLU(0.2), *_refine(half, depth - 1),  # 14 -> 28
                       nn.Conv2d(half, 1, 3, 1, 1), nn.Tanh()]
        self.upsample = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.upsample(self.project(z).view(-1, 2 * self.width, 7, 7))


class SpectralNorm(nn.utils.parametrizations._SpectralNorm):
    """torch's spectral normalisation (W / sigma(W), sigma from one power iteration per training forward pass), its
    power iteration and sigma always computed in float32. Under bfloat16 autocast torch's would run them in bfloat16:
    sigma to two or three digits, and six casts of W and of u, v per layer at every forward pass of D."""

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        if weight.device.type == "meta" or not torch.is_autocast_enabled(weight.device.type):
            return super().forward(weight)
        with torch.autocast(weight.device.type, enabled=False):
            return super().forward(weight)


def with_spectral_norm(layer: nn.Module) -> nn.Module:
    """`layer` with its weight spectrally normalised (saved as torch's spectral_norm saves it: the same keys)."""
    parametrize.register_parametrization(layer, "weight", SpectralNorm(layer.weight))
    return layer


def _refine(channels: int, depth: int, spectral_norm: bool = False) -> list[nn.Module]:
    """`depth` 3x3 convolutions that keep the size and the channels, each followed by LeakyReLU."""
    wrap = with_spectral_norm if spectral_norm else (lambda layer: layer)
    return [module for _ in range(depth) for module in (wrap(nn.Conv2d(channels, channels, 3, 1, 1)), nn.LeakyReLU(0.2))]


class SNGANDiscriminator(nn.Module):
    """Strided convolutions 28 -> 14 -> 7 -> one logit, each layer under spectral normalisation
    (and `depth` 3x3 convolutions after each, as in the generator).

    Spectral normalisation (Miyato et al., 2018) keeps every layer's largest singular value at 1,
    so D cannot become arbitrarily sharp; G then gets useful gradients even at high learning rates.
    """

    def __init__(self, width: int = 16, depth: int = 0):
        super().__init__()
        self.net = nn.Sequential(*_downsample(width, depth), with_spectral_norm(nn.Linear(2 * width * 7 * 7, 1)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)


def _downsample(width: int, depth: int) -> list[nn.Module]:
    """28 -> 14 -> 7 with spectrally normed strided convolutions (each followed by `depth` 3x3 ones), flattened."""
    sn = with_spectral_norm
    return [sn(nn.Conv2d(1, width, 4, 2, 1)), nn.LeakyReLU(0.2), *_refine(width, depth, spectral_norm=True),  # 28 -> 14
            sn(nn.Conv2d(width, 2 * width, 4, 2, 1)), nn.LeakyReLU(0.2),  # 14 -> 7
            *_refine(2 * width, depth, spectral_norm=True), nn.Flatten()]


class ConditionalGenerator(nn.Module):
    """The default generator told which digit to draw: z joined to an embedding of the label.

    G(z, y) = SNGAN generator of [z, embed(y)]. The label says *what* digit; z is left to say *how*
    it is written (slant, thickness, style). `labels` are class indices (N,), or class weights
    (N, 10) that mix the embeddings: one-hot rows are the digits, a blend of two rows walks from
    one digit to another at the same z.
    """

    conditional = True

    def __init__(self, latent_dim: int = 32, width: int = 32, depth: int = 0, label_dim: int = 16):
        super().__init__()
        self.latent_dim, self.label_dim = latent_dim, label_dim
        self.embed = nn.Embedding(NUM_CLASSES, label_dim)
        self.body = SNGANGenerator(latent_dim + label_dim, width, depth)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        label_vectors = self.embed(labels) if not labels.is_floating_point() else labels.to(z.dtype) @ self.embed.weight
        return self.body(torch.cat([z, label_vectors], dim=1))


class ProjectionDiscriminator(nn.Module):
    """The default discriminator with a projection head (Miyato & Koyama, 2018), every layer spectrally normed.

    D(x, y) = psi(phi(x)) + <embed(y), phi(x)>: phi is the convolutional features, psi the usual
    "is it real?" logit, and the inner product with the label's embedding asks "is it a real *y*?".
    A good "3" given the label 7 scores low, so G must draw the digit it was asked for.
    The convolutions and psi are spectrally normed as in SNGAN; the label embedding is not: normed
    too, its ten vectors share one unit of length and the label's say stays weak: fewer digits come
    out as the digit asked for, and the worst digit much fewer (docs/benchmarks.md, "The conditional model").
    """

    conditional = True

    def __init__(self, width: int = 16, depth: int = 0):
        super().__init__()
        features = 2 * width * 7 * 7
        self.phi = nn.Sequential(*_downsample(width, depth))
        self.psi = with_spectral_norm(nn.Linear(features, 1))
        self.embed = nn.Embedding(NUM_CLASSES, features)
        self.embed.init_std = 0.02  # starts near 0: D first learns "real?", then "a real y?"
        nn.init.normal_(self.embed.weight, std=self.embed.init_std)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.phi(images)
        return self.psi(h).view(-1) + (self.embed(labels) * h).sum(dim=1)


def is_conditional(module: nn.Module) -> bool:
    """Whether a generator or discriminator takes the label as its second input."""
    return bool(getattr(module, "conditional", False))


@dataclass(frozen=True)
class ModelSpec:
    """How to build one named generator/discriminator pair, and the settings it trains well with."""

    name: str
    description: str
    build_generator: Callable[..., nn.Module]  # (latent_dim, width=...) -> G
    build_discriminator: Callable[..., nn.Module]  # (width=...) -> D
    recommended: dict = field(default_factory=dict)  # TrainConfig values; anything the user sets wins
    # Settings that differ on a kind of device ("cuda", "mps"): a GPU trains a wider model in the same time.
    recommended_on: dict = field(default_factory=dict)
    has_widths: bool = True  # whether the g_width / d_width settings apply (the MLP's layer sizes are fixed)
    has_depth: bool = False  # whether the depth setting applies (3x3 convolutions after each resampling)
    per_loss: dict = field(default_factory=dict)  # {loss: TrainConfig values} where a loss needs other ones


# The classic recipe of Radford et al. (DCGAN), also the seed lecture's.
CLASSIC_SETTINGS = {"lr_g": 2e-4, "lr_d": 2e-4, "betas": (0.5, 0.999), "latent_dim": 100, "batch_size": 64,
                    "ema_decay": 0.0, "epochs": 20}
# With the classic recipe's models, WGAN-GP takes its paper's Adam settings (Gulrajani et al. 2017,
# Algorithm 1: lr 1e-4, betas (0, 0.9)) instead of DCGAN's.
CLASSIC_PER_LOSS = {"wgan-gp": {"lr_g": 1e-4, "lr_d": 1e-4, "betas": (0.0, 0.9)}}

# The default model on a GPU: the same architecture, a wider G, on bigger batches. A 2-core laptop needs the
# narrow one to draw digits within minutes; one GPU step of the wide one costs about what a narrow one
# does, and it reaches near-real digits within a minute. A GPU passes over the 5,000 digits many times a
# second: a D as wide as G (64) learns them by heart and G's digits get worse; a narrower D (32) and a longer
# average of G (EMA 0.9999, ~10,000 steps, a few seconds on a GPU) keep G improving (docs/benchmarks.md,
# "Time to digits"). Its step runs in bfloat16: a class of 30 such runs sharing one GPU finishes in two thirds
# of the time and draws as well (docs/benchmarks.md, "The step's arithmetic").
GPU_SNGAN_SETTINGS = {"g_width": 64, "d_width": 32, "batch_size": 256, "lr_g": 1e-3, "lr_d": 1e-3, "ema_decay": 0.9999,
                      "bfloat16": True}
# The conditional model's GPU settings, with depth 0 (its default; depth 1 is not tuned for it).
GPU_CGAN_SETTINGS = {"g_width": 128, "d_width": 128, "batch_size": 256, "lr_g": 1e-3, "lr_d": 1e-3}

MODELS: dict[str, ModelSpec] = {
    "sngan": ModelSpec(
        "sngan", "the classroom default: a small transposed-conv generator and a spectral-norm discriminator, "
                 "tuned for recognisable digits within minutes on a laptop CPU",
        SNGANGenerator, SNGANDiscriminator,
        # Tuned for the best digits in a few minutes on a laptop CPU (docs/benchmarks.md, "Time to digits").
        # depth 1: a 3x3 convolution after each resampling: far better digits in the same time than depth 0,
        # though it makes half the steps.
        {"lr_g": 2e-3, "lr_d": 2e-3, "betas": (0.0, 0.99), "latent_dim": 32, "batch_size": 64,
         "ema_decay": 0.999, "epochs": 50, "depth": 1},
        recommended_on={"cuda": GPU_SNGAN_SETTINGS}, has_depth=True,
    ),
    "cgan": ModelSpec(
        "cgan", "the classroom default made conditional: tell it which digit to draw (the label joins z in G; "
                "a projection discriminator with spectral norm checks the digit too)",
        ConditionalGenerator, ProjectionDiscriminator,
        {"lr_g": 2e-3, "lr_d": 2e-3, "betas": (0.0, 0.99), "latent_dim": 32, "batch_size": 64,
         "ema_decay": 0.999, "epochs": 50},
        recommended_on={"cuda": GPU_CGAN_SETTINGS}, has_depth=True,  # wider on a GPU
    ),
    "mlp": ModelSpec(
        "mlp", "the seed lecture's fully connected pair (about 1.5M parameters each)",
        MLPGenerator, MLPDiscriminator, CLASSIC_SETTINGS, has_widths=False, per_loss=CLASSIC_PER_LOSS,
    ),
    "dcgan": ModelSpec(
        "dcgan", "a small convolutional pair for 28x28 (transposed convs + BatchNorm in G, strided convs in D)",
        DCGANGenerator, DCGANDiscriminator, CLASSIC_SETTINGS, per_loss=CLASSIC_PER_LOSS,
    ),
}
DEFAULT_MODEL = "sngan"


def build_models(name: str, latent_dim: int, g_width: int = 0, d_width: int = 0,
                 generator: torch.Generator | None = None, depth: int = 0) -> tuple[nn.Module, nn.Module]:
    """A fresh (generator, discriminator) pair for the named model, on the CPU; a width of 0 is the model's own.

    With `generator` (a CPU torch.Generator the run owns) the initial weights are drawn from it and
    the process-wide RNG is neither used nor changed: the models are built without memory ("meta"
    tensors), then every weight is initialised from the run's generator exactly as PyTorch would.
    """
    spec = MODELS[name]
    if generator is None:
        return build_generator(name, latent_dim, g_width, depth), spec.build_discriminator(**_width(d_width), **_depth(depth))
    with torch.device("meta"):
        pair = build_generator(name, latent_dim, g_width, depth), spec.build_discriminator(**_width(d_width), **_depth(depth))
    return tuple(initialise(model.to_empty(device="cpu"), generator) for model in pair)  # type: ignore[return-value]


@torch.no_grad()
def initialise(model: nn.Module, generator: torch.Generator) -> nn.Module:
    """PyTorch's default initialisation of every layer, drawn from `generator`.

    Linear and (transposed) convolutions: weights ~ U(+-sqrt(1/fan_in)) (Kaiming uniform, a=sqrt(5)),
    biases ~ U(+-1/sqrt(fan_in)); BatchNorm: scale 1, shift 0; spectral norm: random unit u, v refined
    by 15 power iterations. A layer with weights not listed here is refused, so a new model cannot
    start from uninitialised memory.
    """
    done: set[int] = set()
    for layer in model.modules():
        if isinstance(layer, (nn.Linear, nn.modules.conv._ConvNd)):
            weight = layer.parametrizations.weight.original if parametrize.is_parametrized(layer, "weight") else layer.weight
            nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
            done.add(id(weight))
            if layer.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
                done.add(id(layer.bias))
            if parametrize.is_parametrized(layer, "weight"):
                for norm in layer.parametrizations.weight:
                    _initialise_spectral_norm(norm, weight, generator)
                    done.update({id(norm._u), id(norm._v)})
        elif isinstance(layer, nn.Embedding):  # N(0, 1), or the model's own spread (`init_std`)
            nn.init.normal_(layer.weight, std=getattr(layer, "init_std", 1.0), generator=generator)
            done.add(id(layer.weight))
        elif isinstance(layer, nn.modules.batchnorm._BatchNorm):
            layer.reset_parameters()  # no randomness: ones, zeros, and fresh running statistics
            done.update(id(t) for t in (*layer.parameters(recurse=False), *layer.buffers(recurse=False)))
    missed = [name for name, t in (*model.named_parameters(), *model.named_buffers()) if id(t) not in done]
    if missed:
        raise TypeError(f"initialise() does not know the layers holding {missed}; add their initialisation")
    return model


def _initialise_spectral_norm(norm: nn.Module, weight: torch.Tensor, generator: torch.Generator) -> None:
    """What torch's _SpectralNorm.__init__ does, with the run's generator (its u, v are buffers it saves)."""
    matrix = norm._reshape_weight_to_matrix(weight)
    height, width = matrix.shape
    norm._u.copy_(F.normalize(torch.randn(height, generator=generator), dim=0, eps=norm.eps))
    norm._v.copy_(F.normalize(torch.randn(width, generator=generator), dim=0, eps=norm.eps))
    norm._power_method(matrix, 15)


def use_generator(model: nn.Module, generator: torch.Generator) -> None:
    """Make the model's random layers (dropout) draw from the run's generator."""
    for layer in model.modules():
        if isinstance(layer, Dropout):
            layer.generator = generator


def build_generator(name: str, latent_dim: int, g_width: int = 0, depth: int = 0) -> nn.Module:
    return MODELS[name].build_generator(latent_dim, **_width(g_width), **_depth(depth))


def _width(width: int) -> dict[str, int]:
    return {"width": width} if width else {}


def _depth(depth: int) -> dict[str, int]:
    return {"depth": depth} if depth else {}


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
