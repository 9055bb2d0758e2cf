"""Backup, restore and check: what protects the library's data."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from db.migrations import LATEST_VERSION
from ils import branches, maintenance
from ils.errors import DatabaseProblem, PermissionDenied
from ils.library import open_library


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
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)


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
    done = _on_a_full_disk(
        library.path, f"consents.publish_notice(session, {big_notice!r})", wal_size + 4096
    )
    assert done.returncode == 3, done.stderr
    assert "磁盘" in done.stdout
    assert library.database.execute_sql(notices).fetchone()[0] == before
    assert maintenance.check(admin).ok


def test_restore_refuses_a_corrupt_file_and_keeps_the_database(admin, library, tmp_path):
    good = maintenance.backup(admin, tmp_path / "good.sqlite").path
    corrupt = tmp_path / "corrupt.sqlite"
    data = bytearray(good.read_bytes())
    data[4096 * 2: 4096 * 2 + 2000] = b"\xff" * 2000  # smash a page in the middle
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
    safety = maintenance.restore(library.path, saved, admin.staff.id)
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
    raw.execute("INSERT INTO branch (id, code, name, kind, created_at) VALUES ('x', 'ROGUE', '野分馆', 'branch', 'now')")
    raw.commit()
    raw.close()
    report = maintenance.check(admin)
    assert not report.ok
    assert any("branch" in problem for problem in report.journal)
