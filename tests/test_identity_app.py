"""Held names and the teacher's lesson in the app (AppTest: separate sessions of one server, a class with a
teacher password).

A held name is refused without its key and kept with it, through a rerun and a reload; bad links each get
one sentence and write nothing; the teacher survives a reload through a cookie whose pass never reaches the
address; a released name is taken again; an import with a forged owner is the importer's; each access-changing
action in the app writes one audit line; reset archives and removes only students' runs; the CSV has one row
per student run; a student whose run the teacher stopped or deleted is told who and when; the board's links
open a run on Train and Progression.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.util import patch_config_options

from gan_core.classroom.access import Actor
from gan_core.classroom.audit import AUDIT_FILE
from gan_core.classroom.identity import NAMES_FILE, name_claims, new_key
from gan_core.config import TrainConfig
from gan_core.jobs import manager as jobs_module
from gan_core.jobs.manager import LIMITS_FILE, JobManager
from gan_core.runs.checkpoints import RunDir, list_runs, run_archive
from ui import browser_cookie, people
from ui import teacher as lesson_controls
from ui.people import COOKIE, PASSWORD_ENV

from .helpers import wait_until
from .test_board import cards
from .test_app import APP, TRAINING_TIMEOUT, text, texts
from .test_classroom_people import PASSWORD, class_runs, student_link, unlock  # noqa: F401 - class_runs: a fixture

TEACHER = Actor("Ms Smith", teacher=True)


@pytest.fixture
def classroom(class_runs: Path, checkpoints: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    """A class with a teacher password over a copy of the module's runs (Alice's alice-done, the shipped
    shipped-one), and the app's job manager keeping its limits (and their audit line) in that folder."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    shutil.copytree(class_runs, checkpoints, dirs_exist_ok=True)
    manager = JobManager(limits_file=checkpoints / LIMITS_FILE)
    monkeypatch.setattr(jobs_module, "_manager", manager)
    yield checkpoints
    manager.shutdown(TRAINING_TIMEOUT)


@pytest.fixture
def cookies(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What the next session's browser sends as cookies (AppTest cannot send any): a simulated browser."""
    jar: dict[str, str] = {}
    monkeypatch.setattr(browser_cookie, "read", jar.get)
    return jar


def opened(params: dict[str, str] | None = None, page: str = "home", language: str = "en") -> AppTest:
    """A fresh browser session on an address with these parameters (a link, a bookmark, a reload)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = language
    at.query_params.update(params or {})
    if page != "home":
        at.switch_page(f"ui/pages/{page}.py")  # the address opens that page: its first run is that page's
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def reloaded(at: AppTest, page: str = "home") -> AppTest:
    """The same browser tab reloaded: a new session on the address the last one left (its cookies come along)."""
    return opened(dict(at.query_params), page, at.session_state["lang"])


def notices(at: AppTest) -> list[str]:
    return texts(at, "warning")


def name_of(at: AppTest) -> str:
    return at.session_state["student"]


def cookie_sent(at: AppTest) -> dict | None:
    """What the page asked the browser to keep or forget (the cookie element's data), or None."""
    found = [element for element in at.get("bidi_component") if element.proto.component_name == "gan_lab_cookie"]
    return json.loads(found[0].proto.json) if found else None


def names_file(root: Path) -> bytes | None:
    path = root / NAMES_FILE
    return path.read_bytes() if path.exists() else None


def audit(root: Path) -> list[dict]:
    path = root / AUDIT_FILE
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def button_keys(at: AppTest) -> set[str]:
    return {button.key for button in at.button if button.key}


def click(at: AppTest, label: str) -> AppTest:
    at.button[[button.label for button in at.button].index(label)].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def as_teacher(page: str = "board", name: str = "Ms Smith") -> AppTest:
    at = opened(page=page)
    at.text_input(key="people_name_box").input(name).run()
    return unlock(at, PASSWORD)


# --- a held name ---------------------------------------------------------------------------------------------
def test_a_held_name_is_refused_without_its_key_and_kept_with_it_through_reruns_and_reloads(classroom) -> None:
    anna = opened({"student": "anna"}, "train")
    key = anna.query_params["key"]
    assert name_of(anna) == "anna" and anna.query_params["student"] == "anna" and len(key) == 22
    assert anna.text_input(key="people_name_box").value == "anna" and not notices(anna)
    anna.run()  # a rerun: the address still holds the name and its key
    assert (name_of(anna), anna.query_params["key"]) == ("anna", key)

    impostor = opened({"student": "anna"}, "train")  # anna's name without her key
    made_up = name_of(impostor)
    assert made_up != "anna" and made_up.startswith("student-")
    assert notices(impostor) == [text("error_name_held", "en", name="anna") + " " + text("people_you_are", "en", me=made_up)]
    assert "student" not in impostor.query_params and "key" not in impostor.query_params
    impostor.text_input(key="people_name_box").input("Anna").run()  # typed, in any spelling
    assert [str(e.value) for e in impostor.error] == [text("error_name_held", "en", name="anna")]
    assert name_of(impostor) == made_up and impostor.text_input(key="people_name_box").value == made_up
    impostor.run()
    assert not notices(impostor) and not impostor.error  # each said once

    again = reloaded(anna, "train")  # a reload, a bookmark, a second tab: the key in the address
    assert (name_of(again), again.query_params["key"], notices(again)) == ("anna", key, [])
    assert [claim.name for claim in name_claims(classroom).claims()] == ["anna"]  # the impostor's name is nobody's


def test_bad_links_each_get_one_sentence_and_write_nothing(classroom) -> None:
    _, anna_key = name_claims(classroom).claim("anna")
    _, boris_key = name_claims(classroom).claim("boris")
    before = names_file(classroom)
    cases = {
        "forged key": ({"student": "anna", "key": new_key()}, "error_key_wrong", {"name": "anna"}),
        "truncated key": ({"student": "anna", "key": anna_key[:11]}, "error_key_malformed", {"name": "anna"}),
        "another name's key": ({"student": "anna", "key": boris_key}, "error_key_wrong", {"name": "anna"}),
        "a path": ({"student": "../../x"}, "people_link_bad_name", {"name": "../../x"}),
        "markup": ({"student": "<b>x</b>"}, "people_link_bad_name", {"name": "\\<b\\>x\\</b\\>"}),
        "an emoji": ({"student": "🦊"}, "people_link_bad_name", {"name": "🦊"}),
        "empty": ({"student": ""}, "people_link_empty_name", {}),
        "a key alone": ({"key": anna_key}, "people_link_no_name", {}),
    }
    for case, (params, key, values) in cases.items():
        at = opened(params, language="ru")
        me = name_of(at)
        said = text(key, "ru", me=me, **values)
        if key.startswith("error_"):
            said += " " + text("people_you_are", "ru", me=me)
        assert notices(at) == [said], case
        assert me.startswith(text("people_generated_prefix", "ru")) and not at.error, case
        assert "key" not in at.query_params and "student" not in at.query_params, case
        at.run()
        assert not notices(at), case  # once
        assert names_file(classroom) == before, case  # nothing written: no claim, not even of the made-up name
    assert audit(classroom) == []


def test_in_single_user_mode_a_bad_name_in_the_link_is_said_once_too(checkpoints, monkeypatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    at = opened({"student": "<i>x</i>"}, language="ru")
    assert notices(at) == [text("people_link_bad_name", "ru", name="\\<i\\>x\\</i\\>", me=name_of(at))]
    assert at.query_params["student"] == name_of(at) and "key" not in at.query_params  # no names are held here
    at.run()
    assert not notices(at) and names_file(checkpoints) is None


# --- the teacher -----------------------------------------------------------------------------------------------
def test_the_teacher_survives_a_reload_and_the_pass_never_reaches_the_address(classroom, cookies) -> None:
    teacher = opened(page="board")
    teacher.text_input(key="people_name_box").input("Ms Smith").run()
    shown_key = teacher.query_params["key"]  # on the projector before unlocking: it must open nothing after
    teacher = unlock(teacher, PASSWORD)
    assert teacher.session_state["people_teacher"] and text("teacher_h", "en") in texts(teacher, "subheader")
    assert dict(teacher.query_params) == {"lang": "en"}  # no name, no key, no pass in the projector's address
    sent = cookie_sent(teacher)
    assert sent["name"] == COOKIE and len(sent["value"]) >= 43 and "clear" not in sent
    shown = " ".join(str(getattr(element, "value", "")) for element in [*teacher.main, *teacher.sidebar])
    assert sent["value"] not in shown and PASSWORD not in shown
    assert not name_claims(classroom).holds("Ms Smith", shown_key)

    cookies[COOKIE] = sent["value"]  # the browser keeps it; reloading sends it
    again = opened(page="board")
    assert again.session_state["people_teacher"] and name_of(again) == "Ms Smith"
    assert text("teacher_h", "en") in texts(again, "subheader") and dict(again.query_params) == {"lang": "en"}
    also = opened({"student": "anna"})  # a student's link opened in the teacher's browser: still the teacher
    assert also.session_state["people_teacher"] and name_of(also) == "Ms Smith"
    assert notices(also) == [text("people_teacher_keeps_name", "en", name="anna")]
    assert name_claims(classroom).held("anna") is None

    again.button(key="people_leave").click().run()  # sign out: every tab of this pass ends
    assert not again.session_state["people_teacher"] and cookie_sent(again) == {"name": COOKIE, "clear": True}
    assert "key" not in again.query_params  # a teacher's tab never gets the key, signed out or not
    also.run()
    assert not also.session_state["people_teacher"] and notices(also) == [text("people_teacher_ended", "en")]
    assert cookie_sent(also) == {"name": COOKIE, "clear": True}
    stale = opened(page="board")  # the old cookie of a pass the server no longer knows (a restart, a sign-out)
    assert not stale.session_state.get("people_teacher") and cookie_sent(stale) == {"name": COOKIE, "clear": True}
    assert text("teacher_h", "en") not in texts(stale, "subheader")


def test_a_student_link_opened_before_unlocking_leaves_the_address_once_the_teacher_unlocks(classroom) -> None:
    link = student_link("anna")
    teacher = unlock(opened(link), PASSWORD)  # the teacher's browser had opened anna's link first
    assert name_of(teacher) == "anna" and dict(teacher.query_params) == {"lang": "en"}
    assert name_claims(classroom).holds("anna", link["key"])  # still anna's: her link works for her
    teacher.button(key="people_leave").click().run()
    assert dict(teacher.query_params) == {"lang": "en"}  # signed out, the projector's tab still shows no key


def test_a_released_name_can_be_claimed_again(classroom) -> None:
    anna = opened(student_link("anna"))
    teacher = as_teacher()
    teacher.selectbox(key="teacher_release_pick").select("anna").run()
    teacher.button(key="teacher_release_button").click().run()
    assert text("teacher_released", "en", name="anna") in texts(teacher, "success")
    anna.run()  # her old link now opens nothing: she is told, and has a made-up name
    assert notices(anna) == [text("people_name_released", "en", name="anna")] and name_of(anna) != "anna"
    assert "key" not in anna.query_params
    other = opened()
    other.text_input(key="people_name_box").input("anna").run()
    assert name_of(other) == "anna" and not other.error and other.query_params["student"] == "anna"
    assert [(line["action"], line["details"]) for line in audit(classroom)] == [("release", {"name": "anna"})]


def test_a_roster_gets_a_sheet_of_links_that_each_hold_their_name_and_bad_lines_write_nothing(classroom,
                                                                                              monkeypatch) -> None:
    downloads = recorded_downloads(monkeypatch)
    name_claims(classroom).claim("vera")
    before = names_file(classroom)
    teacher = as_teacher()
    teacher.text_area(key="teacher_roster_text").input("Анна\nанна\n../x\nvera\n")
    click(teacher, text("teacher_roster_make", "en"))
    assert [str(e.value) for e in teacher.error] == [
        text("teacher_roster_duplicate", "en", line=2, name="анна"),
        text("teacher_roster_invalid", "en", line=3, name="../x"),
        text("teacher_roster_held", "en", line=4, name="vera")]
    held = json.loads(names_file(classroom))["names"]
    assert [record["name"] for record in held] == sorted(["vera", "Ms Smith"], key=str.casefold)  # no roster name
    teacher.text_area(key="teacher_roster_text").input("Анна\nБорис\n")
    click(teacher, text("teacher_roster_make", "en"))
    assert text("teacher_roster_ready", "en", links="2 links") in texts(teacher, "success")
    sheet = downloads["gan-lab-join-links.html"].decode("utf-8")
    shown = " ".join(str(getattr(element, "value", "")) for element in [*teacher.main, *teacher.sidebar])
    links = [line for line in sheet.split('class="link">')[1:]]
    assert len(links) == 2 and sheet.count("<svg") == 2
    for name in ("Анна", "Борис"):
        link = next(line.split("<")[0] for line in links if f"student={name}&" in line)
        key = link.split("key=")[1]
        assert name_claims(classroom).holds(name, key) and key not in shown
        student = opened({"student": name, "key": key})
        assert name_of(student) == name and not notices(student)
    assert names_file(classroom) != before


# --- runs: imports, audit, reset, results, why a run is gone, links -------------------------------------------------
def test_an_imported_archive_with_a_forged_owner_belongs_to_the_importer(classroom, tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(classroom / "alice-done", elsewhere / "forged")
    info = json.loads((elsewhere / "forged" / "run.json").read_text())
    (elsewhere / "forged" / "run.json").write_text(json.dumps({**info, "name": "forged", "owner": "boris"}))
    boris = opened(student_link("boris"))
    anna = opened(page="runs")  # a session that never took a name: importing makes the made-up name hers
    anna.file_uploader(key="runs_import_file").set_value(("forged.zip", run_archive("forged", elsewhere), "application/zip"))
    anna.run()
    click(anna, text("runs_import_button", "en"))
    run = RunDir("forged", classroom).info()
    assert run.owner == name_of(anna) and run.imported_from == "boris"
    assert name_claims(classroom).holds(name_of(anna), anna.query_params["key"])  # claimed: the run is hers to manage
    anna.selectbox(key="keep_runs_selected").select("forged").run()
    assert text("runs_imported_from", "en", name="boris") in texts(anna, "caption")
    assert text("runs_delete", "en") in [button.label for button in anna.button]
    boris.switch_page("ui/pages/runs.py").run()
    boris.selectbox(key="keep_runs_selected").select("forged").run()
    assert text("runs_delete", "en") not in [button.label for button in boris.button]  # not Boris's
    assert [(line["action"], line["run"], line["details"]) for line in audit(classroom)] == [
        ("import", "forged", {"imported_from": "boris"})]


def test_each_access_changing_action_in_the_app_writes_one_audit_line_and_the_teacher_reads_them(classroom) -> None:
    jobs = jobs_module.get_job_manager()
    running = jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=64, device="cpu", latent_dim=8),
                          "alice-long", classroom, by=Actor("Alice"))
    alice = opened(student_link("Alice"), "runs")
    alice.selectbox(key="keep_runs_selected").select("alice-done").run()
    alice.text_input(key="runs_rename_alice-done").input("alice-best")
    alice.button(key="runs_rename_do_alice-done").click().run()
    assert RunDir("alice-best", classroom).exists()
    teacher = as_teacher("train")
    wait_until(lambda: running.state == "running", TRAINING_TIMEOUT)
    teacher.selectbox(key="keep_train_watch").select("alice-long").run()
    teacher.button(key="train_stop").click().run()
    jobs.wait("alice-long", TRAINING_TIMEOUT, classroom)
    teacher.switch_page("ui/pages/runs.py").run()
    teacher.selectbox(key="keep_runs_selected").select("alice-best").run()
    click(teacher, text("runs_delete", "en"))
    click(teacher, text("runs_delete_yes", "en"))
    teacher.switch_page("ui/pages/board.py").run()
    epochs_box = next(box for box in teacher.text_input if box.label == text("board_limit_epochs", "en"))
    epochs_box.input("3").run()
    click(teacher, text("board_limits_save", "en"))
    assert [(line["action"], line["run"], line["who"], line["teacher"]) for line in audit(classroom)] == [
        ("rename", "alice-done", "Alice", False), ("stop", "alice-long", "Ms Smith", True),
        ("delete", "alice-best", "Ms Smith", True), ("limits", "", "Ms Smith", True)]
    teacher.run()
    table = teacher.dataframe[-1].value  # the audit log, newest first
    assert list(table[text("teacher_col_action", "en")]) == [text(f"teacher_action_{action}", "en")
                                                             for action in ("limits", "delete", "stop", "rename")]
    assert list(table[text("teacher_col_who", "en")])[:1] == [text("teacher_audit_teacher", "en", name="Ms Smith")]
    assert not any(len(str(cell)) == 22 and str(cell) in (classroom / NAMES_FILE).read_text() for cell in table.values.ravel())


def test_a_student_is_told_who_stopped_or_deleted_their_run_and_when(classroom) -> None:
    jobs = jobs_module.get_job_manager()
    running = jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=64, device="cpu", latent_dim=8),
                          "alice-long", classroom, by=Actor("Alice"))
    waiting = jobs.submit(TrainConfig(model="mlp", epochs=2, device="cpu"), "alice-next", classroom, by=Actor("Alice"))
    alice = opened(student_link("Alice"), "train")
    alice.selectbox(key="keep_train_watch").select("alice-next").run()
    wait_until(lambda: running.state == "running", TRAINING_TIMEOUT)
    jobs.stop("alice-long", classroom, by=TEACHER)
    jobs.stop("alice-next", classroom, by=TEACHER)  # it was waiting: it leaves no folder behind
    jobs.wait("alice-long", TRAINING_TIMEOUT, classroom)
    assert waiting.state == "stopped"
    [stopped] = [line for line in audit(classroom) if line["run"] == "alice-next"]
    alice.run()
    at = people.clock(stopped["time"])
    assert text("people_gone_stop", "en", name="alice-next", who=text("people_by_teacher", "en"), time=at) in texts(alice, "info")
    alice.selectbox(key="keep_train_watch").select("alice-long").run()
    saved = RunDir("alice-long", classroom).info().stopped_by
    assert any(text("people_stopped_by_teacher_at", "en", time=people.clock(saved["at"])) in info
               for info in texts(alice, "info"))
    alice.selectbox(key="keep_train_watch").select("alice-done").run()
    jobs.delete("alice-done", classroom, by=TEACHER)  # while she watches it
    alice.run()
    [deleted] = [line for line in audit(classroom) if line["action"] == "delete"]
    assert text("people_gone_delete", "en", name="alice-done", who=text("people_by_teacher", "en"),
                time=people.clock(deleted["time"])) in texts(alice, "info")
    alice.run()
    assert not any("alice-done" in info for info in texts(alice, "info"))  # said once


def test_reset_archives_then_removes_only_the_students_runs_and_the_csv_has_one_row_per_student_run(
        classroom, monkeypatch) -> None:
    downloads = recorded_downloads(monkeypatch)
    shutil.copytree(classroom / "alice-done", classroom / "bob-run")
    RunDir("bob-run", classroom).update_info(name="bob-run", owner="Bob")
    teacher = as_teacher("board")
    csv_rows = list(csv.reader(io.StringIO(downloads[next(name for name in downloads if name.endswith(".csv"))]
                                           .decode("utf-8-sig"))))
    assert csv_rows[0] == [text(f"teacher_csv_{column}", "en") for column in
                           ("student", "run", "model", "epochs", "fid_ratio", "digits_covered", "state")]
    assert sorted((row[0], row[1], row[3]) for row in csv_rows[1:]) == [("Alice", "alice-done", "1"), ("Bob", "bob-run", "1")]

    click(teacher, text("teacher_reset", "en"))
    assert text("teacher_reset_confirm", "en") in texts(teacher, "warning")
    assert [run.name for run in list_runs(classroom)].count("alice-done") == 1  # asked, not done
    click(teacher, text("teacher_reset_yes", "en"))
    [archive] = classroom.glob("class-*.zip")
    assert text("teacher_reset_done", "en", runs="2 runs", archive=archive.name) in texts(teacher, "success")
    assert [run.name for run in list_runs(classroom)] == ["shipped-one"]
    with zipfile.ZipFile(archive) as bundle:
        assert {name.split("/")[0] for name in bundle.namelist()} == {"alice-done", "bob-run"}
    assert not cards(teacher) and list(cards(teacher, "board_shipped_grid")) == ["shipped-one"]


def test_russian_results_have_russian_headers(classroom, monkeypatch) -> None:
    downloads = recorded_downloads(monkeypatch)
    teacher = opened(page="board", language="ru")
    teacher = unlock(teacher, PASSWORD)
    data = downloads[next(name for name in downloads if name.endswith(".csv"))].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[0][0] == text("teacher_csv_student", "ru") and rows[0][4] == text("teacher_csv_fid_ratio", "ru")
    assert len(rows[0]) == 7 and [row[1] for row in rows[1:]] == ["alice-done"]  # ";" between cells: a Russian spreadsheet


def test_the_boards_links_open_train_and_progression_on_that_run(classroom) -> None:
    teacher = as_teacher("board")
    card = cards(teacher)["alice-done"]
    assert "(train?run=alice-done&lang=en)" in card and "(progression?run=alice-done&lang=en)" in card
    train = opened({"run": "alice-done"}, "train")
    assert train.selectbox(key="keep_train_watch").value == "alice-done" and "run" not in train.query_params
    progression = opened({"run": "alice-done"}, "progression")
    assert progression.selectbox(key="keep_progression_run").value == "alice-done"
    missing = opened({"run": "nobodys"}, "train")
    assert texts(missing, "warning") == [text("link_run_missing", "en", name="nobodys")]


def recorded_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The files the app's download buttons would give, by file name (what the browser downloads)."""
    found: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            if filename and isinstance(path_or_data, (bytes, str)):
                found[filename] = path_or_data if isinstance(path_or_data, bytes) else path_or_data.encode("utf-8")
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return found


def test_the_join_address_is_the_one_streamlits_config_gives(monkeypatch) -> None:
    monkeypatch.setattr(lesson_controls, "lan_address", lambda: "192.168.1.20")

    def configured(options: dict) -> str:
        """The address with these options set as a teacher would set them (.streamlit/config.toml, flags)."""
        with monkeypatch.context() as patch, patch_config_options(options):
            patch.setattr(lesson_controls.streamlit_config, "is_manually_set", lambda name: name in options)
            return lesson_controls.server_address()

    assert configured({"server.port": 8600}) == "http://192.168.1.20:8600"
    assert configured({"server.address": "0.0.0.0", "server.port": 8600}) == "http://192.168.1.20:8600"  # every interface
    assert configured({"server.address": "10.1.2.3", "server.port": 8600}) == "http://10.1.2.3:8600"
    assert configured({"browser.serverAddress": "gan.school.lan", "browser.serverPort": 80,
                       "server.baseUrlPath": "/lab/"}) == "http://gan.school.lan:80/lab"
    assert lesson_controls.only_this_machine("http://127.0.0.1:8501")
    assert lesson_controls.only_this_machine("http://localhost:8501/x")
    assert not lesson_controls.only_this_machine("http://192.168.1.20:8501")
