"""MARC export with copies as holdings, and the round trip import → export → import."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pymarc import Field, MARCReader, Record

from db import journal
from db.models import BibIsbn, BibRecord
from ils.catalogue import items, records
from ils.catalogue.marc_export import all_bib_ids, bib_ids_for_barcodes, export_records, write_export
from ils.catalogue.marc_import import apply, stage
from ils.errors import DatabaseProblem, NotFound, PermissionDenied
from ils.initialise import initialise
from ils.library import Library
from ils.session import Session
from ils.staff import log_in
from tests.codes import refused
from tests.services.conftest import ADMIN_PASSWORD
from tests.services.marc_samples import corpus_file, dp2_records, plain_field, record_bytes

pytestmark = pytest.mark.usefixtures("english")


def cnmarc_delivery() -> list[Record]:
    """The dp2 Chinese records as a supplier sends them: each with two copies in 905."""
    delivered = []
    for number, record in enumerate(dp2_records()):
        for field in record.get_fields("905"):
            record.remove_field(field)
        record.add_field(plain_field("905", a="ZG", b=f"4302{number:04d}1", c="ZG-WJ", d="F124", e=str(number + 1)))
        record.add_field(plain_field("905", a="XHMZ", b=f"4302{number:04d}2", c="XHMZ", s=f"F124/{number + 1}:2-1"))
        delivered.append(record)
    return delivered


def marc21_delivery() -> list[Record]:
    """pymarc's ten MARC21 test records with Koha copies, and one Chinese MARC21 record."""
    delivered = []
    with (corpus_file("pymarc/test.dat")).open("rb") as handle:
        for number, record in enumerate(MARCReader(handle)):
            record.add_field(plain_field("952", a="YS", c="YS", p=f"M21{number:03d}", g="12.50"))
            delivered.append(record)
    chinese = Record(force_utf8=True)
    chinese.add_field(Field(tag="008", data="240101s2012    cc            000 0 chi d"))
    chinese.add_field(plain_field("020", a="9787506365437", c="CNY39.50"))
    chinese.add_field(plain_field("245", a="兄弟 /", c="余华著."))
    chinese.add_field(plain_field("264", a="北京 :", b="作家出版社,", c="2012."))
    chinese.add_field(plain_field("952", a="ZG", c="ZG-SE", p="M21CN"))
    delivered.append(chinese)
    return delivered


def delivery_bytes(fmt: str) -> bytes:
    if fmt == "cnmarc":
        return b"".join(record_bytes(r, "gbk") for r in cnmarc_delivery())
    return b"".join(r.as_marc() for r in marc21_delivery())


def snapshot(*, with_call_numbers: bool = True) -> list[tuple]:
    """What a cataloguer would compare: each record's title, ISBNs, fields and copies.

    A CNMARC copy's price is left out: 905 has no price, so a copy merged in from a
    record with another 010$d price comes back with its new record's price.
    """
    rows = []
    for row in BibRecord.select().where(BibRecord.deleted == False).order_by(BibRecord.doc):  # noqa: E712
        record = records.record_from_json(row.marc)
        leader = str(record.leader)
        fields = []
        for field in record.fields:
            if field.is_control_field():
                fields.append((field.tag, field.data))
                continue
            subfields = [(s.code, s.value) for s in field.subfields]
            if row.format == "cnmarc" and field.tag == "100":  # the character set code is rewritten on purpose
                subfields = [(c, v[:26] + v[30:] if c == "a" else v) for c, v in subfields]
            fields.append((field.tag, field.indicator1, field.indicator2, subfields))
        isbns = sorted(i.isbn for i in BibIsbn.select().where(BibIsbn.bib == row.id))
        copies = sorted(
            (
                c.barcode,
                c.branch_code,
                c.location_code,
                c.price_fen if row.format == "marc21" else None,
                c.call_number if with_call_numbers else None,
            )
            for c in items.items_of(row.id)
        )
        rows.append((row.title, row.format, leader[5:12] + leader[17:], isbns, fields, copies))
    return rows


@pytest.fixture
def other_library(tmp_path, clock) -> Iterator[Session]:
    """A second, empty library to import the exported file into (opening it makes it current)."""
    holder: list[Library] = []

    def open_other() -> Session:
        library = initialise(
            tmp_path / "other.sqlite", admin_username="admin", admin_password=ADMIN_PASSWORD, clock=clock
        )
        holder.append(library)
        return log_in(library, "admin", ADMIN_PASSWORD)

    yield open_other
    for library in holder:
        library.close()


def round_trip(admin, open_other, fmt: str, serialisation: str, encoding: str, read_as: str | None) -> tuple:
    first = apply(admin, stage(admin, delivery_bytes(fmt), source_name="delivery.iso"))
    assert first.item_problems == ()
    before = snapshot(with_call_numbers=fmt == "cnmarc")
    data = export_records(admin, all_bib_ids(), serialisation=serialisation, encoding=encoding)
    other = open_other()
    batch = stage(other, data, source_name=f"export.{serialisation}", encoding=read_as)
    assert (batch.counts.rejects, batch.counts.duplicates) == (0, 0)
    second = apply(other, batch)
    assert second.item_problems == ()
    return before, snapshot(with_call_numbers=fmt == "cnmarc")


@pytest.mark.parametrize("serialisation", ["iso2709", "marcxml"])
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize("fmt", ["cnmarc", "marc21"])
def test_import_export_import_gives_the_same_records(admin, other_library, fmt, serialisation, encoding):
    # MARC21 has no code for GBK, so such a file is read back with the character set named.
    read_as = "gbk" if (fmt, serialisation, encoding) == ("marc21", "iso2709", "gbk") else None
    before, after = round_trip(admin, other_library, fmt, serialisation, encoding, read_as)
    assert len(after) == len(before) > 5
    assert after == before


def test_marc21_call_numbers_survive_the_round_trip(admin, other_library):
    record = marc21_delivery()[-1]
    record.add_field(plain_field("852", b="ZG", h="I247.57/35:2", p="CALL1"))
    apply(admin, stage(admin, record.as_marc(), source_name="x.iso"))
    data = export_records(admin, all_bib_ids())
    other = other_library()
    apply(other, stage(other, data, source_name="x.iso"))
    assert items.find_item("CALL1").call_number == "I247.57/35:2"


def test_copies_are_written_back_as_905_and_852(admin):
    apply(admin, stage(admin, delivery_bytes("cnmarc") + delivery_bytes("marc21"), source_name="x.iso"))
    items.change_item(admin, "M21CN", call_number="I247.57/12:3-2")
    cn_id = items.find_item("430200001").bib_id
    m21_id = items.find_item("M21CN").bib_id
    data = export_records(admin, [cn_id, m21_id])
    cn, m21 = MARCReader(data, to_unicode=True, force_utf8=True)
    holdings = [[(s.code, s.value) for s in f.subfields] for f in cn.get_fields("905")]
    assert holdings == [
        [("a", "ZG"), ("b", "430200001"), ("c", "ZG-WJ"), ("d", "F124"), ("e", "1"), ("s", "F124/1")],
        [("a", "XHMZ"), ("b", "430200002"), ("c", "XHMZ"), ("d", "F124"), ("e", "1"), ("f", "2"), ("s", "F124/1:2-1")],
    ]
    (copy,) = m21.get_fields("852")
    assert [(s.code, s.value) for s in copy.subfields] == [
        ("b", "ZG"),
        ("c", "ZG-SE"),
        ("h", "I247.57"),
        ("i", "12:3-2"),
        ("p", "M21CN"),
        ("9", "39.50"),
    ]


def _raw_records(data: bytes) -> list[bytes]:
    return [chunk + b"\x1d" for chunk in data.split(b"\x1d") if chunk]


def test_the_leader_and_100a_tell_the_truth_about_the_character_set(admin):
    apply(admin, stage(admin, delivery_bytes("cnmarc") + delivery_bytes("marc21"), source_name="x.iso"))
    ids = all_bib_ids()
    for encoding, leader09, charset in (("utf-8", b"a", "50  "), ("gbk", b" ", "0120")):
        data = export_records(admin, ids, encoding=encoding)
        chunks = _raw_records(data)
        assert len(chunks) == len(ids) and {c[9:10] for c in chunks} == {leader09}
        parsed = [Record(c, file_encoding=encoding, force_utf8=encoding == "utf-8") for c in chunks]
        codes = {r["100"]["a"][26:30] for r in parsed if r.get_fields("200") and r.get_fields("100")}
        assert codes == {charset}
        assert "中国发展报告" in data.decode(encoding)
    xml = export_records(admin, ids, serialisation="marcxml", encoding="gbk")
    assert xml.startswith(b"<?xml version='1.0' encoding='GBK'?>")
    assert "<leader>" in xml.decode("gbk") and "中国统计出版社" in xml.decode("gbk")


def test_a_character_gbk_cannot_hold_refuses_iso2709_and_is_a_reference_in_marcxml(admin, other_library):
    record = cnmarc_delivery()[0]
    record["200"]["a"] = "𠮷野家的故事"
    apply(admin, stage(admin, record_bytes(record, "gb18030"), source_name="x.iso"))
    (bib_id,) = all_bib_ids()
    with refused("catalogue.export_character_not_in_gbk"):
        export_records(admin, [bib_id], encoding="gbk")
    xml = export_records(admin, [bib_id], serialisation="marcxml", encoding="gbk")
    assert b"&#134071;" in xml
    other = other_library()
    apply(other, stage(other, xml, source_name="x.xml"))
    assert [row.title for row in BibRecord.select()] == ["𠮷野家的故事"]


def test_a_record_too_long_for_iso2709_is_refused_with_a_way_out(admin):
    record = cnmarc_delivery()[0]
    for _part in range(6):  # each field within the limit on import, together past ISO 2709's 99,999 bytes
        record.add_field(plain_field("330", a="很长的提要。" * 1_500))
    apply(admin, stage(admin, _utf8_marcxml(record), source_name="x.xml"))
    (bib_id,) = all_bib_ids()
    with refused("catalogue.export_record_too_large") as caught:
        export_records(admin, [bib_id])
    assert "MARCXML" in caught.value.render("en")
    assert len(export_records(admin, [bib_id], serialisation="marcxml")) > 99_999


def _utf8_marcxml(record: Record) -> bytes:
    """MARCXML has no length limit, so an over-long record can come in that way."""
    from pymarc import record_to_xml

    return b"<collection>" + record_to_xml(record) + b"</collection>"


def test_export_is_journaled_and_needs_the_catalogue_permission(admin, clerk, library):
    apply(admin, stage(admin, delivery_bytes("cnmarc"), source_name="x.iso"))
    ids = all_bib_ids()
    with refused("staff.not_permitted", PermissionDenied):
        export_records(clerk, ids)
    export_records(admin, ids, serialisation="marcxml")
    last = journal.entries(library.database, limit=100_000)[-1]
    assert (last.action, last.entity_type, last.entity_id) == ("catalogue.export", "export", None)
    assert last.data == {"records": len(ids), "serialisation": "marcxml", "encoding": "utf-8"}


def test_bad_requests_get_messages(admin):
    apply(admin, stage(admin, delivery_bytes("cnmarc"), source_name="x.iso"))
    with refused("catalogue.export_unknown_format"):
        export_records(admin, all_bib_ids(), serialisation="csv")
    with refused("catalogue.export_unknown_encoding"):
        export_records(admin, all_bib_ids(), encoding="big5")
    with refused("catalogue.export_nothing_chosen"):
        export_records(admin, [])
    with refused("catalogue.no_such_record_id", NotFound):
        export_records(admin, ["nope"])


def test_choosing_records_by_barcode_and_all_live_records(admin):
    apply(admin, stage(admin, delivery_bytes("cnmarc"), source_name="x.iso"))
    first = items.find_item("430200001").bib_id
    assert bib_ids_for_barcodes(["430200001", "430200002", " 430200011 "]) == [
        first,
        items.find_item("430200011").bib_id,
    ]
    with refused("catalogue.no_such_barcode", NotFound):
        bib_ids_for_barcodes(["NOPE"])
    for copy in items.items_of(first):
        items.change_item(admin, copy.barcode, status="withdrawn")
    records.delete_record(admin, first)
    assert first not in all_bib_ids() and len(all_bib_ids()) == 8


def test_write_export_replaces_the_file_whole(tmp_path):
    target = tmp_path / "out" / "catalogue.mrc"
    write_export(b"old", target)
    write_export(b"new records", target)
    assert target.read_bytes() == b"new records"
    assert [p.name for p in target.parent.iterdir()] == ["catalogue.mrc"]
    with refused("catalogue.export_cannot_write", DatabaseProblem):
        write_export(b"x", target / "inside-a-file.mrc")


def test_the_dp2_sample_reads_back_the_same_as_it_was_imported(admin, other_library):
    """A real MARCXML file, straight through: what the dp2 export held is what comes back."""
    apply(admin, stage(admin, (corpus_file("dp2/sample_cnmarcxml.xml")).read_bytes(), source_name="dp2.xml"))
    before = snapshot()
    data = export_records(admin, all_bib_ids(), encoding="gbk")
    other = other_library()
    apply(other, stage(other, data, source_name="dp2.iso"))
    assert snapshot() == before
