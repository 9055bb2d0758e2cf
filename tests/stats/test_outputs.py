"""The outputs agree with each other and with the indicators: the ledgers' months add up to the
year, the national return says what the ledgers say, the PDF's numbers are the workbook's; the
PDF embeds its font, every page renders, and a chart with an empty month keeps its axis at 0."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from docx import Document as Word

from ils.circulation import loans
from ils.events import attendance, ledgers, programmes
from ils.stats import annual, exports, inputs
from ils.stats.indicators import LEVEL, REGISTRY, total
from printing.annual_report_xlsx import display_width
from printing.charts import column_chart
from tests.services.conftest import TZ

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
YEAR = 2026


@pytest.fixture
def year(admin, clerk, shelf, clock):
    """A small year: loans, a renewal, returns at home and elsewhere, a lecture, an input, texts."""
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.other, "T0002", point="XHMZ-JH")
    clock.set(dt.datetime(YEAR, 3, 20, 10, tzinfo=TZ))
    loans.renew(clerk, "T0001")
    clock.set(dt.datetime(YEAR, 5, 6, 10, tzinfo=TZ))
    loans.return_item(clerk, "T0001")
    loans.return_item(clerk, "T0002")
    loans.checkout(clerk, shelf.adult, "T0003")
    p = programmes.add_programme(admin, title="陶瓷文化讲座", kind="lecture")
    s = programmes.add_session(admin, p.id, starts=f"{YEAR}-05-06 09:30", venue="hall")
    attendance.record_count(admin, s.id, total=120)
    ledgers.add_milestone(admin, text="举办陶瓷文化讲座。", day=f"{YEAR}-05-06")
    inputs.set_input(admin, year=YEAR, code="population", value="950000", source="市统计局")
    inputs.set_input(admin, year=YEAR, code="seats", value="500", source="清点")
    inputs.set_text(admin, year=YEAR, kind="summary", body="# 一、基础服务\n全年开放，读者满意。")
    inputs.set_text(admin, year=YEAR, kind="plan", body="1、继续做好基础服务。")
    return admin


def _sheets(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets


def _ledger(sheet) -> tuple[str, list[list]]:
    """The code and the table rows (label, 12 months, year) of a ledger sheet."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    code = next(r[1] for r in rows if r[0] in ("代码", "Code"))
    start = next(i for i, r in enumerate(rows) if r[1] in ("1月", "Jan"))
    table = [r[:14] for r in rows[start + 1 :] if r[0] is not None and isinstance(r[13], int)]
    return code, table


def test_every_ledger_adds_up_and_says_what_the_indicator_says(year):
    seen = set()
    for _family, _name, data in exports.ledgers(year, YEAR):
        for sheet in _sheets(data):
            code, table = _ledger(sheet)
            seen.add(code)
            *parts, whole = table
            months, figure = whole[1:13], whole[13]
            assert figure == total(year, code, YEAR), code
            if REGISTRY[code].kind == LEVEL:
                assert figure == months[-1], code
            else:
                assert figure >= 0 and (figure == sum(months) or REGISTRY[code].kind == "distinct"), code
            for row in parts:  # each breakdown row adds up too
                if REGISTRY[code].kind != LEVEL:
                    assert row[13] == sum(row[1:13]) or REGISTRY[code].kind == "distinct", code
            if parts and REGISTRY[code].kind != "distinct":
                assert [sum(col) for col in zip(*(r[1:13] for r in parts), strict=True)] == months, code
    assert seen == set(REGISTRY)
    assert total(year, "loans", YEAR) == 3 and total(year, "loans_with_renewals", YEAR) == 4


def test_the_return_says_what_the_ledgers_say(year):
    ledger = {}
    for _family, _name, data in exports.ledgers(year, YEAR):
        for sheet in _sheets(data):
            code, table = _ledger(sheet)
            ledger[code] = table[-1][13]
    (sheet,) = _sheets(exports.national_return_xlsx(year, YEAR))
    values = {r[1]: r[3] for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]}
    for code, _zh, _en, source, _indent in annual.RETURN_ITEMS:
        if source.startswith("input:"):
            continue
        if ":" not in source:
            assert values[code] == ledger[source], (code, source)
    assert values["15"] == 3 and values["16"] == 4 and values["26"] == 500 and values["22"] == 120
    assert values["27"] is None  # an input not entered is left blank, never 0


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_report_pdf_prints_the_workbooks_numbers(year, tmp_path):
    pdf = exports.annual_report_pdf(year, YEAR)
    text = _pdf_text(pdf, tmp_path)
    # The return as printed in the PDF, line by line, against the return's workbook.
    (sheet,) = _sheets(exports.national_return_xlsx(year, YEAR))
    for label, code, _unit, value in sheet.iter_rows(min_row=4, max_col=4, values_only=True):
        if not code:
            continue
        line = next(x for x in text.splitlines() if re.search(rf"{re.escape(label.strip())}\s+{code}\s", x))
        printed = line.split()[-1] if value is not None else ""
        assert printed == (f"{value:,}" if value is not None else ""), (label, line)
    # The report's own figures against the report's workbook.
    book = openpyxl.load_workbook(io.BytesIO(exports.annual_report_xlsx(year, YEAR)), data_only=True)
    for code in annual.REPORT_FIGURES:
        name = REGISTRY[code].zh
        line = next(x for x in text.splitlines() if x.strip().startswith(name) and REGISTRY[code].unit_name in x)
        assert f"{total(year, code, YEAR):,}" in line.split(), code
    assert len(book.worksheets) == 1 + len(annual.REPORT_FIGURES)
    for words in ("一、基础服务", "全年开放，读者满意。", "继续做好基础服务", "举办陶瓷文化讲座", "年工作计划"):
        assert words in text.replace(" ", ""), words
    # Fonts embedded, every page renders.
    path = tmp_path / "report.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in f for f in fonts), fonts
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout)[1]
    )
    assert len(list(tmp_path.glob("page*.png"))) == pages >= 3


def test_a_chart_with_an_empty_month_keeps_its_axis_at_zero():
    drawing = column_chart(
        "各月外借册次", [f"{m}月" for m in range(1, 13)], [0, 5, 9, 0, 3, 3, 4, 8, 0, 1, 2, 2], 400, 160
    )
    chart = drawing.contents[0]
    assert chart.valueAxis.valueMin == 0 and chart.valueAxis.valueMax >= 9
    everything_zero = column_chart("x", ["1月"], [0], 400, 160).contents[0]
    assert everything_zero.valueAxis.valueMin == 0 and everything_zero.valueAxis.valueMax > 0


def test_the_ledgers_count_chinese_as_double_width_and_carry_a_chart(year):
    family, _name, data = exports.ledgers(year, YEAR)[2]
    assert family == "C"
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]  # loans, by branch: 星海明筑分馆 is six wide characters
    assert "星海明筑分馆" in [c.value for c in sheet["A"]]
    assert sheet.column_dimensions["A"].width >= 2 * len("星海明筑分馆")
    assert display_width("书刊文献外借册次 2021") == 21
    assert all(ws._charts for ws in book.worksheets)


def test_the_report_as_word(year):
    word = Word(io.BytesIO(exports.annual_report_docx(year, YEAR)))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "年报" in text and "一、基础服务" in text and "举办陶瓷文化讲座" in text
    assert len(word.tables) >= 2
