"""`python -m gan_core`: train, sample, baseline, runs, delete, export, import, eval, train-classifier, toy2d,
what-goes-wrong, cluster.

Exit codes: 0 done, 1 the run diverged (with --cluster: or failed, or was interrupted), 2 bad input (one
line on stderr, no traceback), 130 interrupted with Ctrl-C (the run is saved first).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import Field, fields
from pathlib import Path
from typing import Any, Callable, Sequence

import torch

from .runs.checkpoints import (CHECKPOINTS_ENV, RunDir, atomic_write, default_checkpoints_dir, delete_run, list_runs,
                               run_archive)
from .eval.classifier import CLASSIFIER_PATH, MIN_ACCURACY, ClassifierSettings
from .config import TrainConfig, device_chosen_settings
from .data import DATA_DIR_ENV, load_dataset
from .devices import resolve_device
from .errors import GanLabError
from .images import check_output_path, save_images
from .models import MODELS
from .cli_cluster import add_cluster_parser, cmd_cluster, train_on_cluster
from .trainer import EpochResult, Progress, Trainer

EXIT_OK, EXIT_DIVERGED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
FALLBACK_ROUNDS = 2000  # `toy2d` without a budget, for a distribution without a goal


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit code 2), like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--checkpoints", metavar="DIR", default=None,
                        help=f"folder of runs (default: ${CHECKPOINTS_ENV}, else the project's checkpoints/ folder)")
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data-dir", metavar="DIR", default=None,
                      help=f"where mnist / fashion-mnist live or are downloaded to (default: ${DATA_DIR_ENV} or ~/.cache/gan_lab/data)")

    parser = OneLineParser(prog="python -m gan_core", description="GAN Lab: train and sample GANs on handwritten digits.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    train = commands.add_parser("train", parents=[common, data], help="train a new run or resume one",
                                description="Train a GAN. Every setting has a flag; unset flags keep their defaults "
                                            "(or, with --resume, the run's saved values).")
    train.add_argument("--run", metavar="NAME", help="run name (default: <model>-<date>-<time>)")
    train.add_argument("--resume", action="store_true", help="continue the run NAME from its checkpoint; --epochs is the new total")
    train.add_argument("--max-seconds", type=float, metavar="S", help="stop after S seconds of training, with a checkpoint")
    train.add_argument("--quiet", action="store_true", help="print nothing but errors")
    train.add_argument("--metrics", action="store_true",
                       help="record FID, the class histogram and confidence at each epoch end (digits only; ~0.3 s an epoch)")
    train.add_argument("--cluster", metavar="ADDRESS",
                       help="train on a Ray cluster instead of this process: ray://HOST:10001, HOST:6379 or auto "
                            "(docs/cluster.md); the run's files still land in --checkpoints, Ctrl-C stops it with a save")
    add_setting_flags(train)

    sample = commands.add_parser("sample", parents=[common], help="images from a trained run")
    sample.add_argument("--run", metavar="NAME", required=True)
    sample.add_argument("--epoch", type=int, help="use the generator of this epoch (default: the latest)")
    sample.add_argument("--label", type=int, metavar="K",
                        help="conditional runs (cgan): draw only the digit K, 0-9 (default: the digits 0-9 in turn)")
    _add_output_arguments(sample)

    baseline = commands.add_parser("baseline", parents=[data], help="images from a Gaussian fitted to the pixels")
    baseline.add_argument("--kind", required=True, choices=["gaussian-independent", "gaussian-full"])
    baseline.add_argument("--dataset", default="mnist-5k")
    _add_output_arguments(baseline)

    commands.add_parser("runs", parents=[common], help="list runs with owner, status, epochs, device, created")
    delete = commands.add_parser("delete", parents=[common], help="delete a run's folder (not a shipped or a running run)")
    delete.add_argument("--run", metavar="NAME", dest="run_flag", help="the run's name, as `runs` lists it")
    delete.add_argument("run", metavar="NAME", nargs="?", help="the same, without --run")
    export = commands.add_parser("export", parents=[common], help="write a run as a .zip: the archive the Runs page "
                                                                  "downloads, which `import` (or the Runs page) adds back",
                                 description="Write the run's folder (run.json, checkpoint.pt, epochs/) into one .zip; "
                                             "an existing file is not overwritten.")
    export.add_argument("--run", metavar="NAME", required=True, help="the run's name, as `runs` lists it")
    export.add_argument("--out", metavar="FILE.zip", required=True, help="where to write the archive")
    importing = commands.add_parser("import", parents=[common], help="add a run from a .zip downloaded from the Runs page",
                                    description="Check the archive completely (only a run's files, no unsafe paths, "
                                                "size limits, checkpoints that load without running code), then add it.")
    importing.add_argument("file", metavar="FILE.zip")
    importing.add_argument("--name", metavar="NEW", help="the run's name here (default: the folder name in the archive)")

    evaluate = commands.add_parser(
        "eval", parents=[common], help="sample-quality metrics (FID, classes covered, confidence, memorisation; "
                                       "label accuracy per digit for conditional runs) as JSON",
        description="Measure samples with the shipped digit classifier and print one JSON object (its fields: docs/library.md).")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--run", metavar="NAME", help="samples of this run's generator")
    source.add_argument("--baseline", choices=["gaussian-independent", "gaussian-full"],
                        help="samples of a Gaussian fitted to mnist-5k's pixels")
    source.add_argument("--real", action="store_true",
                        help="real training digits (not held out): the floor a perfect generator would reach")
    evaluate.add_argument("--epoch", type=int, help="with --run: the generator of this epoch (default: the latest)")
    evaluate.add_argument("--n", type=int, default=1000, help="number of samples, 100..4000 (default: 1000)")
    evaluate.add_argument("--seed", type=int, default=0, help="random seed of the samples (default: 0)")
    evaluate.add_argument("--per-sample", action="store_true",
                          help="also list each sample's nearest training image and distance")

    classifier = commands.add_parser(
        "train-classifier", help="rebuild the digit classifier that the metrics use",
        description="Train the digit classifier on mnist-5k's 4,000 training digits, measure it on the 1,000 "
                    "held-out ones, and save it (by default over the shipped checkpoints/digit-classifier.pt).")
    classifier.add_argument("--epochs", type=int, default=ClassifierSettings.epochs, help=f"(default: {ClassifierSettings.epochs})")
    classifier.add_argument("--seed", type=int, default=ClassifierSettings.seed, help=f"(default: {ClassifierSettings.seed})")
    classifier.add_argument("--out", metavar="FILE", default=None, help="where to save it (default: the shipped file)")
    classifier.add_argument("--min-accuracy", type=float, default=MIN_ACCURACY,
                            help=f"refuse to save a classifier below this held-out accuracy (default: {MIN_ACCURACY})")
    add_toy2d_parser(commands)
    add_cluster_parser(commands, OneLineParser)

    wrong = commands.add_parser(
        "what-goes-wrong", help="record the Theory page's three failure demonstrations (a few minutes on a CPU)",
        description="Train the recipes of saturation (minimax vs ns), mode collapse (a collapsing run beside a healthy "
                    "one, class histogram per epoch) and D winning, and save their curves as one small JSON file.")
    wrong.add_argument("--out", metavar="FILE", default=None, help="where to write it (default: the shipped "
                                                                  "checkpoints/what-goes-wrong.json)")
    wrong.add_argument("--device", default="cpu", help="where to train (default: cpu)")
    wrong.add_argument("--n", type=int, default=500, help="samples judged per epoch for the class histogram (default: 500)")
    return parser


def add_toy2d_parser(commands: argparse._SubParsersAction) -> None:
    """`toy2d`: train a GAN on points in the plane (the 2D lab) and print its mode-collapse numbers. One flag per
    Toy2DConfig field (--d-steps ...), made from the field's help; unset, a setting takes the distribution's default
    (DISTRIBUTION_DEFAULTS), else the lab's."""
    from .toy2d import DISTRIBUTION_DEFAULTS, GOALS, Toy2DConfig, flag

    toy = commands.add_parser(
        "toy2d", help="train a GAN on 2D points and print modes covered, high-quality share, KL and JS",
        description="Train the 2D lab's GAN for --rounds (a round: D's updates, then G's) or --seconds, whichever "
                    "comes first, then measure 2,000 samples (Metz et al. 2017 / VEEGAN) and print the numbers.")
    toy.add_argument("--rounds", "--steps", dest="rounds", type=int, metavar="N",
                     help="train this many rounds: the same work on any machine (--steps is the same flag; default, "
                          f"when no budget is given: the distribution's goal's, else {FALLBACK_ROUNDS})")
    toy.add_argument("--seconds", type=float, help="train this long in wall time (a busy machine does fewer rounds)")
    toy.add_argument("--cpu-seconds", type=float, metavar="S",
                     help="instead of --seconds: train until this process has used S seconds of CPU time")
    toy.add_argument("--points", metavar="X,Y;X,Y;...", help="with --distribution custom: the points, inside [-3, 3]")
    brought = {name for values in DISTRIBUTION_DEFAULTS.values() for name in values}

    def describe(setting: Field, default: Any) -> str:
        choices = setting.metadata["choices"]
        text = setting.metadata["help"] + (f": {', '.join(choices)}" if choices else "")
        return text + f" (default: {'the distribution’s, else ' if setting.name in brought else ''}{default})"

    add_field_flags(toy, Toy2DConfig, describe)
    toy.add_argument("--json", action="store_true", help="print one JSON line instead of a sentence")
    toy.add_argument("--save", metavar="FILE", help="also save the trained model (.pt) for the 2D lab page's Load")
    per = "; ".join(f"{name}: " + ", ".join(f"--{flag(k)} {v}" for k, v in values.items())
                    for name, values in DISTRIBUTION_DEFAULTS.items())
    goals = "; ".join(f"{name} covers >= {goal.modes} modes"
                      + (f" with >= {goal.high_quality:.0%} high quality" if goal.high_quality else "")
                      + f" within {goal.rounds} rounds" for name, goal in GOALS.items())
    toy.epilog = f"Defaults that depend on the distribution: {per}. With them, on every seed measured: {goals}."


def add_setting_flags(parser: argparse.ArgumentParser, skip: Sequence[str] = ()) -> None:
    """One flag per TrainConfig field (--batch-size ...), its default said as the model's where models differ."""
    def describe(setting: Field, default: Any) -> str:
        model_dependent = any(setting.name in spec.recommended for spec in MODELS.values())
        return f"{setting.metadata['help']} (default: {'the model’s; ' if model_dependent else ''}{default})"

    add_field_flags(parser, TrainConfig, describe, skip)


def setting_flags(args: argparse.Namespace, skip: Sequence[str] = ()) -> dict[str, Any]:
    """The TrainConfig fields as `add_setting_flags`' flags gave them (None where not given), betas as a pair."""
    settings = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if f.name not in skip}
    if settings.get("betas") is not None:
        settings["betas"] = tuple(settings["betas"])
    return settings


def add_field_flags(parser: argparse.ArgumentParser, settings: type, describe: Callable[[Field, Any], str],
                    skip: Sequence[str] = ()) -> None:
    """One flag per field of a settings dataclass (d_steps -> --d-steps), with the help `describe` gives it; default
    None, so that "not given" can be told apart. A yes/no setting gets --x / --no-x, a pair two numbers."""
    defaults = settings()
    for setting in fields(settings):
        if setting.name in skip:
            continue
        flag = "--" + setting.name.replace("_", "-")
        default = getattr(defaults, setting.name)
        help_text = describe(setting, default)
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif isinstance(default, tuple):
            parser.add_argument(flag, type=float, nargs=len(default), metavar=("B1", "B2"), help=help_text)
        else:
            parser.add_argument(flag, type=type(default), help=help_text)


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=64, help="number of images (default: 64)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--out", required=True, metavar="FILE", help=".png (a grid), .pt (float tensor N x 1 x 28 x 28 in [-1, 1]) or .npy")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # inside the try: a closed pipe shows up here, not in Python's flush at exit
        return code
    except GanLabError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (`python -m gan_core runs | head`): not an error. Point stdout at /dev/null so
        # Python's own flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


# --- train ----------------------------------------------------------------------------
def cmd_train(args: argparse.Namespace) -> int:
    settings = setting_flags(args)
    root = args.checkpoints or default_checkpoints_dir()
    if args.max_seconds is not None and not args.max_seconds > 0:  # every check before anything is created
        raise GanLabError(f"--max-seconds must be greater than 0, got {args.max_seconds}")
    if args.cluster:
        return train_on_cluster(args, settings)
    if args.resume:
        if not args.run:
            raise GanLabError("--resume needs --run NAME (the run to continue); `python -m gan_core runs` lists them")
        epochs = settings.pop("epochs")
        trainer = Trainer.resume(RunDir(args.run, root), epochs=epochs, changes=settings, data_dir=args.data_dir)
    else:
        config = TrainConfig.for_model(settings.pop("model") or TrainConfig().model, **settings)
        chosen = device_chosen_settings(config.model, config.device)
        if chosen and not args.quiet:
            shown = ", ".join(f"{k} {getattr(config, k)}" + ("" if getattr(config, k) == v else " (yours)")
                              for k, v in chosen.items())
            print(f"settings the device chose for {config.model}: {shown}; any flag you give wins", file=sys.stderr)
        name = args.run or f"{config.model}-{time.strftime('%Y%m%d-%H%M%S')}"
        trainer = Trainer.create(config, RunDir(name, root), data_dir=args.data_dir)
    if args.metrics:
        from .eval.metrics import EPOCH_SAMPLES, epoch_evaluator

        trainer.evaluate = epoch_evaluator(n=EPOCH_SAMPLES, dataset=trainer.config.dataset)

    reporter = None if args.quiet else ProgressReporter(trainer)
    if reporter:
        trainer.on_step.append(reporter.on_step)
        trainer.on_epoch_end.append(reporter.on_epoch_end)
        reporter.start()

    def stop_on_ctrl_c(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C interrupts at once
        print("\nstopping after this step and saving a checkpoint (Ctrl-C again to abort)", file=sys.stderr)
        trainer.request_stop()
        interrupted.append(True)

    interrupted: list[bool] = []
    previous = signal.signal(signal.SIGINT, stop_on_ctrl_c)
    try:
        status = trainer.train(max_seconds=args.max_seconds)
    finally:
        signal.signal(signal.SIGINT, previous)
    if reporter:
        reporter.finish(status)
    if status == "diverged":
        print(f"error: run {trainer.run.name!r} diverged: {trainer.message}", file=sys.stderr)
        return EXIT_DIVERGED
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


class ProgressReporter:
    """A one-line progress bar with losses on a terminal; one line per epoch otherwise."""

    def __init__(self, trainer: Trainer, stream: Any = None):
        self.trainer = trainer
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_draw = 0.0

    def start(self) -> None:
        t = self.trainer
        what = "resuming" if t.global_step else "training"
        print(f"{what} run {t.run.name!r}: {t.config.model} on {t.config.dataset} ({len(t.data)} images), "
              f"{t.steps_per_epoch} steps per epoch, device {t.device}, saved in {t.run.path}", file=self.stream)

    def on_step(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self.live or now - self._last_draw < 0.2:
            return
        self._last_draw = now
        h = self.trainer.history
        losses = f"loss_d {h.loss_d[-1]:.3f} loss_g {h.loss_g[-1]:.3f} D(x) {h.d_real[-1]:.2f} D(G(z)) {h.d_fake[-1]:.2f}" if h.loss_d else ""
        filled = int(progress.fraction * 24)
        left = progress.seconds_left
        eta = f" {_duration(left)} left" if left is not None else ""
        line = (f"\repoch {progress.epoch + 1}/{progress.epochs} [{'#' * filled}{'.' * (24 - filled)}] "
                f"{progress.fraction:4.0%} step {progress.step_in_epoch}/{progress.steps_per_epoch} {losses}{eta}")
        self.stream.write(line[:160].ljust(120))
        self.stream.flush()

    def on_epoch_end(self, result: EpochResult) -> None:
        r = result.record
        if self.live:
            self.stream.write("\r" + " " * 120 + "\r")
        quality = (f", FID {r['fid']:.1f} ({r['fid_ratio']:.1f}x floor), {r['classes_covered']} digits, "
                   f"confidence {r['mean_confidence']:.2f}") if "fid" in r else ""
        if "label_accuracy_mean" in r:
            quality += f", label accuracy {r['label_accuracy_mean']:.1%} (lowest {min(r['label_accuracy']):.1%})"
        print(f"epoch {r['epoch']}/{self.trainer.config.epochs}: loss_d {r['loss_d']:.3f} loss_g {r['loss_g']:.3f} "
              f"({_duration(r['train_seconds'])} of training){quality}", file=self.stream)

    def finish(self, status: str) -> None:
        t = self.trainer
        if self.live:
            self.stream.write("\r" + " " * 120 + "\r")
        print(f"{status}: run {t.run.name!r} at epoch {t.epoch} step {t.step_in_epoch} "
              f"after {_duration(t.train_seconds)} of training; {t.message}", file=self.stream)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


# --- sample / baseline / runs ---------------------------------------------------------------
def _check_count(n: int) -> None:
    if not 1 <= n <= 100_000:
        raise GanLabError(f"--n must be between 1 and 100000, got {n}")


def cmd_sample(args: argparse.Namespace) -> int:
    from .sampling import load_generator

    _check_count(args.n)
    out = check_output_path(args.out)
    generator = load_generator(RunDir(args.run, args.checkpoints or default_checkpoints_dir()), epoch=args.epoch)
    path = save_images(generator.sample(args.n, args.seed, label=args.label), out)
    digits = f", digit {args.label}" if args.label is not None else (", digits 0-9 in turn" if generator.conditional else "")
    print(f"wrote {args.n} samples of run {args.run!r} (epoch {generator.epoch}{digits}) to {path}")
    return EXIT_OK


def cmd_baseline(args: argparse.Namespace) -> int:
    from .eval.baselines import fit_baseline

    _check_count(args.n)
    out = check_output_path(args.out)
    model = fit_baseline(args.kind, load_dataset(args.dataset, args.data_dir).images)
    path = save_images(model.sample(args.n, args.seed), out)
    print(f"wrote {args.n} samples of {args.kind} fitted to {args.dataset} to {path}")
    return EXIT_OK


def cmd_runs(args: argparse.Namespace) -> int:
    root = Path(args.checkpoints or default_checkpoints_dir())
    runs = list_runs(root)
    if not runs:
        print(f"no runs in {root}; start one with: python -m gan_core train --run NAME")
        return EXIT_OK
    header = ("run", "owner", "status", "epochs", "model", "dataset", "device", "created")
    rows = [(r.name, r.owner or "-", r.status, f"{r.epochs_done}/{r.epochs_target}", r.model, r.dataset, r.device,
             r.created) for r in runs]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    if args.run_flag and args.run and args.run_flag != args.run:
        raise GanLabError(f"two runs named ({args.run_flag!r} and {args.run!r}); delete one run at a time")
    name = args.run_flag or args.run
    if not name:
        raise GanLabError("which run? give --run NAME; `python -m gan_core runs` lists them")
    delete_run(name, args.checkpoints or default_checkpoints_dir())
    print(f"deleted run {name!r}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        raise GanLabError(f"cannot write {out.name!r}: the archive's name must end in .zip")
    if not out.parent.is_dir():
        raise GanLabError(f"cannot write {out}: the folder {out.parent} does not exist")
    if out.exists():
        raise GanLabError(f"{out} already exists; choose another --out or delete that file first")
    data = run_archive(args.run, args.checkpoints or default_checkpoints_dir())
    atomic_write(out, lambda file: file.write(data))
    print(f"wrote run {args.run!r} to {out} ({len(data) / 2**20:.1f} MB); add it elsewhere with: "
          f"python -m gan_core import {out}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .runs.archive import import_run

    source = Path(args.file)
    if not source.is_file():
        raise GanLabError(f"{source} does not exist")
    run = import_run(source, args.checkpoints or default_checkpoints_dir(), name=args.name)
    print(f"imported run {run.name!r}: {run.model} on {run.dataset}, {run.epochs_done}/{run.epochs_target} epochs, {run.status}")
    return EXIT_OK


# --- eval / train-classifier -------------------------------------------------------------------
def cmd_eval(args: argparse.Namespace) -> int:
    from .eval.metrics import DIGIT_DATASETS, MAX_SAMPLES, MIN_SAMPLES, classifier_info, evaluate_images, real_training_sample

    if not MIN_SAMPLES <= args.n <= MAX_SAMPLES:
        raise GanLabError(f"--n must be between {MIN_SAMPLES} and {MAX_SAMPLES}, got {args.n}")
    if args.epoch is not None and not args.run:
        raise GanLabError("--epoch needs --run NAME")
    if args.seed < 0:
        raise GanLabError(f"--seed must be 0 or more, got {args.seed}")
    dataset, labels = "mnist-5k", None
    if args.run:
        from .sampling import cycling_labels, load_generator

        run = RunDir(args.run, args.checkpoints or default_checkpoints_dir())
        dataset = run.read_info()["config"].get("dataset", "mnist-5k")
        if dataset not in DIGIT_DATASETS:
            raise GanLabError(f"run {args.run!r} was trained on {dataset}; the digit classifier can only judge digits "
                              f"({', '.join(DIGIT_DATASETS)})")
        generator = load_generator(run, epoch=args.epoch)
        source = {"kind": "run", "run": args.run, "epoch": generator.epoch, "model": generator.model, "dataset": dataset}
        images = generator.sample(args.n, args.seed)  # a conditional run: the digits 0-9 in turn
        labels = cycling_labels(args.n) if generator.conditional else None
    elif args.baseline:
        from .eval.baselines import fit_baseline

        source = {"kind": "baseline", "baseline": args.baseline, "dataset": dataset}
        images = fit_baseline(args.baseline, load_dataset(dataset).images).sample(args.n, args.seed)
    else:
        source = {"kind": "real", "split": "train", "dataset": dataset}
        images = real_training_sample(args.n, args.seed)
    quality = evaluate_images(images, dataset=dataset, labels=labels)
    report = {"source": source, "seed": args.seed, **quality.to_dict(per_sample=args.per_sample),
              "classifier": classifier_info()}
    print(json.dumps(report, ensure_ascii=False))
    return EXIT_OK


def cmd_train_classifier(args: argparse.Namespace) -> int:
    from .eval.classifier import save_classifier, train_classifier

    if args.epochs < 1:
        raise GanLabError(f"--epochs must be at least 1, got {args.epochs}")
    out = Path(args.out) if args.out else CLASSIFIER_PATH
    if not out.parent.is_dir():
        raise GanLabError(f"cannot write {out}: the folder {out.parent} does not exist")
    started = time.perf_counter()

    def report_epoch(epoch: int, loss: float, held_out_accuracy: float) -> None:
        print(f"epoch {epoch}/{args.epochs}: loss {loss:.4f}, held-out accuracy {held_out_accuracy:.2%} "
              f"({_duration(time.perf_counter() - started)})", file=sys.stderr)

    settings = ClassifierSettings(epochs=args.epochs, seed=args.seed)
    model, report = train_classifier(settings, on_epoch=report_epoch)
    accuracy = report["held_out_accuracy"]
    if accuracy < args.min_accuracy:
        print(f"error: held-out accuracy {accuracy:.2%} is below {args.min_accuracy:.2%}; not saved "
              "(try more --epochs or another --seed)", file=sys.stderr)
        return EXIT_DIVERGED
    save_classifier(model, report, out)
    print(f"saved {out} ({out.stat().st_size // 1024} KB): held-out accuracy {accuracy:.2%} on "
          f"{len(report['held_out_per_class_accuracy']) * report['held_out_per_class']} digits, "
          f"trained in {_duration(report['train_seconds'])}")
    return EXIT_OK


# --- toy2d ------------------------------------------------------------------------------------------
def cmd_toy2d(args: argparse.Namespace) -> int:
    from .toy2d import GOALS, Toy2DConfig, make_target, parse_points, preset_config, train_for

    if args.seconds is not None and not (0 < args.seconds <= 3600):
        raise GanLabError(f"--seconds must be greater than 0 and at most 3600, got {args.seconds}")
    if args.cpu_seconds is not None and not (0 < args.cpu_seconds <= 3600):
        raise GanLabError(f"--cpu-seconds must be greater than 0 and at most 3600, got {args.cpu_seconds}")
    if args.cpu_seconds is not None and args.seconds is not None:
        raise GanLabError("give --seconds (wall time) or --cpu-seconds, not both")
    if args.rounds is not None and not (1 <= args.rounds <= 10_000_000):
        raise GanLabError(f"--rounds must be from 1 to 10000000, got {args.rounds}")
    settings = {f.name: getattr(args, f.name) for f in fields(Toy2DConfig) if getattr(args, f.name) is not None}
    distribution = settings.pop("distribution", Toy2DConfig().distribution)
    if args.points and distribution != "custom":
        raise GanLabError("--points needs --distribution custom")
    rounds = args.rounds
    if args.seconds is None and args.rounds is None and args.cpu_seconds is None:  # the same run on any machine
        rounds = GOALS[distribution].rounds if distribution in GOALS else FALLBACK_ROUNDS
    config = preset_config(distribution, **settings)
    points = parse_points(args.points) if args.points else None
    save = Path(args.save) if args.save else None
    if save is not None and not save.parent.is_dir():
        raise GanLabError(f"cannot write {save}: the folder {save.parent} does not exist")
    make_target(config.distribution, points)  # bad custom points fail here, before any training
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a 2D step is far too small to split: more threads only wait for each other
    try:
        lab, report = train_for(config, seconds=args.seconds, rounds=rounds, points=points, cpu_seconds=args.cpu_seconds)
    finally:
        torch.set_num_threads(threads)  # as it was: `main()` may run inside another program (a test, a notebook)
    if save is not None:
        save.write_bytes(lab.to_bytes())
    if args.json:
        print(json.dumps(report))
        return EXIT_OK
    done = f"{report['distribution']}: {report['rounds']} rounds in {report['seconds']} s ({report['cpu_seconds']} s of CPU); "
    if report["modes_total"] is not None:
        print(f"{done}modes covered {report['modes_covered']}/{report['modes_total']}, high quality "
              f"{report['high_quality']:.0%}, KL {report['kl']:.3f}, JS {report['js']:.3f}")
    else:
        print(f"{done}mean distance to the manifold {report['manifold_distance']:.3f}, KL {report['kl']:.3f}, "
              f"JS {report['js']:.3f}")
    return EXIT_OK


def cmd_what_goes_wrong(args: argparse.Namespace) -> int:
    from .eval.metrics import MAX_SAMPLES, MIN_SAMPLES
    from .eval.what_goes_wrong import SHIPPED_PATH, record, save

    if not MIN_SAMPLES <= args.n <= MAX_SAMPLES:
        raise GanLabError(f"--n must be between {MIN_SAMPLES} and {MAX_SAMPLES}, got {args.n}")
    out = Path(args.out) if args.out else SHIPPED_PATH
    if not out.parent.is_dir():
        raise GanLabError(f"cannot write {out}: the folder {out.parent} does not exist")
    resolve_device(args.device)
    path = save(record(args.device, args.n, log=lambda line: print(line, file=sys.stderr)), out)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return EXIT_OK


COMMANDS = {"what-goes-wrong": cmd_what_goes_wrong, "toy2d": cmd_toy2d, "train": cmd_train, "sample": cmd_sample,
            "baseline": cmd_baseline, "runs": cmd_runs, "delete": cmd_delete, "export": cmd_export, "import": cmd_import,
            "eval": cmd_eval, "train-classifier": cmd_train_classifier, "cluster": cmd_cluster}
