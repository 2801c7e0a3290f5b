"""Screenshots of GAN Lab in a real browser: the README's picture, and every page in both languages.

    python bench/screenshots.py                              # every page, ru and en, and docs/images/gan-lab.png
    python bench/screenshots.py --pages compare --languages en --out /tmp/shots

It starts `streamlit run app.py` on a free port over a copy of the shipped runs (as bench/classroom_load.py does),
opens each page in Debian's Chromium driven by Playwright (never `playwright install`), waits until the page has
finished its script run and its layout stands still, and saves what a 1280 x 800 screen shows (--full: the whole
page). The README's picture is one of them (--readme-page, in English), reduced to a 256-colour palette so that it
stays small in the repository.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from classroom_load import ROOT, Server, checkpoints_copy  # noqa: E402

PAGES = ("home", "data", "train", "losses", "toy2d", "latent", "progression", "compare", "runs", "board")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
README_PICTURE = ROOT / "docs" / "images" / "gan-lab.png"

# True once the script run has ended, no placeholder waits for its element and the page's layout has stood still for
# half a second (tests/test_browser.py waits the same way): a busy machine draws a page's elements after its script
# run has ended.
DRAWN = """() => {
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
    const main = document.querySelector('[data-testid="stMain"]');
    const waiting = document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]');
    if (state !== 'notRunning' || !main || waiting) { window.__shape = null; return false; }
    const shape = `${main.scrollHeight}:${main.getElementsByTagName('*').length}`;
    const now = performance.now();
    if (!window.__shape || window.__shape[0] !== shape) { window.__shape = [shape, now]; return false; }
    return now - window.__shape[1] > 500;
}"""


def shoot(url: str, pages: list[str], languages: list[str], out: Path, width: int, height: int, full: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            page = context.new_page()
            for language in languages:
                for name in pages:
                    page.goto(f"{url}/{'' if name == 'home' else name}?lang={language}")
                    page.locator("h1").first.wait_for(timeout=120_000)
                    page.wait_for_function(DRAWN, timeout=120_000, polling=100)
                    path = out / f"{name}-{language}.png"
                    page.screenshot(path=str(path), full_page=full)
                    made.append(path)
                    print(path, flush=True)
        finally:
            browser.close()
    return made


def small_png(source: Path, target: Path) -> int:
    """`source` as a 256-colour PNG at `target`; its size in bytes."""
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page ids (default: all)")
    parser.add_argument("--languages", default="ru,en", help="comma-separated: ru, en (default: both)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "screenshots"),
                        help="folder of the screenshots (default: bench/results/screenshots, ignored by git)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--full", action="store_true", help="the whole page, not just the screen")
    parser.add_argument("--readme-page", default="compare",
                        help="the page whose English screenshot becomes docs/images/gan-lab.png ('' for none)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        parser.error(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    unknown = sorted(set(pages) - set(PAGES)) + sorted(set(languages) - {"ru", "en"})
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}; pages are {', '.join(PAGES)}, languages ru and en")
    root = checkpoints_copy()
    server = Server(ROOT / "app.py", {"GAN_LAB_CHECKPOINTS": str(root)})
    try:
        shoot(server.url, pages, languages, Path(args.out), args.width, args.height, args.full)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    if args.readme_page and args.readme_page in pages and "en" in languages:
        size = small_png(Path(args.out) / f"{args.readme_page}-en.png", README_PICTURE)
        print(f"{README_PICTURE.relative_to(ROOT)}: {size / 1000:.0f} kB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
