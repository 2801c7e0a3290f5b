"""The documentation cannot drift from the code: its commands run, and the files and flags it names exist.

Every `python -m gan_core ...` line in a shell block of README.md and docs/*.md is given to the CLI itself, in the
order the page gives them, in a folder of its own with copies of the shipped runs. A few rewrites keep them short:
a `train` stops after a second (`--max-seconds 1`, with a checkpoint, as it would after any time), a `toy2d` trains
50 rounds; `train-classifier` and `what-goes-wrong`, minutes long, are only parsed. A shell block whose first line
says it is for another machine (`# On the GPU box: ...`, `# On each student's laptop ...`) is only parsed too: its
commands start Ray nodes or reach a cluster that is not here. The library guide's Python examples run too (those that
need a CUDA GPU are only compiled). README.md stays short enough for a newcomer.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from functools import cache
from pathlib import Path

import pytest

from gan_core import cli
from gan_core.config import TrainConfig

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHIPPED = ("pretrained-sngan", "pretrained-cgan")
PARSED_ONLY = {"train-classifier", "what-goes-wrong",  # minutes long, and they rebuild shipped files
               "cluster"}  # starts or joins a Ray cluster on the machines the docs name
TOY2D_ROUNDS = "50"
README_MOST_LINES = 200
# The first line of a shell block that is for another machine (a GPU box, a cluster's node, a student's laptop).
ANOTHER_MACHINE = re.compile(r"^#\s*On (?:the|a|an|each|every) ")

# Paths the docs name that the app makes at run time (not files of the repository).
MADE_AT_RUN_TIME = ("checkpoints/.cache", ".streamlit/secrets.toml", "checkpoints/<run>", "tests/artifacts",
                    "bench/results", "class-limits.json", "checkpoints/class-")


def blocks(path: Path, languages: tuple[str, ...]) -> list[str]:
    """The fenced code blocks of a Markdown file in one of `languages` ("" for an unnamed fence), those indented
    in a list item too (dedented)."""
    found = []
    for m in re.finditer(r"^([ \t]*)```(\w*)\n(.*?)^[ \t]*```", path.read_text(encoding="utf-8"), re.M | re.S):
        if m.group(2) in languages:
            indent = m.group(1)
            found.append("".join(line[len(indent):] if line.startswith(indent) else line.lstrip(" \t")
                                 for line in m.group(3).splitlines(keepends=True)))
    return found


def for_another_machine(block: str) -> bool:
    return bool(ANOTHER_MACHINE.match(block.lstrip("\n")))


def shell_commands(path: Path, here_only: bool = False) -> list[list[str]]:
    """Every command line of the shell blocks, as its words (comments and continuation lines handled);
    `here_only`: not those of a block for another machine."""
    found = []
    for block in blocks(path, ("bash", "sh")):
        if here_only and for_another_machine(block):
            continue
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                found.append(words)
    return found


def gan_core_examples(path: Path, here_only: bool = False) -> list[list[str]]:
    """The arguments of every `python -m gan_core` line (and the `python -c` helpers among them, as ["-c", code]);
    `here_only`: only those to run on this machine."""
    examples = []
    for words in shell_commands(path, here_only):
        if words[:3] == ["python", "-m", "gan_core"]:
            examples.append(words[3:])
        elif words[:2] == ["python", "-c"]:
            examples.append(words[1:])
    return examples


def all_examples() -> list[tuple[str, list[str]]]:
    return [(f"{doc.name}: {' '.join(argv)}"[:90], argv) for doc in DOCS for argv in gan_core_examples(doc)
            if argv[0] != "-c"]


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder, and a checkpoints folder with copies of the shipped runs, as on a fresh clone."""
    root = tmp_path / "checkpoints"
    root.mkdir()
    for name in SHIPPED:
        shutil.copytree(ROOT / "checkpoints" / name, root / name)
    monkeypatch.setenv("GAN_LAB_CHECKPOINTS", str(root))
    monkeypatch.chdir(tmp_path)
    return root


def shortened(argv: list[str]) -> list[str]:
    """The example as the tests run it: a train stops after a second, a toy2d trains 50 rounds."""
    argv = list(argv)
    if argv[0] == "train":
        argv = [word for word in argv if word != "--quiet"] + ["--max-seconds", "1", "--quiet"]
    if argv[0] == "toy2d":
        for flag in ("--seconds", "--cpu-seconds", "--steps", "--rounds"):
            if flag in argv:
                index = argv.index(flag)
                del argv[index:index + 2]
        argv += ["--steps", TOY2D_ROUNDS]
    return argv


def run_example(argv: list[str]) -> int:
    """One example, through the CLI's own entry point (`python -m gan_core` calls `cli.main`)."""
    if argv[0] == "-c":
        exec(compile(argv[1], "<python -c>", "exec"), {"__name__": "__main__"})
        return 0
    try:
        return cli.main(shortened(argv))
    except SystemExit as leaving:  # --help
        return int(leaving.code or 0)


@pytest.mark.parametrize("argv", [argv for _, argv in all_examples()], ids=[name for name, _ in all_examples()])
def test_every_gan_core_example_is_accepted_by_the_cli(argv: list[str]) -> None:
    try:
        args = cli.build_parser().parse_args(argv)
    except SystemExit as refused:
        assert refused.code == 0 and "--help" in argv, f"the CLI refuses: python -m gan_core {' '.join(argv)}"
        return
    if args.command == "train" and not args.resume:  # the settings are checked before anything is trained
        settings = {name: getattr(args, name) for name in TrainConfig.__dataclass_fields__}
        if settings["betas"] is not None:
            settings["betas"] = tuple(settings["betas"])
        TrainConfig.for_model(settings.pop("model") or TrainConfig().model, **settings).validate()


@pytest.mark.parametrize("doc", [doc for doc in DOCS if gan_core_examples(doc, here_only=True)], ids=lambda doc: doc.name)
def test_the_gan_core_examples_of_each_page_run_in_order(doc: Path, sandbox: Path, capsys) -> None:
    for argv in gan_core_examples(doc, here_only=True):
        if argv[0] in PARSED_ONLY:
            continue  # parsed by the test above
        code = run_example(argv)
        output = capsys.readouterr()
        assert code == 0, f"{doc.name}: python -m gan_core {' '.join(argv)} exited {code}: {output.err[-2000:]}"


def test_the_library_guide_has_an_example_of_every_command() -> None:
    commands = cli.build_parser()._subparsers._group_actions[0].choices
    shown = {argv[0] for argv in gan_core_examples(ROOT / "docs" / "library.md", here_only=True)}
    assert not set(commands) - shown, f"docs/library.md has no example of: {sorted(set(commands) - shown)}"


def test_the_library_guides_python_examples_run(sandbox: Path, capsys) -> None:
    for number, block in enumerate(blocks(ROOT / "docs" / "library.md", ("python",)), start=1):
        code = compile(block, f"docs/library.md, Python example {number}", "exec")
        if '"cuda"' in block:
            continue  # needs a CUDA GPU: compiled, not run
        exec(code, {"__name__": "__main__"})
    capsys.readouterr()


def test_the_documented_command_retrains_the_shipped_run_with_its_own_settings(sandbox: Path, capsys) -> None:
    command = next(argv for argv in gan_core_examples(ROOT / "docs" / "library.md")
                   if argv[0] == "train" and "pretrained-sngan" in argv)
    assert run_example(command) == 0, capsys.readouterr().err
    folder = Path(command[command.index("--checkpoints") + 1]) if "--checkpoints" in command else sandbox
    made = json.loads((folder / "pretrained-sngan" / "run.json").read_text())["config"]
    shipped = json.loads((ROOT / "checkpoints" / "pretrained-sngan" / "run.json").read_text())["config"]
    assert made == TrainConfig.from_dict(shipped).to_dict()


def test_the_readme_is_short_enough_for_a_newcomer() -> None:
    lines = len((ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert lines <= README_MOST_LINES, f"README.md has {lines} lines: move detail into docs/ and link it"


def test_readme_gives_the_test_command_that_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    command = ci[ci.index("# The README's test command:") + 1].strip()
    assert shlex.split(command) in shell_commands(ROOT / "README.md")


# --- files and flags --------------------------------------------------------------------------------------------
def linked_files(path: Path) -> list[str]:
    """Local targets of the Markdown links and images of a page (anchors dropped)."""
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and t.split("#")[0]]


REPO_PATH = re.compile(r"^(?:\./)?(?:(?:gan_core|ui|tests|bench|docs|checkpoints|\.ci|\.streamlit)/[\w./<>-]*"
                       r"|app\.py|requirements[\w-]*\.txt|pytest\.ini|README\.md)$")


def named_paths(path: Path) -> list[str]:
    """Repository paths the page names in inline code (`gan_core/trainer.py`) or as script arguments."""
    text = path.read_text(encoding="utf-8")
    found = [span for span in re.findall(r"`([^`\n]+)`", text) if REPO_PATH.match(span)]
    for words in shell_commands(path):
        found += [word for word in words if REPO_PATH.match(word) and "/" in word and not word.startswith("/")]
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_file_a_page_links_or_names_exists(doc: Path) -> None:
    missing = [target for target in linked_files(doc) if not (doc.parent / target).exists()]
    for named in named_paths(doc):
        if named.startswith(MADE_AT_RUN_TIME) or "<" in named:
            continue
        if not (ROOT / named.rstrip("/")).exists():
            missing.append(named)
    assert not missing, f"{doc.name} names files that do not exist: {sorted(set(missing))}"


def heading_anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"^[ \t]*```.*?^[ \t]*```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
            for heading in re.findall(r"^#+ (.+)$", text, re.M)}


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_section_a_page_links_exists(doc: Path) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or "#" not in target:
            continue
        file, anchor = target.split("#", 1)
        page = doc.parent / file if file else doc
        if page.suffix == ".md" and page.exists() and anchor not in heading_anchors(page):
            broken.append(target)
    assert not broken, f"{doc.name} links sections that do not exist: {broken}"


@cache
def gan_core_flags() -> frozenset[str]:
    """Every flag of every command, those of a command's own commands too (`cluster start --dry-run`)."""
    flags: set[str] = set()
    parsers = [cli.build_parser()]
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:
            flags |= set(action.option_strings)
            if isinstance(getattr(action, "choices", None), dict):
                parsers += [sub for sub in action.choices.values() if hasattr(sub, "_actions")]
    return frozenset(flags)


@cache
def script_flags(script: str) -> frozenset[str]:
    """The flags a bench script's argparse defines (read from its source: importing some starts a server), with
    every training setting's flag where it takes them as the CLI's `train` does (`add_setting_flags`)."""
    source = (ROOT / script).read_text(encoding="utf-8")
    flags = set(re.findall(r"add_argument\(\s*\"(--[\w-]+)\"", source))
    if "add_setting_flags(" in source:
        train = cli.build_parser()._subparsers._group_actions[0].choices["train"]
        flags |= {option for action in train._actions for option in action.option_strings}
    return frozenset(flags)


@cache
def streamlit_flags() -> frozenset[str]:
    from streamlit import config

    return frozenset(f"--{name}" for name in config._config_options_template)


def flags_of(words: list[str]) -> list[str]:
    return [word.split("=")[0] for word in words if word.startswith("--")]


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_flag_a_page_names_exists(doc: Path) -> None:
    unknown = []
    for words in shell_commands(doc):
        if words[:2] == ["python", "-m"] and words[2] == "gan_core":
            continue  # the CLI itself parses these (above)
        script = next((w for w in words if w.startswith("bench/") and w.endswith(".py")), None)
        if script is not None:
            assert (ROOT / script).is_file(), f"{doc.name}: no {script}"
            unknown += [f"{script} {flag}" for flag in flags_of(words) if flag not in script_flags(script) | {"--help"}]
        elif "streamlit" in words:
            unknown += [f"streamlit {flag}" for flag in flags_of(words) if flag not in streamlit_flags()]
    every_script = frozenset().union(*(script_flags(str(p.relative_to(ROOT))) for p in (ROOT / "bench").glob("*.py")))
    for span in re.findall(r"`([^`\n]+)`", doc.read_text(encoding="utf-8")):
        named = re.findall(r"(?<![\w-])(--[a-z][\w.-]*[a-z0-9])", span)
        script = re.search(r"\bbench/\w+\.py\b", span)
        if script:  # `python bench/x.py --flag`, `nice -n -5 python bench/x.py ...`
            known = script_flags(script.group(0)) | {"--help"}
        elif "gan_core" in span.split()[:3]:  # `python -m gan_core eval --run NAME`
            known = gan_core_flags() | {"--help"}
        elif span.startswith("streamlit"):
            known = streamlit_flags()
        elif span.startswith("--"):  # a flag on its own: one of ours
            known = gan_core_flags() | every_script | streamlit_flags()
        else:  # another tool's command (`python3 --version`, `py-spy record --gil`)
            continue
        unknown += [flag for flag in named if flag not in known]
    assert not unknown, f"{doc.name} names flags that no command has: {sorted(set(unknown))}"
