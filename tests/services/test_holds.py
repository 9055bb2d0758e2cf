"""Holds: the queue, trapping a returned copy, the hold shelf and its expiry, transit to the pickup branch."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Hold, Item
from ils.circulation import holds, loans
from ils.circulation.settings import change_circulation_settings
from ils.circulation.transit import receive
from ils.errors import Invalid, NotFound
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ
from tests.services.reader_samples import citizen, register

pytestmark = pytest.mark.usefixtures("english")


def _status(barcode: str) -> str:
    return Item.get(Item.barcode == barcode).status


def test_a_returned_copy_is_trapped_for_the_first_reader_in_the_queue(clerk, shelf, admin):
    third = register(admin, "赵敏", citizen("19950505", order="444")).summary.card_number
    loans.checkout(clerk, shelf.adult, "T0003")
    first = holds.place_hold(clerk, shelf.other, "T0003")
    second = holds.place_hold(clerk, third, shelf.bibs["呐喊"])
    assert (first.position, second.position) == (1, 2)
    returned = loans.return_item(clerk, "T0003")
    assert returned.disposition.action == "hold_shelf"
    assert returned.disposition.hold_expires_on == "2026-03-05"  # three days on the shelf
    assert _status("T0003") == "on_hold_shelf"
    with pytest.raises(loans.LoanRefused) as refused:
        loans.checkout(clerk, third, "T0003")
    assert "circ.hold_for_other" in refused.value.codes
    collected = loans.checkout(clerk, shelf.other, "T0003")
    assert collected.filled_hold
    assert Hold.get_by_id(first.id).state == "fulfilled"
    assert holds.title_queue(clerk, "T0003")[0].position == 1  # the second reader moves up


def test_a_hold_for_another_branch_travels_there_and_waits_on_its_shelf(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0003")
    hold = holds.place_hold(clerk, shelf.other, "T0003", pickup="XHMZ")
    returned = loans.return_item(clerk, "T0003")
    assert returned.disposition.action == "transit" and returned.disposition.to_branch_code == "XHMZ"
    assert Hold.get_by_id(hold.id).state == "in_transit"
    arrived = receive(clerk, "T0003", point="XHMZ-JH")
    assert arrived.action == "hold_shelf"
    assert [h.barcode for h in holds.hold_shelf(clerk, branch="XHMZ")] == ["T0003"]


def test_an_uncollected_hold_expires_and_its_copy_goes_to_the_next_reader(clerk, shelf, admin, clock):
    third = register(admin, "赵敏", citizen("19950505", order="444")).summary.card_number
    loans.checkout(clerk, shelf.adult, "T0003")
    first = holds.place_hold(clerk, shelf.other, "T0003")
    holds.place_hold(clerk, third, "T0003")
    loans.return_item(clerk, "T0003")
    clock.set(dt.datetime(2026, 3, 6, 9, 0, tzinfo=TZ))
    assert holds.hold_shelf(clerk)[0].expired
    expired = holds.expire_holds(clerk)
    assert [o.hold.id for o in expired] == [first.id]
    assert expired[0].disposition.action == "hold_shelf"  # trapped again, for the next reader
    assert holds.hold_shelf(clerk)[0].card_number == third


def test_a_cancelled_hold_puts_its_copy_back_on_the_shelf(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0003")
    hold = holds.place_hold(clerk, shelf.other, "T0003")
    loans.return_item(clerk, "T0003")
    outcome = holds.cancel_hold(clerk, hold.id)
    assert outcome.hold.state == "cancelled" and outcome.disposition.action == "shelve"
    assert _status("T0003") == "available"
    with pytest.raises(Invalid) as refused:
        holds.cancel_hold(clerk, hold.id)
    assert refused.value.code == "circ.hold_ended"


def test_hold_refusals(clerk, admin, shelf):
    change_circulation_settings(admin, hold_limit=1)
    holds.place_hold(clerk, shelf.other, "T0001")
    with pytest.raises(Invalid) as refused:
        holds.place_hold(clerk, shelf.other, shelf.bibs["三体"])
    assert refused.value.code == "circ.hold_already_waiting"
    with pytest.raises(Invalid) as refused:
        holds.place_hold(clerk, shelf.other, "T0003")
    assert refused.value.code == "circ.hold_limit_reached"
    assert "already has 1 hold, the most allowed." in refused.value.render("en")
    assert "已有 1 条预约，已达上限。" in refused.value.render("zh_CN")
    loans.checkout(clerk, shelf.adult, "T0004")
    with pytest.raises(Invalid) as refused:
        holds.place_hold(clerk, shelf.adult, "T0004")
    assert refused.value.code == "circ.hold_title_on_loan"
    with pytest.raises(Invalid) as refused:
        holds.place_hold(clerk, shelf.adult, "D0001", copy_only=True)
    assert refused.value.code == "circ.holds_not_allowed"
    with pytest.raises(NotFound) as refused:
        holds.place_hold(clerk, shelf.adult, "9999")
    assert refused.value.code == "circ.record_not_found"


def test_a_blocked_reader_is_refused_a_hold_with_each_block_as_a_reason(admin, clerk, shelf):
    from ils.circulation.refusals import Refused
    from ils.readers.lifecycle import suspend

    suspend(admin, shelf.other, "damaged a book")
    with pytest.raises(Refused) as refused:
        holds.place_hold(clerk, shelf.other, "T0001")
    assert refused.value.code == "circ.hold_refused" and refused.value.codes == ("circ.reader_suspended",)
    assert str(refused.value) == "No hold placed: Suspended: damaged a book"
    assert Hold.select().count() == 0


def test_a_hold_by_isbn_and_a_copy_level_hold(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    hold = holds.place_hold(clerk, shelf.other, "T0001", copy_only=True)
    assert hold.barcode == "T0001"
    returned = loans.return_item(clerk, "T0001")
    assert returned.disposition.action == "hold_shelf"
    assert holds.reader_holds(clerk, shelf.other)[0].state == "ready"


def test_every_circulation_row_is_journaled(admin, clerk, shelf):
    from ils.maintenance import check

    loans.checkout(clerk, shelf.adult, "T0003")
    loans.renew(clerk, "T0003")
    holds.place_hold(clerk, shelf.other, "T0003", pickup="XHMZ")
    loans.return_item(clerk, "T0003")
    receive(clerk, "T0003", point="XHMZ-JH")
    report = check(admin)
    assert report.ok and report.journal == ()
    assert report.counts["loan"] == 1 and report.counts["transit"] == 1 and report.counts["loan_renewal"] == 1


def test_a_copy_received_at_the_wrong_branch_is_not_received(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.return_item(clerk, "T0001", point="XHMZ-JH")
    with pytest.raises(Invalid) as refused:
        receive(clerk, "T0001", point="YS-JH")
    assert refused.value.code == "circ.transit_elsewhere"
    assert _status("T0001") == "in_transit"
