"""The bundled font is found, registered once, and is the only font in a PDF."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from printing import fonts
from printing.fonts import FONT_NAME, FONT_PATH, register_cjk_font, render_pdf
from printing.pages import A4


def test_font_ships_inside_the_package() -> None:
    # Found beside the code, so the frozen build finds it where it unpacks.
    assert FONT_PATH == Path(fonts.__file__).with_name("fonts") / "wqy-microhei.ttc"
    assert FONT_PATH.is_file()


def test_registration_is_idempotent_across_threads() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(lambda _: register_cjk_font(), range(32)))
    assert set(names) == {FONT_NAME}
    first = pdfmetrics.getFont(FONT_NAME)
    assert register_cjk_font() == FONT_NAME
    assert pdfmetrics.getFont(FONT_NAME) is first


def test_text_drawn_without_choosing_a_font_is_still_embedded_chinese(pdf_tools) -> None:
    # A document that forgets setFont must not fall back to unembedded Helvetica.
    def draw(canvas: Canvas) -> None:
        canvas.drawString(72, 720, "醴陵市图书馆 Liling Library")

    pdf = render_pdf(A4, "字体", draw)
    pdf_tools.assert_only_cjk_font(pdf)
    assert "醴陵市图书馆 Liling Library" in pdf_tools.text(pdf)


def test_pdf_carries_the_title_print_queues_show(pdf_tools) -> None:
    pdf = render_pdf(A4, "打印测试页", lambda canvas: canvas.drawString(72, 720, "x"))
    assert pdf_tools.info(pdf)["Title"] == "打印测试页"
