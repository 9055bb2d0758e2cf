"""Templates for sync tests: one desk and one union database, copied for every network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ils.sync import identity
from tests.sync.network import Network, build, make_template


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sync-templates")
    return {role: make_template(folder / role, role) for role in (identity.DESK, identity.UNION)}


@pytest.fixture
def network(tmp_path, templates) -> Iterator[Network]:
    net = build(tmp_path, templates, {"a": "ZG", "b": "YS"})
    yield net
    net.close()
