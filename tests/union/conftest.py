"""The union tests: desks on SQLite files, the union on SQLite and on the PostgreSQL server of
``ILS_TEST_PG_URL`` (see ``tests/sync/backends.py``)."""

from __future__ import annotations

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
