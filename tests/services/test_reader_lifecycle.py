"""The card's life at the desk: verify, lost, found, replaced, renewed, suspended, returned."""

from __future__ import annotations

import pytest

from db.models import Journal
from ils import maintenance
from ils.errors import PermissionDenied
from ils.readers import lifecycle
from ils.readers.readers import find_readers, scan_card, view_reader
from ils.staff import add_staff, log_in
from tests.codes import refused
from tests.services.reader_samples import ADULT, CHILD, GUARDIAN, register

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def card(admin) -> str:
    return register(admin, "王芳", ADULT).summary.card_number


def _kinds(session, card_number):
    return [b.kind for b in scan_card(session, card_number).blocks] if card_number else []


def test_verify_says_whether_the_id_number_is_the_holders_and_is_journaled(clerk, card):
    assert lifecycle.verify(clerk, card, ADULT.lower()).matches is True
    assert lifecycle.verify(clerk, card, GUARDIAN).matches is False
    rows = Journal.select().where(Journal.action == "reader.verify")
    assert [r.data.count("true") for r in rows] == [1, 0]


def test_reporting_a_card_lost_blocks_it_at_once_and_only_once(clerk, card):
    record = lifecycle.report_lost(clerk, card)
    assert [b.kind for b in record.summary.blocks] == ["lost"]
    assert record.cards[0].state == "lost"
    with refused("readers.card_already_reported_lost"):
        lifecycle.report_lost(clerk, card)


def test_cancelling_the_loss_report_needs_the_holders_id(clerk, card):
    lifecycle.report_lost(clerk, card)
    with refused("readers.id_number_not_holders"):
        lifecycle.cancel_loss(clerk, card, GUARDIAN)
    assert view_reader(clerk, card).cards[0].state == "lost"
    record = lifecycle.cancel_loss(clerk, card, ADULT)
    assert record.summary.blocks == () and scan_card(clerk, card).name == "王芳"
    with refused("readers.card_not_lost"):
        lifecycle.cancel_loss(clerk, card, ADULT)


def test_a_guardian_acts_for_a_child(admin):
    guardian = register(admin, "李强", GUARDIAN).summary.card_number
    child = register(
        admin, "李小明", CHILD, reader_type="child", guardian_card=guardian, consents=frozenset({"guardian"})
    ).summary.card_number
    lifecycle.report_lost(admin, child)
    assert lifecycle.replace_card(admin, child, GUARDIAN).summary.name == "李小明"


def test_replacing_gives_a_new_number_and_the_old_one_is_dead(clerk, card):
    lifecycle.report_lost(clerk, card)
    with refused("readers.id_number_not_holders"):
        lifecycle.replace_card(clerk, card, GUARDIAN)
    record = lifecycle.replace_card(clerk, card, ADULT)
    new = record.summary.card_number
    assert new != card and record.summary.blocks == ()
    assert [(c.card_number, c.state) for c in record.cards] == [(card, "replaced"), (new, "active")]
    with refused("readers.card_replaced"):
        lifecycle.report_lost(clerk, card)
    with refused("readers.card_replaced"):
        lifecycle.replace_card(clerk, card, ADULT)


def test_a_damaged_card_is_replaced_with_a_pre_printed_one(clerk, card):
    from stdnum import luhn

    blank = "430281777777777" + luhn.calc_check_digit("430281777777777")
    assert lifecycle.replace_card(clerk, card, ADULT, new_card_number=blank).summary.card_number == blank


def test_cards_that_do_not_expire_cannot_be_renewed(clerk, card):
    with refused("readers.card_never_expires"):
        lifecycle.renew(clerk, card)


def test_a_temporary_card_expires_blocks_and_renews_from_today(clerk, clock):
    card = register(clerk, "王芳", ADULT, reader_type="temporary").summary.card_number
    assert scan_card(clerk, card).expires_on == "2026-09-02"
    clock.advance(days=200)
    blocks = scan_card(clerk, card).blocks
    assert [(b.kind, b.since) for b in blocks] == [("expired", "2026-09-02")]
    assert lifecycle.renew(clerk, card).summary.expires_on == "2027-03-18"
    assert _kinds(clerk, card) == []


def test_renewing_before_the_end_adds_to_the_end_date(clerk, clock):
    card = register(clerk, "王芳", ADULT, reader_type="temporary").summary.card_number
    clock.advance(days=30)
    assert lifecycle.renew(clerk, card).summary.expires_on == "2027-03-02"


def test_suspensions_stack_with_their_reasons_and_lift_together(clerk, card):
    with refused("input.empty"):
        lifecycle.suspend(clerk, card, "  ")
    lifecycle.suspend(clerk, card, "损坏图书未赔偿")
    record = lifecycle.suspend(clerk, card, "借阅证借给他人使用")
    assert [(b.kind, b.detail) for b in record.summary.blocks] == [
        ("suspended", "损坏图书未赔偿"),
        ("suspended", "借阅证借给他人使用"),
    ]
    assert "损坏图书" not in " ".join(r.data for r in Journal.select())
    assert lifecycle.unsuspend(clerk, card).summary.blocks == ()
    with refused("readers.not_suspended"):
        lifecycle.unsuspend(clerk, card)


def test_one_suspension_is_lifted_by_its_id(clerk, card):
    lifecycle.suspend(clerk, card, "一")
    second = lifecycle.suspend(clerk, card, "二").summary.blocks[1].block_id
    assert [b.detail for b in lifecycle.unsuspend(clerk, card, block_id=second).summary.blocks] == ["一"]


def test_blocks_stack_and_the_desk_sees_each_reason(admin, clock):
    card = register(admin, "王芳", ADULT, reader_type="temporary").summary.card_number
    lifecycle.suspend(admin, card, "多次逾期未还")
    lifecycle.report_lost(admin, card)
    clock.advance(days=200)
    record = view_reader(admin, card)
    assert [b.kind for b in record.summary.blocks] == ["lost", "suspended", "expired"]
    assert all(b.label and b.detail for b in record.summary.blocks)


def test_returning_the_card_ends_it_and_the_person_may_register_again(clerk, card):
    record = lifecycle.cancel_card(clerk, card)
    assert record.summary.status == "cancelled" and [b.kind for b in record.summary.blocks] == ["cancelled"]
    with refused("readers.card_returned"):
        scan_card(clerk, card)
    for step in (lifecycle.report_lost, lifecycle.cancel_card, lifecycle.renew):
        with refused("readers.card_returned"):
            step(clerk, card)
    again = register(clerk, "王芳", ADULT)
    assert again.summary.card_number != card
    assert {r.status for r in find_readers(clerk, ADULT)} == {"active", "cancelled"}


def test_a_guardian_cannot_return_the_card_while_a_child_depends_on_it(admin):
    guardian = register(admin, "李强", GUARDIAN).summary.card_number
    register(admin, "李小明", CHILD, reader_type="child", guardian_card=guardian, consents=frozenset({"guardian"}))
    with refused("readers.cancel_guardian_of_wards"):
        lifecycle.cancel_card(admin, guardian)


def test_card_steps_need_the_permission(admin, library, card):
    add_staff(admin, username="events", display_name="活动", password="events-pass-1", roles="events")
    events = log_in(library, "events", "events-pass-1")
    with refused("staff.not_permitted", PermissionDenied):
        lifecycle.report_lost(events, card)


def test_every_reader_row_is_journaled(admin, clock):
    guardian = register(admin, "李强", GUARDIAN, consents=frozenset({"union_sharing"})).summary.card_number
    child = register(
        admin, "李小明", CHILD, reader_type="child", guardian_card=guardian, consents=frozenset({"guardian"})
    ).summary.card_number
    lifecycle.report_lost(admin, child)
    lifecycle.replace_card(admin, child, GUARDIAN)
    lifecycle.suspend(admin, guardian, "馆内违规")
    report = maintenance.check(admin)
    assert report.ok, report.lines()
    assert report.counts["reader"] == 2 and report.counts["reader_card"] == 3
