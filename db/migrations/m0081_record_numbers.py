"""Schema version 81: a short number for every bibliographic record.

Design notes that the frozen SQL cannot say:

- ``bib_record.number``: the record's control number (记录号), what people read and type
  instead of its id ("书目记录 1024"). It must name one record on every desk, so it is drawn
  the way 种次号 are: from this node's ``book_number`` ranges, each 种次号 *n* of a range
  standing for the thousand record numbers ``n*1000 … n*1000+999`` (the central library's
  1–4999 gives 1000–4,999,999). The blocks of two nodes never overlap because their
  种次号 ranges never do, so no second reservation is needed.
- Replicated in a group of its own (merge ``earliest``: a number, once given, is kept; if two
  desks both numbered a record, the lower number wins everywhere). A desk that holds no range
  (a branch that does not catalogue) leaves its rare records unnumbered, and the desks show
  the id for them.
- Existing records are numbered here, at the node that holds a 种次号 range, in the order they
  were catalogued; the numbers reach the other desks through sync like any edit.
- Change capture: ``bib_record``'s triggers are made again from ``CAPTURED`` below, a frozen
  copy of ``db.sync_spec``'s ``bib_record`` with the new group.
"""

from __future__ import annotations

from db.migrations.m0011_sync_capture import trigger_statements

VERSION = 81

#: Record numbers per 种次号 of a range (see above).
PER_BOOK_NUMBER = 1000

STATEMENTS = (
    "ALTER TABLE bib_record ADD COLUMN number INTEGER",
    "CREATE UNIQUE INDEX bib_record_number ON bib_record (number)",
    "DROP TRIGGER IF EXISTS sync_capture_bib_record_insert",
    "DROP TRIGGER IF EXISTS sync_capture_bib_record_delete",
    "DROP TRIGGER IF EXISTS sync_capture_bib_record_update",
)

CAPTURED: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "bib_record": (
        ("id",),
        (
            (
                "marc",
                (
                    "format",
                    "marc",
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
                    "title_sort",
                    "dedup_key",
                ),
            ),
            ("call", ("call_class", "book_number")),
            ("number", ("number",)),
            *((c, (c,)) for c in ("source", "deleted", "created_at", "updated_at")),
        ),
    ),
}


def _number_existing(execute) -> None:
    """Number the records already here from this node's blocks, oldest first."""
    node = execute("SELECT value FROM setting WHERE key = 'node.id'").fetchone()
    if not node:
        return
    blocks = [
        (first * PER_BOOK_NUMBER, last * PER_BOOK_NUMBER + PER_BOOK_NUMBER - 1)
        for first, last in execute(
            "SELECT first, last FROM number_range WHERE kind = 'book_number' AND node_id = ? ORDER BY first",
            (node[0],),
        ).fetchall()
    ]
    if not blocks:
        return
    waiting = [row[0] for row in execute("SELECT id FROM bib_record ORDER BY created_at, doc").fetchall()]
    for low, high in blocks:
        take, waiting = waiting[: high - low + 1], waiting[high - low + 1 :]
        for offset, bib_id in enumerate(take):
            execute("UPDATE bib_record SET number = ? WHERE id = ?", (low + offset, bib_id))


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
    for table, (pk, groups) in CAPTURED.items():
        for statement in trigger_statements(table, pk, groups):
            execute(statement)
    _number_existing(execute)
