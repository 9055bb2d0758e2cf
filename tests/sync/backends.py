"""The union's two storage engines for tests: a SQLite file, or a database on the PostgreSQL
server whose URL ``tools/test.sh`` exports as ``ILS_TEST_PG_URL`` (a throwaway server it starts).

Every union test runs on both. Without a server the PostgreSQL runs are skipped with the reason
shown, except under ``CI=true``, where a missing server is a failure: the CI must test both.
A union on PostgreSQL is copied as a SQLite file is: ``CREATE DATABASE … TEMPLATE`` of a union
made once per session, with its locator file and key files beside the copy's.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from db import postgres
from ils.readers.keys import key_path

SQLITE, POSTGRESQL = "sqlite", "postgresql"
BACKENDS = (SQLITE, POSTGRESQL)
PG_URL = os.environ.get("ILS_TEST_PG_URL", "")


def require(backend: str) -> None:
    if backend != POSTGRESQL or PG_URL:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(
            "CI=true but ILS_TEST_PG_URL is not set: run the tests through tools/test.sh, which starts PostgreSQL"
        )
    pytest.skip("no PostgreSQL server for the union tests: set ILS_TEST_PG_URL (bash tools/test.sh starts one)")


def url_of(name: str) -> str:
    return urlunsplit(urlsplit(PG_URL)._replace(path=f"/{name}"))


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(statement)


def new_database(template: str | None = None) -> str:
    name = f"ils_{uuid.uuid4().hex[:16]}"
    _admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return name


def drop(path: Path) -> None:
    """Drop the server database a locator names (a test's union, once closed)."""
    url = postgres.read_locator(path) if postgres.is_locator(path) else None
    if url:
        _admin(f"DROP DATABASE IF EXISTS {urlsplit(url).path.lstrip('/')} WITH (FORCE)")


def database_name(path: Path) -> str:
    url = postgres.read_locator(path)
    assert url, path
    return urlsplit(url).path.lstrip("/")


def empty_union(folder: Path) -> Path:
    """A locator for a new, empty database, ready for ``ils union init``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "union.pg"
    postgres.write_locator(path, url_of(new_database()))
    return path


def copy_union(template: Path, target: Path) -> Path:
    """A copy of the union at ``template`` (a SQLite file or a locator) at ``target``; returns the path to open."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if postgres.is_locator(template):
        target = target.with_suffix(postgres.SUFFIX)
        postgres.write_locator(target, url_of(new_database(database_name(template))))
    else:
        shutil.copy(template, target)
    shutil.copy(key_path(template), key_path(target))
    return target


def sqlite_union_only(path: Path, why: str) -> None:
    """Skip, saying why, a step a PostgreSQL union does with the server's own tools (pg_dump, amcheck)."""
    if postgres.is_locator(path):
        pytest.skip(f"SQLite union only: {why}")


BACKUP = "a PostgreSQL union is backed up and restored with pg_dump / pg_restore (docs/user-guide/union.md)"


def snapshot(library, target: Path) -> Path:
    """A copy of the open union as it is now (a SQLite backup, or a server database made from it)."""
    if not postgres.is_locator(library.path):
        from db.models import database_proxy
        from ils import maintenance
        from ils.session import Session
        from ils.staff import log_in

        database_proxy.initialize(library.database)  # the models speak to this library, not the last one used
        session: Session = log_in(library, "admin", "admin-pass-1")
        maintenance.backup(session, target)
        shutil.copy(key_path(library.path), key_path(target))
        return target
    library.database.close()  # a template database must have no one connected
    return copy_union(library.path, target)


def restore(snapshot_path: Path, library) -> None:
    """Put the union at ``library.path`` back to ``snapshot_path`` (the library is closed first)."""
    library.close()
    if not postgres.is_locator(library.path):
        from ils import maintenance

        maintenance.restore(library.path, snapshot_path, None)
        return
    name = database_name(library.path)
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name} TEMPLATE {database_name(snapshot_path)}")
