"""Book rotation (图书流转): a batch packed at the central library, sent to a branch or a van
stop, lent there, brought back; and the yearly figure the annual report needs."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Item, Journal, Loan, RotationItem, Transit
from ils.catalogue.items import add_item, change_item
from ils.circulation import loans, rotation, transit, van
from ils.errors import Invalid, NotFound, PermissionDenied
from ils.staff import add_staff, log_in
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ

DUE_BACK = dt.date(2026, 6, 1)


pytestmark = pytest.mark.usefixtures("english")


def item(barcode: str) -> Item:
    return Item.get(Item.barcode == barcode)


def packed(session, to: str, barcodes: list[str], **options) -> rotation.BatchInfo:
    batch = rotation.create_batch(session, to, due_back=DUE_BACK, **options)
    result = rotation.add_items(session, batch.code, barcodes)
    assert result.added == tuple(barcodes) and not result.refused
    return result.batch


def test_a_batch_goes_to_a_branch_is_lent_there_and_comes_home(clerk, shelf, clock):
    batch = rotation.create_batch(clerk, "xhmz", due_back=DUE_BACK, note="春季流转")
    assert batch.code == "ZG-LZ2026-001" and batch.state == "packing" and batch.destination == "星海明筑分馆"
    assert rotation.add_items(clerk, batch.code, ["t0001", "T0003", "T0004"]).batch.items == 3

    sent = rotation.send_batch(clerk, batch.code)
    assert sent.sent == ("T0001", "T0003", "T0004") and sent.in_transit and sent.batch.state == "out"
    assert {t.barcode for t in transit.transits(clerk, branch="XHMZ")} == {"T0001", "T0003", "T0004"}
    assert {t.reason for t in transit.transits(clerk, branch="XHMZ")} == {"rotation"}
    assert item("T0001").status == "in_transit" and item("T0001").at_branch.code == "XHMZ"

    for barcode in ("T0001", "T0003", "T0004"):
        assert transit.receive(clerk, barcode, point="XHMZ-JH").action == transit.SHELVE
    assert item("T0003").status == "available"

    lent = loans.checkout(clerk, shelf.adult, "T0001", point="XHMZ-JH")
    loan = Loan.get_by_id(lent.loan.id)
    assert loan.rotation_batch.code == batch.code and loan.service_point.code == "XHMZ-JH"
    returned = loans.return_item(clerk, "T0001", point="XHMZ-JH")
    assert returned.disposition.action == transit.SHELVE  # rotated stock stays where it was sent
    loans.checkout(clerk, shelf.other, "T0003", point="XHMZ-JH")

    [listed] = rotation.list_batches(clerk)
    assert (listed.items, listed.on_loan, listed.loans, listed.late) == (3, 1, 2, False)

    clock.set(dt.datetime(2026, 6, 1, 10, 0, tzinfo=TZ))
    back = rotation.bring_back(clerk, batch.code)
    assert back.sent_home == ("T0001", "T0004") and not back.shelved
    [(barcode, note)] = [(n.barcode, n.note) for n in back.elsewhere]
    assert barcode == "T0003" and note.code == "circ.batch_back_on_loan" and note.params["due"] == "2026-04-01"
    assert back.batch.state == "back" and back.batch.returned_at.startswith("2026-06-01")
    assert {t.reason for t in transit.transits(clerk, branch="ZG")} == {"rotation_return"}
    assert RotationItem.select().where(RotationItem.returned_at.is_null()).count() == 0

    assert transit.receive(clerk, "T0001").action == transit.SHELVE
    home = item("T0001")
    assert home.status == "available" and home.at_branch is None and home.rotation_batch is None
    later = loans.return_item(clerk, "T0003", point="XHMZ-JH")  # the copy lent on rotation goes home now
    assert later.disposition.action == transit.TRANSIT and later.disposition.to_branch_code == "ZG"


def test_a_batch_to_a_van_stop_counts_its_loans_for_the_stop(admin, clerk, shelf):
    van.add_stop(admin, "LDQC-FL1", "枫林镇集市", "东线")
    batch = packed(clerk, "ldqc-fl1", ["T0005", "T0006"])
    assert (batch.to_branch_code, batch.to_point_code) == ("LDQC", "LDQC-FL1")
    assert batch.destination == "流动汽车图书屋 · 枫林镇集市"
    rotation.send_batch(clerk, batch.code)
    assert Transit.get(Transit.item == item("T0005").id).to_branch.code == "LDQC"

    transit.receive(clerk, "T0005", point="LDQC-FL1")
    loans.checkout(clerk, shelf.adult, "T0005", point="LDQC-FL1")
    loans.checkout(clerk, shelf.other, "T0006", point="LDQC-FL1")  # received as it is lent
    assert {loan.service_point.code for loan in Loan.select()} == {"LDQC-FL1"}
    assert rotation.batch_detail(clerk, batch.code).batch.loans == 2
    assert [i.loans for i in rotation.batch_detail(clerk, batch.code).items] == [1, 1]


def test_a_batch_within_the_branch_needs_no_transit(clerk, shelf):
    batch = packed(clerk, "ZG-SE", ["T0007"])
    sent = rotation.send_batch(clerk, batch.code)
    assert not sent.in_transit and item("T0007").status == "available" and Transit.select().count() == 0
    lent = loans.checkout(clerk, shelf.adult, "T0007", point="ZG-SE")
    assert Loan.get_by_id(lent.loan.id).rotation_batch_id == batch.id
    loans.return_item(clerk, "T0007", point="ZG-SE")
    back = rotation.bring_back(clerk, batch.code)
    assert back.shelved == ("T0007",) and not back.sent_home and Transit.select().count() == 0


def test_each_refused_barcode_is_named_with_its_reason(admin, clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0005")
    packed(clerk, "YS", ["T0006"])
    change_item(admin, "T0007", status="missing")
    batch = rotation.create_batch(clerk, "XHMZ", due_back=DUE_BACK)
    result = rotation.add_items(
        clerk, batch.code, ["ZZ999", "T0005", "T0006", "T0002", "T0007", "T0001", "t0001", "bad barcode!"]
    )
    assert result.added == ("T0001",)
    refused = [(n.barcode, n.note.code) for n in result.refused]
    assert refused[1:-1] == [
        ("T0005", "circ.batch_copy_on_loan"),
        ("T0006", "circ.batch_copy_in_other_batch"),
        ("T0002", "circ.batch_copy_elsewhere"),
        ("T0007", "circ.batch_copy_not_on_shelf"),
        ("T0001", "circ.batch_copy_already_in"),
    ]
    assert [barcode for barcode, _code in refused[:: len(refused) - 1]] == ["ZZ999", "bad barcode!"]
    assert all(code.startswith("catalogue.") for _barcode, code in refused[:: len(refused) - 1])
    assert result.refused[2].note.params["batch"] == "ZG-LZ2026-001"
    assert str(result.refused[3].note) == "T0002 is at 星海明筑分馆, not at 总馆: it can only be sent from where it is."


def test_a_copy_lent_after_packing_is_left_behind_when_the_batch_goes(clerk, shelf):
    batch = packed(clerk, "XHMZ", ["T0001", "T0003"])
    loans.checkout(clerk, shelf.adult, "T0003")
    sent = rotation.send_batch(clerk, batch.code)
    assert sent.sent == ("T0001",) and [(n.barcode, n.note.code) for n in sent.left_behind] == [
        ("T0003", "circ.batch_copy_on_loan")
    ]
    assert sent.batch.items == 1 and item("T0003").rotation_batch is None
    with pytest.raises(Invalid) as refused:
        rotation.add_items(clerk, batch.code, ["T0004"])
    assert refused.value.code == "circ.batch_already_sent"
    with pytest.raises(Invalid) as refused:
        rotation.send_batch(clerk, batch.code)
    assert refused.value.code == "circ.batch_already_sent"


def test_a_batch_with_nothing_left_to_send_names_every_copy_and_why(clerk, shelf):
    batch = packed(clerk, "XHMZ", ["T0001", "T0003"])
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.adult, "T0003")
    with pytest.raises(rotation.Refused) as refused:
        rotation.send_batch(clerk, batch.code)
    assert refused.value.code == "circ.rotation_nothing_to_send"
    assert refused.value.codes == ("circ.batch_copy_on_loan", "circ.batch_copy_on_loan")
    assert [reason.params["barcode"] for reason in refused.value.reasons] == ["T0001", "T0003"]
    assert str(refused.value) == (
        f"Nothing in batch {batch.code} can be sent: T0001 is on loan: add it once it is "
        "back. T0003 is on loan: add it once it is back."
    )
    assert RotationItem.select().count() == 2  # nothing was left behind: the refusal changed nothing


def test_a_batch_is_refused_in_clear_words(library, admin, clerk, shelf):
    with pytest.raises(Invalid) as refused:
        rotation.create_batch(clerk, "XHMZ", due_back=dt.date(2026, 3, 2))
    assert refused.value.code == "circ.batch_due_back_past"
    with pytest.raises(Invalid) as refused:
        rotation.create_batch(clerk, "ZG", due_back=DUE_BACK)
    assert refused.value.code == "circ.batch_to_own_branch"
    with pytest.raises(NotFound) as refused:
        rotation.create_batch(clerk, "nowhere", due_back=DUE_BACK)
    assert refused.value.code == "circ.unknown_destination"
    rotation.create_batch(clerk, "XHMZ", due_back=DUE_BACK, code="lz-spring")
    with pytest.raises(Invalid) as refused:
        rotation.create_batch(clerk, "YS", due_back=DUE_BACK, code="LZ-SPRING")
    assert refused.value.code == "circ.batch_code_taken"
    with pytest.raises(Invalid) as refused:
        rotation.send_batch(clerk, "LZ-SPRING")
    assert refused.value.code == "circ.batch_empty"
    with pytest.raises(Invalid) as refused:
        rotation.bring_back(clerk, "LZ-SPRING")
    assert refused.value.code == "circ.batch_not_sent"
    with pytest.raises(NotFound) as refused:
        rotation.bring_back(clerk, "lz-autumn")
    assert refused.value.code == "circ.batch_not_found"
    add_staff(admin, username="cat", display_name="编目", password="cat-pass-1", roles="cataloguing")
    with pytest.raises(PermissionDenied):
        rotation.create_batch(log_in(library, "cat", "cat-pass-1"), "XHMZ", due_back=DUE_BACK)


def test_bringing_back_twice_is_refused_and_late_batches_are_flagged(clerk, shelf, clock):
    batch = packed(clerk, "XHMZ", ["T0001"])
    rotation.send_batch(clerk, batch.code)
    clock.set(dt.datetime(2026, 6, 2, 9, 0, tzinfo=TZ))
    assert rotation.list_batches(clerk, state="out")[0].late
    back = rotation.bring_back(clerk, batch.code)
    assert back.elsewhere[0].note.code == "circ.batch_back_in_transit"
    with pytest.raises(Invalid) as refused:
        rotation.bring_back(clerk, batch.code)
    assert refused.value.code == "circ.batch_already_back"
    # The copy never reached the branch: when it does, it is sent straight home.
    assert transit.receive(clerk, "T0001", point="XHMZ-JH").to_branch_code == "ZG"


def test_the_yearly_figure_counts_copies_sent_per_receiving_branch(admin, clerk, shelf, clock):
    for number in range(10, 16):
        add_item(admin, shelf.bibs["活着"], f"T00{number}", location="ZG-WJ")
    clock.set(dt.datetime(2025, 11, 3, 9, 0, tzinfo=TZ))
    rotation.send_batch(clerk, packed(clerk, "XHMZ", ["T0010", "T0011"]).code)
    clock.set(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ))
    first = packed(clerk, "XHMZ", ["T0012", "T0013", "T0014"])
    rotation.send_batch(clerk, first.code)
    rotation.send_batch(clerk, packed(clerk, "YS", ["T0015"]).code)
    packed(clerk, "ZQ", ["T0001"])  # still being packed: not rotated yet
    transit.receive(clerk, "T0012", point="XHMZ-JH")
    loans.checkout(clerk, shelf.adult, "T0012", point="XHMZ-JH")
    rotation.bring_back(clerk, first.code)

    year = rotation.rotation_year(clerk, 2026)
    assert (year.batches, year.volumes, year.returned, year.loans) == (2, 4, 3, 1)
    assert [(f.branch_code, f.batches, f.volumes, f.returned, f.loans) for f in year.branches] == [
        ("XHMZ", 1, 3, 3, 1),
        ("YS", 1, 1, 0, 0),
    ]
    assert rotation.rotation_year(clerk, 2025).volumes == 2
    assert [b.code for b in rotation.list_batches(clerk)] == [
        "ZG-LZ2026-003",
        "ZG-LZ2026-002",
        "ZG-LZ2025-001",
        "ZG-LZ2026-001",
    ]
    assert [b.code for b in rotation.list_batches(clerk, branch="YS")] == ["ZG-LZ2026-002"]


def test_every_row_made_is_journaled(clerk, shelf):
    batch = packed(clerk, "XHMZ", ["T0001"])
    rotation.send_batch(clerk, batch.code)
    transit.receive(clerk, "T0001", point="XHMZ-JH")
    rotation.bring_back(clerk, batch.code)
    journaled = {(row.action, row.entity_id) for row in Journal.select()}
    rotation_item = RotationItem.get()
    assert ("rotation.create", batch.id) in journaled and ("rotation.add", rotation_item.id) in journaled
    assert ("rotation.send", batch.id) in journaled and ("rotation.return", batch.id) in journaled
    assert {("transit.send", t.id) for t in Transit.select()} <= journaled
    assert Transit.select().count() == 2
