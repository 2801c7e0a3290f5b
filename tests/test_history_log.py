"""A run's log as the pages read it (gan_core.history.read_log / read_progress): once per server, then only
the bytes a worker appended; a sidebar asking every run's progress copies no history, and a class's worth
of runs read in turn never makes a reader parse its whole log again."""

from __future__ import annotations

from pathlib import Path

import pytest

from gan_core import history as history_module
from gan_core.history import History, LogWriter, Progress, read_log, read_progress


def progress(step: int) -> Progress:
    return Progress(epoch=0, epochs=10, step_in_epoch=step, steps_per_epoch=100, global_step=step, train_seconds=step / 10,
                    steps_per_second=10.0)


def test_the_log_is_read_incrementally_and_progress_alone_copies_no_history(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    writer = LogWriter(path, History())
    writer.steps([[1.0, 2.0, 0.5, 0.5, 0.1]] * 3, progress(3))
    first = read_log(path)
    assert len(first.history.loss_d) == 3 and first.progress.global_step == 3
    assert read_log(path) is first  # nothing new: the same snapshot for every page

    writer.steps([[1.5, 2.5, 0.6, 0.4, 0.2]] * 2, progress(5))
    writer.epoch({"epoch": 1, "fid": 9.0})
    assert read_progress(path).global_step == 5  # the sidebar's question
    latest = read_log(path)
    assert latest is not first and len(latest.history.loss_d) == 5 and latest.history.epochs == [{"epoch": 1, "fid": 9.0}]
    assert len(first.history.loss_d) == 3  # a page still drawing the older snapshot keeps what it had
    writer.close()

    path.write_text("")  # rewritten shorter (a resume): read again from the start
    assert read_progress(path) is None and read_log(path).history.loss_d == []


def test_a_class_of_runs_read_in_turn_keeps_every_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    original = history_module._Reader._apply
    monkeypatch.setattr(history_module._Reader, "_apply", lambda self, record: (parsed.append(1), original(self, record)))
    runs = 40  # more than the most one GPU trains at once (32)
    paths = []
    for index in range(runs):
        path = tmp_path / f"run-{index}" / "history.jsonl"
        path.parent.mkdir()
        writer = LogWriter(path, History())
        writer.steps([[0.0] * 5] * 10, progress(10))
        writer.close()
        paths.append(path)
    for _ in range(3):  # three sidebars' polls, each reading every run's progress in turn
        assert all(read_progress(path).global_step == 10 for path in paths)
    assert len(parsed) == runs  # each log parsed once, never again from the start
