"""The Latent explorer of the shipped conditional run in a real browser: the digit picker and the style grid.

The server has a checkpoints folder with only `pretrained-cgan` in it (as a fresh clone would open it).
Screenshots go to tests/artifacts/ (git ignores it): look at latent-style-grid-en.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from .test_browser import (ROOT, STARTUP_SECONDS, assert_no_error, browser, free_port, image_sources,  # noqa: F401
                           open_page, page, screenshot, settle)

SHIPPED = "pretrained-cgan"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser-cgan")
    shutil.copytree(ROOT / "checkpoints" / SHIPPED, root / SHIPPED)
    log_path = root.parent / "streamlit-cgan.log"
    port = free_port()
    env = {**os.environ, "GAN_LAB_CHECKPOINTS": str(root)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, log_path.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        assert "Traceback" not in log_path.read_text(errors="replace")


def test_the_digit_picker_and_the_style_grid_of_the_shipped_conditional_run(server: str, page) -> None:
    open_page(page, server, "latent", "en")
    assert_no_error(page, "latent")
    page.locator('[data-testid="stImage"] img').first.wait_for()
    seven = image_sources(page)[0]
    picker = page.locator('[data-testid="stButtonGroup"]').first  # the digit picker: buttons 0-9
    picker.wait_for()
    picker.locator("button").filter(has_text="3").first.click()
    deadline = time.monotonic() + 60
    while image_sources(page)[0] == seven:
        assert time.monotonic() < deadline, "the digit did not change after picking 3"
        page.wait_for_timeout(200)
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
