"""Record numbers (记录号): the short number people read and type for a bibliographic record.

A record's id is a UUID, fine for sync and useless over the phone. Its number must still
name one record on every desk, and desks catalogue offline, so the numbers come from the
node's 种次号 ranges (``number_range``, kind ``book_number``): 种次号 *n* of a range stands for
the record numbers ``n*1000 … n*1000+999`` (``PER_BOOK_NUMBER``). Two nodes' blocks never
overlap because their 种次号 ranges never do, so the central library's 1–4999 gives it
1000–4,999,999 and a branch that is given 5000–5499 numbers from 5,000,000.

A desk that holds no range leaves the record unnumbered (``record_label`` then shows the id); the
number replicates with merge ``earliest`` (``db.sync_spec``). Migration m0081 numbered the
records that existed before.
"""

from __future__ import annotations

from collections.abc import Iterable

from db.models import BibRecord
from ils.errors import NotFound
from ils.library import Library

PER_BOOK_NUMBER = 1000
_SCALE = (PER_BOOK_NUMBER, PER_BOOK_NUMBER, PER_BOOK_NUMBER - 1)

_BLOCKS = (
    "SELECT r.first * ?, r.last * ? + ?,"
    " (SELECT MAX(b.number) FROM bib_record b WHERE b.number BETWEEN r.first * ? AND r.last * ? + ?)"
    " FROM number_range r WHERE r.kind = 'book_number' AND r.node_id = ? ORDER BY r.first"
)


def next_record_number(library: Library) -> int | None:
    """The next free number in this node's blocks, or None where it holds none (``next_record_numbers``)."""
    return next_record_numbers(library, 1)[0]


def next_record_numbers(library: Library, count: int) -> list[int | None]:
    """The next ``count`` free numbers in this node's blocks, in order; None for each record past the last.

    The numbers ``next_record_number`` would give ``count`` records stored one after the other, read
    in one look-up (an import numbers a chunk of records at once). Call inside the write that stores
    the records: the unique index stops two writers that race for one number, and a gap left below
    the highest number of a block is never refilled.
    """
    numbers: list[int | None] = []
    for low, high, highest in library.database.execute_sql(_BLOCKS, (*_SCALE, *_SCALE, library.node_id)):
        start = low if highest is None else highest + 1
        numbers.extend(range(start, min(high + 1, start + count - len(numbers))))
        if len(numbers) == count:
            return numbers
    return numbers + [None] * (count - len(numbers))


def record_label(number: int | None, bib_id: str) -> str:
    """How a record is named to a person: its number, or its id while it has none."""
    return str(number) if number is not None else bib_id


def find_record_id(text: str) -> str:
    """The id of the record a person named by number or by id (what the CLI and the desks accept)."""
    given = text.strip()
    if given.isdigit():
        row = BibRecord.select(BibRecord.id).where(BibRecord.number == int(given)).first()
        if row is None:
            raise NotFound(
                "catalogue.no_such_record_number", "There is no catalogue record number {number}.", number=given
            )
        return row.id
    return given


def record_labels(bib_ids: Iterable[str]) -> dict[str, str]:
    """How people name each of these records (``record_label``), in one query."""
    wanted = list(dict.fromkeys(bib_ids))
    found = dict(BibRecord.select(BibRecord.id, BibRecord.number).where(BibRecord.id.in_(wanted)).tuples())
    return {bib_id: record_label(found.get(bib_id), bib_id) for bib_id in wanted}
