"""The warm worker pool: a job handed to a warm worker trains exactly as in a fresh process, a warm worker
that dies is replaced, and no warm worker outlives the server (its shutdown, its exit, or its death).

Warm workers are real spawned processes that import torch and rehearse a few steps, so each test here
starts one pool of one worker at a time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
import torch

from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.errors import ConfigError
from gan_core.jobs.executors import LocalExecutor
from gan_core.jobs.manager import JobManager
from gan_core.jobs.pool import WARM_WORKERS_ENV, configured_warm_workers
from gan_core.runs.checkpoints import RunDir

from .helpers import ROOT, wait_until

WAIT = 600  # seconds for a worker to import torch and warm up on a busy shared machine


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    return ImageDataset("mnist-5k", small_mnist.images[:128], small_mnist.labels[:128])


def alive(pid: int) -> bool:
    """Whether a process of that pid runs (a zombie not yet reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def train_through(executor: LocalExecutor, name: str, root, tiny_data: ImageDataset) -> int:
    """Train one tiny run through a job manager with `executor`; returns the pid of the worker that trained it."""
    manager = JobManager(1, trainer_options={"data": tiny_data, "evaluate": None}, executor=executor)
    try:
        job = manager.submit(TrainConfig(model="sngan", batch_size=32, epochs=2, device="cpu", seed=5), name, root)
        wait_until(lambda: job.pid is not None or not job.active, WAIT)
        pid = job.pid
        assert manager.wait(job, WAIT).state == "finished"
        return pid
    finally:
        manager.shutdown(timeout=60)


def test_a_job_handed_to_a_warm_worker_trains_bit_identically_to_a_fresh_process(checkpoints, tiny_data) -> None:
    pooled = LocalExecutor(warm_workers=1)
    assert pooled.pool.wait_ready(timeout=WAIT)
    warm_pid = pooled.pool.status()[0].pid
    assert train_through(pooled, "pooled", checkpoints, tiny_data) == warm_pid  # the warm worker trained it
    assert not alive(warm_pid)  # one job per process: it exited with its job
    train_through(LocalExecutor(), "fresh", checkpoints, tiny_data)
    warm, fresh = RunDir("pooled", checkpoints).load_checkpoint(), RunDir("fresh", checkpoints).load_checkpoint()
    assert warm["global_step"] == fresh["global_step"] > 0
    for part in ("generator", "discriminator", "generator_ema", "optimizer_g"):
        flat_warm, flat_fresh = _tensors(warm[part]), _tensors(fresh[part])
        assert flat_warm.keys() == flat_fresh.keys()
        for key in flat_warm:
            assert torch.equal(flat_warm[key], flat_fresh[key]), f"{part} {key} differs"
    assert torch.equal(warm["history"]["loss_d"], fresh["history"]["loss_d"])
    samples = [RunDir(name, checkpoints).load_snapshot(2)["samples"] for name in ("pooled", "fresh")]
    assert torch.equal(*samples)


def _tensors(state: dict, prefix: str = "") -> dict[str, torch.Tensor]:
    found = {}
    for key, value in state.items():
        if isinstance(value, dict):
            found.update(_tensors(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            found.update(_tensors(dict(enumerate(value)), f"{prefix}{key}."))
        elif isinstance(value, torch.Tensor):
            found[f"{prefix}{key}"] = value
    return found


def test_a_warm_worker_that_dies_is_replaced_and_a_shutdown_ends_the_new_one() -> None:
    executor = LocalExecutor(warm_workers=1)
    try:
        assert executor.pool.wait_ready(timeout=WAIT)
        first = executor.pool.status()[0].pid
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: any(w.ready and w.pid != first for w in executor.pool.status()), WAIT)
        replacement = executor.pool.status()[0].pid
        assert len(executor.pool.status()) == 1 and alive(replacement)
    finally:
        executor.shutdown()
    assert not alive(replacement) and executor.pool.status() == []


SERVER = textwrap.dedent("""
    import sys, time
    from gan_core.jobs.executors import LocalExecutor
    from gan_core.jobs.manager import JobManager

    if __name__ == "__main__":
        manager = JobManager(executor=LocalExecutor(warm_workers=1))
        assert manager.executor.pool.wait_ready(timeout=600)
        print(manager.executor.pool.status()[0].pid, flush=True)
        if sys.argv[1] == "wait":
            time.sleep(600)
""")


@pytest.mark.parametrize("how", ["exits", "is killed"])
def test_no_warm_worker_outlives_the_server(tmp_path, how: str) -> None:
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen([sys.executable, str(script), "exit" if how == "exits" else "wait"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        warm_pid = int(server.stdout.readline())
        assert alive(warm_pid)
        if how == "is killed":
            server.kill()  # no atexit, no shutdown: the warm worker must notice by itself
        server.wait(WAIT)
        wait_until(lambda: not alive(warm_pid), 60)
    finally:
        server.kill()
        server.wait()


def test_the_number_of_warm_workers_is_bounded_and_a_bad_setting_is_one_clear_line(monkeypatch) -> None:
    monkeypatch.delenv(WARM_WORKERS_ENV, raising=False)
    assert configured_warm_workers(has_cuda=False, cuda_job_limit=0) == 1  # a laptop: one waiting worker
    assert configured_warm_workers(has_cuda=True, cuda_job_limit=32) == 32  # a GPU box: its job limit
    monkeypatch.setenv(WARM_WORKERS_ENV, "0")
    assert configured_warm_workers(has_cuda=True, cuda_job_limit=32) == 0
    for bad in ("-1", "many"):
        monkeypatch.setenv(WARM_WORKERS_ENV, bad)
        with pytest.raises(ConfigError, match=WARM_WORKERS_ENV) as raised:
            configured_warm_workers(has_cuda=False, cuda_job_limit=0)
        assert raised.value.code == "warm_workers_env" and "\n" not in str(raised.value)
