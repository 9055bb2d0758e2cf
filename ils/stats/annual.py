"""A year put together for the outputs: the national return's items, the ledgers' series, the
annual report (概况, the generated achievements paragraph, the staff's texts, the 大事记, the
charts' figures) and the evaluation's 4-year window.

Every number here is read from ``ils.stats.indicators.series`` (or a manual input), so the
return, the ledgers and the report cannot disagree; the outputs in ``printing`` only lay them
out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ils.events.ledgers import milestones
from ils.i18n import _, current_language
from ils.library import LIBRARY_NAME
from ils.permissions import Permission
from ils.session import Session
from ils.stats import inputs as manual
from ils.stats.indicators import FAMILIES, MONTHS, REGISTRY, Series, label, series, sharing

#: The national return's public-library items (DOMAIN 1.2), in its order: (code, Chinese label,
#: English label, where the figure comes from, indent). A source is an indicator code, an
#: indicator with one breakdown value (``code:dimension=value``), or a manual input (``input:``).
RETURN_ITEMS: tuple[tuple[str, str, str, str, int], ...] = (
    ("01", "总藏量", "Total holdings", "holdings", 0),
    ("02", "其中：图书", "of which books", "holdings:item_type=book", 1),
    ("03", "报刊", "newspapers and periodicals", "holdings:item_type=periodical", 1),
    ("04", "视听文献", "audiovisual", "holdings:item_type=av", 1),
    ("05", "盲文图书", "braille", "holdings:item_type=braille", 1),
    ("06", "有声读物", "audiobooks", "holdings:item_type=audiobook", 1),
    ("07", "电子图书", "E-books", "input:ebooks", 0),
    ("08", "本年新增藏量", "Items added this year", "new_items", 0),
    ("09", "其中：本年新购藏量", "of which bought", "bought_items", 1),
    ("10", "藏量购置费（元）", "Acquisition spending (yuan)", "purchase_spend", 0),
    ("11", "报刊订阅种数", "Periodical titles taken", "serial_titles", 0),
    ("12", "发放借书证数", "Cards issued", "new_cards", 0),
    ("13", "有效借书证数", "Valid cards", "valid_cards", 0),
    ("14", "总流通人次", "Total visits", "visits", 0),
    ("15", "书刊文献外借册次", "Loans", "loans", 0),
    ("16", "其中：含续借的外借册次", "loans including renewals", "loans_with_renewals", 1),
    ("17", "外借人次", "Borrowing person-times", "borrowers", 0),
    ("18", "为读者举办各种活动次数", "Events held for readers", "event_sessions", 0),
    ("19", "其中：讲座", "of which lectures", "event_sessions:kind=lecture", 1),
    ("20", "展览", "exhibitions", "event_sessions:kind=exhibition", 1),
    ("21", "培训", "training", "event_sessions:kind=training", 1),
    ("22", "活动参加人次", "Event participants", "event_attendance", 0),
    ("23", "其中：讲座", "of which lectures", "event_attendance:kind=lecture", 1),
    ("24", "展览", "exhibitions", "event_attendance:kind=exhibition", 1),
    ("25", "培训", "training", "event_attendance:kind=training", 1),
    ("26", "阅览室座席（个）", "Reading-room seats", "input:seats", 0),
    ("27", "计算机（台）", "Computers", "input:terminals", 0),
    ("28", "实际使用房屋建筑面积（平方米）", "Floor area in use (m²)", "input:building_area", 0),
    ("29", "其中：书库", "of which stacks", "input:stack_area", 1),
    ("30", "从业人员（人）", "Staff", "input:staff", 0),
    ("31", "总支出（万元）", "Total spending (10,000 yuan)", "input:budget", 0),
    ("32", "数字资源总量（TB）", "Digital resources (TB)", "input:digital_tb", 0),
)


@dataclass(frozen=True)
class ReturnLine:
    code: str
    label: str
    unit: str
    value: int | Decimal | None  # None: a manual input not entered yet
    source: str
    indent: int


class Year:
    """One year's series, counted once each and shared by every output made from them."""

    def __init__(self, session: Session, year: int) -> None:
        session.require(Permission.VIEW_STATISTICS)
        self.session, self.year = session, year
        self._series: dict[tuple[str, str], Series] = {}
        self._shared: dict = {}  # what several indicators' counters read alike (``sharing``)
        self.inputs = manual.input_values(session, year)

    def series(self, code: str, dimension: str = "total") -> Series:
        if (code, dimension) not in self._series:
            with sharing(self._shared):
                self._series[(code, dimension)] = series(self.session, code, self.year, dimension)
        return self._series[(code, dimension)]

    def total(self, code: str) -> int:
        return self.series(code).total

    def value(self, source: str) -> int | Decimal | None:
        if source.startswith("input:"):
            return self.inputs.get(source[6:])
        code, _sep, part = source.partition(":")
        if not part:
            return self.total(code)
        dimension, _eq, key = part.partition("=")
        row = self.series(code, dimension).row(key)
        return row.total if row else 0

    def closed_months(self) -> list[int]:
        """Months without a visit in a year that has visits: the library was closed to readers
        (the blind room's post and the van may still have lent)."""
        visits = self.series("visits").months
        return [m + 1 for m in range(MONTHS) if visits[m] == 0] if any(visits) else []


def _zh() -> bool:
    return current_language().startswith("zh")


def national_return(year: Year) -> list[ReturnLine]:
    lines = []
    for code, zh, en, source, indent in RETURN_ITEMS:
        base = source.split(":")[0]
        unit = manual.INPUTS[source[6:]].unit if base == "input" else REGISTRY[base].unit_name
        lines.append(ReturnLine(code, zh if _zh() else en, unit, year.value(source), source, indent))
    return lines


@dataclass(frozen=True)
class Ratio:
    code: str
    label: str
    value: Decimal | None


def ratios(year: Year) -> list[Ratio]:
    """The evaluation's per-head figures; None where the population (a manual input) is missing."""
    population = year.inputs.get("population")
    valid = year.total("valid_cards")

    def per(numerator: int, denominator: Decimal | int | None, places: str = "0.01") -> Decimal | None:
        if not denominator:
            return None
        return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places))

    return [
        Ratio("loans_per_head", _("County loans per head of population"), per(year.total("loans"), population)),
        Ratio("visits_per_card", _("Visits per valid card"), per(year.total("visits"), valid)),
        Ratio("holdings_per_head", _("Holdings per head of population"), per(year.total("holdings"), population)),
        Ratio(
            "new_items_per_head",
            _("New items per head of population"),
            per(year.total("new_items"), population, "0.0001"),
        ),
    ]


@dataclass(frozen=True)
class WindowLine:
    code: str
    label: str
    values: tuple[int, ...]
    average: Decimal


WINDOW_CODES = (
    "loans",
    "loans_with_renewals",
    "borrowers",
    "visits",
    "new_cards",
    "valid_cards",
    "new_items",
    "event_sessions",
    "event_attendance",
    "ebook_clicks",
    "rotated_volumes",
)
WINDOW_YEARS = 4


def window(session: Session, last_year: int) -> tuple[tuple[int, ...], list[WindowLine]]:
    """The evaluation's window: each indicator for the 4 years to ``last_year`` and the average."""
    years = tuple(range(last_year - WINDOW_YEARS + 1, last_year + 1))
    each = [Year(session, y) for y in years]
    lines = []
    for code in WINDOW_CODES:
        values = tuple(y.total(code) for y in each)
        lines.append(
            WindowLine(code, REGISTRY[code].name, values, (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1")))
        )
    return years, lines


def _number(n: int) -> str:
    return f"{n:,}"


def achievements(year: Year) -> str:
    """The 概况's achievements paragraph, written from the year's figures as the seed's is."""
    closed = year.closed_months()
    parts = [
        _(
            "By 31 December {year}, the library took {titles} newspapers and periodicals and held {holdings} items."
        ).format(year=year.year, titles=_number(year.total("serial_titles")), holdings=_number(year.total("holdings")))
    ]
    if closed:
        parts.append(
            _("It was closed for {count} months ({months}).").format(
                count=len(closed), months=("、" if _zh() else ", ").join(month_labels()[m - 1] for m in closed)
            )
        )
    parts.append(
        _(
            "The central library and its branches lent {loans} items; e-books were clicked {clicks} times;"
            " {visits} visits were received and {cards} new cards issued."
        ).format(
            loans=_number(year.total("loans")),
            clicks=_number(year.total("ebook_clicks")),
            visits=_number(year.total("visits")),
            cards=_number(year.total("new_cards")),
        )
    )
    parts.append(
        _("{programmes} programmes ({sessions} sessions) drew {people} participants.").format(
            programmes=_number(year.total("event_programmes")),
            sessions=_number(year.total("event_sessions")),
            people=_number(year.total("event_attendance")),
        )
    )
    exhibition = year.series("event_attendance", "kind").row("exhibition")
    if exhibition and exhibition.total:
        parts.append(_("Exhibitions received {people} visitors.").format(people=_number(exhibition.total)))
    if rotated := year.total("rotated_volumes"):
        parts.append(_("{rotated} volumes were sent out to the branches on rotation.").format(rotated=_number(rotated)))
    return "".join(parts) if _zh() else " ".join(parts)


@dataclass(frozen=True)
class Chart:
    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class Report:
    year: int
    library: str
    overview: tuple[tuple[str, str], ...]  # (heading, paragraph)
    achievements: str
    summary: str
    plan: str
    milestones: tuple[tuple[str, str], ...]  # (day, text)
    figures: tuple[tuple[str, str, str], ...]  # (label, value, unit)
    charts: tuple[Chart, ...]
    return_lines: tuple[ReturnLine, ...]


def month_labels() -> tuple[str, ...]:
    if _zh():
        return tuple(f"{m}月" for m in range(1, MONTHS + 1))
    return ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


REPORT_FIGURES = (
    "loans",
    "loans_with_renewals",
    "borrowers",
    "returns",
    "visits",
    "new_cards",
    "valid_cards",
    "active_borrowers",
    "holdings",
    "new_items",
    "serial_titles",
    "event_programmes",
    "event_sessions",
    "event_attendance",
    "ebook_clicks",
    "online_clicks",
    "rotated_volumes",
    "cross_branch_loans",
    "blind_visits",
    "blind_loans",
)


def report(session: Session, year: int) -> Report:
    """Everything the annual report prints for ``year``."""
    y = Year(session, year)
    texts = {kind: manual.text_of(session, year, kind).body for kind in manual.TEXTS}
    overview = manual.overview(session)
    parts = [(label(manual.OVERVIEW, part), overview[part]) for part in manual.OVERVIEW if overview[part]]
    branches = y.series("loans", "branch")
    by_kind = y.series("event_attendance", "kind")
    from ils.events import vocabulary as v

    charts = (
        Chart(_("Loans by month"), month_labels(), y.series("loans").months),
        Chart(
            _("Loans by branch"),
            tuple(r.label for r in branches.rows),
            tuple(r.total for r in branches.rows),
        ),
        Chart(_("Visits by month"), month_labels(), y.series("visits").months),
        Chart(
            _("Event participants by kind"),
            tuple(_(v.RETURN_LABELS[k]) for k in v.RETURN_LABELS),
            tuple(row.total if (row := by_kind.row(k)) else 0 for k in v.RETURN_LABELS),
        ),
    )
    return Report(
        year=year,
        library=session.library.setting(LIBRARY_NAME) or "",
        overview=tuple(parts),
        achievements=achievements(y),
        summary=texts["summary"],
        plan=texts["plan"],
        milestones=tuple((m.day, m.text) for m in milestones(session, year)),
        figures=tuple((REGISTRY[c].name, _number(y.total(c)), REGISTRY[c].unit_name) for c in REPORT_FIGURES),
        charts=charts,
        return_lines=tuple(national_return(y)),
    )


def families() -> list[tuple[str, str, list[str]]]:
    """(family code, name, indicator codes) for the ledgers, in the families' order."""
    return [
        (code, label(FAMILIES, code), [c for c, ind in REGISTRY.items() if ind.family == code])
        for code in sorted(FAMILIES)
    ]


@dataclass(frozen=True)
class Monthly:
    """One indicator for one year and one branch (or the library), as the desk shows it."""

    code: str
    name: str
    unit: str
    definition: str
    kind: str
    months: tuple[int, ...]
    total: int


def monthly(session: Session, code: str, year: int, branch: str | None = None) -> Monthly:
    """``code``'s months for ``year``, for the branch whose code is ``branch`` or the library."""
    from db.models import Branch
    from ils.errors import Invalid

    if branch:
        found = Branch.get_or_none(Branch.code == branch)
        if found is None:
            raise Invalid("stats.unknown_branch", "There is no branch {code}.", code=branch)
        counted = series(session, code, year, "branch")
        row = counted.row(found.id)
        months, total = (row.months, row.total) if row else ((0,) * MONTHS, 0)
    else:
        counted = series(session, code, year)
        months, total = counted.months, counted.total
    ind = REGISTRY[code]
    return Monthly(code, ind.name, ind.unit_name, ind.definition, ind.kind, months, total)


def indicator_choices() -> list[tuple[str, str]]:
    """(name, code) of every indicator, in the families' order, for a chooser."""
    return [(f"{ind.family} {ind.name}", ind.code) for ind in sorted(REGISTRY.values(), key=lambda i: i.family)]
