"""Requests queued, parcels posted and delivered, returns checked against the parcel, the printouts."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from db.models import BlindDispatch, BlindRequest, Loan
from ils.blind import desk, dispatch, lending, printouts, profiles, requests
from ils.errors import IlsError, Invalid

ADDRESS = "湖南省株洲市醴陵市阳三石街道\n瓷城大道128号3栋2单元501室"


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def addressed(room):
    profiles.set_profile(room.session, room.reader, address=ADDRESS, postcode="412200", route="城东线")
    return room


def test_a_request_posted_returned_with_a_volume_missing_then_complete(addressed, tmp_path):
    room = addressed
    asked = requests.take_request(room.session, room.reader, channel="phone", wanted="平凡的世界（盲文版）", how="post")
    assert [r.id for r in requests.request_queue(room.session)] == [asked.id]
    sent = dispatch.dispatch(
        room.session, request_id=asked.id, barcodes=[room.braille, room.audio], registered_number="xa 1234 5678 9cn"
    )
    assert sent.method == "post" and sent.registered_number == "XA123456789CN"
    assert {i.barcode for i in sent.items} == {room.braille, room.audio}
    assert BlindRequest.get_by_id(asked.id).state == "dispatched" and requests.request_queue(room.session) == []
    label = printouts.parcel_label(room.session, sent.id)
    text = _pdf_text(label)
    assert "盲人读物" in text and "瓷城大道128号3栋2单元501室" in text and "刘明" in text and "412200" not in text
    assert all(digit in text for digit in "412200") and "XA123456789CN" in text
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(_png(label, tmp_path))], capture_output=True, text=True)
    assert decoded.stdout.strip() == printouts.parcel_reference(sent.id)
    card = printouts.return_card(room.session, sent.id, size="100x150")
    back = _pdf_text(card)
    front, reverse = back.split("\f")[:2]
    assert "盲人读物" in front and "盲人读物" in reverse and "平凡的世界" in reverse and "活着" in reverse
    # The parcel comes back with the DAISY discs and four of the five braille volumes.
    scanned = desk.identify(room.session, printouts.parcel_reference(sent.id))
    assert scanned.kind == "parcel" and scanned.parcel.id == sent.id
    part = dispatch.receive_parcel(room.session, sent.id, {room.audio: None, room.braille: [1, 2, 3, 5]})
    assert part.still_out == (room.braille,) and part.dispatch.back_at is None
    assert [b.ended for b in part.returned] == [True, False]
    loans = {line.loan.barcode: line for line in desk.open_reader(room.session, room.reader).loans}
    assert loans[room.braille].volumes_out == (4,) and loans[room.braille].parcel.endswith(
        printouts.parcel_reference(sent.id)
    )
    done = dispatch.receive_parcel(room.session, sent.id, {room.braille: [4]})
    assert done.still_out == () and done.dispatch.back_at is not None
    assert Loan.select().where(Loan.ended_at.is_null()).count() == 0


def _png(pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "label")], check=True)
    return tmp_path / "label.png"


def test_a_parcel_needs_an_address_and_an_eligible_reader(room):
    with pytest.raises(Invalid) as no_address:
        dispatch.dispatch(room.session, card_number=room.reader, barcodes=[room.braille])
    assert no_address.value.code == "blind.no_address"
    with pytest.raises(Invalid) as not_served:
        requests.take_request(room.session, room.sighted, channel="phone", wanted="三体")
    assert not_served.value.code == "blind.not_eligible"
    assert Loan.select().count() == 0


def test_a_refused_item_stops_the_whole_parcel(addressed):
    room = addressed
    lending.lend(room.session, room.other, room.audio)
    with pytest.raises(IlsError) as refused:
        dispatch.dispatch(room.session, card_number=room.reader, barcodes=[room.braille, room.audio])
    assert refused.value.code == "circ.loan_refused"
    assert Loan.select().where(Loan.reader.is_null(False)).count() == 1 and BlindDispatch.select().count() == 0


def test_home_deliveries_by_day_and_route_and_who_delivered(addressed, clock):
    room = addressed
    asked = requests.take_request(room.session, room.reader, channel="wechat", wanted="红楼梦", how="delivery")
    trip = dispatch.dispatch(room.session, request_id=asked.id, barcodes=[room.audio], deliver_on=dt.date(2026, 3, 4))
    assert trip.method == "delivery" and trip.route == "城东线" and trip.registered_number is None
    [round_] = dispatch.delivery_rounds(room.session, dt.date(2026, 3, 4))
    assert round_.route == "城东线" and round_.stops[0].reader_name == "刘明"
    assert round_.stops[0].address.postcode == "412200" and round_.stops[0].phone == "13912345678"
    assert dispatch.delivery_rounds(room.session, dt.date(2026, 3, 5)) == []
    made = dispatch.mark_delivered(room.session, trip.id, delivered_by="志愿者 周建国")
    assert made.delivered_by == "志愿者 周建国"
    with pytest.raises(Invalid):
        dispatch.mark_delivered(room.session, trip.id, delivered_by="又一次")


def test_a_group_of_blind_people_borrows_through_its_contact(room):
    import random

    from ils.demo.readers import organisation_code
    from tests.services.reader_samples import register

    group = register(
        room.session, "醴陵市盲人协会", organisation_code(random.Random(1)), id_type="organisation", reader_type="group"
    ).summary.card_number
    profiles.set_profile(
        room.session,
        group,
        association=True,
        contact_name="周建国",
        contact_phone="13800001111",
        address="醴陵市残联大楼三楼",
        postcode="412200",
        delivery="delivery",
        route="城西线",
    )
    found = desk.open_reader(room.session, group)
    assert found.eligibility.eligible and found.profile.contact.name == "周建国"
    for serial in room.devices:
        lending.lend(room.session, group, serial)
    assert len(desk.open_reader(room.session, group).loans) == 3
