"""Conditional generation (cgan): the label reaches G and D, sampling by label, label accuracy, and the
Latent explorer and Train page of a conditional run."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

import gan_core
from gan_core.runs.checkpoints import CHECKPOINTS_ENV, RunDir
from gan_core.config import TrainConfig
from gan_core.errors import ConfigError
from gan_core.latent import label_walk
from gan_core.eval.metrics import evaluate_images, label_accuracy, training_evaluator
from gan_core.models import ConditionalGenerator, ProjectionDiscriminator
from gan_core.sampling import cycling_labels, load_generator
from gan_core.trainer import Trainer
from ui.i18n import STRINGS

from .helpers import ROOT, gan

SHIPPED_ROOT = ROOT / "checkpoints"
SHIPPED_CGAN = "pretrained-cgan"


def tiny(model: str = "cgan", **changes) -> TrainConfig:
    return TrainConfig(**{"model": model, "batch_size": 64, "epochs": 1, "device": "cpu", "latent_dim": 16, **changes})


# --- the models ------------------------------------------------------------------------------------------
def test_changing_the_label_changes_the_generators_image_at_the_same_z() -> None:
    torch.manual_seed(0)
    generator = ConditionalGenerator(latent_dim=16).eval()
    z = torch.randn(1, 16).repeat(2, 1)
    with torch.no_grad():
        three, seven = generator(z, torch.tensor([3, 7]))
        again = generator(z[:1], torch.tensor([3]))[0]
        # class weights: a one-hot row is that digit; a blend lies between two digits
        one_hot = generator(z[:1], torch.eye(10)[[3]])[0]
    assert not torch.allclose(three, seven)
    torch.testing.assert_close(three, again)
    torch.testing.assert_close(one_hot, three)


def test_a_projection_discriminator_scores_an_image_differently_under_another_label() -> None:
    torch.manual_seed(0)
    discriminator = ProjectionDiscriminator().eval()
    images = torch.rand(4, 1, 28, 28) * 2 - 1
    with torch.no_grad():
        as_threes = discriminator(images, torch.full((4,), 3))
        as_sevens = discriminator(images, torch.full((4,), 7))
        # the label enters as an inner product with the features: the difference is <e_3 - e_7, phi(x)>
        features = discriminator.phi(images)
        embedding = discriminator.embed.weight
        projection = features @ (embedding[3] - embedding[7])
    assert not torch.allclose(as_threes, as_sevens)
    torch.testing.assert_close(as_threes - as_sevens, projection, rtol=1e-4, atol=1e-4)
    assert hasattr(discriminator.psi, "parametrizations") and hasattr(discriminator.phi[0], "parametrizations")  # SN


def test_training_hands_each_real_batchs_labels_to_g_and_d_and_unconditional_models_get_none(small_mnist) -> None:
    trainer = Trainer(tiny(), data=small_mnist)
    seen: dict[str, list[torch.Tensor]] = {"G": [], "D": []}
    trainer.generator.register_forward_pre_hook(lambda m, args: seen["G"].append(args[1].clone()))
    trainer.discriminator.register_forward_pre_hook(lambda m, args: seen["D"].append(args[1].clone()))
    trainer.on_step.append(lambda p: trainer.request_stop())
    assert trainer.train() == "stopped" and trainer.global_step == 1
    batch_labels = small_mnist.labels[trainer._epoch_order(0)[0]]
    assert len(seen["G"]) == 2 and len(seen["D"]) == 3  # D step: G once, D on real and fake; G step: G and D once
    for labels in seen["G"] + seen["D"]:
        assert torch.equal(labels, batch_labels)

    unconditional = Trainer(tiny("sngan"), data=small_mnist)
    arguments: list[int] = []
    unconditional.generator.register_forward_pre_hook(lambda m, args: arguments.append(len(args)))
    unconditional.on_step.append(lambda p: unconditional.request_stop())
    unconditional.train()
    assert arguments == [1, 1]
    assert unconditional.fixed_labels is None


def test_a_conditional_runs_fixed_samples_draw_the_digits_0_to_9_in_turn(small_mnist) -> None:
    trainer = Trainer(tiny(), data=small_mnist)
    assert torch.equal(trainer.fixed_labels, cycling_labels(64)) and trainer.fixed_labels[:12].tolist() == [*range(10), 0, 1]
    expected = trainer.sampling_generator.eval()(trainer.fixed_noise, trainer.fixed_labels)
    samples = torch.from_numpy(trainer.sample_fixed()).float()
    torch.testing.assert_close(samples, ((expected[:, 0] + 1) * 127.5).round().clamp(0, 255), atol=1.0, rtol=0)


def test_a_walk_from_one_digit_to_another_blends_the_two_labels() -> None:
    walk = label_walk(1, 7, 5)
    assert walk.shape == (5, 10)
    assert torch.equal(walk[0], torch.eye(10)[1]) and torch.equal(walk[-1], torch.eye(10)[7])
    torch.testing.assert_close(walk.sum(1), torch.ones(5))
    assert walk[2, 1] == walk[2, 7] == 0.5


# --- sampling by label ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory: pytest.TempPathFactory, small_mnist) -> Path:
    """One finished conditional and one unconditional run of one tiny epoch each."""
    root = tmp_path_factory.mktemp("cgan-runs")
    Trainer.create(tiny(), RunDir("cond", root), data=small_mnist).train()
    Trainer.create(tiny("sngan"), RunDir("plain", root), data=small_mnist).train()
    return root


def test_sample_by_label_from_python(tiny_runs: Path) -> None:
    sevens = gan_core.sample("cond", n=6, label=7, checkpoints=str(tiny_runs))
    assert sevens.shape == (6, 1, 28, 28) and sevens.abs().max() <= 1
    loaded = load_generator(RunDir("cond", tiny_runs))
    z = loaded.noise(6, 0)
    torch.testing.assert_close(sevens, loaded.generate(z, torch.full((6,), 7)))
    mixed = gan_core.sample("cond", n=12, checkpoints=str(tiny_runs))  # no label: 0-9 in turn
    torch.testing.assert_close(mixed, loaded.generate(loaded.noise(12, 0), cycling_labels(12)))
    for bad in (10, -1, 3.5, True):
        with pytest.raises(ConfigError, match="from 0 to 9"):
            gan_core.sample("cond", n=2, label=bad, checkpoints=str(tiny_runs))
    with pytest.raises(ConfigError, match="not conditional"):
        gan_core.sample("plain", n=2, label=3, checkpoints=str(tiny_runs))
    assert gan_core.sample("plain", n=2, checkpoints=str(tiny_runs)).shape == (2, 1, 28, 28)


def test_cli_sample_label_and_its_validation(tiny_runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "sevens.pt"
    done = gan(tiny_runs, "sample", "--run", "cond", "--n", "5", "--label", "7", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "digit 7" in done.stdout
    # The same seed and label give the library's images; the CLI's process may run torch on another number of
    # threads than this one (an app test before leaves one core free), which changes a convolution's summing
    # order by a few 1e-5 (seen: 3.9e-5 on 4.6% of the pixels, in [-1, 1]).
    torch.testing.assert_close(torch.load(out, weights_only=True), gan_core.sample("cond", 5, 7, checkpoints=str(tiny_runs)),
                               atol=1e-4, rtol=1e-4)
    for args, message in ((["--run", "cond", "--label", "12"], "the label must be a digit from 0 to 9, got 12"),
                          (["--run", "plain", "--label", "3"], "is not conditional")):
        refused = gan(tiny_runs, "sample", *args, "--out", str(tmp_path / "x.png"))
        assert refused.returncode == 2
        assert message in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
        assert "Traceback" not in refused.stderr
    assert not (tmp_path / "x.png").exists()


# --- label accuracy ----------------------------------------------------------------------------------------
def test_label_accuracy_counts_per_asked_digit() -> None:
    asked = np.array([0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    read = np.array([0, 5, 1, 1, 1, 7, 2, 2, 2, 2])
    accuracy = label_accuracy(read, asked)
    assert accuracy[:3] == [0.5, 0.75, 1.0] and all(np.isnan(accuracy[3:]))


def test_real_digits_labelled_by_their_labels_are_drawn_as_asked(mnist) -> None:
    picked = torch.randperm(len(mnist), generator=torch.Generator().manual_seed(1))[:500]
    quality = evaluate_images(mnist.images[picked], memorisation=False, labels=mnist.labels[picked])
    assert quality.label_accuracy_mean > 0.97
    record = quality.to_dict()
    assert len(record["label_accuracy"]) == 10 and record["label_accuracy_min"] <= record["label_accuracy_mean"]
    wrong = evaluate_images(mnist.images[picked], memorisation=False, labels=(mnist.labels[picked] + 1) % 10)
    assert wrong.label_accuracy_mean < 0.05
    assert "label_accuracy" not in evaluate_images(mnist.images[picked], memorisation=False).to_dict()


def test_a_conditional_runs_epochs_record_label_accuracy_and_eval_prints_it(tiny_runs: Path, small_mnist) -> None:
    record = training_evaluator("mnist-5k", n=100)(load_generator(RunDir("cond", tiny_runs)).generator)
    assert len(record["label_accuracy"]) == 10 and 0 <= record["label_accuracy_mean"] <= 1
    assert "label_accuracy" not in training_evaluator("mnist-5k", n=100)(load_generator(RunDir("plain", tiny_runs)).generator)
    printed = gan(tiny_runs, "eval", "--run", "cond", "--n", "100")
    assert printed.returncode == 0, printed.stderr
    report = __import__("json").loads(printed.stdout)
    assert len(report["label_accuracy"]) == 10 and "label_accuracy_mean" in report
    # the same samples (seed 0, the digits in turn) read by the same classifier: the CLI and the epoch records agree
    assert report["label_accuracy"] == pytest.approx(record["label_accuracy"], nan_ok=True)
    assert report["label_accuracy_mean"] == pytest.approx(record["label_accuracy_mean"])
    assert record["label_accuracy_mean"] == pytest.approx(np.nanmean(record["label_accuracy"]))


# --- the shipped conditional run ----------------------------------------------------------------------------
def test_the_shipped_conditional_run_draws_every_digit_as_asked() -> None:
    generator = load_generator(RunDir(SHIPPED_CGAN, SHIPPED_ROOT))
    assert generator.conditional and generator.model == "cgan"
    labels = cycling_labels(1000)
    quality = evaluate_images(generator.sample(1000, seed=0), memorisation=False, labels=labels)
    # README "The shipped run": 98.4% on average, every digit 97-100% but the 7 (93%, read as 9); the
    # issue's 98% for every digit is not reached. These bounds catch a broken or swapped checkpoint.
    assert quality.label_accuracy_mean >= 0.975 and min(quality.label_accuracy) >= 0.9, quality.label_accuracy
    assert quality.fid_ratio < 2


# --- the app ----------------------------------------------------------------------------------------------
def text(key: str, language: str = "en", **values: object) -> str:
    entry = STRINGS[key][language]
    return entry.format(**values) if values else entry


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped conditional run alone, in a private checkpoints folder."""
    root = tmp_path / "checkpoints"
    shutil.copytree(SHIPPED_ROOT / SHIPPED_CGAN, root / SHIPPED_CGAN)
    monkeypatch.setenv(CHECKPOINTS_ENV, str(root))
    return root


def open_latent(language: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = language
    at.run()
    at.switch_page("ui/pages/latent.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_explorer_of_the_shipped_conditional_run_draws_the_picked_digit(shipped_copy: Path, language: str) -> None:
    at = open_latent(language)
    assert at.selectbox(key="keep_latent_run").value == SHIPPED_CGAN
    assert text("cgan_run_note", language) in [c.value for c in at.caption]
    picker = at.segmented_control(key="keep_latent_digit")
    assert picker.value == 7
    seven = at.image[0].value
    guess = [m.value for m in at.markdown if text("cgan_asked_ok", language, digit=7) in m.value]
    assert guess and guess[0].startswith("#### " + text("latent_guess", language, digit=7, confidence=0)[:10])
    picker.set_value(3).run()
    assert not at.exception
    assert at.image[0].value != seven
    assert any(text("cgan_asked_ok", language, digit=3) in m.value for m in at.markdown)
    at.slider(key=f"latent_slider::{SHIPPED_CGAN}::0").set_value(2.0).run()  # the sliders still move the digit
    assert at.segmented_control(key="keep_latent_digit").value == 3


def test_the_style_grid_and_the_digit_to_digit_walk_with_its_gif(shipped_copy: Path) -> None:
    at = open_latent()
    at.radio(key="keep_latent_mode").set_value("style").run()
    assert not at.exception
    assert text("cgan_style_caption") in [c.value for c in at.caption]
    grid = at.image[0]
    at.slider(key="keep_cgan_style_rows").set_value(3).run()
    assert at.image[0].value != grid.value

    at.radio(key="keep_latent_mode").set_value("interpolation").run()
    assert not at.exception
    assert text("cgan_walk_h") in [h.value for h in at.subheader]
    walk = at.image[0].value
    at.selectbox(key="keep_cgan_walk_to").set_value(4).run()
    assert at.image[0].value != walk
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [text("cgan_walk_gif")]
    at.radio(key="keep_latent_mode").set_value("directions").run()
    assert not at.exception and at.segmented_control(key="keep_latent_digit").value == 7


def test_the_train_page_shows_a_conditional_runs_label_accuracy(checkpoints: Path, small_mnist) -> None:
    trainer = Trainer.create(tiny(epochs=2), RunDir("cond", checkpoints), data=small_mnist,
                             evaluate=training_evaluator("mnist-5k", n=100))
    assert trainer.train() == "finished"
    last = trainer.history.epochs[-1]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("ui/pages/train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown[text("metric_label_accuracy_mean")] == f"{last['label_accuracy_mean']:.0%}"
    assert any(text("quality_label_h", epoch=2) in m.value for m in at.markdown)
