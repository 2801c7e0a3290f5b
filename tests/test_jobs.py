"""The job manager: real trainings in real threads, on a small slice of the embedded digits."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gan_core.checkpoints import RunDir, list_runs
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.errors import CheckpointError, ConfigError, GanLabError, RunNameError
from gan_core.jobs import MAX_JOBS_ENV, Job, JobManager, max_jobs_from_env
from gan_core.trainer import Trainer

from .conftest import wait_until


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    """256 digits: 4 steps of 64 per epoch, a fraction of a second on a laptop core."""
    return ImageDataset("mnist-5k", small_mnist.images[:256], small_mnist.labels[:256])


@pytest.fixture
def make_manager(tiny_data: ImageDataset):
    managers: list[JobManager] = []

    def make(max_per_device: int = 1) -> JobManager:
        manager = JobManager(max_per_device, trainer_options={"data": tiny_data})
        managers.append(manager)
        return manager

    yield make
    for manager in managers:  # never leave a training thread behind
        manager.shutdown(timeout=60)


def tiny(epochs: int = 1, **changes) -> TrainConfig:
    return TrainConfig(**{"model": "mlp", "batch_size": 64, "epochs": epochs, "device": "cpu", "latent_dim": 8, **changes})


def has_trained(job: Job, steps: int) -> bool:
    return job.state == "running" and job.progress is not None and job.progress.global_step >= steps


def test_jobs_beyond_the_limit_wait_in_order_and_start_one_after_another(checkpoints: Path, make_manager) -> None:
    manager = make_manager(1)
    first = manager.submit(tiny(epochs=1000), "first", checkpoints)
    wait_until(lambda: has_trained(first, 1))
    second = manager.submit(tiny(), "second", checkpoints)
    third = manager.submit(tiny(), "third", checkpoints)

    assert (second.state, third.state) == ("queued", "queued")
    assert (manager.queue_position(second), manager.queue_position(third)) == (1, 2)
    assert manager.running_on("cpu") == [first]
    assert {run.name for run in list_runs(checkpoints)} == {"first"}  # a queued run has no folder yet
    assert manager.active_names(checkpoints) == {"first", "second", "third"}

    assert manager.stop("first", checkpoints)
    assert manager.wait("third", timeout=120).state == "finished"
    assert [job.state for job in (first, second, third)] == ["stopped", "finished", "finished"]
    assert first.finished_at <= second.started_at and second.finished_at <= third.started_at
    assert manager.queue_position(third) is None


def test_a_limit_of_two_trains_two_at_once_and_queues_the_third(checkpoints: Path, make_manager) -> None:
    manager = make_manager(2)
    jobs = [manager.submit(tiny(epochs=1000), name, checkpoints) for name in ("a", "b", "c")]
    wait_until(lambda: has_trained(jobs[0], 1) and has_trained(jobs[1], 1))
    assert jobs[2].state == "queued" and manager.queue_position(jobs[2]) == 1
    assert manager.stop("c", checkpoints)  # leaves the queue without ever starting
    assert jobs[2].state == "stopped" and jobs[2].message == "cancelled before it started"
    assert not (checkpoints / "c").exists()
    manager.shutdown(timeout=60)
    assert [job.state for job in jobs[:2]] == ["stopped", "stopped"]


def test_stop_saves_the_run_and_resume_trains_it_to_the_new_total(checkpoints: Path, make_manager) -> None:
    manager = make_manager()
    job = manager.submit(tiny(epochs=1000), "paused", checkpoints)
    wait_until(lambda: has_trained(job, 6))
    assert manager.stop("paused", checkpoints)
    assert manager.wait("paused").state == "stopped"
    assert not manager.stop("paused", checkpoints)  # nothing left to stop
    stopped_at = RunDir("paused", checkpoints).load_checkpoint()["global_step"]
    assert stopped_at == job.progress.global_step >= 6
    assert RunDir("paused", checkpoints).info().status == "stopped"
    assert job.trainer is None and len(job.history.loss_d) == stopped_at  # models freed, history kept

    done = RunDir("paused", checkpoints).info().epochs_done
    resumed = manager.submit_resume("paused", done + 2, checkpoints)
    assert resumed.resume and resumed is not job
    assert manager.wait("paused").state == "finished"
    info = RunDir("paused", checkpoints).info()
    assert (info.status, info.epochs_done, info.epochs_target) == ("finished", done + 2, done + 2)
    assert len(resumed.history.loss_d) == (done + 2) * 4
    assert resumed.latest_samples.shape == (64, 28, 28)


def test_on_a_cpu_the_live_history_holds_every_step_as_soon_as_it_is_trained(checkpoints: Path, make_manager) -> None:
    manager = make_manager()
    job = manager.submit(tiny(epochs=1000), "live", checkpoints)
    wait_until(lambda: has_trained(job, 1))
    seen: list[tuple[int, int]] = []
    job.trainer.on_step.append(lambda progress: seen.append((progress.global_step, len(job.history.loss_d))))
    wait_until(lambda: len(seen) >= 6)
    manager.stop("live", checkpoints)
    assert all(steps == charted for steps, charted in seen[:6])  # not every 25 steps: the charts move at once


def test_a_stop_while_the_job_starts_is_not_lost_and_leaves_a_resumable_run(checkpoints: Path, make_manager) -> None:
    manager = make_manager()
    job = manager.submit(tiny(epochs=1000), "hasty", checkpoints)
    manager.stop("hasty", checkpoints)  # at once: the thread is still loading data and building models
    assert manager.wait("hasty") is job and job.state == "stopped"
    assert RunDir("hasty", checkpoints).load_checkpoint()["global_step"] <= 2
    resumed = manager.submit_resume("hasty", 1, checkpoints)
    assert manager.wait("hasty") is resumed and resumed.state == "finished"


def test_a_failing_job_reports_its_error_and_the_queue_goes_on(checkpoints: Path, make_manager, tiny_data) -> None:
    Trainer.create(tiny(), RunDir("broken", checkpoints), data=tiny_data).train()
    RunDir("broken", checkpoints).checkpoint_path.write_bytes(b"not a checkpoint at all")
    manager = make_manager()
    failing = manager.submit_resume("broken", 3, checkpoints)
    after = manager.submit(tiny(), "after", checkpoints)
    assert manager.wait("after").state == "finished"
    assert failing.state == "failed"
    assert "corrupt" in failing.error and "checkpoint.pt" in failing.error
    assert failing.message == failing.error


def test_a_crash_inside_training_is_reported_not_raised(checkpoints: Path, make_manager, monkeypatch) -> None:
    def explode(self, real_batches):  # a bug in the middle of training, as a broken driver would cause
        raise RuntimeError("out of memory (simulated)")

    monkeypatch.setattr(Trainer, "train_step", explode)
    manager = make_manager()
    job = manager.submit(tiny(), "crashing", checkpoints)
    assert manager.wait("crashing").state == "failed"
    assert job.error == "RuntimeError: out of memory (simulated)"
    assert RunDir("crashing", checkpoints).info().status == "stopped"  # run.json does not claim it still runs


def test_concurrent_sessions_cannot_start_one_run_twice(checkpoints: Path, make_manager) -> None:
    manager = make_manager()
    barrier = threading.Barrier(8)
    started: list[Job] = []
    refused: list[str] = []

    def session() -> None:
        barrier.wait()
        try:
            started.append(manager.submit(tiny(epochs=1000), "shared", checkpoints))
        except RunNameError as error:
            refused.append(str(error))
        for job in manager.jobs(checkpoints):  # other sessions poll while it starts
            manager.queue_position(job)

    threads = [threading.Thread(target=session) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(started) == 1 and len(refused) == 7
    assert all("already exists" in message for message in refused)
    assert len(manager.jobs(checkpoints)) == 1
    manager.stop("shared", checkpoints)
    assert manager.wait("shared").state == "stopped"


def test_resume_refuses_bad_requests_before_queueing(checkpoints: Path, make_manager, tiny_data) -> None:
    Trainer.create(tiny(), RunDir("one", checkpoints), data=tiny_data).train()
    manager = make_manager()
    with pytest.raises(CheckpointError, match="no run named 'ghost'"):
        manager.submit_resume("ghost", 2, checkpoints)
    with pytest.raises(ConfigError, match="already trained 1 epochs"):
        manager.submit_resume("one", 1, checkpoints)
    with pytest.raises(ConfigError, match="latent_dim cannot change"):
        manager.submit_resume("one", 2, checkpoints, changes={"latent_dim": 32})
    with pytest.raises(RunNameError, match="already exists"):
        manager.submit(tiny(), "one", checkpoints)
    manager.submit_resume("one", 1000, checkpoints, changes={"lr_g": 1e-4})
    with pytest.raises(GanLabError, match="already queued or training"):
        manager.submit_resume("one", 1001, checkpoints)
    with pytest.raises(CheckpointError, match="stop it before deleting"):
        manager.delete("one", checkpoints)
    manager.stop("one", checkpoints)
    manager.wait("one")
    manager.delete("one", checkpoints)
    assert list_runs(checkpoints) == []
    assert manager.jobs(checkpoints)[0].config.lr_g == 1e-4


def test_shutdown_stops_running_jobs_and_saves_them(checkpoints: Path, make_manager) -> None:
    manager = make_manager()
    running = manager.submit(tiny(epochs=1000), "long", checkpoints)
    waiting = manager.submit(tiny(), "next", checkpoints)
    wait_until(lambda: has_trained(running, 2))
    manager.shutdown(timeout=60)
    assert (running.state, waiting.state) == ("stopped", "stopped")
    assert RunDir("long", checkpoints).load_checkpoint()["global_step"] == running.progress.global_step
    assert not (checkpoints / "next").exists()


def test_the_limit_comes_from_the_environment_and_bad_values_are_refused(monkeypatch) -> None:
    monkeypatch.setenv(MAX_JOBS_ENV, "3")
    assert max_jobs_from_env() == 3 and JobManager().max_per_device == 3
    monkeypatch.delenv(MAX_JOBS_ENV)
    assert JobManager().max_per_device == 1
    for bad in ("0", "-2", "many"):
        monkeypatch.setenv(MAX_JOBS_ENV, bad)
        with pytest.raises(ConfigError, match=f"{MAX_JOBS_ENV} must be a whole number of at least 1"):
            JobManager()


def test_submit_refuses_bad_settings_without_queueing(checkpoints: Path, make_manager) -> None:
    manager = make_manager()
    with pytest.raises(ConfigError, match="batch size 6000 is larger"):
        manager.submit(tiny(batch_size=6000), "too-big", checkpoints)
    with pytest.raises(RunNameError, match="not allowed"):
        manager.submit(tiny(), "../escape", checkpoints)
    assert manager.jobs(checkpoints) == []


def test_the_app_leaves_a_core_free_for_the_pages_unless_told_otherwise(monkeypatch) -> None:
    import torch

    from gan_core.devices import cpu_cores
    from gan_core.jobs import leave_a_core_free

    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("GAN_LAB_TORCH_THREADS", raising=False)
        assert leave_a_core_free() == max(1, cpu_cores() - 1) == torch.get_num_threads()
        monkeypatch.setenv("GAN_LAB_TORCH_THREADS", "3")
        assert leave_a_core_free() == 3 == torch.get_num_threads()
    finally:
        torch.set_num_threads(before)
