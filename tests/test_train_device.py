"""On a GPU box the Train page starts from the GPU's settings (a wider, deeper model on bigger batches) and
says which the device chose; the Device field set to the CPU gives the laptop's back."""

from __future__ import annotations

import pytest
import torch

import gan_core.jobs.executors as executors_module
from gan_core.config import recommended_settings
from ui.train_form import key

from .test_app import job_manager, open_app, text, texts  # noqa: F401 - fixtures


@pytest.fixture
def a_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine as the app sees a GPU box: CUDA present, one 80 GB card (nothing is trained on it)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "Test GPU 80GB")
    monkeypatch.setattr(executors_module, "gpu_memory_bytes", lambda: 80 * 2**30)


def chose_line(at, language: str) -> list[str]:
    lead = text("device_chose", language, settings="|").split("|")[0]
    return [line for line in texts(at, "caption") if line.startswith(lead)]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_gpu_box_trains_the_gpu_settings_and_says_so(a_gpu, language) -> None:
    gpu, cpu = recommended_settings("sngan", "cuda"), recommended_settings("sngan", "cpu")
    assert gpu["batch_size"] != cpu["batch_size"] and gpu["g_width"] != cpu.get("g_width", 0)
    at = open_app("train", language)
    assert at.selectbox(key=key("device")).value == "cuda"
    assert at.text_input(key=key("batch_size")).value == str(gpu["batch_size"])
    assert at.text_input(key=key("lr_g")).value == f"{gpu['lr_g']:g}"
    assert (at.session_state[key("g_width")], at.session_state[key("d_width")], at.session_state[key("depth")]) == (
        gpu["g_width"], gpu["d_width"], gpu["depth"])
    assert at.session_state[key("bfloat16")] is True  # the GPU's step in bfloat16; a laptop's in float32
    [line] = chose_line(at, language)
    assert f" {gpu['batch_size']}" in line and f" {gpu['g_width']}" in line and f" {gpu['lr_g']:g}" in line

    at.text_input(key=key("epochs")).set_value("7").run()  # the user's own choice stays through a device change
    at.selectbox(key=key("device")).set_value("cpu").run()
    assert not at.exception
    assert at.text_input(key=key("batch_size")).value == str(cpu["batch_size"])
    assert at.text_input(key=key("lr_g")).value == f"{cpu['lr_g']:g}"
    assert (at.session_state[key("g_width")], at.session_state[key("depth")]) == (0, cpu["depth"])
    assert at.session_state[key("bfloat16")] is False
    assert at.text_input(key=key("epochs")).value == "7"
    assert chose_line(at, language) == []

    at.selectbox(key=key("device")).set_value("cuda").run()
    assert at.text_input(key=key("batch_size")).value == str(gpu["batch_size"]) and at.session_state[key("depth")] == gpu["depth"]
    at.selectbox(key=key("model")).set_value("mlp").run()  # a model with nothing to size up on a GPU
    assert chose_line(at, language) == [] and at.session_state[key("depth")] == 0
    assert (at.session_state[key("g_width")], at.session_state[key("d_width")]) == (0, 0)
    assert not at.exception and not texts(at, "error")  # the MLP's settings are valid: Start is offered
    assert not at.button(key="train_start").disabled
