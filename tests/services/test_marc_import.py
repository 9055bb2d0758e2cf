"""The staged import as the acquisitions desk uses it: read a supplier file, review, apply.

Real files come from ../shared/testdata/marc; the GBK and GB18030 supplier files are
built at test time from the dp2 CNMARC sample (marc_samples), as no public one exists.
"""

from __future__ import annotations

import pytest
from pymarc import Field, Leader, Record

from db import journal
from db.models import BibRecord, BookNumber, Item
from ils.catalogue import items, marc_import, records
from ils.catalogue.book_numbers import reserve_range
from ils.catalogue.marc_import import Batch, apply, stage
from ils.catalogue.marc_read import read_marc
from ils.catalogue.search import search
from ils.errors import NotFound, PermissionDenied
from tests.codes import refused
from tests.services.marc_samples import MARC_DIR, dp2_records, plain_field, record_bytes, require_corpus
from tests.services.test_marc_read import EXPECTED_COUNTS

pytestmark = pytest.mark.usefixtures("english")


def book(
    title: str,
    *,
    isbn: str | None = None,
    edition: str | None = None,
    publisher: str = "人民文学出版社",
    holdings: tuple[dict[str, str], ...] = (),
    price: str = "CNY25.00",
) -> Record:
    """A Chinese supplier's CNMARC record; each holding is a 905's subfields."""
    record = Record(leader=Leader("00000nam0 2200000   450 "), force_utf8=True)
    record.add_field(Field(tag="001", data=f"T{abs(hash(title)) % 10**8}"))
    record.add_field(plain_field("100", a="20240101d2024    em y0chiy0120    ea"))
    if isbn:
        record.add_field(plain_field("010", a=isbn, d=price))
    record.add_field(plain_field("200", a=title, f="张三著"))
    if edition:
        record.add_field(plain_field("205", a=edition))
    record.add_field(plain_field("210", a="北京", c=publisher, d="2024"))
    record.add_field(plain_field("690", a="I247.5", v="5"))
    for holding in holdings:
        record.add_field(plain_field("905", **holding))
    return record


def marc21_book(title: str, *, holdings: tuple[Field, ...] = ()) -> Record:
    record = Record(leader=Leader("00000nam a2200000 a 4500"), force_utf8=True)
    record.add_field(Field(tag="001", data=f"M{abs(hash(title)) % 10**8}"))
    record.add_field(Field(tag="008", data="240101s2024    cc            000 0 chi d"))
    record.add_field(plain_field("020", a="9787506365437", c="CNY39.50"))
    record.add_field(plain_field("084", a="I247.57", **{"2": "clc"}))
    record.add_field(plain_field("245", a=f"{title} /", c="余华著."))
    record.add_field(plain_field("264", a="北京 :", b="作家出版社,", c="2012."))
    for field in holdings:
        record.add_field(field)
    return record


def iso(*books: Record, encoding: str = "utf-8") -> bytes:
    return b"".join(record_bytes(r, encoding) for r in books)


def stored_titles() -> list[str]:
    return [row.title for row in BibRecord.select().order_by(BibRecord.doc)]


# --- every real file ------------------------------------------------------------------


ALL_FILES = sorted(p for p in MARC_DIR.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def test_every_real_file_imports_or_is_refused_with_a_reason(admin):
    """One library for all files: later files meet earlier ones as duplicates, which is fine."""
    require_corpus()
    assert len(ALL_FILES) >= 60
    for path in ALL_FILES:
        name = str(path.relative_to(MARC_DIR))
        batch = stage(admin, path.read_bytes(), source_name=path.name)
        read = read_marc(path.read_bytes())
        assert batch.counts.total == len(read.records) + len(read.rejects), name
        assert batch.records or batch.rejects, name
        if name in EXPECTED_COUNTS:
            assert (len(batch.records), len(batch.rejects)) == EXPECTED_COUNTS[name], name
        for reject in batch.rejects:
            text = reject.reason.render("en")
            assert "Traceback" not in text, name
            assert text.startswith(f"record {reject.number}") or not reject.reason.params, name
        if not batch.records:
            with refused("catalogue.import_nothing_usable"):
                apply(admin, batch)
            continue
        before = BibRecord.select().count()
        result = apply(admin, batch)
        assert result.added + result.merged + result.skipped == len(batch.records), name
        assert BibRecord.select().count() == before + result.added, name


def test_a_file_that_is_not_marc_is_one_clear_reject(admin):
    batch = stage(admin, "这是一份采购清单，不是 MARC。\n".encode(), source_name="清单.txt")
    assert (batch.records, batch.format, batch.serialisation) == ([], None, None)
    assert [r.reason.code for r in batch.rejects] == ["catalogue.marc_not_marc"]
    with refused("catalogue.import_nothing_usable"):
        apply(admin, batch)


def test_an_unknown_character_set_is_refused(admin):
    with refused("catalogue.unknown_character_set"):
        stage(admin, iso(book("活着")), source_name="x.iso", encoding="klingon")


# --- GBK and GB18030 supplier files -------------------------------------------------------


DP2_TITLES = ["'94中国发展报告", "'95中国发展报告", "'96 中国发展报告"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_supplier_files_in_gbk_and_gb18030_import(admin, encoding):
    batch = stage(admin, iso(*dp2_records(), encoding=encoding), source_name=f"supplier-{encoding}.iso")
    assert (batch.format, batch.serialisation, batch.counts.total, batch.counts.rejects) == ("cnmarc", "iso2709", 10, 0)
    assert [r.title for r in batch.records][:3] == DP2_TITLES
    assert {r.encoding for r in batch.records} == {"gb18030"}
    result = apply(admin, batch)
    assert result.added + result.merged == 10
    assert stored_titles()[:3] == DP2_TITLES
    assert BibRecord.get(BibRecord.title == DP2_TITLES[0]).publisher == "中国统计出版社"


def test_a_gbk_file_that_claims_unicode_is_still_read_right_and_can_be_forced(admin):
    data = b"".join(record_bytes(r, "gbk", leader09="a", charset_100="50  ") for r in dp2_records())
    assert data[9:10] == b"a"
    detected = stage(admin, data, source_name="liar.iso")
    assert [r.title for r in detected.records][:3] == DP2_TITLES
    forced = stage(admin, data, source_name="liar.iso", encoding="gbk")
    assert [r.title for r in forced.records][:3] == DP2_TITLES
    assert {r.encoding for r in forced.records} == {"gbk"}


def test_gb18030_characters_beyond_gbk(admin):
    data = iso(book("𠮷野家的故事", holdings=({"a": "ZG", "b": "G1"},)), encoding="gb18030")
    apply(admin, stage(admin, data, source_name="x.iso"))
    assert stored_titles() == ["𠮷野家的故事"]


# --- refusals inside a file ----------------------------------------------------------------


def test_a_malformed_record_in_the_middle_is_refused_and_the_rest_import(admin):
    parts = [record_bytes(r, "gbk") for r in dp2_records()[:4]]
    length = int(parts[1][27:31]) + 1  # the first directory entry claims one byte too many
    broken = parts[1][:27] + f"{length:04d}".encode() + parts[1][31:]
    batch = stage(admin, parts[0] + broken + parts[2] + parts[3], source_name="x.iso")
    assert [r.number for r in batch.records] == [1, 3, 4]
    (reject,) = batch.rejects
    assert (reject.number, reject.offset) == (2, len(parts[0]))
    assert reject.reason.params["problem"].code == "catalogue.marc_directory_mismatch"
    assert reject.reason.render("en") == (
        f"record 2 at byte {len(parts[0])}: the directory does not match the field data"
    )
    result = apply(admin, batch)
    assert result.added + result.merged == 3
    assert DP2_TITLES[1] not in stored_titles()


# --- duplicates ----------------------------------------------------------------------------


def test_isbn_10_in_the_catalogue_and_isbn_13_in_the_file_are_the_same_book(admin):
    existing = records.add_record(admin, book("活着", isbn="7-02-000220-X"), "cnmarc")
    batch = stage(admin, iso(book("活着（精装）", isbn="978-7-02-000220-7"), book("许三观卖血记")), source_name="x.iso")
    first, second = batch.records
    assert (first.duplicate_of, first.match, first.decision) == (existing, "isbn", "merge")
    assert (second.duplicate_of, second.duplicate_in_batch, second.decision) == (None, None, "accept")
    assert (batch.counts.new, batch.counts.duplicates) == (1, 1)


def test_title_edition_and_publisher_match_when_the_isbn_is_missing(admin):
    existing = records.add_record(admin, book("平凡的世界", edition="第2版", publisher="北京十月文艺出版社"), "cnmarc")
    batch = stage(
        admin,
        iso(
            book("平凡的世界。", edition="第 2 版", publisher="北京十月文艺出版社"),  # punctuation and spaces differ
            book("平凡的世界", edition="第3版", publisher="北京十月文艺出版社"),  # another edition
            book("平凡的世界", edition="第3版", publisher="北京十月文艺出版社"),  # the same again in the file
        ),
        source_name="x.iso",
    )
    same, other_edition, again = batch.records
    assert (same.duplicate_of, same.match) == (existing, "title")
    assert not other_edition.is_duplicate
    assert (again.duplicate_in_batch, again.match) == (other_edition.number, "title")


def test_a_withdrawn_record_is_no_duplicate(admin):
    bib_id = records.add_record(admin, book("活着", isbn="7-02-000220-X"), "cnmarc")
    records.delete_record(admin, bib_id)
    batch = stage(admin, iso(book("活着", isbn="7-02-000220-X")), source_name="x.iso")
    assert not batch.records[0].is_duplicate


def test_decisions_accept_merge_and_skip(admin):
    existing = records.add_record(admin, book("活着", isbn="7-02-000220-X"), "cnmarc")
    batch = stage(
        admin,
        iso(
            book("活着", isbn="7-02-000220-X", holdings=({"a": "ZG", "b": "M1"},)),
            book("活着", isbn="7-02-000220-X", holdings=({"a": "ZG", "b": "A1"},)),
            book("活着", isbn="7-02-000220-X", holdings=({"a": "ZG", "b": "S1"},)),
        ),
        source_name="x.iso",
    )
    assert [r.decision for r in batch.records] == ["merge", "merge", "merge"]
    batch.decide(2, "accept")
    batch.decide(3, "skip")
    result = apply(admin, batch)
    assert (result.added, result.merged, result.skipped, result.items_added) == (1, 1, 1, 2)
    assert items.find_item("M1").bib_id == existing
    added = items.find_item("A1").bib_id
    assert added != existing and result.bib_ids == (existing, added)
    with refused("catalogue.no_such_barcode", NotFound):
        items.find_item("S1")


def test_decide_refuses_what_makes_no_sense(admin):
    batch = stage(admin, iso(book("活着"), book("活着")), source_name="x.iso")
    with refused("catalogue.import_unknown_decision"):
        batch.decide(2, "maybe")
    with refused("catalogue.import_merge_without_duplicate"):
        batch.decide(1, "merge")
    with refused("catalogue.import_no_such_record"):
        batch.decide(9, "skip")
    batch.decide_all_duplicates("skip")
    assert [r.decision for r in batch.records] == ["accept", "skip"]


def test_merging_into_an_earlier_record_of_the_file(admin):
    batch = stage(
        admin,
        iso(
            book("活着", holdings=({"a": "ZG", "b": "E1"},)),
            book("活着", holdings=({"a": "ZG", "b": "E2"},)),
        ),
        source_name="x.iso",
    )
    result = apply(admin, batch)
    assert (result.added, result.merged) == (1, 1)
    assert items.find_item("E1").bib_id == items.find_item("E2").bib_id


def test_a_merge_into_a_skipped_record_stores_it_so_its_copies_arrive(admin):
    batch = stage(
        admin,
        iso(
            book("活着", holdings=({"a": "ZG", "b": "K1"},)),
            book("活着", holdings=({"a": "ZG", "b": "K2"},)),
        ),
        source_name="x.iso",
    )
    batch.decide(1, "skip")
    result = apply(admin, batch)
    assert (result.added, result.merged, result.skipped) == (1, 0, 1)
    assert items.find_item("K2").bib_id == result.bib_ids[0]


# --- copies from holdings ------------------------------------------------------------------


def test_copies_from_905_with_their_branch_location_call_number_and_price(admin):
    batch = stage(
        admin,
        iso(
            book(
                "活着",
                isbn="7-02-000220-X",
                price="CNY25.00",
                holdings=(
                    {
                        "a": "XHMZ",
                        "b": "43020001",
                        "c": "XHMZ",
                        "d": "I247.5",
                        "e": "12",
                    },  # branch and location by code
                    {
                        "a": "ZG",
                        "b": "４３０２０００２",
                        "c": "古籍室",
                        "s": "I247.5/12:2",
                    },  # location by name, full-width
                    {"a": "NOWHERE", "b": "43020003", "c": "NOWHERE"},  # unknown branch and room: the defaults
                ),
            )
        ),
        source_name="x.iso",
    )
    result = apply(admin, batch, branch="YS", location="YS")
    assert (result.items_added, result.item_problems) == (3, ())
    first, second, third = (items.find_item(b) for b in ("43020001", "43020002", "43020003"))
    assert (first.branch_code, first.location_code, first.call_number) == ("XHMZ", "XHMZ", "I247.5/12")
    assert (second.branch_code, second.location_name, second.call_number) == ("ZG", "古籍室", "I247.5/12:2")
    assert (third.branch_code, third.location_code, third.call_number) == ("YS", "YS", "I247.5/12")
    assert {first.price_fen, second.price_fen, third.price_fen} == {2500}
    assert first.acquired_on == "2026-03-02" and first.status == "available"
    ledger = {(row.clc_class, row.number) for row in BookNumber.select()}
    assert ledger == {("I247.5", 12)}


def test_copies_default_to_this_desks_branch(admin):
    apply(admin, stage(admin, iso(book("活着", holdings=({"b": "D1", "c": "ZG-WJ"},))), source_name="x.iso"))
    copy = items.find_item("D1")
    assert (copy.branch_code, copy.location_code) == ("ZG", "ZG-WJ")


def test_a_location_argument_of_another_branch_is_not_used(admin):
    apply(
        admin, stage(admin, iso(book("活着", holdings=({"a": "ZG", "b": "L1"},))), source_name="x.iso"), location="YS"
    )
    assert items.find_item("L1").location_code is None


def test_copies_from_koha_952_and_standard_852(admin):
    batch = stage(
        admin,
        iso(
            marc21_book(
                "活着",
                holdings=(
                    plain_field("952", a="ZG", c="ZG-SE", o="I247.57/34", p="k-952", g="39.50"),
                    plain_field("852", b="YS", c="YS", h="I247.57/35", p="S852", **{"9": "CNY 20.00"}),
                ),
            )
        ),
        source_name="x.iso",
    )
    result = apply(admin, batch)
    assert (result.items_added, result.item_problems) == (2, ())
    koha, standard = items.find_item("K-952"), items.find_item("S852")
    assert (koha.branch_code, koha.location_code, koha.call_number) == ("ZG", "ZG-SE", "I247.57/34")
    assert koha.price_fen == 3950
    assert (standard.branch_code, standard.location_code, standard.price_fen) == ("YS", "YS", 2000)


def test_copies_that_cannot_be_added_are_reported_and_the_record_is_still_stored(admin):
    existing = records.add_record(admin, book("许三观卖血记"), "cnmarc")
    items.add_item(admin, existing, "TAKEN1")
    batch = stage(
        admin,
        iso(
            book("活着", holdings=({"a": "ZG", "b": "GOOD1"}, {"a": "ZG", "c": "ZG-WJ"}, {"a": "ZG", "b": "条码?"})),
            book("兄弟", holdings=({"a": "ZG", "b": "taken1"}, {"a": "ZG", "b": "GOOD1"})),
        ),
        source_name="x.iso",
    )
    result = apply(admin, batch)
    assert (result.added, result.items_added) == (2, 1)
    assert [(p.params["number"], p.params["problem"].code) for p in result.item_problems] == [
        (1, "catalogue.import_copy_without_barcode"),
        (1, "catalogue.barcode_format"),
        (2, "catalogue.import_barcode_taken"),
        (2, "catalogue.import_barcode_twice"),
    ]
    assert [p.render("en") for p in result.item_problems][2:] == [
        "record 2: the barcode TAKEN1 is already on another item",
        "record 2: the barcode GOOD1 is given to two copies in the file",
    ]
    assert set(stored_titles()) == {"许三观卖血记", "活着", "兄弟"}


# --- one transaction -----------------------------------------------------------------------


def _journal_size(library) -> int:
    return library.database.execute_sql("SELECT COUNT(*) FROM journal").fetchone()[0]


def test_a_failure_late_in_the_batch_stores_nothing(admin, library, monkeypatch):
    batch = stage(admin, _many(450), source_name="x.iso")
    real_insert = marc_import.insert_records
    calls = []

    def failing_insert(library, records, **options):
        calls.append(records)
        if len(calls) == 3:  # the last chunk of records
            raise OSError("disk unplugged")
        return real_insert(library, records, **options)

    monkeypatch.setattr(marc_import, "insert_records", failing_insert)
    before = _journal_size(library)
    with pytest.raises(OSError):
        apply(admin, batch)
    assert (BibRecord.select().count(), Item.select().count(), BookNumber.select().count()) == (0, 0, 0)
    assert library.database.execute_sql("SELECT COUNT(*) FROM bib_search").fetchone() == (0,)
    assert _journal_size(library) == before


def _many(count: int) -> bytes:
    return iso(*[book(f"第{n}本书", holdings=({"a": "ZG", "b": f"N{n}"},)) for n in range(count)])


def test_progress_and_cancelling_rolls_everything_back(admin, library):
    batch = stage(admin, _many(450), source_name="x.iso")
    before = _journal_size(library)
    seen = []
    with refused("catalogue.import_cancelled"):
        apply(admin, batch, progress=lambda done, total: seen.append((done, total)), cancelled=lambda: len(seen) >= 1)
    assert seen == [(200, 450)]
    assert (BibRecord.select().count(), Item.select().count(), _index_size(library)) == (0, 0, 0)
    assert _journal_size(library) == before
    seen.clear()
    result = apply(admin, batch, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(200, 450), (400, 450), (450, 450)]
    assert (result.added, result.items_added) == (450, 450)
    # The index rows, held back while the records were stored, went in with them.
    assert _index_size(library) == 450
    assert [hit.title for hit in search("第449本书").hits] == ["第449本书"]


def test_apply_widens_the_page_cache_while_it_stores_and_sets_it_back(admin, library, monkeypatch):
    """A large batch gets a page cache it fits in (so SQLite does not spill it mid-transaction);
    afterwards, and after a cancelled apply, the connection has its own again."""
    monkeypatch.setattr(marc_import, "_CACHE_KIB_PER_RECORD", 1_000)
    batch = stage(admin, _many(250), source_name="x.iso")

    def cache_size() -> int:
        return library.database.execute_sql("PRAGMA cache_size").fetchone()[0]

    before = cache_size()
    during = []
    with refused("catalogue.import_cancelled"):
        apply(admin, batch, progress=lambda *_: during.append(cache_size()), cancelled=lambda: True)
    assert (during, cache_size()) == ([], before)
    apply(admin, batch, progress=lambda *_: during.append(cache_size()))
    assert during[0] == -250_000 and cache_size() == before != -250_000


def _index_size(library) -> int:
    return library.database.execute_sql("SELECT COUNT(*) FROM bib_search").fetchone()[0]


def test_staging_reports_progress_and_writes_nothing(admin, library):
    before = _journal_size(library)
    seen = []
    batch = stage(admin, _many(250), source_name="x.iso", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(200, 250), (250, 250)]
    assert batch.counts.total == 250 and BibRecord.select().count() == 0
    assert _journal_size(library) == before


# --- journal and permission ----------------------------------------------------------------


def test_the_import_is_journaled_record_by_record_and_as_a_whole(admin, library):
    before = _journal_size(library)
    batch = stage(admin, iso(book("活着", holdings=({"a": "ZG", "b": "J1"},)), book("兄弟")), source_name="供货.iso")
    result = apply(admin, batch)
    entries = journal.entries(library.database, after_rowid=before, limit=100)
    assert [e.action for e in entries] == ["record.add", "item.add", "record.add", "import.apply"]
    summary = entries[-1]
    assert (summary.entity_type, summary.entity_id) == ("import", None)
    assert summary.data == {
        "source": "供货.iso",
        "added": 2,
        "merged": 0,
        "skipped": 0,
        "items": 1,
        "item_problems": 0,
        "rejects": 0,
    }
    assert entries[0].entity_id == result.bib_ids[0]


def test_each_record_is_journaled_before_its_copies_and_a_merge_after_its_target(admin, library):
    before = _journal_size(library)
    data = iso(
        book("活着", isbn="7-02-000220-X", holdings=({"a": "ZG", "b": "J1"},)),
        book("活着", isbn="7-02-000220-X", holdings=({"a": "ZG", "b": "J2"},)),  # merged into the first
        book("兄弟", holdings=({"a": "ZG", "b": "J3"}, {"a": "ZG", "b": "J4"})),
    )
    result = apply(admin, stage(admin, data, source_name="x.iso"))
    entries = journal.entries(library.database, after_rowid=before, limit=100)
    assert [e.action for e in entries] == [
        "record.add", "item.add", "item.add", "record.add", "item.add", "item.add", "import.apply"
    ]  # fmt: skip
    first, second = result.bib_ids
    assert [e.entity_id for e in entries[:4:3]] == [first, second]
    assert [e.data["barcode"] for e in entries if e.action == "item.add"] == ["J1", "J2", "J3", "J4"]
    assert [e.data["bib_id"] for e in entries if e.action == "item.add"] == [first, first, second, second]
    assert [e.seq for e in entries] == list(range(entries[0].seq, entries[0].seq + 7))


def test_an_import_numbers_its_records_on_across_a_full_block(admin, library):
    first = records.add_record(admin, book("一"), "cnmarc")
    BibRecord.update(number=4_999_997).where(BibRecord.id == first).execute()
    reserve_range(admin, kind="book_number", first=6000, last=6001)
    result = apply(admin, stage(admin, _many(450), source_name="x.iso"))
    numbers = [BibRecord.get_by_id(bib_id).number for bib_id in result.bib_ids]
    assert numbers == [4_999_998, 4_999_999, *range(6_000_000, 6_000_448)]
    journaled = [e.data["number"] for e in journal.entries(library.database, limit=10_000) if e.action == "record.add"]
    assert journaled[-450:] == numbers


def test_a_circulation_clerk_may_not_import(admin, clerk):
    with refused("staff.not_permitted", PermissionDenied):
        stage(clerk, iso(book("活着")), source_name="x.iso")
    batch = stage(admin, iso(book("活着")), source_name="x.iso")
    with refused("staff.not_permitted", PermissionDenied):
        apply(clerk, batch)
    assert BibRecord.select().count() == 0


def test_counts_for_the_review(admin):
    records.add_record(admin, book("活着", isbn="7-02-000220-X"), "cnmarc")
    data = iso(
        book("活着", isbn="7-02-000220-X", holdings=({"b": "C1"}, {"b": "C2"})), book("兄弟", holdings=({"b": "C3"},))
    )
    batch = stage(admin, data + b"00042nam  2200025   450 \x1e\x1d", source_name="x.iso")
    assert isinstance(batch, Batch)
    counts = batch.counts
    assert (counts.total, counts.new, counts.duplicates, counts.rejects, counts.holdings) == (3, 1, 1, 1, 3)
    assert batch.records[0].holdings[0].barcode == "C1" and batch.records[1].title == "兄弟"


def test_a_supplier_file_named_in_gbk_imports_under_its_readable_name(admin, library):
    import os

    name = os.fsdecode("新书订单.iso".encode("gbk"))  # as Linux hands over a name copied from a Chinese desk
    batch = stage(admin, iso(book("活着")), source_name=name)
    assert batch.source_name == "新书订单.iso"
    (bib_id,) = apply(admin, batch).bib_ids
    assert BibRecord.get_by_id(bib_id).source == "新书订单.iso"
