"""Page geometries the library's documents share.

All lengths are reportlab points (1/72 inch) with the origin at the bottom-left
of the page, which is what the canvas expects; presets are written in
millimetres because that is how label stock is sold.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from reportlab.lib.pagesizes import A4 as _A4
from reportlab.lib.units import mm

PageSize = tuple[float, float]

A4: Final[PageSize] = (_A4[0], _A4[1])
#: ISO/IEC 7810 ID-1, the size of a bank card and of the library's reader card.
CR80: Final[PageSize] = (85.6 * mm, 54 * mm)

#: 80 mm thermal receipt roll: the paper is 80 mm wide but the head prints
#: about 72 mm of it, centred.
RECEIPT_PAPER_WIDTH: Final[float] = 80 * mm
RECEIPT_PRINTABLE_WIDTH: Final[float] = 72 * mm
RECEIPT_SIDE_MARGIN: Final[float] = (RECEIPT_PAPER_WIDTH - RECEIPT_PRINTABLE_WIDTH) / 2
#: Blank paper above and below the content, so the tear-off edge cuts nothing.
RECEIPT_END_MARGIN: Final[float] = 5 * mm

#: Slack for float error when labels exactly fill the page (3 × 70 mm on A4).
_FIT_TOLERANCE: Final[float] = 0.01


def receipt_page_size(content_height: float) -> PageSize:
    """The roll page for ``content_height`` points of content.

    A receipt is as long as what is on it: a fixed-length page would waste
    paper or cut the receipt short.
    """
    if content_height < 0:
        raise ValueError(f"content height must not be negative, got {content_height}")
    return (RECEIPT_PAPER_WIDTH, content_height + 2 * RECEIPT_END_MARGIN)


@dataclass(frozen=True)
class LabelRect:
    """One label on a sheet: its 0-based row and column and its rectangle."""

    row: int
    column: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class LabelSheet:
    """A sheet of equal labels laid out in a grid, as label stock is sold.

    Margins are measured from the page's left and top edges to the first
    label; gaps are the blank space between neighbouring labels.  A sheet that
    does not fit its page is refused at construction, because printing on it
    would put every label off its sticker.
    """

    name: str
    page_size: PageSize
    columns: int
    rows: int
    label_width: float
    label_height: float
    left_margin: float
    top_margin: float
    h_gap: float = 0.0
    v_gap: float = 0.0

    def __post_init__(self) -> None:
        if self.columns < 1 or self.rows < 1:
            raise ValueError(f"{self.name}: a sheet needs at least one row and one column")
        if self.label_width <= 0 or self.label_height <= 0:
            raise ValueError(f"{self.name}: labels need a positive width and height")
        if min(self.left_margin, self.top_margin, self.h_gap, self.v_gap) < 0:
            raise ValueError(f"{self.name}: margins and gaps must not be negative")
        if self.right_margin < -_FIT_TOLERANCE:
            raise ValueError(
                f"{self.name}: labels reach {-self.right_margin / mm:.1f} mm past the right edge of the page"
            )
        if self.bottom_margin < -_FIT_TOLERANCE:
            raise ValueError(
                f"{self.name}: labels reach {-self.bottom_margin / mm:.1f} mm past the bottom edge of the page"
            )

    @property
    def right_margin(self) -> float:
        """Blank page right of the last column (negative if the labels overrun)."""
        used = self.columns * self.label_width + (self.columns - 1) * self.h_gap
        return self.page_size[0] - self.left_margin - used

    @property
    def bottom_margin(self) -> float:
        """Blank page below the last row (negative if the labels overrun)."""
        used = self.rows * self.label_height + (self.rows - 1) * self.v_gap
        return self.page_size[1] - self.top_margin - used

    @property
    def count(self) -> int:
        """How many labels one sheet holds."""
        return self.columns * self.rows

    def labels(self) -> Iterator[LabelRect]:
        """Each label's rectangle, row by row from the top-left.

        This is the order staff count labels on a sheet, so "start at label
        n" on a part-used sheet means skipping the first n - 1 of these.
        """
        page_height = self.page_size[1]
        for row in range(self.rows):
            top = page_height - self.top_margin - row * (self.label_height + self.v_gap)
            for column in range(self.columns):
                yield LabelRect(
                    row=row,
                    column=column,
                    x=self.left_margin + column * (self.label_width + self.h_gap),
                    y=top - self.label_height,
                    width=self.label_width,
                    height=self.label_height,
                )


def _sheet_mm(
    name: str,
    page_size: PageSize,
    columns: int,
    rows: int,
    label_size: tuple[float, float],
    margins: tuple[float, float],
    gaps: tuple[float, float] = (0.0, 0.0),
) -> LabelSheet:
    """A sheet described in millimetres, as the label maker prints it on the box."""
    return LabelSheet(
        name=name,
        page_size=page_size,
        columns=columns,
        rows=rows,
        label_width=label_size[0] * mm,
        label_height=label_size[1] * mm,
        left_margin=margins[0] * mm,
        top_margin=margins[1] * mm,
        h_gap=gaps[0] * mm,
        v_gap=gaps[1] * mm,
    )


#: Label stock the library is likely to buy, by name.
LABEL_SHEETS: Final[Mapping[str, LabelSheet]] = MappingProxyType(
    {
        sheet.name: sheet
        for sheet in (
            # 24 per sheet, edge to edge across, for book and reader labels.
            _sheet_mm("a4-3x8-70x37", A4, 3, 8, (70, 37), (0, 0.5)),
            # 40 per sheet, the usual size for spine (call number) labels.
            _sheet_mm("a4-4x10-48.5x25.4", A4, 4, 10, (48.5, 25.4), (8, 21.5)),
            # 65 per sheet (L7651 layout), small barcode labels for items.
            _sheet_mm("a4-5x13-38.1x21.2", A4, 5, 13, (38.1, 21.2), (4.75, 10.7), (2.5, 0)),
            # A card printer takes one CR80 card as its whole page.
            _sheet_mm("cr80-card", CR80, 1, 1, (85.6, 54), (0, 0)),
        )
    }
)


def label_sheet(name: str) -> LabelSheet:
    """The preset called ``name``; the error lists the known names."""
    try:
        return LABEL_SHEETS[name]
    except KeyError:
        raise KeyError(f"unknown label sheet {name!r}; known: {', '.join(LABEL_SHEETS)}") from None
