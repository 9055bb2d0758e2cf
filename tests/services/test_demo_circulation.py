"""The demo's circulation as a librarian opening the front desk would meet it: years of loans
behind it, loans out today (some overdue), copies in transit, holds waiting and on the shelf,
a rotation batch out, and the history already cut from its readers after the retention period."""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics

import pytest

from db.models import Hold, Item, Journal, Loan, LoanRenewal, Reader, RotationBatch, Transit
from ils.circulation import holds, transit
from ils.circulation.loans import open_loans
from ils.clock import FixedClock
from ils.demo import ADMIN, DEMO_PASSWORD, build_demo
from ils.demo.blind import BATCHES
from ils.demo.circulation import (
    DEMO_LOANS_PER_YEAR,
    DEMO_OPEN_LOANS,
    DEMO_YEARS,
    LOAD_ACTION,
    RENEWAL_LOAD_ACTION,
    SPRING_FESTIVAL,
    add_current_circulation,
    add_loan_history,
    day_weight,
)
from ils.maintenance import check
from ils.staff import log_in
from tests.services.circ_samples import shelf  # noqa: F401

TODAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
RETENTION = dt.timedelta(days=90)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo library for the module: building it lends thousands of copies."""
    library = build_demo(tmp_path_factory.mktemp("demo") / "lib.sqlite", clock=FixedClock(TODAY))
    yield log_in(library, ADMIN, DEMO_PASSWORD)
    library.close()


def _cutoff() -> str:
    return (TODAY - RETENTION).isoformat(timespec="seconds")


def test_the_demo_has_three_years_of_returned_loans_and_loans_out_today(demo):
    room = ("blind-room", *(batch for batch, _day, _count, _prefix in BATCHES))  # the room's stock and its year
    loaded = (
        Loan.select()
        .join(Item)
        .where(
            Loan.ended_at.is_null(False), Loan.ended_as == "returned", Item.source.is_null() | Item.source.not_in(room)
        )
        .count()
    )
    expected = DEMO_LOANS_PER_YEAR * DEMO_YEARS
    assert 0.98 * expected <= loaded <= 1.05 * expected
    first = Loan.select(Loan.loaned_at).order_by(Loan.loaned_at).scalar()
    assert first[:10] <= (TODAY.date() - dt.timedelta(days=365 * DEMO_YEARS - 10)).isoformat()
    out = (
        Loan.select()
        .join(Item)
        .where(Loan.ended_at.is_null(), Item.source.is_null() | Item.source.not_in(room))
        .count()
    )
    assert 0.8 * DEMO_OPEN_LOANS <= out <= 1.1 * DEMO_OPEN_LOANS
    assert LoanRenewal.select().count() > 0.08 * loaded
    assert Loan.select().where(Loan.ended_at.is_null(False), Loan.ended_at > Loan.due_on + "T23:59:59").count() > 0


def test_every_open_loan_has_its_copy_on_loan_and_some_are_overdue(demo):
    statuses = {status for (status,) in Item.select(Item.status).join(Loan).where(Loan.ended_at.is_null()).tuples()}
    assert statuses == {"on_loan"}
    assert Item.select().where(Item.status == "on_loan").count() == Loan.select().where(Loan.ended_at.is_null()).count()
    overdue = Loan.select().where(Loan.ended_at.is_null(), Loan.due_on < TODAY.date().isoformat()).count()
    assert overdue > 0


def test_a_reader_at_the_desk_sees_their_loans(demo):
    loan = Loan.select().where(Loan.ended_at.is_null()).first()
    assert loan.id in {info.id for info in open_loans(loan.reader_id, TODAY.date())}


def test_copies_returned_at_another_branch_are_in_transit_home(demo):
    travelling = list(Transit.select().where(Transit.received_at.is_null(), Transit.reason == "home"))
    assert travelling
    for row in travelling:
        assert row.item.status == "in_transit" and row.to_branch_id == row.item.branch_id
    arriving = transit.transits(demo, branch=travelling[0].to_branch.code)
    assert travelling[0].item.barcode in {info.barcode for info in arriving}
    assert Transit.select().where(Transit.received_at.is_null(False), Transit.reason == "home").exists()


def test_a_hold_is_ready_on_the_hold_shelf_and_others_wait(demo):
    ready = Hold.select().where(Hold.state == "ready").first()
    assert ready is not None and ready.trapped_item.status == "on_hold_shelf"
    assert ready.id in {info.id for info in holds.hold_shelf(demo, branch=ready.pickup_branch.code)}
    shelves = {hold.pickup_branch.code for hold in Hold.select().where(Hold.state == "ready")}
    assert any(info.expired for code in shelves for info in holds.hold_shelf(demo, branch=code))
    assert Hold.select().where(Hold.state == "waiting").exists()
    assert Hold.select().where(Hold.state == "in_transit").exists()


def test_a_rotation_batch_is_out_at_a_town_branch_and_lent_there(demo):
    batch = RotationBatch.get(RotationBatch.returned_at.is_null())
    assert batch.sent_at and batch.returned_at is None and batch.to_branch.kind == "branch"
    there = Item.select().where(Item.rotation_batch == batch.id)
    assert there.count() > 10
    assert {item.at_branch_id for item in there} == {batch.to_branch_id}
    assert Loan.select().where(Loan.rotation_batch == batch.id).exists()


def test_last_years_rotation_gives_the_annual_reports_figure(demo):
    from ils.circulation.rotation import rotation_year
    from ils.demo.circulation import DEMO_ROTATED

    year = rotation_year(demo, TODAY.year - 1)
    assert year.volumes == DEMO_ROTATED and year.batches == 2
    back = RotationBatch.select().where(RotationBatch.returned_at.is_null(False))
    assert back.count() == 2
    assert not Item.select().where(Item.rotation_batch.in_(back)).exists()  # all home or going home


def test_loans_ended_longer_ago_than_the_retention_period_are_cut_from_their_reader(demo):
    old = Loan.select().where(Loan.ended_at <= _cutoff())
    assert old.count() > 2000
    assert not old.where(Loan.reader.is_null(False)).exists()
    assert not old.where(Loan.deidentified_at.is_null()).exists()
    assert not old.where(Loan.reader_type.is_null() | Loan.age_band.is_null() | Loan.reader_branch.is_null()).exists()
    recent = Loan.select().where(Loan.ended_at > _cutoff())
    assert recent.count() > 50 and not recent.where(Loan.reader.is_null()).exists()


def test_a_linked_loan_keeps_its_readers_type_and_branch(demo):
    for loan in Loan.select().where(Loan.reader.is_null(False)).limit(200):
        reader = Reader.get_by_id(loan.reader_id)
        assert (loan.reader_type, loan.reader_branch_id) == (reader.reader_type_id, reader.branch_id)
        assert reader.created_at[:10] <= loan.loaned_at[:10]


def test_each_loaded_loan_has_one_journal_row_that_never_names_the_reader(demo):
    loaded = Loan.select(Loan.id).where(
        Loan.id.not_in(Journal.select(Journal.entity_id).where(Journal.action == "loan.checkout"))
    )
    rows = Journal.select().where(Journal.action == LOAD_ACTION)
    assert rows.count() == loaded.count()
    assert {row.entity_id for row in rows} == {loan.id for loan in loaded}
    for row in rows.limit(500):
        data = json.loads(row.data)
        assert {"barcode", "branch", "reader_type", "age_band", "due_on", "returned_at"} <= set(data)
        assert "reader_id" not in data and "card_number" not in data
    cards = {reader.card_number for reader in Reader.select(Reader.card_number)}
    assert not any(card in row.data for row in rows.limit(500) for card in cards)
    renewals = Journal.select().where(Journal.action == RENEWAL_LOAD_ACTION)
    assert (
        renewals.count()
        == LoanRenewal.select().count() - Journal.select().where(Journal.action == "loan.renew").count()
    )


def test_a_copy_is_lent_to_one_reader_at_a_time_and_only_once_bought(demo):
    overlapping = demo.library.database.execute_sql(
        "SELECT COUNT(*) FROM loan a JOIN loan b ON a.item_id = b.item_id AND a.id < b.id"
        " AND a.loaned_at < COALESCE(b.ended_at, '9999') AND b.loaned_at < COALESCE(a.ended_at, '9999')"
    ).fetchone()[0]
    assert overlapping == 0
    early = Loan.select().join(Item).where(Loan.loaned_at < Item.acquired_on).count()
    assert early == 0


def test_more_loans_at_weekends_and_in_the_holidays_fewer_at_the_spring_festival(demo):
    per_day: dict[dt.date, int] = {}
    for (at,) in Loan.select(Loan.loaned_at).tuples():
        day = dt.date.fromisoformat(at[:10])
        per_day[day] = per_day.get(day, 0) + 1
    days = [TODAY.date() - dt.timedelta(days=n) for n in range(61, 365 * DEMO_YEARS)]  # before today's desk

    def mean(chosen) -> float:
        return statistics.mean(per_day.get(day, 0) for day in chosen)

    assert mean(d for d in days if d.weekday() >= 5) > 1.3 * mean(d for d in days if d.weekday() < 5)
    festivals = [SPRING_FESTIVAL[year] for year in {day.year for day in days} if SPRING_FESTIVAL[year] in days]
    festival_days = [festival + dt.timedelta(days=n) for festival in festivals for n in range(6)]
    summer = [day for day in days if (7, 10) <= (day.month, day.day) <= (8, 25)]
    assert len(festivals) >= 2 and mean(festival_days) < 0.5 * mean(summer)


def test_the_seasons_weigh_as_a_librarian_expects():
    assert day_weight(dt.date(2026, 2, 17)) < 0.3  # Spring Festival
    assert day_weight(dt.date(2026, 7, 18)) > day_weight(dt.date(2026, 5, 16))  # a summer Saturday
    assert day_weight(dt.date(2026, 3, 7)) > day_weight(dt.date(2026, 3, 10))  # Saturday over Tuesday


def test_the_database_check_passes_on_the_demo(demo):
    report = check(demo)
    assert report.ok, report.lines()


def test_a_history_ends_before_today(admin):
    today = admin.now().date()
    with pytest.raises(ValueError):
        add_loan_history(admin, random.Random(1), start=today - dt.timedelta(days=30), end=today, loans_per_year=100)


def test_a_small_library_gets_its_history_and_desk_too(admin, shelf, clock):
    clock.advance(days=120)  # the shelf's copies and readers came four months ago
    today = clock.now().date()
    written = add_loan_history(
        admin,
        random.Random(1),
        start=today - dt.timedelta(days=110),
        end=today - dt.timedelta(days=1),
        loans_per_year=60,
    )
    assert written == 18  # 110 days of 60 a year
    assert Journal.select().where(Journal.action == LOAD_ACTION).count() == 18
    cutoff = (clock.now() - RETENTION).isoformat(timespec="seconds")
    assert not Loan.select().where(Loan.ended_at <= cutoff, Loan.reader.is_null(False)).exists()
    state = add_current_circulation(admin, random.Random(2), loans=5)
    assert state.open_loans == Loan.select().where(Loan.ended_at.is_null()).count() > 0
    assert check(admin).ok
