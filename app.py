"""GAN Lab, the classroom app: `streamlit run app.py`.

This file is the frame around every page: page settings, the language switch, the
navigation (pages live in ui/pages/), who is using the session (ui/people.py) and a small
"training now" note in the sidebar.
"""

from __future__ import annotations


def main() -> None:
    import streamlit as st

    import ui.preload  # noqa: F401  first: one thread imports everything heavy before any page runs
    from ui import console, nav, people, run_watch, style, turns, widgets
    from ui.i18n import language_switch, t

    console.show_lesson_events()
    # A local picture: an emoji or a :material/...: icon here makes the browser fetch the favicon from a CDN, which
    # fails offline. As a data URL, made once: a file path would be read and added to Streamlit's media files again
    # on every script run of every session.
    st.set_page_config(page_title="GAN Lab", page_icon=style.FAVICON, layout="wide")
    with turns.taking_turns():  # a class's page runs take turns at the one interpreter (ui/turns.py)
        widgets.undo_stale_echoes()
        widgets.keep_settings_across_pages()
        language_switch()
        style.inject_css()
        nav.open_home_for_an_unknown_address()
        page = st.navigation(nav.build_pages(), position="sidebar", expanded=True)
        with st.sidebar:
            style.theme_switch()
            people.sidebar()
            run_watch.training_note()
            st.caption(t("sidebar_footer"))
        nav.unknown_page_note()
        page.run()


# Streamlit runs this file as "__main__" for every page run. A training worker, started with multiprocessing's
# "spawn", runs the main script of the process that started it once more, as "__mp_main__": there it must do
# nothing. (Drawing the app outside a Streamlit script run printed about eighty "missing ScriptRunContext!" and
# "use: streamlit run" warnings per Start, and importing the pages cost the worker seconds.)
if __name__ == "__main__":
    main()
