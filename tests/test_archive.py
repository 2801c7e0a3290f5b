"""Importing a run archive: checked completely before anything is written."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
import torch

from gan_core.runs.archive import import_run
from gan_core.runs.checkpoints import RunDir, list_runs, run_archive
from gan_core.config import TrainConfig
from gan_core.errors import ArchiveError, CheckpointError
from gan_core.sampling import load_generator
from gan_core.trainer import Trainer

from .test_cli import gan


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, small_mnist) -> bytes:
    """A tiny finished run of one epoch, zipped as the Runs page's download zips it."""
    root = tmp_path_factory.mktemp("export")
    Trainer.create(TrainConfig(model="mlp", epochs=1, batch_size=128, latent_dim=8, device="cpu"),
                   RunDir("lesson", root), data=small_mnist).train()
    return run_archive("lesson", root)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return {m.filename: opened.read(m) for m in opened.infolist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in files.items():
            out.writestr(name, data)
    return buffer.getvalue()


def nothing_written(root: Path) -> bool:
    return not any(root.iterdir())


def test_an_exported_run_imports_and_generates(archive: bytes, checkpoints: Path) -> None:
    run = import_run(archive, checkpoints)
    assert run.name == "lesson" and run.epochs_done == 1 and not run.shipped
    assert load_generator(RunDir("lesson", checkpoints)).sample(4, 0).shape == (4, 1, 28, 28)
    with pytest.raises(ArchiveError) as taken:  # a clash asks for another name and changes nothing
        import_run(archive, checkpoints)
    assert taken.value.code == "archive_name_taken" and taken.value.params["suggestion"] == "lesson-1"
    assert import_run(archive, checkpoints, name="lesson-1").name == "lesson-1"
    assert sorted(r.name for r in list_runs(checkpoints)) == ["lesson", "lesson-1"]
    assert sorted(p.name for p in checkpoints.iterdir() if p.is_dir()) == ["lesson", "lesson-1"]  # no staging folder left


def test_a_zip_slip_archive_is_refused_before_anything_is_written(archive: bytes, checkpoints: Path) -> None:
    for evil in ("lesson/../../escaped.txt", "/tmp/lesson/run.json", "lesson/epochs/../../../x.pt"):
        with pytest.raises(ArchiveError) as refused:
            import_run(rezip({**members(archive), evil: b"x"}), checkpoints)
        assert refused.value.code == "archive_unsafe_path", evil
    with pytest.raises(ArchiveError) as unexpected:
        import_run(rezip({**members(archive), "lesson/notes.sh": b"rm -rf ~"}), checkpoints)
    assert unexpected.value.code == "archive_unexpected"
    assert nothing_written(checkpoints) and not (checkpoints.parent / "escaped.txt").exists()


class RunsCode:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_checkpoint_that_would_run_code_is_refused(archive: bytes, checkpoints: Path, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    torch.save({"format": "gan-lab-checkpoint", "payload": RunsCode()}, buffer)
    with pytest.raises(CheckpointError) as refused:
        import_run(rezip({**members(archive), "lesson/checkpoint.pt": buffer.getvalue()}), checkpoints)
    assert refused.value.code == "file_unsafe"
    assert nothing_written(checkpoints) and not Path("pwned").exists() and not (tmp_path / "pwned").exists()


def test_an_oversized_member_is_refused(archive: bytes, checkpoints: Path) -> None:
    with pytest.raises(ArchiveError) as refused:
        import_run(archive, checkpoints, max_member_bytes=1000)
    assert refused.value.code == "archive_too_large"
    bomb = rezip({**members(archive), "lesson/epochs/epoch_0002.pt": b"\0" * 3_000_000})  # compresses to ~3 KB
    with pytest.raises(ArchiveError):
        import_run(bomb, checkpoints, max_member_bytes=2_000_000)
    assert nothing_written(checkpoints)


def test_a_truncated_archive_gets_one_line_from_the_cli_and_leaves_nothing(archive: bytes, checkpoints: Path,
                                                                           tmp_path: Path) -> None:
    cut = tmp_path / "lesson.zip"
    cut.write_bytes(archive[: len(archive) // 2])
    result = gan(checkpoints, "import", str(cut))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "not a complete .zip" in result.stderr
    assert nothing_written(checkpoints)
    whole = tmp_path / "whole.zip"
    whole.write_bytes(archive)
    renamed = gan(checkpoints, "import", str(whole), "--name", "from-home")
    assert renamed.returncode == 0, renamed.stderr
    assert [r.name for r in list_runs(checkpoints)] == ["from-home"]
