"""The classroom in a real browser: two students and a teacher, each in their own browser context,
on one server that has a teacher password. Screenshots go to tests/artifacts/classroom-*.png.

Alice sees her run with Resume; Bob watches it without Resume, keeps his name across a reload and
a page change (the name and its key are in the URL: the first to open ?student=Bob holds the name);
the teacher is refused a wrong password, then unlocks teacher mode and sees the class board with
every run, the queue and the class limits.
"""

from __future__ import annotations

import shutil
import time
from typing import Iterator

import pytest

from gan_core.runs.checkpoints import RunDir

from .test_browser import (ARTIFACTS, WIDTH, assert_no_error, browser, class_folder, drawn, screenshot,  # noqa: F401
                           serve, settle)

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout, expect
except ImportError:  # the `browser` fixture fails in CI without playwright (and skips elsewhere), before any use
    PlaywrightTimeout, expect = TimeoutError, None
PASSWORD = "class-2026"
WAIT_MS = 60_000  # the machine may be busy: wait for what must appear rather than assume it is there


@pytest.fixture(scope="module")
def class_server(tmp_path_factory: pytest.TempPathFactory, small_mnist) -> Iterator[str]:
    """A server over a folder with Alice's finished run and a shipped run, and a teacher password."""
    root = class_folder(tmp_path_factory, "classroom", small_mnist, "alice-run", owner="Alice")
    shutil.copytree(root / "alice-run", root / "class-demo")
    RunDir("class-demo", root).update_info(name="class-demo", owner="", shipped=True)
    yield from serve(root, tmp_path_factory.mktemp("class-log"), GAN_LAB_TEACHER_PASSWORD=PASSWORD)


@pytest.fixture
def contexts(browser):
    opened = []

    def new_page():
        context = browser.new_context(viewport={"width": WIDTH, "height": 900}, device_scale_factor=1)
        opened.append(context)
        return context.new_page()

    yield new_page
    for context in opened:
        context.close()


def pick(page, label: str, option: str) -> None:
    """`choose`, with the patience a busy machine needs. The list opens once the page is drawn: a list opened
    while the browser still lays out the blocks above it closes again when they grow (the page scrolls under
    it), and is opened again, as a person would."""
    box, choice = page.get_by_role("combobox", name=label, exact=True), page.get_by_role("option").filter(has_text=option)
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        drawn(page)
        if page.get_by_role("listbox").count() == 0:
            box.click(timeout=WAIT_MS)
        try:
            choice.first.click(timeout=5_000)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
    settle(page)


def open_as(page, base: str, path: str, student: str | None) -> None:
    query = "lang=en" + (f"&student={student}" if student else "")
    page.goto(f"{base}/{path}?{query}", timeout=180_000)
    settle(page)


def test_two_students_and_a_teacher_each_see_what_they_may_do(class_server: str, contexts) -> None:
    alice, bob, teacher = contexts(), contexts(), contexts()

    open_as(alice, class_server, "train", "Alice")
    expect(alice.get_by_role("textbox", name="Your name")).to_have_value("Alice", timeout=WAIT_MS)
    # the Train page opens on her own newest run, with Resume: it is hers
    expect(alice.get_by_text("Owner: Alice (you)")).to_have_count(1, timeout=WAIT_MS)
    expect(alice.get_by_role("button", name="Resume")).to_have_count(1, timeout=WAIT_MS)
    assert_no_error(alice, "alice train")
    screenshot(alice, "classroom-alice-train")

    open_as(bob, class_server, "train", "Bob")
    pick(bob, "Run", "alice-run")
    bob.get_by_text("only Alice or the teacher can resume it").wait_for()
    settle(bob)
    assert bob.get_by_role("button", name="Resume").count() == 0  # Alice's: watch only
    screenshot(bob, "classroom-bob-watches-alice")
    bob.reload(timeout=180_000)
    settle(bob)
    expect(bob.get_by_role("textbox", name="Your name")).to_have_value("Bob", timeout=WAIT_MS)  # it is in the URL
    bob.get_by_role("link", name="Runs").first.click()
    settle(bob)
    expect(bob.get_by_role("textbox", name="Your name")).to_have_value("Bob", timeout=WAIT_MS)
    assert "student=Bob" in bob.url and "key=" in bob.url
    assert_no_error(bob, "bob runs")

    open_as(teacher, class_server, "board", None)
    assert "student=" not in teacher.url and "key=" not in teacher.url  # a made-up name is nobody's: not in the address
    teacher.get_by_text("Teacher mode", exact=True).click()
    teacher.get_by_role("textbox", name="Teacher password").fill("not it")
    teacher.get_by_role("button", name="Unlock teacher mode").click()
    settle(teacher)
    expect(teacher.get_by_text("Wrong password. You can try again in 1 s.")).to_have_count(1, timeout=WAIT_MS)
    # the box is emptied by the refusal (the browser may show the refusal a moment before it empties the box)
    expect(teacher.get_by_role("textbox", name="Teacher password")).to_have_value("", timeout=WAIT_MS)
    assert "not it" not in teacher.content()
    screenshot(teacher, "classroom-teacher-wrong-password", whole=False)
    # the right password, tried until the 1 s wait is over: an attempt during the wait is refused unchecked (and
    # adds no wait), so each refusal says only that the wait is not over yet
    unlocked, deadline = teacher.get_by_text("Class limits", exact=True), time.monotonic() + WAIT_MS / 1000
    box = teacher.get_by_role("textbox", name="Teacher password")
    while not unlocked.count():
        assert time.monotonic() < deadline, "the right password never unlocked teacher mode"
        try:
            if not box.is_visible():
                teacher.get_by_text("Teacher mode", exact=True).click(timeout=5_000)
            box.fill(PASSWORD, timeout=5_000)
            teacher.get_by_role("button", name="Unlock teacher mode").click(timeout=5_000)
        except PlaywrightTimeout:
            pass  # unlocked meanwhile: the box and its button are gone
        settle(teacher)
    unlocked.wait_for()
    teacher.get_by_text("Most epochs per run").wait_for()
    assert PASSWORD not in teacher.content()
    # the board shows Alice's run as a card (the shipped runs are apart, folded away by default)
    teacher.locator('[class*="st-key-board_card_alice-run"]').wait_for(timeout=WAIT_MS)
    assert_no_error(teacher, "teacher board")
    screenshot(teacher, "classroom-teacher-board")
