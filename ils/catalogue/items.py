"""Items (册): the physical copies of a record, each with a barcode unique across the union."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

import peewee
from peewee import JOIN

from db import prepared
from db.ids import new_id
from db.models import BibRecord, Branch, Item, Location, Setting
from ils.branches import get_branch
from ils.catalogue.callnumbers import CallNumber, format_call_number, parse_call_number, shelf_key_text
from ils.catalogue.locations import get_location
from ils.code_formats import ITEM_BARCODES, CodeFormat, code_format, format_text, misfits, read_code, reading
from ils.errors import Invalid, Message, NotFound
from ils.i18n import N_, _
from ils.library import Writer
from ils.money import parse_yuan
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text import fold
from ils.text_input import clean_input

STATUSES: dict[str, str] = {
    "available": N_("On the shelf"),
    "processing": N_("Being processed"),
    "on_loan": N_("On loan"),
    "in_transit": N_("In transit"),
    "on_hold_shelf": N_("On the hold shelf"),
    "lost": N_("Lost"),
    "missing": N_("Missing"),
    "damaged": N_("Damaged"),
    "withdrawn": N_("Withdrawn"),
}
# Statuses cataloguing may set by hand; the others belong to circulation.
CATALOGUING_STATUSES = ("available", "processing", "missing", "damaged", "withdrawn")

ITEM_TYPES: dict[str, str] = {
    "book": N_("Book"),
    "periodical": N_("Periodical"),
    "audiobook": N_("Audiobook"),
    "listening_device": N_("Listening device"),
    "braille": N_("Braille"),
    "large_print": N_("Large print"),
    "av": N_("Audio-visual"),
}

BARCODE_FIELD = N_("Item barcode")
MAX_NOTE_CHARS = 200
_PRICE = re.compile(r"(\d+(?:\.\d{1,2})?)")


@dataclass(frozen=True)
class ItemInfo:
    id: str
    bib_id: str
    barcode: str
    branch_code: str
    branch_name: str
    location_code: str | None
    location_name: str | None
    call_number: str | None
    item_type: str
    status: str
    price_fen: int | None
    acquired_on: str | None
    source: str | None
    note: str | None

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def price_text(self) -> str:
        return "" if self.price_fen is None else f"{self.price_fen / 100:.2f}"


def status_label(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


def item_type_label(item_type: str) -> str:
    return _(ITEM_TYPES[item_type]) if item_type in ITEM_TYPES else item_type


def normalise_barcode(text: str, shape: CodeFormat | None = None) -> str:
    """A scanned or typed item barcode as stored, refused unless it has the library's barcode format.

    Read faithfully (``code_formats``): the scanner's Enter dropped, full-width folded,
    capitals; never a character taken out, so ``abc 12`` is refused, not ``ABC12``.
    ``shape``: the format, when the caller reads many barcodes (an import) and has it already.
    """
    return read_code(
        text,
        shape or barcode_format(),
        BARCODE_FIELD,
        code="catalogue.barcode_format",
        template=N_("{code} is not an item barcode of this library: a barcode has {format}."),
    )


def parse_price(text: str | None) -> int | None:
    """A price as MARC and suppliers write it (CNY25.00, ¥25, 25.00元, 25) in fen; None if there is none."""
    if not text:
        return None
    match = _PRICE.search(fold(text).replace(",", ""))
    if not match:
        return None
    try:
        return int((Decimal(match.group(1)) * 100).to_integral_value())
    except InvalidOperation:
        return None


def clean_call_number(text: str | None) -> tuple[str | None, str | None]:
    """``(call number as printed, shelf key)`` for typed or imported text; (None, None) if empty.

    A call number that does not parse is kept as typed (old local schemes exist) but
    gets no shelf key, so it sorts after the parsed ones instead of being refused.
    """
    printed, shelf_key, _parsed = read_call_number(text)
    return printed, shelf_key


def read_call_number(text: str | None) -> tuple[str | None, str | None, CallNumber | None]:
    """``clean_call_number`` and the parsed call number (None where it does not parse), for a
    caller that needs its parts too (an import notes every 种次号 it meets)."""
    if not text or not text.strip():
        return None, None, None
    try:
        parsed = parse_call_number(text)
    except Invalid:
        return text.strip(), None, None
    return format_call_number(parsed), shelf_key_text(parsed), parsed


def info(row: Item) -> ItemInfo:
    location = row.location
    return ItemInfo(
        id=row.id,
        bib_id=row.bib_id,
        barcode=row.barcode,
        branch_code=row.branch.code,
        branch_name=row.branch.name,
        location_code=location.code if location else None,
        location_name=location.name if location else None,
        call_number=row.call_number,
        item_type=row.item_type,
        status=row.status,
        price_fen=row.price_fen,
        acquired_on=row.acquired_on,
        source=row.source,
        note=row.note,
    )


def get_item(barcode: str) -> Item:
    """The copy with its shelving location, read together in plain SQL: the desk checks the
    location at every scan, and every checkout and return starts here.

    Looked up by the faithful reading of the scan first (the barcode it names fitted the
    format when it was stored), so the format is read only for a scan that finds nothing:
    then the refusal says whether it is not a barcode here at all or nobody's barcode.
    """
    code = reading(barcode, BARCODE_FIELD)
    found = Item._meta.database.execute_sql(
        f"SELECT {prepared.columns(Item, 'i')}, {prepared.columns(Location, 'l')} FROM item i"
        " LEFT JOIN location l ON l.id = i.location_id WHERE i.barcode = ?",
        (code,),
    ).fetchone()
    if found is None:
        raise NotFound(
            "catalogue.no_such_barcode", "No item has the barcode {barcode}.", barcode=normalise_barcode(barcode)
        )
    item = prepared.model_at(Item, found)
    if item.location_id is not None:
        item.__rel__["location"] = prepared.model_at(Location, found, prepared.width(Item))
    return item


def find_item(barcode: str) -> ItemInfo:
    return info(get_item(barcode))


def items_of(bib_id: str) -> list[ItemInfo]:
    query = (
        Item.select(Item, Branch, Location)
        .join(Branch)
        .switch(Item)
        .join(Location, JOIN.LEFT_OUTER)
        .where(Item.bib == bib_id)
        .order_by(Branch.sort_order, Branch.code, Item.barcode)
    )
    return [info(row) for row in query]


_ITEM_COLUMNS = (
    "bib_id",
    "barcode",
    "branch_id",
    "location_id",
    "call_number",
    "shelf_key",
    "item_type",
    "status",
    "price_fen",
    "acquired_on",
    "source",
    "note",
)
# Built once from fixed names: an import inserts thousands of items, and peewee's query
# building per insert cost more than the insert itself.
_INSERT_ITEM = (
    f"INSERT INTO item (id, created_at, updated_at, {', '.join(_ITEM_COLUMNS)})"
    f" VALUES ({', '.join('?' * (3 + len(_ITEM_COLUMNS)))})"
)


def insert_item(
    writer: Writer,
    *,
    bib_id: str,
    barcode: str,
    branch_id: str,
    location_id: str | None,
    call_number: str | None,
    shelf_key: str | None,
    now: str,
    item_type: str = "book",
    status: str = "available",
    price_fen: int | None = None,
    acquired_on: str | None = None,
    source: str | None = None,
    note: str | None = None,
) -> str:
    """Insert and journal one item; the caller has validated every value."""
    values: dict[str, object] = {
        "bib_id": bib_id,
        "barcode": barcode,
        "branch_id": branch_id,
        "location_id": location_id,
        "call_number": call_number,
        "shelf_key": shelf_key,
        "item_type": item_type,
        "status": status,
        "price_fen": price_fen,
        "acquired_on": acquired_on,
        "source": source,
        "note": note,
    }
    ((action, entity_type, item_id, data),) = store_items([values], now=now)
    writer.journal(action, entity_type, item_id, data)
    return item_id


def store_items(items: Sequence[dict[str, object]], *, now: str) -> list[tuple[str, str, str, dict[str, object]]]:
    """Insert items (each ``insert_item``'s values, by name) in one statement; their journal rows,
    in order (action, entity type, id, data), which the caller journals (``Writer.journal_many``).

    An import stores thousands of copies in one write: one statement and one journal append for a
    chunk of them cost a fraction of a statement and a journal row each. It journals each record
    before its copies, so it takes the rows to journal rather than have them journaled here.
    """
    entries = [("item.add", "item", new_id(), values) for values in items]
    with peewee.__exception_wrapper__:  # a refused row is peewee's IntegrityError, as for every other write
        Item._meta.database.connection().executemany(
            _INSERT_ITEM, [(item_id, now, now, *(v[c] for c in _ITEM_COLUMNS)) for _a, _t, item_id, v in entries]
        )
    return entries


def _check_choice(value: str, choices: dict[str, str] | tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise Invalid(
            "catalogue.unknown_choice", "Unknown {what}: {value}.", what=Message("input.field", what), value=value
        )
    return value


def _location_in(branch: Branch, code: str | None) -> Location | None:
    if not code:
        return None
    location = get_location(code)
    if location.branch_id != branch.id:
        raise Invalid(
            "catalogue.location_in_other_branch",
            "The location {location} belongs to another branch, not {branch}.",
            location=location.name,
            branch=branch.name,
        )
    return location


class CallParts(Protocol):
    """What a record's call number is made of: a stored record, or a search's row of one."""

    @property
    def call_class(self) -> str | None: ...

    @property
    def book_number(self) -> str | None: ...


def record_call_number(bib: CallParts) -> str | None:
    if bib.call_class and bib.book_number:
        return f"{bib.call_class}/{bib.book_number}"
    return None


def _typed_price(text: str | None) -> int | None:
    """A price typed at the desk, in fen (``parse_yuan``, strictly); None when left empty."""
    return parse_yuan(text, field=N_("Price")) if text and text.strip() else None


def _typed_date(text: str | None, field: str) -> str | None:
    """A date typed as YYYY-MM-DD; None when left empty."""
    cleaned = clean_input(text, field, required=False, fold=True)
    if not cleaned:
        return None
    try:
        return dt.date.fromisoformat(cleaned).isoformat()
    except ValueError:
        raise Invalid(
            "input.not_a_date",
            "{field}: {text} is not a date; type it as YYYY-MM-DD.",
            field=Message("input.field", field),
            text=cleaned,
        ) from None


def _typed_text(text: str | None, field: str) -> str | None:
    """A short free text (source, note); None when left empty."""
    return clean_input(text, field, required=False, max_length=MAX_NOTE_CHARS) or None


@writes
def add_item(
    session: Session,
    bib_id: str,
    barcode: str,
    *,
    branch: str | None = None,
    location: str | None = None,
    call_number: str | None = None,
    item_type: str = "book",
    price: str | None = None,
    acquired_on: str | None = None,
    source: str | None = None,
    note: str | None = None,
    status: str = "available",
) -> ItemInfo:
    """Add a copy; the branch defaults to this desk's, the call number and price to the record's.

    Runs inside the write lock from its first read, so two desks adding the same
    barcode are served one after the other and the second is told the barcode is taken.
    """
    session.require(Permission.CATALOGUE)
    bib = BibRecord.get_or_none((BibRecord.id == bib_id) & (BibRecord.deleted == False))  # noqa: E712
    if bib is None:
        raise NotFound("catalogue.no_such_record", "There is no such catalogue record.")
    code = normalise_barcode(barcode)
    if Item.get_or_none(Item.barcode == code):
        raise Invalid("catalogue.barcode_taken", "The barcode {barcode} is already on another item.", barcode=code)
    branch_row = get_branch(branch) if branch else Branch.get_by_id(session.library.node.branch_id)
    location_row = _location_in(branch_row, location)
    _check_choice(item_type, ITEM_TYPES, N_("item type"))
    _check_choice(status, CATALOGUING_STATUSES, N_("status"))
    typed_call_number = clean_input(call_number, N_("Call number"), required=False, fold=True)
    printed, shelf = clean_call_number(typed_call_number or record_call_number(bib))
    # Not typed: the record's price (CNMARC 010 $d, MARC21 020 $c), as the import takes it.
    price_fen = _typed_price(price) if price and price.strip() else parse_price(bib.price)
    acquired = _typed_date(acquired_on, N_("Acquired on")) or session.now().date().isoformat()
    source_text, note_text = _typed_text(source, N_("Source")), _typed_text(note, N_("Note"))
    with session.write() as writer:
        item_id = insert_item(
            writer,
            bib_id=bib.id,
            barcode=code,
            branch_id=branch_row.id,
            location_id=location_row.id if location_row else None,
            call_number=printed,
            shelf_key=shelf,
            now=session.library.now_text(),
            item_type=item_type,
            status=status,
            price_fen=price_fen,
            acquired_on=acquired,
            source=source_text,
            note=note_text,
        )
    return info(Item.get_by_id(item_id))


@writes
def shelve(session: Session, barcode: str) -> ItemInfo:
    """Put a copy being processed (加工中: labelled, stamped, covered) on the shelf: from now on it may be lent."""
    session.require(Permission.CATALOGUE)
    item = get_item(barcode)
    if item.status != "processing":
        raise Invalid(
            "catalogue.shelve_not_processing",
            "{barcode} is not being processed: it is {status}.",
            barcode=item.barcode,
            status=Message(f"item_status.{item.status}", STATUSES.get(item.status, item.status)),
        )
    with session.write() as writer:
        Item.update(status="available", updated_at=session.library.now_text()).where(Item.id == item.id).execute()
        writer.journal("item.change", "item", item.id, {"status": "available"})
    return info(Item.get_by_id(item.id))


@writes
def change_item(
    session: Session,
    barcode: str,
    *,
    branch: str | None = None,
    location: str | None = None,
    call_number: str | None = None,
    item_type: str | None = None,
    status: str | None = None,
    price: str | None = None,
    source: str | None = None,
    note: str | None = None,
) -> ItemInfo:
    """Change what is given; ``None`` leaves a value as it is, ``""`` clears a price, source or note.

    The item's status is read inside the write lock: a copy lent at another desk a
    moment ago is circulation's, and cataloguing is told so instead of overwriting it.
    """
    session.require(Permission.CATALOGUE)
    row = get_item(barcode)
    changes: dict[str, object] = {}
    branch_row = get_branch(branch) if branch else row.branch
    if branch:
        changes["branch_id"] = branch_row.id
    if location is not None:
        location_row = _location_in(branch_row, location)
        changes["location_id"] = location_row.id if location_row else None
    elif branch and row.location and row.location.branch_id != branch_row.id:
        changes["location_id"] = None
    if call_number is not None:
        changes["call_number"], changes["shelf_key"] = clean_call_number(
            clean_input(call_number, N_("Call number"), required=False, fold=True)
        )
    if item_type is not None:
        changes["item_type"] = _check_choice(item_type, ITEM_TYPES, N_("item type"))
    if status is not None and status != row.status:
        if row.status not in CATALOGUING_STATUSES:
            raise Invalid(
                "catalogue.status_belongs_to_circulation",
                "The item is {status}; circulation changes that status, not cataloguing.",
                status=Message(f"item_status.{row.status}", STATUSES.get(row.status, row.status)),
            )
        changes["status"] = _check_choice(status, CATALOGUING_STATUSES, N_("status"))
    if price is not None:
        changes["price_fen"] = _typed_price(price)
    if source is not None:
        changes["source"] = _typed_text(source, N_("Source"))
    if note is not None:
        changes["note"] = _typed_text(note, N_("Note"))
    changes = {k: v for k, v in changes.items() if getattr(row, k) != v}
    if not changes:
        return info(row)
    with session.write() as writer:
        Item.update({getattr(Item, k): v for k, v in changes.items()}, updated_at=session.library.now_text()).where(
            Item.id == row.id
        ).execute()
        writer.journal("item.change", "item", row.id, changes)
    return info(Item.get_by_id(row.id))


# --- the library's barcode format ------------------------------------------------------------


def barcode_format() -> CodeFormat:
    """What this library's item barcodes look like (``code_formats``); every scan is read against it."""
    return code_format(ITEM_BARCODES)


@writes
def change_barcode_format(
    session: Session,
    *,
    letters: bool | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    prefix: str | None = None,
) -> CodeFormat:
    """Set the shape of this library's item barcodes; ``None`` keeps a part as it is.

    Refused while any barcode already on an item would not fit it: those copies could
    no longer be scanned. (A barcode drawn from a range is checked when it is drawn.)
    """
    session.require(Permission.RESERVE_NUMBERS)
    current = barcode_format()
    shape = CodeFormat(
        letters=current.letters if letters is None else letters,
        min_length=current.min_length if min_length is None else min_length,
        max_length=current.max_length if max_length is None else max_length,
        prefix=current.prefix if prefix is None else prefix,
    ).check()
    count, example = misfits(Item.barcode, shape)
    if count:
        raise Invalid(
            "catalogue.barcodes_misfit_format",
            "{count} barcodes already on items do not have the "
            "format {format} (e.g. {example}); relabel them first or choose a format they fit.",
            count=count,
            format=shape.describe(),
            example=example,
        )
    with session.write() as writer:
        Setting.insert(key=ITEM_BARCODES, value=format_text(shape)).on_conflict_replace().execute()
        writer.journal("setting.set", "setting", ITEM_BARCODES, {"value": format_text(shape)})
    return shape
