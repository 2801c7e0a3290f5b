"""Latent explorer: drag the numbers of z and watch the digit follow; walk between two points;
move along the principal directions of the latent space (the GANSpace idea). Beside the one digit
of the sliders and the directions: the classifier's guess and the nearest training image."""

from __future__ import annotations

import math
import secrets

import numpy as np
import streamlit as st
import torch

from gan_core.checkpoints import RunInfo
from gan_core.errors import GanLabError
from gan_core.latent import INTERPOLATIONS, interpolate
from gan_core.metrics import classify_one, judge_nearest, nearest_training_image
from gan_core.sampling import LoadedGenerator

from ui import cache, charts, frame, pickers, pictures, quality
from ui.frame import KEEP
from ui.i18n import t

IN_VIEW = 8  # latent sliders shown at once; the others are in an expander
LIMIT = 4.0  # slider range: a N(0, 1) coordinate is inside +-4 all but once in 15,000 draws
DIRECTIONS_SHOWN = 6
MODES = ("sliders", "interpolation", "directions")
SWEEP = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
UNSURE = 0.5  # below this confidence the guess says the classifier may see no digit at all


# --- one latent vector, one slider per coordinate ---------------------------------------------------
def z_key(run: RunInfo, dim: int) -> str:
    return f"latent_z::{run.name}::{dim}"


def slider_key(run: RunInfo, index: int) -> str:
    return f"latent_slider::{run.name}::{index}"


def set_vector(run: RunInfo, values: list[float]) -> None:
    """Make z these values (rounded to the sliders' step, kept in their range) and move every slider."""
    values = [round(float(np.clip(v, -LIMIT, LIMIT)), 2) for v in values]
    st.session_state[z_key(run, len(values))] = values
    for index, value in enumerate(values):
        st.session_state[slider_key(run, index)] = value


def from_seed(run: RunInfo, generator: LoadedGenerator, seed: int) -> None:
    set_vector(run, generator.noise(1, int(seed))[0].tolist())


def apply_seed(run: RunInfo, generator: LoadedGenerator) -> None:
    from_seed(run, generator, st.session_state[f"{KEEP}latent_seed"])


def randomize(run: RunInfo, generator: LoadedGenerator) -> None:
    seed = secrets.randbelow(1_000_000)
    st.session_state[f"{KEEP}latent_seed"] = seed
    from_seed(run, generator, seed)


def current_vector(run: RunInfo, generator: LoadedGenerator) -> torch.Tensor:
    """z as the sliders say now; the first visit starts from the seed, a visit back from where it was left."""
    key = z_key(run, generator.latent_dim)
    if key not in st.session_state:
        from_seed(run, generator, st.session_state[f"{KEEP}latent_seed"])
    saved = st.session_state[key]
    values = []
    for index in range(generator.latent_dim):
        slider = slider_key(run, index)
        if slider not in st.session_state:  # Streamlit forgot the widget while another mode was shown
            st.session_state[slider] = saved[index]
        values.append(float(st.session_state[slider]))
    st.session_state[key] = values
    return torch.tensor(values)


def digit(run: RunInfo, generator: LoadedGenerator, z: torch.Tensor, caption: str | None = None) -> None:
    """The generated digit for z, and beside it the nearest training image; under them the classifier's
    guess, a plain verdict on the distance (is the generator copying?) and the ten probabilities."""
    image = generator.generate(z[None])
    note = None if quality.judges(run.dataset) else t("latent_no_metrics", dataset=run.dataset)
    if note is None:
        try:
            guess, confidence, probabilities = classify_one(image[0])
            index, distance, nearest = nearest_training_image(image[0], run.dataset)
            verdict = judge_nearest(distance, run.dataset)
        except GanLabError as error:  # no classifier file, the run's dataset missing here: the digit still shows
            note = frame.error_text(error)
    if note is not None:
        pictures.show(pictures.picture(image, columns=1, target=420, padding=0), caption=caption)
        st.caption(note)
        return
    generated_col, nearest_col = st.columns([3, 2], gap="small", vertical_alignment="bottom")
    with generated_col:
        pictures.show(pictures.picture(image, columns=1, target=300, padding=0), caption=caption)
    with nearest_col:
        pictures.show(pictures.picture(nearest[None], columns=1, target=200, padding=0),
                    caption=t("latent_nearest_caption", index=index))
    unsure = t("latent_guess_unsure") if confidence < UNSURE else ""
    st.markdown(f"#### {t('latent_guess', digit=guess, confidence=confidence)}{unsure}")
    st.markdown(t(f"latent_verdict_{verdict.verdict}", distance=verdict.distance, median=verdict.reference_median,
                  threshold=verdict.too_close_threshold))
    pictures.chart(charts.probabilities(probabilities, t("digit"), t("latent_probability_axis")))


def latent_slider(run: RunInfo, index: int) -> None:
    st.slider(f"z{index + 1}", -LIMIT, LIMIT, step=0.05, key=slider_key(run, index), format="%.2f")


@st.fragment
@frame.shows_user_errors
def sliders_mode(run: RunInfo, generator: LoadedGenerator) -> None:
    z = current_vector(run, generator)
    image_col, sliders_col = st.columns([1, 1], gap="large")  # the digit, its nearest image, the guess
    with image_col:
        digit(run, generator, z, t("latent_digit_caption", norm=float(z.norm()), typical=math.sqrt(generator.latent_dim)))
    with sliders_col:
        seed_col, random_col, zero_col = st.columns(3, vertical_alignment="bottom")
        seed_col.number_input(t("seed"), min_value=0, max_value=2**31 - 1, step=1, key=f"{KEEP}latent_seed",
                              on_change=apply_seed, args=(run, generator), help=t("latent_seed_help"))
        random_col.button(t("latent_random"), on_click=randomize, args=(run, generator), width="stretch",
                          icon=":material/casino:")
        zero_col.button(t("latent_zero"), on_click=set_vector, args=(run, [0.0] * generator.latent_dim),
                        width="stretch", icon=":material/restart_alt:", help=t("latent_zero_help"))
        shown = min(IN_VIEW, generator.latent_dim)
        columns = st.columns(2)
        for index in range(shown):
            with columns[index % 2]:
                latent_slider(run, index)
        if generator.latent_dim > shown:
            with st.expander(t("latent_more", first=shown + 1, last=generator.latent_dim)):
                more = st.columns(4)
                for index in range(shown, generator.latent_dim):
                    with more[(index - shown) % 4]:
                        latent_slider(run, index)
    st.caption(t("latent_sliders_note"))


# --- interpolation ------------------------------------------------------------------------------------
def interpolation_mode(run: RunInfo, generator: LoadedGenerator) -> None:
    st.markdown(t("latent_interp_intro"))
    frame.default(f"{KEEP}latent_seed_a", 1)
    frame.default(f"{KEEP}latent_seed_b", 2)
    frame.default(f"{KEEP}latent_steps", 10)
    a_col, b_col, steps_col, current_col = st.columns([1, 1, 2, 2], vertical_alignment="bottom")
    seed_a = a_col.number_input(t("latent_seed_a"), min_value=0, max_value=2**31 - 1, step=1, key=f"{KEEP}latent_seed_a")
    seed_b = b_col.number_input(t("latent_seed_b"), min_value=0, max_value=2**31 - 1, step=1, key=f"{KEEP}latent_seed_b")
    steps = steps_col.slider(t("latent_steps"), 3, 16, key=f"{KEEP}latent_steps")
    use_current = current_col.checkbox(t("latent_use_current"), key=f"{KEEP}latent_use_current",
                                       help=t("latent_use_current_help"))
    saved = st.session_state.get(z_key(run, generator.latent_dim))
    start = torch.tensor(saved) if use_current and saved else generator.noise(1, int(seed_a))[0]
    end = generator.noise(1, int(seed_b))[0]
    norms = {}
    for method in INTERPOLATIONS:
        path = interpolate(start, end, int(steps), method)
        norms[method] = path.norm(dim=1).numpy()
        st.subheader(t(f"latent_{method}"))
        pictures.show(pictures.picture(generator.generate(path), columns=int(steps), target=1300), width="stretch")
    x = np.linspace(0, 1, int(steps))
    lines = [charts.Line(t(f"latent_{method}"), x, norms[method], colour)
             for method, colour in zip(INTERPOLATIONS, ("#d62728", "#1f77b4"))]
    chart_col, text_col = st.columns([3, 2], gap="large")
    with chart_col:
        pictures.chart(charts.figure(lines, t("latent_norm"), t("latent_t"), height=300,
                                   references={"√d": math.sqrt(generator.latent_dim)}))
    with text_col:
        st.markdown(t("latent_interp_explain", d=generator.latent_dim, sqrt=math.sqrt(generator.latent_dim)))


# --- principal directions -------------------------------------------------------------------------------
def amount_key(run: RunInfo, index: int) -> str:
    return f"latent_amount::{run.name}::{index}"


def reset_amounts(run: RunInfo, count: int) -> None:
    for index in range(count):
        st.session_state[amount_key(run, index)] = 0.0


@st.fragment
@frame.shows_user_errors
def directions_mode(run: RunInfo, generator: LoadedGenerator) -> None:
    st.markdown(t("latent_dir_intro"))
    with st.spinner(t("latent_dir_computing")):
        found = cache.directions(run)
    count = min(DIRECTIONS_SHOWN, len(found))
    frame.default(f"{KEEP}latent_dir_seed", 0)
    image_col, sliders_col = st.columns([1, 1], gap="large")  # the digit, its nearest image, the guess
    with sliders_col:
        seed_col, reset_col = st.columns(2, vertical_alignment="bottom")
        seed = seed_col.number_input(t("latent_dir_seed"), min_value=0, max_value=2**31 - 1, step=1,
                                     key=f"{KEEP}latent_dir_seed")
        reset_col.button(t("latent_dir_reset"), on_click=reset_amounts, args=(run, count), icon=":material/restart_alt:",
                         width="stretch")
        amounts = []
        columns = st.columns(2)
        for index in range(count):
            frame.default(amount_key(run, index), 0.0)
            share = float(found.variance_ratio[index]) * 100
            with columns[index % 2]:
                amounts.append(st.slider(t("latent_dir_slider", n=index + 1, share=share), -3.0, 3.0, step=0.1,
                                         key=amount_key(run, index), format="%+.1f σ"))
    base = generator.noise(1, int(seed))[0]
    with image_col:
        digit(run, generator, found.move(base, amounts), t("latent_dir_caption"))
    st.subheader(t("latent_sweep_h"))
    sweep = generator.generate(found.sweep(base, SWEEP, count))
    pictures.show(pictures.picture(sweep, columns=len(SWEEP), target=700), width=700)
    st.caption(t("latent_sweep_caption", n=count))
    with st.expander(t("latent_variance_h")):
        labels = [str(index + 1) for index in range(len(found))]
        pictures.chart(charts.bars(labels, (found.variance_ratio * 100).tolist(), t("latent_variance_axis")))
        st.caption(t("latent_variance_caption", samples=found.samples))


@frame.shows_user_errors
def render() -> None:
    st.title(t("latent_title"))
    st.markdown(t("latent_intro"))
    if not pickers.sampleable_runs():
        pickers.no_run_notice()
        return
    frame.default(f"{KEEP}latent_seed", 0)
    run_col, mode_col = st.columns([1, 1], gap="large")
    with run_col:
        run = pickers.pick_run(f"{KEEP}latent_run")
    if run is None:
        return
    try:
        generator = cache.generator(run)
    except GanLabError as error:
        st.error(frame.error_text(error))
        return
    with mode_col:
        mode = st.radio(t("latent_mode"), MODES, horizontal=True,
                        key=f"{KEEP}latent_mode", format_func={m: t(f"latent_mode_{m}") for m in MODES}.__getitem__)
    if mode == "sliders":
        sliders_mode(run, generator)
    elif mode == "interpolation":
        interpolation_mode(run, generator)
    else:
        directions_mode(run, generator)


render()
