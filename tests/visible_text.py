"""Every text a person reads on a page drawn by AppTest, and the words in it that belong to the other language.

`visible_texts(at)` walks the page's element tree (main area and sidebar) and collects what the browser shows:
headings, Markdown and captions, alerts, toasts, metrics, progress texts, widget labels, help texts, placeholders
and options, expander / tab / popover labels, image captions, the header and cells of tables and dataframes (as
their column configuration names them), and the titles, legends, annotations and tick labels of plotly charts.
Code blocks and formulas are the language of Python and mathematics; Markdown's inline code is the hint a
teacher types. `foreign_words` finds Latin words in Russian text outside an allow-list of names and units, and
Cyrillic in English text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from streamlit.testing.v1 import AppTest

# Names and units that are the same in a Russian text: models and losses as the literature calls them, metrics,
# file formats and the hardware's own names. A word is allowed when it is here (case as written).
ALLOWED_LATIN = {
    # models and losses, as papers and the settings name them
    "GAN", "GANs", "MLP", "SNGAN", "DCGAN", "cGAN", "WGAN", "WGAN-GP", "LSGAN", "R1", "EMA", "Adam", "ns", "minimax",
    "hinge", "lsgan", "wgan-gp", "mlp", "sngan", "dcgan", "cgan", "gan", "lerp", "slerp", "ReLU", "LeakyReLU",
    "BatchNorm", "tanh", "sigmoid", "softmax", "GANSpace",
    # datasets
    "MNIST", "Fashion-MNIST",
    # metrics and what they measure
    "FID", "KID", "KL", "JS", "JSD", "VEEGAN", "ln", "log", "exp", "max", "min", "argmax",
    # hardware, formats, files
    "CPU", "GPU", "CUDA", "MPS", "TF32", "bfloat16", "NVIDIA", "Apple", "CSV", "GIF", "PNG", "ZIP", "zip", "URL", "HTTP", "QR",
    # programs a teacher opens the class's results with
    "Excel", "LibreOffice",
    # the language switch names each language in its own words
    "English",
    # keys of the keyboard, as printed on them
    "Enter", "Ctrl",
}
# Single letters, with an index or not, are the formulas' variables (G, D, z, x, z13...) and point names (A, B).
SINGLE_LETTER = re.compile(r"^[A-Za-z]\d*$")
# Names of people whose papers a text cites, and of the methods they named; written as they sign them.
AUTHORS = {"Goodfellow", "Mescheder", "Miyato", "Metz", "Yazıcı", "Mirza", "Osindero", "Radford", "Heusel", "Karras",
           "Arjovsky", "Gulrajani", "Mao", "Lim", "Salimans", "Bińkowski", "Kernel Inception Distance",
           "Fréchet Inception Distance", "GAN Lab"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
FILE_NAME = re.compile(r"\b[\w.-]+\.(?:pt|json|jsonl|zip|csv|gif|png|npy|md|toml)\b")
NUMBER = re.compile(r"(?<![A-Za-z0-9])[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")
ICON = re.compile(r":material/[a-z_]+:")
DIRECTIVE = re.compile(r":[a-z]+(?:-[a-z]+)*\[")  # Streamlit's colour and badge markup: ":gray[", ":green-badge["
MARKDOWN_LINK = re.compile(r"\]\([^)]*\)")
CODE_SPAN = re.compile(r"`[^`]*`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
HTML_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Seen:
    """One text on a page and where it is (the element's kind, and the field or part it came from)."""

    where: str
    text: str


def _strings(message, names: tuple[str, ...] = ("label", "help", "placeholder", "body", "text", "caption", "title",
                                                  "delta")) -> Iterator[tuple[str, str]]:
    """The text fields of a widget's or element's proto (and the options, captions a select or radio shows)."""
    for descriptor, value in message.ListFields():
        if descriptor.type == descriptor.TYPE_STRING:
            values = list(value) if getattr(descriptor, "is_repeated", False) else [value]
            if descriptor.name in names or descriptor.name in ("options", "captions", "display_values"):
                yield from ((descriptor.name, v) for v in values if v)


def _plotly(spec: str) -> Iterator[tuple[str, str]]:
    figure = json.loads(spec)
    layout = figure.get("layout", {})

    def title(value) -> str:
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    yield "title", title(layout.get("title"))
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict):
            yield f"{name}.title", title(axis.get("title"))
            yield from ((f"{name}.ticktext", str(tick)) for tick in axis.get("ticktext", []) or [])
    for annotation in layout.get("annotations", []) or []:
        yield "annotation", str(annotation.get("text", ""))
    for trace in figure.get("data", []):
        if trace.get("showlegend", True) is not False and trace.get("name"):
            yield "trace", str(trace["name"])
        colorbar = trace.get("colorbar") or (trace.get("marker") or {}).get("colorbar")
        if colorbar:
            yield "colorbar", title(colorbar.get("title"))
        if trace.get("hovertemplate"):
            yield "hovertemplate", re.sub(r"%\{[^}]*\}|<extra>.*?</extra>", " ", str(trace["hovertemplate"]))


def _table(element) -> Iterator[tuple[str, str]]:
    """The header and cells of st.table / st.dataframe, the header as the column configuration names it."""
    frame = element.value
    config = json.loads(element.proto.columns) if getattr(element.proto, "columns", "") else {}
    order = list(getattr(element.proto, "column_order", []) or []) or [str(c) for c in frame.columns]
    for column in order:
        settings = config.get(column) or config.get(f"_pos:{list(frame.columns).index(column)}", {}) \
            if column in frame.columns else {}
        if settings.get("hidden"):
            continue
        yield "header", str(settings.get("label") or column)
        if settings.get("help"):
            yield "column help", str(settings["help"])
        if column in frame.columns:
            kind = (settings.get("type_config") or {}).get("type")
            if kind in ("image", "progress", "number", "checkbox"):
                continue  # pictures, bars, numbers and ticks: no words
            yield from ((f"cell {column}", str(cell)) for cell in frame[column].tolist() if isinstance(cell, str))


def _walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def visible_texts(at: AppTest) -> list[Seen]:
    """Every text a person reads on the page as AppTest drew it (main area and sidebar)."""
    seen: list[Seen] = []
    for node in _walk(at._tree):
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if proto is None or getattr(node, "key", None) == "lang":  # the language switch speaks both, on purpose
            continue
        if hasattr(node, "children"):  # a block: expanders, tabs, popovers and dialogs have titles
            if kind in ("expandable", "expander", "tab", "popover", "dialog"):
                inner = getattr(proto, "expandable" if kind == "expander" else kind, proto)
                seen += [Seen(f"{kind}.{name}", value) for name, value in _strings(inner)]
            continue
        if kind in ("latex", "html", "space", "empty", "skeleton", "favicon", "balloons", "snow"):
            continue
        if kind == "code":
            seen.append(Seen("code", proto.code_text))
            continue
        if kind == "plotly_chart":
            seen += [Seen(f"chart {name}", text) for name, text in _plotly(proto.spec) if text]
            continue
        if kind in ("dataframe", "table"):
            seen += [Seen(f"{kind} {name}", text) for name, text in _table(node) if text]
            continue
        if kind == "imgs":
            seen += [Seen("image caption", image.caption) for image in proto.imgs if image.caption]
            continue
        seen += [Seen(f"{kind}.{name}", value) for name, value in _strings(proto)]
    return seen


def _prose(text: str) -> str:
    """The words of a text as a person reads them: no icons, formulas, inline code, link targets, tags,
    file names or numbers."""
    for pattern in (ICON, DIRECTIVE, MATH, CODE_SPAN, MARKDOWN_LINK, HTML_TAG, FILE_NAME, NUMBER):
        text = pattern.sub(" ", text)
    return text


def foreign_words(seen: Seen, language: str, names: set[str] = frozenset()) -> list[str]:
    """Words of the other language in one text: Latin words in Russian (outside the allow-list, single letters
    and the given names of runs and people), any Cyrillic in English."""
    if language == "en":
        return CYRILLIC.findall(seen.text) and [word for word in re.findall(r"\S*[А-Яа-яЁё]\S*", seen.text)]
    if seen.where == "code":
        return []
    text = seen.text
    for name in sorted({*names, *AUTHORS}, key=len, reverse=True):  # a run or a person is called what they are called
        text = text.replace(name, " ")
    text = _prose(text)
    return [word for word in LATIN_WORD.findall(text)
            if word not in ALLOWED_LATIN and not SINGLE_LETTER.match(word)
            and not all(part in ALLOWED_LATIN or SINGLE_LETTER.match(part) for part in word.split("-"))]
