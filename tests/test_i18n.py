"""Translations that a table lookup alone would not check: keys built with f-strings, and the lecture's
Markdown files. Fast: no page is rendered."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

from gan_core.classroom.audit import ACTIONS as AUDIT_ACTIONS
from gan_core.classroom.identity import ROSTER_PROBLEMS
from gan_core.classroom.lesson import RESULT_COLUMNS, SHIPPED_ON_BOARD
from gan_core.runs.checkpoints import BROKEN
from gan_core.config import FieldError, Range
from gan_core.eval.curves import STEP_COLUMNS, X_AXES
from gan_core.data import DATASETS
from gan_core.losses import LOSSES
from gan_core.eval.what_goes_wrong import COLLAPSE
from gan_core.devices import DEVICE_CHOICES
from gan_core.jobs.manager import ACTIVE_STATES
from gan_core.latent import INTERPOLATIONS
from gan_core.models import MODELS
from ui.board_rows import ORDERS as BOARD_ORDERS
from gan_core.toy2d import DEMONSTRATIONS, DISTRIBUTIONS, NOISES, Toy2DConfig
from ui.i18n import LANGUAGES, LECTURE_DIR, STRINGS
from ui.nav import PAGES
from ui.train_form import NUMBER_ROWS
from ui.style import THEMES

from .helpers import placeholders

ROOT = Path(__file__).resolve().parent.parent
UI_SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]


def page_constant(page: str, name: str):
    """A module-level constant of a page file (a page runs when imported, so it is read, not imported)."""
    tree = ast.parse((ROOT / "ui" / "pages" / f"{page}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == name for target in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{name} is not a constant of ui/pages/{page}.py")


# Every family of keys that a page builds with an f-string, and where the family's values come from.
# A page that starts a new family fails the test below until the family is added here.
FAMILIES = {
    "page_{}": [page.id for page in PAGES],
    "home_about_{}": list(ast.literal_eval(re.search(r"for page_id in (\([^)]*\))",
                                                     (ROOT / "ui" / "pages" / "home.py").read_text()).group(1))),
    "dataset_{}": list(DATASETS),
    "model_{}": list(MODELS),
    "status_{}": [*ACTIVE_STATES, "finished", "stopped", "diverged", "failed", BROKEN],
    "help_metric_{}": [c for c in STEP_COLUMNS if c != "grad_g"],  # the four tiles of the game; |grad G| is a chart
    "err_name_{}": ["empty", "invalid", "taken"],  # gan_core.runs.checkpoints.new_run_name_problem
    "settings_range_{}": sorted({Range(0, 1, whole=True).kind, Range(0, 1, low_open=True).kind,
                                 Range(0, 1, high_open=True).kind, Range(0, 1).kind}),
    # FieldError codes the page words itself (batch_too_large has err_batch; unavailable is the device's own error)
    "settings_err_{}": ["out_of_range", "not_whole", "not_a_number", "not_for_model", "unknown_choice"],
    "latent_verdict_{}": ["copy", "too_close", "typical", "far"],  # gan_core.eval.metrics.judge_nearest
    "latent_{}": list(INTERPOLATIONS),
    "latent_mode_{}": list(page_constant("latent", "MODES")),
    "toy2d_half_{}": ["d", "g"],  # Toy2DLab.half_steps
    "toy2d_dist_{}": list(DISTRIBUTIONS),
    "toy2d_optimizer_{}": ["g", "d"],
    "toy2d_lr_{}": ["g", "d"],
    "toy2d_noise_{}": list(NOISES),
    "toy2d_preset_{}": list(DEMONSTRATIONS),
    "toy2d_preset_{}_say": list(DEMONSTRATIONS),
    "toy2d_{}": [setting.name for setting in fields(Toy2DConfig)],  # ui/toy2d_words.py: the form's label of a setting
    "toy2d_range_{}": ["whole", "closed", "open_low"],  # ui/toy2d_words.py: what a setting allows, by its kind
    "device_choice_{}": list(DEVICE_CHOICES),
    "where_device_{}": [c for c in DEVICE_CHOICES if c != "auto"],  # the teacher's line: runs at once per device
    "lv_name_{}": list(LOSSES),
    "model_short_{}": [m for m in MODELS if f"model_short_{m}" in STRINGS],  # optional: the page falls back to m
    # what a device chose (the Train page, under Device): every setting a model sizes by device has words
    "chose_{}": sorted({name for spec in MODELS.values() for settings in spec.recommended_on.values() for name in settings}),
    "wrong_{}": list(COLLAPSE),  # What goes wrong: the collapsed and the healthy run
    "lv_about_{}": list(LOSSES),
    "lv_short_{}": list(LOSSES),  # the Train page's short options (the whole name is under the picker)
    "dataset_short_{}": list(DATASETS),
    "{}_{}": [("model", m) for m in MODELS] + [("dataset", d) for d in DATASETS],  # Runs: a saved setting's label
    # the teacher's lesson controls (ui/teacher.py) and why a run is gone (ui/people.py)
    "people_gone_{}": ["delete", "stop"],
    "teacher_{}": list(ROSTER_PROBLEMS),
    "teacher_action_{}": list(AUDIT_ACTIONS),
    "teacher_shipped_{}": list(SHIPPED_ON_BOARD),
    "teacher_csv_{}": list(RESULT_COLUMNS),
    "board_order_{}": list(BOARD_ORDERS),  # the class board's order picker (ui/board_cards.py)
    "{}_title": ["latent", "progression"],  # pickers.generator_page: the pages that draw with a trained generator
    "{}_intro": ["latent", "progression"],
    # the Train form's number fields whose help is the plain help_<field> (the others say their default)
    "help_{}": [name for row in NUMBER_ROWS for name in row if name not in ("lr_g", "lr_d", "beta1", "beta2")],
    # a saved setting's value as the Train form's option shows it (ui/settings_words.py)
    "{}_short_{}": [("model", m) for m in MODELS] + [("dataset", d) for d in DATASETS],
    "losses_axis_{}": list(X_AXES),
    "board_limit_{}": ["active", "epochs", "minutes", "devices"],
    "theme_{}": list(THEMES),
}


def built_key_families() -> set[str]:
    """The key patterns of every t(f"...{...}...") in the app, with each {...} written as {}."""
    found = set()
    for path in UI_SOURCES:
        for literal in re.findall(r"""\bt\(f(["'])(.*?)\1""", path.read_text(encoding="utf-8")):
            found.add(re.sub(r"\{[^{}]*\}", "{}", literal[1]))
    return found


def test_every_key_family_built_with_an_f_string_is_known_and_complete_in_both_languages() -> None:
    families = built_key_families()
    assert {"status_{}", "model_{}"} <= families  # the grep finds them
    assert families - set(FAMILIES) == set(), "a page builds keys of a family this test does not know"
    for pattern, values in FAMILIES.items():
        assert values, pattern
        for value in values:
            key = pattern.format(*value) if isinstance(value, tuple) else pattern.format(value)
            assert set(STRINGS.get(key, {})) == set(LANGUAGES), f"{key} ({pattern}) lacks a language"
            assert all(STRINGS[key][language].strip() for language in LANGUAGES), key


def test_the_form_error_codes_the_library_gives_all_have_words() -> None:
    documented = re.search(r"code: str  # (.*)", (ROOT / "gan_core" / "config.py").read_text(encoding="utf-8"))
    codes = {code.strip() for code in documented.group(1).split("|")}
    worded = set(FAMILIES["settings_err_{}"]) | {"batch_too_large", "unavailable"}
    assert codes == worded
    assert field_error_codes_raised() == codes  # a code raised but not documented has no words in the form


def field_error_codes_raised() -> set[str]:
    """The codes config.py passes to FieldError: a string literal, or the literals (of an `a if c else b`) assigned
    to the name it passes."""
    tree = ast.parse((ROOT / "gan_core" / "config.py").read_text(encoding="utf-8"))
    assigned: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            choices = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else [node.value]
            assigned.setdefault(node.targets[0].id, set()).update(
                choice.value for choice in choices if isinstance(choice, ast.Constant) and isinstance(choice.value, str))
    codes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == FieldError.__name__:
            code = node.args[1]
            codes |= {code.value} if isinstance(code, ast.Constant) else assigned[code.id]
    return codes


def test_the_lecture_has_the_same_files_and_placeholders_in_both_languages() -> None:
    files = {language: sorted(p.name for p in (LECTURE_DIR / language).glob("*.md")) for language in LANGUAGES}
    assert files["ru"] == files["en"] and len(files["en"]) >= 10
    for name in files["en"]:
        texts = {language: (LECTURE_DIR / language / name).read_text(encoding="utf-8") for language in LANGUAGES}
        assert all(text.strip() for text in texts.values()), name
        assert placeholders(texts["ru"]) == placeholders(texts["en"]), name
        assert STRINGS[name.removesuffix(".md")] == {lang: text.removesuffix("\n") for lang, text in texts.items()}


def test_the_home_page_prose_lives_in_the_lecture_files_not_in_the_table() -> None:
    source = (ROOT / "ui" / "i18n.py").read_text(encoding="utf-8")
    for name in ("home_intro", "home_gauss_1", "home_game_1", "home_loop"):
        assert (LECTURE_DIR / "ru" / f"{name}.md").is_file() and f'"{name}"' not in source
