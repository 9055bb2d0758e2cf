"""The one font every PDF uses, and the canvas that starts out in it.

Chinese text needs a font that reportlab does not ship, so the WenQuanYi Micro
Hei collection travels inside the package and is embedded (subset) into each
PDF; a printer or viewer without Chinese fonts still prints the right glyphs.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

#: Found next to this module so the frozen (PyInstaller) build finds it too.
FONT_PATH: Final[Path] = Path(__file__).with_name("fonts") / "wqy-microhei.ttc"
#: The name the font is registered under with reportlab.
FONT_NAME: Final[str] = "WenQuanYiMicroHei"
#: Micro Hei is face 0 of the collection (face 1 is the monospaced variant).
_SUBFONT_INDEX: Final[int] = 0

_register_lock = threading.Lock()


def register_cjk_font() -> str:
    """Register the bundled CJK font with reportlab once and return its name.

    Safe to call from any thread, any number of times: documents may be
    rendered from worker threads so the TUI stays responsive.  The registry is
    consulted rather than a private flag so a reset of reportlab's registry is
    survived too.
    """
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    with _register_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=_SUBFONT_INDEX))
    return FONT_NAME


def render_pdf(
    page_size: tuple[float, float],
    title: str,
    draw: Callable[[Canvas], object],
) -> bytes:
    """Run ``draw`` on a fresh canvas and return the finished PDF.

    The canvas starts in the CJK font, so nothing can fall back to Helvetica,
    which reportlab would otherwise reference without embedding it.  ``title``
    becomes the PDF title, which is what print queues show.  ``draw`` may call
    ``showPage`` (and ``setPageSize``) for documents of more than one page.
    """
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=page_size,
        initialFontName=register_cjk_font(),
        pageCompression=1,
    )
    canvas.setTitle(title)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()
