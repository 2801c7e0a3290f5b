"""The Train page in a real browser at 1280x720: every picker's options read in full, in both
languages, and the queue's mark (a Material Symbols icon served by the app, which replaced an emoji that
Debian's Chromium drew as an empty box) renders as one glyph. Screenshots: tests/artifacts/train-pickers-*.png,
tests/artifacts/queue-mark-*.png; look at them."""

from __future__ import annotations


import pytest

from ui.i18n import STRINGS

from .test_browser import (ARTIFACTS, CHROMIUM_ARGS, after, browser, find_chromium, missing,  # noqa: F401 - fixtures
                           open_page, serve, server_state, settle, type_into, choose, drawn)

PICKERS = ("dataset", "model", "device", "lv_loss")

# For the selectbox that holds `el`: its shown value and each of its options, with the width the text needs in
# its own font and the room its box gives it (a text that needs more is cut with an ellipsis).
MEASURE = """([box, options]) => {
    const ctx = document.createElement('canvas').getContext('2d');
    const need = (el, text) => {
        const s = getComputedStyle(el);
        ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        return [text, ctx.measureText(text).width,
                el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)];
    };
    const input = box.querySelector('input');
    const shown = [need(input, input.value || box.querySelector('[data-baseweb="select"]').innerText.trim())];
    return shown.concat(options.map(o => need(o, o.innerText.trim())));
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The app over an empty checkpoints folder, one training job at a time (the next one waits in the queue)."""
    yield from serve(tmp_path_factory.mktemp("train-page-checkpoints"), tmp_path_factory.mktemp("train-page-log"),
                     GAN_LAB_DATA=str(tmp_path_factory.mktemp("no-data")))


def viewport_1280(browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
    from .test_browser import COUNT_RUNS

    context.add_init_script(COUNT_RUNS)
    return context, context.new_page()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_picker_option_reads_in_full_at_1280x720(server: str, browser, language: str) -> None:  # noqa: F811
    context, page = viewport_1280(browser)
    try:
        open_page(page, server, "train", language)
        cut = []
        for picker in PICKERS:
            label = STRINGS[picker][language]
            box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True)).first
            page.get_by_role("combobox", name=label, exact=True).click()
            options = page.get_by_role("option")
            options.first.wait_for()
            measured = page.evaluate(MEASURE, [box.element_handle(), options.element_handles()])
            if picker == "dataset":
                page.screenshot(path=str(ARTIFACTS / f"train-pickers-{language}.png"))
            page.keyboard.press("Escape")
            cut += [(picker, text, round(needed), round(room)) for text, needed, room in measured if needed > room]
        assert len(measured) > 1  # the shown value and the options were measured
        assert cut == [], f"cut labels (picker, text, px needed, px of room): {cut}"
    finally:
        context.close()


def reconnected(page, server: str) -> None:  # noqa: F811
    """Start is disabled. With an error under a field, fail with it (in CI once: the name of the run just started,
    brought back by a stale poll; ui/widgets.py set_widget). With none, Streamlit's websocket is down (it disables
    every widget then): if the server still answers, reload the page, as a person would; if not, fail with its log."""
    state = page.locator('[data-testid="stApp"]').first.get_attribute("data-test-connection-state")
    alerts = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert alerts == [], f"Start is disabled by the form's errors: {alerts}"
    report = server_state(server)
    print(f"Start disabled, connection {state}; {report[:200]}")  # shown under a failure, or with -s
    assert report.startswith("health: ok"), f"the page lost its server (connection {state}); {report}"
    page.reload()
    page.locator("h1").first.wait_for(timeout=120_000)
    drawn(page)
    if not page.get_by_role("button", name=STRINGS["start"]["ru"]).is_visible():
        page.get_by_text(STRINGS["train_new_h"]["ru"]).first.click()
        drawn(page)


def test_the_queue_mark_is_drawn_as_a_glyph(server: str, browser) -> None:  # noqa: F811
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    context, page = viewport_1280(browser)
    try:
        open_page(page, server, "train", "ru")
        choose(page, STRINGS["model"]["ru"], "MLP", expect=page.locator('input[value="mlp-1"]'))
        type_into(page, STRINGS["epochs"]["ru"], "1000")
        start = page.get_by_role("button", name=STRINGS["start"]["ru"])
        after(page, start.click)  # mlp-1 trains, and the settings fold away: open them, as a person would
        drawn(page)
        page.get_by_text(STRINGS["train_new_h"]["ru"]).first.click()
        page.locator('input[value="mlp-2"]').first.wait_for(state="attached")
        # Once mlp-2 is queued the form offers the next name. A script run ending after the click is not proof the
        # click was taken (the live view's polls end runs every second): a press the browser dropped while the
        # page redrew (1 run in ~7 looped under load) is pressed again, as a person would.
        queued = page.locator('input[value="mlp-3"]')
        for attempt in range(3):  # mlp-2 waits for it
            drawn(page)  # on a busy machine the page is still being drawn (and folded) after its script run ends
            if not start.is_visible():  # the settings fold away while one's own run trains: open them, as a person would
                page.get_by_text(STRINGS["train_new_h"]["ru"]).first.click()
                drawn(page)
            if start.is_disabled() and queued.count() == 0:
                reconnected(page, server)
            try:
                after(page, lambda: start.click(timeout=15_000))
                queued.first.wait_for(state="attached", timeout=30_000)
                break
            except PlaywrightTimeoutError:
                if queued.count():
                    break
                if attempt == 2:
                    page.screenshot(path=str(ARTIFACTS / "queue-mark-ru-failed.png"))
                    raise
        note = page.locator('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]').filter(
            has_text="mlp-2: в очереди").first
        note.wait_for(timeout=120_000)
        icon = note.locator('span[role="img"]').first  # how Streamlit draws :material/hourglass_top: in text
        note.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "queue-mark-ru.png"))
        glyph = icon.evaluate("""(el) => {
            const s = getComputedStyle(el);
            return {family: s.fontFamily, size: parseFloat(s.fontSize), width: el.getBoundingClientRect().width,
                    text: el.textContent, loaded: document.fonts.check(`${s.fontSize} ${s.fontFamily}`)};
        }""")
        assert glyph["text"] == "hourglass_top" and "Material Symbols" in glyph["family"], glyph
        assert glyph["loaded"], glyph  # the font is the app's own (offline), and it has loaded
        assert glyph["width"] <= 1.5 * glyph["size"], glyph  # one glyph, not the word "hourglass_top"
    finally:
        context.close()
