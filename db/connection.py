"""The one way to open a database file, with the pragmas a front desk needs.

- WAL, so readers (a search at one desk) never block a writer (a loan at another);
- ``synchronous=FULL``, so a committed loan survives a power cut, not just a crash;
- ``busy_timeout`` of 10 s and ``BEGIN IMMEDIATE`` for every transaction: a write
  takes the lock up front instead of upgrading a read lock half way, which is the
  case where SQLite gives up with "database is locked" instead of waiting.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from db.models import database_proxy

BUSY_TIMEOUT_S = 10
PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
    ("cache_size", -64_000),
    ("temp_store", "memory"),
)


class StorageError(Exception):
    """The file at ``path`` cannot serve as a database; ``reason`` says why.

    ``reason`` is one of ``not_a_database``, ``too_new``, ``unwritable``,
    ``missing``, ``full``, ``io``; ``ils`` turns it into a message in the user's language.
    """

    def __init__(self, reason: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{reason}: {path}: {detail}")
        self.reason = reason
        self.path = path
        self.detail = detail


def classify(error: sqlite3.Error | Exception, path: Path) -> StorageError:
    """Turn a raw SQLite failure into one of the reasons users are told about."""
    text = str(error).lower()
    if "not a database" in text or "malformed" in text:
        return StorageError("not_a_database", path, str(error))
    if "full" in text:
        return StorageError("full", path, str(error))
    if "i/o error" in text:
        return StorageError("io", path, str(error))
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StorageError("unwritable", path, str(error))
    if "locked" in text or "busy" in text:
        return StorageError("busy", path, str(error))
    return StorageError("not_a_database", path, str(error))


def connect(path: str | Path) -> SqliteDatabase:
    """Open (creating if need be) the database at ``path`` and bind the models to it.

    Peewee connections are per thread, so Textual workers each get their own
    connection with the same pragmas.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise StorageError("missing", path, "folder does not exist")
    database = SqliteDatabase(
        str(path),
        pragmas=PRAGMAS,
        timeout=BUSY_TIMEOUT_S,
        lock_type="IMMEDIATE",
    )
    try:
        database.connect()
    except Exception as error:  # peewee wraps sqlite3 errors in its own classes
        database.close()
        raise classify(error, path) from error
    database_proxy.initialize(database)
    return database
