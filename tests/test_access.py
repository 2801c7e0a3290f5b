"""Who may do what to which run, enforced by the library: owners, the teacher, shipped runs, class limits."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from gan_core.classroom.access import Actor, ClassLimits, TeacherGate, validate_person_name
from gan_core.runs.checkpoints import RunDir, copy_run, delete_run, list_runs, rename_run
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.errors import AccessError, ClassLimitError, ConfigError, RunNameError, ShippedRunError
from gan_core.jobs.manager import Job, JobManager
from gan_core.trainer import Trainer

from .helpers import wait_until

ALICE, BOB, TEACHER = Actor("Alice"), Actor("Bob"), Actor("Ms Smith", teacher=True)


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    return ImageDataset("mnist-5k", small_mnist.images[:256], small_mnist.labels[:256])


@pytest.fixture
def manager(tiny_data: ImageDataset):
    made = JobManager(1, trainer_options={"data": tiny_data, "evaluate": None})
    yield made
    made.shutdown(timeout=60)


def tiny(epochs: int = 1, **changes) -> TrainConfig:
    return TrainConfig(**{"model": "mlp", "batch_size": 64, "epochs": epochs, "device": "cpu", "latent_dim": 8, **changes})


def trained(root: Path, name: str, owner: str, data: ImageDataset, shipped: bool = False) -> RunDir:
    run = RunDir(name, root)
    Trainer.create(tiny(), run, owner=owner, data=data).train()
    if shipped:
        run.update_info(shipped=True)
    return run


def who_stopped(run: RunDir) -> dict:
    """Who stopped the run, as run.json records it, without when (a time that must be there and be a time)."""
    record = dict(run.info().stopped_by)
    assert datetime.fromisoformat(record.pop("at")).tzinfo is not None
    return record


def running(job: Job) -> bool:
    return job.state == "running" and job.progress is not None and job.progress.global_step >= 1


def test_a_student_manages_only_their_own_runs_and_the_teacher_every_run(checkpoints, manager, tiny_data) -> None:
    job = manager.submit(tiny(epochs=1000), "alices", checkpoints, by=ALICE)
    wait_until(lambda: running(job))
    assert json.loads(RunDir("alices", checkpoints).info_path.read_text())["owner"] == "Alice"
    with pytest.raises(AccessError, match="belongs to Alice; only Alice or the teacher can stop it"):
        manager.stop("alices", checkpoints, by=BOB)
    assert job.active and not job.stop_requested
    assert manager.stop("alices", checkpoints, by=TEACHER)
    manager.wait("alices", 60, checkpoints)
    assert who_stopped(RunDir("alices", checkpoints)) == {"name": "Ms Smith", "teacher": True}

    for refused in (lambda: manager.submit_resume("alices", 3, checkpoints, by=BOB),
                    lambda: manager.delete("alices", checkpoints, by=BOB),
                    lambda: manager.rename("alices", "bobs-now", checkpoints, by=BOB)):
        with pytest.raises(AccessError):
            refused()
    assert RunDir("alices", checkpoints).exists() and manager.job("alices", checkpoints) is None  # ended: on disk only
    assert RunDir("alices", checkpoints).info().status == "stopped"

    resumed = manager.submit_resume("alices", 3, checkpoints, by=ALICE)
    assert resumed.owner == "Alice" and RunDir("alices", checkpoints).info().stopped_by is None
    manager.stop("alices", checkpoints, by=ALICE)
    manager.wait("alices", 60, checkpoints)
    assert who_stopped(RunDir("alices", checkpoints)) == {"name": "Alice", "teacher": False}
    renamed = manager.rename("alices", "alices-best", checkpoints, by=ALICE)
    assert renamed.info().owner == "Alice" and renamed.read_info()["name"] == "alices-best"
    manager.delete("alices-best", checkpoints, by=TEACHER)
    assert list_runs(checkpoints) == []


def test_a_run_without_owner_is_the_teachers_and_the_machine_may_do_anything(checkpoints, tiny_data) -> None:
    trained(checkpoints, "cli-run", "", tiny_data)
    with pytest.raises(AccessError, match="has no owner; only the teacher can rename it"):
        rename_run("cli-run", "x", checkpoints, by=ALICE)
    rename_run("cli-run", "cli-run-2", checkpoints)  # scripts act as the machine's owner
    with pytest.raises(RunNameError):
        rename_run("cli-run-2", "../out", checkpoints)
    delete_run("cli-run-2", checkpoints, by=TEACHER)


def test_shipped_runs_are_read_only_for_everyone_and_resume_trains_a_copy(checkpoints, manager, tiny_data) -> None:
    shipped = trained(checkpoints, "pretrained", "", tiny_data, shipped=True)
    before = {path.name: path.read_bytes() for path in shipped.path.rglob("*") if path.is_file()}
    for refused in (lambda: delete_run("pretrained", checkpoints),
                    lambda: manager.delete("pretrained", checkpoints, by=TEACHER),
                    lambda: rename_run("pretrained", "mine", checkpoints),
                    lambda: manager.submit_resume("pretrained", 2, checkpoints, by=TEACHER),
                    lambda: Trainer.resume(shipped, epochs=2, data=tiny_data)):
        with pytest.raises(ShippedRunError, match="ships with GAN Lab and is read-only"):
            refused()

    job = manager.resume_copy("pretrained", "bobs-copy", 2, checkpoints, by=BOB)
    assert manager.wait("bobs-copy", 60, checkpoints).state == "finished"
    copy = RunDir("bobs-copy", checkpoints).info()
    assert (copy.owner, copy.shipped, copy.epochs_done, job.owner) == ("Bob", False, 2, "Bob")
    assert RunDir("bobs-copy", checkpoints).read_info()["copied_from"] == "pretrained"
    assert {path.name: path.read_bytes() for path in shipped.path.rglob("*") if path.is_file()} == before
    with pytest.raises(RunNameError):  # a taken name leaves nothing behind
        copy_run("pretrained", "bobs-copy", checkpoints)
    with pytest.raises(ConfigError):  # a refused resume removes its copy
        manager.resume_copy("pretrained", "too-few", 1, checkpoints, by=BOB)
    assert not RunDir("too-few", checkpoints).path.exists()
    assert sorted(p.name for p in checkpoints.iterdir() if p.is_dir()) == ["bobs-copy", "pretrained"]  # runs only: the audit log is beside them


def test_the_class_limits_outlive_a_server_restart_and_a_damaged_file_starts_with_none(tmp_path, caplog) -> None:
    kept = tmp_path / "class-limits.json"
    first = JobManager(1, limits_file=kept)
    limits = ClassLimits(max_active_per_student=2, max_epochs=5, max_minutes=1.5, devices=("cpu",))
    with pytest.raises(AccessError):
        first.set_limits(limits, by=ALICE)
    assert not kept.exists()  # a refused change writes nothing
    first.set_limits(limits, by=TEACHER)
    first.shutdown(timeout=10)
    second = JobManager(1, limits_file=kept)  # the server started again
    assert second.limits == limits
    second.shutdown(timeout=10)
    kept.write_text('{"max_epochs": -3}')  # edited by hand, badly
    with caplog.at_level("WARNING"):
        third = JobManager(1, limits_file=kept)
    assert third.limits == ClassLimits() and "ignoring the class limits" in caplog.text
    assert kept.read_text() == '{"max_epochs": -3}'  # left for the teacher to see, not overwritten
    third.shutdown(timeout=10)


def test_class_limits_bind_students_not_the_teacher(checkpoints, manager) -> None:
    with pytest.raises(AccessError, match="only the teacher"):
        manager.set_limits(ClassLimits(max_epochs=3), by=ALICE)
    manager.set_limits(ClassLimits(max_active_per_student=1, max_epochs=3, max_minutes=0.001, devices=("cpu",)), by=TEACHER)
    with pytest.raises(ClassLimitError, match="at most 3"):
        manager.submit(tiny(epochs=4), "long", checkpoints, by=ALICE)
    manager.set_limits(ClassLimits(max_active_per_student=1, max_epochs=3, max_minutes=0.001, devices=("cuda",)), by=TEACHER)
    with pytest.raises(ClassLimitError, match="cuda only"):
        manager.submit(tiny(), "on-cpu", checkpoints, by=ALICE)
    manager.set_limits(ClassLimits(max_active_per_student=1, max_epochs=3, max_minutes=0.001), by=TEACHER)
    blocker = manager.submit(tiny(epochs=1000), "teachers", checkpoints, by=TEACHER)  # no limit for the teacher
    first = manager.submit(tiny(epochs=3), "first", checkpoints, by=ALICE)
    with pytest.raises(ClassLimitError, match="1 run\\(s\\) queued or training"):
        manager.submit(tiny(), "second", checkpoints, by=ALICE)
    manager.submit(tiny(), "bobs", checkpoints, by=BOB)  # Bob has his own share
    manager.stop("teachers", checkpoints, by=TEACHER)
    manager.wait("teachers", 60, checkpoints)
    assert blocker.stopped_by == TEACHER
    assert manager.wait("first", 60, checkpoints).state == "stopped"  # 0.06 s of training: the time limit
    assert RunDir("first", checkpoints).info().stopped_by == {"limit_minutes": 0.0}
    assert first.max_seconds == pytest.approx(0.06)


def test_the_teacher_reorders_the_queue_and_later_jobs_wait_behind(checkpoints, manager) -> None:
    busy = manager.submit(tiny(epochs=1000), "busy", checkpoints, by=TEACHER)
    wait_until(lambda: running(busy))
    for name, who in (("a", ALICE), ("b", BOB), ("c", Actor("Carol"))):
        manager.submit(tiny(), name, checkpoints, by=who)
    with pytest.raises(AccessError, match="only the teacher can reorder"):
        manager.move("c", -2, checkpoints, by=ALICE)
    assert manager.move("c", -2, checkpoints, by=TEACHER) == 1
    assert manager.move("a", +5, checkpoints, by=TEACHER) == 3
    manager.submit(tiny(), "d", checkpoints, by=Actor("Dan"))
    assert [job.run_name for job in manager.queue("cpu")] == ["c", "b", "a", "d"]
    manager.stop("c", checkpoints, by=TEACHER)
    assert [job.run_name for job in manager.queue("cpu")] == ["b", "a", "d"]


def test_the_teacher_password_gate_grows_its_wait_and_never_sleeps() -> None:
    gate = TeacherGate()
    with pytest.raises(AccessError, match="wrong teacher password; you can try again in 1 s"):
        gate.attempt("guess", "s3cret")
    with pytest.raises(AccessError, match="too many wrong passwords"):
        gate.attempt("s3cret", "s3cret")  # during the wait even the right one is not checked
    gate.locked_until = 0.0
    with pytest.raises(AccessError, match="try again in 2 s"):
        gate.attempt("again", "s3cret")
    gate.locked_until = 0.0
    assert gate.attempt("s3cret", "s3cret") and gate.failures == 0
    with pytest.raises(AccessError):
        TeacherGate().attempt("", "")  # no password configured unlocks nothing


def test_person_names() -> None:
    assert validate_person_name("  Маша   К. ") == "Маша К."
    for bad in ("", " ", "-x", "a" * 33, "<script>"):
        with pytest.raises(ConfigError):
            validate_person_name(bad)
