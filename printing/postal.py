"""The blind room's parcels: the address label and the reversible return card.

Materials for the blind (盲人读物) post free in China provided the item carries the words
"盲人读物" prominently; registered post pays its fee and carries the registration number. So
the label is dominated by the mark, white on a black band across its top, then the addressee
as a Chinese envelope has it (six postcode boxes, name, address, phone), the sender (the
library's return address), the registered-mail number and the parcel's reference as Code 128,
which the desk scans when the parcel comes back.

The return card is the same card printed on both sides (two pages, for duplex or a second
pass): the front addressed to the reader, the back to the library with the reader as sender,
the contents to tick and how to send it back. The reader turns the card over in the mailbag's
window and posts the parcel back with it.

Two stocks: A6 (105 × 148 mm) and the 100 × 150 mm thermal parcel label. Every string arrives
translated; nothing here knows the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import draw_code128
from printing.fonts import register_cjk_font, render_pdf
from printing.text import draw_fitted, line_height, wrap

PageSize = tuple[float, float]

#: A6 portrait and the 100 × 150 mm label of thermal parcel printers.
POSTAL_PAGES: Final[dict[str, PageSize]] = {"a6": (105 * mm, 148 * mm), "100x150": (100 * mm, 150 * mm)}

_MARGIN: Final[float] = 5 * mm
_BAND: Final[float] = 24 * mm
_BOX: Final[float] = 6 * mm


@dataclass(frozen=True)
class PostalAddress:
    """One party of a parcel: a name, the address as lines, the 6-digit postcode, a phone."""

    name: str
    lines: tuple[str, ...]
    postcode: str
    phone: str | None = None


@dataclass(frozen=True)
class PostalWords:
    """The fixed words, already translated: "收件人", "寄件人", "挂号" …"""

    mark: str  # 盲人读物
    free: str  # 免费寄递
    to: str
    sender: str
    phone: str
    registered: str
    reference: str
    contents: str
    instructions: str  # how the reader sends the parcel back (the card's back)
    back_title: str  # "回寄 · Return"


@dataclass(frozen=True)
class Parcel:
    """A parcel and the two parties it travels between."""

    reader: PostalAddress
    library: PostalAddress
    reference: str  # printable ASCII, scanned on return
    registered_number: str | None
    contents: tuple[str, ...]  # one line per item, with its volumes
    words: PostalWords


def _mark(canvas: Canvas, width: float, height: float, mark: str, note: str) -> float:
    """The 盲人读物 band across the top; returns the y below it."""
    top = height - _MARGIN
    canvas.setFillColor(colors.black)
    canvas.rect(_MARGIN, top - _BAND, width - 2 * _MARGIN, _BAND, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.saveState()
    canvas.setLineWidth(0.8)
    canvas.setStrokeColor(colors.white)
    text = canvas.beginText()
    size = min(17 * mm, (width - 4 * _MARGIN) / max(1, len(mark)))
    text.setFont(register_cjk_font(), size)
    text.setTextRenderMode(2)  # fill and stroke: the bundled font has no bold face
    text_width = canvas.stringWidth(mark, register_cjk_font(), size)
    text.setTextOrigin((width - text_width) / 2, top - _BAND + 7 * mm)
    text.textOut(mark)
    canvas.drawText(text)
    canvas.restoreState()
    draw_fitted(canvas, note, width / 2, top - _BAND + 2 * mm, width - 4 * _MARGIN, 8, align="center")
    canvas.setFillColor(colors.black)
    return top - _BAND - 3 * mm


def _postcode(canvas: Canvas, code: str, x: float, top: float) -> None:
    """Six boxes, one digit in each, as on a Chinese envelope."""
    canvas.setLineWidth(0.8)
    for n in range(6):
        left = x + n * (_BOX + 1 * mm)
        canvas.rect(left, top - _BOX, _BOX, _BOX, stroke=1, fill=0)
        if n < len(code):
            draw_fitted(canvas, code[n], left + _BOX / 2, top - _BOX + 1.4 * mm, _BOX, 12, align="center")


def _party(
    canvas: Canvas,
    title: str,
    party: PostalAddress,
    phone_word: str,
    width: float,
    top: float,
    name_size: float,
    text_size: float,
) -> float:
    """A party's block from ``top`` down; returns the y below it."""
    x = _MARGIN
    _postcode(canvas, party.postcode, x, top)
    top -= _BOX + 2 * mm
    draw_fitted(canvas, title, x, top - text_size, width, text_size)
    top -= text_size * 1.4
    inner = width - 2 * _MARGIN
    for line in (wrapped for given in party.lines for wrapped in wrap(given, inner, text_size + 1)):
        top -= (text_size + 1) * 1.3
        draw_fitted(canvas, line, x, top, inner, text_size + 1)
    top -= name_size * 1.25
    draw_fitted(canvas, party.name, x, top, inner, name_size)
    if party.phone:
        top -= text_size * 1.4
        draw_fitted(canvas, f"{phone_word} {party.phone}", x, top, inner, text_size)
    return top - 3 * mm


def _rule(canvas: Canvas, width: float, y: float) -> None:
    canvas.setLineWidth(0.5)
    canvas.setDash(2, 2)
    canvas.line(_MARGIN, y, width - _MARGIN, y)
    canvas.setDash()


def _footer(canvas: Canvas, parcel: Parcel, width: float) -> None:
    """The registered-mail number and the reference barcode along the bottom."""
    bottom = _MARGIN
    code_height = 13 * mm
    draw_code128(
        canvas,
        parcel.reference,
        _MARGIN,
        bottom,
        width - 2 * _MARGIN,
        code_height,
        text=f"{parcel.words.reference} {parcel.reference}",
        font_size=7,
    )
    if parcel.registered_number:
        draw_fitted(
            canvas,
            f"{parcel.words.registered} {parcel.registered_number}",
            _MARGIN,
            bottom + code_height + 2 * mm,
            width - 2 * _MARGIN,
            10,
        )


def _side(canvas: Canvas, size: PageSize, parcel: Parcel, to: PostalAddress, sender: PostalAddress, note: str) -> float:
    width, height = size
    top = _mark(canvas, width, height, parcel.words.mark, note)
    top = _party(canvas, parcel.words.to, to, parcel.words.phone, width, top, 16, 9)
    _rule(canvas, width, top + 1.5 * mm)
    top = _party(canvas, parcel.words.sender, sender, parcel.words.phone, width, top - 1 * mm, 10, 8)
    _footer(canvas, parcel, width)
    return top


def _check_size(size: str) -> PageSize:
    if size not in POSTAL_PAGES:
        raise ValueError(f"unknown postal label size {size!r}; known: {', '.join(POSTAL_PAGES)}")
    return POSTAL_PAGES[size]


def render_parcel_label(parcel: Parcel, size: str = "a6") -> bytes:
    """The address label stuck on the parcel (or the mailbag's card)."""
    page = _check_size(size)
    free = parcel.words.free
    return render_pdf(
        page,
        f"{parcel.words.mark} {parcel.reference}",
        lambda canvas: _side(canvas, page, parcel, parcel.reader, parcel.library, free),
    )


def _contents(
    canvas: Canvas, lines: Sequence[str], title: str, instructions: str, width: float, top: float, bottom: float
) -> None:
    """The back's list of what the parcel holds, with a box to tick each, and how to send it back."""
    size = 8
    inner = width - 2 * _MARGIN
    rows = [title, *(f"□ {line}" for line in lines), *wrap(instructions, inner, size)]
    step = line_height(size) * 1.3
    for row in rows:
        top -= step
        if top < bottom:
            break
        draw_fitted(canvas, row, _MARGIN, top, inner, size)


def render_return_card(parcel: Parcel, size: str = "a6") -> bytes:
    """The reversible card: page 1 to the reader, page 2 (its back) to the library."""
    page = _check_size(size)
    width, _height = page

    def draw(canvas: Canvas) -> None:
        _side(canvas, page, parcel, parcel.reader, parcel.library, parcel.words.free)
        canvas.showPage()
        canvas.setFont(register_cjk_font(), 10)
        top = _side(canvas, page, parcel, parcel.library, parcel.reader, parcel.words.back_title)
        floor = _MARGIN + 13 * mm + (6 * mm if parcel.registered_number else 0) + 2 * mm
        _contents(canvas, parcel.contents, parcel.words.contents, parcel.words.instructions, width, top, floor)

    return render_pdf(page, f"{parcel.words.mark} {parcel.reference}", draw)
