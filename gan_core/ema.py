"""An exponential moving average of a generator's weights (Yazıcı et al. 2019): the decay it uses at each update.

Shared by the image trainer and the 2D lab, so both warm up the same way."""

from __future__ import annotations

from typing import TypeVar

import torch

Count = TypeVar("Count", int, torch.Tensor)


def warmup_decay(updates: Count, decay: float) -> Count | float:
    """The decay of the `updates`-th update (counted from 1): min(decay, (1 + n) / (10 + n)). Early on the
    average follows G closely, so the untrained starting generator does not linger in it (with a flat 0.999
    it would still be a fifth of the average after 1,500 updates). `updates` may be a tensor on the device
    (a CUDA graph of the step replays the count) or a Python int."""
    warm = (1 + updates) / (10 + updates)
    if isinstance(warm, torch.Tensor):
        return torch.clamp(warm, max=decay)
    return min(decay, warm)
