"""The 2D lab's charts as one canvas element that stays on the page while Play redraws it (ui/toy2d_chart.js).

st.plotly_chart gives its element an identity made from the figure itself, so every new frame of a playing lab
was a new element: the browser dropped the old chart and showed nothing until plotly had drawn the new one (most
of each frame). A component mounted under a fixed key keeps its element; each frame only sends the new scene
(plain numbers: ui/toy2d_figure.py builds them) and the canvas is redrawn in place."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_SCRIPT = (Path(__file__).with_suffix(".js")).read_text(encoding="utf-8")
# Registered once per process (a component is a process-wide definition; every session mounts its own copy).
_canvas = st.components.v2.component("gan_lab_toy2d_canvas", js=_SCRIPT, isolate_styles=False)


def canvas_chart(scene: dict, key: str) -> None:
    """Draw `scene` (see ui/toy2d_chart.js for its shape) into the canvas known by `key`, across its column."""
    _canvas(key=key, data=scene, width="stretch", height="content")
