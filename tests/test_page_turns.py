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
    monkeypatch.setattr(turns, "_turns", threading.BoundedSemaphore(1))  # one place, as on 2 cores
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
