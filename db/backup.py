"""SQLite online backups: taken while desks keep writing, checked before trusted.

A backup is written to a temporary file beside its target, checked with
``integrity_check`` and only then renamed into place, so a full disk or a crash
never leaves a half-written file under the name the user asked for.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from db.connection import BUSY_TIMEOUT_S, StorageError, classify


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StorageError("missing", path, "no such file")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise classify(error, path) from error


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong in the file; empty when sound.

    Raises ``StorageError('not_a_database')`` for a file SQLite cannot read at all.
    """
    connection = _open_read_only(path)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as error:
        raise classify(error, path) from error
    finally:
        connection.close()
    problems = [row[0] for row in rows]
    return [] if problems == ["ok"] else problems


def file_schema_version(path: Path) -> int:
    connection = _open_read_only(path)
    try:
        return connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as error:
        raise classify(error, path) from error
    finally:
        connection.close()


def backup_to(source: Path, target: Path) -> Path:
    """Copy the live database at ``source`` to ``target`` with the online backup API."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError("unwritable", target, str(error)) from error
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(str(partial))
            try:
                src.backup(dst, pages=1024)
                dst.execute("PRAGMA journal_mode = delete")
            finally:
                dst.close()
        finally:
            src.close()
        problems = integrity_problems(partial)
        if problems:
            raise StorageError("not_a_database", partial, "; ".join(problems[:5]))
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise classify(error, target) from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        reason = "full" if error.errno == 28 else "unwritable"
        raise StorageError(reason, target, str(error)) from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def restore_into(source: Path, target: Path) -> None:
    """Replace the contents of the database at ``target`` with the file ``source``.

    The caller has already checked ``source``; the online backup API writes the
    pages into ``target`` inside one transaction, so other desks see either the
    old database or the restored one.
    """
    src = _open_read_only(source)
    try:
        dst = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as error:
        raise classify(error, target) from error
    finally:
        src.close()
