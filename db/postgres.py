"""Opening a union catalogue kept on PostgreSQL: connect, bring the schema forward, and the
locator file that stands for it on the union's computer.

The rest of ils opens a library by a file path; a PostgreSQL union is opened through a small
*locator* file (``<name>.pg``, mode 0600) holding the server's URL. Beside it live the files a
union keeps outside its database, as a SQLite union keeps them beside its file: the signing
key (``<name>.node-key``), the reader key file and the identity marker (``<name>.node``).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from db.migrations import MigrationResult
from db.models import database_proxy

SUFFIX = ".pg"
SCHEMES = ("postgresql://", "postgres://")


def is_url(text: str | os.PathLike[str]) -> bool:
    return str(text).startswith(SCHEMES)


def shown(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def is_locator(path: Path) -> bool:
    return Path(path).suffix == SUFFIX


def read_locator(path: Path) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text if is_url(text) else None


def write_locator(path: Path, url: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    temporary.unlink(missing_ok=True)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(url + "\n")
    os.replace(temporary, path)


def locator_name(url: str) -> str:
    """``union-HOST-PORT-DBNAME.pg``: one locator per server database."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    raw = f"union-{parts.hostname or 'local'}-{parts.port or 5432}-{name}"
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in raw) + SUFFIX


def connect(url: str):  # -> dialect_postgres.UnionDatabase (its driver is an optional extra)
    """Connect to the server and bind the models to it."""
    from db.dialect_postgres import UnionDatabase

    database = UnionDatabase(url)
    database.connect()
    database_proxy.initialize(database)
    return database


def schema_version(database) -> int:
    present = database.execute_sql("SELECT to_regclass('ils_schema') IS NOT NULL").fetchone()[0]
    if not present:
        return 0
    row = database.execute_sql("SELECT version FROM ils_schema").fetchone()
    return int(row[0]) if row else 0


def migrate(database) -> MigrationResult:
    """Bring the union's schema to the latest PostgreSQL script; refuse one made by a newer ils.

    Each script runs in one transaction; another process migrating at the same moment waits on
    the advisory lock and then finds the work done.
    """
    from db.pg_migrations import LATEST_VERSION, MIGRATIONS

    with database.atomic():
        database.execute_sql("SELECT pg_advisory_xact_lock(?)", (0x1D5_0000,))
        current = schema_version(database)
        if current > LATEST_VERSION:
            raise RuntimeError(f"schema {current} is newer than this ils ({LATEST_VERSION})")
        if current == 0:
            database.execute_sql("CREATE TABLE IF NOT EXISTS ils_schema (version BIGINT NOT NULL)")
            database.execute_sql("INSERT INTO ils_schema (version) VALUES (0)")
        for script in MIGRATIONS:
            if script.VERSION > current:
                script.apply(database.execute_sql)
        database.execute_sql("UPDATE ils_schema SET version = ?", (LATEST_VERSION,))
    return MigrationResult(current, LATEST_VERSION, None)


def is_initialised(url: str) -> bool:
    """Whether the server holds an initialised union (schema and node id)."""
    database = connect(url)
    try:
        if schema_version(database) == 0:
            return False
        return database.execute_sql("SELECT 1 FROM setting WHERE key = 'node.id'").fetchone() is not None
    finally:
        database.close()


def tables_in_order(database) -> list[str]:
    """The union's tables, each after the tables it refers to (the order the schema creates them)."""
    from db.pg_migrations import MIGRATIONS

    names = [s.split()[2].strip('"') for script in MIGRATIONS for s in script.TABLES if s.startswith("CREATE TABLE")]
    return list(dict.fromkeys(names))


def copyable_columns(database, table: str) -> list[str]:
    """A table's columns a copy may write (not those the server numbers itself: ``GENERATED ALWAYS``)."""
    return [
        name
        for name, generated in database.execute_sql(
            "SELECT column_name, is_identity = 'YES' AND identity_generation = 'ALWAYS' FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        if not generated
    ]


def continue_numbering(database, table: str) -> None:
    """After rows were copied in with their numbers, a table's identity columns continue past them
    (a held-apart row's number also stays clear of every ``sync_apart`` copied in)."""
    for (column,) in database.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ? AND is_identity = 'YES'",
        (table,),
    ).fetchall():
        highest = f"SELECT MAX({column}) FROM {table}"
        if column == "rowid" and "sync_apart" in copyable_columns(database, table):
            highest = f"SELECT GREATEST(MAX(rowid), MAX(sync_apart)) FROM {table}"
        top = database.execute_sql(highest).fetchone()[0] or 0
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), ?, true)", (max(int(top), 1),)
        )
