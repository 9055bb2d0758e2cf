"""The annual figures kept once counted (``ils.stats.cache``, m0082) are always what the rows say:
a checkout, a return, a renewal, a copy bought or withdrawn, a card renewed or cancelled forgets
exactly the figures it changes, and ``ils check`` finds a kept figure that disagrees."""

from __future__ import annotations

import datetime as dt
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.ids import new_id
from db.models import Branch
from ils import maintenance
from ils.circulation.loans import checkout, return_item
from ils.circulation.rules import RuleBook
from ils.stats import annual, cache
from ils.stats.cache import COVERED, tables_read
from ils.stats.indicators import REGISTRY, SqlCounter, series

YEAR = 2026
KEPT = ("loans", "renewals", "borrowers", "returns", "cross_branch_returns",
        "outreach_loans", "active_borrowers", "holdings", "new_items", "bought_items", "new_cards",
        "valid_cards")  # fmt: skip


def _kept(year: int) -> set[tuple[str, str]]:
    return {
        (code, dimension)
        for code, dimension in Branch._meta.database.execute_sql(
            "SELECT code, dimension FROM stats_cache WHERE year = ?", (year,)
        )
    }


def _fresh(code: str, year: int, dimension: str):
    """What the rows say now, counted without the kept figures."""
    counter = REGISTRY[code].count
    assert isinstance(counter, SqlCounter)
    return counter(None, year, dimension)


def test_a_checkout_and_a_return_forget_the_figures_they_change(admin, shelf):
    checkout(admin, shelf.adult, "T0001")
    assert series(admin, "loans", YEAR).total == 1
    assert ("loans", "total") in _kept(YEAR)
    assert series(admin, "loans", YEAR).total == 1  # read back from what was kept

    checkout(admin, shelf.adult, "T0003")
    assert ("loans", "total") not in _kept(YEAR)
    assert series(admin, "loans", YEAR).total == 2

    assert series(admin, "returns", YEAR).total == 0
    return_item(admin, "T0001")
    assert series(admin, "returns", YEAR).total == 1
    # A checkout's change of a copy's status is not a change of the holdings: they stay kept.
    assert series(admin, "holdings", YEAR).total == 10
    checkout(admin, shelf.other, "T0004")
    assert ("holdings", "total") in _kept(YEAR)


def test_a_figure_counted_while_another_desk_lends_is_used_once_and_not_kept(admin, shelf, library, monkeypatch):
    counting = SqlCounter.__call__

    def meanwhile_a_loan_at_another_desk(self, session, year, dimension):
        counted = counting(self, session, year, dimension)
        other = sqlite3.connect(library.path)
        _raw_loan(other, f"{YEAR}-05-04T10:00:00+08:00", None)
        other.commit()
        other.close()
        return counted

    monkeypatch.setattr(SqlCounter, "__call__", meanwhile_a_loan_at_another_desk)
    assert series(admin, "loans", YEAR).total == 0
    monkeypatch.undo()
    assert ("loans", "total") not in _kept(YEAR)
    assert series(admin, "loans", YEAR).total == 1


def test_ils_check_finds_and_forgets_a_kept_figure_that_disagrees_with_the_rows(admin, shelf):
    checkout(admin, shelf.adult, "T0001")
    year = annual.Year(admin, YEAR)
    assert year.total("loans") == 1 and maintenance.check(admin).ok
    Branch._meta.database.execute_sql(
        'UPDATE stats_cache SET counted = \'{"months":{"":[9,0,0,0,0,0,0,0,0,0,0,0]},"year":{}}\''
        " WHERE code = 'loans' AND dimension = 'total'"
    )
    assert series(admin, "loans", YEAR).total == 9  # what was kept is what is read …
    report = maintenance.check(admin)
    assert not report.ok
    assert report.stale_figures == (cache.KeptFigure("loans", "total", YEAR),)
    assert [m.code for m in report.statistics] == ["maintenance.stale_figures"]
    assert report.statistics[0].params == {"indicator": "loans", "dimension": "total", "year": YEAR}
    assert series(admin, "loans", YEAR).total == 1  # … until the check forgets it
    assert maintenance.check(admin).ok


def test_a_first_count_reads_the_epoch_once(admin, shelf):
    """The epoch is read before counting; keeping compares it in the statement that writes."""
    checkout(admin, shelf.adult, "T0001")
    statements: list[str] = []
    connection = Branch._meta.database.connection()
    connection.set_trace_callback(statements.append)
    try:
        assert series(admin, "loans", YEAR).total == 1
    finally:
        connection.set_trace_callback(None)
    assert ("loans", "total") in _kept(YEAR)
    assert sum("stats_cache_epoch" in s for s in statements) == 2  # read once, compared once as it is kept
    assert sum(s.startswith("SELECT epoch FROM stats_cache_epoch") for s in statements) == 1


def test_a_change_forgets_only_figures_that_read_exactly_its_table(admin, shelf):
    """``_`` in ``loan_renewal`` is a LIKE wildcard: m0083 matches the framed name exactly."""
    loan = checkout(admin, shelf.adult, "T0001")
    database = Branch._meta.database
    with database.atomic():
        for code, tables in (("alike", ",loanXrenewal,"), ("renewals", ",loan_renewal,")):
            database.execute_sql(
                "INSERT INTO stats_cache (code, dimension, year, tables, counted) VALUES (?, 'total', ?, ?, '{}')",
                (code, YEAR, tables),
            )
    with database.atomic():
        database.execute_sql(
            "INSERT INTO loan_renewal (id, loan_id, renewed_at, branch_id, previous_due_on, due_on)"
            " SELECT ?, id, ?, branch_id, due_on, due_on FROM loan WHERE id = ?",
            (new_id(), _text(dt.date(YEAR, 5, 6), 11), loan.loan.id),
        )
    assert _kept(YEAR) == {("alike", "total")}


# --- any sequence of changes, committed one by one, between reads -----------------------------


def _text(day: dt.date, hour: int = 10) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"


def _raw_loan(connection, loaned_at: str, ended_at: str | None) -> str:
    """A loan row as a desk or a bundle writes it, on any connection (plain DB-API)."""
    item_id, item_type = connection.execute("SELECT id, item_type FROM item ORDER BY barcode LIMIT 1").fetchone()
    reader_id, reader_type, reader_branch = connection.execute(
        "SELECT id, reader_type, branch_id FROM reader ORDER BY card_number LIMIT 1"
    ).fetchone()
    point_id, branch_id = connection.execute("SELECT id, branch_id FROM service_point ORDER BY code LIMIT 1").fetchone()
    loan_id = new_id()
    connection.execute(
        "INSERT INTO loan (id, item_id, reader_id, reader_type, reader_branch_id, item_type, branch_id,"
        " service_point_id, rule_id, loaned_at, due_on, ended_at, ended_as, end_branch_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            loan_id, item_id, reader_id, reader_type, reader_branch, item_type, branch_id, point_id,
            RuleBook().rule_for("adult", "book", "").id, loaned_at, loaned_at[:10], ended_at,
            "returned" if ended_at else None, branch_id if ended_at else None,
        ),
    )  # fmt: skip
    return loan_id


_days = st.dates(min_value=dt.date(YEAR - 2, 1, 1), max_value=dt.date(YEAR, 12, 31))
_changes = st.lists(
    st.one_of(
        st.tuples(st.just("loan"), _days, st.one_of(st.none(), st.integers(0, 400))),
        st.tuples(st.just("return"), _days, st.integers(0, 9)),
        st.tuples(st.just("move_loan"), st.integers(0, 9), st.integers(0, 3)),
        st.tuples(st.just("renewal"), _days, st.integers(0, 9)),
        st.tuples(st.just("item"), _days, st.booleans()),
        st.tuples(st.just("withdraw"), _days, st.integers(0, 9)),
        st.tuples(st.just("card"), _days, st.integers(0, 2)),
        st.tuples(st.just("cancel"), _days, st.integers(0, 2)),
        st.tuples(st.just("read"), st.integers(YEAR - 2, YEAR), st.sampled_from(KEPT)),
    ),
    max_size=30,
)


def _apply(database, change) -> None:
    kind, a, b = change
    loans = [r for (r,) in database.execute_sql("SELECT id FROM loan ORDER BY id")]
    items = [r for (r,) in database.execute_sql("SELECT id FROM item ORDER BY barcode")]
    readers = [r for (r,) in database.execute_sql("SELECT id FROM reader ORDER BY card_number")]
    branches = [r for (r,) in database.execute_sql("SELECT id FROM branch ORDER BY code")]
    execute = database.execute_sql
    if kind == "loan":
        out = execute("SELECT COUNT(*) FROM loan WHERE ended_at IS NULL").fetchone()[0]
        days = 1 if b is None and out else b  # the copy the rows lend is out to one reader at a time
        ended = None if days is None else _text(a + dt.timedelta(days=days), 16)
        _raw_loan(database.connection(), _text(a), ended)
    elif kind == "return":
        execute(
            "UPDATE loan SET ended_at = ?, ended_as = 'returned', end_branch_id = branch_id WHERE ended_at IS NULL",
            (_text(a, 17),),
        )
    elif kind == "move_loan" and loans:
        execute("UPDATE loan SET branch_id = ? WHERE id = ?", (branches[b % len(branches)], loans[a % len(loans)]))
    elif kind == "renewal" and loans:
        execute(
            "INSERT INTO loan_renewal (id, loan_id, renewed_at, branch_id, previous_due_on, due_on)"
            " SELECT ?, id, ?, branch_id, due_on, due_on FROM loan WHERE id = ?",
            (new_id(), _text(a, 11), loans[b % len(loans)]),
        )
    elif kind == "item":
        execute(
            "INSERT INTO item (id, bib_id, barcode, branch_id, item_type, status, price_fen, acquired_on, source,"
            " created_at, updated_at) SELECT ?, bib_id, ?, branch_id, 'book', 'available', 1000, ?, ?, ?, ?"
            " FROM item ORDER BY barcode LIMIT 1",
            (new_id(), new_id()[-12:], a.isoformat(), "采购" if b else "捐赠", _text(a), _text(a)),
        )
    elif kind == "withdraw":
        execute(
            "UPDATE item SET status = 'withdrawn', updated_at = ? WHERE id = ?", (_text(a, 12), items[b % len(items)])
        )
    elif kind == "card":
        execute("UPDATE reader SET expires_on = ? WHERE id = ?", (a.isoformat(), readers[b % len(readers)]))
    elif kind == "cancel":
        execute("UPDATE reader SET cancelled_at = ? WHERE id = ?", (_text(a, 15), readers[b % len(readers)]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=_changes)
def test_what_is_kept_is_always_what_the_rows_say(admin, shelf, changes):
    database = Branch._meta.database
    items = database.execute_sql("SELECT id, status, updated_at FROM item").fetchall()
    readers = database.execute_sql("SELECT id, expires_on, cancelled_at FROM reader").fetchall()
    try:
        for change in changes:
            if change[0] == "read":
                _kind, year, code = change
                for dimension in ("total", "branch"):
                    for _twice in range(2):  # counted and kept, then read back
                        assert cache.counted(admin, REGISTRY[code], year, dimension) == _fresh(code, year, dimension)
            else:
                with database.atomic():
                    _apply(database, change)
        for year in (YEAR - 2, YEAR - 1, YEAR):
            for code in KEPT:
                assert cache.counted(admin, REGISTRY[code], year, "total") == _fresh(code, year, "total"), code
            both = series(admin, "loans_with_renewals", year, "branch")
            assert both.total == _total(_fresh("loans", year, "total")) + _total(_fresh("renewals", year, "total"))
    finally:  # the next example starts from the same shelf
        with database.atomic():
            database.execute_sql("DELETE FROM loan_renewal")
            database.execute_sql("DELETE FROM loan")
            kept = [row[0] for row in items]
            database.execute_sql(f"DELETE FROM item WHERE id NOT IN ({', '.join('?' * len(kept))})", kept)
            for item_id, status, updated_at in items:
                database.execute_sql(
                    "UPDATE item SET status = ?, updated_at = ? WHERE id = ?", (status, updated_at, item_id)
                )
            for reader_id, expires_on, cancelled_at in readers:
                database.execute_sql(
                    "UPDATE reader SET expires_on = ?, cancelled_at = ? WHERE id = ?",
                    (expires_on, cancelled_at, reader_id),
                )


def _total(counted) -> int:
    return sum(sum(months) for months in counted.months.values())


def test_every_table_a_kept_figure_reads_is_watched():
    watched = {
        name
        for (name,) in Branch._meta.database.execute_sql(
            "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stats_cache_%'"
        )
    }
    assert watched == set(COVERED)
    counter = REGISTRY["outreach_loans"].count
    assert isinstance(counter, SqlCounter) and tables_read(counter, "branch") == {"loan", "branch"}
    kept = {
        code
        for code, ind in REGISTRY.items()
        if isinstance(ind.count, SqlCounter) and tables_read(ind.count, "total") <= COVERED
    }
    assert set(KEPT) <= kept
