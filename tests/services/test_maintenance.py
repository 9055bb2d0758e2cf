"""Backup, restore and check: what protects the library's data."""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.migrations import LATEST_VERSION, backup_folder
from ils import branches, maintenance
from ils.errors import DatabaseProblem, Invalid, LoginFailed, PermissionDenied
from ils.library import open_library
from ils.readers.keys import KEY_FINGERPRINT, key_path
from ils.sealed_keys import sealed_path
from ils.staff import log_in
from tests.services.conftest import ADMIN_PASSWORD

PASSPHRASE = "correct horse battery"


def test_backup_is_a_sound_copy_and_is_journaled(admin, tmp_path):
    result = maintenance.backup(admin, tmp_path / "out" / "copy.sqlite")
    assert result.path.is_file() and result.size_bytes > 0
    raw = sqlite3.connect(result.path)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert raw.execute("SELECT COUNT(*) FROM branch").fetchone()[0] == 8
    raw.close()
    last = admin.library.database.execute_sql("SELECT action FROM journal ORDER BY rowid DESC LIMIT 1").fetchone()
    assert last == ("database.backup",)


def test_backup_needs_the_permission(clerk, tmp_path):
    with pytest.raises(PermissionDenied):
        maintenance.backup(clerk, tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite").exists()


FULL_DISK = """
import resource, signal, sys
from ils.library import open_library
from ils.staff import log_in
from ils import branches, maintenance
from ils.readers import consents
from ils.errors import IlsError
session = log_in(open_library({db!r}), "admin", "admin-pass-1")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))  # writes past the limit fail as on a full disk
try:
    {action}
except IlsError as error:
    print(error)
    sys.exit(3)
"""


def _on_a_full_disk(db, action, limit):
    script = FULL_DISK.format(db=str(db), action=action, limit=limit)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=900)


def test_full_disk_during_backup_leaves_nothing_behind(library, tmp_path):
    target = tmp_path / "bk" / "full.sqlite"
    done = _on_a_full_disk(library.path, f"maintenance.backup(session, {str(target)!r})", 20_000)
    assert done.returncode == 3, done.stderr
    assert "磁盘" in done.stdout and "未做任何更改" in done.stdout
    assert list(target.parent.iterdir()) == []


def test_full_disk_during_a_write_loses_nothing(admin, library):
    wal_size = (library.path.parent / f"{library.path.name}-wal").stat().st_size
    notices = "SELECT COUNT(*) FROM privacy_notice"
    before = library.database.execute_sql(notices).fetchone()[0]
    big_notice = "很长的隐私告知。" * 2000  # needs more room in the WAL than the disk has left
    done = _on_a_full_disk(library.path, f"consents.publish_notice(session, {big_notice!r})", wal_size + 4096)
    assert done.returncode == 3, done.stderr
    assert "磁盘" in done.stdout
    assert library.database.execute_sql(notices).fetchone()[0] == before
    assert maintenance.check(admin).ok


def test_restore_refuses_a_corrupt_file_and_keeps_the_database(admin, library, tmp_path):
    good = maintenance.backup(admin, tmp_path / "good.sqlite").path
    corrupt = tmp_path / "corrupt.sqlite"
    data = bytearray(good.read_bytes())
    data[4096 * 2 : 4096 * 2 + 2000] = b"\xff" * 2000  # smash a page in the middle
    corrupt.write_bytes(bytes(data))
    before = library.path.read_bytes()
    with pytest.raises(DatabaseProblem, match="完整性检查|不是 ils 数据库"):
        maintenance.restore(library.path, corrupt, admin.staff.id)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(DatabaseProblem, match="不是 ils 数据库"):
        maintenance.restore(library.path, text, admin.staff.id)
    assert library.path.read_bytes() == before


def test_restore_refuses_a_newer_schema(admin, library, tmp_path):
    newer = maintenance.backup(admin, tmp_path / "newer.sqlite").path
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    raw.commit()
    raw.close()
    with pytest.raises(DatabaseProblem, match="更新版本"):
        maintenance.restore(library.path, newer, admin.staff.id)


def test_restore_brings_back_the_backup_and_keeps_a_safety_copy(admin, library, tmp_path):
    saved = maintenance.backup(admin, tmp_path / "before.sqlite").path
    branches.add_branch(admin, code="FL", name="枫林镇分馆")
    safety = maintenance.restore(library.path, saved, admin.staff.id).previous_saved_as
    assert safety is not None and safety.is_file()
    reopened = open_library(library.path)
    codes = [row[0] for row in reopened.database.execute_sql("SELECT code FROM branch")]
    assert "FL" not in codes
    actions = [row[0] for row in reopened.database.execute_sql("SELECT action FROM journal ORDER BY rowid")]
    assert actions[-1] == "database.restore"
    reopened.close()
    raw = sqlite3.connect(safety)
    assert raw.execute("SELECT COUNT(*) FROM branch WHERE code = 'FL'").fetchone()[0] == 1
    raw.close()


def test_check_finds_rows_written_behind_the_journal(admin, library):
    assert maintenance.check(admin).ok
    raw = sqlite3.connect(library.path)
    raw.execute(
        "INSERT INTO branch (id, code, name, kind, created_at) VALUES ('x', 'ROGUE', '野分馆', 'branch', 'now')"
    )
    raw.commit()
    raw.close()
    report = maintenance.check(admin)
    assert not report.ok
    assert any("branch" in problem for problem in report.journal)


# --- leftovers of killed backups ------------------------------------------------------------


def _leave_a_killed_backup(folder: Path, name: str = "old.sqlite") -> list[Path]:
    """What a backup killed with -9 leaves: its temporary file and SQLite's journal of it."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{name}.partial"
    partial.write_bytes(b"half a database")
    journal = folder / f".{name}.partial-journal"
    journal.write_bytes(b"journal")
    return [partial, journal]


def test_the_wal_files_of_a_backup_killed_before_its_journal_mode_was_reset_are_removed(admin, tmp_path):
    """Killed between the copy (its pages say WAL) and the switch back: ``-wal`` and ``-shm`` stay."""
    folder = tmp_path / "bk"
    folder.mkdir()
    left = [folder / ".old.sqlite.partial-wal", folder / ".old.sqlite.partial-shm"]
    for path in left:
        path.write_bytes(b"")
    result = maintenance.backup(admin, folder / "new.sqlite")
    assert set(result.removed) == set(left)
    assert sorted(p.name for p in folder.iterdir()) == ["new.sqlite"]


def test_the_next_backup_removes_what_a_killed_backup_left(admin, tmp_path):
    folder = tmp_path / "bk"
    left = _leave_a_killed_backup(folder)
    result = maintenance.backup(admin, folder / "new.sqlite")
    assert not any(path.exists() for path in left)
    assert set(result.removed) == set(left)
    assert sorted(p.name for p in folder.iterdir()) == ["new.sqlite"]


def test_a_backup_in_progress_is_not_taken_for_a_leftover(admin, tmp_path):
    """Another desk's backup into the same folder holds a lock on its temporary file."""
    folder = tmp_path / "bk"
    other, _journal = _leave_a_killed_backup(folder, "other.sqlite")
    handle = os.open(other, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        maintenance.backup(admin, folder / "mine.sqlite")
        assert other.exists()
    finally:
        os.close(handle)


def test_check_removes_leftovers_from_the_backup_folder_and_says_so(admin, library):
    left = _leave_a_killed_backup(backup_folder(library.path))
    report = maintenance.check(admin)
    assert report.ok
    assert set(report.removed) == {str(p) for p in left}
    assert not any(p.exists() for p in left)


# --- the reader key file and backups --------------------------------------------------------


@pytest.fixture
def keyed(admin, library):
    """The library with its reader key file (``ils init`` makes it)."""
    assert library.setting(KEY_FINGERPRINT) and key_path(library.path).is_file()
    return admin


def test_a_backup_without_the_keys_names_the_key_file_to_keep(keyed, library, tmp_path):
    result = maintenance.backup(keyed, tmp_path / "b.sqlite")
    assert result.sealed_keys is None
    assert result.key_file == key_path(library.path).resolve()


def test_a_backup_with_the_keys_seals_them_and_a_restore_puts_them_back(keyed, library, tmp_path):
    result = maintenance.backup(keyed, tmp_path / "b.sqlite", passphrase=PASSPHRASE)
    assert result.sealed_keys == sealed_path(result.path) and result.key_file is None
    assert oct(result.sealed_keys.stat().st_mode & 0o777) == "0o600"
    original = key_path(library.path).read_bytes()
    assert original not in result.sealed_keys.read_bytes()
    elsewhere = tmp_path / "other-machine" / "lib.sqlite"
    elsewhere.parent.mkdir()
    restored = maintenance.restore(elsewhere, result.path, None, keys=result.sealed_keys, passphrase=PASSPHRASE)
    assert restored.keys_restored == key_path(elsewhere) and restored.key_file_missing is None
    assert key_path(elsewhere).read_bytes() == original
    assert oct(key_path(elsewhere).stat().st_mode & 0o777) == "0o600"


def test_a_wrong_passphrase_restores_nothing(keyed, library, tmp_path):
    result = maintenance.backup(keyed, tmp_path / "b.sqlite", passphrase=PASSPHRASE)
    target = tmp_path / "other" / "lib.sqlite"
    target.parent.mkdir()
    with pytest.raises(Invalid) as refused:
        maintenance.restore(target, result.path, None, keys=result.sealed_keys, passphrase="not the passphrase")
    assert refused.value.code == "backup.wrong_passphrase"
    assert not target.exists() and not key_path(target).exists()


def test_a_sealed_key_file_of_another_library_is_refused(keyed, library, tmp_path, clock):
    from ils.initialise import initialise

    mine = maintenance.backup(keyed, tmp_path / "mine.sqlite", passphrase=PASSPHRASE)
    other_library = initialise(
        tmp_path / "o" / "other.sqlite", admin_username="admin", admin_password=ADMIN_PASSWORD, clock=clock
    )
    other_admin = log_in(other_library, "admin", ADMIN_PASSWORD)
    other = maintenance.backup(other_admin, tmp_path / "o" / "b.sqlite", passphrase=PASSPHRASE)
    other_library.close()
    with pytest.raises(Invalid) as refused:
        maintenance.restore(tmp_path / "t.sqlite", mine.path, None, keys=other.sealed_keys, passphrase=PASSPHRASE)
    assert refused.value.code == "backup.sealed_keys_other_backup"


def test_a_short_passphrase_is_refused_before_anything_is_written(keyed, tmp_path):
    with pytest.raises(Invalid) as refused:
        maintenance.backup(keyed, tmp_path / "b.sqlite", passphrase="short")
    assert refused.value.code == "backup.passphrase_too_short"
    assert not (tmp_path / "b.sqlite").exists()


def test_a_restore_without_the_key_file_says_it_is_missing(keyed, library, tmp_path):
    result = maintenance.backup(keyed, tmp_path / "b.sqlite")
    target = tmp_path / "new" / "lib.sqlite"
    target.parent.mkdir()
    restored = maintenance.restore(target, result.path, None)
    assert restored.key_file_missing == key_path(target)


# --- checking a file read-only --------------------------------------------------------------


def _folder_state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_checking_a_backup_file_changes_nothing_in_it_or_beside_it(admin, tmp_path, journal_mode):
    folder = tmp_path / "bk"
    path = maintenance.backup(admin, folder / "b.sqlite").path
    if journal_mode == "wal":  # a copy of a live database, not a backup: WAL mode, no -wal beside it
        raw = sqlite3.connect(path)
        raw.execute("PRAGMA journal_mode = wal")
        raw.close()
    before = _folder_state(folder)
    stamp = path.stat().st_mtime_ns
    report = maintenance.check_file(path)
    assert report.ok and report.counts["journal"] > 0
    assert _folder_state(folder) == before  # no -wal, -shm or journal left, not a byte changed
    assert path.stat().st_mtime_ns == stamp


def test_checking_a_damaged_backup_file_reports_it(admin, tmp_path):
    path = maintenance.backup(admin, tmp_path / "b.sqlite").path
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO branch (id, code, name, kind, created_at) VALUES ('x', 'ROGUE', '野分馆', 'branch', 'now')"
    )
    raw.commit()
    raw.close()
    report = maintenance.check_file(path)
    assert not report.ok and any("branch" in line for line in report.journal)


# --- a library opened read-only -------------------------------------------------------------


def test_a_read_only_library_logs_in_without_a_journal_row_and_refuses_writes(admin, library, tmp_path):
    copy = maintenance.backup(admin, tmp_path / "archive.sqlite").path
    before = _folder_state(tmp_path)
    archive = open_library(copy, read_only=True)
    try:
        session = log_in(archive, "admin", ADMIN_PASSWORD)
        assert [b.code for b in branches.list_branches(session)]
        with pytest.raises(DatabaseProblem) as refused:
            branches.add_branch(session, code="RO", name="只读分馆")
        assert refused.value.code == "storage.read_only"
        with pytest.raises(LoginFailed):
            log_in(archive, "admin", "wrong password")
    finally:
        archive.close()
    assert _folder_state(tmp_path) == before


def test_a_file_nobody_may_write_opens_read_only_by_itself(admin, tmp_path):
    copy = maintenance.backup(admin, tmp_path / "archive.sqlite").path
    copy.chmod(0o444)
    archive = open_library(copy)
    try:
        assert archive.read_only
    finally:
        archive.close()


def test_an_older_schema_is_refused_read_only_with_what_to_do(admin, tmp_path):
    copy = maintenance.backup(admin, tmp_path / "old.sqlite").path
    raw = sqlite3.connect(copy)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION - 1}")
    raw.commit()
    raw.close()
    with pytest.raises(DatabaseProblem) as refused:
        open_library(copy, read_only=True)
    assert refused.value.code == "storage.too_old"
    assert maintenance.check_file(copy).notes  # still checked, for integrity
