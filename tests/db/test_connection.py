"""The database file: pragmas, the append-only journal, schema versions, bad files."""

from __future__ import annotations

import sqlite3

import pytest
from peewee import IntegrityError

from db.connection import StorageError, connect
from db.migrations import LATEST_VERSION, migrate, schema_version
from db.models import (
    BibIsbn,
    BibRecord,
    BookNumber,
    Branch,
    Item,
    Journal,
    LabelQueue,
    Location,
    NumberRange,
    PrivacyNotice,
    Reader,
    ReaderBlock,
    ReaderCard,
    ReaderConsent,
    ReaderType,
    ServicePoint,
    Setting,
    Staff,
)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "t.sqlite"
    db = connect(path)
    migrate(db, path)
    yield db
    db.close()


def test_pragmas_protect_committed_work(database):
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL: a committed loan survives a power cut
    assert pragma("busy_timeout") >= 5000


def test_write_transactions_take_the_lock_up_front(database, tmp_path):
    other = sqlite3.connect(tmp_path / "t.sqlite", timeout=0)
    # BEGIN IMMEDIATE holds the write lock before anything is written.
    with database.atomic(), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.rollback()
    other.close()


def test_journal_refuses_update_and_delete(database):
    database.execute_sql(
        "INSERT INTO journal (node_id, seq, hlc, wall_time, action, entity_type, data)"
        " VALUES ('n', 1, 1, 't', 'x', 'y', '{}')"
    )
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql("UPDATE journal SET action = 'forged'")
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql("DELETE FROM journal")
    assert database.execute_sql("SELECT action FROM journal").fetchall() == [("x",)]


def test_models_match_the_migrated_schema(database):
    for model in (
        Setting,
        Branch,
        ServicePoint,
        Staff,
        Journal,
        Location,
        BibRecord,
        BibIsbn,
        Item,
        NumberRange,
        BookNumber,
        LabelQueue,
        ReaderType,
        PrivacyNotice,
        Reader,
        ReaderCard,
        ReaderBlock,
        ReaderConsent,
    ):
        table = model._meta.table_name
        columns = {row[1] for row in database.execute_sql(f"PRAGMA table_info({table})")}
        fields = {field.column_name for field in model._meta.sorted_fields}
        assert columns == fields, table


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    db = connect(path)
    migrate(db, path)
    db.execute_sql(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(StorageError) as refused:
        migrate(db, path)
    assert refused.value.reason == "too_new"
    db.close()


def test_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is a text file, not SQLite " * 200)
    with pytest.raises(StorageError) as refused:
        connect(path)
    assert refused.value.reason == "not_a_database"
    assert path.read_bytes().startswith(b"this is a text file")


def test_other_sqlite_files_are_not_taken_over(tmp_path):
    path = tmp_path / "other.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.commit()
    raw.close()
    db = connect(path)
    with pytest.raises(StorageError) as refused:
        migrate(db, path)
    assert refused.value.reason == "foreign"
    assert schema_version(db) == 0
    db.close()


def test_existing_database_is_backed_up_before_a_migration(tmp_path, monkeypatch):
    import db.migrations as migrations

    path = tmp_path / "lib.sqlite"
    db = connect(path)
    migrate(db, path)
    db.execute_sql("INSERT INTO setting (key, value) VALUES ('library.name', '醴陵市图书馆')")

    class AddColumn:
        VERSION = LATEST_VERSION + 1

        @staticmethod
        def apply(execute):
            execute("ALTER TABLE setting ADD COLUMN note TEXT")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, AddColumn))
    monkeypatch.setattr(migrations, "LATEST_VERSION", AddColumn.VERSION)
    result = migrations.migrate(db, path)
    assert (result.from_version, result.to_version) == (LATEST_VERSION, LATEST_VERSION + 1)
    assert result.backup is not None and result.backup.is_file()
    saved = sqlite3.connect(result.backup)
    assert saved.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert saved.execute("SELECT value FROM setting").fetchone()[0] == "醴陵市图书馆"
    saved.close()
    db.close()


# --- opening a file read-only ---------------------------------------------------------------


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_read_only_connection_makes_no_file_beside_a_wal_database_and_refuses_writes(tmp_path):
    from db.connection import connect_read_only

    path = tmp_path / "t.sqlite"
    db = connect(path)
    migrate(db, path)
    db.close()
    assert _names(tmp_path) == ["t.sqlite"]  # WAL mode, closed cleanly: no -wal beside it
    reader = connect_read_only(path)
    try:
        assert reader.execute_sql("SELECT COUNT(*) FROM branch").fetchone()[0] >= 0
        with pytest.raises(Exception, match="readonly|read-only"):
            reader.execute_sql("INSERT INTO setting (key, value) VALUES ('x', 'y')")
    finally:
        reader.close()
    assert _names(tmp_path) == ["t.sqlite"]


def test_a_read_only_connection_reads_what_is_still_in_the_wal(tmp_path):
    from db.connection import connect_read_only, read_only_uri

    path = tmp_path / "t.sqlite"
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode = wal")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE t (x)")
    writer.execute("INSERT INTO t VALUES (1)")
    writer.commit()  # still only in the -wal file while the writer is open
    try:
        assert "immutable" not in read_only_uri(path)
        reader = connect_read_only(path)
        assert reader.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 1
        reader.close()
    finally:
        writer.close()


def test_a_file_nobody_may_write_is_not_writable_even_for_root(tmp_path):
    from db.connection import is_writable

    path = tmp_path / "t.sqlite"
    path.write_bytes(b"")
    assert is_writable(path)
    path.chmod(0o444)
    assert not is_writable(path)
    assert not is_writable(tmp_path / "missing.sqlite")
