"""Helpers the tests share (fixtures are in conftest.py): the CLI in a fresh process, waiting for a condition,
copies of a trained run, a real fragment rerun in AppTest, comparing weights, a text's placeholders."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def copy_run(folder: Path, root: Path, name: str, **info: object) -> None:
    """A copy of a run's folder under another name (its run.json says so), with any other fields of run.json."""
    from gan_core.runs.checkpoints import RunDir

    shutil.copytree(folder, root / name)
    RunDir(name, root).update_info(name=name, **info)


def cli_env(root: Path) -> dict[str, str]:
    """Environment for running `python -m gan_core` from the repo root against a test checkpoints folder."""
    env = dict(os.environ)
    env["GAN_LAB_CHECKPOINTS"] = str(root)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait for something a test needs before it goes on (a wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition never came true")
        time.sleep(0.01)


@contextlib.contextmanager
def as_a_poll(at, monkeypatch: pytest.MonkeyPatch):
    """The AppTest runs inside are a fragment's rerun, as a browser's poll makes (st.fragment's run_every): only
    the page's fragments run, and Streamlit marks the run as theirs (what `widgets.fragment_run` reads). AppTest
    has no call for it, so the rerun request its script runner makes is given the ids of the fragments that the
    last whole-page run registered."""
    from streamlit.testing.v1 import local_script_runner

    fragments = at._fragment_storage  # AppTest keeps it across runs, so a fragment's closure can run again
    queue = sorted(fragments.ids_registered_after(0))
    assert queue, "the page has no fragment to rerun"
    with monkeypatch.context() as patch:
        patch.setattr(local_script_runner, "RerunData",
                      functools.partial(local_script_runner.RerunData, fragment_id_queue=queue))
        yield


def gan(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m gan_core ARGS` in a fresh process over the checkpoints folder `root`; its output as text."""
    return subprocess.run([sys.executable, "-m", "gan_core", *args], cwd=ROOT, env=cli_env(root),
                          capture_output=True, text=True, timeout=timeout)


def parameters(module: torch.nn.Module) -> list[torch.Tensor]:
    """A copy of a network's weights, to compare with after a step."""
    return [p.detach().clone() for p in module.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    """The same tensors, one for one (lists of different lengths are not the same)."""
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def placeholders(template: str) -> set[str] | str:
    """The names a text takes; "literal" for a text with LaTeX braces, which is shown as written, never formatted."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name and name.isidentifier()}
    except ValueError:
        return "literal"
