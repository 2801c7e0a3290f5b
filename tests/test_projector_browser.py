"""Screenshots at 1280x720 of Losses, Compare (large view) and the GIF's frame, of the shipped run, for a person
to look at from across a room: tests/artifacts/projector-*.png."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from ui.i18n import STRINGS

from .test_browser import ARTIFACTS, COUNT_RUNS, ROOT, after, browser, serve, settle  # noqa: F401 - browser: fixture
from .test_train_page_browser import MEASURE


# True once the first sample grid is drawn wider than 300 px (the large view's two grids a row).
GRID_IS_LARGE = """() => {
    const image = document.querySelector('[data-testid="stImage"] img');
    return image !== null && image.getBoundingClientRect().width > 300;
}"""


@pytest.fixture(scope="module")
def shipped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a copy of the shipped run; `serve` fails the tests when it never answers."""
    root = tmp_path_factory.mktemp("projector-checkpoints")
    shutil.copytree(ROOT / "checkpoints" / "pretrained-sngan", root / "pretrained-sngan")
    yield from serve(root, tmp_path_factory.mktemp("projector-log"))


def test_losses_and_compare_at_1280x720(shipped_server: str, browser) -> None:  # noqa: F811 - a fixture
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        for language in ("ru", "en"):
            page.goto(f"{shipped_server}/losses?lang={language}")
            settle(page)
            page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"projector-losses-{language}.png"))
            assert page.locator('[data-testid="stException"]').count() == 0
            page.goto(f"{shipped_server}/compare?lang={language}")
            settle(page)
            page.get_by_text(STRINGS["compare_large"][language]).first.click()  # the large view
            # The click starts a rerun that may not have begun when settle() looks (CI measured the old layout,
            # 172 px, once): wait for the grids to grow, for up to a minute, then measure what is there.
            try:
                page.wait_for_function(GRID_IS_LARGE, timeout=60_000, polling=100)
            except PlaywrightTimeout:
                pass
            settle(page)
            page.locator('[data-testid="stImage"]').first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"projector-compare-{language}.png"))
            width = page.locator('[data-testid="stImage"] img').first.bounding_box()["width"]
            assert width > 300, width  # half the main column (378 px with the sidebar open), not a quarter (~180 px)
            # the run picker's label reads in full (it was cut at "... 100 epoc")
            picker = page.locator('[data-testid="stSelectbox"]').first
            (text, needed, available), = page.evaluate(MEASURE, [picker.element_handle(), []])
            assert needed <= available, f"{text!r} needs {needed:.0f} px, has {available:.0f}"
    finally:
        context.close()


def test_import_on_the_runs_page_adds_a_run_or_says_in_one_line_why_not(shipped_server: str, browser,  # noqa: F811
                                                                         tmp_path: Path) -> None:
    """Item 6 in the browser (AppTest cannot upload files): a good archive becomes a run, a cut one does not."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from gan_core.runs.checkpoints import run_archive

    whole = tmp_path / "pretrained-sngan.zip"
    whole.write_bytes(run_archive("pretrained-sngan", ROOT / "checkpoints"))
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:100_000])
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        context.add_init_script(COUNT_RUNS)  # after() waits for the script run an action started, not just any quiet moment
        page = context.new_page()
        page.goto(f"{shipped_server}/runs?lang=ru")
        settle(page)
        page.get_by_text(STRINGS["runs_import_h"]["ru"]).first.click()
        import_button = page.get_by_role("button", name=STRINGS["runs_import_button"]["ru"])
        after(page, lambda: page.locator('input[type="file"]').set_input_files(str(cut)), page.get_by_text(cut.name, exact=True))  # the uploader names the file
        error = page.locator('[data-testid="stAlertContentError"]')
        after(page, import_button.click, error)
        assert error.first.inner_text().strip().endswith(STRINGS["error_archive_not_zip"]["ru"])  # after the icon's name
        # the other file replaces the cut one: wait until the server has it, or the import reads the cut one again
        after(page, lambda: page.locator('input[type="file"]').set_input_files(str(whole)), page.get_by_text(whole.name, exact=True))
        name = page.get_by_label(STRINGS["runs_import_name"]["ru"], exact=True)
        name.fill("copy-1")
        after(page, lambda: name.press("Enter"))
        success = page.locator('[data-testid="stAlertContentSuccess"]')
        try:
            after(page, import_button.click, success)
        except PlaywrightTimeout:
            shown = [text.strip() for text in error.all_inner_texts()]
            page.screenshot(path=str(ARTIFACTS / "runs-import-ru-failed.png"))
            raise AssertionError(f"no success line after importing the whole archive; shown instead: {shown}") from None
        success = success.first.inner_text()
        assert "copy-1" in success and "100 эпох" in success
        page.screenshot(path=str(ARTIFACTS / "runs-import-ru.png"))
    finally:
        context.close()
