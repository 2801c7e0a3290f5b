"""The app in a real browser: `streamlit run app.py` on a free port, driven by Debian's Chromium.

It checks that an out-of-range number disables Start with the allowed range under the field, opens
every page, trains one epoch of a tiny run through the Train page, watches the
progress finish and the loss chart and the epoch's quality charts appear, and drags a latent
slider until the digit changes.
Screenshots of every page go to tests/artifacts/ (git ignores it); look at them.

Without a browser the tests are skipped on a workstation, but fail in CI (CI=true):
CI must prove that the app works in a browser.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = ("home", "data", "train", "losses", "toy2d", "latent", "progression", "compare", "runs", "board")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WIDTH = 1440  # a common projector / laptop width
STARTUP_SECONDS = 240  # the server answers once warm (ui/warm_start.py): a minute or more on a busy machine
TRAINING_SECONDS = 300  # one epoch of the MLP on 5,000 digits: about 10 s on two idle cores, more when shared
RUN = "browser-run"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


def test_a_missing_browser_fails_in_ci_and_only_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every browser test gets Chromium through the `browser` fixture, which calls `missing` when it is not there."""
    for ci, outcome in (("true", pytest.fail.Exception), ("", pytest.skip.Exception)):
        monkeypatch.setenv("CI", ci)
        with pytest.raises(BaseException) as raised:  # a skip escaping here would skip this test, not fail it
            missing("no chromium")
        assert type(raised.value) is outcome, (ci, raised.value)


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` with its own empty checkpoints folder; stopped (and its jobs saved) at the end."""
    for stale in ARTIFACTS.glob("*.png"):  # only this run's screenshots, so none is mistaken for today's
        stale.unlink()
    yield from serve(tmp_path_factory.mktemp("browser-checkpoints"), tmp_path_factory.mktemp("browser-log"))


SERVER_LOGS: dict[str, Path] = {}  # url -> the log of the `streamlit run` serving it (for a failing test's message)


def server_state(url: str) -> str:
    """Whether the server at `url` answers its health check, and the end of its log: what a failure should say
    when the page lost its connection."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
            health = answer.read().decode(errors="replace").strip()
    except OSError as error:
        health = f"no answer ({error})"
    log = SERVER_LOGS.get(url)
    tail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else "(no log)"
    return f"health: {health}; server log:\n{tail}"


def class_folder(tmp_path_factory: pytest.TempPathFactory, name: str, data, run: str, owner: str,
                 **trainer_options: object) -> Path:
    """A fresh checkpoints folder for a browser module (its old screenshots, `name`-*.png, removed) holding one tiny
    finished run (an MLP, one epoch) of `owner`'s."""
    from gan_core.config import TrainConfig
    from gan_core.runs.checkpoints import RunDir
    from gan_core.trainer import Trainer

    for stale in ARTIFACTS.glob(f"{name}-*.png"):
        stale.unlink()
    root = tmp_path_factory.mktemp(f"{name}-checkpoints")
    config = TrainConfig(model="mlp", epochs=1, batch_size=128, device="cpu", latent_dim=8)
    Trainer.create(config, RunDir(run, root), owner=owner, data=data, **trainer_options).train()
    return root


def serve(root: Path, log_folder: Path, **environment: str) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port over the checkpoints folder `root` (with any extra
    environment); yield its URL, then stop it and fail on any traceback in its log."""
    log_path = log_folder / "streamlit.log"
    port = free_port()
    env = {**os.environ, "GAN_LAB_CHECKPOINTS": str(root), "GAN_LAB_MAX_JOBS_PER_DEVICE": "1", **environment}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    SERVER_LOGS[url] = log_path
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer in {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
        if process.poll() is not None:  # it died under the tests (a signal leaves no traceback to find below)
            pytest.fail(f"streamlit exited with {process.returncode} during the tests:\n{log_path.read_text()[-3000:]}")
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        server_log = log_path.read_text(errors="replace")
        assert "Traceback" not in server_log, server_log[-3000:]
        quiet_console(server_log)


def quiet_console(server_log: str) -> None:
    """No Streamlit warning of code that touched Streamlit outside a script run (a worker drawing the app, a
    background thread): on a lesson's console they buried the one line that mattered."""
    for noise in ("missing ScriptRunContext", "No runtime found", "streamlit run", "Session state does not function"):
        assert noise not in server_log, f"{noise!r} in the server's log:\n{server_log[-3000:]}"


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    if chromium is None:
        missing("Debian's chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Counts the script runs that have ended (the app's root switches its script state back to "notRunning"),
# so that a test waits for the run its own action caused, not for a stretch of quiet.
COUNT_RUNS = """
window.__ganLabRuns = 0;
new MutationObserver((changes) => {
    for (const change of changes) {
        if (change.target.getAttribute('data-test-script-state') === 'notRunning') window.__ganLabRuns += 1;
    }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""
IDLE = """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'"""


def new_page(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, device_scale_factor=1)
    context.add_init_script(COUNT_RUNS)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, opened = new_page(browser)
    yield opened
    context.close()


def runs_ended(page) -> int:
    return int(page.evaluate("() => window.__ganLabRuns ?? 0"))


def after(page, action, expect=None) -> None:
    """Do `action`, then wait for a script run that ended after it, for the element `expect` (what the
    user waits to see), and for the app to stand still."""
    before = runs_ended(page)
    action()
    page.wait_for_function(f"() => (window.__ganLabRuns ?? 0) > {before}", timeout=120_000, polling=50)
    if expect is not None:
        expect.first.wait_for(timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000, polling=50)


def settle(page) -> None:
    """Wait until no script run is going on (for screenshots of a page that is already drawn)."""
    page.wait_for_function(IDLE, timeout=120_000, polling=50)


# True once the script has finished and the page's layout has stood still for half a second: on a busy machine the
# browser draws a page's elements (and grows the blocks above a widget) seconds after the script run has ended.
DRAWN = """() => {
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
    const main = document.querySelector('[data-testid="stMain"]');
    if (state !== 'notRunning' || !main) { window.__ganLabShape = null; return false; }
    const shape = `${main.scrollHeight}:${main.getElementsByTagName('*').length}`;
    const now = performance.now();
    if (!window.__ganLabShape || window.__ganLabShape[0] !== shape) { window.__ganLabShape = [shape, now]; return false; }
    return now - window.__ganLabShape[1] > 500;
}"""


def drawn(page) -> None:
    """Wait until the script has finished and the browser has drawn what it sent (nothing moves any more)."""
    page.wait_for_function(DRAWN, timeout=120_000, polling=100)


def title_of(name: str, language: str) -> str:
    from ui.i18n import STRINGS

    return STRINGS[f"{name}_title"][language]


def open_page(page, base: str, name: str, language: str) -> None:
    """Open a page and wait for its title and the end of its first script run."""
    path = "" if name == "home" else name
    page.goto(f"{base}/{path}?lang={language}")
    page.locator("h1").filter(has_text=title_of(name, language)).first.wait_for(timeout=120_000)
    settle(page)


def assert_no_error(page, name: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert exceptions.count() == 0, f"{name}: {exceptions.first.inner_text()}"
    assert errors.count() == 0, f"{name}: {errors.first.inner_text()}"


def screenshot(page, name: str, whole: bool = True) -> Path:
    """The whole page: the viewport is made as tall as the app's scrolling area, so nothing is cut
    (whole=False: just what the screen shows, for a page that redraws itself every second)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if not whole:
        settle(page)
        page.screenshot(path=str(path))
        return path
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": max(900, min(int(height) + 40, 7000))})
    settle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    return path


def chart_axes(page) -> list[str]:
    """Each chart on the page as "x title|y title", as the user reads its axes."""
    return page.locator('[data-testid="stPlotlyChart"]').evaluate_all("""(charts) => charts.map(chart => {
        const title = (axis) => chart.querySelector(`.g-${axis}title text`)?.textContent ?? '';
        return `${title('x')}|${title('y')}`;
    })""")


def image_sources(page) -> list[str]:
    return page.locator('[data-testid="stImage"] img').evaluate_all("(images) => images.map(i => i.src)")


# True once the page's first picture is another than `before` (its address changes with what it shows).
FIRST_PICTURE_CHANGED = """(before) => {
    const image = document.querySelector('[data-testid="stImage"] img');
    return image !== null && image.src !== before;
}"""


def wait_for_another_picture(page, before: str, why: str) -> None:
    """Wait (a minute at most) until the page's first picture is no longer `before`; fail with `why` if it stays."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(FIRST_PICTURE_CHANGED, arg=before, timeout=60_000, polling=100)
    except PlaywrightTimeout:
        raise AssertionError(why) from None


def choose(page, label: str, option: str, expect=None) -> None:
    """Pick an option of a selectbox by its visible label and the option's visible text. A script run that lands
    as the list opens (the session's first runs: its name, its cookie) closes it: then it is opened again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wanted = page.get_by_role("option").filter(has_text=option).first
    for _ in range(3):
        page.get_by_role("combobox", name=label, exact=True).click()
        try:
            wanted.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    after(page, lambda: wanted.click(), expect)


def type_into(page, label: str, value: str, expect=None) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    after(page, lambda: field.press("Enter"), expect)


@pytest.fixture(scope="module")
def trained(server: str, browser) -> dict[str, object]:
    """Train one epoch of a tiny MLP through the Train page, as a teacher would; what was seen."""
    context, page = new_page(browser)
    try:
        open_page(page, server, "train", "en")
        choose(page, "Model", "MLP", expect=page.locator('input[value="mlp-1"]'))  # the name follows the model
        type_into(page, "Epochs", "1")
        type_into(page, "Batch size", "250")
        type_into(page, "Run name", RUN)
        page.get_by_role("button", name="Start").click()
        progress = page.locator('[data-testid="stProgress"]')
        progress.first.wait_for(timeout=120_000)
        # .first: while a fragment reruns, Streamlit may briefly show the old element beside the new one
        stop = page.get_by_role("button", name="Stop", exact=True).first
        done = page.get_by_text("Done:").first
        stop.or_(done).first.wait_for(timeout=TRAINING_SECONDS * 1000)
        if stop.is_visible():  # still training (a fast machine may finish first): how the live view looks
            page.get_by_text("Loss of D").first.wait_for()
            screenshot(page, "train-running-en", whole=False)
        done.wait_for(timeout=TRAINING_SECONDS * 1000)
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
        page.get_by_text("Sample quality, epoch by epoch").first.wait_for(timeout=60_000)  # measured at the epoch's end
        page.get_by_text("Which digits G draws after epoch 1").first.wait_for(timeout=60_000)
        settle(page)
        seen = {"progress": progress.first.inner_text(), "charts": chart_axes(page),
                "images": len(image_sources(page)), "quality": page.get_by_text("Which digits G draws after epoch 1").count()}
        assert_no_error(page, "train")
        seen["screenshot"] = screenshot(page, "train-finished-en")
        return seen
    finally:
        context.close()


def test_an_out_of_range_number_disables_start_and_says_the_allowed_range(server: str, page) -> None:
    """Typing Epochs 0 and clicking Start at once trains nothing with the previous value;
    the field keeps the 0, a line under it says the range, and Start is disabled until it is fixed."""
    open_page(page, server, "train", "en")
    start = page.get_by_role("button", name="Start", exact=True)
    assert start.is_enabled()
    epochs = page.get_by_label("Epochs", exact=True)
    epochs.fill("0")
    line = page.get_by_text("Out of range: 0. Allowed: a whole number from 1 to 100000.", exact=True)
    after(page, lambda: start.click(), line)  # the click takes the focus: the 0 is applied, not dropped
    assert epochs.input_value() == "0" and start.is_disabled()
    assert page.get_by_text("No runs yet.").count() == 1  # nothing started
    screenshot(page, "train-out-of-range-en", whole=False)
    epochs.fill("2")
    after(page, lambda: epochs.press("Tab"))
    assert line.count() == 0 and start.is_enabled()
    # Beyond what a number box could hold, and a fraction where a whole number is wanted: said, not dropped.
    seed = page.get_by_label("Seed", exact=True)
    seed.fill("99999999999999999999")
    huge = page.get_by_text("Out of range: 99999999999999999999. Allowed: a whole number from 0 to 4294967295.", exact=True)
    after(page, lambda: seed.press("Enter"), huge)
    assert seed.input_value() == "99999999999999999999" and start.is_disabled()
    epochs.fill("3.7")
    after(page, lambda: epochs.press("Enter"), page.get_by_text("A whole number is needed.", exact=False))
    assert epochs.input_value() == "3.7" and start.is_disabled()


def test_every_page_opens_without_an_error_on_a_fresh_start(server: str, page) -> None:
    for name in PAGES:
        open_page(page, server, name, "ru")
        assert_no_error(page, name)
        if name in ("latent", "progression", "compare", "losses"):
            assert page.get_by_text("нужен обученный генератор").count() == 1, name
        screenshot(page, f"{name}-fresh-ru")


def test_a_tiny_run_trains_in_the_background_and_the_page_shows_it_finish(server: str, trained: dict[str, object]) -> None:
    assert "Epoch 1 of 1" in str(trained["progress"])
    # The server's console: one line when the run started and one when it ended, nothing of Streamlit's.
    server_log = SERVER_LOGS[server].read_text(errors="replace")
    quiet_console(server_log)
    lines = [line.split(" GAN Lab: ", 1)[-1] for line in server_log.splitlines() if f"run {RUN} " in line]
    assert len(lines) == 2 and lines[0].startswith(f"run {RUN} started: mlp, epochs to 1, on cpu"), server_log[-3000:]
    assert lines[1] == f"run {RUN} finished 1 epoch", server_log[-3000:]
    # The loss chart, D(x) and D(G(z)), the digits' shares and FID / floor per epoch: each once, with its axes.
    assert sorted(trained["charts"]) == sorted(["Step|Loss", "Step|Output of D", "Digit|% of samples", "Epoch|FID / floor"])
    assert trained["quality"] == 1
    assert trained["images"] >= 1  # the fixed-noise grid of epoch 1


def test_moving_a_latent_slider_changes_the_digit(server: str, trained, page) -> None:
    open_page(page, server, "latent", "en")
    assert_no_error(page, "latent")
    page.locator('[data-testid="stImage"] img').first.wait_for()
    before = image_sources(page)[0]
    slider = page.locator('[data-testid="stSlider"]').first.get_by_role("slider")
    slider.focus()
    for _ in range(20):
        slider.press("ArrowRight")  # z1 += 20 * 0.05
    wait_for_another_picture(page, before, "the digit did not change after moving z1")
    settle(page)
    assert_no_error(page, "latent")
    screenshot(page, "latent-sliders-en")


def test_every_page_shows_the_trained_run(server: str, trained, page) -> None:
    for name in PAGES:  # in English here; the fresh start above was in Russian
        open_page(page, server, name, "en")
        assert_no_error(page, name)
        if name in ("latent", "progression", "compare"):
            page.locator('[data-testid="stImage"] img').first.wait_for()
        screenshot(page, f"{name}-en")
    open_page(page, server, "latent", "en")
    after(page, lambda: page.get_by_text("Principal directions", exact=True).click(),
          page.get_by_text("What each direction does"))
    assert_no_error(page, "latent directions")
    screenshot(page, "latent-directions-en")
    after(page, lambda: page.get_by_text("Interpolation", exact=True).click(), page.locator('[data-testid="stImage"] img'))
    assert_no_error(page, "latent interpolation")
    screenshot(page, "latent-interpolation-en")
