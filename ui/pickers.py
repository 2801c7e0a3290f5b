"""Choosing a run: the list of saved runs, the picker every page uses, and the notice when there is none."""

from __future__ import annotations

import streamlit as st

from gan_core.runs.checkpoints import RunInfo, default_checkpoints_dir, pick_default_run

from . import cache, nav, run_watch
from .i18n import plural, t


def runs() -> list[RunInfo]:
    """Every saved run, newest first (a run in training shows as running); shared by every session."""
    return cache.runs()


def sampleable_runs() -> list[RunInfo]:
    """Runs with at least one finished epoch: the ones that can draw digits."""
    return [run for run in runs() if run.epochs_done >= 1]


def runs_with_curves() -> list[RunInfo]:
    """Runs whose training has begun: a finished epoch, or a job queued, starting or training (its curves grow)."""
    in_training = run_watch.manager().active_names(default_checkpoints_dir())
    return [run for run in runs() if run.epochs_done >= 1 or run.status == "running" or run.name in in_training]


def run_label(run: RunInfo) -> str:
    """How a run is named in pickers: name, model, epochs and, when it matters, its status. Short, so it
    reads in full in a third of a 1280-px projector (the Runs page says which runs are shipped)."""
    parts = [run.name, run.model, plural("n_epochs", run.epochs_done)]
    if run.status != "finished":
        parts.append(t(f"status_{run.status}"))
    return " · ".join(parts)


RUN_PARAM = "run"  # ?run=NAME: the class board's link that opens a page on one run (the teacher's projector)


def run_from_address(key: str, names: list[str]) -> None:
    """A `?run=NAME` link selects that run in the picker `key`, once: the address then drops it, so the
    person picks freely after. A run that is not among `names` is said once, in a sentence."""
    requested = st.query_params.get(RUN_PARAM)
    if requested is None:
        return
    del st.query_params[RUN_PARAM]
    if requested in names:
        st.session_state[key] = requested
    else:
        st.warning(t("link_run_missing", name=requested[:64]), icon=":material/link_off:")


def pick_run(key: str, label: str | None = None, choices: list[RunInfo] | None = None,
             from_address: bool = False) -> RunInfo | None:
    """A run picker that opens on the default run (shipped, else newest finished), or on a `?run=` link's
    when `from_address`; None when there is no run that can draw (the page then shows `no_run_notice`)."""
    choices = sampleable_runs() if choices is None else choices
    if not choices:
        return None
    names = [run.name for run in choices]
    if from_address:
        run_from_address(key, names)
    if st.session_state.get(key) not in names:
        default = pick_default_run(choices) or choices[0]
        st.session_state[key] = default.name
    by_name = {run.name: run for run in choices}
    chosen = st.selectbox(label or t("pick_run"), names, key=key, format_func={n: run_label(r) for n, r in by_name.items()}.__getitem__)
    return by_name[chosen]


def first_runs(choices: list[RunInfo], person: str) -> list[str]:
    """The run a page of curves opens on: this person's newest run (their own is what they came to see; the
    shipped run beside a short run of theirs squeezes theirs into a sliver), else the default run."""
    own = [run for run in choices if person and run.owner == person and not run.shipped]
    chosen = own[0] if own else (pick_default_run(choices) or choices[0])
    return [chosen.name]


def no_run_notice() -> None:
    """Pages that need a trained generator say so and send the user to Train."""
    st.info(t("need_run"), icon=":material/info:")
    nav.link("train", t("go_train"))


def generator_page(page: str) -> bool:
    """The top of a page that draws with a trained generator: its title and intro ("<page>_title", "<page>_intro"),
    and whether there is a run to draw with (if not, `no_run_notice` stands in for the rest of the page)."""
    st.title(t(f"{page}_title"))
    st.markdown(t(f"{page}_intro"))
    if sampleable_runs():
        return True
    no_run_notice()
    return False
