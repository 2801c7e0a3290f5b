"""The GPU fast path: the trainer's own `train_step`, captured once as a CUDA graph and replayed.

A GAN step at classroom batch sizes is ~150 tiny kernels; launched one by one from Python, the
GPU mostly waits for the CPU. Captured into a graph, the whole step (batch gather, noise, both
forward/backward passes, both fused Adam updates, the EMA) is one launch. The kernels and their
order are those of the eager step, so the mathematics is the same; only the launching changes.
Before the capture, `warmup_steps` steps run eagerly on a side stream (cuBLAS/cuDNN set-up must
happen outside a capture) and are then undone, so every counted step is a replay of the graph: a
run resumed in the middle gives the very bits of a run trained in one go.
"""

from __future__ import annotations

from collections import deque
from typing import Callable, Sequence

import torch

from .devices import queued_work_done

# Replays queued ahead of the GPU at most. A few keep it busy while Python prepares the next; past them the
# trainer sleeps until the oldest is done, instead of queueing hundreds and then spinning in the next copy to the
# host (a spinning wait holds a CPU core: thirty of a class's runs on one GPU held sixteen; devices.py).
LEAD_REPLAYS = 4


def fast_path_available(device: torch.device) -> bool:
    return device.type == "cuda" and torch.cuda.is_available()


class GraphedStep:
    """A training step as a CUDA graph, callable like the eager one: batch indices in, the step's
    stats out (STEP_COLUMNS: loss_d, loss_g, D(x), D(G(z)), |grad G|).

    It knows only what a graph needs: `step(indices)`, the eager step to capture; `generators`, the
    run's random generators the step draws from (their state advances inside the graph);
    `save_point()`, which returns a function that puts the training state back as it was (to undo
    the warm-up steps; it also drops the gradients, so they are allocated inside the graph).
    """

    def __init__(self, step: Callable[[torch.Tensor], torch.Tensor], device: torch.device,
                 generators: Sequence[torch.Generator], save_point: Callable[[], Callable[[], None]],
                 warmup_steps: int = 3):
        if not fast_path_available(device):
            raise RuntimeError("the CUDA graph fast path needs a CUDA device")
        self.step, self.device, self.generators, self.save_point = step, device, tuple(generators), save_point
        self.warmup_steps = warmup_steps
        self.graph: torch.cuda.CUDAGraph | None = None
        self.side_stream = torch.cuda.Stream(device)
        self.static_indices: torch.Tensor | None = None
        self.static_stats: torch.Tensor | None = None
        self._queued: deque[torch.cuda.Event] = deque()

    def __call__(self, batch_indices: torch.Tensor) -> torch.Tensor:
        if self.graph is None:
            self._warm_up(batch_indices)
            self._capture(batch_indices)
        self.static_indices.copy_(batch_indices)
        self.graph.replay()
        stats = self.static_stats.clone()  # the graph overwrites its output at the next replay
        self._queued.append(queued_work_done(self.device))
        if len(self._queued) > LEAD_REPLAYS:
            self._queued.popleft().synchronize()  # sleeps: the GPU is more than LEAD_REPLAYS steps behind
        return stats

    def _warm_up(self, batch_indices: torch.Tensor) -> None:
        back = self.save_point()
        self.side_stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(self.side_stream):
            for _ in range(self.warmup_steps):
                self.step(batch_indices)
        torch.cuda.current_stream().wait_stream(self.side_stream)
        back()

    def _capture(self, batch_indices: torch.Tensor) -> None:
        self.static_indices = batch_indices.clone()
        graph = torch.cuda.CUDAGraph()
        for generator in self.generators:
            graph.register_generator_state(generator)  # noise keeps its own seeded stream inside the graph
        torch.cuda.synchronize(self.device)
        # thread_local: other threads of the process may use the GPU while this one captures.
        with torch.cuda.graph(graph, stream=self.side_stream, capture_error_mode="thread_local"):
            self.static_stats = self.step(self.static_indices)
        self.graph = graph
