"""Fitting Chinese (and mixed Chinese/Latin) text into a given width.

reportlab's paragraph machinery breaks lines at spaces, and Chinese has none
between words, so documents measure and break text themselves with these
helpers.  Widths are always measured in the bundled CJK font, the only font
documents use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, Literal

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import register_cjk_font

Align = Literal["left", "center", "right"]

#: Line pitch as a multiple of the font size: CJK glyphs fill the whole em,
#: so lines need more air between them than Latin text does.
LEADING: Final[float] = 1.35

#: Punctuation that must not begin a line (it closes or follows something).
NO_LINE_START: Final[frozenset[str]] = frozenset("，。、；：？！）］｝」』》〉】〕〗’”…—·％%,.;:?!)]}")
#: Punctuation that must not end a line (it opens something).
NO_LINE_END: Final[frozenset[str]] = frozenset("（［｛「『《〈【〔〖‘“([{")
#: A whitespace run, a run of non-CJK characters (a Latin word or number,
#: kept whole), or a single character (a CJK character may be broken anywhere;
#: Chinese quotation marks, dashes and the ellipsis are punctuation of their own).
_TOKEN: Final[re.Pattern[str]] = re.compile(
    r"\s+|[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef‘’“”…—·]+|.",
    re.DOTALL,
)


def string_width(text: str, font_size: float) -> float:
    """Width of ``text`` in points at ``font_size`` in the CJK font."""
    return pdfmetrics.stringWidth(text, register_cjk_font(), font_size)


def baseline_offset(font_size: float) -> float:
    """How far above the bottom of a line box the baseline sits (the descent)."""
    return -pdfmetrics.getDescent(register_cjk_font(), font_size)


def line_height(font_size: float) -> float:
    """Height from descender to ascender: the box one line of text occupies."""
    font = register_cjk_font()
    return pdfmetrics.getAscent(font, font_size) - pdfmetrics.getDescent(font, font_size)


def fit_font_size(text: str, max_width: float, font_size: float) -> float:
    """``font_size``, or smaller if ``text`` would otherwise be wider than ``max_width``.

    Never grows the text: a short name stays at the size the layout chose.
    """
    width = string_width(text, font_size)
    if width <= max_width:
        return font_size
    return font_size * max_width / width


def draw_fitted(
    canvas: Canvas,
    text: str,
    x: float,
    y: float,
    max_width: float,
    font_size: float,
    align: Align = "left",
) -> float:
    """Draw one line at baseline ``y``, shrunk so it is no wider than ``max_width``.

    For names and titles that must be shown whole rather than cut.  ``x`` is
    the left edge, the centre or the right edge according to ``align``.
    Returns the font size used.
    """
    size = fit_font_size(text, max_width, font_size)
    canvas.setFont(register_cjk_font(), size)
    if align == "left":
        canvas.drawString(x, y, text)
    elif align == "center":
        canvas.drawCentredString(x, y, text)
    else:
        canvas.drawRightString(x, y, text)
    return size


def draw_lines(
    canvas: Canvas,
    lines: Sequence[str],
    x: float,
    top: float,
    width: float,
    font_size: float,
    align: Align = "left",
) -> float:
    """Draw ``lines`` downwards from ``top``, one per ``LEADING`` step; return the new top.

    Documents lay out top-down while the canvas counts from the bottom; this
    keeps that arithmetic in one place.  Lines wider than ``width`` are
    shrunk, so a title can be passed unwrapped.
    """
    anchor = {"left": x, "center": x + width / 2, "right": x + width}[align]
    step = font_size * LEADING
    for line in lines:
        top -= step
        baseline = top + (step - line_height(font_size)) / 2 + baseline_offset(font_size)
        draw_fitted(canvas, line, anchor, baseline, width, font_size, align)
    return top


def draw_block(
    canvas: Canvas,
    paragraphs: Sequence[str],
    x: float,
    top: float,
    width: float,
    height: float,
    font_size: float,
) -> None:
    """Wrap ``paragraphs`` into the box, centred both ways, ellipsising what does not fit.

    For text that must stay inside a fixed area, such as a label or a margin.
    """
    lines = [line for paragraph in paragraphs for line in wrap(paragraph, width, font_size)]
    capacity = max(0, int(height // (font_size * LEADING)))
    if len(lines) > capacity:
        lines = lines[:capacity]
        if lines:
            lines[-1] = truncate(lines[-1] + "…", width, font_size)
    used = len(lines) * font_size * LEADING
    draw_lines(canvas, lines, x, top - (height - used) / 2, width, font_size, "center")


def truncate(text: str, max_width: float, font_size: float, ellipsis: str = "…") -> str:
    """``text`` if it fits ``max_width``, else its longest prefix that fits with ``ellipsis``.

    Returns "" when not even the ellipsis fits.
    """
    if string_width(text, font_size) <= max_width:
        return text
    budget = max_width - string_width(ellipsis, font_size)
    if budget < 0:
        return ""
    # Width only grows with the prefix, so search for the longest that fits.
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if string_width(text[:middle], font_size) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ellipsis


def wrap(text: str, max_width: float, font_size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``.

    Chinese may break between any two characters; Latin words and numbers are
    kept whole unless one alone is too wide; closing punctuation never starts
    a line and opening punctuation never ends one.  Each ``\\n`` starts a new
    line, and an empty paragraph gives an empty line, so callers can space
    blocks with blank lines.  Raises ValueError if one character is wider
    than ``max_width``, since no breaking could then honour the width.
    """
    for char in set(text) - {"\n"}:
        if string_width(char, font_size) > max_width:
            raise ValueError(f"{max_width:.1f} pt is narrower than the character {char!r} at {font_size} pt")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(break_lines(paragraph, (max_width,), font_size))
    return lines


def _units(paragraph: str) -> list[str]:
    """The pieces a line may break between, punctuation glued to its neighbour."""
    units: list[str] = []
    opening = ""
    for token in _TOKEN.findall(paragraph):
        if token.isspace():
            units.append(opening + token if opening else token)
            opening = ""
        elif set(token) <= NO_LINE_END:
            opening += token
        elif set(token) <= NO_LINE_START and units and not units[-1].isspace():
            units[-1] += opening + token
            opening = ""
        else:
            units.append(opening + token)
            opening = ""
    if opening:
        units.append(opening)
    return units


def break_lines(paragraph: str, widths: Sequence[float], font_size: float) -> list[str]:
    """One paragraph (no ``\\n``) broken by the rules of ``wrap``: line ``n`` no wider than
    ``widths[n]``, the last width standing for every later line (a paragraph whose first line
    is indented). Whitespace at a break is dropped. A character wider than its line gets a line
    of its own: a document flowing text into a frame must go on (``wrap`` refuses it first).
    """
    lines: list[str] = []
    line = ""

    def width() -> float:
        return widths[min(len(lines), len(widths) - 1)]

    for unit in _units(paragraph):
        if unit.isspace():
            if line:
                line += unit
            continue
        if string_width(line + unit, font_size) <= width():
            line += unit
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        if string_width(unit, font_size) <= width():
            line = unit.lstrip()
            continue
        # A unit wider than a whole line: break it between characters.
        for char in unit:
            if not line or string_width(line + char, font_size) <= width():
                line += char
            else:
                lines.append(line.rstrip())
                line = char.lstrip()
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
