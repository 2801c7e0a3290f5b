"""The pages of the app, in the lecture's order, and links between them."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .i18n import t


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
    """The st.Page objects for st.navigation, titled in the current language; URLs stay the same in both."""
    return [
        st.Page(spec.path, title=t(f"page_{spec.id}"), icon=spec.icon, url_path=spec.id, default=spec.id == "home")
        for spec in PAGES
    ]


def link(page_id: str, label: str | None = None) -> None:
    """A link to another page, labelled with its title unless a label is given."""
    spec = SPECS[page_id]
    st.page_link(spec.path, label=label or t(f"page_{page_id}"), icon=spec.icon)
