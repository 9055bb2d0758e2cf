"""Bibliographic records: stored whole as MARC, indexed for search, edited and journaled.

A record's local holdings fields (CNMARC 905, MARC21 852/952) are taken out when it is
stored: the copies they describe become items, which are the truth about holdings from
then on, and export writes them back. Everything else in the record is kept as it came.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, cast

import peewee
from pymarc import Record, parse_json_to_array

from db.ids import new_id
from db.models import BibIsbn, BibRecord, Item
from ils.catalogue.callnumbers import CallNumber
from ils.catalogue.index import SearchRow, index_delete, index_insert, index_insert_many, search_row
from ils.catalogue.items import ItemInfo, items_of, read_call_number, record_call_number
from ils.catalogue.marc_fields import CNMARC, MARC21, BibFields, Holding, extract
from ils.catalogue.marc_read import size_problem
from ils.catalogue.record_numbers import next_record_numbers, record_label
from ils.catalogue.search_text import normalise_isbn
from ils.errors import Invalid, NotFound
from ils.library import Library, Writer
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text import fold, pinyin_sort_key

HOLDING_TAGS = {CNMARC: ("905",), MARC21: ("852", "952")}
FORMATS = (CNMARC, MARC21)
_DEDUP_DROP = re.compile(r"[\W_]+")
# A call number as ``items.read_call_number`` reads it: as stored, its shelf key, its parts.
ReadCallNumber = tuple[str | None, str | None, CallNumber | None]


@dataclass(frozen=True)
class PreparedRecord:
    """A record ready to store: holdings taken out, columns and index row worked out.

    Computed without touching the database, so an import can prepare a whole file
    before its single write transaction begins. The record is kept as the text stored
    (``marc``, MARC-in-JSON), not as pymarc's objects: a staged file of 10,000 records held
    them by the million, and the garbage collector went through them all again after
    staging (45 µs a record, a fifth of parsing it).
    """

    marc: str
    format: str
    fields: BibFields
    isbns: tuple[str, ...]
    columns: dict[str, str | None]
    search: SearchRow
    calls: tuple[ReadCallNumber, ...]
    """Each holding's call number read (``items.read_call_number``), in the holdings' order: the
    record's class comes from them, and an import stores them on the copies without reading
    them again."""

    @property
    def holdings(self) -> tuple[Holding, ...]:
        return self.fields.holdings


@dataclass(frozen=True)
class RecordSummary:
    id: str
    number: int | None
    title: str
    responsibility: str | None
    publisher: str | None
    year: str | None
    isbn: str | None
    call_number: str | None
    format: str

    @property
    def label(self) -> str:
        """How people name it: its record number (its id while it has none)."""
        return record_label(self.number, self.id)


@dataclass(frozen=True)
class RecordView:
    summary: RecordSummary
    record: Record
    fields: BibFields
    items: tuple[ItemInfo, ...]


def _normal_words(text: str | None) -> str:
    return _DEDUP_DROP.sub("", fold(text).casefold())


def dedup_key(fields: BibFields) -> str | None:
    """Title + edition + publisher, and the subtitle and part when there are any, with case, width,
    spaces and punctuation ignored: how a cataloguer recognises the same edition of the same book
    when the ISBN is missing or differs ("Perl : programmer's reference" is not "Perl : the complete
    reference", nor 上册 下册).

    A record with neither subtitle nor part keeps the key such records were always stored under,
    so the keys already in the catalogue still meet the new ones.
    """
    title = _normal_words(fields.title)
    if not title:
        return None
    key = [title, _normal_words(fields.edition), _normal_words(fields.publisher)]
    distinct = [_normal_words(fields.other_title), _normal_words(fields.part)]
    return "|".join(key + distinct if any(distinct) else key)


def marc_json(record: Record) -> str:
    """The record in MARC-in-JSON: the very text ``record.as_json(ensure_ascii=False)`` gives.

    Written out directly, each string escaped by the ``json`` module's own escaper: an import
    stores thousands of records, and pymarc's way (a dictionary per field and per subfield, then
    ``json.dumps``) cost more than half as much as parsing the record (136 µs a record, 49 µs this
    way). A value that is not text (None in a record built by hand) goes pymarc's way.
    """
    try:
        fields = [
            f"{{{_quoted(f.tag)}: {_quoted(f.data)}}}"
            if f.control_field
            else f'{{{_quoted(f.tag)}: {{"ind1": {_quoted(f.indicator1)}, "ind2": {_quoted(f.indicator2)},'
            f' "subfields": [{", ".join([f"{{{_quoted(s.code)}: {_quoted(s.value)}}}" for s in f.subfields])}]}}}}'
            for f in record.fields
        ]
    except TypeError:
        return record.as_json(ensure_ascii=False)
    return f'{{"leader": {_quoted(str(record.leader))}, "fields": [{", ".join(fields)}]}}'


# ``json``'s string escaper for ``ensure_ascii=False``; a value that is not text raises TypeError.
_quoted = cast(Callable[[object], str], encode_basestring)


def record_from_json(text: str) -> Record:
    return parse_json_to_array(text)[0]


def prepare(record: Record, fmt: str, fields: BibFields | None = None) -> PreparedRecord:
    """Split off the holdings and derive what the catalogue stores and indexes.

    ``fields``: the facts ``marc_read`` already extracted from ``record`` after checking its
    size (``marc_read._finish``), so an import neither extracts nor measures every record twice.
    """
    if fmt not in FORMATS:
        raise Invalid("catalogue.unknown_record_format", "Unknown record format {format}.", format=fmt)
    if fields is None and (problem := size_problem(record)):
        raise Invalid(problem.code, problem.template, **problem.params)
    fields = fields or extract(record, fmt)
    if not fields.title:
        raise Invalid("catalogue.record_needs_title", "A record needs a title.")
    bare = Record(leader=str(record.leader), force_utf8=True)
    bare.add_field(*[f for f in record.fields if f.tag not in HOLDING_TAGS[fmt]])
    isbns: list[str] = []
    for text in fields.isbns:
        if (isbn := normalise_isbn(text)) and isbn not in isbns:
            isbns.append(isbn)
    calls = tuple(read_call_number(holding.call_number) for holding in fields.holdings)
    call_class, book_number = next(((c.clc_class, c.book_number) for _, _, c in calls if c), (None, None))
    columns = {
        "format": fmt,
        "title": fields.title,
        "parallel_title": fields.parallel_title,
        "other_title": fields.other_title,
        "responsibility": fields.responsibility,
        "edition": fields.edition,
        "publisher": fields.publisher,
        "place": fields.place,
        "year": fields.year,
        "isbn": isbns[0] if isbns else None,
        "clc_class": fields.clc_class,
        "subjects": " ; ".join(fields.subjects) or None,
        "series": fields.series,
        "price": fields.price,
        "material_type": fields.material_type,
        "call_class": call_class,
        "book_number": book_number,
        "title_sort": pinyin_sort_key(fields.title),
        "dedup_key": dedup_key(fields),
    }
    return PreparedRecord(marc_json(bare), fmt, fields, tuple(isbns), columns, search_row(fields), calls)


def next_doc(library: Library) -> int:
    """The next free full-text document number; call inside the write that uses it."""
    return (library.database.execute_sql("SELECT MAX(doc) FROM bib_record").fetchone()[0] or 0) + 1


# The columns ``prepare`` fills, in a fixed order. The INSERT is built once from these
# names (never from input): an import stores thousands of records in one go, and building
# each INSERT through peewee measured as long as everything else the insert does.
_RECORD_COLUMNS = (
    "format",
    "title",
    "parallel_title",
    "other_title",
    "responsibility",
    "edition",
    "publisher",
    "place",
    "year",
    "isbn",
    "clc_class",
    "subjects",
    "series",
    "price",
    "material_type",
    "call_class",
    "book_number",
    "title_sort",
    "dedup_key",
)
_INSERT_RECORD = (
    f"INSERT INTO bib_record (id, doc, number, marc, source, created_at, updated_at, {', '.join(_RECORD_COLUMNS)})"
    f" VALUES ({', '.join('?' * (7 + len(_RECORD_COLUMNS)))})"
)


def insert_prepared(writer: Writer, library: Library, prepared: PreparedRecord, *, doc: int, source: str | None) -> str:
    """Store, index and journal one prepared record (not its holdings); returns its id."""
    bib_id = new_id()
    ((action, entity_type, _id, data),) = insert_records(library, [(bib_id, prepared)], first_doc=doc, source=source)
    writer.journal(action, entity_type, bib_id, data)
    return bib_id


def insert_records(
    library: Library,
    records: Sequence[tuple[str, PreparedRecord]],
    *,
    first_doc: int,
    source: str | None,
    index: bool = True,
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Store prepared records (not their holdings) under the ids given, numbered in order and with
    the document numbers ``first_doc``, ``first_doc + 1``…; their journal rows, in order (action,
    entity type, id, data), which the caller journals (``Writer.journal_many``).

    One statement per table for all of them: an import stores a chunk of records at once and
    journals each before its copies, so it takes the rows to journal rather than have them
    journaled here. ``index=False``: the caller inserts their index rows itself
    (``index.index_insert_many``; an import does so once, after all its records).

    A journal row names the record (format, number, title, ISBN, source) but does not repeat
    its MARC: the row in ``bib_record`` holds it, and a sync bundle carries the records
    its events touch. Copying every imported record into the journal would double the
    database and the import time. An edit does journal the whole new record (edits are
    few, and the audit trail should show what was changed).
    """
    now = library.now_text()
    numbers = next_record_numbers(library, len(records))
    rows = []
    isbns: list[tuple[str, str]] = []
    entries = []
    for (bib_id, prepared), doc, number in zip(records, itertools.count(first_doc), numbers):
        columns = prepared.columns
        rows.append((bib_id, doc, number, prepared.marc, source, now, now, *map(columns.get, _RECORD_COLUMNS)))
        isbns.extend((isbn, bib_id) for isbn in prepared.isbns)
        data = {
            "format": prepared.format,
            "number": number,
            "title": columns["title"],
            "isbn": columns["isbn"],
            "source": source,
        }
        entries.append(("record.add", "bib_record", bib_id, data))
    connection = library.database.connection()
    with peewee.__exception_wrapper__:  # a refused row is peewee's IntegrityError, as for every other write
        connection.executemany(_INSERT_RECORD, rows)
        connection.executemany("INSERT INTO bib_isbn (isbn, bib_id) VALUES (?, ?)", isbns)
    if index:
        index_insert_many(
            library.database,
            [(doc, prepared.search) for (_id, prepared), doc in zip(records, itertools.count(first_doc))],
        )
    return entries


def add_record(session: Session, record: Record, fmt: str, *, source: str | None = None) -> str:
    """Catalogue one record typed or fetched at the desk (an import goes through ``marc_import``)."""
    session.require(Permission.CATALOGUE)
    prepared = prepare(record, fmt)
    with session.write() as writer:
        return insert_prepared(writer, session.library, prepared, doc=next_doc(session.library), source=source)


def _live(bib_id: str) -> BibRecord:
    row = BibRecord.get_or_none((BibRecord.id == bib_id) & (BibRecord.deleted == False))  # noqa: E712
    if row is None:
        raise NotFound("catalogue.no_such_record", "There is no such catalogue record.")
    return row


@writes
def replace_record(session: Session, bib_id: str, record: Record) -> RecordSummary:
    """Save an edited record: re-derive its columns and index row in the same write."""
    session.require(Permission.CATALOGUE)
    row = _live(bib_id)
    prepared = prepare(record, row.format)
    columns = dict(prepared.columns)
    if not columns["call_class"]:  # call numbers given at the desk live on the record, not in 905
        columns["call_class"], columns["book_number"] = row.call_class, row.book_number
    text = prepared.marc
    with session.write() as writer:
        BibRecord.update(marc=text, updated_at=session.library.now_text(), **columns).where(
            BibRecord.id == row.id
        ).execute()
        BibIsbn.delete().where(BibIsbn.bib == row.id).execute()
        if prepared.isbns:
            BibIsbn.insert_many([(i, row.id) for i in prepared.isbns], fields=[BibIsbn.isbn, BibIsbn.bib]).execute()
        index_delete(session.library.database, row.doc)
        index_insert(session.library.database, row.doc, prepared.search)
        writer.journal("record.edit", "bib_record", row.id, {"marc": json.loads(text)})
    return summary(BibRecord.get_by_id(row.id))


@writes
def delete_record(session: Session, bib_id: str) -> None:
    """Withdraw a record from the catalogue; refused while it still has copies that are not withdrawn."""
    session.require(Permission.CATALOGUE)
    row = _live(bib_id)
    live_items = Item.select().where((Item.bib == row.id) & (Item.status != "withdrawn")).count()
    if live_items:
        raise Invalid(
            "catalogue.record_has_copies",
            "The record still has {count} copies; withdraw or move them first.",
            count=live_items,
        )
    with session.write() as writer:
        BibRecord.update(deleted=True, updated_at=session.library.now_text()).where(BibRecord.id == row.id).execute()
        index_delete(session.library.database, row.doc)
        writer.journal("record.delete", "bib_record", row.id, {})


def summary(row: BibRecord) -> RecordSummary:
    return RecordSummary(
        id=row.id,
        number=row.number,
        title=row.title,
        responsibility=row.responsibility,
        publisher=row.publisher,
        year=row.year,
        isbn=row.isbn,
        call_number=record_call_number(row),
        format=row.format,
    )


def view_record(bib_id: str) -> RecordView:
    row = _live(bib_id)
    record = record_from_json(row.marc)
    return RecordView(summary(row), record, extract(record, row.format), tuple(items_of(row.id)))


def reindex(session: Session, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the full-text index from the stored records (after a tokenizer change or damage).

    One transaction: searches on other desks see the old index until it commits.
    """
    session.require(Permission.CATALOGUE)
    database = session.library.database
    total = BibRecord.select().where(BibRecord.deleted == False).count()  # noqa: E712
    done = 0
    with session.write() as writer:
        database.execute_sql("DELETE FROM bib_search")
        query = (
            BibRecord.select(BibRecord.doc, BibRecord.marc, BibRecord.format)
            .where(
                BibRecord.deleted == False  # noqa: E712
            )
            .tuples()
        )
        for doc, text, fmt in query.iterator():
            index_insert(database, doc, search_row(extract(record_from_json(text), fmt)))
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        writer.journal("catalogue.reindex", "bib_search", None, {"records": done})
    if progress:
        progress(done, total)
    return done
