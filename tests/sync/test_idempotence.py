"""One bundle imported a hundred times applies once; an import killed half way leaves nothing, and
running it again gives the same state as an import never interrupted."""

from __future__ import annotations

import pytest

from ils.circulation.loans import checkout
from ils.sync import exchange, rows
from tests.services.reader_samples import citizen
from tests.sync import backends
from tests.sync.network import Network, catalogue, reader


def _busy_bundle(network: Network):
    a = network.desks["a"]
    catalogue(network.union, "三体", ("T0001", "ZG"), ("T0002", "ZG"), ("T0003", "YS"))
    network.round()
    card = reader(a, "王芳", citizen("19850312"))
    for barcode in ("T0001", "T0002"):
        checkout(a.session(), card, barcode)
    catalogue(a, "呐喊", ("T0010", "ZG"), ("T0011", "ZG"))
    return network.export("a")


def test_one_bundle_imported_a_hundred_times_applies_once(network: Network):
    bundle = _busy_bundle(network)
    first = network.deliver(network.union, bundle)
    assert first.state == "applied" and first.counts
    after_once = network.union.hashes()
    for _ in range(99):
        assert network.deliver(network.union, bundle).state == "replayed"
    assert network.union.hashes() == after_once
    database = network.union.database
    assert (
        database.execute_sql("SELECT COUNT(*) FROM sync_range WHERE bundle_id = ?", (first.bundle_id,)).fetchone()[0]
        == 1
    )
    assert (
        database.execute_sql(
            "SELECT COUNT(*) FROM journal WHERE action = 'sync.import' AND entity_id = ?", (first.bundle_id,)
        ).fetchone()[0]
        == 1
    )


class Killed(Exception):
    """Stands for the power going off in the middle of an import."""


def _restore(node, saved) -> None:
    from ils.library import open_library

    backends.restore(saved, node.library)
    node.library = open_library(node.library.path, node.clock)
    node._session = None


@pytest.mark.parametrize("share", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_an_import_killed_half_way_then_run_again_gives_the_uninterrupted_state(
    network: Network, tmp_path, share, monkeypatch
):
    bundle = _busy_bundle(network)
    union = network.union
    saved = backends.snapshot(union.library, tmp_path / "before.sqlite")
    before = union.hashes()
    applied = exchange.import_bundle(union.session(), bundle)
    assert applied.state == "applied"
    uninterrupted = union.hashes()
    after = int(share * sum(applied.counts.values()))  # how many rows go in before the power goes off
    _restore(union, saved)  # the same union, back to before the import
    assert union.hashes() == before
    calls = {"n": 0}
    real_store, real_insert = rows.store, rows.insert_new

    def dying(real, count):
        def write(*args):  # called with each batch of rows about to be written
            calls["n"] += count(args)
            if calls["n"] > after:
                raise Killed
            return real(*args)

        return write

    monkeypatch.setattr(rows, "store", dying(real_store, lambda args: len(args[2])))
    monkeypatch.setattr(rows, "insert_new", dying(real_insert, lambda args: len(args[3])))
    with pytest.raises(Killed):
        exchange.import_bundle(union.session(), bundle)
    monkeypatch.setattr(rows, "store", real_store)
    monkeypatch.setattr(rows, "insert_new", real_insert)
    assert union.hashes() == before  # nothing of the killed import stayed
    assert exchange.import_bundle(union.session(), bundle).state == "applied"
    assert union.hashes() == uninterrupted
