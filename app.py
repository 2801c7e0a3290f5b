"""GAN Lab, the classroom app: `streamlit run app.py`, for one person and for a class alike.

This file is both ends of the app. `streamlit run` finds the `st.App` at the bottom and serves it: before the server
answers anyone it imports everything heavy, fills the shared caches and opens every page once (ui/warm_start.py), so
a class that opens the address at once meets a warm server. Every session's script run then executes this same file
as `__main__` and draws the frame around every page: page settings, the language switch, the navigation (pages live
in ui/pages/), who is using the session (ui/people.py) and a small "training now" note in the sidebar.
"""

from __future__ import annotations

import streamlit as st

if __name__ == "__main__":  # a session's script run (Streamlit, and AppTest, run the app's file as __main__)
    import ui.preload  # noqa: F401  first: one thread imports everything heavy before any page runs
    from ui import nav, people, run_watch, style, turns, widgets
    from ui.i18n import language_switch, t

    # The favicon is a local picture as a data URL made once: an emoji or a :material/...: icon makes the browser
    # fetch it from a CDN, which fails offline, and a file path would be read again on every script run.
    st.set_page_config(page_title="GAN Lab", page_icon=style.FAVICON, layout="wide")
    with turns.taking_turns():  # a class's page runs take turns at the one interpreter (ui/turns.py)
        widgets.undo_stale_echoes()
        widgets.keep_settings_across_pages()
        with st.sidebar:
            people_slot = st.container()  # the teacher's lock and the name first: above the fold of a 1280x720 projector
        language_switch()
        people.identify()  # who this session is (its name's key, the teacher's cookie), before any page asks
        style.inject_css()
        page = st.navigation(nav.build_pages(), position="sidebar", expanded=True)
        with people_slot:
            people.teacher_control()
            people.name_control()
        with st.sidebar:
            run_watch.training_note()
            st.caption(t("sidebar_footer"))
            people.keep_cookie()
        people.notices()
        page.run()
else:  # imported by `streamlit run app.py`: the server, which warms up before it answers (ui/warm_start.py)
    from ui.warm_start import warm_start

    app = st.App(__file__, lifespan=warm_start)
