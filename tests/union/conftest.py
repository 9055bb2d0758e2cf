"""The union tests: desks on SQLite files, the union on SQLite and on the PostgreSQL server of
``ILS_TEST_PG_URL`` (see ``tests/sync/backends.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ils import identity
from tests.sync import backends
from tests.sync.network import make_template


@pytest.fixture(scope="session")
def pg() -> str:
    backends.require(backends.POSTGRESQL)
    return backends.PG_URL


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("union-templates")
    return {role: make_template(folder / role, role) for role in (identity.DESK, identity.UNION)}


@pytest.fixture(scope="session")
def pg_templates(tmp_path_factory, pg) -> Iterator[dict[str, Path]]:
    """Desks on SQLite, the union on the PostgreSQL server."""
    folder = tmp_path_factory.mktemp("union-pg-templates")
    made = {
        identity.DESK: make_template(folder / "desk", identity.DESK),
        identity.UNION: make_template(folder / "union", identity.UNION, backends.POSTGRESQL),
    }
    yield made
    backends.drop(made[identity.UNION])
