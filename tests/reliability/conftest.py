"""The reliability suite (``bench/reliability.py``) at CI size: every scenario, small.

The scenarios live in ``bench/`` so that ``bash bench/reliability.sh`` runs them at
full size; here each runs with the ``ci`` sizes on a copy of one demo library,
built once per test session and shared by the xdist workers.
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


@pytest.fixture(scope="session")
def base_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reliability_base import build_base

    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared
    with open(shared / "reliability-base.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return build_base(shared / "reliability-base" / "demo.sqlite")


@pytest.fixture
def size() -> dict[str, int]:
    from reliability import SIZES

    return SIZES["ci"]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The scenario's folder; logs that cannot go beside a database land in it too."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def assert_ok(outcome) -> None:
    failed = [f"{f.name}: {f.value}" for f in outcome.figures if f.failed]
    assert outcome.ok, f"{outcome.scenario}: {failed}; examples: {outcome.examples}"
