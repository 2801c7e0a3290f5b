"""The job manager: real trainings in real worker processes, on a few of the embedded digits.

A spawned worker costs a few seconds of imports, so each test here starts at most two at a time
and checks several things of them. The randomness tests compare with `torch.equal`.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import subprocess
import sys
import threading
import weakref

import pytest
import torch

from gan_core.runs.checkpoints import RunDir, list_runs
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.errors import CheckpointError, ConfigError, GanLabError, RunNameError
from gan_core.jobs.manager import MAX_JOBS_ENV, Job, JobManager, default_job_limit, max_jobs_from_env
from gan_core.sampling import generate_images
from gan_core.trainer import Trainer
from gan_core.jobs.worker import failure_note

from .helpers import ROOT, cli_env, copy_run, wait_until

WAIT = 600  # seconds to wait for a worker to start and train a few steps (a busy shared machine is slow)
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    """128 digits: 4 steps of 32 per epoch, a fraction of a second on a laptop core."""
    return ImageDataset("mnist-5k", small_mnist.images[:128], small_mnist.labels[:128])


@pytest.fixture
def make_manager(tiny_data: ImageDataset):
    managers: list[JobManager] = []

    def make(max_per_device: int = 1, **options) -> JobManager:
        manager = JobManager(max_per_device, trainer_options={"data": tiny_data, "evaluate": None}, **options)
        managers.append(manager)
        return manager

    yield make
    for manager in managers:  # never leave a worker behind
        manager.shutdown(timeout=60)


def tiny(epochs: int = 1, **changes) -> TrainConfig:
    return TrainConfig(**{"model": "sngan", "batch_size": 32, "epochs": epochs, "device": "cpu", **changes})


def trained_steps(job: Job) -> int:
    progress = job.progress
    return progress.global_step if job.state == "running" and progress is not None else 0


def solo(config: TrainConfig, data: ImageDataset, steps: int | None = None) -> Trainer:
    """The same run trained alone in this process (to `steps` steps, else to its end)."""
    trainer = Trainer(config, data=data)
    if steps is not None:
        trainer.on_step.append(lambda p: trainer.request_stop() if p.global_step == steps else None)
    trainer.train()
    return trainer


def assert_same_generator(run: RunDir, alone: Trainer) -> None:
    """The run's checkpoint holds the very weights of the run trained alone, and gives the same samples."""
    saved = run.load_checkpoint()
    assert saved["global_step"] == alone.global_step
    for part in ("generator", "discriminator", "generator_ema"):
        mine = getattr(alone, part)
        for name, weight in (mine.state_dict().items() if mine is not None else ()):
            assert torch.equal(saved[part][name], weight.cpu()), f"{part} weight {name} differs"
    restored = Trainer(alone.config, data=alone.data)
    restored.load_state(saved)
    samples = generate_images(restored.sampling_generator, restored.fixed_noise)
    assert torch.equal(samples, generate_images(alone.sampling_generator, alone.fixed_noise))


# --- each run owns its randomness ----------------------------------------------------------------
@pytest.mark.parametrize("model", ["mlp", "sngan"])  # mlp: dropout masks; sngan: spectral norm's vectors
def test_two_runs_trained_at_once_in_threads_each_equal_the_run_alone(tiny_data, model) -> None:
    configs = [tiny(2, model=model, latent_dim=8, seed=seed) for seed in (1, 2)]
    process_rng = torch.get_rng_state()
    together = [Trainer(config, data=tiny_data) for config in configs]
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=lambda t=t: (barrier.wait(), t.train())) for t in together]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for config, trainer in zip(configs, together):
        alone = solo(config, tiny_data)
        assert trainer.history.loss_d == alone.history.loss_d
        assert torch.equal(torch.from_numpy(trainer.sample_fixed()), torch.from_numpy(alone.sample_fixed()))
        for a, b in zip(trainer.generator.state_dict().values(), alone.generator.state_dict().values()):
            assert torch.equal(a, b)
    assert torch.equal(torch.get_rng_state(), process_rng)  # the process-wide RNG was neither seeded nor used


def test_two_overlapping_worker_processes_each_equal_the_run_alone_and_leave_memory(checkpoints, make_manager, tiny_data) -> None:
    manager = make_manager(2)
    long, short = tiny(1000, seed=3), tiny(3, seed=4)
    first = manager.submit(long, "long", checkpoints)
    wait_until(lambda: trained_steps(first) >= 1, timeout=WAIT)
    second = manager.submit(short, "short", checkpoints)
    assert manager.wait(second, WAIT).state == "finished"
    assert first.state == "running"  # so the two trained at the same time
    manager.stop("long", checkpoints)
    assert manager.wait(first, WAIT).state == "stopped"
    assert manager.jobs() == [] and manager.job("short") is None  # finished jobs left the manager

    stopped_at = RunDir("long", checkpoints).load_checkpoint()["global_step"]
    assert stopped_at > 0
    assert_same_generator(RunDir("long", checkpoints), solo(long, tiny_data, steps=stopped_at))
    assert_same_generator(RunDir("short", checkpoints), solo(short, tiny_data))
    assert second.history.loss_d == solo(short, tiny_data).history.loss_d  # the log pages read

    gone = weakref.ref(second)
    del second
    gc.collect()
    assert gone() is None  # nothing in the manager holds a finished job


# --- stopping, killing, restarting ---------------------------------------------------------------
def slow_first_save(trainer: Trainer) -> None:
    """Worker hook: the run's first save after this is held. "slow" is held until the worker has heard the stop
    (its stop-watcher thread ends once the manager's stop came), then says so (<name>.stop-heard) and saves;
    "stuck" never goes on, as a save stuck on a dead disk (the manager must kill it)."""
    run, save = trainer.run, trainer.run.save_checkpoint
    calls = []

    def held(state):
        if not calls:
            calls.append(1)
            (run.root / f"{run.name}.saving").touch()
            if run.name == "stuck":
                threading.Event().wait()
            wait_until(lambda: not any(thread.name == "stop-watcher" for thread in threading.enumerate()), 60)
            (run.root / f"{run.name}.stop-heard").touch()
        save(state)

    run.save_checkpoint = held


def test_a_stop_during_a_save_saves_and_a_worker_stuck_in_a_save_is_killed_keeping_its_checkpoint(checkpoints, make_manager) -> None:
    manager = make_manager(2, stop_timeout=15, prepare=slow_first_save)
    slow, stuck = manager.submit(tiny(1000), "slow", checkpoints), manager.submit(tiny(1000), "stuck", checkpoints)
    wait_until(lambda: (checkpoints / "slow.saving").exists() and (checkpoints / "stuck.saving").exists(), timeout=WAIT)
    assert manager.stop("slow", checkpoints) and manager.stop("stuck", checkpoints)
    assert manager.wait(slow, WAIT).state == "stopped"
    assert (checkpoints / "slow.stop-heard").exists()  # the stop reached the worker while it was saving
    saved = RunDir("slow", checkpoints).load_checkpoint()
    info = RunDir("slow", checkpoints).read_info()
    assert saved["global_step"] == info["summary"]["steps"] == len(slow.history.loss_d) >= 4

    assert manager.wait(stuck, WAIT).state == "interrupted"
    assert "did not stop within 15 s" in stuck.message
    run = RunDir("stuck", checkpoints)
    assert run.info().status == "stopped" and "interrupted" in run.info().message
    assert run.load_checkpoint()["global_step"] == 0  # the last good checkpoint: the one it was made with


def test_a_worker_killed_mid_epoch_leaves_a_run_that_resumes_exactly(checkpoints, make_manager, tiny_data) -> None:
    manager = make_manager()
    config = tiny(1000, seed=5)
    job = manager.submit(config, "killed", checkpoints)
    wait_until(lambda: trained_steps(job) >= 6, timeout=WAIT)  # in epoch 2 of 4 steps each
    os.kill(job.pid, signal.SIGKILL)
    assert manager.wait(job, WAIT).state == "interrupted" and "killed (signal 9)" in job.message
    run = RunDir("killed", checkpoints)
    assert run.info().status == "stopped" and "interrupted" in run.info().message
    assert run.load_checkpoint()["epoch"] >= 1  # the last epoch it finished (the kill came in epoch 2 or later)

    resumed = manager.submit_resume("killed", 3, checkpoints)
    assert manager.wait(resumed, WAIT).state == "finished"
    assert_same_generator(run, solo(tiny(3, seed=5), tiny_data))  # as if never killed
    assert len(resumed.history.loss_d) == 12  # the log holds the checkpoint's history, not the lost steps


def test_after_a_server_restart_runs_left_running_are_interrupted_deletable_and_resumable(checkpoints, tiny_data) -> None:
    for name in ("left", "doomed", "live"):
        Trainer.create(tiny(1), RunDir(name, checkpoints), data=tiny_data).train()
        # The old server died without a word, and the new one has its PID (PID 1 in a container).
        RunDir(name, checkpoints).update_info(status="running", pid=os.getpid())
    live = Trainer.resume(RunDir("live", checkpoints), epochs=1000, data=tiny_data)  # a trainer still alive
    thread = threading.Thread(target=live.train)
    thread.start()
    try:
        wait_until(lambda: live.global_step > 4, timeout=WAIT)
        manager = JobManager(1)
        assert {job.run_name for job in manager.jobs(checkpoints)} == set()
        statuses = {run.name: (run.status, run.message) for run in list_runs(checkpoints)}
        assert statuses["left"][0] == statuses["doomed"][0] == "stopped" and "interrupted" in statuses["left"][1]
        assert RunDir("left", checkpoints).read_info()["status"] == "stopped"  # written down, not only shown
        assert statuses["live"][0] == "running"  # its lock is held: not marked
        with pytest.raises(CheckpointError, match="stop it before deleting"):
            manager.delete("live", checkpoints)
        with pytest.raises(CheckpointError, match="being trained by another process"):
            manager.submit_resume("live", 2000, checkpoints)
        manager.delete("doomed", checkpoints)
        assert not (checkpoints / "doomed").exists()
    finally:
        live.request_stop()
        thread.join(60)
    resumed = Trainer.resume(RunDir("left", checkpoints), epochs=2, data=tiny_data)
    assert resumed.train() == "finished"


# --- the queue -----------------------------------------------------------------------------------
def test_the_queue_takes_turns_between_owners_and_refuses_doubles(checkpoints, make_manager, tiny_data) -> None:
    Trainer.create(tiny(1), RunDir("saved", checkpoints), data=tiny_data).train()
    manager = make_manager(1)
    blocker = manager.submit(tiny(1000), "blocker", checkpoints, owner="alice")
    wait_until(lambda: blocker.state == "running", timeout=WAIT)
    names = [("alice-2", "alice"), ("alice-3", "alice"), ("bob-1", "bob"), ("anon-1", ""), ("anon-2", ""), ("bob-2", "bob")]
    queued = {name: manager.submit(tiny(), name, checkpoints, owner=owner) for name, owner in names}
    assert [job.run_name for job in manager.queue("cpu")] == ["bob-1", "anon-1", "anon-2", "alice-2", "bob-2", "alice-3"]
    assert manager.queue_position(queued["alice-2"]) == 4 and manager.queue_position(blocker) is None
    assert manager.running_on("cpu") == [blocker]
    assert {run.name for run in list_runs(checkpoints)} == {"saved", "blocker"}  # a queued run has no folder yet

    # Thirty sessions pressing Start at once start one run; a queued resume is not queued twice.
    barrier, refused = threading.Barrier(8), []

    def session() -> None:
        barrier.wait()
        try:
            manager.submit(tiny(), "shared", checkpoints)
        except RunNameError as error:
            refused.append(str(error))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(refused) == 7 and len([j for j in manager.jobs() if j.run_name == "shared"]) == 1
    manager.submit_resume("saved", 5, checkpoints, changes={"lr_g": 1e-4})
    with pytest.raises(GanLabError, match="already queued or training"):
        manager.submit_resume("saved", 6, checkpoints)
    with pytest.raises(CheckpointError, match="stop it before deleting"):
        manager.delete("saved", checkpoints)

    # The blocker stops; bob's turn comes; a stop while bob's worker starts is not lost.
    assert manager.stop("blocker", checkpoints)
    manager.wait(blocker, WAIT)
    bob = queued["bob-1"]
    assert bob.state in ("starting", "running")
    assert manager.stop("bob-1", checkpoints)
    assert manager.wait(bob, WAIT).state == "stopped"
    assert RunDir("bob-1", checkpoints).load_checkpoint()["global_step"] <= 1
    assert RunDir("bob-1", checkpoints).read_info()["owner"] == "bob"
    assert queued["anon-1"].state in ("starting", "running")

    manager.shutdown(timeout=60)
    assert all(not job.active for job in queued.values()) and manager.jobs() == []
    assert not (checkpoints / "alice-3").exists()  # cancelled before it started


def test_bad_requests_are_refused_before_queueing(checkpoints, make_manager, tiny_data) -> None:
    Trainer.create(tiny(1), RunDir("one", checkpoints), data=tiny_data).train()
    manager = make_manager()
    with pytest.raises(ConfigError, match="batch size 6000 is larger"):
        manager.submit(tiny(batch_size=6000), "too-big", checkpoints)
    with pytest.raises(RunNameError, match="not allowed"):
        manager.submit(tiny(), "../escape", checkpoints)
    with pytest.raises(CheckpointError, match="no run named 'ghost'"):
        manager.submit_resume("ghost", 2, checkpoints)
    with pytest.raises(ConfigError, match="already trained 1 epochs"):
        manager.submit_resume("one", 1, checkpoints)
    with pytest.raises(ConfigError, match="latent_dim cannot change"):
        manager.submit_resume("one", 2, checkpoints, changes={"latent_dim": 64})
    with pytest.raises(RunNameError, match="already exists"):
        manager.submit(tiny(), "one", checkpoints)
    assert manager.jobs(checkpoints) == []


# --- failures ------------------------------------------------------------------------------------
def disk_full_at_the_first_epoch(trainer: Trainer) -> None:
    """Worker hook: for run "full", the disk fills up at the first epoch's save, run.json included."""
    if trainer.run.name != "full":
        return

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(trainer.run.checkpoint_path))

    trainer.run.save_checkpoint = full
    trainer.run.save_snapshot = full
    trainer.run.write_info = full


def test_a_full_disk_fails_one_run_with_one_line_and_the_others_go_on(checkpoints, make_manager) -> None:
    manager = make_manager(2, prepare=disk_full_at_the_first_epoch)
    full, other = manager.submit(tiny(3), "full", checkpoints), manager.submit(tiny(2), "other", checkpoints)
    assert manager.wait(full, WAIT).state == "failed"
    line = "the disk is full while writing checkpoint.pt; free some space, then resume: the last good checkpoint is kept"
    assert full.error == line
    run = RunDir("full", checkpoints)
    assert (run.info().status, run.info().message) == ("failed", line)  # the worker could not write it; the manager did
    assert run.load_checkpoint()["global_step"] == 0
    assert manager.wait(other, WAIT).state == "finished"


def test_a_worker_that_cannot_start_fails_its_job_and_the_queue_goes_on(checkpoints, make_manager, monkeypatch) -> None:
    manager = make_manager(1)

    class NoProcess:
        def __init__(self, *args, **kwargs):
            pass

        def start(self):
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(manager.executor._context, "Process", NoProcess)
    jobs = [manager.submit(tiny(), name, checkpoints) for name in ("a", "b")]
    assert [job.state for job in jobs] == ["failed", "failed"] and manager.jobs() == []
    assert jobs[0].error.startswith("the training process could not start (")
    assert "Resource temporarily unavailable" in jobs[0].error


def test_failures_read_as_one_line_a_person_can_act_on() -> None:
    """Each with the code (and numbers) the app words it by in the reader's language."""
    memory = failure_note(torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    assert memory.code == "gpu_memory" and memory.message.startswith("the GPU has no free memory for this run")
    disk = failure_note(OSError(errno.ENOSPC, "No space left", "/x/epoch_0003.pt"))
    assert (disk.code, disk.params, disk.message) == ("disk_full", {"file": "epoch_0003.pt"}, (
        "the disk is full while writing epoch_0003.pt; free some space, then resume: the last good checkpoint is kept"))
    assert failure_note(RuntimeError("boom\nwith a long tail")).message == "RuntimeError: boom"
    user = failure_note(CheckpointError("run 'x' has no checkpoint", code="no_checkpoint", name="x"))
    assert (user.code, user.message) == ("user_error", "run 'x' has no checkpoint")
    assert user.params == {"error_code": "no_checkpoint", "error_params": {"name": "x"}}


# --- limits --------------------------------------------------------------------------------------
def test_the_limit_comes_from_the_environment_and_bad_values_are_refused(monkeypatch) -> None:
    monkeypatch.setenv(MAX_JOBS_ENV, "3")
    assert max_jobs_from_env() == 3 and JobManager().limit("cpu") == 3 == JobManager().limit("cuda")
    monkeypatch.delenv(MAX_JOBS_ENV)
    assert JobManager().limit("cpu") == 1 == default_job_limit("cpu")
    for bad in ("0", "-2", "many"):
        monkeypatch.setenv(MAX_JOBS_ENV, bad)
        with pytest.raises(ConfigError, match=f"{MAX_JOBS_ENV} must be a whole number of at least 1"):
            JobManager()


HOLD_THE_LOCK = """
import sys
from gan_core.runs.checkpoints import RunDir

with RunDir(sys.argv[1], sys.argv[2]).training_lock():
    print("held", flush=True)
    sys.stdin.read()  # until the test closes the pipe or kills this process
"""


def test_a_run_another_process_trains_is_refused_until_that_process_dies(checkpoints, make_manager,
                                                                         measured_run) -> None:
    """Another server (or a CLI) on the same checkpoints folder holds the run's train.lock: this one's manager
    refuses to start it again, to resume it or to delete it, with the one-line reason; the OS frees the lock when
    that process dies (SIGKILL included) and the run is this server's to use again."""
    copy_run(measured_run, checkpoints, "held")
    other = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, "held", str(checkpoints)], cwd=ROOT,
                             env=cli_env(checkpoints), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        manager, run = make_manager(), RunDir("held", checkpoints)
        with pytest.raises(RunNameError, match="a run named 'held' already exists; choose another name"):
            manager.submit(tiny(2), "held", checkpoints)
        with pytest.raises(CheckpointError, match="run 'held' is being trained by another process; stop it first"):
            manager.submit_resume("held", 3, checkpoints)
        with pytest.raises(CheckpointError, match="run 'held' is training right now; stop it before deleting it"):
            manager.delete("held", checkpoints)
        assert run.exists() and not manager.active_names(checkpoints)  # nothing lost, nothing queued
        with pytest.raises(CheckpointError, match="another process"):
            with run.training_lock(wait=0.1):
                pass
    finally:
        other.kill()
        other.wait(60)
    with run.training_lock(wait=0):  # the lock died with its process
        pass
    manager.delete("held", checkpoints)
    assert not run.path.exists()


def test_the_app_leaves_a_core_free_for_the_pages_unless_told_otherwise(monkeypatch) -> None:
    from gan_core.jobs import manager
    from gan_core.jobs.manager import leave_a_core_free, torch_threads

    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("GAN_LAB_TORCH_THREADS", raising=False)
        # cores: the server's threads; a CPU job's alone, of two; a GPU job's of two (there no core is left free)
        for cores, *threads in ((1, 1, 1, 1, 1), (2, 1, 1, 1, 1), (8, 7, 7, 3, 4)):
            monkeypatch.setattr(manager, "cpu_cores", lambda: cores)
            assert [leave_a_core_free(), torch_threads("cpu", 1), torch_threads("cpu", 2), torch_threads("cuda", 2)] \
                == threads
            assert torch.get_num_threads() == threads[0]
        monkeypatch.setenv("GAN_LAB_TORCH_THREADS", "3")
        assert leave_a_core_free() == 3 == torch.get_num_threads() == torch_threads("cpu", 1)
    finally:
        torch.set_num_threads(before)


# --- on a GPU ------------------------------------------------------------------------------------
@needs_cuda
def test_four_gpu_jobs_at_once_all_finish_and_each_equals_its_solo_run(checkpoints, small_mnist) -> None:
    manager = JobManager(4, trainer_options={"data": small_mnist, "evaluate": None})
    try:
        configs = {f"gpu-{seed}": TrainConfig(model="mlp", batch_size=64, epochs=2, device="cuda", seed=seed)
                   for seed in range(4)}
        jobs = [manager.submit(config, name, checkpoints) for name, config in configs.items()]
        wait_until(lambda: all(job.state != "queued" for job in jobs), timeout=60)
        assert [manager.wait(job, timeout=600).state for job in jobs] == ["finished"] * 4
    finally:
        manager.shutdown(timeout=60)
    for name, config in configs.items():
        assert_same_generator(RunDir(name, checkpoints), solo(config, small_mnist))


def record_blas_threads(trainer: Trainer) -> None:
    """Worker hook: write down how many threads numpy's BLAS and torch use in this worker."""
    import json

    from threadpoolctl import threadpool_info

    blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    (trainer.run.path / "threads.json").write_text(json.dumps({"blas": blas, "torch": torch.get_num_threads()}))


def test_a_worker_uses_as_many_blas_threads_as_torch_threads(checkpoints, make_manager) -> None:
    """OpenBLAS's own threads spin after each call: a worker must not keep every core busy between its FIDs."""
    import json

    manager = make_manager(1, prepare=record_blas_threads)
    job = manager.submit(tiny(1), "threads", checkpoints)
    assert manager.wait(job, WAIT).state == "finished"
    threads = json.loads((RunDir("threads", checkpoints).path / "threads.json").read_text())
    assert threads["blas"] and set(threads["blas"]) == {threads["torch"]}
