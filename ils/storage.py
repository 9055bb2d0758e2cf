"""Opening the database for the services, with storage failures told in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from db import postgres
from db.connection import StorageError, classify, connect, connect_read_only
from db.migrations import LATEST_VERSION, MigrationResult, migrate, schema_version
from ils.errors import DatabaseProblem
from ils.i18n import N_

_STORAGE_MESSAGES = {
    "not_a_database": N_("{path} is not an ils database or is damaged."),
    "foreign": N_("{path} is a SQLite file but not an ils database."),
    "too_new": N_("{path} was made by a newer version of ils (schema {detail}); install the newer version to open it."),
    "unwritable": N_("Cannot write to {path}: check the folder's permissions."),
    "missing": N_("{path} does not exist."),
    "busy": N_("Another desk kept {path} busy for too long; nothing was changed: try again."),
    "full": N_("The disk is full while writing {path}; nothing was changed."),
    "io": N_("Writing {path} failed: the disk may be full or failing; nothing was changed."),
    "read_only": N_(
        "{path} is open read-only (an archived copy, or a file that cannot be written): "
        "searches and reports work, changes are refused."
    ),
    "too_old": N_(
        "{path} was made by an older version of ils (schema {detail}) and cannot be brought forward "
        "read-only: copy it to a folder you may write and open the copy."
    ),
}


def explain(error: StorageError) -> DatabaseProblem:
    """The message a librarian reads for each way a database file can be unusable."""
    reason = error.reason if error.reason in _STORAGE_MESSAGES else "not_a_database"
    return DatabaseProblem(f"storage.{reason}", _STORAGE_MESSAGES[reason], path=error.path, detail=error.detail)


def storage_failure(error: BaseException, path: Path) -> StorageError:
    """Classify a failed write by the first cause that names the disk.

    A commit that fails on a full disk is followed by a failed rollback, whose
    message hides the cause; the cause is further down the exception chain.
    """
    cause: BaseException | None = error
    while cause is not None:
        reason = classify(cause, path)
        if reason.reason in ("full", "io", "unwritable"):
            return reason
        cause = cause.__cause__ or cause.__context__
    return classify(error, path)


def read_only_refusal(path: Path) -> DatabaseProblem:
    return explain(StorageError("read_only", path))


def open_database(path: Path, *, read_only: bool = False) -> tuple[SqliteDatabase, MigrationResult]:
    """Connect and bring the schema forward (backing up first); refuse what cannot be used.

    Read-only, nothing is migrated: a file of this version's schema opens, an older
    or newer one is refused with a message that says what to do.
    """
    url = postgres.read_locator(path) if postgres.is_locator(path) else None
    if url is not None:
        return _open_postgres(url)
    if read_only:
        return _open_read_only(path)
    try:
        database = connect(path)
    except StorageError as error:
        raise explain(error) from error
    try:
        result = migrate(database, path)
    except StorageError as error:
        database.close()
        raise explain(error) from error
    except Exception as error:
        database.close()
        raise explain(classify(error, path)) from error
    return database, result


def _open_postgres(url: str) -> tuple[Any, MigrationResult]:
    """A union kept on PostgreSQL (``db.postgres``): connected and brought forward, or refused in words."""
    shown = Path(postgres.shown(url))
    try:
        database = postgres.connect(url)
    except Exception as error:
        raise explain(StorageError("missing", shown, str(error))) from error
    try:
        return database, postgres.migrate(database)
    except Exception as error:
        database.close()
        raise explain(
            StorageError("too_new" if "newer" in str(error) else "not_a_database", shown, str(error))
        ) from error


def _open_read_only(path: Path) -> tuple[SqliteDatabase, MigrationResult]:
    try:
        database = connect_read_only(path)
        version = schema_version(database)
    except StorageError as error:
        raise explain(error) from error
    except Exception as error:
        raise explain(classify(error, path)) from error
    if version != LATEST_VERSION:
        database.close()
        reason = "too_new" if version > LATEST_VERSION else "too_old"
        if version == 0:
            reason = "foreign"
        raise explain(StorageError(reason, path, f"{version} / {LATEST_VERSION}"))
    return database, MigrationResult(version, version, None)
