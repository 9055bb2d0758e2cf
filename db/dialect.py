"""The storage dialect of an open database: ``db.dialect_sqlite`` for a desk's file,
``db.dialect_postgres`` for a union kept on a PostgreSQL server.

Callers import this module and call the same names as before; each function hands the
call to the module that speaks the database's engine. PostgreSQL's driver is an optional
extra (``pip install ils[union]``): it is imported only when such a database is opened.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any

import peewee
from peewee import Database

from db import dialect_sqlite

COUNTER_BITS = dialect_sqlite.COUNTER_BITS
LISTED = dialect_sqlite.LISTED
listed = dialect_sqlite.listed
versions_row = dialect_sqlite.versions_row


def _postgres_errors(name: str) -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:
        return ()
    return (getattr(psycopg, name),)


INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (
    peewee.IntegrityError,
    sqlite3.IntegrityError,
    *_postgres_errors("IntegrityError"),
)
BINDING_ERRORS: tuple[type[BaseException], ...] = (
    *dialect_sqlite.BINDING_ERRORS,
    peewee.DataError,
    *_postgres_errors("ProgrammingError"),
    *_postgres_errors("DataError"),
)


def of(database: Database) -> ModuleType:
    if isinstance(database, peewee.PostgresqlDatabase):
        from db import dialect_postgres

        return dialect_postgres
    return dialect_sqlite


def name(database: Database) -> str:
    return of(database).NAME


def unique_violation(error: BaseException) -> bool:
    """Whether a refused row broke a uniqueness rule (not a missing parent or a check)."""
    cause = getattr(error, "orig", None) or error.__cause__ or error  # peewee keeps the driver's error as ``orig``
    return type(cause).__name__ == "UniqueViolation" or "UNIQUE" in str(error)


def run(database: Database, sql: str, params: Any = ()) -> Any:
    return of(database).run(database, sql, params)


def take_stamp(database: Database, wall_ms: int, node_id: str) -> int:
    return of(database).take_stamp(database, wall_ms, node_id)


def finish_stamp(database: Database, highest: int) -> None:
    of(database).finish_stamp(database, highest)


def receive(database: Database, remote: int) -> None:
    of(database).receive(database, remote)


def clock(database: Database) -> tuple[int, int, str, bool]:
    return of(database).clock(database)


def set_capture(database: Database, on: bool) -> None:
    of(database).set_capture(database, on)


def next_seq(database: Database) -> int:
    return of(database).next_seq(database)


def max_seq(database: Database) -> int:
    return of(database).max_seq(database)


def capture(database: Database, table: str, pk: str, groups: Any = (), **kwargs: Any) -> None:
    of(database).capture(database, table, pk, groups, **kwargs)


def capture_created(database: Database, rows: Sequence[tuple[str, str]]) -> None:
    """The versions of rows (table, key text) just inserted by a bulk store with the capture triggers
    off (``set_capture``): each a new row of this write's stamp, numbered in order, as the triggers
    would have written them one by one.

    A trigger numbers each row by reading the highest number again; a MARC import adds three rows
    per record (the record, its ISBN, its copy), and that reading made its inserts cost a third more.
    """
    if not rows:
        return
    _last, stamp, node, _capturing = clock(database)
    first = next_seq(database)
    write_versions_many(
        database,
        [
            versions_row(table, pk, seq=seq, hlc=stamp, node=node, colvers=None, deleted=False, base=None)
            for seq, (table, pk) in enumerate(rows, first)
        ],
    )


def composite_key(values: Sequence[str]) -> str:
    """The key text ``sync_row`` names a row of a composite key by (``pk_expression``): a compact JSON array."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def connection(database: Database) -> Any:
    return of(database).connection(database)


def write_versions_many(database: Database, rows: Any) -> None:
    of(database).write_versions_many(database, rows)


def insert_rows(database: Database, table: str, columns: tuple[str, ...], rows: Any) -> None:
    of(database).insert_rows(database, table, columns, rows)


def insert_versions(database: Database, rows: Any) -> None:
    of(database).insert_versions(database, rows)


def keep_statistics(database: Database, grown: dict[str, int]) -> None:
    of(database).keep_statistics(database, grown)


def page_cache(database: Database, kib: int) -> AbstractContextManager[None]:
    """Let one long write keep up to ``kib`` KiB of pages in memory, for its duration."""
    return of(database).page_cache(database, kib)


def pk_expression(database: Database, pk: Any, alias: str = "t") -> str:
    return of(database).pk_expression(pk, alias)


def rows_by_pk(database: Database, table: str, pk: Any, columns: Any, keys: Any) -> list[tuple[Any, ...]]:
    return of(database).rows_by_pk(database, table, pk, columns, keys)


def versions_by_pk(database: Database, table: str, keys: Any) -> list[tuple[Any, ...]]:
    return of(database).versions_by_pk(database, table, keys)


def changed_between(database: Database, first: int, last: int) -> list[tuple[str, str]]:
    return of(database).changed_between(database, first, last)


def forget_versions(database: Database, table: str, keys: Any) -> None:
    of(database).forget_versions(database, table, keys)


def total_changes(database: Database) -> int:
    """Rows changed on this connection so far (a write compares it before and after)."""
    return database.connection().total_changes
