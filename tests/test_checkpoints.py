from __future__ import annotations

import errno
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from gan_core.runs.checkpoints import (
    RunDir, RunInfo, delete_run, list_runs, load_tensor_file, pick_default_run, run_archive, save_tensor_file,
    suggest_run_name,
)
from gan_core.config import TrainConfig, resumed_config
from gan_core.runs import notes
from gan_core.errors import CheckpointError, DiskFullError, RunNameError
from gan_core.sampling import load_generator
from gan_core.trainer import Trainer

from .helpers import cli_env


@pytest.fixture
def trained_run(checkpoints, small_mnist) -> RunDir:
    run = RunDir("trained")
    Trainer.create(TrainConfig(model="mlp", epochs=1, latent_dim=8, device="cpu"), run, data=small_mnist).train()
    return run


def test_a_process_killed_during_a_save_leaves_the_old_checkpoint_loadable(trained_run: RunDir, checkpoints: Path) -> None:
    before = trained_run.load_checkpoint()
    # A real process starts overwriting checkpoint.pt and is SIGKILLed just before its data reaches disk.
    script = textwrap.dedent(f"""
        import os, signal, torch
        from gan_core.runs.checkpoints import RunDir
        run = RunDir("trained", {str(checkpoints)!r})
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
        run.save_checkpoint({{"generator": {{"w": torch.randn(1000, 1000)}}}})
    """)
    result = subprocess.run([sys.executable, "-c", script], env=cli_env(checkpoints), timeout=120)
    assert result.returncode == -9  # it really died mid-save
    assert any(p.name.endswith(".tmp") for p in trained_run.path.iterdir())  # its half-written temp file
    after = trained_run.load_checkpoint()
    assert after["global_step"] == before["global_step"]
    assert torch.equal(after["generator"]["net.0.weight"], before["generator"]["net.0.weight"])
    assert load_generator(trained_run).sample(2).shape == (2, 1, 28, 28)


def test_a_truncated_checkpoint_gives_an_error_naming_the_file(trained_run: RunDir) -> None:
    data = trained_run.checkpoint_path.read_bytes()
    trained_run.checkpoint_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError) as caught:
        trained_run.load_checkpoint()
    assert str(trained_run.checkpoint_path) in str(caught.value)
    assert "truncated or corrupt" in str(caught.value)


def test_random_bytes_and_foreign_files_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pt"
    for seed in range(300):  # random bytes fail in many ways inside torch's unpickler (IndexError was one): all one line
        garbage.write_bytes(np.random.default_rng(seed).integers(0, 256, 4096, dtype=np.uint8).tobytes())
        with pytest.raises(CheckpointError, match="garbage.pt is truncated or corrupt"):
            load_tensor_file(garbage, "gan-lab-checkpoint")
    foreign = tmp_path / "foreign.pt"
    torch.save({"state_dict": {"w": torch.zeros(2)}}, foreign)
    with pytest.raises(CheckpointError, match="foreign.pt is not a GAN Lab file"):
        load_tensor_file(foreign, "gan-lab-checkpoint")


class RunsCode:
    """A pickle payload that would create a file if unpickling were allowed to run code."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_would_run_code_is_refused_and_does_not_run(trained_run: RunDir, tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    with open(trained_run.checkpoint_path, "wb") as file:
        torch.save({"format": "gan-lab-checkpoint", "payload": RunsCode(marker)}, file)
    with pytest.raises(CheckpointError, match="could run code"):
        trained_run.load_checkpoint()
    assert not marker.exists()
    # A plain pickle file is refused too.
    trained_run.checkpoint_path.write_bytes(pickle.dumps(RunsCode(marker)))
    with pytest.raises(CheckpointError):
        trained_run.load_checkpoint()
    assert not marker.exists()


@pytest.mark.parametrize("name", ["", "   ", "../escape", "a/b", "a\\b", "..", ".hidden", "x" * 65, "bad name", "a..b"])
def test_unsafe_run_names_are_refused(checkpoints: Path, name: str) -> None:
    with pytest.raises(RunNameError):
        RunDir(name)


def test_reasonable_names_are_accepted(checkpoints: Path) -> None:
    for name in ["demo", "dcgan-1", "run_2.b", "урок-1"]:
        assert RunDir(name).path.parent == checkpoints


def test_atomic_write_keeps_the_file_whole_on_success(tmp_path: Path) -> None:
    path = tmp_path / "x.pt"
    save_tensor_file(path, {"format": "f", "value": torch.arange(5)})
    save_tensor_file(path, {"format": "f", "value": torch.arange(7)})
    assert load_tensor_file(path, "f")["value"].tolist() == list(range(7))
    assert [p.name for p in tmp_path.iterdir()] == ["x.pt"]


def test_runs_are_listed_and_deleted(trained_run: RunDir, checkpoints: Path) -> None:
    (checkpoints / "not-a-run").mkdir()
    runs = list_runs()
    assert [r.name for r in runs] == ["trained"]
    assert runs[0].status == "finished" and runs[0].epochs_done == 1 and runs[0].device == "cpu"
    delete_run("trained")
    assert list_runs() == [] and not trained_run.path.exists()


def test_a_run_left_running_by_a_dead_process_shows_as_interrupted(trained_run: RunDir) -> None:
    trained_run.update_info(status="running", pid=2**22 + 12345)
    info = trained_run.info()
    assert info.status == "stopped" and "interrupted" in info.message


def test_a_run_lost_with_its_node_says_the_epochs_its_checkpoint_holds_and_resumes_for_more(trained_run: RunDir) -> None:
    # A cluster node sends run.json every pull but its checkpoint less often: the server's run.json can be ahead.
    summary = {**trained_run.read_info()["summary"], "epochs_done": 3, "steps": 999}
    trained_run.update_info(status="running", pid=2**22 + 12345, summary=summary)
    assert trained_run.mark_interrupted(notes.interrupted_lost("its node left the cluster"), to_checkpoint=True)
    info = trained_run.info()
    assert info.status == "stopped" and info.epochs_done == 1 == trained_run.load_checkpoint()["epoch"]
    assert trained_run.read_info()["summary"]["steps"] == trained_run.load_checkpoint()["global_step"]
    assert "last checkpoint" in info.message
    assert resumed_config(trained_run.read_info()["config"], info.epochs_done, trained_run.name, 2).epochs == 2


def info(name: str, status: str = "finished", epochs: int = 3, shipped: bool = False, model: str = "dcgan") -> RunInfo:
    return RunInfo(name, status, epochs, epochs, "cpu", "2025-01-01", model, "mnist-5k", "", shipped)


def test_pages_open_with_a_shipped_run_else_the_newest_finished_one() -> None:
    newest_first = [info("new-stopped", "stopped"), info("new-done"), info("old-done"), info("empty", "stopped", 0)]
    assert pick_default_run(newest_first).name == "new-done"
    assert pick_default_run([*newest_first, info("pretrained", shipped=True)]).name == "pretrained"
    # two shipped runs: the default model's (the lecture's GAN) before the newer conditional one
    shipped = [info("pretrained-cgan", shipped=True, model="cgan"), info("pretrained-sngan", shipped=True, model="sngan")]
    assert pick_default_run(shipped).name == "pretrained-sngan"
    assert pick_default_run([info("half", "stopped", 1), info("empty", "stopped", 0)]).name == "half"
    assert pick_default_run([info("empty", "stopped", 0)]) is None


def test_suggested_names_skip_existing_runs_and_queued_jobs(trained_run: RunDir, checkpoints: Path) -> None:
    assert suggest_run_name("trained", checkpoints) == "trained-1"
    (checkpoints / "dcgan-1").mkdir()
    assert suggest_run_name("dcgan", checkpoints, taken={"dcgan-2"}) == "dcgan-3"


def test_a_run_archive_holds_the_whole_run_folder(trained_run: RunDir, checkpoints: Path) -> None:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(run_archive("trained", checkpoints))) as archive:
        names = set(archive.namelist())
        assert names == {"trained/run.json", "trained/checkpoint.pt", "trained/history.jsonl", "trained/epochs/epoch_0001.pt"}
        assert archive.read("trained/checkpoint.pt") == trained_run.checkpoint_path.read_bytes()
    with pytest.raises(CheckpointError, match="no run named"):
        run_archive("nothing", checkpoints)


# --- a broken run.json is shown, not hidden --------------------------------------------------------------
BROKEN_RUN_JSON = {"cut-short": '{"config": {"model": "mlp"', "not-a-run": "[1, 2]",
                   "bad-value": '{"config": {}, "summary": {"epochs_done": "x"}}'}


def test_a_corrupt_run_json_is_listed_as_broken_with_the_reason_and_can_be_deleted(
        trained_run: RunDir, checkpoints: Path) -> None:
    for name, content in BROKEN_RUN_JSON.items():
        (checkpoints / name).mkdir()
        (checkpoints / name / "run.json").write_text(content)
    runs = {run.name: run for run in list_runs(checkpoints)}
    assert set(runs) == {"trained", *BROKEN_RUN_JSON}
    assert not runs["trained"].broken
    for name in BROKEN_RUN_JSON:
        assert runs[name].broken and runs[name].status == "broken", name
        assert "run.json" in runs[name].message and "delete this run" in runs[name].message, name
    assert pick_default_run(runs.values()).name == "trained"  # never opened as a run to show
    for name in BROKEN_RUN_JSON:
        delete_run(name, checkpoints)
    assert [run.name for run in list_runs(checkpoints)] == ["trained"]


# --- a full disk ----------------------------------------------------------------------------------------------
def test_a_full_disk_during_a_checkpoint_save_keeps_the_last_checkpoint_and_says_so(
        trained_run: RunDir, small_mnist, monkeypatch: pytest.MonkeyPatch) -> None:
    before = trained_run.checkpoint_path.read_bytes()
    real_fdopen = os.fdopen

    class FullDisk:
        """The temp file of a save: the first 1,000 bytes fit, then the disk is full."""

        def __init__(self, file):
            self.file, self.written = file, 0

        def write(self, data) -> int:
            self.written += len(data)
            if self.written > 1000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.file.write(data)

        def __getattr__(self, name):
            return getattr(self.file, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.file.close()

    monkeypatch.setattr("gan_core.runs.checkpoints.os.fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    trainer = Trainer.resume(trained_run, epochs=2, data=small_mnist)
    with pytest.raises(DiskFullError) as caught:
        trainer.train(max_seconds=0)  # stops at once and saves the stop point: the save meets the full disk
    message = str(caught.value)
    assert "disk is full" in message and "previous file is kept" in message and "\n" not in message
    assert trained_run.checkpoint_path.read_bytes() == before  # the last good checkpoint, untouched
    assert not [p for p in trained_run.path.rglob("*.tmp")]  # no half-written temp file left behind
    monkeypatch.undo()
    assert trained_run.load_checkpoint()["global_step"] > 0  # it still loads: resume continues from it
