"""Records, items and locations as the cataloguing desk uses them: add, view, edit, withdraw."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymarc import Field, Leader, Record, Subfield

from db import journal
from db.models import BibRecord
from ils.catalogue import items, locations, records
from ils.catalogue.marc_read import read_marc_file
from ils.catalogue.marc_text import record_to_text, text_to_record
from ils.catalogue.tag_labels import subfield_label, tag_label
from ils.errors import NotFound, PermissionDenied
from ils.i18n import set_language
from tests.codes import refused
from tests.services.marc_samples import MARC_DIR, dp2_records, require_corpus

pytestmark = pytest.mark.usefixtures("english")


def cnmarc(title: str, *, author: str = "曹雪芹", isbn: str | None = "7-02-000220-X", holdings=()) -> Record:
    record = Record(force_utf8=True, leader=Leader("00000nam  2200000   450 "))
    record.add_field(Field(tag="001", data="T0001"))
    if isbn:
        record.add_field(
            Field(tag="010", indicators=[" ", " "], subfields=[Subfield("a", isbn), Subfield("d", "CNY59.70")])
        )
    record.add_field(
        Field(tag="200", indicators=["1", " "], subfields=[Subfield("a", title), Subfield("f", f"{author}著")])
    )
    record.add_field(
        Field(
            tag="210",
            indicators=[" ", " "],
            subfields=[Subfield("a", "北京"), Subfield("c", "人民文学出版社"), Subfield("d", "1996")],
        )
    )
    record.add_field(Field(tag="690", indicators=[" ", " "], subfields=[Subfield("a", "I242.4"), Subfield("v", "5")]))
    record.add_field(Field(tag="701", indicators=[" ", "0"], subfields=[Subfield("a", author)]))
    for barcode, call in holdings:
        record.add_field(
            Field(
                tag="905",
                indicators=[" ", " "],
                subfields=[Subfield("a", "ZG"), Subfield("b", barcode), Subfield("s", call)],
            )
        )
    return record


def test_a_record_is_stored_whole_and_indexed(admin, library):
    bib_id = records.add_record(admin, cnmarc("红楼梦", holdings=[("00000001", "I242.4/7")]), "cnmarc")
    row = BibRecord.get_by_id(bib_id)
    assert (row.title, row.responsibility, row.publisher, row.year) == ("红楼梦", "曹雪芹著", "人民文学出版社", "1996")
    assert row.isbn == "9787020002207"  # ISBN-10 stored as ISBN-13
    assert (row.call_class, row.book_number) == ("I242.4", "7")
    stored = records.record_from_json(row.marc)
    assert not stored.get_fields("905")  # holdings become items, not part of the stored record
    assert stored["200"]["a"] == "红楼梦"
    index = library.database.execute_sql("SELECT title, pinyin FROM bib_search WHERE rowid = ?", (row.doc,)).fetchone()
    assert index[0] == "红 楼 梦"
    assert "hongloumeng" in index[1].split() and "hlm" in index[1].split() and "caoxueqin" in index[1].split()


def test_every_record_and_item_write_is_journaled(admin, library):
    bib_id = records.add_record(admin, cnmarc("围城", author="钱锺书"), "cnmarc")
    items.add_item(admin, bib_id, "00000002")
    actions = [(e.action, e.entity_id) for e in journal.entries(library.database, limit=10_000)]
    assert ("record.add", bib_id) in actions
    assert any(action == "item.add" for action, _ in actions)


def test_items_get_the_desk_branch_and_the_record_call_number_by_default(admin):
    bib_id = records.add_record(admin, cnmarc("红楼梦", holdings=[("00000001", "I242.4/7")]), "cnmarc")
    item = items.add_item(admin, bib_id, " ００００００２３ ", location="ZG-WJ", price="¥59.70")
    assert item.barcode == "00000023"  # full-width digits and spaces from a scanner are normalised
    assert (item.branch_code, item.location_name) == ("ZG", "图书外借部")
    assert item.call_number == "I242.4/7"
    assert item.price_fen == 5970
    assert item.acquired_on == "2026-03-02"


def test_a_barcode_is_never_given_twice(admin):
    bib_id = records.add_record(admin, cnmarc("红楼梦"), "cnmarc")
    items.add_item(admin, bib_id, "A123")
    with refused("catalogue.barcode_taken"):
        items.add_item(admin, bib_id, "a123")
    with refused("catalogue.barcode_format"):
        items.add_item(admin, bib_id, "12 34?")


def test_a_location_must_belong_to_the_item_branch(admin):
    bib_id = records.add_record(admin, cnmarc("红楼梦"), "cnmarc")
    with refused("catalogue.location_in_other_branch"):
        items.add_item(admin, bib_id, "B1", branch="YS", location="ZG-GJ")


def test_changing_an_item_moves_it_and_keeps_circulation_statuses_to_circulation(admin, library):
    bib_id = records.add_record(admin, cnmarc("红楼梦"), "cnmarc")
    items.add_item(admin, bib_id, "C1", location="ZG-WJ")
    moved = items.change_item(admin, "C1", branch="YS", call_number="i242.4／12")
    assert (moved.branch_code, moved.location_code, moved.call_number) == ("YS", None, "I242.4/12")
    assert items.change_item(admin, "C1", status="damaged").status_label == "Damaged"
    library.database.execute_sql("UPDATE item SET status = 'on_loan' WHERE barcode = 'C1'")
    with refused("catalogue.status_belongs_to_circulation"):
        items.change_item(admin, "C1", status="available")


def test_editing_a_record_reindexes_it(admin, library):
    bib_id = records.add_record(admin, cnmarc("红楼梦"), "cnmarc")
    view = records.view_record(bib_id)
    edited = view.record
    edited["200"]["a"] = "石头记"
    summary = records.replace_record(admin, bib_id, edited)
    assert summary.title == "石头记"
    doc = BibRecord.get_by_id(bib_id).doc
    assert library.database.execute_sql("SELECT title FROM bib_search WHERE rowid = ?", (doc,)).fetchone() == (
        "石 头 记",
    )
    assert journal.entries(library.database, limit=10_000)[-1].action == "record.edit"


def test_a_record_with_copies_cannot_be_withdrawn(admin, library):
    bib_id = records.add_record(admin, cnmarc("红楼梦"), "cnmarc")
    items.add_item(admin, bib_id, "D1")
    with refused("catalogue.record_has_copies"):
        records.delete_record(admin, bib_id)
    items.change_item(admin, "D1", status="withdrawn")
    records.delete_record(admin, bib_id)
    with refused("catalogue.no_such_record", NotFound):
        records.view_record(bib_id)
    assert library.database.execute_sql("SELECT COUNT(*) FROM bib_search").fetchone() == (0,)


def test_a_circulation_clerk_may_not_catalogue(clerk):
    with refused("staff.not_permitted", PermissionDenied):
        records.add_record(clerk, cnmarc("红楼梦"), "cnmarc")


def test_reindex_rebuilds_the_index_from_the_stored_records(admin, library):
    for record in dp2_records():
        records.add_record(admin, record, "cnmarc")
    library.database.execute_sql("DELETE FROM bib_search")
    seen = []
    assert records.reindex(admin, progress=lambda done, total: seen.append((done, total))) == 10
    assert seen[-1] == (10, 10)
    assert library.database.execute_sql("SELECT COUNT(*) FROM bib_search").fetchone() == (10,)


def test_the_preset_rooms_are_shelving_locations_with_their_rules(admin):
    by_code = {loc.code: loc for loc in locations.list_locations("ZG")}
    assert by_code["ZG-GJ"].name == "古籍室" and by_code["ZG-GJ"].book_number_scheme == "author"
    assert not by_code["ZG-GJ"].loanable and by_code["ZG-WJ"].loanable
    added = locations.add_location(admin, branch="YS", code="ys-se", name="阳三少儿区", floating=True)
    assert (added.code, added.branch_code, added.floating) == ("YS-SE", "YS", True)
    with refused("catalogue.location_code_taken"):
        locations.add_location(admin, branch="YS", code="YS-SE", name="重复")
    closed = locations.change_location(admin, "YS-SE", active=False)
    assert not closed.active and "YS-SE" not in {loc.code for loc in locations.list_locations("YS")}


def test_marc_text_round_trips_and_names_the_bad_line():
    record = dp2_records()[0]
    record.add_field(Field(tag="330", indicators=[" ", " "], subfields=[Subfield("a", "定价$5")]))
    text = record_to_text(record)
    assert "\n200 1#$a" in text and "{dollar}5" in text
    again = text_to_record(text)
    assert record_to_text(again) == text
    assert again.get_fields("330")[-1]["a"] == "定价$5"
    with refused("catalogue.marc_text_indicators"):
        text_to_record("LDR 00000nam  2200000   450 \n001 x\n200 1#a no dollar")
    with refused("catalogue.record_has_no_leader"):
        text_to_record("200 1#$a书名")


def test_tags_have_readable_names_in_both_formats():
    assert tag_label("cnmarc", "690") == "Chinese Library Classification"
    assert tag_label("marc21", "245") == "Title statement"
    assert subfield_label("cnmarc", "200", "f") == "First statement of responsibility"
    assert tag_label("cnmarc", "999") == ""
    set_language("zh_CN")
    assert tag_label("cnmarc", "200") == "题名与责任说明"


# --- the stored MARC-in-JSON ---------------------------------------------------------------


def _same_json_as_pymarc(record: Record) -> None:
    text = records.marc_json(record)
    assert text == record.as_json(ensure_ascii=False)
    assert records.record_from_json(text).as_marc() == record.as_marc()


def test_the_stored_json_is_the_text_pymarc_writes_for_every_record_of_the_corpus():
    require_corpus()
    files = [p for p in sorted(MARC_DIR.rglob("*")) if p.suffix in {".mrc", ".dat", ".xml", ".iso", ".marc", ".bin"}]
    stored = 0
    for path in files:
        for parsed in read_marc_file(path).records:
            _same_json_as_pymarc(parsed.record)
            assert records.record_from_json(records.prepare(parsed.record, parsed.format, parsed.fields).marc)
            stored += 1
    assert stored > 100


@given(
    st.lists(st.tuples(st.sampled_from('a1$"\\é中'), st.text(), st.sampled_from([" ", "0", "#", '"'])), min_size=1),
    st.text(),
)
def test_the_stored_json_is_the_text_pymarc_writes_for_any_text(subfields, control):
    record = Record(force_utf8=True, leader=Leader("00000nam  2200000   450 "))
    record.add_field(Field(tag="001", data=control))
    record.add_field(
        Field(tag="200", indicators=[subfields[0][2], " "], subfields=[Subfield(c, v) for c, v, _i in subfields])
    )
    assert records.marc_json(record) == record.as_json(ensure_ascii=False)


def test_a_value_that_is_not_text_is_written_as_pymarc_writes_it():
    record = cnmarc("红楼梦")
    record.add_field(Field(tag="005", data=None))
    assert records.marc_json(record) == record.as_json(ensure_ascii=False)
