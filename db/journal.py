"""Appending to the journal, stamped by the hybrid logical clock (HLC).

The HLC is one 64-bit integer: wall-clock milliseconds shifted left 16 bits,
plus a 16-bit counter. The clock lives in one row (``sync_clock``, see
``db.dialect_sqlite``): each write transaction takes one stamp,
``max(now << 16, last + 1)``, when it opens, and its journal rows are stamped
stamp, stamp + 1, … Because the clock row is read and raised inside the write
transaction (which holds the write lock), stamps stay strictly increasing across
restarts, across several processes on one file, across changes merged from
other nodes (an import raises the clock to their stamps), and when the system
clock jumps backwards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peewee import SqliteDatabase

COUNTER_BITS = 16


@dataclass(frozen=True)
class JournalEntry:
    node_id: str
    seq: int
    hlc: int
    wall_time: str
    staff_id: str | None
    action: str
    entity_type: str
    entity_id: str | None
    data: dict[str, Any]


def hlc_from_wall(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000) << COUNTER_BITS


def hlc_wall_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


def encode(data: dict[str, Any]) -> str:
    return _encode(data)


# One encoder for every row: ``json.dumps`` with options builds a new one per call, and a bulk
# load journals thousands of rows.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


def append(
    database: SqliteDatabase,
    *,
    node_id: str,
    now: dt.datetime,
    staff_id: str | None,
    action: str,
    entity_type: str,
    entity_id: str | None,
    data: dict[str, Any],
    hlc: int,
    previous: JournalEntry | None = None,
) -> JournalEntry:
    """Append one row stamped ``hlc``; the caller holds the write transaction.

    ``previous`` is the row this same transaction appended last, if any: holding the
    write lock, nobody else can have appended since, so the next sequence number
    follows from it without a look-up per row (an import journals thousands).
    """
    if not database.in_transaction():
        raise RuntimeError("journal rows are appended inside the write they record")
    if previous is not None and previous.node_id == node_id:
        seq = previous.seq + 1
    else:
        seq = (
            database.execute_sql("SELECT MAX(seq) FROM journal WHERE node_id = ?", (node_id,)).fetchone()[0] or 0
        ) + 1
    wall_time = now.isoformat(timespec="milliseconds")
    database.execute_sql(
        _INSERT, (node_id, seq, hlc, wall_time, staff_id, action, entity_type, entity_id, encode(data))
    )
    return JournalEntry(node_id, seq, hlc, wall_time, staff_id, action, entity_type, entity_id, data)


_INSERT = (
    "INSERT INTO journal (node_id, seq, hlc, wall_time, staff_id, action, entity_type, entity_id, data)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
#: A row to journal: action, entity type, entity id, data.
Entry = tuple[str, str, str | None, dict[str, Any]]


def append_many(
    database: SqliteDatabase,
    *,
    node_id: str,
    now: dt.datetime,
    staff_id: str | None,
    entries: Sequence[Entry],
    hlc: int,
    previous: JournalEntry | None = None,
) -> JournalEntry | None:
    """Append the rows of a bulk load (thousands of loans in one write) in one statement: each
    numbered and stamped as ``append`` would number and stamp it, one after the other. Returns the
    last row (``previous`` when there are none), for the next append of this transaction."""
    if not entries:
        return previous
    first = append(
        database,
        node_id=node_id,
        now=now,
        staff_id=staff_id,
        action=entries[0][0],
        entity_type=entries[0][1],
        entity_id=entries[0][2],
        data=entries[0][3],
        hlc=hlc,
        previous=previous,
    )
    rows = [
        (node_id, first.seq + n, first.hlc + n, first.wall_time, staff_id, action, entity_type, entity_id, encode(data))
        for n, (action, entity_type, entity_id, data) in enumerate(entries[1:], 1)
    ]
    if not rows:
        return first
    database.connection().executemany(_INSERT, rows)
    return JournalEntry(*rows[-1][:8], entries[-1][3])


def entries(database: SqliteDatabase, *, after_rowid: int = 0, limit: int = 1000) -> list[JournalEntry]:
    """Journal rows in local order; read by ``ils check``, statistics and sync."""
    cursor = database.execute_sql(
        "SELECT node_id, seq, hlc, wall_time, staff_id, action, entity_type, entity_id, data"
        " FROM journal WHERE rowid > ? ORDER BY rowid LIMIT ?",
        (after_rowid, limit),
    )
    return [JournalEntry(*row[:8], json.loads(row[8])) for row in cursor]  # type: ignore[call-arg]  # 8 + data
