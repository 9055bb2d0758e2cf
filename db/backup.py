"""SQLite online backups: taken while desks keep writing, checked before trusted.

A backup is written to a temporary file beside its target (``.NAME.partial``, and
SQLite's ``-journal``, ``-wal`` and ``-shm`` files of it while it writes: the copied
pages say WAL until the copy is switched back to a rollback journal), checked with
``integrity_check`` and only then renamed into place, so a full disk or a crash
never leaves a half-written file under the name the user asked for. A backup that
is killed leaves its temporary files behind; the next backup into the same folder
removes them (``remove_leftovers``), and ``ils check`` does for the backup folder.
A backup in progress holds a lock on its temporary file, so a second desk's
backup into the same folder never removes a file that is still being written.

The copy is one step of SQLite's backup API: it reads one snapshot of the
database in one read transaction, which WAL lets writers go on past. (Copying in
chunks restarts from the beginning each time another desk commits, so a busy
library's backup might never finish.)
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from db.connection import BUSY_TIMEOUT_S, StorageError, classify, read_only_uri

PARTIAL = ".partial"
SIDECARS = ("-journal", "-wal", "-shm")  # SQLite's own files beside a database it writes
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StorageError("missing", path, "no such file")
    try:
        return sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
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


def file_setting(path: Path, key: str) -> str | None:
    """One value of the ``setting`` table of the database file at ``path``, read without changing it."""
    connection = _open_read_only(path)
    try:
        row = connection.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error as error:
        raise classify(error, path) from error
    finally:
        connection.close()
    return None if row is None else row[0]


def partial_path(target: Path) -> Path:
    return target.with_name(f".{target.name}{PARTIAL}")


@contextmanager
def _claimed(partial: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``partial`` while it is written; made fresh, removed on failure."""
    _unlink_with_sidecars(partial)
    handle = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    except BaseException:
        _unlink_with_sidecars(partial)
        raise
    finally:
        os.close(handle)


def _unlink_with_sidecars(partial: Path) -> None:
    partial.unlink(missing_ok=True)
    for suffix in SIDECARS:
        Path(f"{partial}{suffix}").unlink(missing_ok=True)


def _in_use(partial: Path) -> bool:
    try:
        handle = os.open(partial, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)
    return False


def leftovers(folder: Path) -> list[Path]:
    """Temporary files of backups into ``folder`` that were killed or failed (none in progress)."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f".*{PARTIAL}")):
        if not _in_use(path):
            found.append(path)
    for suffix in SIDECARS:
        for path in sorted(folder.glob(f".*{PARTIAL}{suffix}")):
            owner = Path(str(path)[: -len(suffix)])
            if not owner.exists() or owner in found:
                found.append(path)
    return found


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove what ``leftovers`` finds; returns what was removed."""
    removed = []
    for path in leftovers(folder):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # a file we may not remove stays listed by ``ils check``
        removed.append(path)
    return removed


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable: a power cut right after must not lose the new name."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def backup_to(source: Path, target: Path) -> Path:
    """Copy the live database at ``source`` to ``target`` with the online backup API."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target.parent)
    except OSError as error:
        raise StorageError("unwritable", target, str(error)) from error
    partial = partial_path(target)
    try:
        with _claimed(partial):
            src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_S)
            try:
                dst = sqlite3.connect(str(partial))
                try:
                    src.backup(dst)  # one step: one snapshot, see the module's docstring
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
            _sync_folder(target.parent)
    except sqlite3.Error as error:
        raise classify(error, target) from error
    except OSError as error:
        reason = "full" if error.errno in _NO_SPACE else "unwritable"
        raise StorageError(reason, target, str(error)) from error
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
