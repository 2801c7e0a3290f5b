"""GAN Lab, the classroom app: `streamlit run app.py`.

This file is the frame around every page: page settings, the language switch, the
navigation (pages live in ui/pages/), who is using the session (ui/people.py) and a small
"training now" note in the sidebar.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import ui.preload  # noqa: F401  first: one thread imports everything heavy before any page runs
from ui import frame, nav, people, training
from ui.i18n import language_switch, t

# A local picture: an emoji or a :material/...: icon here makes the browser fetch the favicon from a CDN, which
# fails offline (issue 10).
st.set_page_config(page_title="GAN Lab", page_icon=str(Path(__file__).parent / "ui" / "favicon.png"), layout="wide")
frame.keep_settings_across_pages()
language_switch()
frame.inject_css()
page = st.navigation(nav.build_pages(), position="sidebar", expanded=True)
with st.sidebar:
    people.sidebar()
    training.training_note()
    st.caption(t("sidebar_footer"))
page.run()
