"""The pages of the app, in the lecture's order, and links between them."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .i18n import language, t

UNKNOWN_PAGE = "nav_unknown_page"  # Session State: the page name of a mistyped address, said once on Home


@dataclass(frozen=True)
class PageSpec:
    """One page: its file in ui/pages/, its stable URL path and its icon (the title is translated)."""

    id: str
    icon: str

    @property
    def path(self) -> str:
        """The page file relative to app.py (how st.navigation, st.page_link and AppTest name it)."""
        return f"ui/pages/{self.id}.py"


PAGES = (
    PageSpec("home", ":material/school:"),
    PageSpec("data", ":material/grid_on:"),
    PageSpec("train", ":material/model_training:"),
    PageSpec("losses", ":material/show_chart:"),
    PageSpec("toy2d", ":material/scatter_plot:"),
    PageSpec("latent", ":material/tune:"),
    PageSpec("progression", ":material/movie:"),
    PageSpec("compare", ":material/compare:"),
    PageSpec("runs", ":material/folder_open:"),
    PageSpec("board", ":material/leaderboard:"),
)
SPECS = {spec.id: spec for spec in PAGES}


def build_pages() -> list[st.Page]:
    """The st.Page objects for st.navigation, titled in the current language; URLs stay the same in both.

    Made once per session and language: each st.Page finds its file on disk (a walk of the path and a stat), and
    every pause in a system call hands the interpreter to another thread, which under a class's load costs a page
    run a wait each time. Kept per session, not shared: st.navigation
    marks on the object which page this session may run."""
    key = f"nav_pages_{language()}"
    if key not in st.session_state:
        st.session_state[key] = [
            st.Page(spec.path, title=t(f"page_{spec.id}"), icon=spec.icon, url_path=spec.id, default=spec.id == "home")
            for spec in PAGES
        ]
    return st.session_state[key]


def link(page_id: str, label: str | None = None) -> None:
    """A link to another page, labelled with its title unless a label is given. Given the Page object (not its
    file), Streamlit does not resolve the file's path again for every link of every run."""
    spec = SPECS[page_id]
    page = next(page for page in build_pages() if page.url_path == page_id)
    st.page_link(page, label=label or t(f"page_{page_id}"), icon=spec.icon)


def open_home_for_an_unknown_address() -> None:
    """A mistyped address (/lossess) opens Home, and Home says so in the page's language (`unknown_page_note`),
    where Streamlit would show its own English "Page not found" dialog. Called before st.navigation, which
    resolves the page the browser asked for: an unknown one is replaced by Home's here. /home is Home too."""
    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    asked = getattr(manager, "intended_page_name", None)
    if not asked or getattr(manager, "intended_page_script_hash", None):
        return  # the root address, or a page chosen in the app (by its hash, never unknown)
    pages = build_pages()
    if any(page.url_path == asked for page in pages):
        return
    home = next(page for page in pages if page.url_path == "")
    manager.set_script_intent(getattr(home, "_script_hash", ""), "")
    if asked != SPECS["home"].id:
        st.session_state[UNKNOWN_PAGE] = asked


def unknown_page_note() -> None:
    """Once, above Home: the address named a page the app does not have."""
    asked = st.session_state.pop(UNKNOWN_PAGE, None)
    if asked:
        st.info(t("page_unknown", page=asked[:40]), icon=":material/link_off:")
