"""The floor of bench/classroom_load.py: a Streamlit app of GAN Lab's shape with nothing heavy in it.

    streamlit run bench/floor_app.py

8 pages of 8 widgets and one cached picture each, a fragment that reruns every second on each page
and one every 3 s in the sidebar (as GAN Lab's live view and training note do). The same load
against it tells what Streamlit itself costs on this machine, so the app's numbers are read as
ratios to it rather than as seconds that depend on the machine and on who else is using it.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

PAGES = 8
PAGE_POLL_SECONDS = 1.0
SIDEBAR_POLL_SECONDS = 3.0


@st.cache_data(show_spinner=False)
def picture(page: int) -> np.ndarray:
    """A 560 x 560 grey picture, the size of GAN Lab's sample grids, made once per server."""
    rng = np.random.default_rng(page)
    return np.kron(rng.integers(0, 256, (28, 28), dtype=np.uint8), np.ones((20, 20), dtype=np.uint8))


def widgets(page: int) -> None:
    """Eight widgets of the kinds GAN Lab's pages use."""
    key = f"floor_{page}_"
    left, right = st.columns(2)
    left.slider("Slider", 0.0, 1.0, 0.5, key=key + "slider")
    left.selectbox("Select", ["a", "b", "c"], key=key + "select")
    left.number_input("Number", 0, 100, 10, key=key + "number")
    left.checkbox("Check", key=key + "check")
    right.text_input("Text", "floor", key=key + "text")
    right.radio("Radio", ["step", "epoch"], horizontal=True, key=key + "radio")
    right.multiselect("Multi", ["x", "y", "z"], default=["x"], key=key + "multi")
    right.button("Button", key=key + "button")


@st.fragment(run_every=PAGE_POLL_SECONDS)
def page_poll(page: int) -> None:
    st.caption(f"Page {page + 1} at {time.strftime('%H:%M:%S')}")


@st.fragment(run_every=SIDEBAR_POLL_SECONDS)
def sidebar_poll() -> None:
    st.caption(f"Sidebar at {time.strftime('%H:%M:%S')}")


def make_page(page: int):
    def render() -> None:
        st.title(f"Floor page {page + 1}")
        widgets(page)
        st.image(picture(page), width=560)
        page_poll(page)

    render.__name__ = f"floor_page_{page + 1}"
    return render


navigation = st.navigation([st.Page(make_page(i), title=f"Page {i + 1}", url_path=f"p{i + 1}", default=i == 0)
                            for i in range(PAGES)])
with st.sidebar:
    sidebar_poll()
navigation.run()
