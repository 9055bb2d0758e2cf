"""The same bundles, delivered in the same seeded orders (with repeats), to a union on SQLite and to
the same union moved to PostgreSQL (``ils union migrate-to``): every table's state hash is equal, and
the conflict queue is the same, seed after seed.

``ILS_UNION_SEEDS`` sets how many seeds (the issue's 1,000 with ``ILS_UNION_SEEDS=1000``; a few for CI).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from ils import identity
from ils.circulation.loans import checkout, return_item
from ils.errors import IlsError
from ils.library import open_library
from ils.sync import exchange
from ils.sync.union import migrate_to
from tests.services.reader_samples import citizen
from tests.sync import backends
from tests.sync.network import Network, Node, build, catalogue, reader

SEEDS = int(os.environ.get("ILS_UNION_SEEDS", "6"))
BARCODES = [f"S{n:04d}" for n in range(12)]


def _offline_days(network: Network, rng: random.Random) -> list[Path]:
    """Desks lend and return the same copies while offline, each exporting a bundle after every few acts."""
    bundles: list[Path] = []
    cards = {
        name: [reader(desk, f"读者{name}{n}", citizen("19850312", order=f"{n + (10 if name == 'b' else 0):03d}"))]
        for n, (name, desk) in enumerate(network.desks.items())
    }
    for _day in range(3):
        for name, desk in network.desks.items():
            for _act in range(4):
                barcode = rng.choice(BARCODES)
                try:
                    if rng.random() < 0.6:
                        checkout(desk.session(), cards[name][0], barcode)
                    else:
                        return_item(desk.session(), barcode)
                except IlsError:
                    pass  # refused at the desk, as it would be there
            bundles.append(network.export(name))
        network.advance(hours=3)
    return bundles


def _reference(snapshot: Path, folder: Path, clock, node_id: str) -> Node:
    path = backends.copy_union(snapshot, folder / "union.sqlite")
    library = open_library(path, clock)  # a copy, until it adopts the union's id
    identity.adopt(library, None)
    assert library.node_id == node_id
    return Node("reference", library, clock)


def _queue(node: Node) -> list[tuple]:
    node.bind()
    return node.database.execute_sql("SELECT id, kind, facts, state FROM sync_conflict ORDER BY id").fetchall()


def test_the_same_seeds_give_the_same_state_hashes_on_sqlite_and_postgresql(tmp_path, sqlite_templates, pg):
    network = build(tmp_path / "net", sqlite_templates, {"a": "ZG", "b": "YS"})
    snapshots: list[Path] = []
    try:
        catalogue(network.union, "三体", *((b, "ZG" if i % 2 else "YS") for i, b in enumerate(BARCODES)))
        network.round()
        bundles = _offline_days(network, random.Random(19))
        union = network.union
        node_id = union.library.node_id
        on_sqlite = backends.snapshot(union.library, tmp_path / "before.sqlite")
        snapshots.append(on_sqlite)
        moving = open_library(on_sqlite, union.clock)
        identity.adopt(moving, None)
        target = backends.empty_union(tmp_path / "pg")
        moved = migrate_to(moving, backends.url_of(backends.database_name(target)))
        moving.close()
        on_postgresql = Path(moved.locator)
        snapshots.append(on_postgresql)
        for seed in range(SEEDS):
            rng = random.Random(seed)
            order = [b for b in bundles for _ in range(rng.randint(1, 3))]
            rng.shuffle(order)
            hashes, queues = [], []
            for engine, snapshot in (("sqlite", on_sqlite), ("postgresql", on_postgresql)):
                node = _reference(snapshot, tmp_path / f"{engine}-{seed}", union.clock, node_id)
                try:
                    for bundle in order:
                        exchange.import_bundle(node.session(), bundle)
                    hashes.append(node.hashes())
                    queues.append(_queue(node))
                finally:
                    node.close()
                    backends.drop(node.library.path)
            assert hashes[0] == hashes[1], (seed, {t for t in hashes[0] if hashes[0][t] != hashes[1][t]})
            assert queues[0] == queues[1], seed
        assert any(kind == "copy_lent_twice" for _id, kind, _facts, _state in queues[0])
    finally:
        network.close()
        for snapshot in snapshots:
            backends.drop(snapshot)
