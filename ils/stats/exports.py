"""The statistics as files: the national return (XLSX, PDF), the evaluation ledgers (one XLSX
workbook per indicator family), the annual report (PDF, XLSX, DOCX).

Each is laid out by ``printing`` from the values ``ils.stats.annual`` counted; this module only
turns them into the plain values the layouts take, in the language of the call.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ils.errors import Invalid
from ils.i18n import _, current_language
from ils.library import LIBRARY_NAME
from ils.printouts import write_pdf
from ils.session import Session
from ils.stats import annual
from ils.stats.indicators import DIMENSIONS, LEVEL, REGISTRY, label
from printing.annual_report import Chart, Document, Grid, Heading, NewPage, Text, render_annual_report, text_blocks
from printing.annual_report_docx import render_annual_report_docx
from printing.annual_report_xlsx import LedgerRow, LedgerSheet, ReturnRow, ReturnSheet, render_ledgers, render_workbook
from printing.national_return import render_return_pdf, render_return_xlsx

#: The breakdown a ledger sheet shows (the first its indicator allows of these).
LEDGER_DIMENSIONS = ("branch", "kind", "item_type")
CHINESE_NUMBERS = "一二三四五六七八九十"


def _printed_footer(session: Session) -> str:
    printed = session.now().strftime("%Y-%m-%d %H:%M")
    name = session.library.setting(LIBRARY_NAME) or ""
    return f"{name}  " + _("Printed {when} from the library system's records.").format(when=printed)


def _zh() -> bool:
    return current_language().startswith("zh")


def _value(value: int | Decimal | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _return_sheet(session: Session, year: annual.Year) -> ReturnSheet:
    lines = annual.national_return(year)
    library = session.library.setting(LIBRARY_NAME) or ""
    return ReturnSheet(
        name=_("National return {year}").format(year=year.year),
        title=_("Public library statistics (文化和旅游统计), {year}").format(year=year.year),
        heading=_("Reporting library: {library}    Year: {year}").format(library=library, year=year.year),
        columns=(_("Item"), _("Code"), _("Unit"), _("Quantity")),
        rows=tuple(ReturnRow(x.code, x.label, x.indent, x.unit, _value(x.value)) for x in lines),
        footer=_("Head of the library:            Filled in by:            Date reported:"),
    )


def national_return_xlsx(session: Session, year: int) -> bytes:
    return render_return_xlsx(_return_sheet(session, annual.Year(session, year)))


def national_return_pdf(session: Session, year: int) -> bytes:
    return render_return_pdf(
        _return_sheet(session, annual.Year(session, year)), _printed_footer(session), _("Page {page}")
    )


def ledger_sheet(year: annual.Year, code: str) -> LedgerSheet:
    ind = REGISTRY[code]
    dimension = next((d for d in LEDGER_DIMENSIONS if d in ind.dimensions), "total")
    broken = year.series(code, dimension)
    whole = year.series(code)
    total_word = label(DIMENSIONS, "total")
    return LedgerSheet(
        name=ind.name,
        title=_("{name}, {year}").format(name=ind.name, year=year.year),
        notes=(
            (_("Code"), ind.code),
            (_("Definition"), ind.definition),
            (_("Unit"), ind.unit_name),
            (_("Source"), ind.source),
            (
                _("Year's figure"),
                _("the level at the end of December")
                if ind.kind == LEVEL
                else _("counted over the year")
                if ind.kind == "distinct"
                else _("the sum of the months"),
            ),
        ),
        dimension=label(DIMENSIONS, dimension),
        month_names=annual.month_labels(),
        total_word=total_word,
        rows=tuple(LedgerRow(r.label, r.months, r.total) for r in broken.rows) if dimension != "total" else (),
        totals=LedgerRow(total_word, whole.months, whole.total),
        level=ind.kind == LEVEL,
    )


def ledgers(session: Session, year: int) -> list[tuple[str, str, bytes]]:
    """(family code, family name, workbook) for every family: the evaluation's 台账."""
    y = annual.Year(session, year)
    made = []
    for code, name, codes in annual.families():
        title = _("{family} ledger, {year}").format(family=name, year=year)
        made.append((code, name, render_ledgers(title, [ledger_sheet(y, c) for c in codes])))
    return made


def annual_report_xlsx(session: Session, year: int) -> bytes:
    """The report's figures as a workbook: the return, then each figure's monthly ledger sheet."""
    y = annual.Year(session, year)
    sheets = [ledger_sheet(y, code) for code in annual.REPORT_FIGURES]
    return render_workbook(_("Annual report {year}").format(year=year), [_return_sheet(session, y)], sheets)


def _numbered(n: int) -> str:
    return CHINESE_NUMBERS[n - 1] if _zh() and n <= len(CHINESE_NUMBERS) else str(n)


def _h1(n: int, text: str) -> Heading:
    return Heading(f"{_numbered(n)}、{text}" if _zh() else f"{n}. {text}", 1)


def _h2(n: int, text: str) -> Heading:
    return Heading(f"（{_numbered(n)}）{text}" if _zh() else f"({n}) {text}", 2)


def _date(session: Session) -> str:
    today = session.now().date()
    return f"{today.year}年{today.month}月{today.day}日" if _zh() else today.isoformat()


def _report_document(session: Session, year: int) -> Document:
    data = annual.report(session, year)
    blocks: list = [_h1(1, _("{library}: overview").format(library=data.library))]
    n = 0
    for n, (heading, paragraph) in enumerate(data.overview, start=1):
        blocks += [_h2(n, heading), *[Text(p) for p in paragraph.splitlines() if p.strip()]]
    blocks += [_h2(n + 1, _("Achievements in {year}").format(year=year)), Text(data.achievements)]
    blocks.append(_h1(2, _("Documents of {year}").format(year=year)))
    blocks.append(_h2(1, _("Work summary {year}").format(year=year)))
    blocks += text_blocks(data.summary) or [Text(_("(not written yet)"), indent=False)]
    blocks.append(_h2(2, _("Work plan {year}").format(year=year + 1)))
    blocks += text_blocks(data.plan) or [Text(_("(not written yet)"), indent=False)]
    blocks.append(_h2(3, _("Milestones {year}").format(year=year)))
    blocks += [Text(f"{i}、{text}" if _zh() else f"{i}. {text}") for i, (_day, text) in enumerate(data.milestones, 1)]
    if not data.milestones:
        blocks.append(Text(_("(none recorded)"), indent=False))
    blocks += [NewPage(), _h1(3, _("Figures of {year}").format(year=year))]
    blocks.append(Grid((_("Indicator"), _("Quantity"), _("Unit")), data.figures, (5, 2, 1.2)))
    for chart in data.charts:
        blocks.append(Chart(chart.title, chart.labels, chart.values, across=len(chart.labels) > 12))
    blocks += [
        _h1(4, _("National return {year}").format(year=year)),
        Grid(
            (_("Item"), _("Code"), _("Unit"), _("Quantity")),
            tuple(
                (
                    "　" * (2 * line.indent) + line.label,
                    line.code,
                    line.unit,
                    "" if line.value is None else f"{_value(line.value):,}",
                )
                for line in data.return_lines
            ),
            (5, 1, 1.6, 2),
            numeric_from=3,
        ),
    ]
    return Document(
        title=_("{library} annual report").format(library=data.library),
        subtitle=_("({year})").format(year=year),
        date_line=_date(session),
        blocks=tuple(blocks),
        footer=_printed_footer(session),
        page_word=_("Page {page}"),
    )


def annual_report_pdf(session: Session, year: int) -> bytes:
    return render_annual_report(_report_document(session, year))


def annual_report_docx(session: Session, year: int) -> bytes:
    return render_annual_report_docx(_report_document(session, year))


REPORT_FORMATS = {".pdf": annual_report_pdf, ".xlsx": annual_report_xlsx, ".docx": annual_report_docx}
RETURN_FORMATS = {".pdf": national_return_pdf, ".xlsx": national_return_xlsx}


def _write(formats: dict, session: Session, year: int, path: Path | str) -> Path:
    target = Path(path)
    make = formats.get(target.suffix.lower())
    if make is None:
        raise Invalid(
            "stats.unknown_format",
            "Name the file with one of these endings: {endings}.",
            endings=", ".join(formats),
        )
    return write_pdf(make(session, year), target)


def write_report(session: Session, year: int, path: Path | str) -> Path:
    """The annual report as ``path`` says (``.pdf``, ``.xlsx`` or ``.docx``)."""
    return _write(REPORT_FORMATS, session, year, path)


def write_return(session: Session, year: int, path: Path | str) -> Path:
    """The national return as ``path`` says (``.pdf`` or ``.xlsx``)."""
    return _write(RETURN_FORMATS, session, year, path)


def write_ledgers(session: Session, year: int, folder: Path | str) -> list[Path]:
    """Every family's ledger workbook into ``folder``, named by year and family."""
    return [
        write_pdf(data, Path(folder) / f"台账-{year}-{code}-{name}.xlsx") for code, name, data in ledgers(session, year)
    ]


#: What the statistics desk exports, each to a file in ``reports/`` beside the database.
EXPORTS = {
    "return_xlsx": (RETURN_FORMATS, "统计报表-{year}.xlsx"),
    "return_pdf": (RETURN_FORMATS, "统计报表-{year}.pdf"),
    "report_pdf": (REPORT_FORMATS, "年报-{year}.pdf"),
    "report_xlsx": (REPORT_FORMATS, "年报-{year}.xlsx"),
    "report_docx": (REPORT_FORMATS, "年报-{year}.docx"),
}


def export(session: Session, what: str, year: int) -> list[Path]:
    """Write ``what`` (an ``EXPORTS`` key, or ``ledgers``) for ``year`` into ``reports/``."""
    folder = session.library.path.parent / "reports"
    if what == "ledgers":
        return write_ledgers(session, year, folder)
    formats, name = EXPORTS[what]
    return [_write(formats, session, year, folder / name.format(year=year))]
