"""A desk's database from before the blind room is brought forward: its tables, triggers and rule arrive,
and the rule carries the genesis version, so two desks upgraded apart agree on it."""

from __future__ import annotations

from peewee import SqliteDatabase

from db import migrations
from db.migrations import m0020_blind_room


def test_an_older_desk_gets_the_blind_room(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    database = SqliteDatabase(str(path))
    with monkeypatch.context() as patched:
        before = tuple(m for m in migrations.MIGRATIONS if m.VERSION < m0020_blind_room.VERSION)
        patched.setattr(migrations, "MIGRATIONS", before)
        patched.setattr(migrations, "LATEST_VERSION", before[-1].VERSION)
        migrations.migrate(database, path)
    assert database.execute_sql("SELECT COUNT(*) FROM sqlite_master WHERE name = 'blind_device'").fetchone() == (0,)
    # A desk that has worked: its own node and clock, which a capture would stamp changes with.
    database.execute_sql("UPDATE sync_clock SET node = 'desk-a', stamp = 123456789, last = 123456789")
    result = migrations.migrate(database, path)
    assert result.to_version == migrations.LATEST_VERSION and result.backup is not None
    assert database.execute_sql(
        "SELECT loan_limit, loan_days, fine_fen_per_day FROM loan_rule WHERE id = 'blind/*/*'"
    ).fetchone() == (5, 30, 0)
    assert database.execute_sql(
        "SELECT hlc, node, colvers FROM sync_row WHERE tbl = 'loan_rule' AND pk = 'blind/*/*'"
    ).fetchone() == (0, "", None)
    assert database.execute_sql(
        "SELECT COUNT(*) FROM pragma_table_info('staff') WHERE name = 'high_contrast'"
    ).fetchone() == (1,)
    triggers = {
        name
        for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_capture_blind_%'"
        )
    }
    assert {f"sync_capture_{t}_insert" for t in m0020_blind_room.CAPTURED} <= triggers
    assert "sync_capture_blind_profile_insert" not in triggers  # desk-local: never captured
    database.close()
