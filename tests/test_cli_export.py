"""The CLI's run files: `export` writes the Runs page's archive, `import` takes a run folder zipped by hand (its
train.lock and temp files skipped, anything else still refused), `runs` names the owner, `delete --run NAME`."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from gan_core import cli
from gan_core.errors import ArchiveError
from gan_core.runs.archive import import_run
from gan_core.runs.checkpoints import RunDir, list_runs, run_archive

from .test_archive import archive, members, rezip  # noqa: F401 - the fixture: a tiny trained run, zipped
from .test_cli import gan


@pytest.fixture
def lesson(archive: bytes, checkpoints: Path) -> RunDir:  # noqa: F811
    """The tiny run "lesson" in the test's checkpoints folder."""
    import_run(archive, checkpoints)
    return RunDir("lesson", checkpoints)


def test_export_writes_the_runs_pages_archive_and_import_adds_it_elsewhere(lesson: RunDir, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "lesson.zip"
    written = gan(lesson.root, "export", "--run", "lesson", "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert "lesson" in written.stdout and str(out) in written.stdout
    assert out.read_bytes() == run_archive("lesson", lesson.root)  # byte for byte the Runs page's download
    # Refusals, through the CLI's own entry point in this process (the command above proved the process's way):
    # one line each, exit code 2, nothing written and nothing already saved lost.
    for args, said in ((["--out", str(out)], "already exists"), (["--out", str(tmp_path / "lesson.txt")], "must end in .zip"),
                       (["--out", str(tmp_path / "no" / "x.zip")], "does not exist"),
                       (["--out", str(tmp_path / "n.zip"), "--run", "nothing"], "no run named")):
        assert cli.main(["export", "--run", "lesson", *args, "--checkpoints", str(lesson.root)]) == 2, args
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and said in error, (args, error)
    assert out.read_bytes() == run_archive("lesson", lesson.root)
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["lesson.zip"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = gan(elsewhere, "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert [run.name for run in list_runs(elsewhere)] == ["lesson"]


def test_a_run_folder_zipped_by_hand_imports_without_its_lock_and_temp_files(lesson: RunDir, tmp_path: Path) -> None:
    lesson.lock_path.write_text("")  # what the trainer leaves behind
    (lesson.path / "epochs" / ".epoch_0002.pt.k3j2.tmp").write_bytes(b"half written")
    by_hand = Path(shutil.make_archive(str(tmp_path / "by-hand"), "zip", lesson.root, "lesson"))  # folders included
    with zipfile.ZipFile(by_hand) as opened:
        assert "lesson/train.lock" in opened.namelist()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = gan(elsewhere, "import", str(by_hand))
    assert imported.returncode == 0, imported.stderr
    files = sorted(str(path.relative_to(elsewhere)) for path in (elsewhere / "lesson").rglob("*") if path.is_file())
    assert files == ["lesson/checkpoint.pt", "lesson/epochs/epoch_0001.pt", "lesson/run.json"], files


@pytest.mark.parametrize("stranger", ["lesson/notes.txt", "lesson/epochs/train.lock.py", "lesson/sub/train.lock",
                                      "train.lock"])
def test_anything_else_in_an_archive_is_still_refused(archive: bytes, checkpoints: Path, stranger: str) -> None:  # noqa: F811
    with pytest.raises(ArchiveError):
        import_run(rezip({**members(archive), stranger: b"x"}), checkpoints)
    assert not any(checkpoints.iterdir())


def test_runs_names_each_runs_owner(lesson: RunDir) -> None:
    info = json.loads(lesson.info_path.read_text())
    lesson.info_path.write_text(json.dumps({**info, "owner": "ann"}))
    shown = gan(lesson.root, "runs")
    assert shown.returncode == 0, shown.stderr
    header, row = shown.stdout.splitlines()[:2]
    assert header.split()[:3] == ["run", "owner", "status"] and row.split()[:3] == ["lesson", "ann", "finished"]


def test_delete_takes_the_run_as_a_flag_like_every_other_command(lesson: RunDir, capsys: pytest.CaptureFixture) -> None:
    root = ["--checkpoints", str(lesson.root)]
    assert cli.main(["delete", "--run", "lesson", "other", *root]) == 2  # which one?
    assert capsys.readouterr().err.count("\n") == 1 and lesson.path.is_dir()
    assert cli.main(["delete", *root]) == 2
    assert "--run NAME" in capsys.readouterr().err
    deleted = gan(lesson.root, "delete", "--run", "lesson")
    assert deleted.returncode == 0, deleted.stderr
    assert not lesson.path.exists()
