"""The one way to open a database file, with the pragmas a front desk needs.

- WAL, so readers (a search at one desk) never block a writer (a loan at another);
- ``synchronous=FULL``, so a committed loan survives a power cut, not just a crash;
- ``busy_timeout`` of 10 s and ``BEGIN IMMEDIATE`` for every transaction: a write
  takes the lock up front instead of upgrading a read lock half way, which is the
  case where SQLite gives up with "database is locked" instead of waiting.

A file can also be opened read-only (``connect_read_only``): an archived copy, a
backup being checked, a file on read-only media. Such a file is never changed:
no WAL files are made beside it, no journal mode is set, and SQLite itself refuses
a write (``query_only``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from peewee import SqliteDatabase

from db.models import database_proxy

BUSY_TIMEOUT_S = 10
READ_ONLY_PRAGMAS = (
    ("query_only", 1),
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
    ("cache_size", -64_000),
    ("temp_store", "memory"),
)
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

    ``reason`` is one of ``not_a_database``, ``foreign``, ``too_new``, ``too_old``,
    ``unwritable``, ``missing``, ``busy``, ``full``, ``io``, ``read_only``; ``ils`` turns
    it into a message in the user's language.
    """

    def __init__(self, reason: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{reason}: {path}: {detail}")
        self.reason = reason
        self.path = path
        self.detail = detail


def classify(error: BaseException, path: Path) -> StorageError:
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


def is_writable(path: Path) -> bool:
    """Whether a desk may write the database at ``path`` (and the WAL files beside it).

    No: a read-only file system, a file or folder this user may not write, or a
    file whose permissions allow nobody to write it (an archived copy marked
    read-only; the administrator account could write it regardless, which would
    make the same file behave differently for root).
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return False
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def read_only_uri(path: Path) -> str:
    """The SQLite URI that reads ``path`` without changing it or leaving files beside it.

    Without a ``-wal`` file nobody is writing in WAL mode and everything is in the
    main file: ``immutable`` reads it without the ``-shm`` index SQLite would
    otherwise create (and leave behind). With one, its committed transactions must
    be read too: ``mode=ro`` does, and may need the ``-shm`` file.
    """
    uri = Path(path).resolve().as_uri()
    if Path(f"{path}-wal").exists():
        return f"{uri}?mode=ro"
    return f"{uri}?mode=ro&immutable=1"


def connect_read_only(path: str | Path) -> SqliteDatabase:
    """Open the database at ``path`` for reading only and bind the models to it."""
    path = Path(path)
    if not path.is_file():
        raise StorageError("missing", path, "no such file")
    database = SqliteDatabase(read_only_uri(path), uri=True, pragmas=READ_ONLY_PRAGMAS, timeout=BUSY_TIMEOUT_S)
    try:
        database.connect()
        database.execute_sql("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except Exception as error:  # peewee wraps sqlite3 errors in its own classes
        database.close()
        raise classify(error, path) from error
    database_proxy.initialize(database)
    return database
