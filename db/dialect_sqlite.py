"""The SQLite side of change capture and the sync bookkeeping: the only module with SQL that
SQLite alone speaks (``RETURNING`` on the clock row, ``json_patch``), and the one a
PostgreSQL union replaces with a sibling.

On SQLite the capture triggers (``db.migrations.m0011_sync_capture``) record every local
change; ``capture`` below records the same thing explicitly, for changes made while the
triggers are switched off (a conflict found during an import) and for a union without
triggers. Everything else in ``ils.sync`` is portable SQL passed through ``run``.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import peewee
from peewee import Database

NAME = "sqlite"
#: What a refused row raises, through peewee or through the driver's own ``executemany``.
INTEGRITY_ERRORS = (peewee.IntegrityError, sqlite3.IntegrityError)
#: What a value SQLite cannot store raises (a bundle's row holding a list or an object).
BINDING_ERRORS = (sqlite3.InterfaceError, sqlite3.ProgrammingError, peewee.InterfaceError, peewee.ProgrammingError)
COUNTER_BITS = 16


def run(database: Database, sql: str, params: Sequence[Any] = ()) -> Any:
    """Every sync statement goes through here (``?`` placeholders, as SQLite takes them)."""
    return database.execute_sql(sql, tuple(params))


def take_stamp(database: Database, wall_ms: int, node_id: str) -> int:
    """The stamp of the write transaction just opened: ``max(now << 16, last + 1)``.

    Read and raised inside the transaction, which holds the write lock, so stamps increase
    strictly across processes sharing the file and when the wall clock jumps back.
    """
    wall = wall_ms << COUNTER_BITS
    return database.execute_sql(
        "UPDATE sync_clock SET stamp = MAX(?, last + 1), last = MAX(?, last + 1), node = ? RETURNING stamp",
        (wall, wall, node_id),
    ).fetchone()[0]


def finish_stamp(database: Database, highest: int) -> None:
    """The journal rows of one write are numbered stamp, stamp + 1, …: the clock moves past them."""
    database.execute_sql("UPDATE sync_clock SET last = MAX(last, ?)", (highest,))


def receive(database: Database, remote: int) -> None:
    """Raise the clock to a remote stamp already judged sane (Kulkarni's receive rule)."""
    database.execute_sql("UPDATE sync_clock SET last = MAX(last, ?)", (remote,))


def clock(database: Database) -> tuple[int, int, str, bool]:
    """(last, stamp, node, capturing)."""
    last, stamp, node, capture = database.execute_sql("SELECT last, stamp, node, capture FROM sync_clock").fetchone()
    return last, stamp, node, bool(capture)


def set_capture(database: Database, on: bool) -> None:
    """Switch the capture triggers on or off for the rest of this transaction (an import writes
    other nodes' versions itself); a rollback switches them back on with everything else."""
    database.execute_sql("UPDATE sync_clock SET capture = ?", (1 if on else 0,))


def next_seq(database: Database) -> int:
    return database.execute_sql("SELECT IFNULL(MAX(seq), 0) + 1 FROM sync_row").fetchone()[0]


def max_seq(database: Database) -> int:
    return database.execute_sql("SELECT IFNULL(MAX(seq), 0) FROM sync_row").fetchone()[0]


def capture(
    database: Database,
    table: str,
    pk: str,
    groups: Iterable[str] = (),
    *,
    created: bool = False,
    deleted: dict[str, Any] | None = None,
) -> None:
    """Record a local change as the triggers would: a new row, changed groups, or a deletion
    (``deleted``: the values the row had, by column, which the tombstone keeps)."""
    version = database.execute_sql("SELECT stamp, node FROM sync_clock").fetchone()
    seq = next_seq(database)
    stamp = f"{version[0]}/{version[1]}"
    if deleted is not None:
        old = database.execute_sql(
            "SELECT hlc, node, colvers FROM sync_row WHERE tbl = ? AND pk = ?", (table, pk)
        ).fetchone()
        kept = json.loads(old[2]) if old and old[2] else {}
        versions = {g: kept.get(g, f"{old[0]}/{old[1]}") for g in groups} if old else {}
        database.execute_sql(
            "INSERT INTO sync_row (tbl, pk, seq, hlc, node, colvers, deleted, base) VALUES (?, ?, ?, ?, ?, ?, 1, ?)"
            " ON CONFLICT (tbl, pk) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc, node = excluded.node,"
            " colvers = excluded.colvers, deleted = 1, base = excluded.base",
            (table, pk, seq, version[0], version[1], _json(versions), _json(deleted)),
        )
        return
    if created:
        database.execute_sql(
            "INSERT INTO sync_row (tbl, pk, seq, hlc, node, colvers, deleted, base) VALUES (?, ?, ?, ?, ?, NULL, 0, NULL)"
            " ON CONFLICT (tbl, pk) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc, node = excluded.node,"
            " colvers = NULL, deleted = 0, base = NULL",
            (table, pk, seq, version[0], version[1]),
        )
        return
    database.execute_sql(
        "UPDATE sync_row SET seq = ?, colvers = json_patch(IFNULL(colvers, '{}'), ?) WHERE tbl = ? AND pk = ?",
        (seq, _json({name: stamp for name in groups}), table, pk),
    )


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def connection(database: Database) -> Any:
    """The driver's own connection, for ``executemany`` on the bulk paths."""
    return database.connection()


_WRITE_VERSIONS = (
    "INSERT INTO sync_row (tbl, pk, seq, hlc, node, colvers, deleted, base) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (tbl, pk) DO UPDATE SET seq = IFNULL(excluded.seq, sync_row.seq), hlc = excluded.hlc,"
    " node = excluded.node, colvers = excluded.colvers, deleted = excluded.deleted, base = excluded.base"
)


def versions_row(
    table: str,
    pk: str,
    *,
    seq: int | None,
    hlc: int,
    node: str,
    colvers: dict[str, str] | None,
    deleted: bool,
    base: dict[str, Any] | None,
) -> tuple[Any, ...]:
    return (
        table,
        pk,
        seq,
        hlc,
        node,
        _json(colvers) if colvers else None,
        1 if deleted else 0,
        _json(base) if base else None,
    )


def write_versions_many(database: Database, rows: Sequence[tuple[Any, ...]]) -> None:
    """Store merged rows' versions as they are (an import keeps each change's origin)."""
    connection(database).executemany(_WRITE_VERSIONS, rows)


def insert_rows(database: Database, table: str, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
    """Rows new to ``table``, in one ``executemany`` (the import's rows the replica holds nothing of)."""
    connection(database).executemany(_insert_sql(table, columns), rows)


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def insert_versions(database: Database, rows: Sequence[tuple[Any, ...]]) -> None:
    """The versions of rows new to this replica (``versions_row`` tuples)."""
    write_versions_many(database, rows)


@contextmanager
def page_cache(database: Database, kib: int) -> Iterator[None]:
    """Let SQLite's page cache hold ``kib`` KiB while one write transaction runs, then set it back.

    Once a transaction's new pages outgrow the cache (64 MB), SQLite spills them to the WAL in
    the middle of it and reads them back as the tables and indexes grow. The cache grows only
    as pages are written.
    """
    connection = database.connection()
    (before,) = connection.execute("PRAGMA cache_size").fetchone()
    if before < 0 and -before >= kib:
        yield
        return
    connection.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        connection.execute(f"PRAGMA cache_size = {int(before)}")


def keep_statistics(database: Database, grown: dict[str, int]) -> None:
    """SQLite plans by its indexes alone (no ``ANALYZE`` is ever run): nothing to keep."""


def pk_expression(pk: Sequence[str], alias: str = "t") -> str:
    """The text that names a row in ``sync_row``: the key itself, or a JSON array of a composite key
    (exactly as the capture triggers write it)."""
    if len(pk) == 1:
        return f"{alias}.{pk[0]}"
    return "json_array(" + ", ".join(f"{alias}.{c}" for c in pk) + ")"


def _join_keys(pk: Sequence[str]) -> str:
    if len(pk) == 1:
        return f"t.{pk[0]} = k.value"
    return " AND ".join(f"t.{c} = json_extract(k.value, '$[{i}]')" for i, c in enumerate(pk))


def rows_by_pk(
    database: Database, table: str, pk: Sequence[str], columns: Sequence[str], keys: Sequence[str]
) -> list[tuple[Any, ...]]:
    """(key text, *columns) of the rows named by ``keys``, in one statement."""
    select = ", ".join([f"CAST({pk_expression(pk)} AS TEXT)", *(f"t.{c}" for c in columns)])
    if len(pk) == 1:  # IN (subquery) makes SQLite probe the key's index once per key
        return database.execute_sql(
            f"SELECT {select} FROM {table} t WHERE t.{pk[0]} IN {LISTED}", (_json(list(keys)),)
        ).fetchall()
    return database.execute_sql(
        f"SELECT {select} FROM json_each(?) k JOIN {table} t ON {_join_keys(pk)}", (_json(list(keys)),)
    ).fetchall()


def versions_by_pk(database: Database, table: str, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    """(pk, hlc, node, colvers, deleted, base) of the ``sync_row`` entries named by ``keys``."""
    return database.execute_sql(
        "SELECT s.pk, s.hlc, s.node, s.colvers, s.deleted, s.base FROM sync_row s WHERE s.tbl = ? AND s.pk IN"
        " (SELECT value FROM json_each(?))",
        (table, _json(list(keys))),
    ).fetchall()


def changed_between(database: Database, first: int, last: int) -> list[tuple[str, str]]:
    """(table, pk) of every row whose latest change is numbered in ``(first, last]``, in order."""
    return database.execute_sql(
        "SELECT tbl, pk FROM sync_row WHERE seq > ? AND seq <= ? ORDER BY seq", (first, last)
    ).fetchall()


def forget_versions(database: Database, table: str, keys: Sequence[str]) -> None:
    """Drop the version entries of rows removed from this replica without a tombstone (a reader
    whose sharing consent ended is forgotten here, not deleted everywhere)."""
    database.execute_sql(
        "DELETE FROM sync_row WHERE tbl = ? AND pk IN (SELECT value FROM json_each(?))", (table, _json(list(keys)))
    )


#: ``column IN {LISTED}`` with ``listed(values)`` as the parameter: a whole list in one parameter.
LISTED = "(SELECT value FROM json_each(?))"


def listed(values: Iterable[Any]) -> str:
    return _json(list(values))
