"""A DAISY book into the catalogue: its record found or made, and a copy (or a set of discs) added.

The record is matched first by the book's identifier (kept as the record's source,
``daisy:<identifier>``, and in 017), then by title and author among sound recordings; otherwise
a new CNMARC record is made from the metadata: title, creator, narrator (200 $g), total time
(215 $c), identifier (017), format (300). A book on several discs (ncc:setInfo "1 of 3", or the
number given) becomes a set with a volume per disc.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db.models import BibRecord
from ils.blind.daisy import DaisyBook, read_book
from ils.blind.records import Description, add_description
from ils.blind.stock import add_copy, add_set
from ils.permissions import Permission
from ils.session import Session, writes


@dataclass(frozen=True)
class DaisyImport:
    book: DaisyBook
    bib_id: str
    matched: bool  # the record was already in the catalogue
    barcode: str | None  # the copy added, if a barcode was given
    discs: int


def _hours(book: DaisyBook) -> str | None:
    if book.total_seconds is None:
        return None
    hours, rest = divmod(book.total_seconds, 3600)
    return f"{hours}小时{rest // 60:02d}分" if hours else f"{rest // 60}分"


def _match(book: DaisyBook) -> BibRecord | None:
    live = BibRecord.deleted == False  # noqa: E712
    if book.identifier:
        found = BibRecord.get_or_none(live, BibRecord.source == f"daisy:{book.identifier}")
        if found is not None:
            return found
    query = BibRecord.select().where(live, BibRecord.title == book.title, BibRecord.material_type.startswith("i"))
    creator = book.creators[0] if book.creators else None
    for row in query:
        if creator is None or (row.responsibility and creator in row.responsibility):
            return row
    return None


def describe(book: DaisyBook, discs: int) -> Description:
    extent = f"{discs}张光盘" if discs > 1 else "1张光盘"
    year = (book.date or "")[:4] if (book.date or "")[:4].isdigit() else None
    return Description(
        "audiobook",
        book.title,
        creator="、".join(book.creators) or None,
        narrator=book.narrator,
        publisher=book.publisher,
        year=year,
        extent=extent,
        total_time=f"DAISY（约{_hours(book)}）" if book.total_seconds else "DAISY",
        identifier=book.identifier,
        format=book.format,
    )


@writes
def import_daisy(session: Session, path: Path, *, barcode: str | None = None, discs: int | None = None) -> DaisyImport:
    """Read the book at ``path`` (a folder or a zip); match or make its record; add a copy with ``barcode``."""
    session.require(Permission.BLIND_SERVICE)
    book = read_book(path)
    count = discs or book.discs or 1
    found = _match(book)
    if found is not None:
        bib_id = found.id
    else:
        with session.write() as writer:
            bib_id = add_description(
                writer,
                session,
                describe(book, count),
                source=f"daisy:{book.identifier}" if book.identifier else "daisy",
            )
    if barcode:
        if count > 1:
            add_set(session, bib_id, barcode=barcode, volumes=count, item_type="audiobook")
        else:
            add_copy(session, bib_id, barcode=barcode, item_type="audiobook")
    return DaisyImport(book, bib_id, found is not None, barcode, count)
