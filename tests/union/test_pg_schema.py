"""The PostgreSQL schema of the union is the SQLite schema: the same tables and columns, its capture
triggers made from the same spec. A SQLite migration that changes tables makes this fail until a
PostgreSQL sibling exists (``tools/pg_schema.py``)."""

from __future__ import annotations

from db import postgres
from db.connection import connect
from db.migrations import LATEST_VERSION, migrate
from db.pg_migrations import LATEST_VERSION as PG_VERSION
from db.pg_migrations import MIGRATIONS
from db.sync_spec import TABLES
from tests.sync import backends

# Only on the server: the rows of the full-text index kept as a table, the schema version, the
# number a held-apart row takes (SQLite's rowid).
SERVER_ONLY = {"ils_schema": {"version"}, "bib_search": {"rowid", "title", "author", "publisher", "subjects", "pinyin"}}


def _sqlite_columns(tmp_path) -> dict[str, set[str]]:
    path = tmp_path / "schema.sqlite"
    database = connect(path)
    migrate(database, path)
    names = [
        n
        for (n,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'bib_search%'"
        )
    ]
    found = {n: {r[1] for r in database.execute_sql(f"PRAGMA table_info({n})")} for n in names}
    database.close()
    return found


def test_the_postgresql_schema_is_the_sqlite_schema(tmp_path, pg):
    assert PG_VERSION == LATEST_VERSION
    locator = backends.empty_union(tmp_path)
    database = postgres.connect(postgres.read_locator(locator))
    try:
        postgres.migrate(database)
        server: dict[str, set[str]] = {}
        for table, column in database.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ):
            server.setdefault(table, set()).add(column)
    finally:
        database.close()
        backends.drop(locator)
    expected = _sqlite_columns(tmp_path)
    for columns in expected.values():
        if "sync_apart" in columns:
            columns.add("rowid")
    assert server == expected | SERVER_ONLY


def test_the_frozen_capture_spec_is_the_live_spec():
    captured = {}
    for script in MIGRATIONS:
        captured.update(script.CAPTURED)
    assert captured == {
        t.name: {"pk": list(t.pk), "groups": [[g.name, list(g.columns)] for g in t.groups], "derived": list(t.derived)}
        for t in TABLES
    }
