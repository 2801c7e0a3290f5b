"""The GPU fast path: the trainer's own `train_step`, captured once as a CUDA graph and replayed.

A GAN step at classroom batch sizes is ~150 tiny kernels; launched one by one from Python, the
GPU mostly waits for the CPU. Captured into a graph, the whole step (batch gather, noise, both
forward/backward passes, both fused Adam updates, the EMA) is one launch. The kernels and their
order are those of the eager step, so the mathematics is the same; only the launching changes.
The first `warmup_steps` steps run eagerly on a side stream (cuBLAS/cuDNN set-up must happen
outside a capture) and are real training steps.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Iterator

import torch

if TYPE_CHECKING:
    from .trainer import Trainer


def fast_path_available(device: torch.device) -> bool:
    return device.type == "cuda" and torch.cuda.is_available()


@contextlib.contextmanager
def matmul_precision(device: torch.device, tf32: bool) -> Iterator[None]:
    """TensorFloat-32 matrix products on CUDA for the duration of a step (cuDNN convolutions use it
    by default already). The flag is process-wide, so it is set around the step, not for good."""
    if device.type != "cuda":
        yield
        return
    previous = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = previous


class GraphedStep:
    """Callable like the trainer's eager step: batch indices in, (loss_d, loss_g, D(x), D(G(z)), |grad G|) out."""

    def __init__(self, trainer: "Trainer", warmup_steps: int = 3):
        if not fast_path_available(trainer.device):
            raise RuntimeError("the CUDA graph fast path needs a CUDA device")
        self.trainer = trainer
        self.warmup_steps = warmup_steps
        self.steps_done = 0
        self.graph: torch.cuda.CUDAGraph | None = None
        self.side_stream = torch.cuda.Stream(trainer.device)
        self.static_indices: torch.Tensor | None = None
        self.static_stats: torch.Tensor | None = None

    def __call__(self, batch_indices: torch.Tensor) -> torch.Tensor:
        if self.steps_done < self.warmup_steps:
            stats = self._eager_on_side_stream(batch_indices)
        else:
            if self.graph is None:
                self._capture(batch_indices)
            self.static_indices.copy_(batch_indices)
            self.graph.replay()
            stats = self.static_stats.clone()  # the graph overwrites its output at the next replay
        self.steps_done += 1
        return stats

    def _eager_on_side_stream(self, batch_indices: torch.Tensor) -> torch.Tensor:
        trainer = self.trainer
        self.side_stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(self.side_stream):
            stats = trainer.train_step(trainer.data.images[batch_indices], trainer.data.labels[batch_indices])
        torch.cuda.current_stream().wait_stream(self.side_stream)
        return stats

    def _capture(self, batch_indices: torch.Tensor) -> None:
        trainer = self.trainer
        self.static_indices = batch_indices.clone()
        trainer.opt_g.zero_grad(set_to_none=True)
        trainer.opt_d.zero_grad(set_to_none=True)
        graph = torch.cuda.CUDAGraph()
        graph.register_generator_state(trainer.noise_rng)  # noise keeps its own seeded stream inside the graph
        torch.cuda.synchronize(trainer.device)
        # thread_local: UI threads of the same process may use the GPU while this thread captures.
        with torch.cuda.graph(graph, stream=self.side_stream, capture_error_mode="thread_local"):
            self.static_stats = trainer.train_step(trainer.data.images[self.static_indices],
                                                   trainer.data.labels[self.static_indices])
        self.graph = graph
