"""Choosing a run: the list of saved runs, the picker every page uses, and the notice when there is none."""

from __future__ import annotations

import streamlit as st

from gan_core.runs.checkpoints import RunInfo, pick_default_run

from . import cache, nav
from .i18n import plural, t


def runs() -> list[RunInfo]:
    """Every saved run, newest first (a run in training shows as running); shared by every session."""
    return cache.runs()


def sampleable_runs() -> list[RunInfo]:
    """Runs with at least one finished epoch: the ones that can draw digits."""
    return [run for run in runs() if run.epochs_done >= 1]


def run_label(run: RunInfo) -> str:
    """How a run is named in pickers: name, model, epochs and, when it matters, its status. Short, so it
    reads in full in a third of a 1280-px projector (the Runs page says which runs are shipped)."""
    parts = [run.name, run.model, plural("n_epochs", run.epochs_done)]
    if run.status != "finished":
        parts.append(t(f"status_{run.status}"))
    return " · ".join(parts)


def pick_run(key: str, label: str | None = None, choices: list[RunInfo] | None = None) -> RunInfo | None:
    """A run picker that opens on the default run (shipped, else newest finished); None when there
    is no run that can draw (the page then shows `no_run_notice` where it fits)."""
    choices = sampleable_runs() if choices is None else choices
    if not choices:
        return None
    names = [run.name for run in choices]
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
