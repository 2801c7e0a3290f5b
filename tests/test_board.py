"""The class board through AppTest: a card for every run of the class, the queue with each waiting run's place,
the shipped runs where the teacher put them, pages and orders, and not one raw Python value in what it shows.

The runs are real: one tiny measured run trained for this module, copied under other owners and states (a stopped
run, a run of another dataset, a run whose run.json is broken, a shipped one); queued runs are real jobs of the
app's job manager.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from gan_core.classroom.access import Actor
from gan_core.classroom.lesson import set_shipped_on_board
from gan_core.config import TrainConfig
from gan_core.eval.curves import load_history
from gan_core.eval.metrics import training_evaluator
from gan_core.runs.checkpoints import RunDir
from gan_core.trainer import Trainer
from ui import board_rows

from .helpers import wait_until
from .test_app import APP, TRAINING_TIMEOUT, job_manager, jobs, text  # noqa: F401 - job_manager, jobs: fixtures

TEACHER = Actor("Ms Smith", teacher=True)
RAW_VALUES = re.compile(r"\b(None|True|False|nan|NaN|inf|null|undefined)\b|\{[a-z_]+\}")
# Fields of an element that are not text a person reads (ids, media addresses, form and widget plumbing)
NOT_READ = {"id", "formId", "url", "src", "markup", "scriptRunId", "deltaPath", "fragmentId", "key", "type"}


@pytest.fixture(scope="module")
def class_runs(tmp_path_factory: pytest.TempPathFactory, small_mnist) -> Path:
    """Anna's measured one-epoch run, then copies: Boris's stopped run, Vera's run of another dataset, a broken
    run, and a shipped run."""
    root = tmp_path_factory.mktemp("board-runs")
    config = TrainConfig(model="mlp", epochs=1, batch_size=128, device="cpu", latent_dim=8)
    Trainer.create(config, RunDir("anna-run", root), owner="Anna", data=small_mnist,
                   evaluate=training_evaluator(config.dataset)).train()
    copy(root, "boris-run", "Boris", status="stopped")
    copy(root, "vera-fashion", "Vera", dataset="fashion-mnist")
    copy(root, "shipped-one", "", shipped=True)
    (root / "broken-run").mkdir()
    (root / "broken-run" / "run.json").write_text("{not json", encoding="utf-8")
    return root


def copy(root: Path, name: str, owner: str, dataset: str | None = None, **info: object) -> None:
    """A copy of anna-run under another name, owner, status or dataset (its run.json rewritten)."""
    shutil.copytree(root / "anna-run", root / name)
    path = root / name / "run.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(name=name, owner=owner, **info)
    if dataset:
        data["config"]["dataset"] = dataset
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def board_class(class_runs: Path, checkpoints: Path) -> Path:
    shutil.copytree(class_runs, checkpoints, dirs_exist_ok=True)
    return checkpoints


def board(language: str = "en", **state: object) -> AppTest:
    """A fresh session on the class board (one user, no class password: the teacher's view)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = language
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("ui/pages/board.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def blocks(node, suffix: str) -> list:
    """Every container under `node` whose key ends the block's id with `suffix` (keys are `-<key>` at the end)."""
    found = []
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            if re.search(rf"-{suffix}$", getattr(child.proto, "id", "") or ""):
                found.append(child)
            found.extend(blocks(child, suffix))
    return found


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def cards(at: AppTest, grid: str = "board_grid") -> dict[str, str]:
    """{run name: what its card says under its picture} of one grid of the board, in the order shown."""
    [holder] = blocks(at.main, grid) or [None]
    if holder is None:
        return {}
    found = {}
    for card in blocks(holder, "board_card_.+"):
        name = re.search(r"-board_card_(.+)$", card.proto.id).group(1)
        found[name] = unescaped(str(card.get("markdown")[-1].value))  # its text, under its picture
    return found


def queue_texts(at: AppTest) -> list[str]:
    return [unescaped(str(m.value)) for m in at.main.get("markdown") if ":material/hourglass_top:" in str(m.value)]


def visible_strings(node) -> list[str]:
    """Every string of every element on the page: values, labels, options, help, captions."""
    found = []
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            found.extend(visible_strings(child))
        proto = getattr(child, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            found.extend(strings_of(MessageToDict(proto)))
    return found


def strings_of(value: object, field: str = "") -> list[str]:
    if isinstance(value, str):
        return [] if field in NOT_READ else [value]
    if isinstance(value, dict):
        return [s for name, item in value.items() for s in strings_of(item, name)]
    if isinstance(value, list):
        return [s for item in value for s in strings_of(item, field)]
    return []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_queued_run_is_listed_with_its_place_and_no_raw_python_value_shows(board_class, jobs, language) -> None:
    busy = jobs.submit(TrainConfig(model="mlp", epochs=1000, batch_size=64, device="cpu", latent_dim=8), "teachers",
                       board_class, by=TEACHER)
    jobs.submit(TrainConfig(model="mlp", epochs=2, device="cpu"), "bobs-next", board_class, by=Actor("Bob"))
    jobs.submit(TrainConfig(model="mlp", epochs=2, device="cpu"), "annas-next", board_class, by=Actor("Anna"))
    wait_until(lambda: busy.state == "running", TRAINING_TIMEOUT)
    at = board(language)
    queue = [text("board_queue_item", language, place=place, name=name, owner=owner)
             for place, name, owner in ((1, "bobs-next", "Bob"), (2, "annas-next", "Anna"))]
    [line] = queue_texts(at)
    assert text("board_queue_line", language) in line and line.index(queue[0]) < line.index(queue[1]), line
    shown = cards(at)
    assert set(shown) == {"anna-run", "boris-run", "vera-fashion", "broken-run", "teachers"}  # waiting: in the queue only
    assert text("board_samples_soon", language) in "".join(str(m.value) for m in at.main.get("markdown"))  # teachers'
    assert text("status_stopped", language) in shown["boris-run"]
    assert text("board_quality_not_digits", language) in shown["vera-fashion"]
    assert text("status_broken", language) in shown["broken-run"]
    everything = visible_strings(at.main)
    raw = [s for s in everything if RAW_VALUES.search(unescaped(s))]
    assert not raw, raw
    for name in ("bobs-next", "annas-next", "teachers"):
        jobs.stop(name, board_class, by=TEACHER)


def test_a_card_says_its_quality_under_full_titles_and_opens_the_run(board_class) -> None:
    at = board("ru")
    anna = cards(at)["anna-run"]
    record = board_rows._last_quality(list(json_history(board_class / "anna-run")))
    assert record, "the tiny run was measured at its epoch's end"
    assert "**Anna**" in anna
    assert f"{text('metric_fid_ratio')}: **{record['fid_ratio']:.1f}×**" in anna
    assert f"{text('metric_classes_covered')}: **{int(record['classes_covered'])} из 10**" in anna
    assert f"{text('metric_mean_confidence')}: **{record['mean_confidence']:.0%}**" in anna
    assert "(train?run=anna-run&lang=ru)" in anna and "(progression?run=anna-run&lang=ru)" in anna
    assert text("board_covered_value", n=10) not in cards(at)["broken-run"]  # a broken run has no numbers
    assert "progression?" not in cards(at)["broken-run"]  # nor epochs to show


def json_history(folder: Path) -> list[dict]:
    """The epoch records the run's training kept, as the board reads them."""
    return list(load_history(RunDir(folder.name, folder.parent)).epochs)


def test_the_shipped_runs_stand_apart_below_by_default_and_where_the_teacher_puts_them(board_class) -> None:
    at = board()
    assert "shipped-one" not in cards(at) and list(cards(at, "board_shipped_grid")) == ["shipped-one"]
    assert text("board_shipped_owner", "en") in cards(at, "board_shipped_grid")["shipped-one"]
    set_shipped_on_board("hidden", board_class, by=TEACHER)
    at.run()
    assert "shipped-one" not in cards(at) and not cards(at, "board_shipped_grid")
    set_shipped_on_board("ranked", board_class, by=TEACHER)
    at.run()
    assert "shipped-one" in cards(at) and not cards(at, "board_shipped_grid")


def test_more_runs_than_a_page_holds_go_on_pages_and_the_order_is_the_viewers_choice(board_class) -> None:
    for index in range(board_rows.PAGE_SIZE):  # with anna, boris, vera and the broken run: 16 cards, two pages
        shutil.copytree(board_class / "anna-run", board_class / f"pupil-{index:02d}")
        RunDir(f"pupil-{index:02d}", board_class).update_info(name=f"pupil-{index:02d}", owner=f"Pupil {index:02d}")
    at = board()
    first = cards(at)
    assert len(first) == board_rows.PAGE_SIZE
    at.button_group(key="board_page").set_value(2).run()
    second = cards(at)
    assert len(second) == 16 - board_rows.PAGE_SIZE and not set(first) & set(second)
    assert text("board_shown", "en", places="13–16", total=16) in [str(c.value) for c in at.caption]
    at.button_group(key="board_order").set_value("owner").run()
    at.button_group(key="board_page").set_value(1).run()
    owners = [re.search(r"\*\*(.+?)\*\*", card).group(1) for card in cards(at).values()]
    assert owners[:3] == ["Anna", "Boris", "Pupil 00"], owners


def test_a_sample_grid_is_encoded_once_per_snapshot_file_for_every_session(board_class, monkeypatch) -> None:
    encoded: list[int] = []
    real_png = board_rows.png
    monkeypatch.setattr(board_rows, "png", lambda image: encoded.append(1) or real_png(image))
    board()
    assert len(encoded) == 4  # anna-run, boris-run, vera-fashion and shipped-one; the broken run has no samples
    board().run()  # a second session, and its poll
    assert len(encoded) == 4
    snapshot = RunDir("anna-run", board_class).snapshot_path(1)
    os.utime(snapshot, ns=(snapshot.stat().st_atime_ns, snapshot.stat().st_mtime_ns + 1_000_000_000))
    again = board()  # the training wrote that epoch again: seen within the board's second of freshness
    wait_until(lambda: again.run() and len(encoded) > 4, timeout=30)
    assert len(encoded) == 5
