"""Offline to the last byte: in a real browser that blocks every request to another host, every
page of the app shows without anything having asked the internet (the favicon included)."""

from __future__ import annotations

from urllib.parse import urlparse

from .test_browser import PAGES, WIDTH, assert_no_error, browser, open_page, server  # noqa: F401 - fixtures

LOCAL = {"127.0.0.1", "localhost", "::1", ""}


def test_no_page_asks_another_host(server: str, browser) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, device_scale_factor=1)
    blocked: list[str] = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_local)
    failed: list[str] = []
    page = context.new_page()
    page.on("requestfailed", lambda request: failed.append(request.url))
    try:
        for language in ("ru", "en"):
            for name in PAGES:
                open_page(page, server, name, language)
                assert_no_error(page, name)
        icon = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    finally:
        context.close()
    assert icon and all(urlparse(href).hostname in LOCAL or href.startswith("data:") for href in icon), icon
    assert blocked == [], f"the app asked other hosts: {blocked}"
    assert [url for url in failed if urlparse(url).hostname not in LOCAL] == []
