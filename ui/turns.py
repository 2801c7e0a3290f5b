"""Page runs take turns at the one interpreter: a bounded number of sessions run the app's code at once, and a
student's own action goes before the live views' polls."""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import threading
from typing import Callable

import streamlit as st

from gan_core.devices import cpu_cores

from .widgets import fragment_run, undo_stale_echoes

# Script runs of all sessions that run the app's code at once (the rest wait their turn, asleep). Every session's
# script runs in a thread of one interpreter, and only one thread runs Python at a time: with 30 students, a
# dozen script threads were waiting for that lock at once, each woken every few milliseconds to ask for it, and
# Streamlit's own thread that sends the pages waited behind them all. On 2 cores (one of them the training's)
# one place keeps every page run steady; with more cores two, so that one run's torch, image encoding or file
# reading overlaps another's Python. `$GAN_LAB_PAGE_TURNS` sets it.
TURNS = int(os.environ.get("GAN_LAB_PAGE_TURNS", "0")) or (1 if cpu_cores() <= 2 else 2)


class Turns:
    """`places` places at the interpreter, handed over in the order asked, except that a page run (a click, a
    visit) goes before every poll that waits (a live view redrawing itself each second). With thirty students
    watching their runs train, the polls alone can keep the places busy; a student who clicks waits for the one
    run in progress, not for the queue of polls."""

    def __init__(self, places: int):
        self._lock = threading.Lock()
        self._free = places
        self._waiting: dict[bool, collections.deque[threading.Lock]] = {False: collections.deque(),
                                                                         True: collections.deque()}

    def acquire(self, poll: bool = False) -> None:
        with self._lock:
            if self._free:  # nobody waits while a place is free: release hands a place straight to a waiter
                self._free -= 1
                return
            ticket = threading.Lock()
            ticket.acquire()
            self._waiting[poll].append(ticket)
        ticket.acquire()  # until release hands this thread its place

    def release(self) -> None:
        with self._lock:
            for poll in (False, True):
                if self._waiting[poll]:
                    self._waiting[poll].popleft().release()
                    return
            self._free += 1


_turns = Turns(TURNS)
_holding = threading.local()


@contextlib.contextmanager
def taking_turns(poll: bool = False):
    """Run the block when one of the TURNS places is free; a thread already holding one goes straight in (a page
    run draws its fragments inline). `poll`: a live view's timed redraw, which lets every waiting page run go first."""
    if getattr(_holding, "depth", 0):
        _holding.depth += 1
        try:
            yield
        finally:
            _holding.depth -= 1
        return
    _turns.acquire(poll)
    _holding.depth, _holding.poll = 1, poll
    try:
        yield
    finally:
        _holding.depth = 0
        _turns.release()


@contextlib.contextmanager
def out_of_turn():
    """Give this thread's place to another page run while it waits for work done elsewhere (a measurement in the
    background thread), and take a turn again before going on."""
    depth = getattr(_holding, "depth", 0)
    if not depth:
        yield
        return
    poll = getattr(_holding, "poll", False)
    _holding.depth = 0
    _turns.release()
    try:
        yield
    finally:
        _turns.acquire(poll)
        _holding.depth = depth


def fragment(render: Callable[..., None], run_every: float | None = None) -> Callable[..., None]:
    """`st.fragment(render, run_every=...)` whose reruns take their turn like page runs do (app.py runs a page
    in its turn; a fragment's rerun runs only the fragment). A fragment that redraws itself every `run_every`
    seconds takes its turn as a poll (a click inside it waits as one too: at most behind the polls asked before it).
    Also a decorator: `@turns.fragment`."""
    @functools.wraps(render)
    def in_turn(*args: object, **kwargs: object) -> None:
        with taking_turns(poll=run_every is not None):
            if fragment_run():  # a page's run did it already, in app.py
                undo_stale_echoes()
            render(*args, **kwargs)

    return st.fragment(in_turn, run_every=run_every)
