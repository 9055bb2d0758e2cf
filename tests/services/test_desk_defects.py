"""Defects found when the desks were tried as a new user would (issue 18), at the services."""

from __future__ import annotations

import datetime as dt

import pytest
from pymarc import Field, Leader, Record

from db.models import BibRecord
from ils.catalogue import items, records
from ils.catalogue.marc_import import apply, stage, unbarcoded_note
from ils.circulation import loans, receipts
from ils.circulation.refusals import Refused
from ils.errors import Invalid
from ils.i18n import use_language
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ
from tests.services.marc_samples import plain_field
from tests.services.test_marc_import import book, iso
from tests.services.test_receipts_service import text_of

pytestmark = pytest.mark.usefixtures("english")


def test_returns_of_two_readers_at_one_desk_print_a_receipt_each(library, clerk, shelf):  # noqa: F811
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.other, "T0003")
    returned = [(None, loans.return_item(clerk, "T0001")), (None, loans.return_item(clerk, "T0003"))]
    printed = receipts.transaction_receipts(clerk, None, [], returned)
    assert len(printed.paths) == 2 and printed.folder == library.path.parent / "prints" and printed.printer is None
    first, second = (text_of(path) for path in printed.paths)
    assert "三体" in first and "呐喊" not in first and receipts.mask_card_number(shelf.adult) in first
    assert "呐喊" in second and "三体" not in second and receipts.mask_card_number(shelf.other) in second


def test_an_overdue_refusal_says_it_once_with_full_width_punctuation_in_chinese(clerk, shelf, clock):  # noqa: F811
    loans.checkout(clerk, shelf.adult, "T0001")
    clock.set(dt.datetime(2026, 5, 20, 10, 0, tzinfo=TZ))
    with use_language("zh_CN"), pytest.raises(Refused) as refused:
        loans.checkout(clerk, shelf.adult, "T0003")
    chinese = refused.value.render("zh_CN")
    assert chinese.count("逾期") == 2 and ": " not in chinese and "：" in chinese, chinese  # 图书逾期：归还逾期的…
    assert "Return the overdue item to borrow again." in refused.value.render("en")


def test_the_desk_says_特批_for_an_override_never_越权():
    """越权 reads as "abuse of authority"; the desk, the CLI and the guide say 特批."""
    from ils.i18n import translate

    for msgid in ("Override", "Override for {code}", "Rules overridden: {reason}", "Why the rules are set aside"):
        assert "特批" in translate(msgid, "zh_CN") and "越权" not in translate(msgid, "zh_CN"), msgid


def _titled(title: str, *, subtitle: str | None = None, part: str | None = None, fmt: str = "cnmarc") -> Record:
    """A record without an ISBN, so that only title, subtitle, part, edition and publisher can match."""
    if fmt == "cnmarc":
        record = Record(leader=Leader("00000nam0 2200000   450 "), force_utf8=True)
        record.add_field(plain_field("100", a="20240101d2024    em y0chiy0120    ea"))
        subfields = {"a": title, **({"e": subtitle} if subtitle else {}), **({"h": part} if part else {})}
        record.add_field(plain_field("200", **subfields))
        record.add_field(plain_field("210", a="北京", c="人民文学出版社", d="2024"))
        return record
    record = Record(leader=Leader("00000nam a2200000 a 4500"), force_utf8=True)
    record.add_field(Field(tag="008", data="240101s2024    cc            000 0 eng d"))
    subfields = {"a": title + " :", **({"b": subtitle} if subtitle else {}), **({"n": part} if part else {})}
    record.add_field(plain_field("245", **subfields))
    record.add_field(plain_field("260", a="Berkeley :", b="Osborne McGraw-Hill,", c="1998."))
    return record


def test_subtitles_and_parts_keep_distinct_books_apart_and_the_match_says_why(admin):
    stored = records.add_record(admin, _titled("Perl", subtitle="programmer's reference", fmt="marc21"), "marc21")
    records.add_record(admin, _titled("红楼梦", part="上册"), "cnmarc")
    batch = stage(
        admin,
        iso(
            _titled("Perl", subtitle="the complete reference", fmt="marc21"),
            _titled("Perl", subtitle="Programmer's Reference.", fmt="marc21"),
            _titled("红楼梦", part="下册"),
            _titled("红楼梦", part="第1卷"),
        ),
        source_name="x.iso",
    )
    complete, same, second_volume, first_volume = batch.records
    assert not complete.is_duplicate and not second_volume.is_duplicate and not first_volume.is_duplicate
    assert (same.duplicate_of, same.match) == (stored, "title")
    assert str(same.reason) == (
        "same title, subtitle, part, edition and publisher: Perl · Programmer's Reference · Osborne McGraw-Hill"
    )


def test_a_record_with_no_subtitle_still_meets_one_stored_before_subtitles_counted(admin):
    stored = records.add_record(admin, _titled("平凡的世界"), "cnmarc")
    BibRecord.update(dedup_key="平凡的世界||人民文学出版社").where(BibRecord.id == stored).execute()  # the old key
    (again,) = stage(admin, iso(_titled("平凡的世界")), source_name="x.iso").records
    assert again.duplicate_of == stored


def test_the_review_says_before_apply_that_copies_without_barcodes_are_not_added(admin):
    data = iso(book("兄弟", holdings=({"a": "ZG"}, {"b": "C3"}, {"c": "ZG-WJ"})))
    batch = stage(admin, data, source_name="x.iso")
    assert batch.counts.without_barcode == 2
    assert str(unbarcoded_note(2)).startswith("2 copies have no barcode and will not be added")


def test_a_copy_added_without_a_price_takes_the_records_and_is_processed_until_shelved(admin):
    bib = records.add_record(admin, book("活着", isbn="7-02-000220-X", price="CNY25.00"), "cnmarc")
    item = items.add_item(admin, bib, "T9001", status="processing")
    assert item.price_fen == 2500 and item.status == "processing"
    with pytest.raises(Invalid) as refused:
        assert items.shelve(admin, "T9001").status == "available"
        items.shelve(admin, "T9001")  # already on the shelf
    assert refused.value.code == "catalogue.shelve_not_processing"
    assert items.get_item("T9001").status == "available"


def test_an_import_may_add_its_copies_as_being_processed(admin):
    data = iso(book("兄弟", holdings=({"b": "C3"},)))
    result = apply(admin, stage(admin, data, source_name="x.iso"), processing=True)
    assert result.items_added == 1 and items.get_item("C3").status == "processing"


def test_english_counts_take_babels_plural_forms(clerk, shelf):  # noqa: F811
    from ils.circulation.desk import reader_at_desk, reader_words
    from ils.circulation.holds import place_hold

    loans.checkout(clerk, shelf.other, "T0003")
    place_hold(clerk, shelf.adult, "T0003")
    words = reader_words(reader_at_desk(clerk, shelf.adult))
    assert "0 on loan, 1 hold." in words and "1 holds" not in words
