"""The Train page's Resume and Copy-and-resume forms check their values with the library, as the new-run
form does (issues 9 and 10): an out-of-range value stays in its field, says the allowed range under it in
the reader's language, and the button waits; what the button then trains is what the fields show."""

from __future__ import annotations

import pytest

from gan_core.runs.checkpoints import RunDir
from gan_core.config import resume_from_form

from .test_app import column_with, job_manager, open_app, text, texts, trained_root, with_run  # noqa: F401 - fixtures


def under(at, key: str) -> list[str]:
    return texts(column_with(at, "text_input", key), "error")


def refuses_too_few_epochs(at, form: str, epochs: str, language: str) -> None:
    """The run "tiny" has trained 2 epochs: its resume (or copy) form, offered at once, says under the epochs box
    that a total below 3 is out of range and disables its button."""
    button, box = f"train_{form}_tiny", f"train_{form}_epochs_tiny"
    assert not at.button(key=button).disabled
    at.text_input(key=box).set_value(epochs).run()
    assert under(at, box) == [text("settings_err_out_of_range", language, value=epochs,
                                   range=text("settings_range_whole", language, low="3", high="100000"))]
    assert at.button(key=button).disabled


@pytest.mark.parametrize("language", ["ru", "en"])
def test_resume_form_says_what_is_out_of_range_and_waits(with_run, language) -> None:
    at = open_app("train", language)  # opens on the one run, "tiny": 2 epochs, finished
    refuses_too_few_epochs(at, "resume", "2", language)
    at.text_input(key="train_resume_epochs_tiny").set_value("4")
    at.text_input(key="train_resume_lr_g_tiny").set_value("5").run()
    assert under(at, "train_resume_lr_g_tiny") == [
        text("settings_err_out_of_range", language, value="5",
             range=text("settings_range_open_low", language, low="0", high="1"))]
    assert under(at, "train_resume_epochs_tiny") == []
    assert at.button(key="train_resume_tiny").disabled
    at.text_input(key="train_resume_lr_g_tiny").set_value("0").run()
    assert at.button(key="train_resume_tiny").disabled


def test_resume_trains_what_the_fields_show(with_run, job_manager) -> None:
    at = open_app("train", "en")
    at.text_input(key="train_resume_epochs_tiny").set_value("4")
    at.text_input(key="train_resume_lr_d_tiny").set_value("0.0001").run()
    assert not at.error
    at.button(key="train_resume_tiny").click().run()
    job = job_manager.job("tiny", with_run)
    assert job is not None and job.resume and (job.config.epochs, job.config.lr_d) == (4, 1e-4)
    job_manager.stop("tiny", with_run)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_copy_and_resume_form_checks_its_name_and_epochs(with_run, language) -> None:
    RunDir("tiny", with_run).update_info(shipped=True)  # a shipped run is resumed as a copy
    at = open_app("train", language)
    refuses_too_few_epochs(at, "copy", "1", language)
    at.text_input(key="train_copy_epochs_tiny").set_value("3")
    at.text_input(key="train_copy_name_tiny").set_value("tiny").run()
    assert texts(at, "error") == [text("err_name_taken", language, name="tiny")]
    assert at.button(key="train_copy_tiny").disabled
    at.text_input(key="train_copy_name_tiny").set_value("my-copy").run()
    assert not at.error and not at.button(key="train_copy_tiny").disabled


def test_the_library_checks_a_resume_form_field_by_field() -> None:
    saved = {"model": "mlp", "epochs": 2, "lr_g": 2e-3, "lr_d": 2e-3, "latent_dim": 8}
    result = resume_from_form(saved, 2, "r", {"epochs": "2", "lr_g": "abc", "lr_d": 2})
    assert {name: error.code for name, error in result.errors.items()} == {
        "epochs": "out_of_range", "lr_g": "not_a_number", "lr_d": "out_of_range"}
    assert result.config is None and result.errors["epochs"].allowed.low == 3
    good = resume_from_form(saved, 2, "r", {"epochs": "5", "lr_g": "1e-4", "lr_d": 2e-3})
    assert not good.errors and (good.config.epochs, good.config.lr_g, good.config.latent_dim) == (5, 1e-4, 8)


def test_a_resume_form_shown_again_after_another_run_has_its_values(with_run) -> None:
    """Streamlit forgets a widget's value when a script run does not draw it: watching another run and
    coming back must give the forms their values again, not a KeyError (found with 30 students)."""
    import shutil

    from ui.run_live import WATCH

    shutil.copytree(with_run / "tiny", with_run / "other")
    RunDir("tiny", with_run).update_info(shipped=True)  # its Resume is a copy form
    at = open_app("train", "en")
    assert at.text_input(key="train_copy_epochs_tiny").value == "7"
    for watched in ("other", "tiny", "other"):
        at.selectbox(key=WATCH).set_value(watched).run()
        assert not at.exception, at.exception[0].message if at.exception else ""
    assert at.text_input(key="train_resume_epochs_other").value == "7"
    at.selectbox(key=WATCH).set_value("tiny").run()
    assert not at.exception and at.text_input(key="train_copy_epochs_tiny").value == "7"


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="the shipped cGAN's own device is here")
def test_the_shipped_run_trained_on_a_gpu_is_copied_and_resumed_on_a_laptop(checkpoints, job_manager) -> None:  # noqa: F811
    """pretrained-cgan was trained on CUDA: on a machine without one its copy goes on with this machine's device,
    where the form showed the library's English error instead of the run."""
    import shutil

    from gan_core.config import resumed_config

    from .test_app import ROOT
    from ui.run_live import WATCH

    shutil.copytree(ROOT / "checkpoints" / "pretrained-cgan", checkpoints / "pretrained-cgan")
    saved = RunDir("pretrained-cgan", checkpoints).read_info()["config"]
    assert saved["device"] == "cuda" and resumed_config(saved, 190, "pretrained-cgan", 191).device == "auto"
    at = open_app("train", "en")
    at.selectbox(key=WATCH).set_value("pretrained-cgan").run()
    assert not at.error and not at.exception
    assert not at.button(key="train_copy_pretrained-cgan").disabled
    at.button(key="train_copy_pretrained-cgan").click().run()
    [job] = job_manager.jobs(checkpoints)
    assert job.device == "cpu" and job.config.model == "cgan"
    job_manager.stop(job.run_name, checkpoints)
