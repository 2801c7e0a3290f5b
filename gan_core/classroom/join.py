"""How a class joins: the address students open, as a link and a QR code, and a printable sheet of
per-student links (each carrying its name's key, so opening it takes the name).

QR codes are made here with `qrcode` (pure Python; nothing is fetched): PNG for the screen, SVG inside
the printable sheet, which is one self-contained HTML file.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlencode

import qrcode
import qrcode.image.svg


def join_link(base_url: str, name: str | None = None, key: str | None = None, language: str | None = None) -> str:
    """The address a student opens: the server's, with the page language, and their name and key when given."""
    query = {name_: value for name_, value in (("lang", language), ("student", name), ("key", key)) if value}
    return base_url.rstrip("/") + "/" + (f"?{urlencode(query)}" if query else "")


def readable(link: str) -> str:
    """A link as a person reads and types it (letters, not %-escapes); browsers escape it again."""
    return unquote_plus(link)


def _code(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=10)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_png(text: str) -> bytes:
    """A QR code of `text` as PNG bytes (black on white, large enough to read from the back of a room)."""
    buffer = io.BytesIO()
    _code(text).make_image().save(buffer)
    return buffer.getvalue()


def qr_svg(text: str) -> str:
    """A QR code of `text` as an inline SVG element (for the printable sheet)."""
    image = _code(text).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


@dataclass(frozen=True)
class SheetWords:
    """The sheet's words in the teacher's language."""

    title: str
    intro: str  # e.g. "Open your own link; do not share it: whoever opens it is you in the app."
    address: str  # the caption before the server's address


def roster_sheet(base_url: str, issued: list[tuple[str, str]], words: SheetWords, language: str | None = None) -> bytes:
    """A printable HTML page: one card per student with their name, their link's QR code and the link itself.
    Cut along the lines and hand each student their card."""
    cards = []
    for name, key in issued:
        link = join_link(base_url, name, key, language)
        cards.append(f'<div class="card"><div class="name">{html.escape(name)}</div>{qr_svg(link)}'
                     f'<div class="link">{html.escape(readable(link))}</div></div>')
    page = f"""<!doctype html>
<html lang="{html.escape(language or 'en')}"><head><meta charset="utf-8"><title>{html.escape(words.title)}</title>
<style>
  body {{ font-family: sans-serif; margin: 1cm; }}
  h1 {{ font-size: 18pt; margin: 0 0 .2cm; }}
  p {{ margin: 0 0 .5cm; }}
  .cards {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 0; }}
  .card {{ border: 1px dashed #888; padding: .4cm; text-align: center; break-inside: avoid; page-break-inside: avoid; }}
  .card svg {{ width: 4cm; height: 4cm; }}
  .name {{ font-size: 16pt; font-weight: bold; margin-bottom: .2cm; }}
  .link {{ font-family: monospace; font-size: 7pt; word-break: break-all; margin-top: .2cm; }}
</style></head><body>
<h1>{html.escape(words.title)}</h1>
<p>{html.escape(words.intro)}<br>{html.escape(words.address)} {html.escape(join_link(base_url, language=language))}</p>
<div class="cards">{''.join(cards)}</div>
</body></html>
"""
    return page.encode("utf-8")
