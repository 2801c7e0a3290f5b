"""How the app looks on a projector: its icon, the CSS every page shares, a theme for a bright or a dark room, and
Streamlit's own English chrome said in the page's language.

Streamlit 1.67 has no way to switch a session's theme while it runs (the theme is the server's, from
.streamlit/config.toml), so the room's theme is CSS that this module adds to each page run of the session
that chose it.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path

import streamlit as st

from .i18n import STRINGS, language, t

# The app's icon (ui/favicon.png, 783 bytes) as a data URL: served inside the page, nothing fetched or re-read.
FAVICON = "data:image/png;base64," + base64.b64encode((Path(__file__).parent / "favicon.png").read_bytes()).decode("ascii")

THEME_KEY = "keep_style_theme"  # Session State: the room's theme of this session (kept across pages)
THEMES = ("light", "contrast", "dark")

BASE = """
  [data-testid="stImage"] img, [data-testid="stFullScreenFrame"] img { image-rendering: pixelated; }
  [data-testid="stCaptionContainer"] { font-size: 1rem; }
  [data-testid="stTable"] table { font-size: 1.1rem; }
  [data-testid="stSidebar"] [data-testid="stForm"] [data-testid="InputInstructions"] { display: none; }
"""

# A bright room washes out grey text and thin lines: text black, captions and labels too, borders and chart lines
# stronger.
CONTRAST = """
  .stApp, .stApp p, .stApp li, .stApp label, .stApp span, .stApp td, .stApp th, .stApp h1, .stApp h2, .stApp h3,
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *, [data-testid="stMetricLabel"] *,
  [data-testid="stWidgetLabel"] * { color: #000 !important; }
  [data-testid="stCaptionContainer"] { font-weight: 500; opacity: 1 !important; }
  [data-testid="stSidebar"] { background: #fff; border-right: 2px solid #000; }
  [data-baseweb="input"], [data-baseweb="select"] > div, [data-baseweb="textarea"] { border: 2px solid #000 !important; }
  [data-testid="stExpander"] details, [data-testid="stVerticalBlockBorderWrapper"] { border: 2px solid #000 !important; }
  .js-plotly-plot { filter: contrast(1.5) saturate(1.3); }
"""

# A dark room: the whole page in inverted lightness (hues kept), pictures inverted back so the digits look as
# they are; one rule for every widget, chart and table Streamlit draws.
DARK = """
  html { filter: invert(0.9) hue-rotate(180deg); background: #fff; }
  img, video, canvas[data-testid="stCanvas"] { filter: invert(1) hue-rotate(180deg); }
"""


# Streamlit's own English words inside its widgets, said in the page's language by CSS: the English text is
# hidden and the app's drawn in its place. {selector: (string key, size)}.
CHROME = {
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p': ("chrome_upload", "1rem"),
    '[data-testid="stFileUploaderDropzoneInstructions"] span': ("chrome_upload_limit", "0.875rem"),
    '[data-testid="stTextInput"] [data-testid="InputInstructions"]': ("chrome_enter_to_apply", "0.75rem"),
    '[data-testid="stTextArea"] [data-testid="InputInstructions"]': ("chrome_ctrl_enter_to_apply", "0.75rem"),
}
# A tooltip is drawn away from the button that opens it: it is found by an open button of that label (:has).
TOOLTIPS = {"Fullscreen": "chrome_fullscreen", "Close fullscreen": "chrome_close_fullscreen",
            "Download as CSV": "chrome_download_csv", "Search": "chrome_search"}


def replaced(selector: str, text: str, size: str) -> str:
    """CSS that shows `text` where the element says something else."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return (f"{selector} {{ font-size: 0 !important; }}\n"
            f'{selector}::after {{ content: "{quoted}"; font-size: {size}; }}\n')


@functools.cache
def chrome_css(lang: str) -> str:
    """The page language's words for Streamlit's English chrome (none needed in English)."""
    if lang == "en":
        return ""
    css = "".join(replaced(selector, STRINGS[key][lang], size) for selector, (key, size) in CHROME.items())
    for label, key in TOOLTIPS.items():
        opened = f'body:has([data-testid="stTooltipHoverTarget"][aria-describedby] > [aria-label^="{label}"])'
        css += replaced(f'{opened} [data-testid="stTooltipContent"] p', STRINGS[key][lang], "0.875rem")
    return css


def theme() -> str:
    value = st.session_state.get(THEME_KEY, "light")
    return value if value in THEMES else "light"


def inject_css() -> None:
    """Crisp pixels when the browser scales a digit picture, roomier text (captions, tables) for a projector, the
    session's theme, and Streamlit's chrome in the page's language. The teacher's password form hides Streamlit's
    English "Press Enter to submit form" (its help says it)."""
    room = {"light": "", "contrast": CONTRAST, "dark": DARK}[theme()]
    st.html(f"<style>{BASE}{room}{chrome_css(language())}</style>")


def theme_switch() -> None:
    """The sidebar's choice of theme for the room the projector is in; kept for this session (every page)."""
    st.selectbox(t("theme"), THEMES, key=THEME_KEY, help=t("theme_help"),
                 format_func={name: t(f"theme_{name}") for name in THEMES}.__getitem__)
