"""Lost, damaged and claimed-returned copies, and the money that follows: what the reader owes,
what the desk takes, what a supervisor waives."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db.models import Charge, Item, Journal, Loan, Payment
from ils.circulation import charges, loans, losses
from ils.circulation.settings import change_circulation_settings
from ils.circulation.standing import standing_of, unpaid_fen
from ils.errors import Invalid, NotFound, PermissionDenied
from ils.readers.rows import reader_by_card
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ

pytestmark = pytest.mark.usefixtures("english")


def owed(card: str) -> int:
    return unpaid_fen(reader_by_card(card).id)


def test_a_lost_copy_costs_its_price_times_the_factor(admin, clerk, shelf):
    change_circulation_settings(admin, lost_price_percent=150)
    loan = loans.checkout(clerk, shelf.adult, "T0001").loan  # priced CNY23.00
    outcome = losses.mark_lost(clerk, "T0001")
    assert [c.amount_fen for c in outcome.charges] == [3450] and outcome.charges[0].kind == "lost"
    assert "¥34.50" in outcome.message and outcome.card_number == shelf.adult
    row = Loan.get_by_id(loan.id)
    assert row.ended_as == "lost" and row.ended_at is not None
    assert Item.get(Item.barcode == "T0001").status == "lost"
    assert owed(shelf.adult) == 3450
    assert loans.reader_loans(clerk, shelf.adult) == []


def test_a_copy_without_a_price_costs_the_default(admin, clerk, shelf):
    change_circulation_settings(admin, lost_default_fen=2500)
    loans.checkout(clerk, shelf.adult, "T0003")
    assert [c.amount_fen for c in losses.mark_lost(clerk, "T0003").charges] == [2500]


def test_only_a_copy_on_loan_can_be_lost_and_the_refusal_says_so(clerk, shelf):
    with pytest.raises(Invalid) as refused:
        losses.mark_lost(clerk, "T0003")
    assert refused.value.code == "circ.not_on_loan"
    with pytest.raises(NotFound) as unknown:
        losses.mark_lost(clerk, "ZZ1")
    assert unknown.value.params["barcode"] == "ZZ1"
    assert Charge.select().count() == 0


def test_pay_in_parts_then_the_charge_is_settled(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    charge = losses.mark_lost(clerk, "T0001").charges[0]
    part = charges.pay(clerk, charge.id, 1000)
    assert part.owed_fen == 1300 and not part.settled and owed(shelf.adult) == 1300
    with pytest.raises(Invalid) as refused:
        charges.pay(clerk, charge.id, 2000)
    assert refused.value.code == "circ.payment_too_much"
    rest = charges.pay(clerk, charge.id, 1300)
    assert rest.settled and rest.owed_fen == 0 and rest.paid_fen == 2300
    assert owed(shelf.adult) == 0 and charges.reader_charges(clerk, shelf.adult) == []
    assert [c.id for c in charges.reader_charges(clerk, shelf.adult, include_settled=True)] == [charge.id]
    with pytest.raises(Invalid) as refused:
        charges.pay(clerk, charge.id, 100)
    assert refused.value.code == "circ.charge_settled"
    # The desk's branch takes the money; the journal names the charge, not the reader.
    assert {p.branch.code for p in Payment.select()} == {"ZG"}
    paid = [json.loads(j.data) for j in Journal.select().where(Journal.action == "charge.payment")]
    assert [(d["amount_fen"], d["settled"]) for d in paid] == [(1000, False), (1300, True)]
    assert all(shelf.adult not in j.data for j in Journal.select().where(Journal.action.startswith("charge.")))


def test_waiving_needs_a_supervisor_and_a_reason(admin, clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    charge = losses.mark_lost(clerk, "T0001").charges[0]
    charges.pay(clerk, charge.id, 300)
    with pytest.raises(PermissionDenied):
        charges.waive(clerk, charge.id, "found in the book drop")
    with pytest.raises(Invalid) as refused:
        charges.waive(admin, charge.id, "  ")
    assert refused.value.code == "circ.waiver_needs_reason"
    waived = charges.waive(admin, charge.id, "long-standing reader, hardship")
    assert waived.settled and [(p.kind, p.amount_fen) for p in waived.payments] == [("payment", 300), ("waiver", 2000)]
    assert waived.payments[1].note == "long-standing reader, hardship"


def test_a_replacement_copy_settles_a_lost_charge(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    charge = losses.mark_lost(clerk, "T0001").charges[0]
    settled = charges.accept_replacement(clerk, charge.id, note="same edition")
    assert settled.settled and settled.payments[0].kind == "replacement" and owed(shelf.adult) == 0


def test_damaged_ends_the_loan_keeps_the_copy_here_and_charges_what_staff_said(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0002")  # a XHMZ copy taken back damaged at the central library
    outcome = losses.mark_damaged(clerk, "T0002", 1250, note="water damage")
    assert [(c.kind, c.amount_fen, c.note) for c in outcome.charges] == [("damaged", 1250, "water damage")]
    item = Item.get(Item.barcode == "T0002")
    assert item.status == "damaged" and item.at_branch.code == "ZG"
    assert Loan.get_by_id(outcome.loan_id).ended_as == "returned"
    with pytest.raises(Invalid) as refused:
        losses.mark_damaged(clerk, "T0002", 100)
    assert refused.value.code == "circ.not_on_loan"


def test_damaged_late_in_fines_mode_charges_the_fine_too(admin, clerk, shelf, clock):
    change_circulation_settings(admin, overdue_mode="fines")
    loans.checkout(clerk, shelf.adult, "T0003")
    clock.set(dt.datetime(2026, 4, 11, 10, 0, tzinfo=TZ))  # 10 days late at ¥0.10
    outcome = losses.mark_damaged(clerk, "T0003", 500)
    assert sorted((c.kind, c.amount_fen) for c in outcome.charges) == [("damaged", 500), ("overdue", 100)]
    assert "¥6.00" in outcome.message


def test_a_claimed_return_is_no_longer_overdue_and_comes_back_as_a_return(clerk, shelf, clock):
    loans.checkout(clerk, shelf.adult, "T0003")
    clock.set(dt.datetime(2026, 4, 10, 10, 0, tzinfo=TZ))
    reader = reader_by_card(shelf.adult)
    assert standing_of(reader.id, clock.now().date()).overdue_loans == 1
    losses.claim_returned(clerk, "T0003")
    assert Item.get(Item.barcode == "T0003").status == "missing"
    standing = standing_of(reader.id, clock.now().date())
    assert standing.open_loans == 1 and standing.overdue_loans == 0
    with pytest.raises(Invalid) as refused:
        losses.claim_returned(clerk, "T0003")
    assert refused.value.code == "circ.already_claimed_returned"
    back = loans.return_item(clerk, "T0003")
    assert "it has turned up" in " ".join(back.notes)
    assert Item.get(Item.barcode == "T0003").status == "available"


def test_a_claim_is_written_off_only_by_a_supervisor(admin, clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0003")
    with pytest.raises(Invalid) as refused:
        losses.write_off(admin, "T0003", "never found")
    assert refused.value.code == "circ.write_off_not_claimed"
    losses.claim_returned(clerk, "T0003")
    with pytest.raises(PermissionDenied):
        losses.write_off(clerk, "T0003", "never found")
    outcome = losses.write_off(admin, "T0003", "searched twice, never found")
    assert Loan.get_by_id(outcome.loan_id).ended_as == "written_off" and outcome.item_status == "missing"
    assert outcome.charges == () and owed(shelf.adult) == 0


def test_a_claim_can_still_end_as_lost(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    losses.claim_returned(clerk, "T0001")
    assert losses.mark_lost(clerk, "T0001").charges[0].amount_fen == 2300
