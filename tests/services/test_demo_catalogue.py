"""The demo catalogue as a librarian trying the cataloguing desk would meet it, and its generator
as the scale benchmark will use it."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from stdnum import isbn as stdnum_isbn

from db.models import BibRecord, BlindDevice, BookNumber, Branch, Item, Location
from ils.catalogue import records
from ils.catalogue.callnumbers import normalise_class, parse_call_number, shelf_key_text
from ils.catalogue.items import parse_price
from ils.catalogue.search_text import match_query, normalise_isbn
from ils.clock import FixedClock
from ils.demo import build_demo
from ils.demo.blind import AUDIO_TITLES, BRAILLE_SETS, DEVICES, LARGE_PRINT
from ils.demo.catalogue import (
    ANCIENT,
    AUDIO,
    CERAMICS,
    CHILDREN,
    DEMO_TITLES,
    DEVICE,
    FAMOUS,
    GENERAL,
    LOCAL,
    PUBLISHERS,
    SUBJECTS,
    Shelver,
    generate_records,
    generate_titles,
    isbn13,
)

TODAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo library for the module: building it stores thousands of records."""
    library = build_demo(tmp_path_factory.mktemp("demo") / "lib.sqlite", clock=FixedClock(TODAY))
    yield library
    library.close()


def _found(library, text: str) -> list[str]:
    """Titles the full-text index gives for ``text`` (Chinese words or pinyin)."""
    docs = [
        doc
        for (doc,) in library.database.execute_sql(
            "SELECT rowid FROM bib_search WHERE bib_search MATCH ?", (match_query(text, prefix_last=True),)
        )
    ]
    return [title for (title,) in BibRecord.select(BibRecord.title).where(BibRecord.doc.in_(docs)).tuples()]


def test_the_demo_holds_a_few_thousand_titles_and_their_copies(demo):
    # The general catalogue, then the blind room's audio, braille and large print (a DAISY disc
    # the importer matches to a record already there adds no record), then the periodicals' titles.
    books = BibRecord.select().where(BibRecord.source != "serials")
    assert DEMO_TITLES < books.count() <= DEMO_TITLES + AUDIO_TITLES + BRAILLE_SETS + LARGE_PRINT
    assert 4500 <= Item.select().where(Item.item_type != "periodical").count() <= 6500
    sources = {source for (source,) in BibRecord.select(BibRecord.source).tuples()}
    assert {s for s in sources if not s.startswith("daisy:")} <= {
        "demo",
        "blind-room",
        "serials",
    }  # DAISY books by identifier
    assert not Item.select().where(Item.bib.not_in(BibRecord.select(BibRecord.id))).exists()


def test_every_barcode_is_unique_numeric_and_the_same_length(demo):
    barcodes = [barcode for (barcode,) in Item.select(Item.barcode).tuples()]
    assert len(set(barcodes)) == len(barcodes)
    assert {len(barcode) for barcode in barcodes} == {10} and all(b.isdigit() for b in barcodes)


def test_isbns_are_valid_chinese_isbn_13s_and_unique(demo):
    stored = [isbn for (isbn,) in BibRecord.select(BibRecord.isbn).where(BibRecord.isbn.is_null(False)).tuples()]
    assert len(stored) >= DEMO_TITLES * 0.95  # audiobooks and devices have none
    assert len(set(stored)) == len(stored)
    for isbn in stored:
        assert normalise_isbn(isbn) == isbn and isbn.startswith("9787")


def test_the_isbn_prefixes_are_real_publisher_blocks_hyphenated_as_the_agency_does():
    for prefix in PUBLISHERS:
        block = 10 ** (8 - len(prefix))  # 7-02 has a million numbers, 7-80520 a thousand
        for number in (0, block // 3, block - 1):
            isbn = isbn13(prefix, number)
            assert stdnum_isbn.is_valid(isbn) and stdnum_isbn.format(isbn) == isbn


def test_every_copy_stands_in_a_location_of_its_own_branch_and_every_branch_has_books(demo):
    query = Item.select(Item, Location).join(Location)
    assert query.count() == Item.select().count()
    assert all(item.location.branch_id == item.branch_id for item in query)
    holding = {branch_id for (branch_id,) in Item.select(Item.branch).distinct().tuples()}
    assert holding == {branch.id for branch in Branch.select()}  # 总馆, its 26 branches, the van, the 24h room


def _classes_in(room: str) -> Counter:
    """The main classes (T with its second letter) of the copies in a room; devices have none."""
    query = (
        Item.select(BibRecord.clc_class)
        .join(BibRecord)
        .switch(Item)
        .join(Location)
        .where(Location.code == room)
        .tuples()
    )
    return Counter(clc[:2] if clc.startswith("T") else clc[0] for (clc,) in query if clc)


def _titles_in(room: str) -> list[str]:
    return [
        title
        for (title,) in BibRecord.select(BibRecord.title)
        .join(Item)
        .join(Location)
        .where(Location.code == room)
        .distinct()
        .tuples()
    ]


def test_the_central_rooms_hold_what_their_names_say(demo):
    assert Item.select().join(Location).where(Location.code == "ZG-WJ").count() > Item.select().count() / 4
    children = _classes_in("ZG-SE")  # children's fiction, picture books, encyclopaedias, school aids
    assert set(children) <= {"I", "Z", "G", "Q"} and children["I"] > children.total() / 2
    assert set(_classes_in("ZG-TC")) == {"TQ", "J", "K"}  # ceramic technology, art and antiques
    assert set(_classes_in("ZG-MR")) <= {"I", "K"}  # audiobooks of novels and lives; devices have no class
    local = _titles_in("ZG-DF")
    assert "醴陵市志" in local and sum("醴陵" in t or "渌江" in t for t in local) > len(local) / 2
    assert {"史记", "资治通鉴", "诗经", "陶说"} & set(_titles_in("ZG-GJ"))


def test_the_blind_reading_room_lends_audiobooks_and_listening_devices(demo):
    kinds = Counter(
        kind for (kind,) in Item.select(Item.item_type).join(Location).where(Location.code == "ZG-MR").tuples()
    )
    assert kinds["audiobook"] >= 10
    # Every listening device in the room is registered with its serial, the programme's two batches.
    devices = Item.select().join(BibRecord).where(Item.item_type == "listening_device", BibRecord.title == "智能听书机")
    assert kinds["listening_device"] > devices.count() == BlindDevice.select().count() == DEVICES
    device = BibRecord.get(BibRecord.title == "智能听书机")
    assert device.material_type == "rm" and device.price == "CNY680.00"


def test_famous_titles_are_there_with_their_real_authors_and_classes(demo):
    for famous in FAMOUS:
        row = BibRecord.select().where(BibRecord.title == famous.title).order_by(BibRecord.doc).first()
        view = records.view_record(row.id)
        assert view.fields.responsibility == famous.responsibility
        assert set(view.fields.authors) == {part.split("/")[0] for part in famous.people.split()}
        assert row.clc_class == famous.clc and row.call_class == famous.clc
        assert len(view.items) >= 3 * famous.volumes  # popular titles: several copies
    red = BibRecord.get(BibRecord.title == "红楼梦")
    assert "曹雪芹" in red.responsibility and red.clc_class == "I242.4" and red.publisher == "人民文学出版社"


def test_a_librarian_finds_the_famous_titles_by_chinese_words_and_pinyin(demo):
    assert "三体" in _found(demo, "三体")
    assert "活着" in _found(demo, "余华")
    assert "红楼梦" in _found(demo, "hlm") and "红楼梦" in _found(demo, "hongloumeng")
    assert any("瓷" in title for title in _found(demo, "醴陵 瓷"))


def test_records_round_trip_through_the_record_view(demo):
    for row in BibRecord.select().where(BibRecord.doc <= DEMO_TITLES).order_by(BibRecord.doc)[::97]:
        view = records.view_record(row.id)
        assert view.summary.title == row.title == view.fields.title
        assert view.record["001"].data.startswith("LL")
        general = view.record["100"]["a"]
        assert len(general) == 36 and general[26:28] == "50"  # UTF-8, as the record is stored
        assert not view.record.get_fields("905")  # holdings became items
        if row.clc_class:
            assert view.record["690"]["v"] == "5"
            assert view.summary.call_number == f"{row.call_class}/{row.book_number}"
        assert len(view.items) == Item.select().where(Item.bib == row.id).count() >= 1


def test_call_numbers_parse_sort_on_the_shelf_and_are_shared_by_the_copies_of_a_title(demo):
    catalogue = BibRecord.select(BibRecord.id).where(BibRecord.doc <= DEMO_TITLES)  # the blind room's come after
    numbered = (
        Item.select(Item, BibRecord)
        .join(BibRecord)
        .where(Item.call_number.is_null(False), Item.bib.in_(catalogue), Item.item_type != "periodical")
    )
    assert (
        numbered.count()
        == Item.select()
        .where(Item.item_type != "listening_device", Item.bib.in_(catalogue), Item.source != "blind-room")
        .count()
    )
    for item in numbered:
        parsed = parse_call_number(item.call_number)
        assert item.shelf_key == shelf_key_text(parsed)
        assert (parsed.clc_class, parsed.book_number) == (item.bib.call_class, item.bib.book_number)
    sets = Item.select().where(Item.call_number.contains(":")).count()
    assert sets >= 10  # 红楼梦 上下, 平凡的世界 1-3 ...
    assert parse_call_number(Item.get(Item.call_number.contains(":2")).call_number).volume == "2"


def test_each_class_numbers_its_titles_one_after_another_in_the_ledger(demo):
    ledger = list(BookNumber.select().tuples())
    with_class = BibRecord.select().where(BibRecord.call_class.is_null(False))
    assert len(ledger) == with_class.count()
    book_numbers = dict(with_class.select(BibRecord.id, BibRecord.book_number).tuples())
    by_class: dict[str, list[int]] = {}
    for clc_class, number, bib_id, node_id, _ in ledger:
        by_class.setdefault(clc_class, []).append(number)
        assert node_id == demo.node_id and book_numbers[bib_id] == str(number)
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_class.values())


def test_the_classes_are_spread_as_on_a_public_librarys_shelves(demo):
    main = Counter(clc[0] for (clc,) in BibRecord.select(BibRecord.clc_class).tuples() if clc)
    total = main.total()
    assert 0.25 <= main["I"] / total <= 0.40
    assert all(main[letter] / total >= 0.03 for letter in "KGFRBJDH")
    assert main["T"] / total >= 0.05 and len(main) >= 18


def test_statuses_dates_prices_and_sources_look_like_a_working_library(demo):
    statuses = Counter(status for (status,) in Item.select(Item.status).tuples())
    assert statuses["available"] / statuses.total() >= 0.9
    assert statuses["damaged"] and statuses["missing"] and statuses["processing"]
    dates = [acquired for (acquired,) in Item.select(Item.acquired_on).tuples()]
    assert min(dates) >= "2015-01-01" and max(dates) <= TODAY.date().isoformat()
    assert len({d[:4] for d in dates}) == 12  # every year from 2015 to 2026
    for item in Item.select(Item, BibRecord).join(BibRecord).limit(300):
        volumes = len({i.call_number for i in Item.select(Item.call_number).where(Item.bib == item.bib)})
        assert item.price_fen == parse_price(item.bib.price) // volumes  # a set's price shared by its volumes
    assert {"采购", "捐赠"} <= {source for (source,) in Item.select(Item.source).tuples()}


def test_the_classes_in_the_vocabulary_are_written_as_the_call_numbers_print_them():
    for subject in SUBJECTS:
        assert normalise_class(subject.clc) == subject.clc
    for famous in FAMOUS:
        assert normalise_class(famous.clc) == famous.clc


def test_the_generator_is_deterministic_for_a_seed():
    def made(seed: int) -> list[str]:
        rng = random.Random(seed)
        kinds = (GENERAL, CHILDREN, LOCAL, ANCIENT, CERAMICS, AUDIO, DEVICE)
        everywhere = {kind: [("ZG", "ZG-WJ", 1.0)] for kind in kinds}
        shelver = Shelver(rng, everywhere, today=TODAY.date())
        return [title.record.as_json() + repr(shelver.copies(title)) for title in generate_titles(rng, 300)]

    assert made(7) == made(7)
    assert made(7) != made(8)


def test_the_generator_alone_makes_twenty_thousand_distinct_records():
    numbers, isbns, titles = set(), [], Counter()
    for record in generate_records(random.Random(2021), 20_000):
        numbers.add(record["001"].data)
        if isbn := record["010"].get("a"):  # audiobooks and devices have a price but no ISBN
            isbns.append(isbn)
        titles[record["200"]["a"]] += 1
        assert record["200"]["a"] and record["100"]["a"][26:28] == "50"
    assert len(numbers) == 20_000
    assert len(isbns) >= 19_000 and len(set(isbns)) == len(isbns)
    assert titles.most_common(1)[0][1] < 100  # patterns vary: no title floods the catalogue


def test_translated_works_name_their_translator(demo):
    row = BibRecord.get(BibRecord.title == "百年孤独")
    record = records.view_record(row.id).record
    assert record["101"].indicators[0] == "1" and record["101"]["c"] == "spa"
    assert record["702"]["a"] == "范晔" and record["200"]["g"] == "范晔译"
