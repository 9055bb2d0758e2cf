"""Items (册): the physical copies of a record, each with a barcode unique across the union."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peewee import JOIN

from db.ids import new_id
from db.models import BibRecord, Branch, Item, Location
from ils.branches import get_branch
from ils.catalogue.callnumbers import format_call_number, parse_call_number, shelf_key_text
from ils.catalogue.locations import get_location
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.session import Session

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

_BARCODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
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


def normalise_barcode(text: str) -> str:
    """What a scanner or a typist sends, as stored: full-width folded, upper case, no spaces."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().upper().replace(" ", "")
    if not _BARCODE.match(cleaned):
        raise Invalid(
            "catalogue.item_barcode_use_letters", "{barcode} is not an item barcode: use 1 to 32 letters, digits or '-'.", barcode=text.strip()
        )
    return cleaned


def parse_price(text: str | None) -> int | None:
    """A price as MARC and suppliers write it (CNY25.00, ¥25, 25.00元, 25) in fen; None if there is none."""
    if not text:
        return None
    match = _PRICE.search(unicodedata.normalize("NFKC", text).replace(",", ""))
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
    if not text or not text.strip():
        return None, None
    try:
        parsed = parse_call_number(text)
    except Invalid:
        return text.strip(), None
    return format_call_number(parsed), shelf_key_text(parsed)


def info(row: Item) -> ItemInfo:
    location = row.location
    return ItemInfo(
        id=row.id, bib_id=row.bib_id, barcode=row.barcode,
        branch_code=row.branch.code, branch_name=row.branch.name,
        location_code=location.code if location else None, location_name=location.name if location else None,
        call_number=row.call_number, item_type=row.item_type, status=row.status, price_fen=row.price_fen,
        acquired_on=row.acquired_on, source=row.source, note=row.note,
    )


def get_item(barcode: str) -> Item:
    """The copy with its shelving location, read together: the desk checks the location at every scan."""
    row = (Item.select(Item, Location).join(Location, JOIN.LEFT_OUTER)
           .where(Item.barcode == normalise_barcode(barcode)).first())
    if row is None:
        raise NotFound("catalogue.item_barcode", "No item has the barcode {barcode}.", barcode=barcode.strip())
    return row


def find_item(barcode: str) -> ItemInfo:
    return info(get_item(barcode))


def items_of(bib_id: str) -> list[ItemInfo]:
    query = (
        Item.select(Item, Branch, Location).join(Branch).switch(Item).join(Location, JOIN.LEFT_OUTER)
        .where(Item.bib == bib_id).order_by(Branch.sort_order, Branch.code, Item.barcode)
    )
    return [info(row) for row in query]


_ITEM_COLUMNS = (
    "bib_id", "barcode", "branch_id", "location_id", "call_number", "shelf_key", "item_type", "status", "price_fen",
    "acquired_on", "source", "note",
)
# Built once from fixed names: an import inserts thousands of items, and peewee's query
# building per insert cost more than the insert itself.
_INSERT_ITEM = (
    f"INSERT INTO item (id, created_at, updated_at, {', '.join(_ITEM_COLUMNS)})"
    f" VALUES ({', '.join('?' * (3 + len(_ITEM_COLUMNS)))})"
)


def insert_item(
    writer: Writer, *, bib_id: str, barcode: str, branch_id: str, location_id: str | None,
    call_number: str | None, shelf_key: str | None, now: str, item_type: str = "book",
    status: str = "available", price_fen: int | None = None, acquired_on: str | None = None,
    source: str | None = None, note: str | None = None,
) -> str:
    """Insert and journal one item; the caller has validated every value."""
    values = {
        "bib_id": bib_id, "barcode": barcode, "branch_id": branch_id, "location_id": location_id,
        "call_number": call_number, "shelf_key": shelf_key, "item_type": item_type, "status": status,
        "price_fen": price_fen, "acquired_on": acquired_on, "source": source, "note": note,
    }
    item_id = new_id()
    Item._meta.database.execute_sql(_INSERT_ITEM, (item_id, now, now, *(values[c] for c in _ITEM_COLUMNS)))
    writer.journal("item.add", "item", item_id, values)
    return item_id


def _check_choice(value: str, choices: dict[str, str] | tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise Invalid("catalogue.unknown", "Unknown {what}: {value}.", what=what, value=value)
    return value


def _location_in(branch: Branch, code: str | None) -> Location | None:
    if not code:
        return None
    location = get_location(code)
    if location.branch_id != branch.id:
        raise Invalid(
            "catalogue.location_belongs_another_branch", "The location {location} belongs to another branch, not {branch}.", location=location.name, branch=branch.name
        )
    return location


def record_call_number(bib: BibRecord) -> str | None:
    if bib.call_class and bib.book_number:
        return f"{bib.call_class}/{bib.book_number}"
    return None


def add_item(
    session: Session, bib_id: str, barcode: str, *, branch: str | None = None, location: str | None = None,
    call_number: str | None = None, item_type: str = "book", price: str | None = None,
    acquired_on: str | None = None, source: str | None = None, note: str | None = None,
    status: str = "available",
) -> ItemInfo:
    """Add a copy; the branch defaults to this desk's, the call number to the record's."""
    session.require(Permission.CATALOGUE)
    bib = BibRecord.get_or_none((BibRecord.id == bib_id) & (BibRecord.deleted == False))  # noqa: E712
    if bib is None:
        raise NotFound("catalogue.there_such_catalogue_record", "There is no such catalogue record.")
    code = normalise_barcode(barcode)
    if Item.get_or_none(Item.barcode == code):
        raise Invalid("catalogue.barcode_already_another_item", "The barcode {barcode} is already on another item.", barcode=code)
    branch_row = get_branch(branch) if branch else Branch.get_by_id(session.library.node.branch_id)
    location_row = _location_in(branch_row, location)
    _check_choice(item_type, ITEM_TYPES, _("item type"))
    _check_choice(status, CATALOGUING_STATUSES, _("status"))
    printed, shelf = clean_call_number(call_number or record_call_number(bib))
    with session.write() as writer:
        item_id = insert_item(
            writer, bib_id=bib.id, barcode=code, branch_id=branch_row.id,
            location_id=location_row.id if location_row else None, call_number=printed, shelf_key=shelf,
            now=session.library.now_text(), item_type=item_type, status=status, price_fen=parse_price(price),
            acquired_on=acquired_on or session.now().date().isoformat(), source=source, note=note,
        )
    return info(Item.get_by_id(item_id))


def change_item(
    session: Session, barcode: str, *, branch: str | None = None, location: str | None = None,
    call_number: str | None = None, item_type: str | None = None, status: str | None = None,
    price: str | None = None, source: str | None = None, note: str | None = None,
) -> ItemInfo:
    """Change what is given; ``None`` leaves a value as it is."""
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
        changes["call_number"], changes["shelf_key"] = clean_call_number(call_number)
    if item_type is not None:
        changes["item_type"] = _check_choice(item_type, ITEM_TYPES, _("item type"))
    if status is not None and status != row.status:
        if row.status not in CATALOGUING_STATUSES:
            raise Invalid(
                "catalogue.item_circulation_changes_status", "The item is {status}; circulation changes that status, not cataloguing.", status=status_label(row.status)
            )
        changes["status"] = _check_choice(status, CATALOGUING_STATUSES, _("status"))
    if price is not None:
        changes["price_fen"] = parse_price(price)
    if source is not None:
        changes["source"] = source.strip() or None
    if note is not None:
        changes["note"] = note.strip() or None
    changes = {k: v for k, v in changes.items() if getattr(row, k) != v}
    if not changes:
        return info(row)
    with session.write() as writer:
        Item.update({getattr(Item, k): v for k, v in changes.items()}, updated_at=session.library.now_text()).where(
            Item.id == row.id
        ).execute()
        writer.journal("item.change", "item", row.id, changes)
    return info(Item.get_by_id(row.id))
