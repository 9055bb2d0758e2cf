"""Templates for sync tests: one desk and one union database, copied for every network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ils import identity
from tests.sync import backends
from tests.sync.network import Network, build, make_template


@pytest.fixture(scope="session", params=backends.BACKENDS)
def union_backend(request) -> str:
    """Every test that builds a network runs with the union on SQLite and on PostgreSQL."""
    backends.require(request.param)
    return request.param


@pytest.fixture(scope="session")
def templates(tmp_path_factory, union_backend) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp(f"sync-templates-{union_backend}")
    made = {identity.DESK: make_template(folder / "desk", identity.DESK)}
    made[identity.UNION] = make_template(folder / "union", identity.UNION, union_backend)
    yield made
    if union_backend == backends.POSTGRESQL:
        backends.drop(made[identity.UNION])


@pytest.fixture
def network(tmp_path, templates) -> Iterator[Network]:
    net = build(tmp_path, templates, {"a": "ZG", "b": "YS"})
    yield net
    net.close()


# Property tests: a modest number of examples for CI; ILS_HYPOTHESIS_PROFILE=thorough runs the long version
# (50 delivery orders per workload in the convergence test).
import os  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "default",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("ILS_HYPOTHESIS_PROFILE", "default"))
