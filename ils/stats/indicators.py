"""What an indicator is, and how every one is counted: by month of one year, broken down by one
dimension (branch, service point, reader type, age band, 馆藏地, 中图法 main class …).

An indicator is declared once, in its family's module (``ils.stats.circulation``,
``ils.stats.readers`` …): its code, its Chinese and English names, its unit, the definition
(what counts, what does not) in both languages, where the figure comes from, and a counting
function. Every output (the desk, the command line, the national return, the ledgers, the
annual report) reads the same ``Series``, so a figure printed anywhere is the same figure.

Three kinds of figure:

- ``flow``: things that happen (loans, visits); a month's figure is what happened in it, the
  year's is their sum.
- ``level``: things that stand (holdings, valid cards); a month's figure is the level at its
  end, the year's is December's.
- ``distinct``: people or titles counted once however often they appear (active readers); the
  year's figure is counted over the year, so it is less than the months' sum.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

from db.models import Branch
from ils.i18n import current_language
from ils.permissions import Permission
from ils.session import Session

T = TypeVar("T")
FLOW, LEVEL, DISTINCT = "flow", "level", "distinct"
MONTHS = 12
TOTAL = ""  # the key of the one row of an indicator counted without a breakdown

#: Dimensions a figure can be broken down by, with their names.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "total": ("合计", "Total"),
    "branch": ("分馆", "Branch"),
    "service_point": ("服务点", "Service point"),
    "reader_type": ("读者类型", "Reader type"),
    "age_band": ("年龄段", "Age band"),
    "location": ("馆藏地", "Collection"),
    "clc": ("中图法大类", "CLC main class"),
    "item_type": ("文献类型", "Material type"),
    "kind": ("类型", "Kind"),
}

UNITS: dict[str, tuple[str, str]] = {
    "volume_times": ("册次", "volume-times"),
    "volumes": ("册", "volumes"),
    "titles": ("种", "titles"),
    "person_times": ("人次", "person-times"),
    "people": ("人", "people"),
    "cards": ("张", "cards"),
    "times": ("次", "times"),
    "sessions": ("场次", "sessions"),
    "yuan": ("元", "yuan"),
    "issues": ("份", "copies"),
    "clicks": ("次", "clicks"),
    "batches": ("批", "batches"),
}


@dataclass(frozen=True)
class Counted:
    """What a counting function returns: per key, the 12 months (and, for ``distinct``, the year)."""

    months: dict[str, list[int]]
    year: dict[str, int] = field(default_factory=dict)


Counter = Callable[[Session, int, str], Counted]  # (session, year, dimension)


@dataclass(frozen=True)
class Indicator:
    code: str
    family: str
    zh: str
    en: str
    unit: str
    definition_zh: str
    definition_en: str
    source: str
    kind: str
    dimensions: tuple[str, ...]
    count: Counter = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.zh if current_language().startswith("zh") else self.en

    @property
    def definition(self) -> str:
        return self.definition_zh if current_language().startswith("zh") else self.definition_en

    @property
    def unit_name(self) -> str:
        zh, en = UNITS[self.unit]
        return zh if current_language().startswith("zh") else en


_MEMO: ContextVar[dict | None] = ContextVar("ils_stats_memo", default=None)


@contextmanager
def sharing(memo: dict) -> Iterator[None]:
    """Within this block, counters that ``remember`` the same thing compute it once (a report
    counting many indicators of one year reads the blind room's months once, not four times)."""
    token = _MEMO.set(memo)
    try:
        yield
    finally:
        _MEMO.reset(token)


def remember(key: object, load: Callable[[], T]) -> T:
    """``load()``, or what it gave for ``key`` earlier in the current ``sharing`` block."""
    memo = _MEMO.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


REGISTRY: dict[str, Indicator] = {}
FAMILIES: dict[str, tuple[str, str]] = {}


def family(code: str, zh: str, en: str) -> str:
    FAMILIES[code] = (zh, en)
    return code


def indicator(**fields) -> Indicator:
    """Declare an indicator (once, at import of its family's module)."""
    made = Indicator(**fields)
    if made.code in REGISTRY:
        raise ValueError(f"indicator {made.code} declared twice")
    if not set(made.dimensions) <= set(DIMENSIONS):
        raise ValueError(f"indicator {made.code}: unknown dimension")
    REGISTRY[made.code] = made
    return made


def label(table: dict[str, tuple[str, str]], code: str) -> str:
    zh, en = table[code]
    return zh if current_language().startswith("zh") else en


# --- counting by SQL ------------------------------------------------------------------------

#: The month (1–12) of a timestamp or date column inside the period, 0 before it, 13 after it
#: or never: what level figures are counted through.
BUCKET = (
    "(CASE WHEN {col} IS NULL OR {col} = '' THEN 13 WHEN {col} < :start THEN 0 WHEN {col} >= :end THEN 13"
    " ELSE CAST(substr({col}, 6, 2) AS INTEGER) END)"
)


def bucket(column: str) -> str:
    return BUCKET.format(col=column)


def month_of(column: str) -> str:
    return f"CAST(substr({column}, 6, 2) AS INTEGER)"


_NAMED = re.compile(r":(start|end)\b")


def _rows(sql: str, year: int) -> Iterable[tuple]:
    """The rows of ``sql`` for ``year``: ``:start`` and ``:end`` become positional parameters,
    the one spelling both engines take (the union may keep its rows on PostgreSQL)."""
    bounds = {"start": f"{year:04d}-01-01", "end": f"{year + 1:04d}-01-01"}
    names = _NAMED.findall(sql)
    return Branch._meta.database.execute_sql(_NAMED.sub("?", sql), [bounds[name] for name in names])


class SqlCounter:
    """An indicator counted by SQL alone: what it reads is in its text, so its figures can be kept
    (``ils.stats.cache``) and checked against the rows they came from without a session."""

    def __init__(self, kind: str, template: str, keys: dict[str, tuple[str, str]], year_template: str = "") -> None:
        self.kind, self.template, self.keys, self.year_template = kind, template, keys, year_template

    def _key(self, dimension: str) -> tuple[str, str]:
        return self.keys.get(dimension, ("''", "")) if dimension != "total" else ("''", "")

    def sql(self, dimension: str) -> str:
        """Every statement counting ``dimension`` (the month's and, for a distinct count, the year's)."""
        expression, joins = self._key(dimension)
        return "\n".join(t.format(key=expression, joins=joins) for t in (self.template, self.year_template) if t)

    def __call__(self, session: Session | None, year: int, dimension: str) -> Counted:
        expression, joins = self._key(dimension)
        months: dict[str, list[int]] = {}
        for row in _rows(self.template.format(key=expression, joins=joins), year):
            if self.kind == LEVEL:
                key, start, end, n = row
                counts = months.setdefault(key or TOTAL, [0] * MONTHS)
                for m in range(max(start, 1), min(end, MONTHS + 1)):
                    counts[m - 1] += n
            else:
                key, month, n = row
                months.setdefault(key or TOTAL, [0] * MONTHS)[month - 1] += n or 0
        if not self.year_template:
            return Counted(months)
        totals = {key or TOTAL: n for key, n in _rows(self.year_template.format(key=expression, joins=joins), year)}
        return Counted(months, totals)


class SumCounter:
    """An indicator that is the sum of others by month and key (loans with renewals = loans +
    renewals): read from their figures, kept or counted, rather than counting the rows again."""

    def __init__(self, *codes: str) -> None:
        self.codes = codes

    def __call__(self, session: Session, year: int, dimension: str) -> Counted:
        from ils.stats import cache

        months: dict[str, list[int]] = {}
        for code in self.codes:
            for key, values in cache.counted(session, REGISTRY[code], year, dimension).months.items():
                row = months.setdefault(key, [0] * MONTHS)
                for m, n in enumerate(values):
                    row[m] += n
        return Counted(months)


def flow_sql(template: str, keys: dict[str, tuple[str, str]]) -> SqlCounter:
    """A flow counted by ``template`` — ``SELECT {key}, month, n … {joins} … GROUP BY 1, 2`` with
    ``:start`` and ``:end`` — for the dimension's key expression and joins in ``keys``."""
    return SqlCounter(FLOW, template, keys)


def level_sql(template: str, keys: dict[str, tuple[str, str]]) -> SqlCounter:
    """A level counted from ``template`` — ``SELECT {key}, start_bucket, end_bucket, n … GROUP BY
    1, 2, 3`` — where a row counts at the end of month m when it started by m and ended after m."""
    return SqlCounter(LEVEL, template, keys)


def distinct_sql(month_template: str, year_template: str, keys: dict[str, tuple[str, str]]) -> SqlCounter:
    """A distinct count: ``month_template`` gives (key, month, n), ``year_template`` (key, n)."""
    return SqlCounter(DISTINCT, month_template, keys, year_template)


# --- series -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str  # the dimension's value (a branch id, a reader type code …), "" for the total
    label: str
    months: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class Series:
    """An indicator's figures for one year, by month, one row per value of one dimension."""

    code: str
    year: int
    dimension: str
    kind: str
    rows: tuple[Row, ...]

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(sum(r.months[m] for r in self.rows) for m in range(MONTHS))

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)


def _total(kind: str, months: list[int], year_figure: int | None) -> int:
    if kind == LEVEL:
        return months[-1]
    if kind == DISTINCT and year_figure is not None:
        return year_figure
    return sum(months)


def series(session: Session, code: str, year: int, dimension: str = "total") -> Series:
    """The figures of indicator ``code`` for ``year``, by month and by ``dimension``."""
    from ils.errors import Invalid
    from ils.stats import cache
    from ils.stats.labels import key_labels

    session.require(Permission.VIEW_STATISTICS)
    ind = REGISTRY.get(code)
    if ind is None:
        raise Invalid("stats.unknown_indicator", "There is no indicator {code}.", code=code)
    if dimension != "total" and dimension not in ind.dimensions:
        raise Invalid(
            "stats.no_breakdown",
            "{indicator} cannot be broken down by {dimension}.",
            indicator=ind.name,
            dimension=label(DIMENSIONS, dimension) if dimension in DIMENSIONS else dimension,
        )
    counted = cache.counted(session, ind, year, dimension)
    names = key_labels(dimension, list(counted.months) + list(counted.year))
    keys = sorted(set(counted.months) | set(counted.year), key=lambda k: (names.get(k, (9999, k))[0], k))
    rows = []
    for key in keys:
        months = counted.months.get(key, [0] * MONTHS)
        rows.append(
            Row(key, names.get(key, (0, key))[1], tuple(months), _total(ind.kind, months, counted.year.get(key)))
        )
    if not rows:
        rows.append(Row(TOTAL, label(DIMENSIONS, "total"), (0,) * MONTHS, 0))
    return Series(code, year, dimension, ind.kind, tuple(rows))


def total(session: Session, code: str, year: int) -> int:
    """The year's figure of ``code`` for the whole library."""
    return series(session, code, year).total
