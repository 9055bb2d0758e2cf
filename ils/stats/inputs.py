"""G. What no system records, entered once a year with its source and who entered it (DOMAIN 1.4
item 26): population, building area, seats, staff, budget, the satisfaction survey, digital
resources, e-books; and the annual report's texts staff write (工作总结, 工作计划).

An input is a decimal kept as typed (``12.5``); it is one row per year and code, the later entry
replacing the earlier one everywhere (the row's id is name-based, so two desks converge).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from db.ids import ILS_NAMESPACE
from db.models import Setting, StatsInput, StatsText
from ils.errors import Invalid
from ils.i18n import N_, current_language
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text_input import clean_input

MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class InputKind:
    code: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str

    @property
    def name(self) -> str:
        return self.zh if current_language().startswith("zh") else self.en

    @property
    def unit(self) -> str:
        return self.unit_zh if current_language().startswith("zh") else self.unit_en


INPUTS: dict[str, InputKind] = {
    k.code: k
    for k in (
        InputKind("population", "常住人口（服务人口）", "Resident population served", "人", "people"),
        InputKind("building_area", "实际使用房屋建筑面积", "Floor area in use", "平方米", "m²"),
        InputKind("stack_area", "书库面积", "Stack area", "平方米", "m²"),
        InputKind("seats", "阅览室座席", "Reading-room seats", "个", "seats"),
        InputKind("terminals", "计算机（电子阅览终端）", "Computers and e-reading terminals", "台", "units"),
        InputKind("opening_hours", "每周开放时间", "Opening hours a week", "小时", "hours"),
        InputKind("staff", "从业人员", "Staff", "人", "people"),
        InputKind("budget", "总支出", "Total spending", "万元", "10,000 yuan"),
        InputKind(
            "acquisition_budget", "藏量购置费（财务数）", "Acquisition spending (accounts)", "万元", "10,000 yuan"
        ),
        InputKind("satisfaction", "读者满意率", "Reader satisfaction", "%", "%"),
        InputKind("digital_tb", "数字资源总量", "Digital resources", "TB", "TB"),
        InputKind("ebooks", "电子图书", "E-books", "种", "titles"),
    )
}

TEXTS: dict[str, tuple[str, str]] = {"summary": ("工作总结", "Work summary"), "plan": ("工作计划", "Work plan")}


@dataclass(frozen=True)
class Input:
    year: int
    code: str
    name: str
    unit: str
    value: Decimal
    source: str
    entered_by: str | None
    entered_at: str


@dataclass(frozen=True)
class YearText:
    year: int
    kind: str
    body: str
    written_by: str | None
    written_at: str | None


def _year(year: int) -> int:
    if not 1900 <= int(year) <= 2200:
        raise Invalid("stats.bad_year", "{year} is not a year the statistics can cover.", year=year)
    return int(year)


def _row_id(kind: str, year: int, code: str) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"{kind}:{year}:{code}"))


def _input(row: StatsInput) -> Input:
    kind = INPUTS[row.code]
    return Input(
        row.year, row.code, kind.name, kind.unit, Decimal(row.value), row.source, row.entered_by, row.entered_at
    )


@writes
def set_input(session: Session, *, year: int, code: str, value: str | int | Decimal, source: str) -> Input:
    """Enter (or correct) the year's figure ``code``; ``source`` says where it comes from."""
    session.require(Permission.KEEP_STATISTICS)
    year = _year(year)
    if code not in INPUTS:
        raise Invalid("stats.unknown_input", "There is no manual input {code}.", code=code)
    try:
        number = Decimal(clean_input(str(value), N_("Value"), fold=True).replace(",", ""))
    except InvalidOperation:
        raise Invalid("stats.not_a_number", "{field} must be a number.", field=INPUTS[code].name) from None
    if not number.is_finite() or number < 0 or number >= Decimal(10) ** 12:
        raise Invalid("stats.input_out_of_range", "{field} must be a number from 0.", field=INPUTS[code].name)
    where = clean_input(source, N_("Source"), max_length=200)
    now = session.library.now_text()
    row_id = _row_id("stats_input", year, code)
    values = {
        "value": format(number.normalize(), "f"),
        "source": where,
        "entered_by": session.staff.username,
        "entered_at": now,
    }
    with session.write() as writer:
        if StatsInput.get_or_none(StatsInput.id == row_id):
            StatsInput.update(**values).where(StatsInput.id == row_id).execute()
        else:
            StatsInput.create(id=row_id, year=year, code=code, **values)
        writer.journal("stats.input", "stats_input", row_id, {"year": year, "code": code})
    return _input(StatsInput.get_by_id(row_id))


def inputs(session: Session, year: int) -> list[Input]:
    """The year's manual inputs, in the order of ``INPUTS``."""
    session.require(Permission.VIEW_STATISTICS)
    rows = {r.code: r for r in StatsInput.select().where(StatsInput.year == _year(year)) if r.code in INPUTS}
    return [_input(rows[c]) for c in INPUTS if c in rows]


def input_values(session: Session, year: int) -> dict[str, Decimal]:
    return {i.code: i.value for i in inputs(session, year)}


@writes
def set_text(session: Session, *, year: int, kind: str, body: str) -> YearText:
    """Save the year's 工作总结 (``summary``) or 工作计划 (``plan``); a line ``# …`` is a heading."""
    session.require(Permission.KEEP_STATISTICS)
    year = _year(year)
    if kind not in TEXTS:
        raise Invalid("stats.unknown_text", "There is no report text {kind}.", kind=kind)
    text = clean_input(body, N_("Text"), required=False, max_length=MAX_TEXT_CHARS, multiline=True)
    now = session.library.now_text()
    row_id = _row_id("stats_text", year, kind)
    with session.write() as writer:
        values = {"body": text, "written_by": session.staff.username, "written_at": now}
        if StatsText.get_or_none(StatsText.id == row_id):
            StatsText.update(**values).where(StatsText.id == row_id).execute()
        else:
            StatsText.create(id=row_id, year=year, kind=kind, **values)
        writer.journal("stats.text", "stats_text", row_id, {"year": year, "kind": kind, "chars": len(text)})
    return text_of(session, year, kind)


def text_of(session: Session, year: int, kind: str) -> YearText:
    session.require(Permission.VIEW_STATISTICS)
    row = StatsText.get_or_none(StatsText.id == _row_id("stats_text", _year(year), kind))
    if row is None:
        return YearText(year, kind, "", None, None)
    return YearText(row.year, row.kind, row.body, row.written_by, row.written_at)


#: The 概况 (overview) of the annual report: facts about the library written once and kept in
#: the library-wide settings (they replicate like every other setting), each a paragraph.
OVERVIEW: dict[str, tuple[str, str]] = {
    "building": ("馆舍情况", "The building"),
    "functions": ("主要职能", "Functions"),
    "departments": ("内设机构", "Departments"),
    "staffing": ("人员编制", "Staff"),
    "leadership": ("领导班子情况", "Leadership"),
}
OVERVIEW_PREFIX = "report.overview."


@writes
def set_overview(session: Session, *, part: str, text: str) -> str:
    """Write one paragraph of the report's 概况 (``building``, ``functions`` …)."""
    session.require(Permission.KEEP_STATISTICS)
    if part not in OVERVIEW:
        raise Invalid("stats.unknown_overview", "There is no overview part {part}.", part=part)
    body = clean_input(text, N_("Text"), required=False, max_length=MAX_TEXT_CHARS, multiline=True)
    with session.write() as writer:
        Setting.insert(key=OVERVIEW_PREFIX + part, value=body).on_conflict_replace().execute()
        writer.journal("stats.overview", "setting", OVERVIEW_PREFIX + part, {"chars": len(body)})
    return body


def overview(session: Session) -> dict[str, str]:
    """The 概况 paragraphs written so far, by part."""
    session.require(Permission.VIEW_STATISTICS)
    return {part: session.library.setting(OVERVIEW_PREFIX + part) or "" for part in OVERVIEW}
