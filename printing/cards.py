"""The reader card: one CR80 (bank card sized) page per reader.

A card printer takes each page as one card.  The card is read in two ways:
by people (the library's name in a coloured band, the holder's name large,
reader type and home branch) and by the desk's scanners (the card number as
Code 128 for a handheld scanner and as QR for a phone or a camera scanner).
A card for the blind reading room carries one more line, in large black type
on yellow, for the sighted helper who accompanies the reader.

Names vary from two characters to twenty or more (minority names, foreign
passports), so every line is shrunk to its width rather than cut or let run
off the card.  Every string arrives already translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import MIN_MODULE, code128_min_width, draw_code128, draw_qr
from printing.fonts import register_cjk_font, render_pdf
from printing.pages import CR80
from printing.text import (
    baseline_offset,
    draw_fitted,
    fit_font_size,
    line_height,
    string_width,
)


@dataclass(frozen=True)
class ReaderCard:
    """What one card shows; every string is already translated.

    ``card_number`` is what both codes carry and what is printed under the
    bars (printable ASCII, e.g. "LL0012345678").  ``blind_line`` is the
    blind reading room line, such as "盲人阅览室 · 有声读物与听书机外借",
    for visually impaired readers and None for everyone else.
    ``card_label`` names the card, e.g. "读者证".  ``expiry_line`` says until
    when the card is valid ("有效期至 2029-03-01") for reader types whose cards
    expire, and is None for cards that do not: a reader shows it at another
    branch, and the clerk sees at a glance a card that needs renewing.
    """

    library_name: str
    reader_name: str
    card_number: str
    reader_type: str
    branch_name: str
    blind_line: str | None
    card_label: str
    expiry_line: str | None = None


#: Kept clear all round: ID-1 cards have 3.18 mm corner radii and card
#: printers leave an unprinted hair at the edges.
_MARGIN: Final[float] = 3.5 * mm
_BAND_HEIGHT: Final[float] = 11 * mm
#: A dark blue that still prints as a dark grey on a monochrome printer,
#: so the white library name stays legible either way.
_BAND_COLOUR: Final[colors.Color] = colors.HexColor("#1f3a5f")
_LIBRARY_MAX_SIZE: Final[float] = 13.0
_LABEL_MAX_SIZE: Final[float] = 10.0
_BAND_GAP: Final[float] = 3 * mm

_NAME_MAX_SIZE: Final[float] = 22.0
_DETAIL_SIZE: Final[float] = 9.0
_CHIP_PAD_X: Final[float] = 1.2 * mm
_CHIP_PAD_Y: Final[float] = 0.7 * mm
_CHIP_GAP: Final[float] = 2 * mm

#: Black on yellow is among the most legible pairings for low vision; on a
#: monochrome printer the yellow fades to a pale grey and the contrast holds.
_BLIND_FILL: Final[colors.Color] = colors.HexColor("#ffd400")
_BLIND_MAX_SIZE: Final[float] = 12.0
_BLIND_PAD: Final[float] = 1 * mm

#: The codes share one row at the foot: Code 128 left, QR right.
_CODES_HEIGHT: Final[float] = 15 * mm
_QR_SIZE: Final[float] = 15 * mm
_CODES_GAP: Final[float] = 1 * mm
_NUMBER_SIZE: Final[float] = 9.0
#: Wider bars than this add nothing for a scanner and look crude.
_MAX_MODULE: Final[float] = 0.5 * mm

#: Space between the blocks of the middle of the card.
_GAP: Final[float] = 1.2 * mm
#: Stroke around the glyphs, as a fraction of the size: the bundled font has
#: no bold face, so bold is drawn by filling and stroking the outlines.
_BOLD_STROKE: Final[float] = 0.03

_WIDTH: Final[float] = CR80[0] - 2 * _MARGIN
_BARCODE_BOX: Final[float] = _WIDTH - _QR_SIZE - _CODES_GAP


def render_reader_card(card: ReaderCard) -> bytes:
    """One reader card as a one-page CR80 PDF."""
    return render_reader_cards([card])


def render_reader_cards(cards: Sequence[ReaderCard]) -> bytes:
    """Several reader cards, one CR80 page each, in the order given.

    The PDF title is the first card's label ("读者证"), never a holder's
    name: print queues are visible to anyone at the print server.  Raises
    ValueError before drawing anything if a card number cannot be printed
    as a Code 128 a desk scanner reads.
    """
    cards = list(cards)
    if not cards:
        raise ValueError("no reader cards to print")
    for card in cards:
        needed = code128_min_width(card.card_number)
        if needed > _BARCODE_BOX:
            raise ValueError(
                f"card number {card.card_number!r} needs {needed / mm:.1f} mm including quiet "
                f"zones at the minimum module width of {MIN_MODULE / mm:.2f} mm, but the card "
                f"leaves {_BARCODE_BOX / mm:.1f} mm; use a shorter card number"
            )

    def draw(canvas: Canvas) -> None:
        for number, card in enumerate(cards):
            if number:
                canvas.showPage()
            _draw_card(canvas, card)

    return render_pdf(CR80, cards[0].card_label, draw)


def _draw_card(canvas: Canvas, card: ReaderCard) -> None:
    _draw_band(canvas, card)
    _draw_codes(canvas, card.card_number)

    # The middle blocks are centred between the band and the codes, so a
    # card without the blind line is not top-heavy.
    name_size = _bold_size(card.reader_name, _WIDTH, _NAME_MAX_SIZE)
    blocks = [line_height(name_size), _chip_height()]
    if card.blind_line:
        blocks.append(_blind_height())
    used = sum(blocks) + _GAP * (len(blocks) - 1)
    zone_top = CR80[1] - _BAND_HEIGHT - _GAP
    zone_bottom = _MARGIN + _CODES_HEIGHT + _GAP
    top = zone_top - (zone_top - zone_bottom - used) / 2

    top -= blocks[0]
    _draw_bold(canvas, card.reader_name, _MARGIN, top + baseline_offset(name_size), name_size)
    top -= _GAP + blocks[1]
    _draw_type_and_branch(canvas, card.reader_type, card.branch_name, card.expiry_line, top)
    if card.blind_line:
        top -= _GAP + blocks[2]
        _draw_blind_line(canvas, card.blind_line, top)


def _draw_band(canvas: Canvas, card: ReaderCard) -> None:
    """The coloured header: library name on the left, card label on the right.

    The band runs to the card's edges (card printers print edge to edge);
    the text keeps the margin.
    """
    page_width, page_height = CR80
    bottom = page_height - _BAND_HEIGHT
    canvas.saveState()
    canvas.setFillColor(_BAND_COLOUR)
    canvas.rect(0, bottom, page_width, _BAND_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    label_size = fit_font_size(card.card_label, 0.4 * _WIDTH, _LABEL_MAX_SIZE)
    label_width = min(0.4 * _WIDTH, string_width(card.card_label, label_size))
    centre = bottom + _BAND_HEIGHT / 2
    draw_fitted(
        canvas,
        card.card_label,
        page_width - _MARGIN,
        _centred_baseline(centre, label_size),
        label_width,
        label_size,
        align="right",
    )
    name_width = _WIDTH - label_width - _BAND_GAP
    name_size = fit_font_size(card.library_name, name_width, _LIBRARY_MAX_SIZE)
    draw_fitted(
        canvas,
        card.library_name,
        _MARGIN,
        _centred_baseline(centre, name_size),
        name_width,
        name_size,
    )
    canvas.restoreState()


def _chip_height() -> float:
    return line_height(_DETAIL_SIZE) + 2 * _CHIP_PAD_Y


def _draw_type_and_branch(canvas: Canvas, reader_type: str, branch: str, expiry: str | None, bottom: float) -> None:
    """The reader type in an outlined tag, the home branch beside it, the expiry at the right.

    The expiry keeps its size (it is what a clerk checks) and the branch name shrinks to
    the room left between the tag and it.
    """
    height = _chip_height()
    centre = bottom + height / 2
    size = fit_font_size(reader_type, 0.4 * _WIDTH - 2 * _CHIP_PAD_X, _DETAIL_SIZE)
    chip_width = string_width(reader_type, size) + 2 * _CHIP_PAD_X
    canvas.saveState()
    canvas.setLineWidth(0.6)
    canvas.roundRect(_MARGIN, bottom, chip_width, height, 1 * mm, stroke=1, fill=0)
    canvas.restoreState()
    draw_fitted(
        canvas,
        reader_type,
        _MARGIN + _CHIP_PAD_X,
        _centred_baseline(centre, size),
        chip_width - 2 * _CHIP_PAD_X,
        size,
    )
    branch_x = _MARGIN + chip_width + _CHIP_GAP
    branch_width = _WIDTH - chip_width - _CHIP_GAP
    if expiry:
        expiry_size = fit_font_size(expiry, 0.45 * _WIDTH, _DETAIL_SIZE)
        expiry_width = min(0.45 * _WIDTH, string_width(expiry, expiry_size))
        draw_fitted(
            canvas,
            expiry,
            _MARGIN + _WIDTH,
            _centred_baseline(centre, expiry_size),
            expiry_width,
            expiry_size,
            align="right",
        )
        branch_width -= expiry_width + _CHIP_GAP
    branch_size = fit_font_size(branch, branch_width, _DETAIL_SIZE)
    draw_fitted(
        canvas,
        branch,
        branch_x,
        _centred_baseline(centre, branch_size),
        branch_width,
        branch_size,
    )


def _blind_height() -> float:
    return line_height(_BLIND_MAX_SIZE) + 2 * _BLIND_PAD


def _draw_blind_line(canvas: Canvas, text: str, bottom: float) -> None:
    """The blind reading room line: large bold black type on a yellow strip."""
    height = _blind_height()
    canvas.saveState()
    canvas.setFillColor(_BLIND_FILL)
    canvas.rect(_MARGIN, bottom, _WIDTH, height, stroke=0, fill=1)
    canvas.restoreState()
    size = _bold_size(text, _WIDTH - 2 * _BLIND_PAD, _BLIND_MAX_SIZE)
    _draw_bold(
        canvas,
        text,
        _MARGIN + _WIDTH / 2,
        _centred_baseline(bottom + height / 2, size),
        size,
        centred=True,
    )


def _draw_codes(canvas: Canvas, card_number: str) -> None:
    """Code 128 (number printed under it) on the left, QR on the right, at the foot."""
    x = bottom = _MARGIN
    modules = round(code128_min_width(card_number) / MIN_MODULE)
    code_width = min(_BARCODE_BOX, modules * _MAX_MODULE)
    draw_code128(
        canvas,
        card_number,
        x + (_BARCODE_BOX - code_width) / 2,
        bottom,
        code_width,
        _CODES_HEIGHT,
        text=card_number,
        font_size=_NUMBER_SIZE,
    )
    qr_bottom = bottom + (_CODES_HEIGHT - _QR_SIZE) / 2
    draw_qr(canvas, card_number, x + _WIDTH - _QR_SIZE, qr_bottom, _QR_SIZE)


def _bold_size(text: str, max_width: float, max_size: float) -> float:
    """The size at which ``text`` in faux bold, stroke included, fits ``max_width``."""
    return fit_font_size(text, max_width - _BOLD_STROKE * max_size, max_size)


def _draw_bold(canvas: Canvas, text: str, x: float, baseline: float, size: float, *, centred: bool = False) -> None:
    """One line in faux bold at ``size`` (see ``_bold_size``).

    ``x`` is the left edge, or the centre when ``centred``.
    """
    stroke = _BOLD_STROKE * size
    canvas.saveState()
    canvas.setFont(register_cjk_font(), size)
    canvas.setLineWidth(stroke)
    canvas.setLineJoin(1)
    # Half the stroke lies outside the outline: keep a left-aligned line's
    # ink on the margin rather than half a stroke past it.
    if centred:
        canvas.drawCentredString(x, baseline, text, mode=2)
    else:
        canvas.drawString(x + stroke / 2, baseline, text, mode=2)
    canvas.restoreState()


def _centred_baseline(centre: float, size: float) -> float:
    """The baseline that centres a line of ``size`` on the height ``centre``."""
    return centre - line_height(size) / 2 + baseline_offset(size)
