"""Progression: the same 64 noise vectors drawn at the end of every epoch, as a slider and, when asked, as a GIF."""

from __future__ import annotations

import streamlit as st

from gan_core.runs.checkpoints import default_checkpoints_dir
from gan_core.images import gif_bytes, thin_evenly

from ui import cache, nav, pickers, pictures, widgets, wording
from ui.widgets import KEEP
from ui.i18n import plural, t

GIF_WIDTH = 480
SPEEDS = (0.1, 0.2, 0.3, 0.5, 1.0, 2.0)  # seconds per frame
GIF_ASKED = "progression_gif_asked"  # the runs whose GIF this session asked for (then shown on every visit)


@st.cache_data(show_spinner=False, max_entries=8)
def animation(root: str, name: str, epochs: tuple[int, ...], seconds_per_frame: float, label: str) -> bytes:
    """The GIF of a run's epochs (rebuilt when an epoch is added, the speed or the language changes), made once
    for every student who asks; `label` is the frame label's template in the reader's language (the cache key must
    differ per language). Only the epochs that become frames are read."""
    shown = [epochs[index] for index in thin_evenly(len(epochs))]
    frames = [pictures.picture(cache.epoch_samples(name, epoch), columns=8, target=GIF_WIDTH) for epoch in shown]
    labels = [label.format(epoch=epoch, epochs=epochs[-1]) for epoch in shown]
    return gif_bytes(frames, seconds_per_frame=seconds_per_frame, labels=labels)


def gif_view(run_name: str, epochs: list[int], seconds: float) -> None:
    """The animation and its download, once this student asks for it: building it takes the server seconds
    and sends megabytes, and most visitors only scrub the epochs."""
    asked = st.session_state.setdefault(GIF_ASKED, set())
    if run_name not in asked:
        st.caption(t("progression_gif_offer", epochs=plural("n_epochs", len(epochs))))
        if not st.button(t("progression_gif_make"), icon=":material/movie:", key="progression_gif_make"):
            return
        asked.add(run_name)
    with st.spinner(t("progression_gif_making")):
        gif = animation(str(default_checkpoints_dir()), run_name, tuple(epochs), float(seconds), t("gif_frame_label"))
    st.image(gif, caption=t("progression_gif_caption", epochs=plural("n_epochs", len(epochs))), width="stretch")
    st.download_button(t("progression_download"), data=gif, file_name=f"{run_name}-progression.gif",
                       mime="image/gif", icon=":material/download:", on_click="ignore")


@wording.shows_user_errors
def render() -> None:
    if not pickers.generator_page("progression"):
        return
    run_col, speed_col = st.columns([2, 1], gap="large")
    with run_col:
        run = pickers.pick_run(f"{KEEP}progression_run", from_address=True)  # the class board's links
    if run is None:
        return
    epochs = cache.snapshot_epochs(run.name)
    if not epochs:
        st.info(t("progression_none"))
        return
    widgets.default(f"{KEEP}progression_speed", 0.5)
    seconds = speed_col.select_slider(t("progression_speed"), SPEEDS,
                                      key=f"{KEEP}progression_speed", format_func={s: t("seconds", s=s) for s in SPEEDS}.__getitem__)

    frame_col, gif_col = st.columns(2, gap="large")
    with frame_col:
        st.subheader(t("progression_epoch_h"))
        slider_key = f"progression_epoch::{run.name}"
        if st.session_state.get(slider_key) not in epochs:
            st.session_state[slider_key] = epochs[-1]
        if len(epochs) > 1:
            epoch = st.select_slider(t("epoch"), epochs, key=slider_key)
        else:
            epoch = epochs[0]
        pictures.show(cache.epoch_png(run.name, epoch),
                    caption=t("progression_caption", epoch=epoch, epochs=epochs[-1]))
    with gif_col:
        st.subheader(t("progression_gif_h"))
        gif_view(run.name, epochs, seconds)
    st.markdown(t("progression_explain"))
    nav.link("latent")


render()
