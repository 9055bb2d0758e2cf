"""DAISY 2.02 and 3 books read and catalogued; hostile and broken XML refused with a clear code."""

from __future__ import annotations

import pytest

from db.models import BibRecord, Item
from ils.blind import daisy, daisy_import, stock
from ils.blind.safe_xml import UnsafeXml, parse
from ils.catalogue.records import record_from_json
from ils.errors import Invalid
from tests.blind import daisy_books as books


def test_a_chinese_daisy_202_book_in_a_folder(tmp_path):
    book = daisy.read_book(books.folder(tmp_path, "pingfan", {"NCC.HTML": books.ncc(), "s0001.smil": b"<smil/>"}))
    assert (book.format, book.title, book.creators, book.narrator) == ("DAISY 2.02", "平凡的世界", ("路遥",), "李野墨")
    assert book.identifier == "CBP-DAISY-2019-0042" and book.total_seconds == 26 * 3600 + 41 * 60 + 7
    assert (book.disc, book.discs, book.total_time) == (1, 3, "26:41:07")


def test_a_gbk_encoded_book_is_read_as_it_says(tmp_path):
    data = books.ncc(title="红楼梦", creator="曹雪芹", narrator="王明军", encoding="gbk")
    assert "红楼梦".encode("gbk") in data
    book = daisy.read_book(books.zipped(tmp_path, "hlm.zip", {"hlm/ncc.html": data}))
    assert (book.title, book.creators, book.narrator) == ("红楼梦", ("曹雪芹",), "王明军")


def test_a_daisy_3_package_in_a_zip(tmp_path):
    book = daisy.read_book(
        books.zipped(tmp_path, "huozhe.zip", {"huozhe/book.opf": books.opf(), "huozhe/book.ncx": b"<ncx/>"})
    )
    assert (book.format, book.title, book.creators, book.narrator) == ("DAISY 3", "活着", ("余华",), "关山")
    assert book.identifier == "CN-ZGMW-6543-7"  # the one the package's unique-identifier names
    assert book.total_seconds == 8 * 3600 + 15 * 60 + 30 and book.publisher == "作家出版社"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (books.BILLION_LAUGHS, "xml.internal_subset"),
        (books.EXTERNAL_ENTITY, "xml.internal_subset"),
        (books.PARAMETER_ENTITY, "xml.internal_subset"),
        (books.EXTERNAL_DTD_ENTITY, "xml.unknown_entity"),
        (books.MALFORMED, "xml.malformed"),
    ],
)
def test_hostile_and_broken_xml_is_refused_before_anything_is_expanded(data, code):
    with pytest.raises(Invalid) as refused:
        parse(data, "ncc.html")
    assert refused.value.code == code


def test_entity_declarations_are_refused_even_without_a_doctype_check():
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
    with pytest.raises(UnsafeXml):
        parse(bomb, "book.opf")


def test_a_hostile_book_is_refused_with_a_message_naming_the_file(tmp_path, english):
    path = books.folder(tmp_path, "bomb", {"ncc.html": books.BILLION_LAUGHS})
    with pytest.raises(Invalid) as refused:
        daisy.read_book(path)
    assert "ncc.html" in str(refused.value) and "DTD" in str(refused.value)


def test_no_book_and_a_broken_zip(tmp_path):
    with pytest.raises(Invalid) as none:
        daisy.read_book(books.folder(tmp_path, "empty", {"readme.txt": b"hello"}))
    assert none.value.code == "daisy.not_found"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(Invalid) as bad:
        daisy.read_book(broken)
    assert bad.value.code == "daisy.bad_zip"


def test_import_makes_the_record_then_matches_it(room, tmp_path):
    path = books.folder(tmp_path, "pingfan", {"ncc.html": books.ncc()})
    first = daisy_import.import_daisy(room.session, path, barcode="DA0100")
    assert not first.matched and first.discs == 3
    record = BibRecord.get_by_id(first.bib_id)
    assert (
        record.title == "平凡的世界" and record.material_type == "im" and record.source == "daisy:CBP-DAISY-2019-0042"
    )
    marc = record_from_json(record.marc)
    assert (
        marc["200"]["g"] == "李野墨演播"
        and "26小时41分" in marc["215"]["c"]
        and marc["017"]["a"] == "CBP-DAISY-2019-0042"
    )
    assert [v.label for v in stock.get_set(room.session, "DA0100").volumes] == ["光盘1", "光盘2", "光盘3"]
    again = daisy_import.import_daisy(room.session, path, barcode="DA0101", discs=1)
    assert again.matched and again.bib_id == first.bib_id
    assert Item.get(Item.barcode == "DA0101").item_type == "audiobook"
    # The room already has 活着 by 余华 on DAISY discs: the package matches it by title and author.
    three = daisy_import.import_daisy(room.session, books.zipped(tmp_path, "b.zip", {"book.opf": books.opf()}))
    assert three.matched and three.bib_id == Item.get(Item.barcode == room.audio).bib_id
    new = daisy_import.import_daisy(
        room.session,
        books.zipped(
            tmp_path,
            "c.zip",
            {
                "x/book.opf": books.opf(
                    title="三体", creator="刘慈欣", narrator="张震", identifier="ISBN 978-7-5366-9293-0"
                )
            },
        ),
    )
    assert not new.matched and BibRecord.get_by_id(new.bib_id).responsibility == "刘慈欣 ; 张震演播"
