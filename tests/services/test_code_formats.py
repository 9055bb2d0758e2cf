"""Item barcodes and card numbers read against the library's own format, never bent to fit it."""

from __future__ import annotations

import pytest

from db.models import Journal
from ils.catalogue import items, records
from ils.catalogue.book_numbers import next_barcodes, reserve_range
from ils.code_formats import CodeFormat
from ils.errors import NotFound, PermissionDenied
from ils.readers import settings
from ils.readers.readers import scan_card
from tests.codes import refused
from tests.services.reader_samples import ADULT, GUARDIAN, register
from tests.services.test_records import cnmarc

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def bib(admin) -> str:
    return records.add_record(admin, cnmarc("红楼梦"), "cnmarc")


def test_the_default_format_takes_every_barcode_the_library_has_used(admin, bib):
    for typed, stored in (
        ("T0001", "T0001"),
        ("0000001145", "0000001145"),
        ("ILS-0001234", "ILS-0001234"),
        ("Ｔ０００２\r\n", "T0002"),
        ("t0003", "T0003"),
    ):
        assert items.add_item(admin, bib, typed).barcode == stored


@pytest.mark.parametrize("typed", ["abc 12", "T 0001", "T0001?", "-T0001", "T" * 33, "条码1"])
def test_a_barcode_that_does_not_fit_is_refused_not_bent(admin, bib, typed):
    with refused("catalogue.barcode_format") as caught:
        items.add_item(admin, bib, typed)
    assert caught.value.render("en").endswith("a barcode has 1 to 32 capital letters, digits or '-'.")
    assert items.items_of(bib) == []


def test_a_scan_that_fits_no_barcode_is_told_so_and_an_unknown_one_is_not_found(admin, bib):
    items.add_item(admin, bib, "ABC12")
    assert items.get_item("abc12").barcode == "ABC12"  # Caps Lock on the scanner: the same label
    with refused("catalogue.barcode_format"):
        items.get_item("abc 12")  # never ABC12
    with refused("catalogue.no_such_barcode", NotFound):
        items.get_item("ABC13")
    with refused("input.not_text"):
        items.get_item("ABC\udcff")


def test_a_library_sets_its_own_format_and_scans_are_read_against_it(admin, bib):
    items.add_item(admin, bib, "4300000001")
    shape = items.change_barcode_format(admin, letters=False, min_length=10, max_length=10, prefix="43")
    assert shape == CodeFormat(letters=False, min_length=10, max_length=10, prefix="43")
    assert items.barcode_format() == shape
    assert items.add_item(admin, bib, "4300000002").barcode == "4300000002"
    for typed in ("T0001", "4300000", "5300000001", "43000000011"):
        with refused("catalogue.barcode_format") as caught:
            items.add_item(admin, bib, typed)
        assert caught.value.render("en").endswith("a barcode has 10 digits, starting with 43.")
    assert "10 位数字，以 43 开头" in caught.value.render("zh_CN")


def test_a_format_the_barcodes_in_use_do_not_fit_is_refused(admin, bib):
    items.add_item(admin, bib, "T0001")
    items.add_item(admin, bib, "4300000001")
    with refused("catalogue.barcodes_misfit_format") as caught:
        items.change_barcode_format(admin, letters=False)
    assert (caught.value.params["count"], caught.value.params["example"]) == (1, "T0001")
    with refused("catalogue.barcodes_misfit_format"):
        items.change_barcode_format(admin, min_length=6)
    with refused("codes.lengths"):
        items.change_barcode_format(admin, min_length=12, max_length=8)
    with refused("codes.prefix"):
        items.change_barcode_format(admin, letters=False, prefix="LL")
    assert items.barcode_format() == CodeFormat(letters=True, min_length=1, max_length=32)


def test_barcodes_drawn_from_a_range_must_fit_the_format(admin, library):
    reserve_range(admin, kind="barcode", first=1, last=100)
    assert next_barcodes(admin, 1) == ["0000000001"]
    items.change_barcode_format(admin, letters=False, min_length=8, max_length=8)
    with refused("catalogue.barcode_format"):
        next_barcodes(admin, 1)


def test_only_staff_who_reserve_numbers_set_the_format_and_a_refusal_is_journaled(clerk):
    with refused("staff.not_permitted", PermissionDenied):
        items.change_barcode_format(clerk, letters=False)
    last = Journal.select().order_by(Journal.rowid.desc()).get()
    assert (last.action, last.entity_id) == ("staff.refused", clerk.staff.id)


# --- card numbers ----------------------------------------------------------------------------


def test_card_numbers_are_read_against_the_library_card_format(admin):
    card = register(admin, "王芳", ADULT).summary.card_number
    assert scan_card(admin, f" {card}\n").card_number == card
    for typed in (f"{card[:6]} {card[6:]}", card[:5], card + "0" * 9, "LL" + card):
        with refused("readers.card_number_format"):
            scan_card(admin, typed)
    with refused("readers.card_check_digit"):
        scan_card(admin, card[:-1] + str((int(card[-1]) + 1) % 10))


def test_a_library_sets_its_card_format_and_cards_issued_must_fit_it(admin):
    card = register(admin, "王芳", ADULT).summary.card_number
    shape = settings.change_card_format(admin, min_length=16, max_length=16, prefix="430281")
    assert shape.describe().render("en") == "16 digits, starting with 430281, the last one a check digit"
    assert scan_card(admin, card).name == "王芳"
    assert register(admin, "李强", GUARDIAN).summary.card_number.startswith("430281")
    with refused("readers.card_number_format"):
        scan_card(admin, "4302910000000002")
    with refused("readers.cards_misfit_format") as caught:
        settings.change_card_format(admin, prefix="430282")
    assert caught.value.params["count"] == 2
    with refused("readers.card_prefix_misfits_format"):
        settings.change_reader_settings(admin, card_prefix="4302")  # new cards would have 14 digits
    with refused("codes.check_digit_needs_digits"):
        settings.change_card_format(admin, letters=True)


def test_a_card_prefix_typed_in_full_width_digits_is_stored_in_ascii(admin):
    assert settings.change_reader_settings(admin, card_prefix="４３０２８２").card_prefix == "430282"
    assert register(admin, "王芳", ADULT).summary.card_number.startswith("430282")
