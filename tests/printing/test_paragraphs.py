"""Chinese paragraphs that flow (``printing.paragraphs``) break lines by the Chinese rule: no
closing punctuation at a line's start, no opening punctuation at its end — where reportlab's
own CJK breaking would start a line with "，"."""

from __future__ import annotations

import re

import pytest
from reportlab.lib.units import mm

from printing.annual_report import Document, Heading, Text, render_annual_report
from printing.paragraphs import ChineseParagraph, chinese_style
from printing.text import NO_LINE_END, NO_LINE_START, string_width

SIZE = 10.5
REPORT = (
    "2021年，在市文化旅游广电体育局的指导和领导下，我馆坚持“传播知识，读者为本”的办馆宗旨，"
    "紧密围绕年度工作重心，扎实开展各项服务工作（含总分馆制建设、流动服务、阅读推广等），"
    "完善措施，加快发展，推动创新，打造特色。全年接待读者400,000人次，外借图书3,094册次……"
    "读者满意率达98.5%。馆长说：“全民阅读，从身边做起。”"
)


def _lines(paragraph: ChineseParagraph) -> list[str]:
    return [words[0] for _unused, words in paragraph.blPara.lines]


def _assert_chinese_breaks(lines: list[str]) -> None:
    for before, after in zip(lines, lines[1:], strict=False):
        assert after.strip()[0] not in NO_LINE_START, (before, after)
        assert before.strip()[-1] not in NO_LINE_END, (before, after)


@pytest.mark.parametrize("indent", [0, 2 * SIZE])
def test_no_line_starts_with_closing_punctuation_at_any_width(indent: float) -> None:
    style = chinese_style("body", SIZE, firstLineIndent=indent)
    for characters in range(6, 48):
        width = string_width("图" * characters, SIZE) + 1
        paragraph = ChineseParagraph(REPORT, style)
        paragraph.wrap(width, 10_000)
        lines = _lines(paragraph)
        _assert_chinese_breaks(lines)
        assert "".join(lines) == REPORT  # nothing lost, nothing added
        widths = [width - indent] + [width] * len(lines)
        assert all(string_width(line, SIZE) <= w for line, w in zip(lines, widths, strict=False))
        assert "400,000" in lines[[n for n, line in enumerate(lines) if "400" in line][0]]  # numbers whole


def test_a_paragraph_split_over_two_pages_keeps_every_character_and_the_rule() -> None:
    style = chinese_style("body", SIZE, firstLineIndent=2 * SIZE)
    width = string_width("图" * 17, SIZE)
    paragraph = ChineseParagraph(REPORT, style)
    first, rest = paragraph.split(width, style.leading * 4)
    parts = []
    for part in (first, rest):
        part.wrap(width, 10_000)
        parts.append(_lines(part))
    assert len(parts[0]) == 4
    _assert_chinese_breaks(parts[0] + parts[1])
    assert "".join(parts[0] + parts[1]) == REPORT


def test_the_report_pdf_starts_no_line_with_a_comma(pdf_tools) -> None:
    """Paragraphs whose natural break falls just before "，", "。”" or after "“", at every offset
    a line of the report's body text can have."""
    texts = []
    for characters in range(36, 50):
        texts.append("图" * characters + "，书" + "馆" * 60 + "。")
        texts.append("读" * characters + "。”" + "书" * 60 + "。")
        texts.append("借" * characters + "“阅读”" + "书" * 60 + "。")
    document = Document(
        title="醴陵市图书馆年报",
        subtitle="（2021年）",
        date_line="",
        blocks=(Heading("一、概况"), *(Text(t) for t in texts), Text(texts[0], indent=False)),
        footer="醴陵市图书馆",
        cover=False,
    )
    printed = pdf_tools.text(render_annual_report(document))
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    _assert_chinese_breaks(lines)
    flat = re.sub(r"\s", "", printed)
    assert all(t in flat for t in texts)
    assert string_width("图" * 36, SIZE) < 170 * mm - 2 * SIZE < string_width("图" * 50, SIZE)  # offsets covered
