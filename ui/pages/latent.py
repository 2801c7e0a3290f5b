"""Latent explorer: drag the numbers of z and watch the digit follow; walk between two points;
move along the principal directions of the latent space (the GANSpace idea). Beside the one digit
of the sliders and the directions: the classifier's guess and the nearest training image.

A conditional run (cgan) is also told which digit to draw: a digit picker beside the sliders, a
style grid (rows: one z each, columns: the digits 0-9) and a walk from one digit to another at a
fixed z, exported as a GIF."""

from __future__ import annotations

import secrets

import numpy as np
import streamlit as st
import torch

from gan_core.runs.checkpoints import RunDir, RunInfo, default_checkpoints_dir
from gan_core.errors import GanLabError
from gan_core.images import gif_bytes
from gan_core.latent import INTERPOLATIONS, interpolate, label_walk, typical_norm
from gan_core.eval.metrics import classify_one, judge_nearest, nearest_training_image
from gan_core.models import NUM_CLASSES
from gan_core.sampling import LoadedGenerator

from ui import cache, charts, number_field, pickers, pictures, quality, turns, widgets, wording
from ui.widgets import KEEP
from ui.i18n import language, t

IN_VIEW = 8  # latent sliders shown at once; the others are in an expander
LIMIT = 4.0  # slider range: a N(0, 1) coordinate is inside +-4 all but once in 15,000 draws
DIRECTIONS_SHOWN = 6
MODES = ("sliders", "interpolation", "directions")
CONDITIONAL_MODES = ("sliders", "style", "interpolation", "directions")  # a run that is told the digit
DIGITS = list(range(NUM_CLASSES))
GIF_WIDTH = 280  # one digit per frame
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
        widgets.set_widget(slider_key(run, index), value)


def from_seed(run: RunInfo, generator: LoadedGenerator, seed: int) -> None:
    set_vector(run, generator.noise(1, int(seed))[0].tolist())


def apply_seed(run: RunInfo, generator: LoadedGenerator) -> None:
    if widgets.stale(f"{KEEP}latent_seed"):  # the seed Random replaced, echoed back by a poll: not a choice
        return
    seed, problem = number_field.read(f"{KEEP}latent_seed", number_field.SEED)
    if problem is None:  # otherwise the field says why, and z stays
        from_seed(run, generator, seed)


def randomize(run: RunInfo, generator: LoadedGenerator) -> None:
    seed = secrets.randbelow(1_000_000)
    widgets.set_widget(f"{KEEP}latent_seed", str(seed))
    from_seed(run, generator, seed)


def current_vector(run: RunInfo, generator: LoadedGenerator) -> torch.Tensor:
    """z as the sliders say now; the first visit starts from the seed, a visit back from where it was left."""
    key = z_key(run, generator.latent_dim)
    if key not in st.session_state:
        seed, problem = number_field.read(f"{KEEP}latent_seed", number_field.SEED)
        from_seed(run, generator, seed if problem is None else 0)
    saved = st.session_state[key]
    values = []
    for index in range(generator.latent_dim):
        slider = slider_key(run, index)
        if slider not in st.session_state:  # Streamlit forgot the widget while another mode was shown
            st.session_state[slider] = saved[index]
        values.append(float(st.session_state[slider]))
    st.session_state[key] = values
    return torch.tensor(values)


# --- the digit a conditional run is asked for ------------------------------------------------------------------
DIGIT_KEY = f"{KEEP}latent_digit"


def digit_picker(generator: LoadedGenerator, key: str = DIGIT_KEY, label: str | None = None) -> int | None:
    """Which digit a conditional run draws (0-9); None for a run that cannot be told."""
    if not generator.conditional:
        return None
    widgets.default(key, 7)
    chosen = st.segmented_control(label or t("cgan_digit"), DIGITS, key=key, help=t("cgan_digit_help"))
    if chosen is None:  # a click on the chosen digit unselects it: keep the last one
        chosen = st.session_state.get(f"{key}::last", 7)
    st.session_state[f"{key}::last"] = chosen
    return int(chosen)


def as_labels(label: int | None, n: int = 1) -> torch.Tensor | None:
    return None if label is None else torch.full((n,), label, dtype=torch.int64)


@st.cache_data(show_spinner=False, max_entries=1024)
def looked_at(name: str, version: int, z: tuple[float, ...], label: int | None, dataset: str) -> tuple:
    """The digit of z (and label) and what the classifier and the nearest-image search say of it, computed once
    for every student at the same point of the same checkpoint (`version`): a class opening the page all starts
    at the seed's z, and a student's page rerun keeps its sliders where they are."""
    image = cache.generator(name).generate(torch.tensor(z)[None], as_labels(label))
    guess, confidence, probabilities = classify_one(image[0])
    index, distance, nearest = nearest_training_image(image[0], dataset)
    return image, guess, confidence, probabilities, index, nearest, judge_nearest(distance, dataset)


@st.cache_resource(show_spinner=False, max_entries=256)
def drawn(name: str, version: int, z: tuple[float, ...], label: int | None, dataset: str, language: str) -> tuple:
    """`looked_at` as the page shows it: both pictures encoded and the probabilities' chart built, once for every
    student at the same point (read only)."""
    image, guess, confidence, probabilities, index, nearest, verdict = looked_at(name, version, z, label, dataset)
    return (pictures.png(pictures.picture(image, columns=1, target=300, padding=0)),
            pictures.png(pictures.picture(nearest[None], columns=1, target=200, padding=0)),
            guess, confidence, index, verdict, charts.probabilities(probabilities, t("digit"), t("latent_probability_axis")))


def digit(run: RunInfo, generator: LoadedGenerator, z: torch.Tensor, caption: str | None = None,
          label: int | None = None) -> None:
    """The generated digit for z (and, for a conditional run, the asked label), and beside it the nearest
    training image; under them the classifier's guess, a plain verdict on the distance (is the generator
    copying?) and the ten probabilities."""
    note = None if quality.judges(run.dataset) else t("latent_no_metrics", dataset=run.dataset)
    if note is None:
        try:
            version = cache.stamp(RunDir(run.name, default_checkpoints_dir()).checkpoint_path)
            picture, nearest, guess, confidence, index, verdict, probabilities = drawn(
                run.name, version, tuple(z.tolist()), label, run.dataset, language())
        except GanLabError as error:  # no classifier file, the run's dataset missing here: the digit still shows
            note = wording.error_text(error)
    if note is not None:
        image = generator.generate(z[None], as_labels(label))
        pictures.show(pictures.picture(image, columns=1, target=420, padding=0), caption=caption)
        st.caption(note)
        return
    generated_col, nearest_col = st.columns([3, 2], gap="small", vertical_alignment="bottom")
    with generated_col:
        pictures.show(picture, caption=caption)
    with nearest_col:
        pictures.show(nearest, caption=t("latent_nearest_caption", index=index))
    unsure = t("latent_guess_unsure") if confidence < UNSURE else ""
    asked = "" if label is None else " " + t("cgan_asked_ok" if guess == label else "cgan_asked_other", digit=label)
    st.markdown(f"#### {t('latent_guess', digit=guess, confidence=confidence)}{unsure}{asked}")
    st.markdown(t(f"latent_verdict_{verdict.verdict}", distance=verdict.distance, median=verdict.reference_median,
                  threshold=verdict.too_close_threshold))
    pictures.chart(probabilities)


def latent_slider(run: RunInfo, index: int) -> None:
    st.slider(f"z{index + 1}", -LIMIT, LIMIT, step=0.05, key=slider_key(run, index), format="%.2f")


@turns.fragment
@wording.shows_user_errors
def sliders_mode(run: RunInfo, generator: LoadedGenerator) -> None:
    z = current_vector(run, generator)
    label = digit_picker(generator)  # across the page: in half of it, 8 and 9 fell off its edge at 1280 px
    image_col, sliders_col = st.columns([1, 1], gap="large")  # the digit, its nearest image, the guess
    with sliders_col:
        seed_col, random_col, zero_col = st.columns([0.9, 1.4, 0.9], vertical_alignment="bottom")  # whole labels at 1280 px
        with seed_col:
            number_field.number_field(t("seed"), f"{KEEP}latent_seed", number_field.SEED, on_change=apply_seed,
                                      args=(run, generator), help=t("latent_seed_help"))
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
    with image_col:
        caption = t("latent_digit_caption", norm=float(z.norm()), typical=typical_norm(generator.latent_dim))
        if label is not None:
            caption = t("cgan_digit_caption", digit=label, norm=float(z.norm()), typical=typical_norm(generator.latent_dim))
        digit(run, generator, z, caption, label)
    st.caption(t("latent_sliders_note"))
    if label is not None:
        st.caption(t("cgan_sliders_note"))


# --- a conditional run: the style grid and the walk from digit to digit -----------------------------------------
def style_mode(run: RunInfo, generator: LoadedGenerator) -> None:
    """Rows: one z each (the first the sliders' z); columns: the digits 0-9. Along a row only the label changes,
    so what stays the same (slant, thickness, width) is what z holds."""
    st.markdown(t("cgan_style_intro"))
    widgets.default(f"{KEEP}cgan_style_rows", 6)
    widgets.default(f"{KEEP}cgan_style_seed", 0)
    widgets.default(f"{KEEP}cgan_style_current", True)
    rows_col, seed_col, current_col = st.columns([2, 1, 2], vertical_alignment="bottom")
    rows = rows_col.slider(t("cgan_style_rows"), 1, 12, key=f"{KEEP}cgan_style_rows")
    with seed_col:
        seed = number_field.number_field(t("cgan_style_seed"), f"{KEEP}cgan_style_seed", number_field.SEED,
                                         help=t("cgan_style_seed_help"))
    use_current = current_col.checkbox(t("cgan_style_current"), key=f"{KEEP}cgan_style_current",
                                       help=t("cgan_style_current_help"))
    styles = generator.noise(int(rows), int(seed))
    saved = st.session_state.get(z_key(run, generator.latent_dim))
    if use_current and saved:
        styles[0] = torch.tensor(saved)
    z = styles.repeat_interleave(NUM_CLASSES, dim=0)  # each row's z, once per digit
    labels = torch.arange(NUM_CLASSES).repeat(int(rows))
    images = generator.generate(z, labels)
    pictures.show(pictures.picture(images, columns=NUM_CLASSES, target=900), width=900)
    st.caption(t("cgan_style_caption"))


def digit_walk(generator: LoadedGenerator, run: RunInfo) -> None:
    """From one digit to another at a fixed z: G(z, (1 - t) e_a + t e_b) mixes the two labels' embeddings."""
    st.subheader(t("cgan_walk_h"))
    st.markdown(t("cgan_walk_intro"))
    widgets.default(f"{KEEP}cgan_walk_from", 1)
    widgets.default(f"{KEEP}cgan_walk_to", 7)
    widgets.default(f"{KEEP}cgan_walk_seed", 0)
    widgets.default(f"{KEEP}cgan_walk_steps", 10)
    from_col, to_col, seed_col, steps_col = st.columns([1, 1, 1, 2], vertical_alignment="bottom")
    start = from_col.selectbox(t("cgan_walk_from"), DIGITS, key=f"{KEEP}cgan_walk_from")
    end = to_col.selectbox(t("cgan_walk_to"), DIGITS, key=f"{KEEP}cgan_walk_to")
    with seed_col:
        seed = number_field.number_field(t("cgan_walk_seed"), f"{KEEP}cgan_walk_seed", number_field.SEED)
    steps = steps_col.slider(t("latent_steps"), 3, 16, key=f"{KEEP}cgan_walk_steps")
    z = generator.noise(1, int(seed)).repeat(int(steps), 1)
    images = generator.generate(z, label_walk(int(start), int(end), int(steps), NUM_CLASSES))
    pictures.show(pictures.picture(images, columns=int(steps), target=1300), width="stretch")
    st.caption(t("cgan_walk_caption", a=start, b=end))
    frames = [pictures.picture(image[None], columns=1, target=GIF_WIDTH, padding=0) for image in images]
    frames += frames[-2:0:-1]  # and back, so the loop does not jump
    st.download_button(t("cgan_walk_gif"), data=gif_bytes(frames, seconds_per_frame=0.15, last_frame_seconds=0.15),
                       file_name=f"{run.name}-{start}-to-{end}.gif", mime="image/gif", icon=":material/download:",
                       on_click="ignore")


# --- interpolation ------------------------------------------------------------------------------------
def interpolation_mode(run: RunInfo, generator: LoadedGenerator) -> None:
    label = None
    if generator.conditional:
        digit_walk(generator, run)
        st.subheader(t("cgan_z_walk_h"))
        label = digit_picker(generator, f"{KEEP}cgan_z_walk_digit", t("cgan_z_walk_digit"))
    st.markdown(t("latent_interp_intro"))
    widgets.default(f"{KEEP}latent_seed_a", 1)
    widgets.default(f"{KEEP}latent_seed_b", 2)
    widgets.default(f"{KEEP}latent_steps", 10)
    a_col, b_col, steps_col, current_col = st.columns([1, 1, 2, 2], vertical_alignment="bottom")
    with a_col:
        seed_a = number_field.number_field(t("latent_seed_a"), f"{KEEP}latent_seed_a", number_field.SEED)
    with b_col:
        seed_b = number_field.number_field(t("latent_seed_b"), f"{KEEP}latent_seed_b", number_field.SEED)
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
        pictures.show(pictures.picture(generator.generate(path, as_labels(label, int(steps))), columns=int(steps), target=1300),
                    width="stretch")
    x = np.linspace(0, 1, int(steps))
    lines = [charts.Line(t(f"latent_{method}"), x, norms[method], colour)
             for method, colour in zip(INTERPOLATIONS, ("#d62728", "#1f77b4"))]
    chart_col, text_col = st.columns([3, 2], gap="large")
    with chart_col:
        pictures.chart(charts.figure(lines, t("latent_norm"), t("latent_t"), height=300,
                                   references={"√d": typical_norm(generator.latent_dim)}))
    with text_col:
        st.markdown(t("latent_interp_explain", d=generator.latent_dim, sqrt=typical_norm(generator.latent_dim)))


# --- principal directions -------------------------------------------------------------------------------
def amount_key(run: RunInfo, index: int) -> str:
    return f"latent_amount::{run.name}::{index}"


def reset_amounts(run: RunInfo, count: int) -> None:
    for index in range(count):
        widgets.set_widget(amount_key(run, index), 0.0)


@turns.fragment
@wording.shows_user_errors
def directions_mode(run: RunInfo, generator: LoadedGenerator) -> None:
    st.markdown(t("latent_dir_intro"))
    with st.spinner(t("latent_dir_computing")):
        found = cache.directions(run)
    count = min(DIRECTIONS_SHOWN, len(found))
    widgets.default(f"{KEEP}latent_dir_seed", 0)
    label = digit_picker(generator)  # across the page, as in the sliders' mode
    image_col, sliders_col = st.columns([1, 1], gap="large")  # the digit, its nearest image, the guess
    with sliders_col:
        seed_col, reset_col = st.columns(2, vertical_alignment="bottom")
        with seed_col:
            seed = number_field.number_field(t("latent_dir_seed"), f"{KEEP}latent_dir_seed", number_field.SEED)
        reset_col.button(t("latent_dir_reset"), on_click=reset_amounts, args=(run, count), icon=":material/restart_alt:",
                         width="stretch")
        amounts = []
        columns = st.columns(2)
        for index in range(count):
            widgets.default(amount_key(run, index), 0.0)
            share = float(found.variance_ratio[index]) * 100
            with columns[index % 2]:
                amounts.append(st.slider(t("latent_dir_slider", n=index + 1, share=share), -3.0, 3.0, step=0.1,
                                         key=amount_key(run, index), format="%+.1f σ"))
    base = generator.noise(1, int(seed))[0]
    with image_col:
        digit(run, generator, found.move(base, amounts), t("latent_dir_caption"), label)
    st.subheader(t("latent_sweep_h"))
    moved = found.sweep(base, SWEEP, count)
    sweep = generator.generate(moved, as_labels(label, len(moved)))
    pictures.show(pictures.picture(sweep, columns=len(SWEEP), target=700), width=700)
    st.caption(t("latent_sweep_caption", n=count))
    with st.expander(t("latent_variance_h")):
        labels = [str(index + 1) for index in range(len(found))]
        pictures.chart(charts.bars(labels, (found.variance_ratio * 100).tolist(), t("latent_variance_axis")))
        st.caption(t("latent_variance_caption", samples=found.samples))


@wording.shows_user_errors
def render() -> None:
    if not pickers.generator_page("latent"):
        return
    widgets.default(f"{KEEP}latent_seed", 0)
    run_col, mode_col = st.columns([1, 1], gap="large")
    with run_col:
        run = pickers.pick_run(f"{KEEP}latent_run")
    if run is None:
        return
    try:
        generator = cache.generator(run)
    except GanLabError as error:
        st.error(wording.error_text(error))
        return
    modes = CONDITIONAL_MODES if generator.conditional else MODES
    if st.session_state.get(f"{KEEP}latent_mode") not in modes:
        st.session_state[f"{KEEP}latent_mode"] = "sliders"  # the style grid of a conditional run, then a run without
    with mode_col:
        mode = st.radio(t("latent_mode"), modes, horizontal=True, key=f"{KEEP}latent_mode",
                        format_func={m: t(f"latent_mode_{m}") for m in modes}.__getitem__)
    if generator.conditional:
        st.caption(t("cgan_run_note"))
    if mode == "sliders":
        sliders_mode(run, generator)
    elif mode == "style":
        style_mode(run, generator)
    elif mode == "interpolation":
        interpolation_mode(run, generator)
    else:
        directions_mode(run, generator)


render()
