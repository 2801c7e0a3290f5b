"""Train: the settings of a new run (ui/train_form.py), folded away while the student's run trains, and the
live view of a run (ui/run_live.py) with Stop and Resume (ui/resume_forms.py).

Nothing trains in this script. Start hands the settings to the job manager, whose worker process
trains; the page reads the run's folder (a fragment reruns every second while it is active).
So moving a slider, switching pages, reloading or a second browser never stops or repeats a run.
"""

from __future__ import annotations

import streamlit as st

from gan_core.runs.checkpoints import default_checkpoints_dir

from ui import people, run_watch, widgets, wording
from ui.i18n import t
from ui.run_live import new_jobs_watcher, watch_panel
from ui.train_form import init_settings, settings_panel, start_outcome

PANEL = "train_panel"  # the settings' expander: open or folded


def settings_fold(busy: bool) -> bool:
    """Whether the settings are open: they fold away when this student's own run is queued or starts to
    train, and open again when it ends; in between, the student opens and closes them at will. Only an open
    panel is drawn (a class's thirty Train pages are mostly watching a run: the form's thirty elements were
    a third of each of their page runs)."""
    if st.session_state.get("train_panel_busy") != busy:
        st.session_state["train_panel_busy"] = busy
        widgets.set_widget(PANEL, not busy)
    else:
        widgets.default(PANEL, not busy)  # back on the page: Streamlit forgot the folded state with the page
    return bool(st.session_state[PANEL])



@wording.shows_user_errors
def render() -> None:
    root = default_checkpoints_dir()
    st.title(t("train_title"))
    st.markdown(t("train_intro"))
    me = people.student_name()  # only this student's own run folds the settings away, not anyone's Start
    busy = any(job.active and job.owner == me for job in run_watch.manager().jobs(root))
    init_settings(root)  # a resumed copy's name and the next Start need them, the panel open or not
    panel = st.expander(t("train_new_h"), expanded=settings_fold(busy), icon=":material/tune:", key=PANEL, on_change="rerun")
    if panel.open:
        with panel:
            settings_panel(root)
    start_outcome()
    st.subheader(t("train_watch_h"))
    watch_panel(root)
    new_jobs_watcher(root, busy)


render()