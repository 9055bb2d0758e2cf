"""Opening the database for the services, with storage failures told in words."""

from __future__ import annotations

from pathlib import Path

from peewee import SqliteDatabase

from db.connection import StorageError, classify, connect
from db.migrations import MigrationResult, migrate
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


def open_database(path: Path) -> tuple[SqliteDatabase, MigrationResult]:
    """Connect and bring the schema forward (backing up first); refuse what cannot be used."""
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


