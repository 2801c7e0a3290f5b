"""How the app looks on a projector: its icon and the CSS every page shares."""

from __future__ import annotations

import base64
from pathlib import Path

import streamlit as st

# The app's icon (ui/favicon.png, 783 bytes) as a data URL: served inside the page, nothing fetched or re-read.
FAVICON = "data:image/png;base64," + base64.b64encode((Path(__file__).parent / "favicon.png").read_bytes()).decode("ascii")


def inject_css() -> None:
    """Crisp pixels when the browser scales a digit picture, and roomier text (captions, tables) for a projector.
    The teacher's password form hides Streamlit's English "Press Enter to submit form" (its help says it)."""
    st.html("""<style>
      [data-testid="stImage"] img, [data-testid="stFullScreenFrame"] img { image-rendering: pixelated; }
      [data-testid="stCaptionContainer"] { font-size: 1rem; }
      [data-testid="stTable"] table { font-size: 1.1rem; }
      [data-testid="stSidebar"] [data-testid="stForm"] [data-testid="InputInstructions"] { display: none; }
    </style>""")
