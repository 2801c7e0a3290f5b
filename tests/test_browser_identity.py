"""Held names and the teacher's pass in a real browser (Chromium at 1280x720, a projector's size), on one server
with a teacher password. Screenshots go to tests/artifacts/identity-*.png; look at them.

anna opens her link and starts a run; an impostor in another browser types "anna": refused in one sentence,
and watching anna's runs they get no Stop and no Delete; anna reloads and is still anna, with her Stop. The
teacher's lock is in view at the top of the sidebar, Enter in the password box unlocks, a reload keeps teacher
mode (a cookie, never the address), and a board link opens a run in the teacher's own session.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest

from ui.i18n import STRINGS

from .test_browser import ARTIFACTS, assert_no_error, browser, class_folder, drawn, serve, settle  # noqa: F401 - browser: a fixture
from .test_browser_classroom import WAIT_MS, pick

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture fails in CI without playwright (and skips elsewhere), before any use
    expect = None
PASSWORD = "lesson-7"
VIEWPORT = {"width": 1280, "height": 720}


@pytest.fixture(scope="module")
def class_server(tmp_path_factory: pytest.TempPathFactory, small_mnist) -> Iterator[str]:
    """A server over a folder with a finished run of anna's, and a teacher password."""
    root = class_folder(tmp_path_factory, "identity", small_mnist, "anna-done", owner="anna")
    yield from serve(root, tmp_path_factory.mktemp("identity-log"), GAN_LAB_TEACHER_PASSWORD=PASSWORD)


@pytest.fixture
def pages(browser):  # noqa: F811 - the browser fixture
    """A new browser (its own cookies) per call: anna, the impostor and the teacher are different people."""
    opened = []

    def new_page():
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        opened.append(context)
        return context.new_page()

    yield new_page
    for context in opened:
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / f"identity-{name}.png"))


def name_box(page):
    return page.get_by_role("textbox", name="Your name")


def test_an_impostor_typing_anna_cannot_manage_her_runs_and_anna_stays_anna_after_a_reload(class_server, pages) -> None:
    anna = pages()
    anna.goto(f"{class_server}/train?lang=en&student=anna", timeout=180_000)
    drawn(anna)
    expect(name_box(anna)).to_have_value("anna", timeout=WAIT_MS)
    assert re.search(r"[?&]key=[A-Za-z0-9_-]{22}(&|$)", anna.url), anna.url  # her key, kept by her address
    anna.get_by_role("button", name="Start").click()
    expect(anna.get_by_role("button", name="Stop")).to_have_count(1, timeout=WAIT_MS)  # her run: hers to stop
    settle(anna)
    shot(anna, "anna-started")

    impostor = pages()
    impostor.goto(f"{class_server}/?lang=en", timeout=180_000)
    drawn(impostor)
    expect(name_box(impostor)).not_to_have_value("", timeout=WAIT_MS)  # the session's first run gives it a made-up name
    made_up = name_box(impostor).input_value()
    name_box(impostor).fill("anna")
    name_box(impostor).press("Enter")
    expect(impostor.get_by_text("The name 'anna' is already held by another student.", exact=False)).to_have_count(
        1, timeout=WAIT_MS)
    expect(name_box(impostor)).to_have_value(made_up, timeout=WAIT_MS)  # kept their own name
    assert "anna" not in impostor.url
    shot(impostor, "impostor-refused")
    impostor.get_by_role("link", name="Train").first.click()
    drawn(impostor)
    pick(impostor, "Run", "anna-sngan-1")
    expect(impostor.get_by_text("Only anna or the teacher can stop this run.")).to_have_count(1, timeout=WAIT_MS)
    assert impostor.get_by_role("button", name="Stop").count() == 0
    shot(impostor, "impostor-watches-anna")
    impostor.get_by_role("link", name="Runs").first.click()
    drawn(impostor)
    pick(impostor, "Run", "anna-done")
    expect(impostor.get_by_text("only anna or the teacher can rename or delete it", exact=False)).to_have_count(
        1, timeout=WAIT_MS)
    assert impostor.get_by_role("button", name="Delete").count() == 0
    assert_no_error(impostor, "impostor runs")

    anna.reload(timeout=180_000)
    drawn(anna)
    expect(name_box(anna)).to_have_value("anna", timeout=WAIT_MS)  # the key in the address: still anna
    expect(anna.get_by_role("button", name="Stop")).to_have_count(1, timeout=WAIT_MS)
    anna.get_by_role("button", name="Stop").click()
    settle(anna)


def test_the_teacher_unlocks_with_enter_at_the_top_of_the_sidebar_and_stays_after_a_reload(class_server, pages) -> None:
    teacher = pages()
    teacher.goto(f"{class_server}/board?lang=en", timeout=180_000)
    drawn(teacher)
    lock = teacher.get_by_text("Teacher mode", exact=True)
    box = lock.bounding_box()
    assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"], box  # in view without scrolling
    shot(teacher, "teacher-locked")
    lock.click()
    password = teacher.get_by_role("textbox", name="Teacher password")
    password.fill(PASSWORD)
    password.press("Enter")  # no click: Enter submits
    leave = teacher.get_by_role("button", name="Leave teacher mode")
    expect(leave).to_have_count(1, timeout=WAIT_MS)
    drawn(teacher)
    cookie = {c["name"]: c["value"] for c in teacher.context.cookies()}.get("gan_lab_teacher")
    assert cookie and len(cookie) >= 43
    assert "key=" not in teacher.url and "student=" not in teacher.url and cookie not in teacher.url
    assert PASSWORD not in teacher.content() and cookie not in teacher.inner_text("body")
    teacher.get_by_text("How to join: address and QR code").click()
    drawn(teacher)
    shot(teacher, "teacher-unlocked")

    teacher.reload(timeout=180_000)  # the cookie comes back with the page: still the teacher
    drawn(teacher)
    expect(teacher.get_by_role("button", name="Leave teacher mode")).to_have_count(1, timeout=WAIT_MS)
    expect(teacher.get_by_text("The lesson", exact=True)).to_have_count(1, timeout=WAIT_MS)
    assert "key=" not in teacher.url

    projector = teacher.context.new_page()  # the board's "Train" link opens a new tab of the same browser
    projector.goto(f"{class_server}/train?run=anna-done&lang=en", timeout=180_000)
    drawn(projector)
    expect(projector.get_by_role("button", name="Leave teacher mode")).to_have_count(1, timeout=WAIT_MS)
    model = re.escape(STRINGS["model_short_mlp"]["en"])  # the run's caption names its model as the form's options do
    expect(projector.get_by_text(re.compile(rf"^{model} · .*Owner: anna$"))).to_have_count(1, timeout=WAIT_MS)
    assert "key=" not in projector.url and "student=" not in projector.url
    assert_no_error(projector, "projector train")
    shot(projector, "projector-run")
    projector.close()
    leave = teacher.get_by_role("button", name="Leave teacher mode")
    leave.click()
    expect(teacher.get_by_text("Teacher mode", exact=True)).to_have_count(1, timeout=WAIT_MS)
    teacher.wait_for_function("() => !document.cookie.includes('gan_lab_teacher=')", timeout=WAIT_MS)
