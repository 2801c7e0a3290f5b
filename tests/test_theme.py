"""The room's theme: a high-contrast one for a bright room, a dark one for a dark room, chosen in the sidebar and
kept by the session on every page (and by no other session)."""

from __future__ import annotations

import pytest

from ui import style

from .test_app import open_app, text


def page_css(at) -> str:
    return " ".join(str(element.proto.body) for element in at.get("html"))


@pytest.mark.parametrize("theme, rule", [("dark", "invert(0.9)"), ("contrast", "color: #000 !important")])
def test_a_theme_chosen_in_the_sidebar_holds_on_every_page_of_that_session_only(checkpoints, theme, rule) -> None:
    at = open_app("home", "ru")
    assert rule not in page_css(at)
    box = at.sidebar.selectbox(key=style.THEME_KEY)
    assert box.label == text("theme", "ru") and text(f"theme_{theme}", "ru") in box.options
    box.set_value(theme).run()
    assert rule in page_css(at)
    for page in ("train", "losses", "runs"):
        at.switch_page(f"ui/pages/{page}.py").run()
        assert not at.exception and rule in page_css(at), page
    assert at.sidebar.selectbox(key=style.THEME_KEY).value == theme
    other = open_app("home", "ru")  # another student's tab keeps the standard look
    assert rule not in page_css(other)


def test_streamlits_english_chrome_is_replaced_in_russian_only() -> None:
    russian, english = style.chrome_css("ru"), style.chrome_css("en")
    for key in ("chrome_upload", "chrome_upload_limit", "chrome_fullscreen", "chrome_download_csv"):
        assert f'content: "{text(key, "ru")}"' in russian, key
    assert english == ""
