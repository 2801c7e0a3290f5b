"""The Latent explorer of the shipped conditional run in a real browser: the digit picker and the style grid.

The server has a checkpoints folder with only `pretrained-cgan` in it (as a fresh clone would open it).
Screenshots go to tests/artifacts/ (git ignores it): look at latent-style-grid-en.png.
"""

from __future__ import annotations

import shutil
from typing import Iterator

import pytest

from .test_browser import (ROOT, assert_no_error, browser, image_sources, open_page, page, screenshot,  # noqa: F401
                           serve, settle, wait_for_another_picture)

SHIPPED = "pretrained-cgan"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a checkpoints folder holding only the shipped conditional run (what a fresh clone opens)."""
    root = tmp_path_factory.mktemp("browser-cgan")
    shutil.copytree(ROOT / "checkpoints" / SHIPPED, root / SHIPPED)
    yield from serve(root, tmp_path_factory.mktemp("browser-cgan-log"))


def test_the_digit_picker_and_the_style_grid_of_the_shipped_conditional_run(server: str, page) -> None:
    open_page(page, server, "latent", "en")
    assert_no_error(page, "latent")
    page.locator('[data-testid="stImage"] img').first.wait_for()
    seven = image_sources(page)[0]
    picker = page.locator('[data-testid="stButtonGroup"]').first  # the digit picker: buttons 0-9
    picker.wait_for()
    picker.locator("button").filter(has_text="3").first.click()
    wait_for_another_picture(page, seven, "the digit did not change after picking 3")
    settle(page)
    page.get_by_text("but 3 was asked for").or_(page.get_by_text("asked for 3 ✓")).first.wait_for()
    screenshot(page, "latent-digit-picker-en")

    page.get_by_text("Style × digit", exact=True).click()
    settle(page)
    page.get_by_text("Columns left to right: digits 0, 1, …, 9; rows: different z.").wait_for()
    assert_no_error(page, "style grid")
    grid = page.locator('[data-testid="stImage"] img').first
    box = grid.bounding_box()
    assert box is not None and box["width"] >= 600  # ten columns a class can read
    screenshot(page, "latent-style-grid-en")
