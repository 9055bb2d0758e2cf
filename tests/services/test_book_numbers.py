"""Call numbers given at the cataloguing desk: 种次号 from per-node ranges, 著者号, barcode ranges."""

from __future__ import annotations

import pytest
from pymarc import Field, Indicators, Record, Subfield

from db import journal
from db.models import BibRecord, BookNumber, Item
from ils.catalogue.book_numbers import (
    CENTRAL_BOOK_NUMBERS,
    assign_call_number,
    author_mark,
    list_ranges,
    next_barcodes,
    reserve_range,
)
from ils.catalogue.items import add_item, find_item
from ils.catalogue.records import add_record
from ils.errors import NotFound, PermissionDenied
from ils.initialise import initialise
from ils.staff import add_staff, log_in
from tests.codes import refused

from .conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.usefixtures("english")


def cnmarc_record(
    title: str, *, clc: str | None = "I247.5", author: str | None = None, responsibility: str | None = None
) -> Record:
    """A small CNMARC record as a supplier sends it: title, responsibility, 中图法 class, author."""
    record = Record(force_utf8=True)
    title_subfields = [Subfield("a", title)]
    if responsibility:
        title_subfields.append(Subfield("f", responsibility))
    record.add_field(Field("200", Indicators("1", " "), title_subfields))
    if clc:
        record.add_field(Field("690", Indicators(" ", " "), [Subfield("a", clc), Subfield("v", "5")]))
    if author:
        record.add_field(Field("701", Indicators(" ", "0"), [Subfield("a", author)]))
    return record


def new_record(session, title: str, **kwargs) -> str:
    return add_record(session, cnmarc_record(title, **kwargs), "cnmarc")


def imported_numbers(session, clc_class: str, *numbers: int, bib_id: str | None = None) -> None:
    """Numbers in the ledger as an import leaves them for the call numbers of a supplier's 905."""
    with session.write() as writer:
        for number in numbers:
            BookNumber.insert(
                clc_class=clc_class,
                number=number,
                bib=bib_id,
                node_id="supplier-file",
                assigned_at="2026-03-01T09:00:00+08:00",
            ).execute()
        writer.journal("test.import", "book_number", None, {"class": clc_class, "numbers": list(numbers)})


def _actions(library) -> list[str]:
    return [e.action for e in journal.entries(library.database, limit=10_000)]


@pytest.fixture
def cataloguer(library, admin):
    add_staff(admin, username="cat", display_name="编目员", password="cat-pass-1", roles="cataloguing", branch="ZG")
    return log_in(library, "cat", "cat-pass-1")


# --- ranges --------------------------------------------------------------------------------


def test_init_gives_the_central_desk_its_first_book_numbers_and_a_branch_desk_none(library, tmp_path):
    (central,) = list_ranges(library)
    assert (central.kind, central.node_id, central.first, central.last) == (
        "book_number",
        library.node_id,
        *CENTRAL_BOOK_NUMBERS,
    )
    assert "number_range.reserve" in _actions(library)
    library.close()
    branch = initialise(
        tmp_path / "branch.sqlite", admin_username="admin", admin_password=ADMIN_PASSWORD, branch_code="XHMZ"
    )
    try:
        assert list_ranges(library) == []
    finally:
        branch.close()


def test_two_offline_nodes_with_their_own_ranges_never_give_the_same_number(tmp_path, clock):
    """The central library and a branch catalogue the same class on separate databases."""
    given: dict[str, list[str]] = {}
    for name, branch_code in (("central", "ZG"), ("branch", "XHMZ")):
        lib = initialise(
            tmp_path / f"{name}.sqlite",
            admin_username="admin",
            admin_password=ADMIN_PASSWORD,
            branch_code=branch_code,
            clock=clock,
        )
        try:
            session = log_in(lib, "admin", ADMIN_PASSWORD)
            if branch_code != "ZG":  # the block the central library set aside for this branch
                reserve_range(session, kind="book_number", first=5000, last=5099)
            given[name] = [assign_call_number(session, new_record(session, f"小说{i}", clc="I247.5")) for i in range(4)]
        finally:
            lib.close()
    assert given["central"] == ["I247.5/1", "I247.5/2", "I247.5/3", "I247.5/4"]
    assert given["branch"] == ["I247.5/5000", "I247.5/5001", "I247.5/5002", "I247.5/5003"]
    assert not set(given["central"]) & set(given["branch"])


def test_overlapping_ranges_are_refused_whichever_node_holds_them(library, admin):
    reserve_range(admin, kind="book_number", first=5000, last=5099, node_id="branch-node-7")
    with refused("catalogue.range_overlaps"):
        reserve_range(admin, kind="book_number", first=5050, last=5200)
    with refused("catalogue.range_overlaps"):
        reserve_range(admin, kind="book_number", first=4999, last=4999, node_id="another")
    # Barcode ranges are another kind of number: the same figures do not clash.
    reserve_range(admin, kind="barcode", first=1, last=5000)
    with refused("catalogue.range_invalid"):
        reserve_range(admin, kind="barcode", first=9, last=8)
    assert [(r.kind, r.first, r.last) for r in list_ranges(library)] == [
        ("barcode", 1, 5000),
        ("book_number", 1, 4999),
        ("book_number", 5000, 5099),
    ]
    assert _actions(library).count("number_range.reserve") == 3  # init's, and two here


def test_ranges_need_the_permission_to_reserve_numbers(cataloguer, clerk):
    for session in (cataloguer, clerk):
        with refused("staff.not_permitted", PermissionDenied):
            reserve_range(session, kind="book_number", first=6000, last=6999)


# --- 种次号 ---------------------------------------------------------------------------------


def test_call_number_is_written_to_the_record_the_ledger_and_copies_without_one(library, cataloguer):
    bib = new_record(cataloguer, "呐喊", clc="ｉ２４６．７")  # typed full-width: normalised
    add_item(cataloguer, bib, "T0001")
    add_item(cataloguer, bib, "T0002", call_number="I246.7/99")  # typed by hand: left alone
    assert assign_call_number(cataloguer, bib) == "I246.7/1"
    row = BibRecord.get_by_id(bib)
    assert (row.call_class, row.book_number) == ("I246.7", "1")
    ledger = BookNumber.get(BookNumber.clc_class == "I246.7")
    assert (ledger.number, ledger.bib_id, ledger.node_id) == (1, bib, library.node_id)
    assert find_item("T0001").call_number == "I246.7/1"
    assert find_item("T0002").call_number == "I246.7/99"
    assert _actions(library)[-2:] == ["record.call_number", "item.change"]


def test_numbers_follow_on_after_numbers_met_on_import(library, admin, cataloguer):
    imported = new_record(cataloguer, "旧书", clc="I247.5")
    imported_numbers(admin, "I247.5", 7, 12, bib_id=imported)
    imported_numbers(admin, "K928.9", 40, bib_id=imported)
    assert assign_call_number(cataloguer, new_record(cataloguer, "新书")) == "I247.5/13"
    assert assign_call_number(cataloguer, new_record(cataloguer, "地理", clc="K928.9")) == "K928.9/41"
    assert assign_call_number(cataloguer, new_record(cataloguer, "另一类", clc="I247.57")) == "I247.57/1"


def test_used_up_and_missing_ranges_are_clear_refusals(library, admin, cataloguer, tmp_path):
    imported_numbers(admin, "I247.5", 4999)
    with refused("catalogue.book_number_range_used_up"):
        assign_call_number(cataloguer, new_record(cataloguer, "满了"))
    # Another class still has room in the same block.
    assert assign_call_number(cataloguer, new_record(cataloguer, "诗", clc="I227")) == "I227/1"
    library.close()
    branch = initialise(
        tmp_path / "branch.sqlite", admin_username="admin", admin_password=ADMIN_PASSWORD, branch_code="YS"
    )
    try:
        session = log_in(branch, "admin", ADMIN_PASSWORD)
        with refused("catalogue.no_book_number_range"):
            assign_call_number(session, new_record(session, "分馆的书"))
    finally:
        branch.close()


def test_refusals_name_what_is_missing(cataloguer, clerk):
    with refused("catalogue.record_has_no_class"):
        assign_call_number(cataloguer, new_record(cataloguer, "无分类", clc=None))
    with refused("catalogue.clc_class_invalid"):
        assign_call_number(cataloguer, new_record(cataloguer, "错分类"), clc_class="Y123")
    with refused("catalogue.no_such_record", NotFound):
        assign_call_number(cataloguer, "no-such-record")
    with refused("staff.not_permitted", PermissionDenied):
        assign_call_number(clerk, new_record(cataloguer, "流通员不能编目"))


def test_a_second_call_number_only_when_asked_and_copies_keep_their_volume(cataloguer):
    bib = new_record(cataloguer, "鲁迅全集", clc="I210.1")
    assign_call_number(cataloguer, bib)
    add_item(cataloguer, bib, "V0001")
    add_item(cataloguer, bib, "V0002", call_number="I210.1/1:2")
    with refused("catalogue.record_has_call_number"):
        assign_call_number(cataloguer, bib)
    assert assign_call_number(cataloguer, bib, clc_class="I210.2", replace=True) == "I210.2/1"
    assert find_item("V0001").call_number == "I210.2/1"
    assert find_item("V0002").call_number == "I210.2/1:2"
    # The old number stays in the ledger and is not given again.
    assert assign_call_number(cataloguer, new_record(cataloguer, "另一本", clc="I210.1")) == "I210.1/2"


def test_copies_shelve_in_shelf_order_not_text_order(admin, cataloguer):
    imported_numbers(admin, "I247.5", 8)
    barcodes = {}
    for title in ("九", "十"):
        bib = new_record(cataloguer, title)
        barcodes[assign_call_number(cataloguer, bib)] = add_item(cataloguer, bib, f"S{len(barcodes)}").barcode
    imported_numbers(admin, "I247.5", 122)
    for title, clc in (("一二三", "I247.5"), ("一", "I247.57")):
        bib = new_record(cataloguer, title, clc=clc)
        barcodes[assign_call_number(cataloguer, bib)] = add_item(cataloguer, bib, f"S{len(barcodes)}").barcode
    shelved = [item.call_number for item in Item.select().order_by(Item.shelf_key)]
    assert shelved == ["I247.5/9", "I247.5/10", "I247.5/123", "I247.57/1"]
    assert sorted(shelved) != shelved  # plain text order would be wrong


# --- 著者号 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mark"),
    [
        ("鲁迅", "LX"),
        ("曹雪芹", "CXQ"),
        ("(清)曹雪芹", "CXQ"),
        ("［英］狄更斯", "DGS"),
        ("马克·吐温", "MKTW"),
        ("Smith, John", "SMI"),
        ("John Smith", "SMI"),
        ("Li", "LI"),
        ("O'Brien, Flann", "OBR"),
        ("", ""),
    ],
)
def test_author_mark(name, mark):
    assert author_mark(name) == mark


def test_author_numbers_at_a_location_that_shelves_by_author(library, cataloguer):
    """地方文献室 (ZG-DF) uses 著者号: the second title by 鲁迅 in a class becomes LX2."""
    first = new_record(cataloguer, "呐喊", clc="I210.4", author="鲁迅")
    second = new_record(cataloguer, "彷徨", clc="I210.4", author="鲁迅")
    other_class = new_record(cataloguer, "朝花夕拾", clc="I210.5", author="鲁迅")
    from_statement = new_record(cataloguer, "红楼梦", clc="I242.4", responsibility="(清)曹雪芹, 高鹗著")
    western = new_record(cataloguer, "Oliver Twist", clc="I561.44", author="Smith")
    assert assign_call_number(cataloguer, first, location="ZG-DF") == "I210.4/LX"
    assert assign_call_number(cataloguer, second, location="zg-df") == "I210.4/LX2"
    assert assign_call_number(cataloguer, other_class, location="ZG-DF") == "I210.5/LX"
    assert assign_call_number(cataloguer, from_statement, location="ZG-DF") == "I242.4/CXQ"
    assert assign_call_number(cataloguer, western, location="ZG-DF") == "I561.44/SMI"
    # Replacing a record's own number does not count the record against itself.
    assert assign_call_number(cataloguer, second, location="ZG-DF", replace=True) == "I210.4/LX2"
    # Derived marks use no 种次号.
    assert BookNumber.select().count() == 0
    # Without --location the copies' location decides.
    third = new_record(cataloguer, "野草", clc="I210.4", author="鲁迅")
    add_item(cataloguer, third, "DF0001", location="ZG-DF")
    assert assign_call_number(cataloguer, third) == "I210.4/LX3"
    assert find_item("DF0001").call_number == "I210.4/LX3"


def test_no_author_is_a_clear_refusal_for_an_author_number(cataloguer):
    bib = new_record(cataloguer, "醴陵县志", clc="K296.44")
    with refused("catalogue.record_has_no_author"):
        assign_call_number(cataloguer, bib, location="ZG-GJ")
    assert assign_call_number(cataloguer, bib, location="ZG-WJ") == "K296.44/1"


# --- barcodes --------------------------------------------------------------------------------


def test_new_barcodes_come_from_this_desks_range_after_the_highest_used(library, admin, cataloguer):
    with refused("catalogue.no_barcode_range"):
        next_barcodes(cataloguer, 1)
    reserve_range(admin, kind="barcode", first=1000, last=1005)
    reserve_range(admin, kind="barcode", first=2000, last=2001, node_id="another-desk")
    assert next_barcodes(cataloguer, 3) == ["0000001000", "0000001001", "0000001002"]
    bib = new_record(cataloguer, "条码")
    add_item(cataloguer, bib, "0000001003")  # a pre-printed label used by hand
    add_item(cataloguer, bib, "00000010031")  # longer: not a number of this range
    assert next_barcodes(cataloguer, 2) == ["0000001004", "0000001005"]
    with refused("catalogue.barcode_range_used_up"):
        next_barcodes(cataloguer, 3)
    ranges = {(r.kind, r.first): r for r in list_ranges(library)}
    assert (ranges["barcode", 1000].used, ranges["barcode", 1000].left) == (1, 2)
    assert (ranges["barcode", 2000].used, ranges["barcode", 2000].left) == (0, 2)


def test_book_number_ranges_report_how_far_they_are_used(cataloguer, library):
    for clc in ("I247.5", "I247.5", "I247.5", "K928.9"):
        assign_call_number(cataloguer, new_record(cataloguer, "书", clc=clc))
    (central,) = list_ranges(library, "book_number")
    assert (central.used, central.left) == (4, 4999 - 3)
    with refused("catalogue.range_unknown_kind"):
        list_ranges(library, "cards")


def test_a_class_that_is_not_text_is_refused_as_such(admin):
    bib_id = new_record(admin, "红楼梦", clc=None)
    with refused("input.not_text"):
        assign_call_number(admin, bib_id, clc_class="I24\udcff")
