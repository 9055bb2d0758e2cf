"""For any small year of raw loans, renewals and returns (drawn by hypothesis, around the year's
edges too): every indicator's months add up to its yearly figure and its breakdown rows to its
months, the national return says what the ledgers say, and the loan figures are what counting
the rows by hand gives. (The figures kept once counted are checked against the rows in
``test_stats_cache.py``.)"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.ids import new_id
from db.models import Branch, Item, Reader, ServicePoint
from ils.circulation.rules import RuleBook
from ils.stats import annual, exports
from ils.stats.indicators import DISTINCT, LEVEL, REGISTRY

YEAR = 2025
FIRST, LAST = dt.date(YEAR - 1, 12, 1), dt.date(YEAR + 1, 1, 31)  # a month over each edge of the year

_moments = st.datetimes(
    min_value=dt.datetime.combine(FIRST, dt.time(9)), max_value=dt.datetime.combine(LAST, dt.time(19))
)
_loans = st.lists(
    st.tuples(
        _moments,
        st.integers(0, 200),  # days until it came back (maybe in the next year)
        st.booleans(),  # renewed once, halfway
        st.integers(0, 7),  # which copy (an index into the copies)
        st.integers(0, 1),  # which reader
        st.integers(0, 3),  # which desk lent it; returned at the next one
    ),
    max_size=25,
)


def _text(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "+08:00"


def _store(database, drawn) -> list[tuple[str, str, str]]:
    """The drawn loans as raw rows (as the bulk load writes them); returns (loaned_at, branch,
    ended_at) for the hand count. Copies may overlap in time: the indicators count rows, and a
    year's figures must add up whatever the rows are."""
    items = list(Item.select(Item.id, Item.item_type).order_by(Item.barcode).tuples())
    readers = list(Reader.select(Reader.id, Reader.reader_type, Reader.branch).order_by(Reader.card_number).tuples())
    rule_id = RuleBook().rule_for("adult", "book", "").id
    points = list(ServicePoint.select(ServicePoint.id, ServicePoint.branch).order_by(ServicePoint.code).tuples())
    made = []
    for loaned, days, renewed, copy, who, desk in drawn:
        item_id, item_type = items[copy % len(items)]
        reader_id, reader_type, reader_branch = readers[who % len(readers)]
        point_id, branch_id = points[desk % len(points)]
        end_point, end_branch = points[(desk + 1) % len(points)]
        # Every loan ends (a copy is out to one reader at a time, and drawn loans overlap).
        ended = _text(loaned + dt.timedelta(days=days, hours=1))
        loan_id = new_id()
        database.execute_sql(
            "INSERT INTO loan (id, item_id, reader_id, reader_type, age_band, reader_branch_id, item_type,"
            " branch_id, service_point_id, rule_id, loaned_at, due_on, renewals, ended_at, ended_as,"
            " end_branch_id, end_service_point_id) VALUES (?, ?, ?, ?, 'adult', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                loan_id,
                item_id,
                reader_id,
                reader_type,
                reader_branch,
                item_type,
                branch_id,
                point_id,
                rule_id,
                _text(loaned),
                (loaned + dt.timedelta(days=30)).date().isoformat(),
                int(renewed),
                ended,
                "returned",
                end_branch,
                end_point,
            ),
        )
        if renewed:
            database.execute_sql(
                "INSERT INTO loan_renewal (id, loan_id, renewed_at, branch_id, service_point_id, previous_due_on,"
                " due_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id(),
                    loan_id,
                    _text(loaned + dt.timedelta(days=days / 2)),
                    branch_id,
                    point_id,
                    (loaned + dt.timedelta(days=30)).date().isoformat(),
                    (loaned + dt.timedelta(days=60)).date().isoformat(),
                ),
            )
        made.append((_text(loaned), branch_id, ended))
    return made


def _check(session, made) -> None:
    year = annual.Year(session, YEAR)
    # What counting the rows by hand gives.
    in_year = [row for row in made if row[0][:4] == str(YEAR)]
    by_month = [sum(1 for row in in_year if int(row[0][5:7]) == m) for m in range(1, 13)]
    assert year.series("loans").months == tuple(by_month)
    by_branch = {b: sum(1 for row in in_year if row[1] == b) for b in {row[1] for row in in_year}}
    assert {r.key: r.total for r in year.series("loans", "branch").rows if r.total} == by_branch
    returned = sum(1 for row in made if row[2][:4] == str(YEAR))
    assert year.total("returns") == returned
    # Every indicator: months add up to the year, breakdown rows to the months.
    for code, declared in REGISTRY.items():
        whole = year.series(code)
        if declared.kind == LEVEL:
            assert whole.total == whole.months[-1], code
        elif declared.kind != DISTINCT:
            assert whole.total == sum(whole.months), code
        for dimension in declared.dimensions:
            broken = year.series(code, dimension)
            if declared.kind != DISTINCT:
                assert broken.months == whole.months, (code, dimension)
    # The return says what the ledgers say.
    ledger: dict[str, int] = {}
    for _family, _name, data in exports.ledgers(session, YEAR):
        for sheet in openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            code = next(r[1] for r in rows if r[0] in ("代码", "Code"))
            figures = [r for r in rows if r[0] is not None and len(r) > 13 and isinstance(r[13], int)]
            ledger[code] = figures[-1][13]
            assert ledger[code] == year.total(code), code
    for line in annual.national_return(year):
        source = next(s for c, _zh, _en, s, _i in annual.RETURN_ITEMS if c == line.code)
        if not source.startswith("input:") and ":" not in source:
            assert line.value == ledger[source], (line.code, source)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=_loans)
def test_ledgers_return_and_raw_rows_agree_for_any_small_year(admin, shelf, drawn):
    database = Branch._meta.database
    with database.atomic() as transaction:
        made = _store(database, drawn)
        _check(admin, made)
        transaction.rollback()  # the next example starts from the same shelf
