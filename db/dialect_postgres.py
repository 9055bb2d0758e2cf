"""The PostgreSQL side of change capture and the sync bookkeeping, for a union catalogue kept
on a database server (sibling of ``db.dialect_sqlite``, chosen by ``db.dialect``).

The union runs the same code on both engines. That code writes its SQL the way SQLite reads
it (``?`` placeholders, ``IFNULL``, a list passed as one JSON parameter to ``json_each``);
``UnionDatabase`` translates those few spellings as each statement runs, so there is one copy
of every query. What cannot be translated word for word lives here: taking the clock's stamp
under an advisory lock (PostgreSQL has no ``BEGIN IMMEDIATE``: the lock serialises writers as
SQLite's write lock does), ``GREATEST`` for SQLite's two-argument ``MAX``, JSON built with
``jsonb``, a composite key's text built by ``sync_key`` (a function of the schema,
``db.pg_migrations.capture``). Values come back as SQLite gives them: booleans are stored as
0/1 integers, sums as integers, text compares byte by byte (collation "C" on every column),
so rows, keys and state hashes are equal on both engines.
"""

from __future__ import annotations

import decimal
import functools
import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import peewee
import psycopg
from peewee import Database, PostgresqlDatabase
from psycopg.adapt import Dumper, Loader

from db import dialect_sqlite as sqlite_dialect

NAME = "postgresql"
INTEGRITY_ERRORS = (peewee.IntegrityError, psycopg.IntegrityError)
BINDING_ERRORS = (
    peewee.InterfaceError,
    peewee.ProgrammingError,
    peewee.DataError,
    psycopg.ProgrammingError,
    psycopg.DataError,
)
COUNTER_BITS = sqlite_dialect.COUNTER_BITS
#: The advisory lock every write transaction takes first: one writer at a time, as on SQLite.
WRITE_LOCK = 0x1D5_0019

LISTED = sqlite_dialect.LISTED
listed = sqlite_dialect.listed
versions_row = sqlite_dialect.versions_row
_json = sqlite_dialect._json


class _IntDumper(Dumper):
    """A Python bool is stored as SQLite stores it: 0 or 1 in an integer column."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _NumberLoader(Loader):
    """``SUM`` of integers is ``numeric`` on PostgreSQL: hand back an int (a float if it has a fraction)."""

    def load(self, data: Any) -> Any:
        value = decimal.Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


_PLACEHOLDER = re.compile(r"\?")
_IFNULL = re.compile(r"\bIFNULL\(", re.IGNORECASE)
_JSON_EACH = re.compile(r"json_each\(\?\)")
_LIKE = re.compile(r"\bLIKE\b")


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """SQLite's spelling of a statement in PostgreSQL's (peewee's own statements pass as they are)."""
    if "%s" in sql:
        return sql
    sql = sql.replace("%", "%%")
    sql = _JSON_EACH.sub("json_array_elements_text(?::json)", sql)
    sql = _IFNULL.sub("COALESCE(", sql)
    sql = _LIKE.sub("ILIKE", sql)  # SQLite's LIKE ignores case
    return _PLACEHOLDER.sub("%s", sql)


def _counts(sql: str) -> bool:
    head = sql.lstrip()[:7].upper()
    return head.startswith(("INSERT", "UPDATE", "DELETE"))


class _Connection:
    """What the sync code asks of a connection besides peewee's: ``executemany`` in SQLite's
    spelling and ``total_changes`` (a write that changed rows must have journaled them)."""

    def __init__(self, database: UnionDatabase) -> None:
        self._database = database

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with peewee.__exception_wrapper__:
            cursor = self._database.cursor()
            cursor.executemany(translate(sql), rows)
        self._database.note_changes(max(cursor.rowcount, len(rows)))

    @property
    def total_changes(self) -> int:
        return self._database.changes()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database._state.conn, name)


class UnionDatabase(PostgresqlDatabase):
    """peewee's PostgreSQL database speaking the union's SQL (see the module's docstring)."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(url, prefer_psycopg3=True, **kwargs)
        self.url = url
        self._counter = threading.local()

    def _connect(self) -> Any:
        conn = super()._connect()
        conn.adapters.register_dumper(bool, _IntDumper)
        conn.adapters.register_loader("numeric", _NumberLoader)
        return conn

    def note_changes(self, count: int) -> None:
        self._counter.value = getattr(self._counter, "value", 0) + max(count, 0)

    def changes(self) -> int:
        return getattr(self._counter, "value", 0)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        translated = translate(sql)
        cursor = super().execute_sql(translated, tuple(params) if params else ())
        if _counts(translated):
            self.note_changes(cursor.rowcount)
        return cursor

    def connection(self) -> Any:
        super().connection()
        return _Connection(self)

    def conflict_update(self, oc: Any, query: Any) -> Any:
        """SQLite's ``INSERT OR REPLACE`` (``on_conflict_replace``) as an upsert on the primary key."""
        if (oc._action or "").lower() == "replace":
            meta = query.model._meta
            key = meta.primary_key
            names = key.field_names if isinstance(key, peewee.CompositeKey) else (key.name,)
            target = [meta.fields[n] for n in names]
            others = [f for f in meta.sorted_fields if f.name not in names]
            oc = peewee.OnConflict("IGNORE" if not others else None, preserve=others or None, conflict_target=target)
        return super().conflict_update(oc, query)


def is_postgres(database: Database) -> bool:
    return isinstance(database, PostgresqlDatabase)


def run(database: Database, sql: str, params: Sequence[Any] = ()) -> Any:
    return database.execute_sql(sql, tuple(params))


def take_stamp(database: Database, wall_ms: int, node_id: str) -> int:
    """As on SQLite, after taking the write lock (held to the end of the transaction)."""
    wall = wall_ms << COUNTER_BITS
    database.execute_sql("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
    return database.execute_sql(
        "UPDATE sync_clock SET stamp = GREATEST(?, last + 1), last = GREATEST(?, last + 1), node = ? RETURNING stamp",
        (wall, wall, node_id),
    ).fetchone()[0]


def finish_stamp(database: Database, highest: int) -> None:
    database.execute_sql("UPDATE sync_clock SET last = GREATEST(last, ?)", (highest,))


def receive(database: Database, remote: int) -> None:
    database.execute_sql("UPDATE sync_clock SET last = GREATEST(last, ?)", (remote,))


clock = sqlite_dialect.clock
set_capture = sqlite_dialect.set_capture
next_seq = sqlite_dialect.next_seq
max_seq = sqlite_dialect.max_seq
versions_by_pk = sqlite_dialect.versions_by_pk
changed_between = sqlite_dialect.changed_between
forget_versions = sqlite_dialect.forget_versions


def capture(
    database: Database,
    table: str,
    pk: str,
    groups: Iterable[str] = (),
    *,
    created: bool = False,
    deleted: dict[str, Any] | None = None,
) -> None:
    """``dialect_sqlite.capture`` with the group versions merged in Python rather than by ``json_patch``."""
    if created or deleted is not None:
        sqlite_dialect.capture(database, table, pk, groups, created=created, deleted=deleted)
        return
    stamp, node = database.execute_sql("SELECT stamp, node FROM sync_clock").fetchone()
    row = database.execute_sql("SELECT colvers FROM sync_row WHERE tbl = ? AND pk = ?", (table, pk)).fetchone()
    if row is None:
        return
    versions = json.loads(row[0]) if row[0] else {}
    versions.update({name: f"{stamp}/{node}" for name in groups})
    database.execute_sql(
        "UPDATE sync_row SET seq = ?, colvers = ? WHERE tbl = ? AND pk = ?",
        (next_seq(database), _json(versions), table, pk),
    )


def connection(database: Database) -> Any:
    return database.connection()


def write_versions_many(database: Database, rows: Sequence[tuple[Any, ...]]) -> None:
    connection(database).executemany(sqlite_dialect._WRITE_VERSIONS, rows)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def insert_rows(database: Database, table: str, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
    """Rows new to ``table`` with ``COPY`` (a tenth of the server's work of one ``INSERT`` a row).

    ``COPY`` writes a value as text, so a list or an object would land in a text column as its
    text; ``executemany`` refuses them, and so does this (a bundle that carries one is refused).
    A refused row (a key or a reference the table rejects) fails the whole ``COPY``, as it fails
    a batch of ``executemany``: the caller rolls back to its savepoint and goes row by row.
    """
    for row in rows:
        if not _SCALARS.issuperset(map(type, row)):
            raise psycopg.DataError(f"{table}: a value that is not a single value")
    with peewee.__exception_wrapper__:
        cursor = database.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    database.note_changes(len(rows))


def insert_versions(database: Database, rows: Sequence[tuple[Any, ...]]) -> None:
    """The versions of rows new to this replica, with ``COPY``: a row whose key ``sync_row`` already
    has (a reader forgotten here, now shared again) fails it, and the batch goes row by row."""
    insert_rows(database, "sync_row", ("tbl", "pk", "seq", "hlc", "node", "colvers", "deleted", "base"), rows)


#: A table is analysed again once this many rows were added since, and more than it held then.
_GROWTH_FLOOR = 1000


@contextmanager
def page_cache(database: Database, kib: int) -> Iterator[None]:
    """The server manages its own buffers: nothing to set for one write."""
    yield


def keep_statistics(database: Database, grown: dict[str, int]) -> None:
    """Refresh the planner's statistics of a table an import has outgrown (counts in ``grown``,
    set back to 0 for each table analysed).

    PostgreSQL plans from statistics that autovacuum refreshes only after a transaction commits.
    An import adds hundreds of thousands of rows in one transaction; planned from the
    statistics of a table that was nearly empty, a lookup by key (``sync_row`` of 500 copies,
    the copies' status after the merge) walks every row of the table instead of its index, once
    per batch. ``ANALYZE`` inside the transaction counts its own new rows; run each time a table
    has doubled, it costs a few runs of a 30,000-row sample per table.
    """
    due = [t for t, n in grown.items() if n >= _GROWTH_FLOOR]
    if not due:
        return
    planned = dict(
        database.execute_sql(
            "SELECT relname, GREATEST(reltuples, 0) FROM pg_class WHERE relname IN (SELECT value FROM json_each(?))"
            " AND relkind = 'r' AND relnamespace = current_schema()::regnamespace",
            (_json(due),),
        ).fetchall()
    )
    outgrown = sorted(t for t in due if grown[t] > planned.get(t, 0))
    if outgrown:
        database.execute_sql("ANALYZE " + ", ".join(outgrown))
        for table in outgrown:
            grown[table] = 0


def pk_expression(pk: Sequence[str], alias: str = "t") -> str:
    """As ``dialect_sqlite.pk_expression``: the key itself, or the compact JSON array text of a composite key."""
    if len(pk) == 1:
        return f"{alias}.{pk[0]}"
    return f"sync_key('{json.dumps(list(pk))}'::jsonb, to_jsonb({alias}))"


def rows_by_pk(
    database: Database, table: str, pk: Sequence[str], columns: Sequence[str], keys: Sequence[str]
) -> list[tuple[Any, ...]]:
    select = ", ".join([f"CAST({pk_expression(pk)} AS TEXT)", *(f"t.{c}" for c in columns)])
    if len(pk) == 1:
        return database.execute_sql(
            f"SELECT {select} FROM {table} t WHERE t.{pk[0]}::text IN {LISTED}", (_json(list(keys)),)
        ).fetchall()
    join = " AND ".join(f"t.{c}::text = (k.value::json ->> {i})" for i, c in enumerate(pk))
    return database.execute_sql(
        f"SELECT {select} FROM json_array_elements_text(?::json) k JOIN {table} t ON {join}", (_json(list(keys)),)
    ).fetchall()
