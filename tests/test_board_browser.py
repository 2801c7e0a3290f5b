"""The class board in a real browser at a projector's 1280 x 720, in Russian and English, with a class of twelve
runs: every run's card is on the page (none held in a box that scrolls by itself, none past the page's right
edge), no text in the board is cut, and the grid takes more cards a row in a wider window. Screenshots go to
tests/artifacts/board-*.png; look at them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from gan_core.eval.metrics import training_evaluator
from ui.board_rows import PAGE_SIZE

from .test_browser import ARTIFACTS, browser, class_folder, drawn, serve  # noqa: F401 - browser: a fixture

PROJECTOR = {"width": 1280, "height": 720}
WIDE = {"width": 1920, "height": 1080}
# A class as a lesson has it: Russian and English names, a long name and a long run name, a stopped run.
OWNERS = ("Анна", "Boris", "Екатерина Александровна", "Дмитрий", "Eve", "Фёдор", "Gleb", "Hanna", "Ирина", "Jan",
          "Ksenia", "Лев")
LONG_RUN = "ekaterina-aleksandrovna-очень-длинное-имя-запуска-3"

# Everything about the cards a test asserts, measured in the page: the scrolling boxes that hold a card (Streamlit's
# page scroller, stMain, is the page itself), the cards' boxes against the page's, and any board text wider than its
# box (block elements by their scroll width, every piece of text by its own rectangles against its card or the board).
MEASURE = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const board = document.querySelector('.st-key-board');
    const cards = [...document.querySelectorAll('[class*="st-key-board_card_"]')];
    const page = main.getBoundingClientRect();
    const scrollers = new Set();
    for (const card of cards) {
        for (let node = card.parentElement; node && node !== main; node = node.parentElement) {
            const style = getComputedStyle(node);
            if (/(auto|scroll)/.test(style.overflowX + style.overflowY)) scrollers.add(node.className || node.tagName);
        }
    }
    const outside = cards.filter(card => {
        const box = card.getBoundingClientRect();
        return box.left < page.left - 0.5 || box.right > page.left + main.clientWidth + 0.5;
    }).map(card => card.className);
    const cut = [];
    for (const element of board.querySelectorAll('p, label, button, h1, h2, h3, li, [data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"]')) {
        if (element.offsetParent !== null && element.scrollWidth > element.clientWidth + 1)
            cut.push(`${element.tagName}: ${element.textContent.slice(0, 60)} (${element.scrollWidth} > ${element.clientWidth})`);
    }
    const walker = document.createTreeWalker(board, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const holder = node.parentElement.closest('[class*="st-key-board_card_"]') || board;
        const box = holder.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) {
            if (rect.width && (rect.left < box.left - 1 || rect.right > box.right + 1))
                cut.push(`text: ${node.textContent.slice(0, 60)} (${Math.round(rect.left)}..${Math.round(rect.right)} outside ${Math.round(box.left)}..${Math.round(box.right)})`);
        }
    }
    const firstTop = cards.length ? Math.round(cards[0].getBoundingClientRect().top) : 0;
    return {cards: cards.map(card => card.className.match(/st-key-board_card_(\\S+)/)[1]),
            scrollers: [...scrollers], outside, cut,
            pageScrollsSideways: main.scrollWidth > main.clientWidth + 1
                || document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
            firstRow: cards.filter(card => Math.round(card.getBoundingClientRect().top) === firstTop).length};
}"""


@pytest.fixture(scope="module")
def board_server(tmp_path_factory: pytest.TempPathFactory, small_mnist) -> Iterator[str]:
    """A server over twelve students' runs (one tiny measured run, copied under each owner) and a shipped run."""
    root = class_folder(tmp_path_factory, "board", small_mnist, "first", owner="",
                        evaluate=training_evaluator("mnist-5k"))
    for index, owner in enumerate(OWNERS):
        name = LONG_RUN if index == 2 else f"run-{index + 1:02d}"
        copy_run(root, name, owner=owner, status="stopped" if index == 4 else "finished")
    copy_run(root, "shipped-demo", owner="", shipped=True)
    shutil.rmtree(root / "first")
    yield from serve(root, tmp_path_factory.mktemp("board-log"))


def copy_run(root: Path, name: str, **info: object) -> None:
    shutil.copytree(root / "first", root / name)
    path = root / name / "run.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "name": name, **info}), encoding="utf-8")


def css_class(name: str) -> str:
    """A card's key as Streamlit writes it into a CSS class (letters other than ASCII become "-")."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"board-{name}.png"))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_card_is_on_the_page_at_1280_by_720_and_no_board_text_is_cut(board_server, browser, language) -> None:
    context = browser.new_context(viewport=PROJECTOR, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(f"{board_server}/board?lang={language}", timeout=180_000)
        page.locator('[class*="st-key-board_card_"]').first.wait_for(timeout=180_000)
        drawn(page)
        seen = page.evaluate(MEASURE)
        assert len(OWNERS) == PAGE_SIZE  # the class fills one page: every card of it is on this one
        names = [LONG_RUN, *(f"run-{i + 1:02d}" for i in range(12) if i != 2), "shipped-demo"]
        assert sorted(seen["cards"]) == sorted(css_class(name) for name in names), seen["cards"]
        assert not seen["scrollers"], f"cards sit in boxes that scroll by themselves: {seen['scrollers']}"
        assert not seen["outside"] and not seen["pageScrollsSideways"], seen["outside"]
        assert not seen["cut"], seen["cut"]
        shot(page, f"{language}-1280-top")
        page.locator('[class*="st-key-board_shipped_grid"]').scroll_into_view_if_needed()
        drawn(page)
        shot(page, f"{language}-1280-shipped")
        narrow = seen["firstRow"]
        page.set_viewport_size(WIDE)
        drawn(page)
        wide = page.evaluate(MEASURE)
        assert wide["firstRow"] > narrow >= 3, (narrow, wide["firstRow"])  # the grid follows the window's width
        assert not wide["scrollers"] and not wide["outside"] and not wide["cut"], wide
        page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
        drawn(page)
        shot(page, f"{language}-1920-top")
    finally:
        context.close()
