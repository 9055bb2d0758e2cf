"""Schema versions: numbered scripts applied forward at start-up.

Each script holds its own frozen SQL and never imports the live models, so an
old database can always be brought forward, whatever the models say today. A
merged script is never edited; a change is a new script. ``PRAGMA user_version``
records the version. Before an existing database is changed, an online backup
is taken beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from peewee import SqliteDatabase

from db.backup import backup_to
from db.connection import StorageError
from db.migrations import (
    m0001_initial,
    m0002_catalogue,
    m0003_readers,
    m0004_call_number_index,
    m0005_circulation,
    m0006_rotation_loans_index,
    m0007_circulation_guards,
    m0010_sync_identity,
    m0011_sync_capture,
    m0020_blind_room,
    m0030_events,
    m0040_serials,
    m0070_statistics,
    m0080_sip2_terminals,
    m0081_record_numbers,
    m0082_stats_cache,
    m0083_stats_cache_exact,
)

MIGRATIONS = (
    m0001_initial,
    m0002_catalogue,
    m0003_readers,
    m0004_call_number_index,
    m0005_circulation,
    m0006_rotation_loans_index,
    m0007_circulation_guards,
    m0010_sync_identity,
    m0011_sync_capture,
    m0020_blind_room,
    m0030_events,
    m0040_serials,
    m0070_statistics,
    m0080_sip2_terminals,
    m0081_record_numbers,
    m0082_stats_cache,
    m0083_stats_cache_exact,
)
LATEST_VERSION = MIGRATIONS[-1].VERSION


@dataclass(frozen=True)
class MigrationResult:
    from_version: int
    to_version: int
    backup: Path | None


def schema_version(database: SqliteDatabase) -> int:
    return database.execute_sql("PRAGMA user_version").fetchone()[0]


def _is_empty(database: SqliteDatabase) -> bool:
    return database.execute_sql("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def migrate(database: SqliteDatabase, db_path: Path) -> MigrationResult:
    """Bring the database to ``LATEST_VERSION``; refuse one made by a newer ils."""
    current = schema_version(database)
    if current > LATEST_VERSION:
        raise StorageError("too_new", db_path, f"{current} > {LATEST_VERSION}")
    if current == 0 and not _is_empty(database):
        raise StorageError("foreign", db_path, "tables present but no ils schema version")
    if current == LATEST_VERSION:
        return MigrationResult(current, current, None)
    backup = None
    if current > 0:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_folder(db_path) / f"{db_path.stem}-v{current}-{stamp}.sqlite"
        backup_to(db_path, backup)
    for script in MIGRATIONS:
        if script.VERSION <= current:
            continue
        _apply(database, script)
    return MigrationResult(current, LATEST_VERSION, backup)


def _apply(database: SqliteDatabase, script) -> None:
    """One script in one transaction.

    A script that rebuilds tables (``REBUILDS_TABLES``) runs with foreign keys off, as SQLite's
    table-rebuild procedure requires (the pragma cannot change inside a transaction), and
    must leave ``foreign_key_check`` clean before it commits.
    """
    rebuilds = getattr(script, "REBUILDS_TABLES", False)
    if rebuilds:
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with database.atomic():
            script.apply(database.execute_sql)
            if rebuilds:
                broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration {script.VERSION} broke foreign keys: {broken[:5]}")
            database.execute_sql(f"PRAGMA user_version = {int(script.VERSION)}")
    finally:
        if rebuilds:
            database.execute_sql("PRAGMA foreign_keys = ON")
