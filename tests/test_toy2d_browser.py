"""The 2D lab in a real browser (`streamlit run app.py`, Debian's Chromium): while Play runs, every frame shows the
plane with its points (what only a browser shows: the picture, not the data sent), Streamlit's English running
corner stays hidden, and Pause stops it. Without Chromium the test is skipped on a workstation and fails in CI."""

from __future__ import annotations

import io
import re
from typing import Iterator

import numpy as np
import pytest

from .test_browser import (ARTIFACTS, assert_no_error, browser, open_page, page, screenshot, serve,  # noqa: F401
                           settle)

REAL, FAKE = (26, 152, 80), (123, 50, 148)  # ui/toy2d_figure.py's colours of the data and of G's points
FRAMES = 20  # screenshots of the playing plane
MOVES = 5  # frames of Play they must span at least
STATUS = re.compile(r"^Round \d+:")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(tmp_path_factory.mktemp("toy2d-checkpoints"), tmp_path_factory.mktemp("toy2d-log"))


def coloured_pixels(png: bytes, colour: tuple[int, int, int]) -> int:
    """How many pixels of a screenshot are (nearly) this colour."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)
    return int((np.abs(pixels - np.array(colour)).sum(axis=2) < 60).sum())


def test_every_frame_while_playing_shows_the_plane_with_its_points_and_pause_stops_it(server: str, page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    open_page(page, server, "toy2d", "en")
    assert_no_error(page, "toy2d")
    plane = page.locator(".st-key-toy2d_plane").first  # the plane's place on the page, whatever draws it
    plane.wait_for()

    def rounds() -> int:
        return int(page.get_by_text(STATUS).first.inner_text().split()[1].rstrip(":"))

    assert rounds() == 0
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").first.wait_for(timeout=60_000)
    corner = page.locator('[data-testid="stStatusWidget"]')
    plane.scroll_into_view_if_needed()
    # Screenshots of the plane's place on the screen, back to back and not timed to the frames (as a person sees
    # it: whatever is there at that moment), until FRAMES of them have been taken over at least MOVES rounds.
    samples: list[tuple[int, int, bool]] = []
    shown: set[str] = set()
    while len(samples) < FRAMES or len(shown) < MOVES:
        assert len(samples) < 20 * FRAMES, f"the lab showed only {len(shown)} frames in {len(samples)} screenshots"
        picture = page.screenshot(clip=plane.bounding_box())  # where the plane is now (without waiting for it)
        shown.add(page.get_by_text(STATUS).first.inner_text())
        samples.append((coloured_pixels(picture, REAL), coloured_pixels(picture, FAKE), corner.is_visible()))
        if len(samples) == FRAMES // 2:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / "toy2d-playing-plane-en.png").write_bytes(picture)
    blank = [i for i, (real, fake, _) in enumerate(samples) if real < 200 or fake < 100]
    assert not blank, f"screenshots {blank} of {len(samples)} showed no points on the plane: {samples}"
    assert not any(corner for _, _, corner in samples), "Streamlit's running corner showed while playing"
    assert rounds() > 0
    assert_no_error(page, "toy2d playing")
    page.screenshot(path=str(ARTIFACTS / "toy2d-playing-en.png"))

    pause = page.get_by_role("button", name="Pause").first
    pause.click()
    try:
        page.get_by_role("button", name="Play").first.wait_for(timeout=30_000)
    except PlaywrightTimeout:  # a press can still be lost while frames stream in: press again, as a user would
        if pause.is_visible():
            pause.click()
        page.get_by_role("button", name="Play").first.wait_for(timeout=120_000)
    settle(page)
    assert "toy2d" in page.url and "dist=ring8" in page.url  # the setup is in the address, ready to share
    assert_no_error(page, "toy2d paused")
    screenshot(page, "toy2d-paused-en")  # the whole page, to look at
