"""``ils check`` finds what racing desks used to leave behind, and the file refuses to hold it again."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import IntegrityError

from db.models import Charge, Item, Loan
from ils.circulation import holds, invariants, loans, transit
from ils.circulation.charges import add_charge
from ils.circulation.invariants import circulation_problems
from ils.circulation.settings import change_circulation_settings
from ils.errors import Conflict
from ils.maintenance import check
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ

pytestmark = pytest.mark.usefixtures("english")


def _codes(library) -> list[str]:
    return [problem.code for problem in circulation_problems(library.database)]


def _raw(library, sql: str, *params) -> None:
    """A change made around the services, as an old version or a hand-edited file could have."""
    library.database.execute_sql(sql, params)


def test_a_library_worked_through_the_services_is_clean(admin, clerk, shelf, clock):
    change_circulation_settings(admin, overdue_mode="fines")
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.adult, "T0003")
    holds.place_hold(clerk, shelf.other, "T0003", pickup="XHMZ")
    loans.checkout(clerk, shelf.other, "T0004")
    holds.place_hold(clerk, shelf.adult, "T0004")
    clock.set(dt.datetime(2026, 4, 20, 9, 0, tzinfo=TZ))
    loans.return_item(clerk, "T0001", point="XHMZ-JH")  # late: a fine, and a transit home
    loans.return_item(clerk, "T0003")  # to the hold's branch
    loans.return_item(clerk, "T0004")  # onto this hold shelf
    report = check(admin)
    assert report.ok and report.circulation == ()
    assert Charge.select().where(Charge.kind == "overdue").count() == 3
    transit.receive(clerk, "T0001")
    assert check(admin).circulation == ()


def test_a_copy_whose_status_disagrees_with_its_loan_transit_or_hold_is_named(admin, clerk, shelf, library):
    loans.checkout(clerk, shelf.adult, "T0001")
    _raw(library, "UPDATE item SET status = 'available' WHERE barcode = 'T0001'")  # a late return's work
    _raw(library, "UPDATE item SET status = 'on_loan' WHERE barcode = 'T0003'")
    _raw(library, "UPDATE item SET status = 'in_transit' WHERE barcode = 'T0004'")
    loans.checkout(clerk, shelf.other, "T0005")
    holds.place_hold(clerk, shelf.adult, "T0005")
    loans.return_item(clerk, "T0005")
    _raw(library, "UPDATE item SET status = 'available' WHERE barcode = 'T0005'")
    _raw(library, "UPDATE item SET status = 'on_hold_shelf' WHERE barcode = 'T0006'")
    assert _codes(library) == [
        "circ.status_open_loan",
        "circ.status_on_loan_without_loan",
        "circ.status_in_transit_without_transit",
        "circ.status_ready_hold",
        "circ.status_on_hold_shelf_without_hold",
    ]
    first = circulation_problems(library.database)[0]
    assert first.params["barcode"] == "T0001"
    report = check(admin)
    assert not report.ok and "Copy T0001 is On the shelf but has a loan that is not over." in report.lines(), (
        report.lines()
    )


def test_a_copy_in_transit_without_its_status_and_a_hold_on_its_way_without_a_transit(clerk, shelf, library):
    loans.checkout(clerk, shelf.adult, "T0003")
    holds.place_hold(clerk, shelf.other, "T0003", pickup="XHMZ")
    loans.return_item(clerk, "T0003")
    _raw(library, "UPDATE transit SET received_at = '2026-03-02T10:00:00+08:00'")
    assert _codes(library) == ["circ.status_in_transit_without_transit", "circ.hold_in_transit_without_transit"]
    _raw(library, "UPDATE transit SET received_at = NULL")
    _raw(library, "UPDATE item SET status = 'available' WHERE barcode = 'T0003'")
    assert _codes(library) == ["circ.status_open_transit"]


def test_a_loan_ended_twice_and_a_double_fine_are_named_and_can_no_longer_be_made(admin, clerk, shelf, library, clock):
    change_circulation_settings(admin, overdue_mode="fines")
    loans.checkout(clerk, shelf.adult, "T0001")
    clock.set(dt.datetime(2026, 4, 11, 9, 0, tzinfo=TZ))
    loans.return_item(clerk, "T0001")
    loan = Loan.get()
    item = Item.get(Item.barcode == "T0001")
    with pytest.raises(IntegrityError, match="a loan ends once"):
        Loan.update(ended_at="2026-04-12T09:00:00+08:00").where(Loan.id == loan.id).execute()
    # a second fine, through the write path: a refusal
    with pytest.raises(Conflict) as second_fine, library.write(admin.staff.id) as writer:
        add_charge(
            writer,
            reader_id=loan.reader_id,
            loan_id=loan.id,
            item_id=item.id,
            kind="overdue",
            amount_fen=100,
            note=None,
            now=library.now_text(),
        )
    assert second_fine.value.code == "storage.conflict"
    assert _codes(library) == []

    # What a race left in a file made before the guards: two return rows, two fines.
    _raw(library, "DROP TRIGGER charge_once_per_loan")
    with library.write(admin.staff.id) as writer:
        writer.journal("loan.return", "loan", loan.id, {"item_id": item.id, "barcode": item.barcode})
        add_charge(
            writer,
            reader_id=loan.reader_id,
            loan_id=loan.id,
            item_id=item.id,
            kind="overdue",
            amount_fen=100,
            note=None,
            now=library.now_text(),
        )
    problems = circulation_problems(library.database)
    assert [p.code for p in problems] == ["circ.loan_ended_twice", "circ.fine_charged_twice"]
    assert problems[0].params == {"loan": loan.id, "barcode": "T0001", "count": 2}
    assert not check(admin).ok


def test_a_problem_that_fills_the_library_is_named_a_few_times_and_counted(library, shelf, monkeypatch):
    monkeypatch.setattr(invariants, "EXAMPLES", 2)
    _raw(library, "UPDATE item SET status = 'on_loan' WHERE barcode IN ('T0001', 'T0003', 'T0004', 'T0005')")
    problems = circulation_problems(library.database)
    assert [p.code for p in problems] == ["circ.status_on_loan_without_loan"] * 2 + [
        "circ.status_on_loan_without_loan_more"
    ]
    assert problems[-1].params["count"] == 2


def test_a_file_with_a_double_fine_from_before_the_guards_still_opens_and_says_so(tmp_path):
    """The guard is a trigger, not a unique index, so an old file's double fine does not stop the upgrade."""
    from db.connection import connect
    from db.migrations import MIGRATIONS

    path = tmp_path / "old.sqlite"
    database = connect(path)
    for script in MIGRATIONS:
        if script.VERSION < 7:
            script.apply(database.execute_sql)
    database.execute_sql("PRAGMA user_version = 6")
    database.execute_sql("PRAGMA foreign_keys = OFF")  # the loan and reader rows do not matter here
    for charge in ("c1", "c2"):
        database.execute_sql(
            "INSERT INTO charge (id, loan_id, kind, amount_fen, created_at)"
            " VALUES (?, 'L1', 'overdue', 100, '2026-01-01')",
            (charge,),
        )
    # m0007 itself, which must not fail on it; later versions check foreign keys the
    # made-up rows here do not have.
    (guards,) = [script for script in MIGRATIONS if script.VERSION == 7]
    guards.apply(database.execute_sql)
    database.execute_sql("PRAGMA user_version = 7")
    assert [p.code for p in circulation_problems(database)] == ["circ.fine_charged_twice"]
    with pytest.raises(IntegrityError):
        database.execute_sql(
            "INSERT INTO charge (id, loan_id, kind, amount_fen, created_at)"
            " VALUES ('c3', 'L1', 'overdue', 100, '2026-01-01')"
        )
    database.close()
