"""The staged MARC import: read a supplier's file into a batch, review it, apply it at once.

A cataloguer accepting a supplier's delivery wants to see what a file holds before any
of it reaches the catalogue: how many records, which ones the catalogue already has
(same ISBN, or same title + subtitle + part + edition + publisher when the ISBN is missing
or differs),
and which ones could not be read and why. ``stage`` works all of that out without
writing; the cataloguer then chooses per duplicate (``Batch.decide``) and ``apply``
stores the batch in one write transaction, so an import is never half done.

Decisions: ``accept`` stores the record as a new one; ``merge`` keeps the record that
is already there (in the catalogue, or earlier in the same file) and only adds the
incoming record's copies to it; ``skip`` stores nothing of it. A merge whose target was
itself skipped and stored nowhere stores the record instead, so the copies still arrive.

Copies come from the local holdings fields (CNMARC 905, MARC21 852/952, see
``marc_fields``). A copy without a usable barcode, or with one already in use, is left
out and reported; its record is still stored.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import peewee

from db import dialect
from db.ids import new_id
from db.journal import Entry as JournalEntry
from db.models import BibIsbn, BibRecord, Branch, Item, Location
from ils.branches import get_branch
from ils.catalogue.index import SearchRow, index_insert_many
from ils.catalogue.items import barcode_format, normalise_barcode, parse_price, read_call_number, store_items
from ils.catalogue.locations import get_location
from ils.catalogue.marc_fields import Holding
from ils.catalogue.marc_read import MarcReading, Reject, file_format, record_reason
from ils.catalogue.records import PreparedRecord, ReadCallNumber, insert_records, next_doc, prepare
from ils.code_formats import CodeFormat
from ils.errors import Invalid, Message, message, plural_message
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text_input import readable_file_name

ACCEPT = "accept"
MERGE = "merge"
SKIP = "skip"
DECISIONS = (ACCEPT, MERGE, SKIP)
DECISION_LABELS: dict[str, str] = {
    ACCEPT: N_("add as a new record"),
    MERGE: N_("add its copies to the record it duplicates"),
    SKIP: N_("skip"),
}

BY_ISBN = "isbn"
BY_TITLE = "title"

# Records are stored in chunks of this many; after each whole chunk progress is reported and
# cancellation checked.
PROGRESS_EVERY = 200
# Page cache an import's write transaction may fill, per record: a record with a copy, its journal
# and index rows takes about 8 KiB of pages; more is headroom.
_CACHE_KIB_PER_RECORD = 12
_CACHE_KIB_MOST = 512 * 1024  # a desk's PC has a few gigabytes: beyond 40,000 records, spill rather than swap
# Values per ``IN (...)`` query: well under SQLite's host-parameter limit.
_CHUNK = 500
# The 种次号 an import meets, kept (``BookNumber``) unless a number is in the ledger already.
_LEDGER_INSERT = (
    "INSERT INTO book_number (clc_class, number, bib_id, node_id, assigned_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)


@dataclass
class StagedRecord:
    """One good record of the file, what it duplicates, and what the cataloguer chose."""

    number: int
    offset: int | None
    prepared: PreparedRecord
    encoding: str
    duplicate_of: str | None = None
    duplicate_in_batch: int | None = None
    match: str | None = None
    matched_isbn: str | None = None
    decision: str = ACCEPT

    @property
    def title(self) -> str:
        return self.prepared.fields.title or ""

    @property
    def holdings(self) -> tuple[Holding, ...]:
        return self.prepared.holdings

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None or self.duplicate_in_batch is not None

    @property
    def reason(self) -> Message | None:
        """Why this record was taken for a duplicate, with the values that matched, for the cataloguer to judge."""
        if self.match == BY_ISBN:
            return message("catalogue.import_same_isbn", "same ISBN {isbn}", isbn=self.matched_isbn)
        if self.match == BY_TITLE:
            fields = self.prepared.fields
            values = (fields.title, fields.other_title, fields.part, fields.edition, fields.publisher)
            return message(
                "catalogue.import_same_title",
                "same title, subtitle, part, edition and publisher: {values}",
                values=" · ".join(value for value in values if value),
            )
        return None


@dataclass(frozen=True)
class BatchCounts:
    """What the review shows first: records in the file, new ones, duplicates, refusals, copies."""

    total: int
    new: int
    duplicates: int
    rejects: int
    holdings: int
    without_barcode: int
    """Copies the file lists without a barcode: they cannot be added, and the review must say so first."""


def unbarcoded_note(count: int) -> Message:
    """What the review says before Apply about copies the file gives no barcode."""
    return plural_message(
        "catalogue.import_copies_without_barcode",
        "{count} copy has no barcode and will not be added: give it one in the file, or add it on the record later.",
        "{count} copies have no barcode and will not be added: give them barcodes in the file, "
        "or add them on the record later.",
        count=count,
    )


@dataclass
class Batch:
    """A whole file read and checked, waiting for the cataloguer's decisions."""

    source_name: str
    format: str | None
    serialisation: str | None
    records: list[StagedRecord]
    rejects: tuple[Reject, ...]

    @property
    def counts(self) -> BatchCounts:
        duplicates = sum(1 for r in self.records if r.is_duplicate)
        return BatchCounts(
            total=len(self.records) + len(self.rejects),
            new=len(self.records) - duplicates,
            duplicates=duplicates,
            rejects=len(self.rejects),
            holdings=sum(len(r.holdings) for r in self.records),
            without_barcode=sum(1 for r in self.records for h in r.holdings if not h.barcode),
        )

    def record(self, number: int) -> StagedRecord:
        for staged in self.records:
            if staged.number == number:
                return staged
        raise Invalid("catalogue.import_no_such_record", "The file has no usable record {number}.", number=number)

    def decide(self, number: int, decision: str) -> None:
        """Choose accept, merge or skip for record ``number``; merge only for a duplicate."""
        _check_decision(decision)
        staged = self.record(number)
        if decision == MERGE and not staged.is_duplicate:
            raise Invalid(
                "catalogue.import_merge_without_duplicate",
                "Record {number} duplicates nothing, so there is nothing to merge it into.",
                number=number,
            )
        staged.decision = decision

    def decide_all_duplicates(self, decision: str) -> None:
        _check_decision(decision)
        for staged in self.records:
            if staged.is_duplicate:
                staged.decision = decision


@dataclass(frozen=True)
class ImportResult:
    """What ``apply`` stored. ``bib_ids``: the records added or merged into, in file order."""

    added: int
    merged: int
    skipped: int
    items_added: int
    item_problems: tuple[Message, ...]
    bib_ids: tuple[str, ...]


def decision_label(decision: str) -> str:
    return _(DECISION_LABELS[decision]) if decision in DECISION_LABELS else decision


def _check_decision(decision: str) -> None:
    if decision not in DECISIONS:
        raise Invalid(
            "catalogue.import_unknown_decision",
            "Unknown decision {decision}; choose one of: {choices}.",
            decision=decision,
            choices=", ".join(DECISIONS),
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while a batch is built or stored.

    A batch is hundreds of thousands of small objects (fields, subfields, index rows)
    that all stay alive until the import ends; the collector would scan them again and
    again while they are being allocated, which measured as long as parsing itself.
    Reference counting still frees everything without cycles in the meantime.
    """
    if not gc.isenabled():  # an outer import already paused it
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# --- stage ---------------------------------------------------------------------------------


def stage(
    session: Session,
    data: bytes,
    *,
    source_name: str,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Batch:
    """Read ``data`` into a batch and find its duplicates; writes nothing.

    A file that is not MARC at all gives a batch with no records and one reject that
    says why, like any other refusal. ``encoding`` overrides the detected character
    set (e.g. 'gbk' for a file whose records are misdetected).
    """
    session.require(Permission.CATALOGUE)
    with _collector_paused():
        return _stage(data, readable_file_name(source_name), encoding, progress)


def _stage(data: bytes, source_name: str, encoding: str | None, progress: Callable[[int, int], None] | None) -> Batch:
    """Each record is prepared as soon as it is parsed, and pymarc's objects for it dropped: a
    staged record is held as text, a parsed one as hundreds of small objects."""
    try:
        reading = MarcReading(data, encoding=encoding)
    except ValueError:
        raise Invalid(
            "catalogue.unknown_character_set",
            "The character set {name} is unknown; use e.g. utf-8, gbk, gb18030 or marc-8.",
            name=encoding,
        ) from None
    staged: list[StagedRecord] = []
    rejects: list[Reject] = []
    formats: set[str] = set()
    total = reading.total
    with reading:
        for done, parsed in enumerate(reading, 1):
            if isinstance(parsed, Reject):
                rejects.append(parsed)
            else:
                formats.add(parsed.format)
                try:
                    prepared = prepare(parsed.record, parsed.format, parsed.fields)
                except Invalid as problem:
                    reason = record_reason(parsed.number, parsed.offset, problem.message)
                    rejects.append(Reject(parsed.number, parsed.offset, reason))
                else:
                    staged.append(StagedRecord(parsed.number, parsed.offset, prepared, parsed.encoding))
            del parsed  # pymarc's objects go now, not when the next record replaces them
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
    _find_duplicates(staged)
    if progress:
        progress(total, total)
    rejects.sort(key=lambda r: r.number)
    return Batch(source_name, file_format(formats), reading.serialisation, staged, tuple(rejects))


def _find_duplicates(staged: list[StagedRecord]) -> None:
    """Mark each record that the catalogue, or an earlier record of the file, already has,
    and propose merging it.

    The catalogue wins over the file, and an ISBN match over a title match: merging into
    a stored record is what the cataloguer most often wants.
    """
    by_isbn = _catalogue_isbns({isbn for r in staged for isbn in r.prepared.isbns})
    by_key = _catalogue_keys({key for r in staged if (key := r.prepared.columns["dedup_key"])})
    first_isbn: dict[str, int] = {}
    first_key: dict[str, int] = {}
    for record in staged:
        isbns = record.prepared.isbns
        key = record.prepared.columns["dedup_key"]
        if isbn := next((i for i in isbns if i in by_isbn), None):
            record.duplicate_of, record.match, record.matched_isbn = by_isbn[isbn], BY_ISBN, isbn
        elif key in by_key:
            record.duplicate_of, record.match = by_key[key], BY_TITLE
        elif isbn := next((i for i in isbns if i in first_isbn), None):
            record.duplicate_in_batch, record.match, record.matched_isbn = first_isbn[isbn], BY_ISBN, isbn
        elif key in first_key:
            record.duplicate_in_batch, record.match = first_key[key], BY_TITLE
        if record.is_duplicate:
            record.decision = MERGE
        for isbn in isbns:
            first_isbn.setdefault(isbn, record.number)
        if key:
            first_key.setdefault(key, record.number)


def _catalogue_isbns(isbns: set[str]) -> dict[str, str]:
    """ISBN-13 → id of the oldest live record carrying it."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(isbns)):
        query = (
            BibIsbn.select(BibIsbn.isbn, BibRecord.id)
            .join(BibRecord)
            .where(BibIsbn.isbn.in_(chunk) & (BibRecord.deleted == False))  # noqa: E712
            .order_by(BibRecord.doc)
            .tuples()
        )
        for isbn, bib_id in query:
            found.setdefault(isbn, bib_id)
    return found


def _catalogue_keys(keys: set[str]) -> dict[str, str]:
    """Title + edition + publisher key → id of the oldest live record with it."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(keys)):
        query = (
            BibRecord.select(BibRecord.dedup_key, BibRecord.id)
            .where(BibRecord.dedup_key.in_(chunk) & (BibRecord.deleted == False))  # noqa: E712
            .order_by(BibRecord.doc)
            .tuples()
        )
        for key, bib_id in query:
            found.setdefault(key, bib_id)
    return found


# --- apply ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Places:
    """Branches and shelving locations by the codes (and names) a holding may give."""

    branches: dict[str, str]
    locations: dict[tuple[str, str], str]
    default_branch: str
    default_location: Location | None

    @classmethod
    def load(cls, session: Session, branch: str | None, location: str | None) -> _Places:
        default_branch = get_branch(branch).id if branch else session.library.node.branch_id
        default_location = get_location(location) if location else None
        locations: dict[tuple[str, str], str] = {}
        for row in Location.select():
            locations.setdefault((row.branch_id, row.name.strip()), row.id)
            locations[(row.branch_id, row.code)] = row.id
        return cls({b.code: b.id for b in Branch.select()}, locations, default_branch, default_location)

    def branch_of(self, holding: Holding) -> str:
        code = (holding.library or "").strip().upper()
        return self.branches.get(code, self.default_branch)

    def location_of(self, holding: Holding, branch_id: str) -> str | None:
        if holding.location:
            text = holding.location.strip()
            found = self.locations.get((branch_id, text.upper())) or self.locations.get((branch_id, text))
            if found:
                return found
        if self.default_location is not None and self.default_location.branch_id == branch_id:
            return self.default_location.id
        return None


class _Apply:
    """One ``apply`` run: the state shared by the records of the batch while it is stored."""

    def __init__(self, session: Session, writer: Writer, batch: Batch, places: _Places, status: str) -> None:
        self.session = session
        self.status = status
        self.writer = writer
        self.batch = batch
        self.places = places
        self.now = session.library.now_text()
        self.today = session.now().date().isoformat()
        self.doc = next_doc(session.library)
        self.home: dict[int, str | None] = {}  # record number → the stored record holding its data
        self.call_of: dict[str, str | None] = _existing_call_numbers(batch)
        self.read, self.taken = _read_barcodes(batch, barcode_format())
        self.problems: list[Message] = []
        self.ledger: dict[tuple[str, int], str] = {}
        self.touched: dict[str, None] = {}
        self.searches: list[tuple[int, SearchRow]] = []  # the new records' index rows, inserted after them all
        self.added = self.merged = self.skipped = self.items = 0

    def store(self, chunk: Sequence[StagedRecord]) -> None:
        """Store a chunk of the batch: its new records, then their copies and the copies merged
        into others, each kind in one statement, and the journal rows in file order (a record,
        then its copies)."""
        new: list[tuple[str, PreparedRecord]] = []
        copies: list[dict[str, object]] = []
        order: list[tuple[bool, int]] = []  # per record stored: whether it is new, and its copies
        for record in chunk:
            target = None
            if record.decision != ACCEPT:
                target = record.duplicate_of
                if target is None and record.duplicate_in_batch is not None:
                    target = self.home.get(record.duplicate_in_batch)
            if record.decision == SKIP:
                self.home[record.number] = target
                self.skipped += 1
                continue
            added = target is None
            if target is None:
                target = new_id()
                new.append((target, record.prepared))
                self.added += 1
                columns = record.prepared.columns
                call_class, book_number = columns["call_class"], columns["book_number"]
                self.call_of[target] = f"{call_class}/{book_number}" if call_class and book_number else None
            else:
                self.merged += 1
            self.home[record.number] = target
            self.touched[target] = None
            before = len(copies)
            for holding, call in zip(record.holdings, record.prepared.calls, strict=True):
                if copy := self.copy(record, holding, call if holding.call_number else None, target):
                    copies.append(copy)
            order.append((added, len(copies) - before))
        library = self.session.library
        database = library.database
        dialect.set_capture(database, False)
        stored = insert_records(library, new, first_doc=self.doc, source=self.batch.source_name, index=False)
        stored_items = store_items(copies, now=self.now)
        dialect.set_capture(database, True)
        dialect.capture_created(
            database,
            [
                *(("bib_record", bib_id) for bib_id, _prepared in new),
                *(
                    ("bib_isbn", dialect.composite_key((isbn, bib_id)))
                    for bib_id, prepared in new
                    for isbn in prepared.isbns
                ),
                *(("item", item_id) for _action, _type, item_id, _data in stored_items),
            ],
        )
        records = iter(stored)
        self.searches.extend((doc, prepared.search) for doc, (_id, prepared) in enumerate(new, self.doc))
        self.doc += len(new)
        items = iter(stored_items)
        self.items += len(copies)
        entries: list[JournalEntry] = []
        for added, count in order:
            if added:
                entries.append(next(records))
            entries.extend(itertools.islice(items, count))
        self.writer.journal_many(entries)

    def copy(
        self, record: StagedRecord, holding: Holding, call: ReadCallNumber | None, bib_id: str
    ) -> dict[str, object] | None:
        """The values ``items.store_items`` stores for ``holding``, or None when it cannot be added.

        ``call``: the holding's own call number as staging read it, None when it has none (then
        the record's is used)."""
        call_number, shelf_key, parsed = call or read_call_number(self.call_of.get(bib_id))
        if parsed is not None and parsed.book_number.isdigit():
            self.ledger.setdefault((parsed.clc_class, int(parsed.book_number)), bib_id)
        barcode = self.barcode(record.number, holding)
        if barcode is None:
            return None
        branch_id = self.places.branch_of(holding)
        material = record.prepared.columns["material_type"] or ""
        price = holding.price or record.prepared.fields.price
        return {
            "bib_id": bib_id,
            "barcode": barcode,
            "branch_id": branch_id,
            "location_id": self.places.location_of(holding, branch_id),
            "call_number": call_number,
            "shelf_key": shelf_key,
            "item_type": "periodical" if material[1:2] == "s" else "book",
            "status": self.status,
            "price_fen": parse_price(price),
            "acquired_on": self.today,
            "source": None,
            "note": None,
        }

    def barcode(self, number: int, holding: Holding) -> str | None:
        """The copy's barcode as stored, or None with the problem noted."""
        if not holding.barcode:
            self.problem(
                number, message("catalogue.import_copy_without_barcode", "a copy has no barcode, so it was not added")
            )
            return None
        barcode = self.read[holding.barcode]
        if isinstance(barcode, Message):
            self.problem(number, barcode)
            return None
        if barcode in self.taken:
            if self.taken[barcode]:
                taken = message(
                    "catalogue.import_barcode_taken",
                    "the barcode {barcode} is already on another item",
                    barcode=barcode,
                )
            else:
                taken = message(
                    "catalogue.import_barcode_twice",
                    "the barcode {barcode} is given to two copies in the file",
                    barcode=barcode,
                )
            self.problem(number, taken)
            return None
        self.taken[barcode] = False
        return barcode

    def problem(self, number: int, problem: Message) -> None:
        self.problems.append(
            message("catalogue.import_copy_left_out", "record {number}: {problem}", number=number, problem=problem)
        )

    def finish(self) -> ImportResult:
        index_insert_many(self.session.library.database, self.searches)
        # Book numbers met on import count as taken, so the 种次号 counter never hands them out again.
        node_id = self.session.library.node_id
        rows = [(c, n, bib_id, node_id, self.now) for (c, n), bib_id in self.ledger.items()]
        with peewee.__exception_wrapper__:
            self.session.library.database.connection().executemany(_LEDGER_INSERT, rows)
        self.writer.journal(
            "import.apply",
            "import",
            None,
            {
                "source": self.batch.source_name,
                "added": self.added,
                "merged": self.merged,
                "skipped": self.skipped,
                "items": self.items,
                "item_problems": len(self.problems),
                "rejects": len(self.batch.rejects),
            },
        )
        return ImportResult(
            self.added, self.merged, self.skipped, self.items, tuple(self.problems), tuple(self.touched)
        )


@writes
def apply(
    session: Session,
    batch: Batch,
    *,
    branch: str | None = None,
    location: str | None = None,
    processing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Store the batch as decided, in one write transaction: all of it or, on any failure, none.

    A copy's branch is the one its holding names when that branch exists, else ``branch``,
    else this desk's; its location the one the holding names (code or name) in that branch,
    else ``location`` when it is in that branch, else none. With ``processing`` the copies
    are 加工中 (not lendable) until shelved (``items.shelve``). The records merged into and
    the barcodes in use are read again inside the write lock: the catalogue may have
    changed since the file was staged.
    """
    session.require(Permission.CATALOGUE)
    if not batch.records:
        raise Invalid(
            "catalogue.import_nothing_usable", "There is nothing to import: the file has no record that can be used."
        )
    places = _Places.load(session, branch, location)
    total = len(batch.records)
    cache = dialect.page_cache(session.library.database, min(_CACHE_KIB_PER_RECORD * total, _CACHE_KIB_MOST))
    with _collector_paused(), cache, session.write() as writer:
        first_change = dialect.max_seq(session.library.database)
        run = _Apply(session, writer, batch, places, "processing" if processing else "available")
        for start in range(0, total, PROGRESS_EVERY):
            run.store(batch.records[start : start + PROGRESS_EVERY])
            done = start + PROGRESS_EVERY
            if done <= total:
                if cancelled and cancelled():
                    raise Invalid("catalogue.import_cancelled", "Import cancelled; nothing was stored.")
                if progress:
                    progress(done, total)
        result = run.finish()
        # Every copy stored here is new, 加工中 or available, and no loan, transit or hold names it:
        # its status is the one it was given, and the write need not derive it again.
        writer.settled = (first_change, dialect.max_seq(session.library.database))
    if progress:
        progress(total, total)
    return result


def _existing_call_numbers(batch: Batch) -> dict[str, str | None]:
    """Call numbers of the catalogue records the batch merges into; refuses a target deleted since staging."""
    targets = sorted({r.duplicate_of for r in batch.records if r.duplicate_of and r.decision != ACCEPT})
    found: dict[str, str | None] = {}
    for chunk in _chunks(targets):
        query = (
            BibRecord.select(BibRecord.id, BibRecord.call_class, BibRecord.book_number)
            .where(BibRecord.id.in_(chunk) & (BibRecord.deleted == False))
            .tuples()
        )  # noqa: E712
        for bib_id, call_class, book_number in query:
            found[bib_id] = f"{call_class}/{book_number}" if call_class and book_number else None
    for record in batch.records:
        if record.duplicate_of in targets and record.duplicate_of not in found:
            raise Invalid(
                "catalogue.import_target_deleted",
                "Record {number} duplicates a catalogue record that has been deleted since the file "
                "was read; read the file again.",
                number=record.number,
            )
    return found


def _read_barcodes(batch: Batch, shape: CodeFormat) -> tuple[dict[str, str | Message], dict[str, bool]]:
    """Each barcode the batch's copies give, read once: as stored, or why it is refused; and
    those already on items (value True; the run adds its own as False)."""
    read: dict[str, str | Message] = {}
    for holding in _holdings_to_store(batch.records):
        if holding.barcode and holding.barcode not in read:
            try:
                read[holding.barcode] = normalise_barcode(holding.barcode, shape)
            except Invalid as invalid:
                read[holding.barcode] = invalid.message
    taken: dict[str, bool] = {}
    for chunk in _chunks(sorted({barcode for barcode in read.values() if isinstance(barcode, str)})):
        for (barcode,) in Item.select(Item.barcode).where(Item.barcode.in_(chunk)).tuples():
            taken[barcode] = True
    return read, taken


def _holdings_to_store(records: Iterable[StagedRecord]) -> Iterator[Holding]:
    for record in records:
        if record.decision != SKIP:
            yield from record.holdings
