"""gan_core's user errors reach the app in the reader's language, through their code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gan_core.runs.checkpoints import RunDir, load_tensor_file
from gan_core.errors import CheckpointError, GanLabError
from ui.i18n import STRINGS

from .test_app import open_app, text, texts, with_run, trained_root  # noqa: F401 - fixtures

GAN_CORE = Path(__file__).resolve().parent.parent / "gan_core"
CLI_ONLY = {"cli.py", "__main__.py"}  # the CLI speaks of its flags in English, to a terminal


def raised_codes() -> set[str]:
    codes = set()
    for source in GAN_CORE.rglob("*.py"):
        if source.name not in CLI_ONLY:
            codes |= set(re.findall(r'\bcode\s*=\s*"([a-z0-9_]+)"', source.read_text(encoding="utf-8")))  # raised, or a class's
    return codes


def test_every_error_code_gan_core_raises_has_a_text_in_both_languages() -> None:
    codes = raised_codes()
    assert {"file_corrupt", "run_missing", "dataset_missing", "delete_shipped"} <= codes
    missing = sorted(code for code in codes if set(STRINGS.get(f"error_{code}", {})) != {"ru", "en"})
    assert not missing, f"codes without a text in ui/strings: {missing}"
    for kind in (GanLabError, *GanLabError.__subclasses__()):
        assert f"error_{kind.code}" in STRINGS


def test_an_error_keeps_an_english_line_for_the_cli_and_its_code_and_params(tmp_path: Path) -> None:
    broken = tmp_path / "run" / "checkpoint.pt"
    broken.parent.mkdir()
    broken.write_bytes(b"\x00" * 10)
    with pytest.raises(CheckpointError) as caught:
        load_tensor_file(broken, "gan-lab-checkpoint")
    assert caught.value.code == "file_corrupt" and caught.value.params == {"file": "run/checkpoint.pt"}
    assert "\n" not in str(caught.value) and "truncated or corrupt" in str(caught.value)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_corrupt_run_is_explained_in_the_readers_language(with_run, language) -> None:  # noqa: F811
    RunDir("tiny", with_run).checkpoint_path.write_bytes(b"\x00" * 100)
    errors = texts(open_app("latent", language), "error")
    assert errors == [text("error_file_corrupt", language, file="tiny/checkpoint.pt")]
    if language == "ru":
        assert not re.search(r"[A-Za-z]{4,}", errors[0].replace("tiny/checkpoint.pt", "")), errors[0]  # no English words
