"""Checkout, return and renewal at the desk: the rules a reader and a librarian would notice."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Item, Loan
from ils.circulation import calendar, loans
from ils.circulation.loans import LoanRefused
from ils.circulation.rules import set_rule
from ils.errors import Invalid, NotFound, PermissionDenied
from ils.readers.lifecycle import report_lost, suspend
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ

pytestmark = pytest.mark.usefixtures("english")


def test_checkout_gives_the_rule_due_date_and_records_where(clerk, shelf, clock):
    result = loans.checkout(clerk, shelf.adult, "t0001")
    assert result.loan.due_on == "2026-04-01"  # 2 March + 30 days
    assert result.loan.title == "三体"
    loan = Loan.get_by_id(result.loan.id)
    assert loan.branch.code == "ZG" and loan.reader_type == "adult" and loan.age_band == "35-59"
    assert Item.get(Item.barcode == "T0001").status == "on_loan"


def test_a_due_date_on_a_closed_day_moves_to_the_next_opening_day(admin, clerk, shelf):
    calendar.set_closed_weekdays(admin, "ZG", "3")  # 2026-04-01 is a Wednesday
    calendar.add_day(admin, "2026-04-02", "holiday", "清明节")
    assert loans.checkout(clerk, shelf.adult, "T0001").loan.due_on == "2026-04-03"


def test_the_loan_limit_stops_the_sixth_book_and_an_override_records_why(admin, clerk, shelf):
    for barcode in ("T0001", "T0003", "T0004", "T0005", "T0006"):
        loans.checkout(clerk, shelf.adult, barcode)
    with pytest.raises(LoanRefused) as refused:
        loans.checkout(clerk, shelf.adult, "T0007")
    assert refused.value.codes == ("circ.loan_limit",) and refused.value.overridable
    assert dict(refused.value.reasons[0].params) == {"held": 5, "limit": 5}
    with pytest.raises(PermissionDenied) as denied:
        loans.checkout(clerk, shelf.adult, "T0007", override="exam week")
    assert denied.value.code == "staff.not_permitted"
    result = loans.checkout(admin, shelf.adult, "T0007", override="exam week")
    assert result.override_reason == "exam week"


def test_a_listening_device_is_its_own_bucket_for_blind_readers_only(clerk, shelf):
    with pytest.raises(LoanRefused) as refused:
        loans.checkout(clerk, shelf.adult, "D0001")
    assert refused.value.codes == ("circ.loan_not_allowed",)
    for barcode in ("T0001", "T0003", "T0004", "T0005", "T0006"):
        loans.checkout(clerk, shelf.blind, barcode)
    device = loans.checkout(clerk, shelf.blind, "D0001")
    assert device.loan.due_on == "2026-05-31"  # 90 days


def test_refusals_name_the_reason(clerk, admin, shelf):
    with pytest.raises(NotFound) as unknown:
        loans.checkout(clerk, shelf.adult, "ZZ999")
    assert unknown.value.params["barcode"] == "ZZ999"
    with pytest.raises(LoanRefused) as reading_room:
        loans.checkout(clerk, shelf.adult, "T0009")
    assert reading_room.value.codes == ("circ.not_loanable",)
    loans.checkout(clerk, shelf.adult, "T0001")
    with pytest.raises(LoanRefused) as twice:
        loans.checkout(clerk, shelf.adult, "T0001")
    assert twice.value.codes == ("circ.copy_already_yours",) and not twice.value.overridable
    assert twice.value.reasons[0].params["due"] == "2026-04-01"
    with pytest.raises(LoanRefused) as taken:
        loans.checkout(clerk, shelf.other, "T0001")
    assert taken.value.codes == ("circ.copy_on_loan",)
    suspend(admin, shelf.other, "damaged a book")
    with pytest.raises(LoanRefused) as suspended:
        loans.checkout(clerk, shelf.other, "T0003")
    assert suspended.value.codes == ("circ.reader_suspended",)
    assert str(suspended.value.reasons[0]) == "Suspended: damaged a book"
    report_lost(clerk, shelf.other)
    with pytest.raises(Invalid) as lost:
        loans.checkout(admin, shelf.other, "T0003", override="he says it is his")
    assert lost.value.code.startswith("readers.")  # the card itself is refused, before any rule
    assert Loan.select().count() == 1


def test_a_refusal_reads_every_reason_in_the_language_of_the_call(admin, clerk, shelf):
    from ils.i18n import use_language

    suspend(admin, shelf.adult, "damaged a book")
    for barcode in ("T0001", "T0003", "T0004", "T0005", "T0006"):
        loans.checkout(admin, shelf.adult, barcode, override="exam week")
    with pytest.raises(LoanRefused) as refused:
        loans.checkout(clerk, shelf.adult, "T0009")
    assert refused.value.codes == ("circ.reader_suspended", "circ.not_loanable", "circ.loan_limit")
    assert refused.value.render("en").startswith("Suspended: damaged a book ")
    with use_language("zh_CN"):
        chinese = str(refused.value)
    assert "T0009" in chinese and "damaged a book" in chinese and "library only" not in chinese


def test_overdue_items_block_borrowing_by_default(clerk, shelf, clock):
    loans.checkout(clerk, shelf.adult, "T0001")
    clock.set(dt.datetime(2026, 4, 5, 10, 0, tzinfo=TZ))
    with pytest.raises(LoanRefused) as refused:
        loans.checkout(clerk, shelf.adult, "T0003")
    assert refused.value.codes == ("circ.reader_overdue",)
    returned = loans.return_item(clerk, "T0001")
    assert "Returned 4 days late." in returned.notes and returned.fine_fen == 0
    assert loans.checkout(clerk, shelf.adult, "T0003").loan.due_on == "2026-05-05"


def test_fines_mode_charges_at_return_and_blocks_at_the_threshold(admin, clerk, shelf, clock):
    from ils.circulation.settings import change_circulation_settings

    change_circulation_settings(admin, overdue_mode="fines", fine_block_fen=100)
    loans.checkout(clerk, shelf.adult, "T0003")
    clock.set(dt.datetime(2026, 4, 11, 10, 0, tzinfo=TZ))  # 10 days late: ¥1.00
    with pytest.raises(LoanRefused) as refused:
        loans.checkout(clerk, shelf.adult, "T0004")
    assert refused.value.codes == ("circ.reader_owes",) and "¥1.00" in str(refused.value.reasons[0])
    returned = loans.return_item(clerk, "T0003")
    assert returned.fine_fen == 100


def test_renewal_counts_from_the_due_date_once_and_not_when_reserved(clerk, shelf, clock):
    from ils.circulation.holds import place_hold

    loans.checkout(clerk, shelf.adult, "T0003")
    renewed = loans.renew(clerk, "T0003")
    assert renewed.due_on == "2026-04-16" and renewed.renewals == 1
    with pytest.raises(LoanRefused) as refused:
        loans.renew(clerk, "T0003")
    assert refused.value.codes == ("circ.no_renewals_left",)
    assert dict(refused.value.reasons[0].params) == {"used": 1, "allowed": 1}
    loans.checkout(clerk, shelf.adult, "T0004")
    place_hold(clerk, shelf.other, "T0004")
    with pytest.raises(LoanRefused) as reserved:
        loans.renew(clerk, "T0004")
    assert reserved.value.codes == ("circ.renew_hold_waiting",)


def test_an_overdue_item_cannot_be_renewed(clerk, shelf, clock):
    loans.checkout(clerk, shelf.adult, "T0003")
    clock.set(dt.datetime(2026, 4, 3, 10, 0, tzinfo=TZ))
    with pytest.raises(LoanRefused) as refused:
        loans.renew(clerk, "T0003")
    assert refused.value.codes == ("circ.reader_overdue", "circ.renew_overdue")
    assert refused.value.reasons[1].params["due"] == "2026-04-01"


def test_returning_at_another_branch_sends_the_copy_home_in_transit(clerk, library, shelf):
    from ils.circulation.transit import receive, transits

    loans.checkout(clerk, shelf.adult, "T0001")
    result = loans.return_item(clerk, "T0001", point="XHMZ-JH")
    assert result.disposition.action == "transit" and result.disposition.to_branch_code == "ZG"
    assert Item.get(Item.barcode == "T0001").status == "in_transit"
    assert [t.barcode for t in transits(clerk, branch="ZG")] == ["T0001"]
    arrived = receive(clerk, "T0001")
    assert arrived.action == "shelve"
    assert Item.get(Item.barcode == "T0001").status == "available"
    assert transits(clerk, branch="ZG") == []


def test_a_return_of_a_copy_not_on_loan_says_so(clerk, shelf):
    with pytest.raises(Invalid) as refused:
        loans.return_item(clerk, "T0001")
    assert refused.value.code == "circ.not_on_loan" and refused.value.params["barcode"] == "T0001"
    with pytest.raises(Invalid) as renewal:
        loans.renew(clerk, "T0001")
    assert renewal.value.code == "circ.not_on_loan"


def test_rules_per_branch_override_the_library_rule(admin, clerk, shelf):
    set_rule(admin, "*", "*", branch="XHMZ", loan_days=21)
    assert loans.checkout(clerk, shelf.adult, "T0002", point="XHMZ-JH").loan.due_on == "2026-03-23"
    assert loans.checkout(clerk, shelf.adult, "T0001").loan.due_on == "2026-04-01"


def test_a_card_cannot_be_returned_while_loans_are_out(clerk, shelf):
    from ils.readers.lifecycle import cancel_card

    loans.checkout(clerk, shelf.adult, "T0001")
    with pytest.raises(Invalid, match="cannot return the card yet: 1 item still on loan"):
        cancel_card(clerk, shelf.adult)


def test_loan_history_is_cut_from_the_reader_after_the_retention_period(admin, clerk, shelf, clock):
    from ils.readers.privacy import export_reader_data, run_retention_jobs

    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.adult, "T0003")
    loans.return_item(clerk, "T0001")
    assert any("三体 (T0001)" in value for _when, value in export_reader_data(admin, shelf.adult).sections[4].rows)
    clock.advance(days=89)
    assert run_retention_jobs(admin)[0].count == 0
    clock.advance(days=2)
    assert run_retention_jobs(admin)[0].count == 1
    returned = Loan.get(Loan.ended_at.is_null(False))
    assert returned.reader_id is None
    assert (returned.reader_type, returned.age_band, returned.reader_branch.code) == ("adult", "35-59", "ZG")
    assert Loan.get(Loan.ended_at.is_null()).reader_id is not None  # the open loan stays linked
    assert [v for _w, v in export_reader_data(admin, shelf.adult).sections[4].rows] == ["呐喊 (T0003)"]
    assert run_retention_jobs(admin)[0].count == 0
    reader_id = Loan.get(Loan.ended_at.is_null()).reader_id
    journal = admin.library.database.execute_sql("SELECT data FROM journal WHERE action LIKE 'loan.%'").fetchall()
    assert journal and all(reader_id not in data and shelf.adult not in data for (data,) in journal)


def test_without_fines_an_unpaid_lost_copy_blocks_borrowing_until_settled(clerk, admin, shelf):
    from ils.circulation.charges import pay, reader_charges
    from ils.circulation.losses import mark_lost

    loans.checkout(clerk, shelf.adult, "T0001")
    mark_lost(clerk, "T0001")
    with pytest.raises(LoanRefused) as refused:
        loans.checkout(clerk, shelf.adult, "T0003")
    assert refused.value.codes == ("circ.reader_owes",) and "¥23.00" in str(refused.value.reasons[0])
    pay(clerk, reader_charges(clerk, shelf.adult)[0].id, 2300)
    assert loans.checkout(clerk, shelf.adult, "T0003").loan.barcode == "T0003"
    found = loans.return_item(clerk, "T0001")
    assert found.loan is None and "T0001 was marked Lost: it is back in circulation." in found.notes
