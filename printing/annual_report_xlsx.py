"""Workbooks (XLSX, with XlsxWriter) for the statistics: the evaluation ledgers (台账), one workbook
per indicator family with the monthly detail behind every yearly figure and a native chart per
sheet, and the sheets the national return and the annual report's figures are laid out in.

Plain values in, bytes out. Column widths count a Chinese character as two narrow ones (Excel's
width unit is a narrow character; XlsxWriter's ``autofit`` counts every character as one, and
Chinese headings would be cut).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

FONT = "宋体"
MAX_WIDTH = 60


def display_width(text: str) -> int:
    """Narrow-character cells ``text`` needs: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def fit_columns(sheet: Worksheet, rows: Sequence[Sequence[object]], minimum: int = 6) -> None:
    """Set each column's width to its widest cell (as text), Chinese counted double."""
    widths: dict[int, int] = {}
    for row in rows:
        for n, value in enumerate(row):
            text = f"{value:,}" if isinstance(value, int) else str(value if value is not None else "")
            widths[n] = max(widths.get(n, minimum), display_width(text) + 2)
    for n, width in widths.items():
        sheet.set_column(n, n, min(width, MAX_WIDTH))


@dataclass(frozen=True)
class LedgerRow:
    label: str
    months: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class LedgerSheet:
    """One indicator: what it is, then a row per breakdown value with its 12 months and its year."""

    name: str  # the sheet's tab (at most 31 characters)
    title: str
    notes: tuple[tuple[str, str], ...]  # (label, text): code, definition, unit, source …
    dimension: str  # the first column's heading
    month_names: tuple[str, ...]
    total_word: str  # 合计
    rows: tuple[LedgerRow, ...]
    totals: LedgerRow  # the library's figure: months and year
    level: bool  # a level: the year is December's, not the months' sum


def _formats(book: Workbook) -> dict[str, object]:
    base = {"font_name": FONT, "font_size": 10}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 14}),
        "label": book.add_format({**base, "bold": True, "valign": "top"}),
        "note": book.add_format({**base, "text_wrap": True, "valign": "top"}),
        "head": book.add_format({**base, "bold": True, "bg_color": "#E6E6E6", "border": 1, "align": "center"}),
        "text": book.add_format({**base, "border": 1}),
        "number": book.add_format({**base, "border": 1, "num_format": "#,##0"}),
        "decimal": book.add_format({**base, "border": 1, "num_format": "#,##0.##"}),
        "total": book.add_format({**base, "border": 1, "bold": True, "num_format": "#,##0"}),
    }


def _safe_name(name: str) -> str:
    return name.translate({ord(c): " " for c in "[]:*?/\\"})[:31]


def _ledger_sheet(book: Workbook, formats: dict[str, object], sheet: LedgerSheet) -> None:
    ws = book.add_worksheet(_safe_name(sheet.name))
    ws.write(0, 0, sheet.title, formats["title"])
    row = 2
    for label, text in sheet.notes:
        ws.write(row, 0, label, formats["label"])
        ws.merge_range(row, 1, row, 13, text, formats["note"])
        ws.set_row(row, 15 * max(1, -(-display_width(text) // 110)))
        row += 1
    row += 1
    header: list[object] = [sheet.dimension, *sheet.month_names, sheet.total_word]
    ws.write_row(row, 0, header, formats["head"])
    first = row + 1
    table: list[list[object]] = [header]
    for r in (*sheet.rows, sheet.totals):
        row += 1
        fmt = formats["total"] if r is sheet.totals else formats["number"]
        ws.write(row, 0, r.label, formats["text"])
        ws.write_row(row, 1, list(r.months), fmt)
        ws.write_number(row, 13, r.total, fmt)
        table.append([r.label, *r.months, r.total])
    fit_columns(ws, table)
    ws.set_column(0, 0, max(12, min(MAX_WIDTH, max(display_width(str(t[0])) for t in table) + 2)))
    ws.freeze_panes(first, 1)
    chart = book.add_chart({"type": "line" if sheet.level else "column"})
    chart.add_series(
        {
            "name": sheet.totals.label,
            "categories": [ws.name, first - 1, 1, first - 1, 12],
            "values": [ws.name, row, 1, row, 12],
            "fill": {"color": "#3B6EA5"},
        }
    )
    chart.set_title({"name": sheet.title, "name_font": {"name": FONT, "size": 11}})
    chart.set_x_axis({"num_font": {"name": FONT}})
    chart.set_y_axis({"min": 0, "num_font": {"name": FONT}, "num_format": "#,##0"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 720, "height": 300})
    ws.insert_chart(row + 2, 0, chart)


def render_ledgers(title: str, sheets: Sequence[LedgerSheet]) -> bytes:
    """One family's ledger workbook: a sheet per indicator."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": title})
    formats = _formats(book)
    for sheet in sheets:
        _ledger_sheet(book, formats, sheet)
    book.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class ReturnRow:
    code: str
    label: str
    indent: int
    unit: str
    value: int | float | None


@dataclass(frozen=True)
class ReturnSheet:
    """The national return laid out like the form: a title, who reports, the items, who filled it in."""

    name: str
    title: str
    heading: str  # 填报单位：…  年份
    columns: tuple[str, str, str, str]  # 指标名称, 代码, 计量单位, 数量
    rows: tuple[ReturnRow, ...]
    footer: str  # 单位负责人 … 填表人 … 报出日期


def write_return_sheet(book: Workbook, formats: dict[str, object], sheet: ReturnSheet) -> None:
    ws = book.add_worksheet(_safe_name(sheet.name))
    title = book.add_format({"font_name": FONT, "bold": True, "font_size": 16, "align": "center"})
    ws.merge_range(0, 0, 0, 3, sheet.title, title)
    ws.merge_range(1, 0, 1, 3, sheet.heading, formats["note"])
    ws.write_row(2, 0, list(sheet.columns), formats["head"])
    table: list[list[object]] = [list(sheet.columns)]
    for n, r in enumerate(sheet.rows, start=3):
        label = "　" * (2 * r.indent) + r.label
        ws.write(n, 0, label, formats["text"])
        ws.write(n, 1, r.code, formats["text"])
        ws.write(n, 2, r.unit, formats["text"])
        if r.value is None:
            ws.write_blank(n, 3, None, formats["number"])
        else:
            ws.write_number(n, 3, r.value, formats["decimal" if isinstance(r.value, float) else "number"])
        table.append([label, r.code, r.unit, r.value if r.value is not None else ""])
    ws.write(len(sheet.rows) + 4, 0, sheet.footer, formats["note"])
    fit_columns(ws, table)
    ws.set_column(3, 3, 16)


def render_workbook(title: str, returns: Sequence[ReturnSheet], ledgers: Sequence[LedgerSheet]) -> bytes:
    """A workbook of the return's sheet(s) followed by ledger sheets (the annual report's XLSX)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": title})
    formats = _formats(book)
    for sheet in returns:
        write_return_sheet(book, formats, sheet)
    for ledger in ledgers:
        _ledger_sheet(book, formats, ledger)
    book.close()
    return buffer.getvalue()
