"""A class's page runs take turns at the server's one interpreter (ui/turns.py, taking_turns)."""

from __future__ import annotations

import threading

import pytest

from ui import turns

from .helpers import wait_until


def test_at_most_turns_page_runs_at_once_and_a_page_drawing_its_fragment_does_not_wait_for_itself():
    """Three times as many page runs as places arrive; the first ones stay inside until the test has seen every run
    arrive and the places filled, so a semaphore that let more in would show it, with no timing involved."""
    inside, most, arrived, lock = 0, 0, 0, threading.Lock()
    let_go = threading.Event()

    def page_run() -> None:
        nonlocal inside, most, arrived
        with lock:
            arrived += 1
        with turns.taking_turns():
            with lock:
                inside += 1
                most = max(most, inside)
            with turns.taking_turns():  # a fragment drawn inline by its page: no second place, no deadlock
                assert let_go.wait(10)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=page_run) for _ in range(3 * turns.TURNS)]
    for thread in threads:
        thread.start()
    wait_until(lambda: arrived == len(threads) and inside >= turns.TURNS, timeout=10)
    let_go.set()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads)
    assert most == turns.TURNS


def test_a_page_that_fails_or_is_stopped_gives_its_place_back():
    for _ in range(turns.TURNS + 1):
        with pytest.raises(RuntimeError):
            with turns.taking_turns():
                raise RuntimeError("a page stopped by a rerun")
    done = threading.Event()

    def later_run() -> None:
        with turns.taking_turns():
            done.set()

    threading.Thread(target=later_run).start()
    assert done.wait(5)


def test_a_page_waiting_for_a_background_measurement_lets_the_others_run_meanwhile(monkeypatch):
    monkeypatch.setattr(turns, "_turns", turns.Turns(1))  # one place, as on 2 cores
    measured, other_ran = threading.Event(), threading.Event()

    def other_page() -> None:
        with turns.taking_turns():
            other_ran.set()

    with turns.taking_turns():
        other = threading.Thread(target=other_page)
        other.start()
        with turns.out_of_turn():  # as cache.measured waits for the measuring thread
            assert other_ran.wait(5)
            measured.set()
        with turns.taking_turns():  # the place is this thread's again, as deep as before
            pass
    other.join(5)
    assert measured.is_set()


def test_a_click_goes_before_the_live_views_polls_that_wait(monkeypatch):
    """One place, held; three polls ask for it, then two page runs: the page runs get it first, in the order they
    asked, then the polls in theirs. With thirty live views polling, a student's click waits for the run in progress,
    not behind the queue of polls."""
    places = turns.Turns(1)
    monkeypatch.setattr(turns, "_turns", places)
    order, lock = [], threading.Lock()

    def run(name: str, poll: bool) -> None:
        with turns.taking_turns(poll=poll):
            with lock:
                order.append(name)

    def queued() -> int:
        with places._lock:
            return sum(len(waiting) for waiting in places._waiting.values())

    threads = []
    with turns.taking_turns():  # a page run in progress holds the one place
        for index, (name, poll) in enumerate([("poll 1", True), ("poll 2", True), ("poll 3", True),
                                              ("page 1", False), ("page 2", False)]):
            threads.append(threading.Thread(target=run, args=(name, poll)))
            threads[-1].start()
            wait_until(lambda: queued() == index + 1, timeout=5)  # each in the queue before the next asks
    for thread in threads:
        thread.join(5)
    assert order == ["page 1", "page 2", "poll 1", "poll 2", "poll 3"]
    with turns.taking_turns(poll=True):  # every place was given back: a poll now goes straight in
        pass
