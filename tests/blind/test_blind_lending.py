"""Devices lent with their accessories and back, repairs, the loan limit, sets returned partly."""

from __future__ import annotations

import json

import pytest

from db.models import BlindDevice, BlindLoan, BlindRepair, BlindVolumeReturn, Item, Loan
from ils.blind import eligibility, lending, repairs, stock
from ils.circulation.loans import LoanRefused
from ils.errors import Invalid


def test_eligibility_needs_the_type_the_consent_and_a_check(room):
    unchecked = eligibility.eligibility(room.session, room.sighted)
    assert not unchecked.eligible
    assert {m.code for m in unchecked.missing} == {
        "blind.not_blind_type",
        "blind.no_disability_consent",
        "blind.not_verified",
    }
    checked = eligibility.eligibility(room.session, room.reader)
    assert checked.eligible and checked.verification.document == "disability_certificate"
    assert checked.verification.verified_by == "赵敏" and not checked.verification.certificate_kept
    with pytest.raises(Invalid) as refused:
        eligibility.verify(room.session, room.reader, certificate_number="43028119700101333311")
    assert refused.value.code == "blind.certificate_not_kept"
    withdrawn = eligibility.withdraw_verification(room.session, room.reader)
    assert not withdrawn.eligible and [m.code for m in withdrawn.missing] == ["blind.not_verified"]


def test_a_device_out_with_its_kit_back_without_the_charger_then_repaired(room):
    serial = room.devices[0]
    lent = lending.lend(room.session, room.reader, serial, accessories=["charger", "earphones", "cable", "manual"])
    assert lent.kind == "device" and lent.loan.due_on == "2026-05-31"  # 90 days from 2026-03-02
    row = BlindLoan.get_by_id(lent.loan.id)
    assert json.loads(row.accessories_out) == ["charger", "earphones", "cable", "manual"]
    back = lending.give_back(room.session, serial, accessories=["earphones", "cable", "manual"], note="充电器丢了")
    assert back.ended and back.condition == "accessory_missing" and back.missing_accessories == ("charger",)
    row = BlindLoan.get_by_id(lent.loan.id)
    assert row.condition == "accessory_missing" and json.loads(row.accessories_back) == ["earphones", "cable", "manual"]
    assert Loan.get_by_id(lent.loan.id).ended_as == "returned"
    device = BlindDevice.get(BlindDevice.serial == serial)
    assert json.loads(device.accessories) == ["earphones", "cable", "manual", "bag"]
    sent = repairs.send_to_repair(room.session, serial, repairer="中国盲文出版社售后", fault="不开机")
    assert sent.state == "in_repair" and Item.get_by_id(device.item_id).status == "processing"
    with pytest.raises(LoanRefused):
        lending.lend(room.session, room.other, serial)
    fixed = repairs.back_from_repair(room.session, serial, note="换电池")
    assert fixed.state == "in_stock" and BlindRepair.get(BlindRepair.device == device.id).outcome == "repaired"
    again = lending.lend(room.session, room.other, serial)
    assert again.accessories == ("earphones", "cable", "manual", "bag")


def test_one_device_per_reader_and_only_for_eligible_readers(room):
    lending.lend(room.session, room.reader, room.devices[0])
    with pytest.raises(LoanRefused) as refused:
        lending.lend(room.session, room.reader, room.devices[1])
    assert "Loan limit" in str(refused.value) or "1" in str(refused.value)
    with pytest.raises(Invalid) as not_eligible:
        lending.lend(room.session, room.sighted, room.devices[1])
    assert not_eligible.value.code == "blind.not_eligible"
    # The device does not use up one of the reader's five other loans.
    assert lending.lend(room.session, room.reader, room.braille).kind == "set"


def test_a_braille_set_returned_with_a_volume_missing_stays_on_loan_for_it(room):
    lent = lending.lend(room.session, room.reader, room.braille)
    assert lent.volumes == 5
    part = lending.give_back(room.session, room.braille, volumes=[1, 2, 4, 5])
    assert not part.ended and part.volumes_back == (1, 2, 4, 5) and part.volumes_out == (3,)
    loan = Loan.get_by_id(lent.loan.id)
    assert loan.ended_at is None and Item.get(Item.barcode == room.braille).status == "on_loan"
    assert BlindVolumeReturn.select().where(BlindVolumeReturn.loan == loan.id).count() == 4
    with pytest.raises(Invalid) as twice:
        lending.give_back(room.session, room.braille, volumes=[2])
    assert twice.value.code == "blind.volume_not_out"
    rest = lending.give_back(room.session, room.braille)
    assert rest.ended and rest.volumes_back == (3,) and Loan.get_by_id(loan.id).ended_at is not None
    assert stock.get_set(room.session, room.braille).volumes[2].state == "present"


def test_a_volume_written_off_ends_a_loan_waiting_only_for_it(room):
    lending.lend(room.session, room.reader, room.audio)
    lending.give_back(room.session, room.audio, volumes=[1, 3])
    ended = lending.write_off_volume(room.session, room.audio, 2, note="读者遗失")
    assert ended is not None and ended.ended
    assert [v.state for v in stock.get_set(room.session, room.audio).volumes] == ["present", "lost", "present"]
    again = lending.lend(room.session, room.other, room.audio)
    assert again.volumes == 2


def test_a_certificate_number_is_kept_only_when_the_library_says_so_and_then_sealed(room, admin):
    from db.models import BlindVerification
    from ils.blind.settings import change_blind_settings
    from ils.errors import PermissionDenied

    number = "43028119700101333311"
    with pytest.raises(PermissionDenied):  # keeping them is a privacy decision, not the room's
        change_blind_settings(room.session, store_certificate_number=True)
    change_blind_settings(admin, store_certificate_number=True)
    checked = eligibility.verify(room.session, room.other, certificate_number=number)
    assert checked.verification.certificate_kept
    row = BlindVerification.get_by_id(checked.verification.id)
    assert number.encode() not in bytes(row.certificate_cipher)
    with pytest.raises(PermissionDenied):
        eligibility.reveal_certificate(room.session, room.other)
    assert eligibility.reveal_certificate(admin, room.other) == number
    eligibility.withdraw_verification(room.session, room.other)
    assert BlindVerification.get_by_id(row.id).certificate_cipher is None


def test_a_proxy_borrows_for_the_reader_and_the_loan_says_so(room):
    from ils.blind import desk, proxies

    helper = proxies.add_proxy(room.session, room.reader, name="刘小红", relation="女儿", phone="13700001111")
    lent = lending.lend(room.session, room.reader, room.braille, proxy_id=helper.id)
    assert lent.proxy == "刘小红" and BlindLoan.get_by_id(lent.loan.id).proxy_id == helper.id
    [line] = desk.open_reader(room.session, room.reader).loans
    assert line.proxy == "刘小红" and line.volumes_out == (1, 2, 3, 4, 5)
    proxies.end_proxy(room.session, room.reader, helper.id)
    with pytest.raises(Exception) as ended:
        lending.lend(room.session, room.reader, room.audio, proxy_id=helper.id)
    assert ended.value.code == "blind.no_such_proxy"
