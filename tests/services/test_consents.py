"""Separate consents under a versioned privacy notice, and what they allow to leave the desk."""

from __future__ import annotations

import pytest

from ils.errors import PermissionDenied
from ils.readers import consents, lifecycle, privacy
from ils.readers.readers import change_reader, view_reader
from ils.staff import add_staff, log_in
from tests.codes import refused
from tests.services.reader_samples import ADULT, CHILD, GUARDIAN, register

pytestmark = pytest.mark.usefixtures("english")


def test_the_first_notice_comes_with_the_library(library):
    notice = consents.current_notice()
    assert notice.version == 1 and "个人信息保护法" in notice.text and "单独同意" in notice.text


def test_registration_records_each_consent_with_time_staff_and_notice_version(clerk):
    record = register(clerk, "王芳", ADULT, phone="13812345678", consents=frozenset({"union_sharing", "sms"}))
    assert {(c.kind, c.notice_version, c.granted_by, c.granted_at) for c in record.consents} == {
        ("union_sharing", 1, "李芳", "2026-03-02T09:00:00+08:00"),
        ("sms", 1, "李芳", "2026-03-02T09:00:00+08:00"),
    }


def test_a_new_notice_version_applies_to_consents_given_from_then_on(admin):
    card = register(admin, "王芳", ADULT, consents=frozenset({"union_sharing"})).summary.card_number
    assert consents.publish_notice(admin, "读者个人信息保护告知（第2版）……").version == 2
    given = consents.grant_consent(admin, card, "disability")
    assert {c.kind: c.notice_version for c in given} == {"union_sharing": 1, "disability": 2}
    with refused("input.empty"):
        consents.publish_notice(admin, " ")


def test_only_administrators_publish_the_notice(clerk):
    with refused("staff.not_permitted", PermissionDenied):
        consents.publish_notice(clerk, "新告知")


def test_without_the_sharing_consent_the_reader_never_leaves_this_desk(clerk):
    shared = register(clerk, "王芳", ADULT, consents=frozenset({"union_sharing"})).summary
    local = register(clerk, "李强", GUARDIAN).summary
    assert consents.shareable(shared.id) is True
    assert consents.shareable(local.id) is False
    assert consents.shareable("no-such-reader") is False
    consents.withdraw_consent(clerk, shared.card_number, "union_sharing")
    assert consents.shareable(shared.id) is False


def test_consent_is_granted_once_and_withdrawn_once(clerk):
    card = register(clerk, "王芳", ADULT, phone="13812345678").summary.card_number
    consents.grant_consent(clerk, card, "sms")
    with refused("readers.consent_already_given"):
        consents.grant_consent(clerk, card, "sms")
    after = consents.withdraw_consent(clerk, card, "sms")
    assert after[0].withdrawn_at == "2026-03-02T09:00:00+08:00" and not after[0].current
    with refused("readers.consent_not_given"):
        consents.withdraw_consent(clerk, card, "sms")
    assert [c.current for c in consents.grant_consent(clerk, card, "sms")] == [False, True]


def test_sms_notices_need_a_phone_number(clerk):
    card = register(clerk, "王芳", ADULT).summary.card_number
    with refused("readers.sms_needs_phone"):
        consents.grant_consent(clerk, card, "sms")


def test_disability_status_stays_while_the_reader_is_a_blind_reader(library, admin):
    add_staff(admin, username="room", display_name="赵敏", password="room-pass-1", roles="blind_room")
    room = log_in(library, "room", "room-pass-1")
    card = register(room, "张伟", ADULT, reader_type="blind", consents=frozenset({"disability"})).summary.card_number
    with refused("readers.consent_needed_by_reader_type"):
        consents.withdraw_consent(room, card, "disability")
    change_reader(room, card, reader_type="adult")
    consents.withdraw_consent(room, card, "disability")
    assert [c.current for c in view_reader(room, card).consents] == [False]


def test_a_childs_consents_are_the_guardians(clerk):
    guardian = register(clerk, "李强", GUARDIAN).summary.card_number
    child = register(
        clerk, "李小明", CHILD, reader_type="child", guardian_card=guardian, consents=frozenset({"guardian"})
    ).summary.card_number
    given = consents.grant_consent(clerk, child, "union_sharing")
    assert {c.guardian_card for c in given} == {guardian}
    with refused("readers.child_guardian_consent_withdrawn"):
        consents.withdraw_consent(clerk, child, "guardian")
    with refused("readers.unknown_consent_kind"):
        consents.grant_consent(clerk, child, "marketing")


def test_an_anonymised_reader_is_never_shared(admin, clock):
    summary = register(admin, "王芳", ADULT, consents=frozenset({"union_sharing"})).summary
    lifecycle.cancel_card(admin, summary.card_number)
    assert consents.shareable(summary.id) is True  # the union must learn that the card was returned
    privacy.anonymise_reader(admin, summary.card_number)
    assert consents.shareable(summary.id) is False
