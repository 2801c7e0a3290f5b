"""How the class board looks: a card per run (its 4 x 4 samples, owner, state, epochs, quality in words, links that
open it on Train and Progression) in a grid that wraps to the window's width, pages of PAGE_SIZE cards, the queue
with each waiting run's place, and the shipped runs in their own row.

What goes where is decided in ui/board_rows.py; this module only words and lays it out. A card is three elements
(its box, its picture, one block of text), so thirty boards redrawn every few seconds stay light, and a picture
is the same PNG bytes for every session (Streamlit serves it once per file, by its hash).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import streamlit as st

from gan_core.classroom.lesson import BOARD_FILE, shipped_on_board
from gan_core.runs.checkpoints import default_checkpoints_dir

from . import board_rows, people, widgets, wording
from .board_rows import Board, BoardRow
from .cache import stamp
from .i18n import STRINGS, language, plural, t

CARD_WIDTH = 290  # pixels: the 234-pixel sample grid, a line of text under it; three cards a row at 1280 px
TARGET_RATIO = 5.0  # FID / floor at or under this is the lesson's target (ui/quality.py draws the same line)
ORDER_KEY, PAGE_KEY = "board_order", "board_page"
BADGE_COLOURS = {"queued": "orange", "starting": "blue", "running": "blue", "finished": "green", "stopped": "gray",
                 "diverged": "red", "failed": "red", "broken": "red"}

# The board's page is narrower at the sides than others (three cards a row beside the sidebar at 1280 px, four
# without it); long run names break anywhere rather than push a card wider than its box.
CSS = """<style>
  [data-testid="stMainBlockContainer"] { padding-left: 1rem; padding-right: 1rem; padding-top: 4rem; }
  [class*="st-key-board_card_"] p { overflow-wrap: anywhere; line-height: 1.4; font-size: 0.95rem; }
  [class*="st-key-board_card_"] p strong:first-child { font-size: 1.2rem; }
  [class*="st-key-board_card_"] > [data-testid="stElementContainer"]:has([data-testid="stImage"]) { align-self: center; }
  .board-no-samples { height: 234px; width: 234px; max-width: 100%; margin: 0 auto; display: flex; align-items: center; justify-content: center; text-align: center;
                      border: 1px dashed rgba(128, 128, 128, 0.6); border-radius: 0.5rem; padding: 1rem; }
</style>"""


def state_text(row: BoardRow) -> str:
    """The run's state in words: its place while it waits, else its status (the results CSV says the same)."""
    if row.queue_place is not None:
        return t("queue_place", place=row.queue_place)
    key = f"status_{row.state}"
    return t(f"status_{row.state}") if key in STRINGS else t("status_stopped")


def page_link(page: str, name: str) -> str:
    """A link that opens a page of this app on one run, in this language (relative: the same server and path)."""
    return f"{page}?run={quote(name)}&lang={language()}"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>~:$])")


def plain(text: str) -> str:
    """A name as Markdown shows it letter for letter (a name or an imported run's owner may hold '_' or '*')."""
    return _MARKDOWN.sub(r"\\\1", text)


def model_name(model: str) -> str:
    """A model's short name as the pickers' descriptions start ("SNGAN — …" gives "SNGAN"); else its key."""
    key = f"model_{model}"
    return t(key).split(" — ", 1)[0] if key in STRINGS else model


def owner_line(row: BoardRow) -> str:
    return t("board_shipped_owner") if row.shipped else people.owner_label(row.owner)


def progress_line(row: BoardRow) -> str:
    """State as a coloured badge, then how far it got and for how long."""
    badge = f":{BADGE_COLOURS.get(row.state, 'gray')}-badge[{plain(state_text(row))}]"
    parts = [badge]
    if row.state == "finished":
        parts.append(plural("n_epochs", row.epochs_done))
    elif row.epochs_target:
        parts.append(t("board_epoch_of", done=row.epochs_done, target=row.epochs_target))
    if row.seconds:
        parts.append(f":material/schedule: {wording.format_seconds(row.seconds)}")
    return " · ".join(parts)


def quality_lines(row: BoardRow) -> list[str]:
    """The newest measured epoch's numbers, each under its whole title; a sentence when there are none."""
    if not row.judged:
        return [t("board_quality_not_digits")]
    quality = row.quality
    if not quality:
        return [t("board_quality_later") if row.epochs_done == 0 or row.state in ("queued", "starting", "running")
                else t("board_quality_none")]
    lines = []
    if "fid_ratio" in quality:
        ratio = quality["fid_ratio"]
        target = f":green[{t('board_target_met')}]" if ratio <= TARGET_RATIO else t("board_target_not_met")
        lines.append(f"{t('metric_fid_ratio')}: **{t('board_fid_value', ratio=f'{ratio:.1f}')}** {target}")
    if "classes_covered" in quality:
        covered = t("board_covered_value", n=int(round(quality["classes_covered"])))
        lines.append(f"{t('metric_classes_covered')}: **{covered}**")
    if "mean_confidence" in quality:
        lines.append(f"{t('metric_mean_confidence')}: **{quality['mean_confidence']:.0%}**")
    return lines


def links_line(row: BoardRow) -> str:
    links = [f"[{t('board_open_train')}]({page_link('train', row.name)})"]
    if row.epochs_done:
        links.append(f"[{t('board_open_progression')}]({page_link('progression', row.name)})")
    return f"{t('board_open')}: " + " · ".join(links)


def card_text(row: BoardRow) -> str:
    """Everything a card says, as one Markdown block: owner, run and model, state, quality, links."""
    lines = [f"**{plain(owner_line(row))}**",
             f":gray[{plain(row.name)} · {plain(model_name(row.model))}]",
             progress_line(row),
             *quality_lines(row),
             links_line(row)]
    return "  \n".join(lines)


def card(row: BoardRow) -> None:
    with st.container(border=True, width=CARD_WIDTH, key=f"board_card_{row.name}"):
        if row.grid_png is not None:
            st.image(row.grid_png, output_format="PNG")
        else:
            words = t("board_samples_soon") if row.state in ("queued", "starting", "running") else t("board_samples_none")
            st.markdown(f'<div class="board-no-samples">{plain(words)}</div>', unsafe_allow_html=True)
        st.markdown(card_text(row))


def grid(rows: tuple[BoardRow, ...], key: str) -> None:
    """Cards side by side, wrapping onto the next row at the window's edge: the page grows, nothing scrolls inside."""
    with st.container(horizontal=True, gap="small", vertical_alignment="distribute", key=key):
        for row in rows:
            card(row)


def queue_line(queue: tuple[BoardRow, ...]) -> None:
    """Every waiting run with its place, one line per device that has a queue."""
    devices = sorted({row.device for row in queue})
    for device in devices:
        waiting = [row for row in queue if row.device == device]
        title = t("board_queue_line") if len(devices) == 1 else t("board_queue_line_device", device=device_words(device))
        items = " · ".join(t("board_queue_item", place=row.queue_place, name=plain(row.name),
                             owner=plain(owner_line(row))) for row in waiting)
        st.markdown(f":orange-badge[:material/hourglass_top: {plain(title)}] {items}")


def device_words(device: str) -> str:
    key = f"device_choice_{device.split(':', 1)[0]}"
    return t(key) if key in STRINGS else device


@st.cache_data(show_spinner=False, max_entries=8)
def _shipped_mode(root: str, version: int) -> str:
    return shipped_on_board(root)


def shipped_mode() -> str:
    """The teacher's choice of where the shipped runs stand, read again only when its file changes."""
    root = default_checkpoints_dir()
    return _shipped_mode(str(root), stamp(root / BOARD_FILE))


def order() -> str:
    """How this session sorts the cards (its choice in the order picker; best first until it picks)."""
    widgets.default(ORDER_KEY, board_rows.ORDERS[0])
    return st.session_state[ORDER_KEY] if st.session_state[ORDER_KEY] in board_rows.ORDERS else board_rows.ORDERS[0]


def page_control(view: Board) -> tuple[BoardRow, ...]:
    """The page picker when the cards need more than one page (each option names the places it shows)."""
    if view.pages == 1:
        return view.cards
    widgets.default(PAGE_KEY, 1)
    if st.session_state[PAGE_KEY] not in range(1, view.pages + 1):  # fewer runs now: the last page there is
        st.session_state[PAGE_KEY] = view.pages
    size, total = board_rows.PAGE_SIZE, len(view.cards)
    st.segmented_control(t("board_page"), list(range(1, view.pages + 1)), key=PAGE_KEY, required=True,
                         format_func=lambda n: places(n, size, total))
    return view.page(st.session_state[PAGE_KEY])


def places(page: int, size: int, total: int) -> str:
    """The places a page shows: "13–24", or "25" when it shows one."""
    first, last = (page - 1) * size + 1, min(page * size, total)
    return str(first) if first == last else t("board_page_option", first=first, last=last)


def board() -> None:
    """The whole board, as the fragment redraws it (in one keyed box): the queue, the order and page pickers, the
    cards, then the shipped runs apart when the teacher put them there."""
    view = board_rows.arrange(board_rows.rows(), shipped_mode(), order())
    with st.container(key="board"):
        if view.queue:
            queue_line(view.queue)
        if not view.cards and not view.queue:
            st.info(t("board_empty"), icon=":material/info:")
        if view.cards:
            with st.container(horizontal=True, gap="large", vertical_alignment="bottom"):
                if len(view.cards) > 1:
                    st.segmented_control(t("board_order"), board_rows.ORDERS, key=ORDER_KEY, required=True,
                                         format_func=lambda choice: t(f"board_order_{choice}"))
                shown = page_control(view)
            grid(shown, "board_grid")
            if view.pages > 1:
                st.caption(t("board_shown", places=places(st.session_state[PAGE_KEY], board_rows.PAGE_SIZE,
                                                          len(view.cards)), total=len(view.cards)))
        if view.shipped:
            st.markdown(f"**{t('board_shipped_apart')}**")
            grid(view.shipped, "board_shipped_grid")
        st.caption(t("board_caption") + " " + t("board_open_help"))
