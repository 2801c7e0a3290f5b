"""Training a GAN, step by step as in the lecture.

One training step (`Trainer.train_step`, just below):
  (1) update D: it learns to tell real from fake, with the loss's D objective on D(x) and D(G(z));
      G is untouched;
  (2) update G: it learns to make D say "real" on fresh fakes, with the loss's G objective on
      D(G(z)); D is held fixed.
The loss (`config.loss`: minimax, ns, lsgan, hinge, wgan-gp; `config.r1`) is a parameter: its
formulas live in losses.py. The default, ns, maximises log D(G(z)) instead of minimising
log(1 - D(G(z))) (the non-saturating loss: G still learns when D is sure).

A conditional model (`cgan`) is told each digit's label: G draws the labels of the real batch,
and D judges every image together with its label. Unconditional models never see labels.

The rest of the file is the loop around it: epochs, stopping, saving. Saved state and the run's
random generators live in run_state.py, the GPU's CUDA-graph replay of this same step in
fast_path.py, the history and its log on disk in history.py.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import socket
import threading
import time
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from .classroom.access import check_not_shipped
from .runs.checkpoints import RunDir, now_iso
from .config import TrainConfig, resumed_config, steps_per_epoch
from .data import ImageDataset, load_dataset
from .devices import resolve_device, set_matmul_precision, wait_without_spinning
from .ema import warmup_decay
from .errors import CheckpointError, ConfigError, RunNameError
from .fast_path import GraphedStep, fast_path_available
from .history import STEP_COLUMNS, EpochResult, History, LogWriter, Progress
from .images import to_uint8
from .losses import build_objective
from .models import build_models, count_parameters, is_conditional, use_generator
from .runs import notes
from . import run_state
from .run_state import RunRandomness
from .sampling import cycling_labels, generate_images

log = logging.getLogger(__name__)

__all__ = ["EpochResult", "History", "Progress", "STEP_COLUMNS", "Trainer", "keeps_generator"]


class Trainer:
    """Trains one GAN. Create with `Trainer(config, run)`, `Trainer.create` or `Trainer.resume`, then `train()`."""

    # --- the algorithm --------------------------------------------------------------------
    def train_step(self, real_batches: torch.Tensor, label_batches: torch.Tensor) -> torch.Tensor:
        """k = d_steps discriminator updates (one real batch and its labels each), then one generator update.

        Returns the numbers of STEP_COLUMNS (loss_d, loss_g, mean D(x), mean D(G(z)), |grad G|) as one
        tensor on the device.
        """
        for real, labels in zip(real_batches, label_batches):
            loss_d, d_real, d_fake = self.discriminator_step(real, labels)  # (1) update D
        loss_g, grad_g = self.generator_step(real_batches.shape[1], labels)  # (2) update G
        if self.generator_ema is not None:
            self._update_ema()
        return History.step_row(loss_d=loss_d, loss_g=loss_g, d_real=d_real, d_fake=d_fake, grad_g=grad_g)

    def discriminator_step(self, real: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """D learns to output "real" on real digits and "fake" on G's images; G is not updated."""
        given = (labels,) if self.conditional else ()  # only a conditional model is told the digits
        fake = self.generator(self.noise(len(real)), *given).detach()  # detach: no gradient flows into G here
        d_real, d_fake = self.discriminator(real, *given), self.discriminator(fake, *given)
        critic = lambda images: self.discriminator(images, *given)  # noqa: E731 - D as the penalty sees it
        loss = (self.loss.discriminator(d_real, d_fake)
                + self.loss.penalty(critic, real, fake, self.rng.noise))  # WGAN-GP's / R1 (else 0)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        return loss, self.loss.read(d_real), self.loss.read(d_fake)

    def generator_step(self, batch_size: int, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """G learns to make D say "real" on fresh fakes, while D is held fixed. Also returns the norm
        of G's gradient (what the minimax loss makes vanish)."""
        given = (labels,) if self.conditional else ()  # only a conditional model is told the digits
        self.discriminator.requires_grad_(False)
        loss = self.loss.generator(self.discriminator(self.generator(self.noise(batch_size), *given), *given))
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.get_total_norm([p.grad for p in self.generator.parameters()])
        self.opt_g.step()
        self.discriminator.requires_grad_(True)
        return loss, grad_norm

    def noise(self, batch_size: int) -> torch.Tensor:
        """Fresh z ~ N(0, I), from the run's own generator."""
        return torch.randn(batch_size, self.config.latent_dim, device=self.device, generator=self.rng.noise)

    @torch.no_grad()
    def _update_ema(self) -> None:
        """ema <- d * ema + (1 - d) * G: an average of recent generators, smoother than any one, with
        d warming up to the decay (gan_core/ema.py). The count lives on the device so a CUDA graph of
        the step replays it correctly.
        """
        self._ema_updates += 1
        decay = warmup_decay(self._ema_updates, self.config.ema_decay)
        for averaged, current in zip(self.generator_ema.parameters(), self.generator.parameters()):
            averaged.lerp_(current, 1.0 - decay)
        for averaged, current in zip(self.generator_ema.buffers(), self.generator.buffers()):
            averaged.copy_(current)

    # --- set-up ---------------------------------------------------------------------------
    def __init__(
        self,
        config: TrainConfig,
        run: RunDir | None = None,
        *,
        data: ImageDataset | None = None,
        data_dir: str | None = None,
        flush_every: int | None = None,
        evaluate: Callable[[nn.Module], dict[str, Any]] | None = None,
        fast: bool | None = None,
        epoch_end_every: float | None = None,
    ):
        self.config = config.validate()
        self.device = resolve_device(config.device)
        self.run = run
        # The GPU fast path (a CUDA graph per step) is on by default where there is CUDA; fast=False
        # forces the eager step, which is the reference for the mathematics.
        self.fast = fast_path_available(self.device) if fast is None else fast
        if self.fast and not fast_path_available(self.device):
            raise ConfigError("the fast path needs a CUDA device; train eagerly on this one", code="fast_path_cuda")
        # Stats are copied from the device every flush_every steps: one GPU sync per flush, not per step.
        self.flush_every = max(1, flush_every or (200 if self.device.type == "cuda" else 25))
        self.evaluate = evaluate  # optional per-epoch metrics of the sampling generator
        # An epoch end (samples, snapshot, checkpoint, metrics) costs about what it costs; an epoch does not:
        # on a GPU one takes a few milliseconds, so its end is recorded at most every few seconds of wall
        # clock (and always at the last epoch and on stop). On a CPU every epoch is recorded.
        self.epoch_end_every = EPOCH_END_EVERY.get(self.device.type, 0.0) if epoch_end_every is None else epoch_end_every
        self.loss = build_objective(config.loss, config.r1)
        dataset = data if data is not None else load_dataset(config.dataset, data_dir)
        self.data = dataset.to(self.device)
        self.steps_per_epoch = steps_per_epoch(config, len(self.data))
        set_matmul_precision(self.device, config.tf32)  # once, never per step: the flag is process-wide

        self.rng = RunRandomness(config.seed, self.device)  # every random draw of this run comes from here
        # oneDNN's (CPU) and cuDNN's (GPU) convolutions run fastest on channels-last tensors; given NCHW ones, cuDNN
        # converts each layer's input and output to channels-last and back.
        memory_format = torch.channels_last if self.device.type in ("cpu", "cuda") else torch.preserve_format
        self.generator, self.discriminator = (m.to(self.device, memory_format=memory_format)
                                              for m in build_models(config.model, config.latent_dim, config.g_width, config.d_width,
                                                                    generator=self.rng.init, depth=config.depth))
        self.conditional = is_conditional(self.generator)
        self.generator_ema = _frozen_copy(self.generator) if config.ema_decay > 0 else None
        for model in (self.generator, self.discriminator):
            use_generator(model, self.rng.noise)  # dropout masks from the run's generator
        self._ema_updates = torch.zeros((), device=self.device)  # one EMA update per step: equals global_step
        # fused: one pass over the weights per update (one kernel on a GPU, faster on a CPU too);
        # capturable: the update may live in a CUDA graph. MPS has no fused Adam.
        fused = self.device.type in ("cuda", "cpu")
        on_gpu = self.device.type == "cuda"
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=config.lr_g, betas=config.betas,
                                      fused=fused, capturable=on_gpu)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=config.lr_d, betas=config.betas,
                                      fused=fused, capturable=on_gpu)
        for optimizer in (self.opt_g, self.opt_d):
            _initial_adam_state(optimizer)
        self.fixed_noise = self.rng.fixed_noise(config.latent_dim).to(self.device)
        # A conditional model draws the digits 0-9 in turn for them; None for the others.
        self.fixed_labels = cycling_labels(len(self.fixed_noise)).to(self.device) if self.conditional else None

        self.history = History()
        self.epoch = 0  # epochs completed
        self.step_in_epoch = 0
        self.global_step = 0
        self.train_seconds = 0.0
        self.status = "new"
        self.note = notes.NONE  # why it ended as it did (a code the app translates, and an English line)
        self.latest_samples: np.ndarray | None = None
        self.on_step: list[Callable[[Progress], None]] = []
        self.on_epoch_end: list[Callable[[EpochResult], None]] = []
        self._stop = threading.Event()
        self._pending: list[torch.Tensor] = []  # per-step stats still on the device
        self._session_steps = 0
        self._session_seconds = 0.0
        self._graphed_step: GraphedStep | None = None
        self._log: LogWriter | None = None

    @classmethod
    def create(cls, config: TrainConfig, run: RunDir, owner: str = "", **kwargs: Any) -> "Trainer":
        """A new run: refuses a name that exists, writes run.json and a step-0 checkpoint (so even a
        run killed in its first epoch can be resumed), returns a ready trainer."""
        config.validate()
        if run.path.exists():
            raise RunNameError(f"a run named {run.name!r} already exists in {run.root}; resume it or choose another name",
                               code="run_exists", name=run.name)
        trainer = cls(config, run, **kwargs)
        run.path.mkdir(parents=True)
        run.write_info({
            "name": run.name, "status": "stopped", "created": now_iso(), "owner": owner,
            "device": _device_label(trainer.device), "config": config.to_dict(), "summary": trainer._summary(),
        })
        run.save_checkpoint(trainer.state())
        return trainer

    @classmethod
    def resume(cls, run: RunDir, epochs: int | None = None, changes: dict[str, Any] | None = None,
               **kwargs: Any) -> "Trainer":
        """Continue a saved run from its checkpoint; `epochs` is the new total. Only the settings in
        RESUMABLE_CHANGES may differ from the saved ones."""
        info = run.read_info()
        check_not_shipped(info, run.name, "resume")
        if run.owner_alive(info):
            raise CheckpointError(f"run {run.name!r} is being trained by another process; stop it first", code="run_busy",
                                  name=run.name)
        state = run.load_checkpoint()
        config = resumed_config(state["config"], int(state["epoch"]), run.name, epochs, changes)
        trainer = cls(config, run, **kwargs)
        trainer.load_state(state)
        run.remove_snapshots_after(trainer.epoch)
        run.update_info(config=config.to_dict(), device=_device_label(trainer.device))
        return trainer

    # --- the loop -------------------------------------------------------------------------
    def request_stop(self) -> None:
        """Ask the run to stop at the next step boundary and save a checkpoint (safe from any thread)."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def message(self) -> str:
        """Why it ended as it did, in English (what the CLI prints)."""
        return self.note.message

    def train(self, max_seconds: float | None = None) -> str:
        """Train until the configured epochs are done, a stop is asked for, `max_seconds` pass or the
        loss stops being finite. Returns the final status: finished, stopped or diverged.

        With a run folder, the run's lock is held meanwhile (one trainer per run, and its liveness
        for everyone else) and its history log grows as it trains."""
        self._stop.clear()
        self.status, self.note = "running", notes.NONE
        with self.run.training_lock() if self.run is not None else contextlib.nullcontext():
            if self.run is not None:
                self.run.update_info(status="running", pid=os.getpid(), host=socket.gethostname())
                self._log = LogWriter(self.run.log_path, self.history)
            try:
                return self._train(max_seconds)
            except BaseException:
                self.status = "stopped"
                self._record("stopped", notes.process_failed())
                raise
            finally:
                if self._log is not None:
                    self._log.close()
                    self._log = None

    def _train(self, max_seconds: float | None) -> str:
        session_start = time.perf_counter()
        last_time = self._last_epoch_end = session_start
        last_preview = -PREVIEW_EVERY  # the first preview comes after the first step
        while self.epoch < self.config.epochs:
            order = self._epoch_order(self.epoch)
            while self.step_in_epoch < self.steps_per_epoch:
                if self._stop.is_set() or (max_seconds is not None and time.perf_counter() - session_start >= max_seconds):
                    return self._end("stopped", notes.stopped_at(self.epoch + 1, self.step_in_epoch))
                batch_indices = order[self.step_in_epoch].view(self.config.d_steps, self.config.batch_size)
                self._pending.append(self._step(batch_indices))
                self.step_in_epoch += 1
                self.global_step += 1
                now = time.perf_counter()
                self._tick(now - last_time)
                last_time = now
                if len(self._pending) >= self.flush_every and not self._flush():
                    return self._end("diverged", self.note)
                self._notify_step()
                if self._previewing and now - last_preview >= PREVIEW_EVERY:
                    if not self._preview():
                        return self._end("diverged", self.note)
                    last_time = last_preview = time.perf_counter()  # showing is not training time
            self.epoch += 1
            self.step_in_epoch = 0
            if self.epoch >= self.config.epochs or time.perf_counter() - self._last_epoch_end >= self.epoch_end_every:
                if not self._flush():
                    return self._end("diverged", self.note)
                self._end_epoch()
                last_time = self._last_epoch_end = time.perf_counter()  # epoch-end work is not training time
        return self._end("finished", notes.finished(self.epoch))

    def _step(self, batch_indices: torch.Tensor) -> torch.Tensor:
        """One training step, eager or replayed from a CUDA graph of the very same `train_step`."""
        if not self.fast:
            return self._indexed_step(batch_indices)
        if self._graphed_step is None:
            self._graphed_step = GraphedStep(self._indexed_step, self.device, generators=[self.rng.noise],
                                             save_point=self._save_point)
        return self._graphed_step(batch_indices)

    def _indexed_step(self, batch_indices: torch.Tensor) -> torch.Tensor:
        with self._precision():
            return self.train_step(self.data.images[batch_indices], self.data.labels[batch_indices])

    def _precision(self) -> contextlib.AbstractContextManager:
        """bfloat16 autocast for the step where asked and on a GPU: convolutions and matrix products in bfloat16,
        the weights, their gradients, Adam and the losses in float32. No cast cache: a cached cast would outlive the
        optimiser's update (the second of several D steps would use D's old weights), and the step may be a CUDA graph."""
        if self.config.bfloat16 and self.device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16, cache_enabled=False)
        return contextlib.nullcontext()

    def _save_point(self) -> Callable[[], None]:
        """A function that puts weights, optimisers, EMA and noise generator back as they are now (the
        fast path undoes its warm-up steps with it), and drops the gradients."""
        saved = copy.deepcopy({"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                               "ema": self.generator_ema.state_dict() if self.generator_ema is not None else None,
                               "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict()})
        noise_state, ema_updates = self.rng.noise.get_state(), self._ema_updates.clone()

        def back() -> None:
            self.generator.load_state_dict(saved["generator"])
            self.discriminator.load_state_dict(saved["discriminator"])
            if self.generator_ema is not None:
                self.generator_ema.load_state_dict(saved["ema"])
            self.opt_g.load_state_dict(saved["opt_g"])
            self.opt_d.load_state_dict(saved["opt_d"])
            self.rng.noise.set_state(noise_state)
            self._ema_updates.copy_(ema_updates)
            self.opt_g.zero_grad(set_to_none=True)
            self.opt_d.zero_grad(set_to_none=True)
        return back

    def _tick(self, seconds: float) -> None:
        self.train_seconds += seconds
        self._session_seconds += seconds
        self._session_steps += 1

    def _epoch_order(self, epoch: int) -> torch.Tensor:
        """This epoch's shuffle, as (steps, d_steps * batch) indices on the device."""
        used = self.steps_per_epoch * self.config.d_steps * self.config.batch_size
        order = torch.from_numpy(self.rng.epoch_order(epoch, len(self.data))[:used])
        return order.view(self.steps_per_epoch, -1).to(self.device)

    def _flush(self) -> bool:
        """Copy pending stats to the history and the log (one device sync); False if a loss is not finite."""
        if not self._pending:
            return True
        stacked = torch.stack(self._pending)
        wait_without_spinning(self.device)  # the copy below would spin on a core while the GPU catches up
        rows = stacked.cpu()
        self._pending.clear()
        finite = torch.isfinite(rows).all(dim=1)
        if not bool(finite.all()):
            first_bad = len(self.history.loss_d) + int((~finite).nonzero()[0])
            epoch = first_bad // self.steps_per_epoch + 1
            self.note = notes.diverged(first_bad + 1, epoch, self.epoch)
            return False
        self.history.append(rows)
        if self._log is not None:
            self._log.steps(rows.tolist(), self.progress())
        return True

    def _notify_step(self) -> None:
        if self.on_step:
            progress = self.progress()
            for observer in self.on_step:
                observer(progress)

    def progress(self) -> Progress:
        speed = self._session_steps / self._session_seconds if self._session_seconds > 0 else 0.0
        return Progress(self.epoch, self.config.epochs, self.step_in_epoch, self.steps_per_epoch,
                        self.global_step, self.train_seconds, speed)

    @property
    def _previewing(self) -> bool:
        """Whether the run folder should get previews: until this run's first epoch is recorded."""
        return self.run is not None and not self.history.epochs

    def _preview(self) -> bool:
        """Save G's fixed-noise samples now, with the stats so far (one device sync for both), so a student
        sees numbers and a first picture seconds after Start, not only when the first epoch is recorded
        (a default CPU epoch takes seconds; a GPU records epochs only every EPOCH_END_EVERY seconds).
        It only reads G (eval mode, no gradients, the fixed noise): the run trains exactly as without it.
        False if a loss is not finite."""
        if not self._flush():
            return False
        self.run.save_preview(self.epoch + 1, self.step_in_epoch, torch.from_numpy(self.sample_fixed()))
        return True

    def _end_epoch(self) -> None:
        """Record the epochs finished since the last record: losses, samples, snapshot, checkpoint, metrics."""
        recorded = self.history.epochs[-1]["epoch"] if self.history.epochs else 0
        first, last = recorded * self.steps_per_epoch, self.epoch * self.steps_per_epoch
        losses_d, losses_g = self.history.loss_d[first:last], self.history.loss_g[first:last]
        record: dict[str, Any] = {
            "epoch": self.epoch,
            "global_step": self.epoch * self.steps_per_epoch,
            "train_seconds": round(self.train_seconds, 3),
            "loss_d": float(np.mean(losses_d)) if losses_d else float("nan"),
            "loss_g": float(np.mean(losses_g)) if losses_g else float("nan"),
        }
        samples = self.sample_fixed()
        if self.evaluate is not None:
            record.update(self.evaluate(self.sampling_generator))
        self.history.epochs.append(record)
        self.latest_samples = samples
        if self.run is not None:
            weights = self.sampling_generator.state_dict() if keeps_generator(self.epoch, self.config.epochs) else None
            self.run.save_snapshot(self.epoch, weights, torch.from_numpy(samples))
            self.run.remove_preview()  # the epoch's own samples stand in its place now
            self.run.thin_snapshots(MAX_SNAPSHOTS)
            self.save()
            if self._log is not None:
                self._log.epoch(record)  # after the save: the log never runs ahead of what a resume gets
        result = EpochResult(record, samples)
        for observer in self.on_epoch_end:
            observer(result)

    def _end(self, status: str, note: notes.Note) -> str:
        if status == "stopped" and not self._flush():
            status, note = "diverged", self.note
        if status == "stopped" and self.epoch > (self.history.epochs[-1]["epoch"] if self.history.epochs else 0):
            self._end_epoch()  # epochs finished since the last record (a GPU records every few seconds)
        self.status, self.note = status, note
        if self.run is not None:
            if status == "stopped":
                self.save()  # the stop point, so a resume continues from exactly here
            self.run.update_info(status=status, summary=self._summary())
        return status

    def _record(self, status: str, note: notes.Note) -> None:
        """Best effort: write a final status after a failure (the disk may be what failed)."""
        if self.run is None or not self.run.exists():
            return
        try:
            self.note = note
            self.run.update_info(status=status, summary=self._summary())
        except Exception:  # noqa: BLE001 - the original error matters more; the released lock says "not running"
            log.warning("could not record status %s of run %s", status, self.run.name, exc_info=True)

    # --- sampling -------------------------------------------------------------------------
    @property
    def sampling_generator(self) -> nn.Module:
        """The generator whose images we show: the moving average when it is on."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def sample_fixed(self) -> np.ndarray:
        """The fixed-noise batch through the sampling generator, as uint8 (64, 28, 28)."""
        return to_uint8(generate_images(self.sampling_generator, self.fixed_noise, self.fixed_labels))

    # --- checkpoints ----------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Everything needed to continue exactly where this run is now (see run_state.py)."""
        return run_state.capture(self)

    def load_state(self, state: dict[str, Any]) -> None:
        self._graphed_step = None  # a graph holds the old tensors' addresses: capture again
        run_state.restore(self, state)
        self._ema_updates.fill_(self.global_step)
        if self.history.epochs or self.epoch:
            self.latest_samples = self.sample_fixed()

    def save(self) -> None:
        """Write checkpoint.pt and run.json (atomically). Pending stats are flushed first."""
        if self.run is None:
            raise RuntimeError("this trainer has no run folder to save to")
        if not self._flush():
            raise RuntimeError("refusing to save a diverged state")
        self.run.save_checkpoint(self.state())
        self.run.update_info(summary=self._summary())

    def _summary(self) -> dict[str, Any]:
        last = self.history.epochs[-1] if self.history.epochs else {}
        return {
            "epochs_done": self.epoch,
            "steps": self.global_step,
            "train_seconds": round(self.train_seconds, 2),
            "loss_d": last.get("loss_d"),
            "loss_g": last.get("loss_g"),
            "message": self.note.message,
            "note": self.note.record(),
            "generator_parameters": count_parameters(self.generator),
            "discriminator_parameters": count_parameters(self.discriminator),
        }


# Seconds of wall clock between two recorded epoch ends, per kind of device (0: every epoch).
EPOCH_END_EVERY = {"cpu": 0.0, "cuda": 5.0, "mps": 5.0}
MAX_SNAPSHOTS = 200  # epoch snapshots a run keeps at most (thinned evenly): a light scrubber and GIF
# Seconds of wall clock between two previews of G's samples before the first epoch is recorded (preview.pt).
PREVIEW_EVERY = 1.0


def keeps_generator(epoch: int, epochs: int) -> bool:
    """Whether an epoch's snapshot keeps the generator, not only its samples: epochs 1-10, every
    10th and the last, so a run of hundreds of epochs stays a few megabytes."""
    return epoch <= 10 or epoch % 10 == 0 or epoch == epochs


def _initial_adam_state(optimizer: torch.optim.Adam) -> None:
    """Adam's state as its first step would create it (zero moments, step 0), made now. A CUDA graph
    captured later must find it: otherwise the graph records its creation, and every replay would start
    the moments from zero again."""
    for group in optimizer.param_groups:
        for param in group["params"]:
            state = optimizer.state[param]
            if not state:
                on_device = group["capturable"] or group["fused"]
                state["step"] = (torch.zeros((), dtype=torch.float32, device=param.device) if on_device
                                 else torch.tensor(0.0, dtype=torch.float32))
                state["exp_avg"] = torch.zeros_like(param, memory_format=torch.preserve_format)
                state["exp_avg_sq"] = torch.zeros_like(param, memory_format=torch.preserve_format)


def _frozen_copy(module: nn.Module) -> nn.Module:
    clone = copy.deepcopy(module)
    clone.requires_grad_(False)
    return clone


def _device_label(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type
