"""The time-to-digits harness runs end to end (its timings are bench/'s business, not asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .helpers import ROOT, cli_env


def test_time_to_digits_trains_in_a_child_and_reports_a_curve(checkpoints: Path, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    result = subprocess.run(
        [sys.executable, "bench/time_to_digits.py", "--baseline-mlp", "--latent-dim", "16", "--seconds", "1",
         "--every", "0.5", "--n", "100", "--json-out", str(out)],
        cwd=ROOT, env=cli_env(checkpoints), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert json.loads(out.read_text()) == report
    assert out.with_suffix(".png").is_file()
    assert report["label"] == "seed-mlp-custom" and report["settings"]["model"] == "mlp"
    assert report["settings"]["latent_dim"] == 16 and report["torch_threads"] == 2
    assert report["train_seconds"] >= 1 and report["curve"][0]["seconds"] == 0
    assert [p["seconds"] for p in report["curve"]] == sorted(p["seconds"] for p in report["curve"])
    assert len(report["curve"]) >= 3  # 0 s, about 0.5 s, about 1 s
    point = report["final"]
    assert set(point["targets_met"]) == {"all_classes_5_percent", "confidence_0.9", "fid_5x_floor"}
    assert len(point["class_histogram"]) == 10 and point["fid_ratio"] > 0
    assert "seconds" in result.stderr and "fid/floor" in result.stderr  # the table


def test_time_to_digits_of_a_conditional_model_measures_each_digit_drawn_as_asked(checkpoints: Path, tmp_path: Path) -> None:
    out = tmp_path / "cgan.json"
    result = subprocess.run(
        [sys.executable, "bench/time_to_digits.py", "--model", "cgan", "--steps", "2", "--every-steps", "2",
         "--n", "100", "--json-out", str(out)],
        cwd=ROOT, env=cli_env(checkpoints), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["label"] == "cgan" and report["targets"]["label_accuracy_min"] == 0.95
    point = report["final"]
    assert len(point["label_accuracy"]) == 10 and point["label_accuracy_min"] <= point["label_accuracy_mean"]
    assert "every_digit_as_asked_0.95" in point["targets_met"]
    assert "worst digit" in result.stderr  # the table's extra columns
