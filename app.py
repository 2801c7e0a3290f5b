"""GAN Lab, the classroom app: `streamlit run app.py`, for one person and for a class alike.

This file is both ends of the app. `streamlit run` finds the `st.App` at the bottom and serves it: before the server
answers anyone it imports everything heavy, fills the shared caches and opens every page once (ui/warm_start.py), so
a class that opens the address at once meets a warm server. Every session's script run then executes this same file
as `__main__` and draws the frame around every page: page settings, the language switch, the navigation (pages live
in ui/pages/), who is using the session (ui/people.py) and a small "training now" note in the sidebar.
"""

from __future__ import annotations


def main() -> None:
    """One session's script run: the frame, then the page."""
    import streamlit as st

    import ui.preload  # noqa: F401  first: one thread imports everything heavy before any page runs
    from ui import console, nav, people, run_watch, style, turns, widgets
    from ui.i18n import language_switch, t

    console.show_lesson_events()
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
        nav.open_home_for_an_unknown_address()
        page = st.navigation(nav.build_pages(), position="sidebar", expanded=True)
        with people_slot:
            people.teacher_control()
            people.name_control()
        with st.sidebar:
            style.theme_switch()
            run_watch.training_note()
            st.caption(t("sidebar_footer"))
            people.keep_cookie()
        people.notices()
        nav.unknown_page_note()
        page.run()


# Streamlit (and AppTest) run this file as "__main__" for every script run. `streamlit run app.py` imports it once
# under another name to find the app it serves. A training worker, started with multiprocessing's "spawn", runs it
# once more as "__mp_main__": there it must do nothing (drawing outside a script run prints Streamlit's warnings,
# and importing the pages would cost the worker seconds).
if __name__ == "__main__":
    main()
elif __name__ != "__mp_main__":
    import streamlit as st

    from ui.warm_start import warm_start

    app = st.App(__file__, lifespan=warm_start)
