"""Number ranges reserved per node, and giving a record its call number (索书号).

Why ranges: the central library, 26 branches and the van catalogue offline and meet only
through sync bundles. A 种次号 or an item barcode handed out by "highest + 1" on two
desks at once would name two different books. So each node draws from blocks reserved
for it (``number_range``): the blocks of one kind never overlap, whichever node they
belong to, and the reservation is journaled so the union catalogue and the other nodes
learn of it through sync.

种次号 (running number per class) come from this node's ``book_number`` ranges and are
written to the ledger (``book_number``), where numbers met on import are recorded too:
the next number follows the highest one inside this node's ranges, and a number given
once is never given again (``callnumbers.next_book_number``).

著者号 (author number): a location may shelve by author instead (古籍室, 地方文献室). The
usual table, GCAT (通用汉语著者号码表), is a printed book that is not available to an
offline desk, so the mark is derived from the author's name instead (``author_mark``).
A derived mark cannot collide across nodes the way a counter can, so it needs no range.

Item barcodes for copies that arrive without a supplier label come from this node's
``barcode`` ranges (``next_barcodes``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from peewee import fn

from db.ids import new_id
from db.models import BibRecord, BookNumber, Item, Location, NumberRange
from ils.catalogue.callnumbers import (
    BookNumberRange,
    CallNumber,
    format_call_number,
    next_book_number,
    normalise_class,
    parse_call_number,
    shelf_key_text,
)
from ils.catalogue.index import author_names
from ils.catalogue.items import normalise_barcode, record_call_number
from ils.catalogue.locations import get_location
from ils.catalogue.marc_fields import extract
from ils.catalogue.records import record_from_json
from ils.errors import Invalid, NotFound
from ils.i18n import N_
from ils.library import Library, Writer
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text import fold, pinyin_initials
from ils.text_input import clean_input

KINDS: dict[str, str] = {
    "book_number": N_("book numbers (种次号)"),
    "barcode": N_("item barcodes"),
}

#: What ``ils init`` reserves for a central library's first desk. Cataloguing is
#: normally centralised at the 总馆, so it gets a block at once: 4,999 titles per class
#: last a county library many years. Numbers from 5000 up stay free so an administrator
#: can give each branch that catalogues for itself a block of its own (e.g. 5000–5499).
#: A branch's first desk gets nothing: which block it may use is the central library's
#: decision, not something a desk can pick for itself offline.
CENTRAL_BOOK_NUMBERS = (1, 4999)

#: Settings that shape barcodes drawn from ranges: a prefix shared by the library's
#: item barcodes (so a scan is never mistaken for a reader card) and the number of
#: digits after it, zero-padded so every label has the same length.
BARCODE_PREFIX = "barcode.prefix"
BARCODE_WIDTH = "barcode.width"
DEFAULT_BARCODE_WIDTH = 10

#: An author mark keeps at most this many letters, so the spine label stays legible.
_MARK_LETTERS = 4
_BRACKETED = re.compile(r"[(（\[［【〔][^)）\]］】〕]*[)）\]］】〕]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class RangeInfo:
    """A reserved block and how far it is used.

    ``used`` counts numbers given from the block (for book numbers: in every class
    together); ``left`` is how many can still be given where the block is fullest
    (for book numbers: in the class that has gone furthest into it).
    """

    id: str
    kind: str
    node_id: str
    first: int
    last: int
    used: int
    left: int
    created_at: str


# --- ranges --------------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise Invalid(
            "catalogue.range_unknown_kind",
            "Unknown kind of number range {kind}; kinds are: {kinds}.",
            kind=kind,
            kinds=", ".join(KINDS),
        )
    return kind


def insert_range(writer: Writer, *, kind: str, node_id: str, first: int, last: int, now: str) -> str:
    """Insert and journal one range; the caller has checked it (shared with ``ils init``)."""
    range_id = new_id()
    NumberRange.insert(id=range_id, kind=kind, node_id=node_id, first=first, last=last, created_at=now).execute()
    writer.journal(
        "number_range.reserve",
        "number_range",
        range_id,
        {"kind": kind, "node_id": node_id, "first": first, "last": last},
    )
    return range_id


@writes
def reserve_range(session: Session, *, kind: str, first: int, last: int, node_id: str | None = None) -> RangeInfo:
    """Reserve ``first``–``last`` of ``kind`` for a node (this desk's node by default).

    Refused when it overlaps any range of the same kind, whichever node holds it: an
    overlap is exactly the collision ranges exist to prevent. The overlap is looked for
    inside the write lock, so two desks reserving at once cannot both get one block.
    """
    session.require(Permission.RESERVE_NUMBERS)
    _check_kind(kind)
    node = clean_input(node_id, N_("Node"), required=False) or session.library.node_id
    if first < 1 or last < first:
        raise Invalid(
            "catalogue.range_invalid",
            "A range must run from 1 or more up to a number not below its start (got {first}–{last}).",
            first=first,
            last=last,
        )
    if kind == "barcode":
        _barcode_text(last, *_drawn_barcodes(session.library))
    overlapping = NumberRange.get_or_none(
        (NumberRange.kind == kind) & (NumberRange.first <= last) & (NumberRange.last >= first)
    )
    if overlapping is not None:
        raise Invalid(
            "catalogue.range_overlaps",
            "{first}–{last} overlaps the range {other_first}–{other_last} already reserved for node {node}.",
            first=first,
            last=last,
            other_first=overlapping.first,
            other_last=overlapping.last,
            node=overlapping.node_id,
        )
    with session.write() as writer:
        range_id = insert_range(writer, kind=kind, node_id=node, first=first, last=last, now=session.library.now_text())
    return _range_info(NumberRange.get_by_id(range_id), _drawn_barcodes(session.library))


def list_ranges(library: Library, kind: str | None = None) -> list[RangeInfo]:
    """Every reserved range, this node's and other nodes', by kind and in number order."""
    query = NumberRange.select().order_by(NumberRange.kind, NumberRange.first)
    if kind:
        query = query.where(NumberRange.kind == _check_kind(kind))
    barcode_format = _drawn_barcodes(library)
    return [_range_info(row, barcode_format) for row in query]


def _range_info(row: NumberRange, barcode_format: tuple[str, int]) -> RangeInfo:
    if row.kind == "book_number":
        used, highest = (
            BookNumber.select(fn.COUNT(BookNumber.number), fn.MAX(BookNumber.number))
            .where(BookNumber.number.between(row.first, row.last))
            .tuples()
            .get()
        )
    else:
        prefix, width = barcode_format
        used = _barcodes_in(prefix, width, row.first, row.last).count()
        highest = _highest_barcode(prefix, width, row.first, row.last)
    left = row.last - max(highest or 0, row.first - 1)
    return RangeInfo(row.id, row.kind, row.node_id, row.first, row.last, used, left, row.created_at)


def _own_ranges(session: Session, kind: str) -> list[NumberRange]:
    node_id = session.library.node_id
    return list(
        NumberRange.select()
        .where((NumberRange.kind == kind) & (NumberRange.node_id == node_id))
        .order_by(NumberRange.first)
    )


# --- barcodes --------------------------------------------------------------------------------


def _drawn_barcodes(library: Library) -> tuple[str, int]:
    """(prefix, digits) of the barcodes drawn from ranges, from the settings."""
    return library.setting(BARCODE_PREFIX) or "", int(library.setting(BARCODE_WIDTH) or DEFAULT_BARCODE_WIDTH)


def _barcode_text(number: int, prefix: str, width: int) -> str:
    digits = str(number)
    if len(digits) > width:
        raise Invalid(
            "catalogue.barcode_number_too_wide",
            "{number} has more than the {width} digits item barcodes have here.",
            number=number,
            width=width,
        )
    return normalise_barcode(prefix + digits.zfill(width))


def _barcodes_in(prefix: str, width: int, first: int, last: int):
    """Items whose barcode is ``prefix`` and ``width`` digits between first and last.

    Same length and all digits, so text order is number order and the unique index on
    the barcode answers it.
    """
    pattern = prefix + "[0-9]" * width
    return Item.select(Item.barcode).where(
        Item.barcode.between(prefix + str(first).zfill(width), prefix + str(last).zfill(width))
        & fn.glob(pattern, Item.barcode)
    )


def _highest_barcode(prefix: str, width: int, first: int, last: int) -> int | None:
    query = _barcodes_in(prefix, width, first, last).order_by(Item.barcode.desc()).limit(1)
    row = query.first()
    return int(row.barcode[len(prefix) :]) if row else None


def next_barcodes(session: Session, count: int) -> list[str]:
    """``count`` unused item barcodes from this node's barcode ranges.

    The barcode is the ``barcode.prefix`` setting (none by default) and the number
    zero-padded to ``barcode.width`` digits (10 by default). Like 种次号 it follows the
    highest barcode in use inside each range and never refills a gap below it: a gap
    may be a label already printed, or lying spoiled on a desk, for another book.
    The numbers are only reserved by the item that takes them, so add the items
    straight away; two desks racing for one number are stopped by the unique barcode.
    """
    session.require(Permission.CATALOGUE)
    if count < 1:
        raise Invalid("catalogue.barcode_count_too_small", "Ask for one barcode or more.")
    prefix, width = _drawn_barcodes(session.library)
    ranges = _own_ranges(session, "barcode")
    if not ranges:
        raise Invalid(
            "catalogue.no_barcode_range",
            "No barcode range is reserved for this workstation; ask the central library to reserve one.",
        )
    barcodes: list[str] = []
    for row in ranges:
        number = max(row.first, (_highest_barcode(prefix, width, row.first, row.last) or 0) + 1)
        while number <= row.last and len(barcodes) < count:
            barcodes.append(_barcode_text(number, prefix, width))
            number += 1
    if len(barcodes) < count:
        spans = ", ".join(f"{r.first}–{r.last}" for r in ranges)
        raise Invalid(
            "catalogue.barcode_range_used_up",
            "The barcodes reserved for this workstation ({ranges}) have only {left} left; ask the "
            "central library for a new range.",
            ranges=spans,
            left=len(barcodes),
        )
    return barcodes


# --- 种次号 ledger --------------------------------------------------------------------------


def _highest_taken(clc_class: str, ranges: list[BookNumberRange]) -> list[int]:
    """The highest ledger number in the class inside each range: all ``next_book_number``
    needs, fetched by the ledger's key instead of reading every number of a big class."""
    highest = []
    for span in ranges:
        top = (
            BookNumber.select(fn.MAX(BookNumber.number))
            .where((BookNumber.clc_class == clc_class) & BookNumber.number.between(span.start, span.end))
            .scalar()
        )
        if top is not None:
            highest.append(top)
    return highest


# --- 著者号 ----------------------------------------------------------------------------------


def author_mark(name: str) -> str:
    """The letters of an author number, derived from the author's name.

    A Chinese name gives the upper-case initials of its pinyin (鲁迅 → LX, 曹雪芹 → CXQ);
    a Western name the first three letters of the surname (Smith, John → SMI; John
    Smith → SMI). Bracketed dynasties and nationalities ((清), [英]) are dropped, and at
    most four letters are kept. Empty when the name has no letters at all.
    """
    name = _BRACKETED.sub("", fold(name)).strip()
    if _HAN.search(name):
        letters = "".join(ch for ch in pinyin_initials(name) if ch.isascii() and ch.isalpha())
    else:
        surname = name.split(",")[0] if "," in name else (name.split() or [""])[-1]
        letters = "".join(ch for ch in surname if ch.isascii() and ch.isalpha())[:3]
    return letters.upper()[:_MARK_LETTERS]


def _author_book_number(bib: BibRecord, call_class: str) -> str:
    """The record's mark, with a running digit after the first title (LX, LX2, LX3 …)
    so two titles in one class never share a call number on this node.

    Withdrawn records count too: their old labels may still be about.
    """
    fields = extract(record_from_json(bib.marc), bib.format)
    names = author_names(fields)
    mark = author_mark(names[0]) if names else ""
    if not mark:
        raise Invalid(
            "catalogue.record_has_no_author",
            "The record names no author, so no author number can be made; add the author "
            "or give the book a running number (种次号) instead.",
        )
    pattern = re.compile(re.escape(mark) + r"(\d*)")
    taken = []
    query = BibRecord.select(BibRecord.book_number).where(
        (BibRecord.call_class == call_class) & BibRecord.book_number.startswith(mark) & (BibRecord.id != bib.id)
    )
    for (book_number,) in query.tuples():
        if match := pattern.fullmatch(book_number):
            taken.append(int(match[1] or 1))
    following = max(taken, default=0) + 1
    return mark if following == 1 else f"{mark}{following}"


# --- assignment ------------------------------------------------------------------------------


def _scheme_at(location: str | None, bib_id: str) -> str:
    """The book-number scheme of the location given, else the one the locations of the
    record's copies agree on; running numbers when there is neither."""
    if location:
        return get_location(location).book_number_scheme
    shared = list(
        Location.select(Location.book_number_scheme)
        .join(Item, on=Item.location == Location.id)
        .where(Item.bib == bib_id)
        .distinct()
        .tuples()
    )
    return shared[0][0] if len(shared) == 1 else "sequence"


def _renumbered(item_call_number: str | None, old: str | None, new: CallNumber) -> CallNumber | None:
    """The call number an item of the record takes now, or None to leave it alone.

    A copy without one takes the new call number; a copy that carried the record's
    old one keeps its own volume and copy marks on the new one.
    """
    if not item_call_number:
        return new
    if old is None:
        return None
    try:
        current = parse_call_number(item_call_number)
    except Invalid:
        return None
    if f"{current.clc_class}/{current.book_number}" != old:
        return None
    return dataclasses.replace(new, volume=current.volume, copy=current.copy)


@writes
def assign_call_number(
    session: Session,
    bib_id: str,
    *,
    location: str | None = None,
    clc_class: str | None = None,
    replace: bool = False,
) -> str:
    """Give a record its call number and pass it on to the copies that have none.

    The class is the one given, else the record's (690$a / 084). The book number is a
    种次号 from this node's ranges, or a 著者号 where the location shelves by author.
    Everything it decides on (the record, its call number, the ledger) is read inside
    the write lock, so two desks sharing one database file cannot pick the same number.
    """
    session.require(Permission.CATALOGUE)
    bib = BibRecord.get_or_none((BibRecord.id == bib_id) & (BibRecord.deleted == False))  # noqa: E712
    if bib is None:
        raise NotFound("catalogue.no_such_record", "There is no such catalogue record.")
    old = record_call_number(bib)
    if old and not replace:
        raise Invalid(
            "catalogue.record_has_call_number",
            "The record already has the call number {call_number}; ask for a new one explicitly to replace it.",
            call_number=old,
        )
    class_text = clean_input(clc_class, N_("CLC class"), required=False, fold=True) or bib.clc_class
    if not class_text or not class_text.strip():
        raise Invalid(
            "catalogue.record_has_no_class", "The record has no CLC (中图法) class (690$a or 084); give the class."
        )
    call_class = normalise_class(class_text)
    scheme = _scheme_at(location, bib.id)
    now = session.library.now_text()
    with session.write() as writer:
        if scheme == "author":
            book_number = _author_book_number(bib, call_class)
        else:
            ranges = [BookNumberRange(r.first, r.last) for r in _own_ranges(session, "book_number")]
            number = next_book_number(_highest_taken(call_class, ranges), ranges)
            BookNumber.insert(
                clc_class=call_class, number=number, bib=bib.id, node_id=session.library.node_id, assigned_at=now
            ).execute()
            book_number = str(number)
        call_number = CallNumber(call_class, book_number)
        BibRecord.update(call_class=call_class, book_number=book_number, updated_at=now).where(
            BibRecord.id == bib.id
        ).execute()
        writer.journal(
            "record.call_number",
            "bib_record",
            bib.id,
            {
                "call_class": call_class,
                "book_number": book_number,
                "scheme": scheme,
                "previous": old,
            },
        )
        for item in Item.select().where(Item.bib == bib.id):
            renumbered = _renumbered(item.call_number, old, call_number)
            if renumbered is None:
                continue
            changes = {"call_number": format_call_number(renumbered), "shelf_key": shelf_key_text(renumbered)}
            Item.update(**changes, updated_at=now).where(Item.id == item.id).execute()
            writer.journal("item.change", "item", item.id, changes)
    return format_call_number(call_number)
