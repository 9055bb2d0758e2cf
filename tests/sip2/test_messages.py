"""Every message the server answers, sent by ``pysip2`` (a strict client, not ours) in UTF-8
and in GBK, with Chinese titles and names; each outcome checked on the database."""

from __future__ import annotations

import pysip2
import pytest

from ils.circulation.holds import place_hold
from ils.circulation.settings import change_circulation_settings
from ils.readers.lifecycle import report_lost
from tests.sip2.conftest import DATE, Strict

BLANK = " " * 18
TERMINALS = {"utf-8": "zzj1", "gbk": "zzj2"}


@pytest.fixture(params=["utf-8", "gbk"])
def machine(request, room):
    client = Strict(room.port, request.param)
    assert client.log_in(TERMINALS[request.param])
    yield client
    client.close()


def _checkout(card: str, barcode: str, renew: str = "N") -> pysip2.CheckoutRequest:
    return pysip2.CheckoutRequest(
        sc_renewal_policy=renew,
        no_block="N",
        transaction_date=DATE,
        nb_due_date=DATE,
        institution_id="ZZ24",
        patron_identifier=card,
        item_identifier=barcode,
        terminal_password="",
    )


def _checkin(barcode: str) -> pysip2.CheckinRequest:
    return pysip2.CheckinRequest(
        no_block="N",
        transaction_date=DATE,
        return_date=DATE,
        current_location="ZZ24",
        institution_id="ZZ24",
        item_identifier=barcode,
        terminal_password="",
    )


def _status(card: str) -> pysip2.PatronStatusRequest:
    return pysip2.PatronStatusRequest(
        language="019",
        transaction_date=DATE,
        institution_id="ZZ24",
        patron_identifier=card,
        terminal_password="",
        patron_password="",
    )


def _open_loans(room, barcode: str) -> list[tuple]:
    return room.sql(
        "SELECT l.id, r.card_number FROM loan l JOIN item i ON i.id = l.item_id JOIN reader r ON r.id = l.reader_id"
        " WHERE i.barcode = ? AND l.ended_at IS NULL",
        barcode,
    )


def test_sc_status_advertises_what_is_answered(machine):
    answer = machine.ask(pysip2.SCStatusRequest(status_code="0", max_print_width="080", protocol_version="2.00"))
    assert answer.online_status == "Y" and answer.checkout_ok == "Y" and answer.checkin_ok == "Y"
    assert answer.protocol_version == "2.00"
    # 23 11 09 01 99 97 93 63 35 37(fines off) 17 19 25 15 29 65
    assert answer.supported_messages == "YYYYYYYYYNYNNNYY"
    assert answer.library_name


def test_patron_status_gives_the_chinese_name_and_clear_bits(room, machine):
    answer = machine.ask(_status(room.cards["欧阳明月"]))
    assert answer.personal_name == "欧阳明月"
    assert answer.valid_patron == "Y"
    assert answer.patron_status == " " * 14
    unknown = machine.ask(_status("9999999999999999"))
    assert unknown.valid_patron == "N" and unknown.patron_status.startswith("YYYY")


def test_a_chinese_title_lent_renewed_and_returned(room, machine):
    card, barcode = room.cards["王芳"], room.barcodes["三体"][1]
    lent = machine.ask(_checkout(card, barcode))
    assert lent.ok == "1" and lent.desensitize == "Y"
    assert lent.title_identifier == "三体"
    assert lent.due_date.strip()
    assert any("三体" in line for line in lent.screen_message)
    assert _open_loans(room, barcode)[0][1] == card
    loan_id = _open_loans(room, barcode)[0][0]
    assert room.sql("SELECT COUNT(*) FROM sync_row WHERE tbl = 'loan' AND pk = ?", loan_id) == [(1,)]  # to the union

    again = machine.ask(_checkout(room.cards["张伟"], barcode))
    assert again.ok == "0" and again.screen_message  # on loan to another reader: refused, said why
    assert _open_loans(room, barcode)[0][1] == card

    renewed = machine.ask(
        pysip2.RenewRequest(
            third_party_allowed="N",
            no_block="N",
            transaction_date=DATE,
            nb_due_date=DATE,
            institution_id="ZZ24",
            patron_identifier=card,
            item_identifier=barcode,
        )
    )
    assert renewed.ok == "1" and renewed.renewal_ok == "Y" and renewed.due_date > lent.due_date
    assert room.sql("SELECT renewals FROM loan WHERE id = ?", _open_loans(room, barcode)[0][0]) == [(1,)]

    # Someone else's card cannot renew it.
    other = machine.ask(
        pysip2.RenewRequest(
            third_party_allowed="N",
            no_block="N",
            transaction_date=DATE,
            nb_due_date=DATE,
            institution_id="ZZ24",
            patron_identifier=room.cards["张伟"],
            item_identifier=barcode,
        )
    )
    assert other.ok == "0"

    item = machine.ask(
        pysip2.ItemInformationRequest(transaction_date=DATE, institution_id="ZZ24", item_identifier=barcode)
    )
    assert item.circulation_status == "04" and item.title_identifier == "三体" and item.due_date == renewed.due_date

    back = machine.ask(_checkin(barcode))
    assert back.ok == "1" and back.title_identifier == "三体" and back.permanent_location == "ZZ24"
    assert _open_loans(room, barcode) == []
    assert room.sql("SELECT status FROM item WHERE barcode = ?", barcode) == [("available",)]
    assert machine.ask(_checkin(barcode)).ok == "0"  # not on loan any more


def test_patron_information_lists_loans_holds_and_overdue(room, machine):
    card = room.cards["李娜"]
    for barcode in room.barcodes["活着"][:2]:
        assert machine.ask(_checkout(card, barcode)).ok == "1"
    room.run(place_hold, room.admin(), card, room.barcodes["围城"][0])
    answer = machine.ask(
        pysip2.PatronInformationRequest(
            language="019",
            transaction_date=DATE,
            summary="YYYY      ",
            institution_id="ZZ24",
            patron_identifier=card,
            terminal_password="",
            patron_password="",
        )
    )
    assert answer.personal_name == "李娜"
    assert answer.charged_items_count == "0002" and answer.hold_items_count == "0001"
    assert answer.overdue_items_count == "0000"
    assert set(answer.charged_items) == set(room.barcodes["活着"][:2])
    assert len(answer.hold_items) == 1


def test_renew_all_and_end_session(room, machine):
    card = room.cards["张伟"]
    lent = room.barcodes["平凡的世界"][:2]
    for barcode in lent:
        assert machine.ask(_checkout(card, barcode)).ok == "1"
    answer = machine.ask(pysip2.RenewAllRequest(transaction_date=DATE, institution_id="ZZ24", patron_identifier=card))
    assert answer.ok == "1" and answer.renewed_count == "0002" and set(answer.renewed_items) == set(lent)
    assert room.sql(
        "SELECT COUNT(*) FROM loan l JOIN reader r ON r.id = l.reader_id WHERE r.card_number = ? AND renewals = 1", card
    ) == [(2,)]
    end = machine.ask(
        pysip2.EndPatronSessionRequest(transaction_date=DATE, institution_id="ZZ24", patron_identifier=card)
    )
    assert end.end_session == "Y"


def test_a_hold_is_trapped_when_its_copy_comes_back(room, machine):
    barcode = room.barcodes["红楼梦"][0]
    assert machine.ask(_checkout(room.cards["王芳"], barcode)).ok == "1"
    for other in room.barcodes["红楼梦"][1:]:
        assert machine.ask(_checkout(room.cards[f"读者{room.barcodes['红楼梦'].index(other):02d}"], other)).ok == "1"
    admin = room.admin()
    room.run(lambda: place_hold(admin, room.cards["欧阳明月"], barcode, pickup="ZZ24"))
    back = machine.ask(_checkin(barcode))
    assert back.ok == "1" and back.alert == "Y" and back.sort_bin == "hold_shelf"
    assert room.sql(
        "SELECT h.state FROM hold h JOIN reader r ON r.id = h.reader_id WHERE r.card_number = ?", room.cards["欧阳明月"]
    ) == [("ready",)]
    # Anyone else is refused the copy kept for her; she gets it.
    assert machine.ask(_checkout(room.cards["张伟"], barcode)).ok == "0"
    assert machine.ask(_checkout(room.cards["欧阳明月"], barcode)).ok == "1"


def test_a_lost_card_is_refused_with_the_lost_card_bit(room, machine):
    card = room.cards["张伟"]
    room.run(report_lost, room.admin(), card)
    status = machine.ask(_status(card))
    assert status.patron_status[:5] == "YYYYY"  # charge, renew, recall, hold denied; card reported lost
    lent = machine.ask(_checkout(card, room.barcodes["围城"][3]))
    assert lent.ok == "0"
    assert _open_loans(room, room.barcodes["围城"][3]) == []
    journal = room.sql("SELECT data FROM journal WHERE action = 'sip2.refused'")
    assert journal and card not in journal[-1][0] and "readers.card_lost" in journal[-1][0]


def test_an_overdue_reader_is_refused_with_the_overdue_bits(room, machine):
    card = room.cards["李娜"]
    assert machine.ask(_checkout(card, room.barcodes["围城"][1])).ok == "1"
    room.server.clock.advance(days=60)
    status = machine.ask(_status(card))
    assert status.patron_status[0] == "Y" and status.patron_status[6] == "Y"  # charge denied, too many overdue
    refused = machine.ask(_checkout(card, room.barcodes["围城"][2]))
    assert refused.ok == "0"


def test_block_patron_suspends_the_reader(room, machine):
    card = room.cards["王芳"]
    answer = machine.ask(
        pysip2.BlockPatronRequest(
            card_retained="Y",
            transaction_date=DATE,
            institution_id="ZZ24",
            blocked_card_message="机器吞卡",
            patron_identifier=card,
            terminal_password="",
        )
    )
    assert answer.patron_status[0] == "Y"
    assert room.sql(
        "SELECT b.kind FROM reader_block b JOIN reader r ON r.id = b.reader_id WHERE r.card_number = ?", card
    ) == [("suspended",)]


def test_fee_paid_only_in_fines_mode(room, machine):
    card, barcode = room.cards["欧阳明月"], room.barcodes["活着"][4]

    def pay(amount: str):
        return machine.ask(
            pysip2.FeePaidRequest(
                transaction_date=DATE,
                fee_type="01",
                payment_type="00",
                currency_type="CNY",
                fee_amount=amount,
                institution_id="ZZ24",
                patron_identifier=card,
            )
        )

    assert pay("1.00").payment_accepted == "N"  # no fines in this library (the default)
    admin = room.admin()
    room.run(lambda: change_circulation_settings(admin, overdue_mode="fines"))
    assert machine.ask(_checkout(card, barcode)).ok == "1"
    room.server.clock.advance(days=40)
    assert machine.ask(_checkin(barcode)).ok == "1"
    owed = room.sql(
        "SELECT SUM(c.amount_fen) FROM charge c JOIN reader r ON r.id = c.reader_id WHERE r.card_number = ?", card
    )[0][0]
    assert owed > 0
    assert pay(f"{owed / 100:.2f}").payment_accepted == "Y"
    assert room.sql(
        "SELECT COUNT(*) FROM charge c JOIN reader r ON r.id = c.reader_id WHERE r.card_number = ?"
        " AND c.settled_at IS NULL",
        card,
    ) == [(0,)]


def test_unsupported_requests_get_a_proper_not_ok_answer(room, machine):
    answer = machine.ask(
        pysip2.HoldRequest(hold_mode="+", transaction_date=DATE, institution_id="ZZ24", patron_identifier="1")
    )
    assert answer.ok == "0" and answer.screen_message
    enable = machine.ask(
        pysip2.PatronEnableRequest(transaction_date=DATE, institution_id="ZZ24", patron_identifier="1")
    )
    assert enable.valid_patron == "N"
