"""No silent ignore: every number field keeps what was typed and, when the value cannot be used, says why under
itself in the page's language (and Start waits); a second tab's Start says what happened; a ?lang= the app cannot
follow is said once."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


from .test_app import (APP, column_with, job_manager, jobs, open_app, text, texts, trained_root,  # noqa: F401 - fixtures
                       with_run)
from .test_classroom_people import PASSWORD, class_runs, classroom, session  # noqa: F401 - fixtures

TRAIN = "keep_train_{}"


def long_mlp_runs(*tabs: AppTest) -> None:
    """Each tab's Train form set to an MLP run of 1,000 epochs (it outlasts the test)."""
    for tab in tabs:
        tab.selectbox(key=TRAIN.format("model")).select("mlp").run()
        tab.text_input(key=TRAIN.format("epochs")).set_value("1000").run()


def under(at: AppTest, key: str) -> list[str]:
    return texts(column_with(at, "text_input", key), "error")


def allowed(language: str, kind: str, low: str, high: str) -> str:
    return text(f"settings_range_{kind}", language, low=low, high=high)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_what_a_number_field_cannot_use_is_said_under_it_and_start_waits(checkpoints, language) -> None:
    at = open_app("train", language)
    epochs = allowed(language, "whole", "1", "100000")
    for field, typed, expected in (
        ("seed", "99999999999999999999", text("settings_err_out_of_range", language, value="99999999999999999999",
                                              range=allowed(language, "whole", "0", "4294967295"))),
        ("epochs", "1e9", text("settings_err_out_of_range", language, value="1e9", range=epochs)),
        ("epochs", "3.7", text("settings_err_not_whole", language, range=epochs)),
        ("epochs", "пять", text("settings_err_not_a_number", language, range=epochs)),
        ("lr_g", "0,5e", text("settings_err_not_a_number", language, range=allowed(language, "open_low", "0", "1"))),
    ):
        key = TRAIN.format(field)
        before = at.text_input(key=key).value
        at.text_input(key=key).set_value(typed).run()
        assert at.text_input(key=key).value == typed  # what was typed stays in the field
        assert under(at, key) == [expected], (field, typed)
        assert at.button(key="train_start").disabled, (field, typed)
        at.text_input(key=key).set_value(before).run()
        assert not at.error and not at.button(key="train_start").disabled


def test_start_trains_what_the_fields_say_a_decimal_comma_and_grouped_digits_too(checkpoints, jobs) -> None:  # noqa: F811
    at = open_app("train", "ru")
    at.selectbox(key=TRAIN.format("model")).set_value("mlp").run()
    for field, typed in (("epochs", " 1 "), ("batch_size", "1 000"), ("latent_dim", "16"), ("lr_g", "0,0005"),
                         ("seed", "12 345")):
        at.text_input(key=TRAIN.format(field)).set_value(typed)
    at.text_input(key=TRAIN.format("name")).set_value("typed").run()
    assert not at.error
    at.button(key="train_start").click().run()
    job = jobs.job("typed", checkpoints)
    assert job is not None
    assert (job.config.epochs, job.config.batch_size, job.config.lr_g, job.config.seed) == (1, 1000, 5e-4, 12345)
    jobs.stop("typed", checkpoints)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_seed_out_of_range_on_another_page_says_so_and_the_picture_stays(with_run, language) -> None:  # noqa: F811
    at = open_app("latent", language)
    picture = at.image[0].value
    at.text_input(key="keep_latent_seed").set_value("99999999999999999999").run()
    assert not at.exception
    expected = (text("settings_err_out_of_range", language, value="99999999999999999999",
                     range=allowed(language, "whole", "0", "4294967295")) + " " + text("number_kept", language, value="0"))
    assert under(at, "keep_latent_seed") == [expected]
    assert at.image[0].value == picture  # the digit of seed 0 stays, as the line says
    at.text_input(key="keep_latent_seed").set_value("3,5").run()
    assert under(at, "keep_latent_seed") == [
        text("settings_err_not_whole", language, range=allowed(language, "whole", "0", "4294967295"))
        + " " + text("number_kept", language, value="0")]
    at.text_input(key="keep_latent_seed").set_value("7").run()
    assert not at.error and at.image[0].value != picture


def test_the_class_limits_refuse_a_value_out_of_range_with_a_line_and_save_waits(classroom) -> None:  # noqa: F811
    from .test_classroom_people import unlock

    teacher = unlock(session("Ms Smith", "board"), PASSWORD)
    epochs = next(box for box in teacher.text_input if box.label == text("board_limit_epochs", "en"))
    epochs.set_value("1e9").run()
    assert under(teacher, epochs.key)[0].startswith(text("settings_err_out_of_range", "en", value="1e9",
                                                         range=allowed("en", "whole", "0", "10000")))
    assert teacher.button(key="board_limits_save").disabled


def test_a_second_tab_of_the_same_student_pressing_start_is_told_the_run_already_trains(classroom, jobs) -> None:  # noqa: F811
    first, second = session("Alice", "train"), session("Alice", "train")
    long_mlp_runs(first, second)
    name = first.text_input(key=TRAIN.format("name")).value
    assert second.text_input(key=TRAIN.format("name")).value == name  # both offer the same next run
    first.button(key="train_start").click().run()
    second.button(key="train_start").click().run()  # its form was drawn before the first tab's Start
    assert not second.exception
    assert text("train_start_already", "en", name=name) in texts(second, "error")
    assert second.selectbox(key="keep_train_watch").value == name  # and it watches that run
    assert [job.run_name for job in jobs.jobs(classroom) if job.active] == [name]  # one run, not two
    jobs.stop(name, classroom)


def test_students_pressing_start_together_each_get_a_run_of_their_own(checkpoints, jobs) -> None:  # noqa: F811
    first, second = open_app("train", "en"), open_app("train", "en")  # two students, no class password
    long_mlp_runs(first, second)
    name = first.text_input(key=TRAIN.format("name")).value
    assert second.text_input(key=TRAIN.format("name")).value == name  # both offer the same next name
    first.button(key="train_start").click().run()
    second.button(key="train_start").click().run()  # its form was drawn before the first student's Start
    assert not second.exception and not texts(second, "error")
    active = sorted(job.run_name for job in jobs.jobs(checkpoints) if job.active)
    assert len(active) == 2 and name in active  # two runs: the second took the next free name
    [other] = [run for run in active if run != name]
    assert second.selectbox(key="keep_train_watch").value == other  # and watches it
    typed = "my-own-name"
    third, fourth = open_app("train", "en"), open_app("train", "en")
    long_mlp_runs(third, fourth)
    for tab in (third, fourth):
        tab.text_input(key=TRAIN.format("name")).set_value(typed).run()
    third.button(key="train_start").click().run()
    fourth.button(key="train_start").click().run()  # a name the student typed is never changed behind their back
    assert [job.run_name for job in jobs.jobs(checkpoints) if job.active and job.run_name.startswith("my-")] == [typed]
    assert text("train_start_refused", "en", reasons="").strip() in " ".join(texts(fourth, "error"))
    for run in active + [typed]:
        jobs.stop(run, checkpoints)


@pytest.mark.parametrize("asked, language", [("EN", "en"), (" en ", "en"), ("Ru", "ru")])
def test_a_language_in_the_address_is_read_whatever_its_case(checkpoints, asked, language) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = asked
    at.run()
    assert texts(at, "title") == [text("home_title", language)]
    refused = text("lang_refused", language).split("{")[0]
    assert not [c for c in texts(at.sidebar, "caption") if c.startswith(refused)]  # nothing refused: nothing said


def test_a_language_the_app_does_not_have_is_said_once_in_the_page_language(checkpoints) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "xx"
    at.run()
    assert texts(at, "title") == [text("home_title", "ru")]
    said = text("lang_refused", "ru", value="xx")
    assert said in [str(c.value) for c in at.sidebar.caption]
    at.run()  # still said while nothing was chosen
    assert said in [str(c.value) for c in at.sidebar.caption]
    at.sidebar.radio[0].set_value("en").run()  # a language chosen: said no more
    assert texts(at, "title") == [text("home_title", "en")]
    assert not [c for c in at.sidebar.caption if "xx" in str(c.value)]


def test_two_students_are_never_given_one_made_up_name(checkpoints, jobs, monkeypatch) -> None:  # noqa: F811
    import itertools

    draws = itertools.chain([7, 7, 7], itertools.count(8))  # the same number drawn for both, then others
    monkeypatch.setattr("ui.people.secrets.randbelow", lambda n: next(draws))
    first, second = open_app("train", "en"), open_app("train", "en")
    assert first.session_state["student"] != second.session_state["student"]  # each sees only their own runs


def test_a_suggested_name_another_student_takes_is_replaced_by_the_next_without_an_error(checkpoints, jobs) -> None:  # noqa: F811
    first, second = open_app("train", "en"), open_app("train", "en")
    long_mlp_runs(first, second)
    name = first.text_input(key=TRAIN.format("name")).value
    first.button(key="train_start").click().run()
    second.run()  # the second student's page runs again (a poll, a click elsewhere)
    offered = second.text_input(key=TRAIN.format("name")).value
    assert offered != name and not under(second, TRAIN.format("name"))  # the next name, not "taken"
    assert not second.button(key="train_start").disabled
    jobs.stop(name, checkpoints)
