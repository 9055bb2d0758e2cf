"""Identity: the same reference ids everywhere, epochs after a restore, a new node for a copy."""

from __future__ import annotations

import shutil

from db.connection import connect
from db.ids import reference_id
from db.migrations import MIGRATIONS, _apply, migrate, schema_version
from db.models import database_proxy
from ils import identity, maintenance
from ils.branches import add_branch
from ils.clock import FixedClock
from ils.initialise import initialise
from ils.library import open_library
from ils.readers.keys import key_path
from ils.sync import archive
from ils.sync.keys import key_file
from tests.sync.network import PASSWORD, Network, catalogue


def _ids(database, table: str) -> dict[str, str]:
    return dict(database.execute_sql(f"SELECT code, id FROM {table}").fetchall())


def test_two_desks_initialised_separately_agree_on_reference_ids(tmp_path):
    from ils.staff import log_in

    first = initialise(tmp_path / "a.sqlite", admin_username="admin", admin_password=PASSWORD)
    second = initialise(tmp_path / "b.sqlite", admin_username="admin", admin_password=PASSWORD, branch_code="YS")
    for library in (first, second):
        database_proxy.initialize(library.database)  # one process, two libraries: say which one
        add_branch(log_in(library, "admin", PASSWORD), code="FL", name="枫林镇分馆")
    for table in ("branch", "service_point", "location"):
        assert _ids(first.database, table) == _ids(second.database, table)
    assert _ids(first.database, "branch")["FL"] == reference_id("branch", "FL")
    first.close()
    second.close()


def _bundle_range(path) -> tuple[int, int, int]:
    manifest = archive.read_members(archive.open_envelope(path.read_bytes())).manifest
    return manifest["epoch"], manifest["first"], manifest["last"]


def test_a_restored_desk_never_reuses_a_change_name_it_has_sent(network: Network, tmp_path):
    a = network.desks["a"]
    saved = tmp_path / "a-backup.sqlite"
    maintenance.backup(a.session(), saved)
    catalogue(a, "三体", ("T0001", "ZG"))
    sent = network.export("a")
    network.deliver(network.union, sent)
    epoch, _first, last = _bundle_range(sent)
    a.close()
    maintenance.restore(a.library.path, saved, None)  # the desk's disk died after the export
    a.library = open_library(a.library.path, a.clock)
    a._session = None
    assert identity.identity(a.library).epoch == epoch + 1
    catalogue(a, "呐喊", ("T0002", "ZG"))
    again = network.export("a")
    new_epoch, first, _last = _bundle_range(again)
    assert new_epoch == epoch + 1  # the numbers after the backup are named in a new epoch
    network.deliver(network.union, again)  # no tampering: a new name for every change
    network.round()
    network.union.bind()
    assert (
        network.union.database.execute_sql("SELECT COUNT(*) FROM item WHERE barcode IN ('T0001', 'T0002')").fetchone()[
            0
        ]
        == 2
    )
    assert first <= last


def test_a_database_file_put_back_by_hand_starts_a_new_epoch(network: Network, tmp_path):
    a = network.desks["a"]
    path = a.library.path
    saved = tmp_path / "copy.sqlite"
    a.bind()
    maintenance.backup(a.session(), saved)
    catalogue(a, "三体", ("T0001", "ZG"))
    network.export("a")
    a.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.copy(saved, path)  # no `ils restore`: the marker beside the file tells
    a.library = open_library(path, a.clock)
    a._session = None
    assert a.library.identity_change is not None and a.library.identity_change.kind == "new_epoch"
    assert identity.identity(a.library).epoch == 2


def test_a_copy_on_another_path_becomes_a_new_node_until_adopted(network: Network, tmp_path):
    a = network.desks["a"]
    old_id = a.library.node_id
    a.close()
    copy = tmp_path / "laptop" / "desk.sqlite"
    copy.parent.mkdir()
    shutil.copy(a.library.path, copy)
    shutil.copy(key_path(a.library.path), key_path(copy))
    shutil.copy(key_file(a.library.path), key_file(copy))
    copied = open_library(copy, FixedClock(a.clock.now()))
    try:
        assert copied.identity_change.kind == "new_node" and copied.node_id != old_id
        assert identity.identity(copied).copied_from == old_id
        adopted = identity.adopt(copied, None)
        assert adopted.node_id == old_id and adopted.epoch == 2 and adopted.copied_from is None
    finally:
        copied.close()
    a.library = open_library(a.library.path, a.clock)


def test_an_existing_database_gets_reference_ids_and_keeps_every_reference(tmp_path):
    path = tmp_path / "old.sqlite"
    database = connect(path)
    for script in MIGRATIONS:
        if script.VERSION <= 6:
            _apply(database, script)
    assert schema_version(database) == 6
    execute = database.execute_sql
    execute("INSERT INTO branch (id, code, name, kind, created_at) VALUES ('b-1', 'ZG', '总馆', 'central', 't')")
    execute(
        "INSERT INTO service_point (id, branch_id, code, name, created_at) VALUES ('p-1', 'b-1', 'ZG-WJ', '外借', 't')"
    )
    execute("INSERT INTO location (id, branch_id, code, name, created_at) VALUES ('l-1', 'b-1', 'ZG-WJ', '外借', 't')")
    execute("INSERT INTO setting (key, value) VALUES ('node.branch_id', 'b-1'), ('node.id', 'n-1')")
    execute(
        "INSERT INTO bib_record (id, doc, format, marc, title, title_sort, created_at, updated_at)"
        " VALUES ('r-1', 1, 'cnmarc', '{}', '三体', 'santi', 't', 't')"
    )
    execute(
        "INSERT INTO item (id, bib_id, barcode, branch_id, location_id, created_at, updated_at)"
        " VALUES ('i-1', 'r-1', 'T0001', 'b-1', 'l-1', 't', 't')"
    )
    execute(
        "INSERT INTO calendar_day (id, branch_id, day, open, kind, name, created_at)"
        " VALUES ('c-1', 'b-1', '2026-10-01', 0, 'holiday', '国庆节', 't')"
    )
    migrate(database, path)
    branch = reference_id("branch", "ZG")
    assert execute("SELECT branch_id, location_id FROM item").fetchone() == (branch, reference_id("location", "ZG-WJ"))
    assert execute("SELECT branch_id FROM service_point").fetchone()[0] == branch
    assert execute("SELECT value FROM setting WHERE key = 'node.branch_id'").fetchone()[0] == branch
    assert execute("SELECT id FROM calendar_day").fetchone()[0] == reference_id("calendar_day", "ZG:2026-10-01")
    assert execute("PRAGMA foreign_key_check").fetchall() == []
    assert execute("SELECT COUNT(*) FROM sync_row WHERE tbl = 'item' AND node = 'n-1'").fetchone()[0] == 1
    database.close()
