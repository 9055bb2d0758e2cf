"""Receipts and slips as the reader and the sorting table get them: read back with pdftotext,
the card and name masked, titles and due dates there, kept beside the database, and sent to
the receipt printer when one is set."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from db.models import Journal
from ils.circulation import loans, receipts
from ils.circulation.holds import place_hold
from ils.circulation.settings import change_circulation_settings
from ils.errors import Invalid, NotFound
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ
from tests.services.test_printer import fake_lp

pytestmark = pytest.mark.usefixtures("english")


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def prints(action: str = "receipt.print") -> list[Journal]:
    return list(Journal.select().where(Journal.action == action).order_by(Journal.rowid))


def test_masks_keep_the_ends():
    assert receipts.mask_card_number("4302810000001234") == "4302********1234"
    assert receipts.mask_name("王芳") == "王*" and receipts.mask_name("王小芳") == "王*芳"
    assert receipts.mask_name("欧阳小芳") == "欧**芳"


def test_checkout_receipt_masks_the_reader_and_lists_titles_with_due_dates(library, clerk, shelf):
    first = loans.checkout(clerk, shelf.adult, "T0001")
    second = loans.checkout(clerk, shelf.adult, "T0003")
    path = receipts.checkout_receipt(clerk, shelf.adult, [first.loan.id, second.loan.id])
    assert path.parent == library.path.parent / "prints" and path.name.startswith("checkout-receipt-")
    text = text_of(path)
    assert "Checkout receipt" in text and "醴陵市图书馆" in text
    assert receipts.mask_card_number(shelf.adult) in text and shelf.adult not in text
    assert "王*" in text and "王芳" not in text
    assert "三体" in text and "呐喊" in text and "2026-04-01" in text
    assert "2 items" in text and "李芳" in text  # the clerk who served
    rows = prints()
    assert [(r.entity_type, r.entity_id) for r in rows] == [("loan", first.loan.id), ("loan", second.loan.id)]
    assert all(shelf.adult not in r.data and "王芳" not in r.data for r in rows)


def test_a_receipt_of_one_copy_says_so_in_the_singular(clerk, shelf):
    loan = loans.checkout(clerk, shelf.adult, "T0001").loan
    text = text_of(receipts.checkout_receipt(clerk, shelf.adult, [loan.id]))
    assert "1 item" in text and "1 items" not in text


def test_a_loan_of_another_reader_is_not_printed_on_the_receipt(clerk, shelf):
    loan = loans.checkout(clerk, shelf.other, "T0001").loan
    with pytest.raises(NotFound):
        receipts.checkout_receipt(clerk, shelf.adult, [loan.id])
    with pytest.raises(Invalid):
        receipts.checkout_receipt(clerk, shelf.adult, [])


def test_return_receipt_says_late_days_for_one_readers_returns(clerk, shelf, clock):
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.adult, "T0003")
    clock.set(dt.datetime(2026, 4, 5, 10, 0, tzinfo=TZ))
    results = [loans.return_item(clerk, "T0001"), loans.return_item(clerk, "T0003")]
    text = text_of(receipts.return_receipt(clerk, results))
    assert "Return receipt" in text and "三体" in text and "呐喊" in text
    assert "Returned · 4 days late" in text
    assert receipts.mask_card_number(shelf.adult) in text and shelf.adult not in text
    assert len(prints()) == 2


def test_returns_of_several_readers_print_no_reader(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.other, "T0003")
    results = [loans.return_item(clerk, "T0001"), loans.return_item(clerk, "T0003")]
    text = text_of(receipts.return_receipt(clerk, results))
    assert receipts.mask_card_number(shelf.adult)[:4] not in text and "王*" not in text
    assert prints() == []


def test_transit_slip_names_where_the_copy_goes_and_no_reader(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0002")  # a copy of the XHMZ branch, lent at the central library
    returned = loans.return_item(clerk, "T0002")
    assert returned.disposition.transit_id is not None
    text = text_of(receipts.transit_slip(clerk, returned.disposition.transit_id))
    assert "Transit slip" in text and returned.disposition.to_branch_name in text and "T0002" in text
    assert "三体" in text and "王" not in text
    assert prints() == []


def test_hold_slip_shows_the_masked_name_and_the_last_day(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0003")
    hold = place_hold(clerk, shelf.other, "T0003")
    with pytest.raises(Invalid) as refused:
        receipts.hold_slip(clerk, hold.id)
    assert refused.value.code == "circ.hold_not_on_shelf"
    returned = loans.return_item(clerk, "T0003")
    text = text_of(receipts.hold_slip(clerk, returned.disposition.hold_id))
    assert "Hold slip" in text and "张*" in text and "张伟" not in text
    assert returned.disposition.hold_expires_on in text and "T0003" in text
    assert receipts.mask_card_number(shelf.other) in text and shelf.other not in text
    assert [(r.entity_type, json.loads(r.data)) for r in prints()] == [("hold", {"kind": "hold"})]


def test_a_set_receipt_printer_gets_the_pdf(admin, clerk, shelf, tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    calls = tmp_path / "calls.txt"
    fake_lp(folder, f"printf '%s\\n' \"$@\" > '{calls}'")
    change_circulation_settings(admin, receipt_printer="Receipt_80mm")
    loan = loans.checkout(clerk, shelf.adult, "T0001").loan
    path = receipts.checkout_receipt(clerk, shelf.adult, [loan.id])
    assert calls.read_text().splitlines() == ["-d", "Receipt_80mm", str(path.resolve())]


def test_a_refusing_printer_still_leaves_the_pdf(admin, clerk, shelf, tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    fake_lp(folder, "echo 'no such printer' >&2\nexit 1")
    change_circulation_settings(admin, receipt_printer="Gone")
    loan = loans.checkout(clerk, shelf.adult, "T0001").loan
    with pytest.raises(Invalid, match="no such printer") as refused:
        receipts.checkout_receipt(clerk, shelf.adult, [loan.id])
    saved = list((tmp_path / "prints").glob("checkout-receipt-*.pdf"))
    assert len(saved) == 1 and str(saved[0]) in str(refused.value)
