"""Front-desk slips on the 80 mm receipt roll: checkout and return receipts,
transit slips and hold slips.

Each document is a stack of strips measured before anything is drawn, so the
page is exactly as long as its content (see ``receipt_page_size``): a receipt
for twenty loans grows instead of losing the last ones.

Everything arrives as plain, already-translated strings: card numbers and
names already masked by the caller (a receipt leaves the building in the
reader's pocket), dates already formatted, and the fixed words in one
``ReceiptLabels``.  Only black is printed: thermal heads turn grey into
speckle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import MIN_MODULE, code128_min_width, draw_code128
from printing.fonts import render_pdf
from printing.pages import (
    RECEIPT_END_MARGIN,
    RECEIPT_PRINTABLE_WIDTH,
    RECEIPT_SIDE_MARGIN,
    receipt_page_size,
)
from printing.text import LEADING, Align, draw_lines, string_width, wrap


@dataclass(frozen=True)
class ReceiptLabels:
    """The fixed words of every slip, in the desk's language.

    ``total`` is a template with a ``{count}`` placeholder, such as
    "共 {count} 册", because the number sits inside the phrase in Chinese
    and at its end in English.
    """

    checkout_title: str
    return_title: str
    transit_title: str
    hold_title: str
    card_number: str
    reader_name: str
    due_date: str
    total: str
    printed_at: str
    staff: str
    to_branch: str
    from_branch: str
    reason: str
    pickup_branch: str
    keep_until: str

    def __post_init__(self) -> None:
        if "{count}" not in self.total:
            raise ValueError(f"the total label needs a {{count}} placeholder, got {self.total!r}")


@dataclass(frozen=True)
class ReceiptLine:
    """One item on a receipt: its title, its barcode, and what happens next.

    ``due_date`` is printed after the due-date label (checkout, renewal);
    ``note`` is printed as it is, such as "已归还" or "在途：送往城南分馆"
    on a return receipt.
    """

    title: str
    barcode: str
    due_date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Receipt:
    """A checkout or return receipt.

    ``card_number`` and ``reader_name`` come masked (e.g. "4302********1234",
    "张*") and either may be None, as on a return at a desk with no reader
    open.  ``service_point`` is the desk within the branch, if it has one.
    ``footer`` is a closing line such as the renewal phone number.
    """

    library_name: str
    branch_name: str
    service_point: str | None
    card_number: str | None
    reader_name: str | None
    lines: Sequence[ReceiptLine]
    printed_at: str
    staff_name: str
    footer: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if not self.lines:
            raise ValueError("a receipt needs at least one item")


@dataclass(frozen=True)
class TransitSlip:
    """The slip that travels in an item to another branch.

    The destination is printed large: the van driver and the sorting table
    read it from arm's length.  ``reason`` says why it travels (a hold, going
    home after a return elsewhere, a rotation batch).
    """

    library_name: str
    to_branch: str
    from_branch: str
    barcode: str
    title: str
    reason: str
    printed_at: str


@dataclass(frozen=True)
class HoldSlip:
    """The slip that sits in an item on the hold shelf until its reader comes.

    ``name_key`` is the short shelf key the caller derives from the reader's
    name (e.g. "张*"), printed large because the hold shelf is sorted by it;
    ``card_number`` comes masked and tells two readers with the same key apart.
    """

    library_name: str
    pickup_branch: str
    card_number: str
    name_key: str
    barcode: str
    title: str
    keep_until: str
    printed_at: str


def render_checkout_receipt(receipt: Receipt, labels: ReceiptLabels) -> bytes:
    """The checkout receipt (借书凭条) as a one-page PDF as long as its items need."""
    return _render(labels.checkout_title, _receipt_strips(labels.checkout_title, receipt, labels))


def render_return_receipt(receipt: Receipt, labels: ReceiptLabels) -> bytes:
    """The return receipt (还书凭条) as a one-page PDF as long as its items need."""
    return _render(labels.return_title, _receipt_strips(labels.return_title, receipt, labels))


def render_transit_slip(slip: TransitSlip, labels: ReceiptLabels) -> bytes:
    """The transit slip (在途单): destination, the item's barcode to scan on arrival, why.

    Raises ValueError if the barcode cannot be printed as a Code 128.
    """
    strips = [
        *_heading(slip.library_name, None, labels.transit_title),
        _rule(),
        _text(labels.to_branch, _TEXT_SIZE, "center"),
        _text(slip.to_branch, _BIG_SIZE, "center"),
        _rule(),
        _barcode(slip.barcode),
        _space(_GAP),
        _text(slip.title, _ITEM_SIZE),
        _space(_GAP),
        _pair(labels.from_branch, slip.from_branch, _TEXT_SIZE),
        _pair(labels.reason, slip.reason, _TEXT_SIZE),
        _pair(labels.printed_at, slip.printed_at, _TEXT_SIZE),
    ]
    return _render(labels.transit_title, strips)


def render_hold_slip(slip: HoldSlip, labels: ReceiptLabels) -> bytes:
    """The hold slip (预约单): whose item it is, where and until when it waits.

    Raises ValueError if the barcode cannot be printed as a Code 128.
    """
    strips = [
        *_heading(slip.library_name, None, labels.hold_title),
        _rule(),
        _text(slip.name_key, _BIG_SIZE, "center"),
        _text(slip.card_number, _CARD_SIZE, "center"),
        _rule(),
        _pair(labels.pickup_branch, slip.pickup_branch, _ITEM_SIZE),
        _pair(labels.keep_until, slip.keep_until, _ITEM_SIZE),
        _space(_GAP),
        _barcode(slip.barcode),
        _space(_GAP),
        _text(slip.title, _ITEM_SIZE),
        _space(_GAP),
        _pair(labels.printed_at, slip.printed_at, _TEXT_SIZE),
    ]
    return _render(labels.hold_title, strips)


# --- layout -----------------------------------------------------------------

_X: Final[float] = RECEIPT_SIDE_MARGIN
_WIDTH: Final[float] = RECEIPT_PRINTABLE_WIDTH

_LIBRARY_SIZE: Final[float] = 12
_BRANCH_SIZE: Final[float] = 10
_TITLE_SIZE: Final[float] = 15
_BIG_SIZE: Final[float] = 22
_CARD_SIZE: Final[float] = 12
_ITEM_SIZE: Final[float] = 10
_TEXT_SIZE: Final[float] = 9
_FOOTER_SIZE: Final[float] = 8.5

#: Space around rules and between items.
_GAP: Final[float] = 2 * mm
#: Least space between a label and its value on one line.
_PAIR_GAP: Final[float] = 3 * mm
#: A label takes at most this share of the width; a longer one wraps.
_LABEL_SHARE: Final[float] = 0.45
_BARCODE_HEIGHT: Final[float] = 15 * mm
#: Wider bars than this add nothing for a scanner and look crude.
_MAX_MODULE: Final[float] = 0.5 * mm
#: Between the branch and its service point; reads the same in both languages.
_SEPARATOR: Final[str] = " · "


@dataclass(frozen=True)
class _Strip:
    """A full-width strip of the roll: its height, and how to draw it below a given top."""

    height: float
    draw: Callable[[Canvas, float], object]


def _render(title: str, strips: Sequence[_Strip]) -> bytes:
    """One page exactly as long as ``strips``, drawn top-down.

    ``title`` becomes the PDF title, which print queues show: always the
    document's name, never a reader's.
    """
    page_size = receipt_page_size(sum(strip.height for strip in strips))

    def draw(canvas: Canvas) -> None:
        top = page_size[1] - RECEIPT_END_MARGIN
        for strip in strips:
            strip.draw(canvas, top)
            top -= strip.height

    return render_pdf(page_size, title, draw)


def _receipt_strips(title: str, receipt: Receipt, labels: ReceiptLabels) -> list[_Strip]:
    strips = [*_heading(receipt.library_name, _branch_line(receipt), title), _rule()]
    reader = [
        _pair(label, value, _TEXT_SIZE)
        for label, value in (
            (labels.card_number, receipt.card_number),
            (labels.reader_name, receipt.reader_name),
        )
        if value
    ]
    if reader:
        strips += [*reader, _rule()]
    # A hanging indent wide enough for the largest number keeps titles aligned.
    indent = string_width(f"{len(receipt.lines)}. ", _ITEM_SIZE)
    for number, line in enumerate(receipt.lines, start=1):
        if number > 1:
            strips.append(_space(_GAP))
        strips += _item(number, line, indent, labels)
    strips += [
        _rule(),
        _text(labels.total.format(count=len(receipt.lines)), _ITEM_SIZE),
        _space(_GAP),
        _pair(labels.printed_at, receipt.printed_at, _TEXT_SIZE),
        _pair(labels.staff, receipt.staff_name, _TEXT_SIZE),
    ]
    if receipt.footer:
        strips += [_space(_GAP), _text(receipt.footer, _FOOTER_SIZE, "center")]
    return strips


def _branch_line(receipt: Receipt) -> str:
    if receipt.service_point:
        return receipt.branch_name + _SEPARATOR + receipt.service_point
    return receipt.branch_name


def _heading(library_name: str, branch_line: str | None, title: str) -> list[_Strip]:
    strips = [_text(library_name, _LIBRARY_SIZE, "center")]
    if branch_line:
        strips.append(_text(branch_line, _BRANCH_SIZE, "center"))
    return [*strips, _space(_GAP / 2), _text(title, _TITLE_SIZE, "center")]


def _item(number: int, line: ReceiptLine, indent: float, labels: ReceiptLabels) -> list[_Strip]:
    """The numbered, wrapped title, then the barcode with the due date or note beside or under it."""
    title_lines = wrap(line.title, _WIDTH - indent, _ITEM_SIZE)

    def draw_title(canvas: Canvas, top: float) -> None:
        draw_lines(canvas, [f"{number}."], _X, top, indent, _ITEM_SIZE)
        draw_lines(canvas, title_lines, _X + indent, top, _WIDTH - indent, _ITEM_SIZE)

    strips = [_Strip(len(title_lines) * _ITEM_SIZE * LEADING, draw_title)]
    due = None if line.due_date is None else f"{labels.due_date} {line.due_date}"
    details = [text for text in (due, line.note) if text]
    # The first detail goes beside the barcode when it fits; the rest (or a
    # long note) go under it, wrapped and starting at the left like the title.
    if details and _fits_one_line(line.barcode, details[0], _TEXT_SIZE, _WIDTH - indent):
        strips.append(_pair(line.barcode, details.pop(0), _TEXT_SIZE, indent))
    else:
        strips.append(_text(line.barcode, _TEXT_SIZE, indent=indent))
    if details:
        strips.append(_text("\n".join(details), _TEXT_SIZE, indent=indent))
    return strips


def _space(height: float) -> _Strip:
    return _Strip(height, lambda canvas, top: None)


def _rule() -> _Strip:
    """A dashed line across the roll with ``_GAP`` above and below, between the blocks."""

    def draw(canvas: Canvas, top: float) -> None:
        canvas.saveState()
        canvas.setLineWidth(0.5)
        canvas.setDash(2, 2)
        canvas.line(_X, top - _GAP, _X + _WIDTH, top - _GAP)
        canvas.restoreState()

    return _Strip(2 * _GAP, draw)


def _text(text: str, size: float, align: Align = "left", indent: float = 0.0) -> _Strip:
    """``text`` wrapped to the width (less ``indent``) at ``size``."""
    width = _WIDTH - indent
    lines = wrap(text, width, size)
    return _Strip(
        len(lines) * size * LEADING,
        lambda canvas, top: draw_lines(canvas, lines, _X + indent, top, width, size, align),
    )


def _pair(label: str, value: str, size: float, indent: float = 0.0) -> _Strip:
    """``label`` on the left and ``value`` on the right of one line.

    When both do not fit on one line they become two columns, the label
    wrapped on the left and the value wrapped on the right, so a long branch
    name or reason is shown whole; a value of several lines is set flush left
    in its column, as a paragraph reads.
    """
    x = _X + indent
    width = _WIDTH - indent
    if _fits_one_line(label, value, size, width):
        label_lines, value_lines = [label], [value]
        label_width = value_width = width
        value_x = x
    else:
        label_width = min(string_width(label, size), _LABEL_SHARE * width)
        value_width = width - label_width - _PAIR_GAP
        value_x = x + label_width + _PAIR_GAP
        label_lines = wrap(label, label_width, size)
        value_lines = wrap(value, value_width, size)
    value_align: Align = "right" if len(value_lines) == 1 else "left"

    def draw(canvas: Canvas, top: float) -> None:
        draw_lines(canvas, label_lines, x, top, label_width, size)
        draw_lines(canvas, value_lines, value_x, top, value_width, size, value_align)

    return _Strip(max(len(label_lines), len(value_lines)) * size * LEADING, draw)


def _fits_one_line(label: str, value: str, size: float, width: float) -> bool:
    return string_width(label, size) + _PAIR_GAP + string_width(value, size) <= width


def _barcode(value: str) -> _Strip:
    """``value`` as Code 128 with its text under the bars, centred, no wider than it needs."""
    modules = round(code128_min_width(value) / MIN_MODULE)
    width = min(_WIDTH, modules * _MAX_MODULE)

    def draw(canvas: Canvas, top: float) -> None:
        draw_code128(
            canvas,
            value,
            _X + (_WIDTH - width) / 2,
            top - _BARCODE_HEIGHT,
            width,
            _BARCODE_HEIGHT,
            text=value,
            font_size=_TEXT_SIZE,
        )

    return _Strip(_BARCODE_HEIGHT, draw)
