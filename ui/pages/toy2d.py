"""2D lab: a GAN on points in the plane, D's surface and G's mesh drawn step by step (gan_core.toy2d).

The lab (G, D, optimisers, history) lives in this browser session's state. Play advances it inside a
fragment that reruns every frame, so only the plane and the numbers beside it are redrawn, into canvases
that stay on the page (ui/toy2d_chart.py); a setting changed on the left reruns the page. The buttons
(Play / Pause, the steps, Reset) stand outside that fragment: a button redrawn ten times a second can lose
a click (the press lands on one copy of it, the release on the next), so Pause must never be part of what
each frame redraws. The whole setup is mirrored in the URL's query string. The experiments, the link's
rules and slow motion are gan_core.toy2d's; this page lays them out."""

from __future__ import annotations

from dataclasses import asdict, fields

import numpy as np
import streamlit as st

from gan_core.errors import GanLabError
from gan_core.losses import LOSSES
from gan_core.toy2d import (DEMONSTRATIONS, DISTRIBUTIONS, NOISES, OPTIMIZERS, Toy2DConfig, Toy2DLab, demonstration_config,
                            demonstration_holds, with_distribution)
from gan_core.toy2d.link import POINTS_NAME, link_query, names_settings, read_link_query

from ui import turns, widgets, wording
from ui.widgets import KEEP
from ui.i18n import language, t
from ui.toy2d_chart import canvas_chart
from ui.toy2d_figure import (DEFAULT_ROUNDS_PER_FRAME, FRAME_SECONDS, SLOW_MOTION_SECONDS, advance, canvas_figure,
                             frame_scenes)
from ui.toy2d_words import defaults_sentence, error_text, label, option_labels

LAB, PLAYING, POINTS, DRAWING, MESSAGE, LINE = (
    f"toy2d_{name}" for name in ("lab", "playing", "points", "drawing", "message", "line"))
CANVAS_VERSION, FROM_URL, UPLOAD = "toy2d_canvas_version", "toy2d_from_url", "toy2d_upload"
PRESET = "toy2d_preset"
SCENES = "toy2d_scenes"  # the last frame's scenes and the lab's state they show: a page run that changed nothing reuses them
SPEED, SLOW = f"{KEEP}toy2d_speed", f"{KEEP}toy2d_slow"
SETTINGS = tuple(setting.name for setting in fields(Toy2DConfig))  # each has a widget, kept under key(name)
# The values each control offers (a value set elsewhere, by a link or a file, is added to its list).
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1)
WIDTHS = (8, 16, 32, 64, 128, 256, 512)
BATCHES = (32, 64, 128, 256, 512, 1024)
R1_WEIGHTS = (0.0, 0.01, 0.1, 1.0, 10.0)
BETAS1, BETAS2 = (0.0, 0.5, 0.9), (0.9, 0.99, 0.999)
INSTANCE_NOISES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
ANNEAL_ROUNDS = (0, 500, 1000, 2000, 3000, 5000, 10000)
EMA_DECAYS = (0.0, 0.9, 0.99, 0.995, 0.999)
# While Play runs frame after frame, Streamlit would fade every element of the page while its next run is under
# way (its "stale" look: on a busy server most of the time, so the plane seemed to blink out) and show its own
# English "Running… Stop" corner whenever a frame runs past half a second. Neither says anything here: the round
# counter shows that the lab runs, and the lab's own Pause stops it. On every run of this page, paused too, and
# first: a run's own style reaches the browser only after some of its elements, while the last run's still holds.
STEADY_CSS = """<style>
  [data-testid="stElementContainer"][data-stale="true"], [data-testid="stExpander"] summary {
    opacity: 1 !important; transition: none !important; }
  [data-testid="stStatusWidget"] { visibility: hidden; }
</style>"""


def key(name: str) -> str:
    return f"{KEEP}toy2d_{name}"


def widget_config() -> Toy2DConfig:
    """The settings the widgets hold now."""
    values = {name: st.session_state[key(name)] for name in SETTINGS}
    return Toy2DConfig(**{**asdict(Toy2DConfig()), **values})


def set_widgets(config: Toy2DConfig) -> None:
    """Put a config into the widgets (before they are drawn: from a callback or at the top of the page)."""
    values = asdict(config)
    for name in SETTINGS:
        widgets.set_widget(key(name), values[name])


def read_url_once() -> None:
    """The first time this session opens the page: the settings of a shared link, else the defaults. (Marked
    read only once every setting is in place: a visit cut short by the next click must not leave a session
    with the page marked read and its settings missing.)"""
    if st.session_state.get(FROM_URL) and all(key(name) in st.session_state for name in SETTINGS):
        return
    config, points, problems = read_link_query(st.query_params.to_dict())  # a bad value: its default, the others kept
    if points is not None:
        st.session_state[POINTS] = points
    if problems:
        st.session_state[MESSAGE] = "  \n".join(error_text(problem) for problem in problems)
    if not all(key(name) in st.session_state for name in SETTINGS) or names_settings(st.query_params.to_dict()):
        set_widgets(config)
    st.session_state[FROM_URL] = True


def write_url(config: Toy2DConfig) -> None:
    """Mirror the setup in the address bar (only what changed), so the link shares the experiment."""
    wanted = link_query(config, st.session_state.get(POINTS))
    if POINTS_NAME not in wanted and POINTS_NAME in st.query_params:
        del st.query_params[POINTS_NAME]
    changed = {name: value for name, value in wanted.items() if st.query_params.get(name) != value}
    if changed:
        st.query_params.update(changed)


# --- callbacks (they run before the page, so they may set the widgets) -------------------------------------
def apply_preset(name: str) -> None:
    set_widgets(demonstration_config(name))
    st.session_state[PRESET] = name
    st.session_state[LAB] = None  # a demonstration starts from scratch, even on the settings it already had
    st.session_state[PLAYING] = name in DEMONSTRATIONS


def load_upload() -> None:
    uploaded = st.session_state.get(UPLOAD)
    if uploaded is None:
        return
    try:
        lab = Toy2DLab.from_bytes(uploaded.getvalue())
    except GanLabError as error:
        st.session_state[MESSAGE] = error_text(error)
        return
    lab.evaluate()
    set_widgets(lab.config)
    if lab.custom_points is not None:
        st.session_state[POINTS] = lab.custom_points.tolist()
        st.session_state[DRAWING] = False
    st.session_state[LAB] = lab
    st.session_state[PLAYING] = False
    st.session_state[MESSAGE] = ("success", t("toy2d_loaded", name=uploaded.name))


def clear_points() -> None:
    st.session_state[POINTS] = []
    st.session_state[CANVAS_VERSION] = st.session_state.get(CANVAS_VERSION, 0) + 1


def distribution_chosen() -> None:
    """A new distribution brings its own settings (the widgets show them); "your own points" opens the drawing
    canvas (with the points drawn before)."""
    if widgets.stale(key("distribution")):  # the one a preset replaced, echoed back by a poll: not a choice
        return
    chosen = st.session_state[key("distribution")]
    set_widgets(with_distribution(widget_config(), chosen))
    if chosen == "custom":
        st.session_state[DRAWING] = True


def set_playing(playing: bool) -> None:
    """Play or Pause: the state the button showed when it was pressed (a click counted twice changes nothing)."""
    st.session_state[PLAYING] = playing


def status_line(lab: Toy2DLab) -> str:
    return t("toy2d_status", rounds=lab.rounds, d=lab.d_updates, g=lab.g_updates)


def step_by_hand(which: str) -> None:
    """Step (a round), Step D only, Step G only: one update by hand pauses the lab and is measured at once."""
    lab: Toy2DLab = st.session_state[LAB]
    st.session_state[PLAYING] = False
    {"round": lab.step, "d": lab.step_d, "g": lab.step_g}[which]()
    lab.evaluate()
    st.session_state[LINE] = {"d": t("toy2d_after_d"), "g": t("toy2d_after_g")}.get(which) or status_line(lab)


def reset_lab() -> None:
    """A new G and D with the same settings (the seed's starting point again)."""
    lab: Toy2DLab = st.session_state[LAB]
    fresh = Toy2DLab(lab.config, None if lab.custom_points is None else lab.custom_points.tolist())
    fresh.evaluate()
    st.session_state[LAB] = fresh
    st.session_state[LINE] = status_line(fresh)


# --- the lab in the session --------------------------------------------------------------------------------
def current_lab(config: Toy2DConfig) -> Toy2DLab | None:
    """The session's lab for these settings: the same one when only live settings changed, else a new one."""
    points = st.session_state.get(POINTS) or None
    if config.distribution == "custom" and not points:
        return None
    lab: Toy2DLab | None = st.session_state.get(LAB)
    if lab is None or not lab.adjust(config, points):
        lab = Toy2DLab(config, points)
        lab.evaluate()
        st.session_state[LAB] = lab
    return lab


def names() -> dict[str, str]:
    """The charts' labels in the current language."""
    return {"surface": t("toy2d_surface"), "real": t("toy2d_real"), "fake": t("toy2d_fake"), "mesh": t("toy2d_mesh"),
            "arrows": t("toy2d_arrows"), "loss_d": t("toy2d_loss_d"), "loss_g": t("toy2d_loss_g"),
            "loss": t("toy2d_loss_axis"), "updates": t("toy2d_updates"), "modes": t("toy2d_modes"),
            "high_quality": t("toy2d_high_quality"), "modes_axis": t("toy2d_modes_axis"),
            "manifold": t("toy2d_manifold"), "divergence": t("toy2d_divergence"),
            "lattice": t("toy2d_draw_lattice"), "chosen": t("toy2d_draw_chosen"), "plane": t("toy2d_plane"),
            "curves": t("toy2d_curves")}


# --- the page ----------------------------------------------------------------------------------------------
def settings_column() -> Toy2DConfig:
    st.subheader(t("toy2d_settings_h"))
    st.selectbox(label("distribution"), DISTRIBUTIONS, key=key("distribution"), on_change=distribution_chosen,
                 format_func=option_labels("distribution").__getitem__)
    if st.session_state[key("distribution")] == "custom" and not st.session_state.get(DRAWING):
        st.button(t("toy2d_draw_again"), key="toy2d_draw_again", icon=":material/draw:",
                  on_click=lambda: st.session_state.update({DRAWING: True}))
    st.selectbox(label("loss"), list(LOSSES), key=key("loss"), help=t("toy2d_loss_help"))
    d_col, g_col = st.columns(2)
    d_col.number_input(label("d_steps"), 1, 20, key=key("d_steps"), help=t("toy2d_ratio_help"))
    g_col.number_input(label("g_steps"), 1, 20, key=key("g_steps"), help=t("toy2d_ratio_help"))
    for network in ("g", "d"):
        opt_col, lr_col = st.columns(2)
        opt_col.selectbox(label(f"optimizer_{network}"), OPTIMIZERS, key=key(f"optimizer_{network}"),
                          format_func=option_labels(f"optimizer_{network}").__getitem__)
        rates = sorted({*LEARNING_RATES, st.session_state[key(f"lr_{network}")]})
        lr_col.select_slider(label(f"lr_{network}"), rates, key=key(f"lr_{network}"), format_func=lambda v: f"{v:g}")
    layers_col, width_col = st.columns(2)
    layers_col.number_input(label("layers"), 1, 6, key=key("layers"))
    widths = sorted({*WIDTHS, st.session_state[key("width")]})
    width_col.selectbox(label("width"), widths, key=key("width"))
    dim_col, noise_col = st.columns(2)
    dim_col.radio(label("noise_dim"), (1, 2), key=key("noise_dim"), horizontal=True, format_func=lambda n: f"{n}D")
    noise_col.radio(label("noise"), NOISES, key=key("noise"), horizontal=True,
                    format_func=option_labels("noise").__getitem__)
    batch_col, seed_col = st.columns(2)
    batch_col.selectbox(label("batch_size"), sorted({*BATCHES, st.session_state[key("batch_size")]}),
                        key=key("batch_size"))
    seed_col.number_input(label("seed"), 0, 2**31 - 1, key=key("seed"))
    sn_col, r1_col = st.columns(2, vertical_alignment="bottom")
    sn_col.checkbox(label("spectral_norm"), key=key("spectral_norm"), help=t("toy2d_spectral_norm_help"))
    r1_col.select_slider(label("r1"), sorted({*R1_WEIGHTS, st.session_state[key("r1")]}), key=key("r1"),
                         format_func=lambda v: f"{v:g}", help=t("toy2d_r1_help"))
    beta1_col, beta2_col = st.columns(2)
    beta1_col.selectbox(label("beta1"), sorted({*BETAS1, st.session_state[key("beta1")]}), key=key("beta1"))
    beta2_col.selectbox(label("beta2"), sorted({*BETAS2, st.session_state[key("beta2")]}), key=key("beta2"))
    sigma_col, anneal_col = st.columns(2)
    sigma_col.select_slider(label("instance_noise"),
                            sorted({*INSTANCE_NOISES, st.session_state[key("instance_noise")]}),
                            key=key("instance_noise"), format_func=lambda v: f"{v:g}", help=t("toy2d_instance_noise_help"))
    anneal_col.selectbox(label("instance_noise_rounds"),
                         sorted({*ANNEAL_ROUNDS, st.session_state[key("instance_noise_rounds")]}),
                         key=key("instance_noise_rounds"), help=t("toy2d_instance_noise_rounds_help"))
    decays = sorted({*EMA_DECAYS, st.session_state[key("g_ema")]})
    st.select_slider(label("g_ema"), decays, key=key("g_ema"),
                     format_func={v: f"{v:g}" if v else t("toy2d_off") for v in decays}.__getitem__,
                     help=t("toy2d_ema_help"))
    own = defaults_sentence(st.session_state[key("distribution")])
    if own:
        st.caption(own)
    st.caption(t("toy2d_live_note"))
    return widget_config()


def presets_row() -> None:
    """The demonstrations: one button each; the chosen one's sentence says what to watch."""
    st.markdown(f"**{t('toy2d_presets_h')}**")
    columns = st.columns(len(DEMONSTRATIONS) + 1)  # a row of their own: whole labels at 1280 px in either language
    for column, name in zip(columns, DEMONSTRATIONS):
        column.button(t(f"toy2d_preset_{name}"), key=f"toy2d_preset_{name}", on_click=apply_preset, args=(name,),
                      icon=":material/play_lesson:", help=t(f"toy2d_preset_{name}_say"), width="stretch")
    columns[-1].button(t("toy2d_preset_default"), key="toy2d_preset_default", on_click=apply_preset,
                       args=("default",), icon=":material/restart_alt:", width="stretch")
    chosen = st.session_state.get(PRESET)
    if chosen in DEMONSTRATIONS:
        st.info(f"**{t(f'toy2d_preset_{chosen}')}.** {t(f'toy2d_preset_{chosen}_say')}", icon=":material/visibility:")


def files_section(lab: Toy2DLab | None) -> None:
    with st.expander(t("toy2d_files_h"), icon=":material/share:"):
        st.caption(t("toy2d_share"))
        if lab is not None:
            st.download_button(t("toy2d_save"), data=lab.to_bytes, file_name=f"gan-lab-2d-{lab.config.distribution}.pt",
                               mime="application/octet-stream", icon=":material/download:", on_click="ignore",
                               help=t("toy2d_save_help"), key="toy2d_save")
        st.file_uploader(t("toy2d_load"), type=["pt"], key=UPLOAD, on_change=load_upload)


def draw_canvas() -> None:
    """Pick the custom distribution's points: click or box/lasso-select the lattice; the union is kept."""
    st.subheader(t("toy2d_draw_h"))
    st.caption(t("toy2d_draw_help"))
    chosen = np.asarray(st.session_state.get(POINTS) or [], dtype=float).reshape(-1, 2)
    event = st.plotly_chart(canvas_figure(chosen, names()), key=f"toy2d_canvas_{st.session_state.get(CANVAS_VERSION, 0)}",
                            on_select="rerun", selection_mode=("points", "box", "lasso"), theme=None, width="stretch")
    picked = [[p["x"], p["y"]] for p in (event.selection.get("points", []) if event else []) if p.get("curve_number", 0) == 0]
    if picked:
        merged = np.unique(np.round(np.concatenate([chosen, np.asarray(picked, dtype=float)]), 2), axis=0)
        if len(merged) != len(chosen):
            st.session_state[POINTS] = merged.tolist()
            st.rerun()
    count_col, clear_col, done_col = st.columns([2, 1, 2])
    count_col.markdown(t("toy2d_draw_count", n=len(chosen)))
    clear_col.button(t("toy2d_draw_clear"), key="toy2d_draw_clear", on_click=clear_points, icon=":material/delete:")
    if done_col.button(t("toy2d_draw_done"), key="toy2d_draw_done", type="primary", icon=":material/check:",
                       disabled=len(chosen) == 0):
        st.session_state[DRAWING] = False
        st.session_state[PLAYING] = True
        st.rerun()


def controls() -> None:
    """Play / Pause, the steps, Reset, speed and slow motion: outside the fragment, so a frame never redraws them."""
    playing = st.session_state.get(PLAYING, False)
    # two rows, so no label is cut at 1280 px with the settings open: the buttons, then how fast Play goes
    buttons = st.columns([1.1, 1, 1.2, 1.2, 1.1], vertical_alignment="bottom")
    buttons[0].button(t("toy2d_pause") if playing else t("toy2d_play"), key="toy2d_play", on_click=set_playing,
                      args=(not playing,), type="primary", width="stretch",
                      icon=":material/pause:" if playing else ":material/play_arrow:")
    buttons[1].button(t("toy2d_step"), key="toy2d_step", icon=":material/skip_next:", on_click=step_by_hand,
                      args=("round",), width="stretch")
    buttons[2].button(t("toy2d_step_d"), key="toy2d_step_d", on_click=step_by_hand, args=("d",), width="stretch")
    buttons[3].button(t("toy2d_step_g"), key="toy2d_step_g", on_click=step_by_hand, args=("g",), width="stretch")
    buttons[4].button(t("toy2d_reset"), key="toy2d_reset", icon=":material/replay:", on_click=reset_lab, width="stretch")
    speed_col, slow_col = st.columns([3, 2], vertical_alignment="bottom")
    speed_col.slider(t("toy2d_speed"), 1, 50, key=SPEED)
    slow_col.toggle(t("toy2d_slow"), key=SLOW, help=t("toy2d_slow_help"))


def lab_view() -> None:
    """The plane and the numbers; reruns on its own every frame while playing (one frame: a few rounds, or
    one half-step in slow motion)."""
    lab: Toy2DLab = st.session_state[LAB]
    playing = st.session_state.get(PLAYING, False)
    line = st.session_state.pop(LINE, None)  # what a button just did, said once
    advancing = playing and line is None
    if advancing and st.session_state.get(SLOW):
        half = lab.half_step()
        line = t(f"toy2d_half_{half.player}", i=half.number, n=half.of)
    elif advancing:
        advance(lab, int(st.session_state.get(SPEED, DEFAULT_ROUNDS_PER_FRAME)))
    plane, curves = scenes_of(lab, playing=advancing)
    plot_col, numbers_col = st.columns([1.6, 1], gap="medium")
    with plot_col:
        st.markdown(f"**{line or status_line(lab)}**")
        canvas_chart(plane, key="toy2d_plane")
        if lab.G_ema is not None:
            st.caption(t("toy2d_ema_shown", decay=f"{lab.config.g_ema:g}"))
    with numbers_col:
        numbers(lab)
        canvas_chart(curves, key="toy2d_curves")


def scenes_of(lab: Toy2DLab, playing: bool) -> tuple[dict, dict]:
    """The frame's scenes, built again only when the lab has changed since the last ones: its updates, its
    measurements or its live settings (a new loss redraws D's surface and G's arrows), or the language. A
    paused lab's page rerun shows the same plane."""
    def state() -> tuple:
        return lab.d_updates, lab.g_updates, len(lab.history.metrics), lab.config, language()

    kept = st.session_state.get(SCENES)
    if kept is not None and kept[0] is lab and kept[1] == state():
        return kept[2]
    scenes = frame_scenes(lab, names(), playing=playing)
    st.session_state[SCENES] = (lab, state(), scenes)
    return scenes


def numbers(lab: Toy2DLab) -> None:
    latest = lab.history.metrics[-1][1]
    first, second = st.columns(2), st.columns(2)
    if latest.modes_total is not None:
        first[0].metric(t("toy2d_metric_modes"), f"{latest.modes_covered} / {latest.modes_total}")
        first[1].metric(t("toy2d_metric_quality"), f"{latest.high_quality:.0%}")
    else:
        first[0].metric(t("toy2d_metric_manifold"), f"{latest.manifold_distance:.3f}")
    second[0].metric("KL", f"{latest.kl:.2f}")
    second[1].metric("JS", f"{latest.js:.3f}")
    with st.expander(t("toy2d_numbers_h"), icon=":material/info:"):
        st.markdown(t("toy2d_numbers_explain"))


@wording.shows_user_errors
def render() -> None:
    read_url_once()
    widgets.default(SPEED, DEFAULT_ROUNDS_PER_FRAME)
    widgets.default(SLOW, False)
    st.html(STEADY_CSS)
    st.title(t("toy2d_title"))
    st.caption(t("toy2d_intro"))
    message = st.session_state.pop(MESSAGE, None)
    if isinstance(message, tuple):
        st.success(message[1], icon=":material/check:")
    elif message:
        st.error(message, icon=":material/error:")
    with st.sidebar:  # the experiment's settings; the page's width goes to the plane and the numbers
        config = settings_column()
    write_url(config)
    chosen = st.session_state.get(PRESET)
    if chosen in DEMONSTRATIONS and not demonstration_holds(chosen, config):
        del st.session_state[PRESET]  # another experiment now: its sentence no longer applies
    lab = current_lab(config)
    with st.sidebar:
        files_section(lab)
    presets_row()
    if lab is None or st.session_state.get(DRAWING):
        st.session_state[PLAYING] = False
        draw_canvas()
        return
    controls()
    playing = st.session_state.get(PLAYING, False)
    every = (SLOW_MOTION_SECONDS if st.session_state[SLOW] else FRAME_SECONDS) if playing else None
    turns.fragment(lab_view, run_every=every)()


render()
