"""A run's folder carried from a node to the server (gan_core/jobs/run_sync.py), without Ray: a real trainer
writes in one folder ("the node"), pulls copy it into another ("the server"), which must then read the same."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from gan_core.data import ImageDataset
from gan_core.history import read_log
from gan_core.jobs.run_sync import Mirror, folder_files, folder_stamps, read_changes, travels, write_files
from gan_core.runs.checkpoints import RunDir
from gan_core.trainer import Trainer

from .test_jobs import tiny


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    return ImageDataset("mnist-5k", small_mnist.images[:128], small_mnist.labels[:128])


def pull(node: RunDir, mirror: Mirror, given: dict | None = None) -> int:
    """One pull as the Ray executor makes it; returns the bytes that travelled."""
    changes = read_changes(node.path, given if mirror.known is None else mirror.known, mirror.log_generation,
                           mirror.log_offset)
    mirror.run.path.mkdir(parents=True, exist_ok=True)
    mirror.apply(changes)
    return changes.size


def same_folders(node: RunDir, server: RunDir) -> None:
    mine = {path.relative_to(node.path).as_posix(): path.read_bytes() for path in node.path.rglob("*")
            if path.is_file() and path.name != "train.lock"}
    theirs = {path.relative_to(server.path).as_posix(): path.read_bytes() for path in server.path.rglob("*")
              if path.is_file() and path.name != "train.lock"}
    assert mine.keys() == theirs.keys()
    assert all(mine[name] == theirs[name] for name in mine), [name for name in mine if mine[name] != theirs[name]]


def test_the_servers_copy_follows_a_run_through_training_a_resume_and_thinned_snapshots(tmp_path, tiny_data) -> None:
    node, server = RunDir("run", tmp_path / "node"), RunDir("run", tmp_path / "server")
    mirror = Mirror(server)
    trainer = Trainer.create(tiny(1000, seed=1), node, data=tiny_data)
    trainer.on_step.append(lambda progress: trainer.request_stop() if progress.global_step == 10 else None)
    pulled_steps = []

    def pull_while_training() -> None:  # pulls land mid-epoch, mid-save
        while thread.is_alive():
            pull(node, mirror)
            pulled_steps.append(len(read_log(server.log_path).history.loss_d))

    thread = threading.Thread(target=trainer.train)
    thread.start()
    puller = threading.Thread(target=pull_while_training)
    puller.start()
    thread.join(120)
    puller.join(120)
    pull(node, mirror)
    same_folders(node, server)
    assert server.info().status == "stopped" and len(read_log(server.log_path).history.loss_d) == 10
    assert pulled_steps == sorted(pulled_steps)  # the log only grew between pulls

    unchanged = pull(node, mirror)
    assert unchanged == 0  # nothing changed, nothing travels
    again = Trainer.resume(node, epochs=4, data=tiny_data)  # the log is rewritten from the checkpoint
    again.train()
    os.remove(node.snapshot_path(2))  # as thinning does
    pull(node, mirror)
    same_folders(node, server)
    assert read_log(server.log_path).history.loss_d == again.history.loss_d
    assert server.snapshot_epochs() == [1, 3, 4] and server.info().epochs_done == 4


def test_a_resume_starts_from_the_pushed_files_and_only_changes_travel_back(tmp_path, tiny_data) -> None:
    server = RunDir("run", tmp_path / "server")
    Trainer.create(tiny(3, seed=2), server, data=tiny_data).train()
    node = RunDir("run", tmp_path / "node")
    node.path.mkdir(parents=True)
    write_files(node.path, folder_files(server))  # what the actor is handed
    given = folder_stamps(node.path)
    mirror = Mirror(server, pushed=True)
    assert pull(node, mirror, given) == len(server.log_path.read_bytes())  # only the log comes back whole, once
    Trainer.resume(node, epochs=4, data=tiny_data).train()
    travelled = pull(node, mirror, given)
    assert travelled < sum(path.stat().st_size for path in server.path.rglob("*.pt"))  # not the old snapshots
    same_folders(node, server)


def test_a_restarted_servers_first_pull_removes_what_the_node_no_longer_has(tmp_path, tiny_data) -> None:
    node, server = RunDir("run", tmp_path / "node"), RunDir("run", tmp_path / "server")
    Trainer.create(tiny(2, seed=3), node, data=tiny_data).train()
    pull(node, Mirror(server))
    os.remove(node.snapshot_path(1))
    (server.path / "epochs" / "epoch_0009.pt").write_bytes(b"left by a crash")
    pull(node, Mirror(server, complete=False))  # a new server knows nothing of what it has
    same_folders(node, server)


def test_only_a_runs_own_files_travel() -> None:
    assert travels("run.json") and travels("epochs/epoch_0001.pt") and travels("checkpoint.pt")
    for name in ("train.lock", ".checkpoint.pt.x1y2.tmp", "../escape", "/etc/passwd", "a/b/c.pt", "epochs/.hidden",
                 "x.tmp"):
        assert not travels(name), name
    with pytest.raises(ValueError, match="refusing"):
        write_files(Path("/nonexistent"), {"../escape": b""})


def test_a_line_still_being_written_waits_for_the_next_pull(tmp_path) -> None:
    node = RunDir("run", tmp_path / "node")
    node.path.mkdir(parents=True)
    node.log_path.write_bytes(b'{"steps": [[1, 2, 3, 4, 5]]}\n{"steps": [[1')
    mirror = Mirror(RunDir("run", tmp_path / "server"))
    pull(node, mirror)
    assert mirror.run.log_path.read_bytes() == b'{"steps": [[1, 2, 3, 4, 5]]}\n'
    with open(node.log_path, "ab") as file:
        file.write(b', 2, 3, 4, 5]]}\n')
    pull(node, mirror)
    assert mirror.run.log_path.read_bytes() == node.log_path.read_bytes()


def test_a_held_checkpoint_waits_and_comes_with_a_later_pull(tmp_path, tiny_data) -> None:
    node, server = RunDir("run", tmp_path / "node"), RunDir("run", tmp_path / "server")
    Trainer.create(tiny(1, seed=4), node, data=tiny_data)
    mirror = Mirror(server)
    pull(node, mirror)
    first = server.checkpoint_path.read_bytes()
    Trainer.resume(node, epochs=1, data=tiny_data).train()  # epoch 1: a new checkpoint and snapshot
    held = read_changes(node.path, mirror.known, mirror.log_generation, mirror.log_offset, hold=frozenset({"checkpoint.pt"}))
    assert "checkpoint.pt" not in held.files and "epochs/epoch_0001.pt" in held.files
    mirror.apply(held)
    assert server.checkpoint_path.read_bytes() == first and server.snapshot_epochs() == [1]
    pull(node, mirror)  # no longer held
    same_folders(node, server)
