"""GAN Lab, the classroom app: `streamlit run app.py`.

This file is the frame around every page: page settings, the language switch, the
navigation (pages live in ui/pages/) and a small "training now" note in the sidebar.
"""

from __future__ import annotations

import streamlit as st

from ui import frame, nav, training
from ui.i18n import language_switch, t

st.set_page_config(page_title="GAN Lab", page_icon=":material/science:", layout="wide")
frame.keep_settings_across_pages()
language_switch()
frame.inject_css()
page = st.navigation(nav.build_pages(), position="sidebar", expanded=True)
with st.sidebar:
    training.training_note()
    st.caption(t("sidebar_footer"))
page.run()
