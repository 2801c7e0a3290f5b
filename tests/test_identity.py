"""Held names, the teacher's pass, the audit log and the lesson controls, in the library (no app).

A name is claimed once and then needs its key; only the key's SHA-256 is on disk; the claims outlive a
restart; a roster with any bad line claims nothing. Every access-changing action writes one audit line,
from the library itself (a script is audited as the app is). Imports belong to the importer. Reset
archives every student run, then removes them, and leaves the shipped ones.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from gan_core.classroom.access import Actor, ClassLimits
from gan_core.classroom.audit import AUDIT_FILE, AuditLog
from gan_core.classroom.identity import NAMES_FILE, NameClaims, RosterError, TeacherPasses
from gan_core.classroom.join import join_link, qr_png, readable
from gan_core.classroom.lesson import (RESULT_COLUMNS, ClassResult, reset_class, results_csv, set_shipped_on_board,
                                       shipped_on_board)
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset
from gan_core.errors import AccessError, ConfigError, GanLabError
from gan_core.jobs.manager import JobManager
from gan_core.runs.archive import import_run
from gan_core.runs.checkpoints import RunDir, delete_run, list_runs, rename_run, run_archive
from gan_core.trainer import Trainer

from .helpers import wait_until

ALICE, BOB, TEACHER = Actor("Alice"), Actor("Bob"), Actor("Ms Smith", teacher=True)


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    return ImageDataset("mnist-5k", small_mnist.images[:256], small_mnist.labels[:256])


@pytest.fixture(scope="module")
def one_run(tmp_path_factory: pytest.TempPathFactory, tiny_data: ImageDataset) -> Path:
    """A finished one-epoch run of Alice's, trained once for the module (tests copy it)."""
    root = tmp_path_factory.mktemp("one-run")
    Trainer.create(tiny(), RunDir("alices", root), owner="Alice", data=tiny_data).train()
    return root / "alices"


def tiny(epochs: int = 1) -> TrainConfig:
    return TrainConfig(model="mlp", batch_size=64, epochs=epochs, device="cpu", latent_dim=8)


def place(run: Path, root: Path, name: str, owner: str, shipped: bool = False) -> RunDir:
    """A copy of a trained run under `root`, named and owned as a test needs."""
    import shutil

    shutil.copytree(run, root / name)
    folder = RunDir(name, root)
    folder.update_info(name=name, owner=owner, shipped=shipped)
    return folder


def audit_lines(root: Path) -> list[dict]:
    path = root / AUDIT_FILE
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


# --- names and keys ------------------------------------------------------------------------------------------
def test_a_claimed_name_needs_its_key_and_the_file_keeps_only_its_hash(tmp_path: Path) -> None:
    claims = NameClaims(tmp_path)
    name, key = claims.claim("Anna")
    assert name == "Anna" and len(key) == 22 and len(key.encode()) * 6 >= 128  # 22 URL-safe characters: 132 bits
    stored = (tmp_path / NAMES_FILE).read_text(encoding="utf-8")
    assert key not in stored and hashlib.sha256(key.encode()).hexdigest() in stored
    for spelling in ("Anna", "anna", " ANNA "):  # one name, however it is typed
        assert claims.verify(spelling, key) == "Anna"
        with pytest.raises(AccessError) as taken:
            claims.claim(spelling)
        assert taken.value.code == "name_held" and key not in str(taken.value)

    other_name, other_key = claims.claim("Boris")
    refusals = {"key_malformed": [key[:12], key + "x", "", "../../etc"], "key_wrong": [other_key, key[:-1] + ("A" if key[-1] != "A" else "B")]}
    for code, keys in refusals.items():
        for bad in keys:
            with pytest.raises(AccessError) as refused:
                claims.verify("Anna", bad)
            assert refused.value.code == code, bad
            assert bad not in str(refused.value) or not bad, "a key never appears in an error"
    with pytest.raises(AccessError) as free:
        claims.verify("Vera", key)
    assert free.value.code == "name_free"

    restarted = NameClaims(tmp_path)  # the server starts again: the names are still held
    assert restarted.verify("anna", key) == "Anna" and restarted.holds("Boris", other_key)
    assert not restarted.holds("Anna", other_key) and not restarted.holds("Anna", None)


def test_the_teacher_releases_a_name_and_the_next_session_takes_it_afresh(tmp_path: Path) -> None:
    claims = NameClaims(tmp_path)
    _, old_key = claims.claim("Anna")
    with pytest.raises(AccessError) as refused:
        claims.release("Anna", by=BOB)
    assert refused.value.code == "teacher_only" and claims.holds("Anna", old_key)
    assert claims.release("anna", by=TEACHER) == "Anna"
    assert not claims.holds("Anna", old_key) and claims.held("Anna") is None
    _, new_key = claims.claim("Anna")
    assert new_key != old_key and claims.holds("Anna", new_key)
    [line] = audit_lines(tmp_path)
    assert (line["action"], line["who"], line["teacher"], line["details"]) == ("release", "Ms Smith", True, {"name": "Anna"})


def test_a_teachers_session_takes_back_a_teachers_name_and_its_own_but_no_students(tmp_path: Path) -> None:
    claims = NameClaims(tmp_path)
    _, student_key = claims.claim("Anna")
    with pytest.raises(AccessError):
        claims.take_as_teacher("Anna")
    _, typed_key = claims.claim("Ms Smith")  # typed before unlocking: its key was in the projector's address
    name, teacher_key = claims.take_as_teacher("ms smith", typed_key)
    assert name == "Ms Smith" and not claims.holds(name, typed_key) and claims.held(name).teacher
    _, again = claims.take_as_teacher("Ms Smith")  # after a restart, without the key: a teacher's name
    assert claims.holds("Ms Smith", again) and not claims.holds("Ms Smith", teacher_key)
    assert claims.holds("Anna", student_key)


def test_a_roster_with_any_bad_line_claims_nothing_and_says_each(tmp_path: Path) -> None:
    claims = NameClaims(tmp_path)
    _, key = claims.claim("Vera")
    with pytest.raises(RosterError) as bad:
        claims.issue_roster("Анна\nБорис\n\nанна\n../../x\n<b>Олег</b>\nVera\n😀\n", by=TEACHER)
    problems = [(p.line, p.name, p.code) for p in bad.value.problems]
    assert problems == [(4, "анна", "roster_duplicate"), (5, "../../x", "roster_invalid"),
                        (6, "<b>Олег</b>", "roster_invalid"), (7, "Vera", "roster_held"), (8, "😀", "roster_invalid")]
    assert [c.name for c in claims.claims()] == ["Vera"] and audit_lines(tmp_path) == []  # nothing written
    for empty in ("", "\n  \n"):
        with pytest.raises(RosterError) as nothing:
            claims.issue_roster(empty, by=TEACHER)
        assert [p.code for p in nothing.value.problems] == ["roster_empty"]
    with pytest.raises(AccessError):
        claims.issue_roster("Анна", by=ALICE)

    issued = claims.issue_roster("Анна\n Борис  К. \nVera", by=TEACHER, renew=True)
    assert [name for name, _ in issued] == ["Анна", "Борис К.", "Vera"]
    assert all(claims.holds(name, new_key) for name, new_key in issued)
    assert not claims.holds("Vera", key)  # renewed: her old link stops working
    assert audit_lines(tmp_path)[-1]["details"] == {"names": ["Анна", "Борис К.", "Vera"]}
    assert not any(new_key in (tmp_path / AUDIT_FILE).read_text() for _, new_key in issued)


def test_a_folder_that_cannot_be_written_changes_no_name_and_says_so(tmp_path: Path, monkeypatch) -> None:
    from gan_core.classroom import identity

    claims = NameClaims(tmp_path)
    claims.claim("Anna")
    before = (tmp_path / NAMES_FILE).read_bytes()

    def refused(path, write):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(identity, "atomic_write", refused)
    with pytest.raises(GanLabError) as failed:
        claims.claim("Boris")
    assert failed.value.code == "names_not_saved" and "Permission denied" in str(failed.value)
    assert (tmp_path / NAMES_FILE).read_bytes() == before and claims.held("Boris") is None


def test_a_damaged_names_file_is_set_aside_and_the_class_goes_on(tmp_path: Path, caplog) -> None:
    (tmp_path / NAMES_FILE).write_text("{not json")
    with caplog.at_level("WARNING"):
        assert NameClaims(tmp_path).held("Anna") is None
    assert "set aside" in caplog.text and any(p.name.startswith(f"{NAMES_FILE}.damaged-") for p in tmp_path.iterdir())
    assert NameClaims(tmp_path).claim("Anna")[0] == "Anna"


def test_a_teacher_pass_lasts_until_sign_out_or_a_restart() -> None:
    passes = TeacherPasses()
    token = passes.issue("Ms Smith", "k" * 22)
    assert len(token) >= 43 and passes.check(token).name == "Ms Smith"
    passes.update(token, "Ms S.", None)
    assert (passes.check(token).name, passes.check(token).key) == ("Ms S.", None)
    for forged in (None, "", token[:-1], token + "x", "x" * 10_000):
        assert passes.check(forged) is None
    assert TeacherPasses().check(token) is None  # a restarted server knows no pass
    passes.revoke(token)
    assert passes.check(token) is None


def test_join_links_carry_the_language_name_and_key_and_read_as_typed() -> None:
    link = join_link("http://10.0.0.5:8501", "Маша К.", "a" * 22, "ru")
    assert link == "http://10.0.0.5:8501/?lang=ru&student=%D0%9C%D0%B0%D1%88%D0%B0+%D0%9A.&key=" + "a" * 22
    assert readable(link) == "http://10.0.0.5:8501/?lang=ru&student=Маша К.&key=" + "a" * 22
    assert join_link("http://10.0.0.5:8501/") == "http://10.0.0.5:8501/"
    picture = qr_png(link)
    assert picture.startswith(b"\x89PNG") and picture != qr_png(join_link("http://10.0.0.5:8501"))


# --- the audit log -----------------------------------------------------------------------------------------------
@pytest.fixture
def manager(tiny_data: ImageDataset, tmp_path: Path):
    made = JobManager(1, trainer_options={"data": tiny_data, "evaluate": None}, limits_file=tmp_path / "limits" / "class-limits.json")
    yield made
    made.shutdown(timeout=60)


def test_every_access_changing_action_writes_one_audit_line(checkpoints: Path, manager: JobManager, one_run: Path,
                                                            tiny_data: ImageDataset) -> None:
    place(one_run, checkpoints, "alices", "Alice")
    busy = manager.submit(tiny(epochs=1000), "teachers", checkpoints, by=TEACHER)
    waiting = manager.submit(tiny(epochs=2), "bobs", checkpoints, by=BOB)
    assert audit_lines(checkpoints) == []  # starting a run of one's own changes nobody's access
    assert manager.move("bobs", 0, checkpoints, by=TEACHER) == 1
    assert manager.stop("bobs", checkpoints, by=TEACHER) and waiting.state == "stopped"
    manager.stop("bobs", checkpoints, by=TEACHER)  # nothing left to stop: no second line
    wait_until(lambda: busy.state == "running")
    manager.stop("teachers", checkpoints, by=TEACHER)
    manager.stop("teachers", checkpoints, by=TEACHER)  # pressed twice while it saves: one stop
    manager.wait("teachers", 120, checkpoints)
    manager.submit_resume("alices", 2, checkpoints, by=ALICE)
    manager.wait("alices", 120, checkpoints)
    manager.rename("alices", "alices-2", checkpoints, by=ALICE)
    manager.delete("alices-2", checkpoints, by=TEACHER)
    manager.set_limits(ClassLimits(max_epochs=4), by=TEACHER)
    rename_run("teachers", "teachers-2", checkpoints)  # a script: the machine's owner
    delete_run("teachers-2", checkpoints)

    got = [(line["action"], line["run"], line["who"], line["teacher"]) for line in audit_lines(checkpoints)]
    assert got == [("queue", "bobs", "Ms Smith", True), ("stop", "bobs", "Ms Smith", True),
                   ("stop", "teachers", "Ms Smith", True), ("resume", "alices", "Alice", False),
                   ("rename", "alices", "Alice", False), ("delete", "alices-2", "Ms Smith", True),
                   ("rename", "teachers", "", True), ("delete", "teachers-2", "", True)]
    lines = audit_lines(checkpoints)
    assert lines[1]["details"] == {"owner": "Bob", "state": "queued"} and lines[4]["details"]["to"] == "alices-2"
    assert lines[5]["details"]["owner"] == "Alice"
    [limits] = audit_lines(manager.limits_file.parent)  # beside the limits file it changed
    assert (limits["action"], limits["details"]["max_epochs"]) == ("limits", 4)
    assert all(entry.time and entry.action for entry in AuditLog(checkpoints).tail())
    newest = AuditLog(checkpoints).tail(2)
    assert [entry.action for entry in newest] == ["delete", "rename"]  # newest first
    gone = AuditLog(checkpoints).last_about("alices-2")
    assert (gone.action, gone.who, gone.teacher) == ("delete", "Ms Smith", True)
    assert AuditLog(checkpoints).last_about("bobs").action == "stop"  # stopped while it waited: no folder to say so
    assert RunDir("alices", checkpoints).exists() is False


def test_an_import_belongs_to_the_importer_whatever_its_archive_says(checkpoints: Path, one_run: Path,
                                                                     tmp_path: Path) -> None:
    source = tmp_path / "elsewhere"
    place(one_run, source, "annas", "Anna")
    data = json.loads((source / "annas" / "run.json").read_text())
    data.update(owner="Boris", stopped_by={"name": "Boris", "teacher": False}, shipped=True)  # forged
    (source / "annas" / "run.json").write_text(json.dumps(data))
    archive = run_archive("annas", source)
    run = import_run(archive, checkpoints, by=Actor("Anna"))
    assert (run.owner, run.imported_from, run.shipped, run.stopped_by) == ("Anna", "Boris", False, None)
    machine = import_run(archive, checkpoints, name="annas-2")  # the CLI: the machine's owner, nobody's run
    assert (machine.owner, machine.imported_from) == ("", "Boris")
    assert [(line["action"], line["run"], line["who"], line["details"]) for line in audit_lines(checkpoints)] == [
        ("import", "annas", "Anna", {"imported_from": "Boris"}), ("import", "annas-2", "", {"imported_from": "Boris"})]


# --- the lesson ---------------------------------------------------------------------------------------------------
def test_reset_archives_every_student_run_then_removes_them_and_keeps_the_shipped(checkpoints: Path,
                                                                                  one_run: Path) -> None:
    with pytest.raises(GanLabError) as nothing:
        reset_class(checkpoints, by=TEACHER)
    assert nothing.value.code == "reset_nothing"
    for name, owner in (("alices", "Alice"), ("bobs", "Bob"), ("teachers", "Ms Smith")):
        place(one_run, checkpoints, name, owner)
    place(one_run, checkpoints, "pretrained", "", shipped=True)
    (checkpoints / "broken").mkdir()
    (checkpoints / "broken" / "run.json").write_text("{")
    shipped_before = {p.relative_to(checkpoints): p.read_bytes() for p in (checkpoints / "pretrained").rglob("*") if p.is_file()}
    with pytest.raises(AccessError):
        reset_class(checkpoints, by=ALICE)
    with pytest.raises(GanLabError) as busy:
        reset_class(checkpoints, by=TEACHER, busy={"bobs"})
    assert busy.value.code == "reset_busy" and len(list_runs(checkpoints)) == 5  # refused: nothing archived or removed
    assert not list(checkpoints.glob("*.zip"))

    done = reset_class(checkpoints, by=TEACHER)
    assert sorted(done.runs) == ["alices", "bobs", "broken", "teachers"]
    assert [run.name for run in list_runs(checkpoints)] == ["pretrained"]
    assert {p.relative_to(checkpoints): p.read_bytes() for p in (checkpoints / "pretrained").rglob("*") if p.is_file()} == shipped_before
    assert done.archive.parent == checkpoints and done.archive.name.startswith("class-")
    with zipfile.ZipFile(done.archive) as bundle:
        names = bundle.namelist()
        assert {name.split("/")[0] for name in names} == {"alices", "bobs", "broken", "teachers"}
        assert "alices/checkpoint.pt" in names and json.loads(bundle.read("bobs/run.json"))["owner"] == "Bob"
    [line] = audit_lines(checkpoints)
    assert line["action"] == "reset" and line["details"]["archive"] == done.archive.name
    assert AuditLog(checkpoints).last_about("bobs").action == "reset"
    place(one_run, checkpoints, "alices", "Alice")
    assert reset_class(checkpoints, by=TEACHER).archive != done.archive  # a second reset in the same minute


def test_the_results_table_has_one_row_per_student_run_in_the_readers_language() -> None:
    rows = [ClassResult("Анна", "anna-sngan-1", "sngan", 5, 1.234, 10, "готов"),
            ClassResult("Борис", "boris-mlp-1", "mlp", 0, None, None, "в очереди, место 1")]
    russian = {column: column.upper() + "-ру" for column in RESULT_COLUMNS}
    data = results_csv(rows, russian, delimiter=";", decimal=",")
    assert data.startswith("\ufeff".encode("utf-8"))  # a spreadsheet opens UTF-8 right
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert table == [[russian[c] for c in RESULT_COLUMNS], ["Анна", "anna-sngan-1", "sngan", "5", "1,23", "10", "готов"],
                     ["Борис", "boris-mlp-1", "mlp", "0", "", "", "в очереди, место 1"]]
    english = list(csv.reader(io.StringIO(results_csv(rows[:1], dict(zip(RESULT_COLUMNS, RESULT_COLUMNS))).decode("utf-8-sig"))))
    assert english[1][4] == "1.23"


def test_where_the_shipped_runs_stand_is_the_teachers_and_kept(tmp_path: Path) -> None:
    assert shipped_on_board(tmp_path) == "apart"  # the shipped runs would top a lesson's board: apart until told
    with pytest.raises(AccessError):
        set_shipped_on_board("hidden", tmp_path, by=ALICE)
    with pytest.raises(ConfigError):
        set_shipped_on_board("sideways", tmp_path, by=TEACHER)
    set_shipped_on_board("ranked", tmp_path, by=TEACHER)
    assert shipped_on_board(tmp_path) == "ranked" and audit_lines(tmp_path)[-1]["details"] == {"shipped": "ranked"}
