"""Bundles carry each table column-wise (format 2). What is read back is exactly what was written,
a desk not yet updated (format 1, a line a row) is still understood, a member of the wrong shape
refuses the whole bundle, and a refused row in the fast pass leaves nothing of that pass behind."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.sync_spec import BY_NAME, Table
from ils.errors import Invalid
from ils.sync import archive, batch, exchange
from ils.sync.apply import encode_state
from ils.sync.keys import signing_key
from ils.sync.merge import RowState
from tests.sync.network import Network, catalogue

_TABLES = [BY_NAME[name] for name in ("item", "loan", "bib_record", "reader_type")]
_VALUES = st.one_of(st.none(), st.integers(-(2**40), 2**40), st.text(max_size=8), st.floats(allow_nan=False))
_NODES = st.sampled_from(["node-a", "node-b", "节点c"])
_VERSIONS = st.tuples(st.integers(0, 2**62), _NODES)


@st.composite
def _states(draw: st.DrawFn, table: Table) -> list[tuple[str, RowState]]:
    keys = draw(st.lists(st.uuids().map(str), max_size=12, unique=True))
    found = []
    for key in keys:
        present = [g for g in table.groups if draw(st.booleans()) or not draw(st.booleans())]
        values = {g.name: tuple(draw(_VALUES) for _c in g.columns) for g in present}
        later = draw(st.dictionaries(st.sampled_from([g.name for g in table.groups]), _VERSIONS, max_size=3))
        found.append((key, RowState(draw(_VERSIONS), draw(st.booleans()), later, values)))
    return found


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_rows_read_back_from_columns_and_from_lines_are_the_rows_written(data):
    table = data.draw(st.sampled_from(_TABLES))
    written = data.draw(_states(table))
    member = json.loads(json.dumps(batch.columns(table, written), ensure_ascii=False))
    from_columns = batch.read_columns(table, member)
    from_lines = batch.read(table, json.loads(json.dumps([[pk, *encode_state(s)] for pk, s in written])))
    for read_back in (from_columns, from_lines):
        assert read_back.pks == [pk for pk, _s in written]
        assert [read_back.state(i) for i in range(len(read_back))] == [s for _pk, s in written]
        assert read_back.highest == max(
            (v[0] for _pk, s in written for v in (s.version, *s.colvers.values())), default=0
        )


def _member(table: str) -> dict:
    states = [
        ("k1", RowState((5, "n"), False, {}, {g.name: (None,) * len(g.columns) for g in BY_NAME[table].groups})),
        ("k2", RowState((6, "n"), True, {}, {})),
    ]
    return batch.columns(BY_NAME[table], states)


def _broken(change) -> dict:
    member = _member("item")
    change(member)
    return member


@pytest.mark.parametrize(
    "member",
    [
        _broken(lambda m: m.update(extra=[])),
        _broken(lambda m: m["pk"].append("k3")),
        _broken(lambda m: m["hlc"].__setitem__(0, True)),
        _broken(lambda m: m["hlc"].__setitem__(0, "5")),
        _broken(lambda m: m["node"].__setitem__(0, 3)),
        _broken(lambda m: m["node"].__setitem__(0, -1)),
        _broken(lambda m: m.update(deleted=[7])),
        _broken(lambda m: m.update(colvers=[[0, {"nonsense": [1, 0]}]])),
        _broken(lambda m: m.update(colvers=[[9, {"status": [1, 0]}]])),
        _broken(lambda m: m["groups"].update(nonsense=[[None, None]])),
        _broken(lambda m: m["groups"]["status"][0].pop()),
        _broken(lambda m: m["groups"]["status"].append([None, None])),
        _broken(lambda m: m.update(absent={"status": [5]})),
        _broken(lambda m: m.update(absent={"nonsense": [0]})),
        ["not", "an", "object"],
    ],
)
def test_a_member_of_the_wrong_shape_is_refused_whole(member):
    with pytest.raises((ValueError, TypeError, AttributeError)):
        batch.read_columns(BY_NAME["item"], member)


def _resigned(network: Network, desk: str, bundle, members: dict[str, bytes], **manifest_changes) -> bytes:
    contents = archive.read_members(archive.open_envelope(bundle.read_bytes()))
    manifest = {k: v for k, v in contents.manifest.items() if k != "members"} | manifest_changes
    return archive.write(manifest, members, signing_key(network.desks[desk].library))


def test_a_bundle_from_a_desk_not_yet_updated_is_applied_as_the_same_rows(network: Network, tmp_path):
    a = network.desks["a"]
    catalogue(a, "三体", ("T0001", "ZG"), ("T0002", "ZG"))
    bundle = network.export("a")
    contents = archive.read_members(archive.open_envelope(bundle.read_bytes()))
    old: dict[str, bytes] = {}
    for name, data in contents.members.items():
        if not name.endswith(".json") or name == archive.FORGET:
            old[name] = data
            continue
        table = BY_NAME[name[len("rows/") : -len(".json")]]
        rows_in = batch.read_columns(table, json.loads(data))
        lines = [json.dumps([pk, *encode_state(rows_in.state(i))]) for i, pk in enumerate(rows_in.pks)]
        old[f"rows/{table.name}.jsonl"] = "\n".join(lines).encode()
    assert any(name.endswith(".jsonl") for name in old)
    first = tmp_path / "format-1.ilsync"
    first.write_bytes(_resigned(network, "a", bundle, old, format="ils-sync-1"))
    report = network.deliver(network.union, first)
    assert report.counts["item"] == 2
    assert network.union.hashes() == a.hashes()


def test_a_bundle_with_a_broken_member_changes_nothing(network: Network, tmp_path):
    a = network.desks["a"]
    catalogue(a, "三体", ("T0001", "ZG"))
    bundle = network.export("a")
    contents = archive.read_members(archive.open_envelope(bundle.read_bytes()))
    members = dict(contents.members)
    item = json.loads(members["rows/item.json"])
    item["hlc"][0] = "soon"
    members["rows/item.json"] = json.dumps(item).encode()
    forged = tmp_path / "broken.ilsync"
    forged.write_bytes(_resigned(network, "a", bundle, members))
    network.union.bind()
    before = network.union.hashes()
    with pytest.raises(Invalid) as refused:
        network.deliver(network.union, forged)
    assert refused.value.code == "sync.bad_member"
    assert network.union.hashes() == before


def _orphaned(network: Network, tmp_path) -> tuple[bytes, str]:
    """Desk a's bundle of two records with a copy each, less the second record: its copy, after the
    first in the bundle, is refused for want of its record."""
    a = network.desks["a"]
    catalogue(a, "三体", ("T0001", "ZG"))
    second = catalogue(a, "球状闪电", ("T0002", "ZG"))
    bundle = network.export("a")
    contents = archive.read_members(archive.open_envelope(bundle.read_bytes()))
    members = dict(contents.members)
    records = json.loads(members["rows/bib_record.json"])
    assert set(records) == {"pk", "hlc", "node", "nodes", "groups"}
    keep = [i for i, pk in enumerate(records["pk"]) if pk != second]
    for key in ("pk", "hlc", "node"):
        records[key] = [records[key][i] for i in keep]
    records["groups"] = {g: [[c[i] for i in keep] for c in cols] for g, cols in records["groups"].items()}
    members["rows/bib_record.json"] = json.dumps(records, ensure_ascii=False).encode()
    items = json.loads(members["rows/item.json"])
    barcodes = items["groups"]["barcode"][0]
    assert barcodes.index("T0001") < barcodes.index("T0002")
    return _resigned(network, "a", bundle, members), second


def test_a_refused_row_in_the_fast_pass_leaves_nothing_of_it_and_the_careful_pass_parks_the_row(
    network: Network, tmp_path
):
    data, _second = _orphaned(network, tmp_path)
    orphans = tmp_path / "orphans.ilsync"
    orphans.write_bytes(data)
    report = network.deliver(network.union, orphans)
    assert report.pending == 1
    database = network.union.database
    assert [b for (b,) in database.execute_sql("SELECT barcode FROM item")] == ["T0001"]
    assert database.execute_sql("SELECT COUNT(*) FROM sync_pending WHERE tbl = 'item'").fetchone()[0] == 1


def test_inside_a_callers_write_a_refused_fast_pass_keeps_what_the_caller_wrote(network: Network, tmp_path):
    data, _second = _orphaned(network, tmp_path)
    orphans = tmp_path / "orphans.ilsync"
    orphans.write_bytes(data)
    union = network.union
    union.bind()
    session = union.session()
    with session.write() as writer:
        union.database.execute_sql("UPDATE setting SET value = 'kept' WHERE key = 'library.name'")
        writer.journal("test.outer", "setting", "library.name", {})
        report = exchange.import_bundle(session, orphans)
    assert report.pending == 1
    assert union.library.setting("library.name") == "kept"
    assert [b for (b,) in union.database.execute_sql("SELECT barcode FROM item")] == ["T0001"]
    assert union.database.execute_sql("SELECT COUNT(*) FROM sync_pending").fetchone()[0] == 1


def test_a_marc_file_catalogued_at_the_union_reaches_the_desks(network: Network):
    from ils.catalogue.marc_import import apply, stage
    from tests.services.test_book_numbers import cnmarc_record

    union = network.union
    union.bind()
    session = union.session()
    data = b"".join(cnmarc_record(title).as_marc() for title in ("三体", "球状闪电", "流浪地球"))
    result = apply(session, stage(session, data, source_name="supplier.iso"))
    assert result.added == 3
    network.round(["a"])
    a = network.desks["a"]
    titles = {t for (t,) in a.database.execute_sql("SELECT title FROM bib_record")}
    assert {"三体", "球状闪电", "流浪地球"} <= titles
    assert union.hashes() == a.hashes()


def _delivery(first: int, count: int) -> bytes:
    """``count`` CNMARC records, each with two ISBNs and a copy (a supplier's 905 with a barcode)."""
    from pymarc import Field, Indicators, Subfield

    from tests.services.test_book_numbers import cnmarc_record

    records = []
    for number in range(first, first + count):
        record = cnmarc_record(f"书{number}")
        for isbn in (f"97870{number:07d}", f"97875{number:07d}"):
            body = isbn[:12]
            check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
            record.add_field(Field("010", Indicators(" ", " "), [Subfield("a", body + str(check))]))
        holding = [Subfield("b", f"C{number:08d}"), Subfield("d", "I247.5"), Subfield("e", str(number))]
        record.add_field(Field("905", Indicators(" ", " "), holding))
        records.append(record.as_marc())
    return b"".join(records)


def test_an_import_versions_its_rows_as_the_capture_triggers_would(network: Network, monkeypatch):
    """The MARC import writes its records', ISBNs' and copies' versions in bulk with the triggers
    off; what it writes is what the triggers write, on both engines, chunk after chunk."""
    from db import dialect
    from ils.catalogue import marc_import

    union = network.union
    session = union.session()
    database = union.database

    def imported(first: int) -> list[tuple]:
        before = dialect.max_seq(database)
        count = marc_import.PROGRESS_EVERY + 3  # two chunks
        result = marc_import.apply(session, marc_import.stage(session, _delivery(first, count), source_name="x.iso"))
        assert result.added == result.items_added == count
        found = database.execute_sql(
            "SELECT tbl, pk, seq, hlc, node, colvers, deleted, base FROM sync_row WHERE seq > ? ORDER BY seq",
            (before,),
        ).fetchall()
        assert [row[2] for row in found] == list(range(before + 1, before + 1 + len(found)))
        assert len({row[3] for row in found}) == 1  # the write's one stamp
        for table, pk in (("bib_record", ("id",)), ("bib_isbn", ("isbn", "bib_id")), ("item", ("id",))):
            keys = {k for (k,) in database.execute_sql(f"SELECT {dialect.pk_expression(database, pk)} FROM {table} t")}
            assert {row[1] for row in found if row[0] == table} <= keys, table
        return [(tbl, node, colvers, deleted, base) for tbl, _pk, _seq, _hlc, node, colvers, deleted, base in found]

    bulk = imported(1)
    monkeypatch.setattr(dialect, "capture_created", lambda _database, _rows: None)
    monkeypatch.setattr(dialect, "set_capture", lambda _database, _on: None)
    by_triggers = imported(1000)
    assert bulk == by_triggers
    assert sorted({row[0] for row in bulk}) == ["bib_isbn", "bib_record", "book_number", "item"]
