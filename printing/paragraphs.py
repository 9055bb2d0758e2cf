"""Chinese paragraphs for documents that flow (reportlab's platypus): the style every one is set
in and the line-breaking rule they follow.

reportlab 5's ``wordWrap="CJK"`` breaks between any two characters and hangs one closing mark
in the margin, but only marks from its own (Japanese) list, which lacks the full-width comma,
semicolon, colon, question and exclamation marks, ”, 》 and …; and nothing keeps an opening
mark from ending a line. So a "，" may start a line. ``ChineseParagraph`` breaks its lines with
``printing.text.break_lines`` instead, the rule every other Chinese text in ``printing`` follows
(closing punctuation never starts a line, opening punctuation never ends one, Latin words and
numbers stay whole).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from printing.fonts import register_cjk_font
from printing.text import break_lines, string_width


def chinese_style(name: str, size: float, **options: Any) -> ParagraphStyle:
    """A paragraph style in the bundled font, lines 1.6 times the size apart, breaking between
    Chinese characters; ``options`` as ``ParagraphStyle`` takes them."""
    return ParagraphStyle(
        name, fontName=register_cjk_font(), fontSize=size, leading=size * 1.6, wordWrap="CJK", **options
    )


class ChineseParagraph(Paragraph):
    """A ``Paragraph`` whose lines break by ``printing.text.break_lines``.

    The text is one run in one font (``printing`` writes no inline markup); anything else, as a
    bullet or an image inside the text, is left to reportlab's own breaking.
    """

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802 (reportlab's name)
        frags = self.frags
        if len(frags) != 1 or self.bulletText or self.style.endDots or hasattr(frags[0], "cbDefn"):
            return super().breakLinesCJK(maxWidths)
        frag = frags[0]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):  # the first part of a split
            return frag.clone(kind=0, lines=self.blPara.lines)
        text = frag.text if hasattr(frag, "text") else "".join(getattr(frag, "words", []))
        if not text:
            return super().breakLinesCJK(maxWidths)
        widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        # Spaces opening the paragraph set it in (a sub-item of the return): they stay.
        body = text.lstrip()
        indent = text[: len(text) - len(body)]
        lines = break_lines(body, [widths[0] - string_width(indent, frag.fontSize), *widths[1:]], frag.fontSize)
        lines[0] = indent + lines[0]
        # The shape reportlab's own breaking gives one run: (unused width, [text]) per line.
        measured = [
            (widths[min(n, len(widths) - 1)] - string_width(line, frag.fontSize), [line])
            for n, line in enumerate(lines)
        ]
        return frag.clone(kind=0, lines=measured, ascent=frag.fontSize, descent=-0.2 * frag.fontSize)
