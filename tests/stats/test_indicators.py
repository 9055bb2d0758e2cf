"""Each indicator's definition on a small library whose right answers are worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Branch, Reader
from ils.circulation import loans
from ils.errors import Invalid, PermissionDenied
from ils.stats.indicators import REGISTRY, series, total
from ils.stats.loans import loans_per_branch_month
from tests.services.conftest import TZ
from tests.services.reader_samples import citizen, register


def at(clock, *args):
    clock.set(dt.datetime(*args, tzinfo=TZ))


def branch_id(code: str) -> str:
    return Branch.get(Branch.code == code).id


def test_every_indicator_says_what_it_counts_in_both_languages():
    assert len(REGISTRY) >= 25
    for ind in REGISTRY.values():
        assert ind.zh and ind.en and ind.definition_zh and ind.definition_en and ind.source, ind.code


def test_a_renewal_counts_only_in_the_loans_with_renewals(admin, clerk, shelf, clock):
    # 2 March: T0001 lent at ZG.  25 March: renewed at ZG.  20 April: T0003 lent, never renewed.
    loans.checkout(clerk, shelf.adult, "T0001")
    at(clock, 2026, 3, 25, 10, 0)
    loans.renew(clerk, "T0001")
    at(clock, 2026, 4, 20, 10, 0)
    loans.checkout(clerk, shelf.other, "T0003")
    plain = series(admin, "loans", 2026)
    assert plain.months[2:4] == (1, 1) and plain.total == 2
    assert series(admin, "renewals", 2026).months[2] == 1
    both = series(admin, "loans_with_renewals", 2026)
    assert both.months[2:4] == (2, 1) and both.total == 3
    # Two readers borrowed, on two days: two borrowing person-times, two active borrowers.
    assert total(admin, "borrowers", 2026) == 2
    assert total(admin, "active_borrowers", 2026) == 2
    # The breakdowns add up to the total.
    for dimension in ("branch", "reader_type", "age_band", "location", "clc", "item_type"):
        assert series(admin, "loans", 2026, dimension).total == 2, dimension
    clc = series(admin, "loans", 2026, "clc")
    assert clc.row("I").total == 2 and "文学" in clc.row("I").label
    # The old per-branch list reads the same series.
    assert [(r.branch_code, r.total) for r in loans_per_branch_month(admin, 2026, with_renewals=True)] == [("ZG", 3)]


def test_a_reader_borrowing_twice_in_a_day_is_one_person_time(admin, clerk, shelf, clock):
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.adult, "T0003")
    at(clock, 2026, 3, 3, 10, 0)
    loans.checkout(clerk, shelf.adult, "T0004")
    assert total(admin, "loans", 2026) == 3
    assert total(admin, "borrowers", 2026) == 2  # 2 March and 3 March
    assert total(admin, "active_borrowers", 2026) == 1
    assert sum(series(admin, "active_borrowers", 2026).months) == 1


def test_a_loan_at_another_branch_counts_there_and_as_borrow_anywhere(admin, clerk, shelf, clock):
    # The adult reader belongs to ZG and borrows T0002 at XHMZ's desk.
    loans.checkout(clerk, shelf.adult, "T0002", point="XHMZ-JH")
    by_branch = series(admin, "loans", 2026, "branch")
    assert by_branch.row(branch_id("XHMZ")).total == 1 and by_branch.row(branch_id("ZG")) is None
    cross = series(admin, "cross_branch_loans", 2026, "branch")
    assert cross.total == 1 and cross.row(branch_id("XHMZ")).months[2] == 1
    # Returned at ZG: a return at another branch than the lending one, counted at ZG.
    at(clock, 2026, 5, 6, 10, 0)
    loans.return_item(clerk, "T0002")
    returns = series(admin, "cross_branch_returns", 2026, "branch")
    assert returns.row(branch_id("ZG")).months[4] == 1


def test_a_return_on_new_years_day_counts_in_the_next_year(admin, clerk, shelf, clock):
    at(clock, 2026, 12, 20, 10, 0)
    loans.checkout(clerk, shelf.adult, "T0001")
    at(clock, 2027, 1, 1, 9, 30)
    loans.return_item(clerk, "T0001")
    assert total(admin, "loans", 2026) == 1 and total(admin, "loans", 2027) == 0
    assert total(admin, "returns", 2026) == 0
    assert series(admin, "returns", 2027).months[0] == 1


def test_a_card_that_expires_mid_year_stops_counting_from_that_month(admin, clock):
    # Registered 2 March 2026 (the clock); the card is made to expire on 15 July 2026.
    card = register(admin, "赵敏", citizen("19920101", order="444")).summary.card_number
    register(admin, "钱进", citizen("19930101", order="555"))
    Reader.update(expires_on="2026-07-15").where(Reader.card_number == card).execute()
    valid = series(admin, "valid_cards", 2026)
    # Jan, Feb: nobody yet; March–June: both; July on: one.
    assert valid.months == (0, 0, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1)
    assert valid.total == 1  # the year's figure is December's
    assert series(admin, "new_cards", 2026).months[2] == 2
    assert total(admin, "valid_cards", 2027) == 1  # still valid (no expiry) the next year
    assert total(admin, "new_cards", 2027) == 0


def test_holdings_are_a_level_and_additions_a_flow(admin, shelf):
    holdings = series(admin, "holdings", 2026)
    added = total(admin, "new_items", 2026)
    assert holdings.total == added == 10  # the shelf's copies, all entered in March 2026
    assert holdings.months[1] == 0 and holdings.months[2] == 10
    by_type = series(admin, "holdings", 2026, "item_type")
    assert by_type.row("book").total == 9 and by_type.row("listening_device").total == 1
    assert total(admin, "holdings", 2025) == 0


def test_a_breakdown_the_data_does_not_allow_is_refused(admin, clerk):
    with pytest.raises(Invalid) as refused:
        series(admin, "visits", 2026, "reader_type")
    assert refused.value.code == "stats.no_breakdown"
    with pytest.raises(Invalid):
        series(admin, "no_such_thing", 2026)
    with pytest.raises(PermissionDenied):
        series(clerk, "loans", 2026)


def test_the_blind_rooms_figures_are_its_own_month_by_month(admin, clerk, shelf, clock):
    from ils.blind.stats import blind_figures

    loans.checkout(clerk, shelf.blind, "D0001")
    room = blind_figures(admin, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert total(admin, "blind_loans", 2026) == sum(m.loans for m in room.loans) == 1
    assert series(admin, "blind_loans", 2026, "kind").row("device").months[2] == 1
    holders = series(admin, "blind_card_holders", 2026)
    assert holders.total == room.registered_readers == 1 and holders.months[1] == 0


def test_a_programme_counts_once_however_many_sessions(admin, clock):
    from ils.events import attendance, programmes

    p = programmes.add_programme(admin, title="国学亲子阅读", kind="lecture")
    first = programmes.add_session(admin, p.id, starts="2026-03-02 09:30", venue="hall")
    programmes.add_session(admin, p.id, starts="2026-03-09 09:30", venue="hall")
    attendance.record_count(admin, first.id, total=30)
    assert total(admin, "event_programmes", 2026) == 1
    assert total(admin, "event_sessions", 2026) == 2
    assert series(admin, "event_attendance", 2026, "kind").row("lecture").total == 30
