"""Desks and the union exchange bundles: state converges, conflicts are kept, gaps and replays are seen."""

from __future__ import annotations

import pytest

from db import postgres
from ils.catalogue.items import add_item
from ils.circulation.loans import LoanRefused, checkout, renew, return_item
from ils.circulation.losses import mark_lost
from ils.errors import Conflict
from ils.readers.lifecycle import suspend
from ils.sync import conflicts
from tests.services.reader_samples import citizen
from tests.sync import backends
from tests.sync.network import Network, catalogue, reader


def _same_everywhere(network: Network) -> None:
    hashes = [node.hashes() for node in (network.union, *network.desks.values())]
    assert all(h == hashes[0] for h in hashes), [{t for t in h if h[t] != hashes[0][t]} for h in hashes]


def _open_conflicts(node, kind: str) -> list[conflicts.ConflictInfo]:
    node.bind()
    return [c for c in conflicts.list_conflicts(node.database) if c.kind == kind]


def test_a_loan_at_one_desk_blocks_the_copy_at_another_after_a_round(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    catalogue(network.union, "三体", ("T0001", "ZG"))
    network.round()
    card_a = reader(a, "王芳", citizen("19850312"))
    card_b = reader(b, "张伟", citizen("19900101", order="222"))
    checkout(a.session(), card_a, "T0001")
    network.round(["a"])
    network.round(["b"])
    with pytest.raises(LoanRefused) as refused:
        checkout(b.session(), card_b, "T0001")
    assert not refused.value.overridable
    network.round()
    _same_everywhere(network)


def test_the_same_copy_lent_offline_at_two_desks_is_one_conflict_with_both_loans_kept(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    catalogue(network.union, "三体", ("T0001", "ZG"))
    network.round()
    card_a = reader(a, "王芳", citizen("19850312"))
    card_b = reader(b, "张伟", citizen("19900101", order="222"))
    loan_a = checkout(a.session(), card_a, "T0001").loan.id
    loan_b = checkout(b.session(), card_b, "T0001").loan.id
    network.round()
    network.round()
    (found,) = _open_conflicts(network.union, "copy_lent_twice")
    assert set(found.facts) == {loan_a, loan_b} and all(loan["ended_at"] is None for loan in found.loans)
    for desk in (a, b):
        assert [c.id for c in _open_conflicts(desk, "copy_lent_twice")] == [found.id]
    _same_everywhere(network)
    conflicts.resolve(network.union.session(), found.id, keep=loan_a)
    network.round()
    for node in (network.union, a, b):
        node.bind()
        assert conflicts.get_conflict(node.database, found.id).state == "resolved"
        assert (
            node.database.execute_sql("SELECT ended_as FROM loan WHERE id = ?", (loan_b,)).fetchone()[0] == "resolved"
        )
        assert node.database.execute_sql("SELECT status FROM item WHERE barcode = 'T0001'").fetchone()[0] == "on_loan"
    return_item(b.session(), "T0001")  # the copy comes back at B: the kept loan ends, the copy is free again
    network.round()
    _same_everywhere(network)


def test_a_return_at_one_desk_and_a_lost_report_at_another_are_a_conflict(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    catalogue(network.union, "三体", ("T0001", "ZG"))
    network.round()
    card = reader(a, "王芳", citizen("19850312"))
    checkout(a.session(), card, "T0001")
    network.round()
    return_item(a.session(), "T0001")
    mark_lost(b.session(), "T0001")
    network.round()
    network.round()
    assert len(_open_conflicts(network.union, "loan_ended_twice")) == 1
    _same_everywhere(network)


def test_a_renewal_after_a_return_elsewhere_is_a_conflict(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    catalogue(network.union, "三体", ("T0001", "ZG"))
    network.round()
    card = reader(a, "王芳", citizen("19850312"))
    checkout(a.session(), card, "T0001")
    network.round()
    network.advance(hours=1)
    return_item(a.session(), "T0001")
    network.advance(hours=1)
    renew(b.session(), "T0001")
    network.round()
    network.round()
    assert len(_open_conflicts(network.union, "acted_on_ended_loan")) == 1
    _same_everywhere(network)


def test_a_checkout_of_a_reader_blocked_elsewhere_is_a_conflict(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    catalogue(network.union, "三体", ("T0001", "YS"))
    network.round()
    card = reader(a, "王芳", citizen("19850312"))
    network.round()
    network.advance(minutes=5)
    suspend(a.session(), card, "lost a book and did not pay")
    network.advance(minutes=5)
    checkout(b.session(), card, "T0001")
    network.round()
    network.round()
    assert len(_open_conflicts(network.union, "blocked_reader_checkout")) == 1
    _same_everywhere(network)


def test_one_barcode_on_two_copies_keeps_both_and_is_a_conflict(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    catalogue(a, "三体", ("T0009", "ZG"))
    catalogue(b, "呐喊", ("T0009", "YS"))
    network.round()
    network.round()
    for node in (network.union, a, b):
        node.bind()
        assert node.database.execute_sql("SELECT COUNT(*) FROM item WHERE barcode = 'T0009'").fetchone()[0] == 2
    assert len(_open_conflicts(network.union, "duplicate_barcode")) == 1
    _same_everywhere(network)


def test_bundles_in_any_order_with_gaps_reported_then_filled_and_replays_changing_nothing(network: Network, tmp_path):
    from ils import maintenance
    from ils.library import open_library

    backends.sqlite_union_only(network.union.library.path, backends.BACKUP)
    a = network.desks["a"]
    catalogue(network.union, "三体", ("T0001", "ZG"))
    network.round()
    saved = tmp_path / "union-backup.sqlite"
    maintenance.backup(network.union.session(), saved)
    bib = catalogue(a, "呐喊", ("T0002", "ZG"))
    second = network.export("a")
    network.deliver(network.union, second)
    network.deliver(a, network.union_export("a"))  # the union acknowledges the second bundle
    add_item(a.session(), bib, "T0003", branch="YS")  # a copy of the second bundle's record
    third = network.export("a")
    # The union's disk fails; it is restored from the backup taken before the second bundle.
    network.union.close()
    maintenance.restore(network.union.library.path, saved, None)
    network.union.library = open_library(network.union.library.path, network.union.clock)
    network.union._session = None
    report = network.deliver(network.union, third)
    assert report.gaps and report.pending  # the third follows the second: its copies wait, the hole is named
    assert network.deliver(network.union, third).state == "replayed"
    report = network.deliver(network.union, second)
    assert not report.gaps and report.pending == 0
    network.round()
    network.round()
    _same_everywhere(network)


def test_the_same_range_with_different_content_is_refused_as_tampering(network: Network, tmp_path):
    from ils.sync import archive
    from ils.sync.keys import signing_key

    a = network.desks["a"]
    catalogue(a, "三体", ("T0001", "ZG"))
    bundle = network.export("a")
    network.deliver(network.union, bundle)
    # The desk's own key signs other rows under the same range: a desk gone wrong, or its key stolen.
    contents = archive.read_members(archive.open_envelope(bundle.read_bytes()))
    members = dict(contents.members)
    members["rows/item.json"] = members["rows/item.json"].replace(b"T0001", b"T0666")
    manifest = {k: v for k, v in contents.manifest.items() if k != "members"}
    forged = tmp_path / "forged.ilsync"
    forged.write_bytes(archive.write(manifest, members, signing_key(a.library)))
    network.union.bind()
    before = network.union.hashes()
    with pytest.raises(Conflict) as refused:
        network.deliver(network.union, forged)
    assert refused.value.code == "sync.tampered"
    assert network.union.hashes() == before
    database = network.union.database
    assert database.execute_sql("SELECT COUNT(*) FROM sync_bundle WHERE state = 'tampered'").fetchone()[0] == 1
    assert database.execute_sql("SELECT COUNT(*) FROM item WHERE barcode = 'T0666'").fetchone()[0] == 0


def test_the_check_finds_nothing_wrong_after_rows_arrived_from_other_desks(network: Network):
    from ils import maintenance

    a = network.desks["a"]
    catalogue(network.union, "三体", ("T0001", "ZG"))
    network.round()
    card = reader(a, "王芳", citizen("19850312"))
    checkout(a.session(), card, "T0001")
    network.round()
    network.round()
    for node in (network.union, *network.desks.values()):
        if postgres.is_locator(node.library.path):
            continue  # ``ils check`` reads SQLite's own integrity checks; a server keeps its data with its own
        report = maintenance.check(node.session())
        assert report.ok, (node.name, report.lines())
