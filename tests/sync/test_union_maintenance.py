"""``ils check`` and ``ils backup`` at the union, on both engines: the check runs the invariants that
apply to a union (journal, circulation) and says what the server keeps itself; a backup of a union
on PostgreSQL is refused with the pg_dump recipe instead of a traceback."""

from __future__ import annotations

import pytest

from db import postgres
from ils import maintenance
from ils.circulation.loans import checkout
from ils.errors import Invalid
from tests.services.reader_samples import citizen
from tests.sync.network import catalogue, reader


def test_the_union_checks_its_database_on_either_engine(network):
    a = network.desks["a"]
    catalogue(network.union, "三体", ("T0001", "ZG"), ("T0002", "YS"))
    network.round()
    checkout(a.session(), reader(a, "王芳", citizen("19850312")), "T0001")
    network.round()
    session = network.union.session()
    report = maintenance.check(session)
    assert report.ok, report.lines()
    assert report.counts["loan"] == 1
    on_server = postgres.is_locator(network.union.library.path)
    assert any("PostgreSQL" in note for note in report.notes) == on_server


def test_a_union_on_postgresql_says_how_to_back_it_up(network, tmp_path):
    session = network.union.session()
    if not postgres.is_locator(network.union.library.path):
        assert maintenance.backup(session, tmp_path / "union.sqlite").size_bytes > 0
        return
    with pytest.raises(Invalid) as refused:
        maintenance.backup(session, tmp_path / "union.sqlite")
    assert refused.value.code == "maintenance.backup_postgresql" and "pg_dump" in str(refused.value)
    with pytest.raises(Invalid) as wrong_file:
        maintenance.check_file(network.union.library.path)
    assert wrong_file.value.code == "maintenance.check_postgresql_file"
