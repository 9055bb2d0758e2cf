"""Rows a replica holds nothing of are stored column-wise, straight from the bundle's lists
(``rows.insert_new``); rows it holds are merged first. Bundles of both kinds, batch after batch,
leave every replica with the same state, and the full-text index of the records that came in
whole."""

from __future__ import annotations

from db.ids import new_id
from ils.sync import rows
from tests.sync.network import Network, Node

_BIB = (
    "INSERT INTO bib_record (id, doc, format, marc, title, title_sort, created_at, updated_at)"
    ' VALUES (?, ?, \'cnmarc\', \'{"leader": "00000nam  2200000   4500", "fields": []}\', ?, ?, ?, ?)'
)
_ITEM = (
    "INSERT INTO item (id, bib_id, barcode, branch_id, item_type, status, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, 'book', 'available', ?, ?)"
)


def _bulk(node: Node, count: int, prefix: str) -> list[str]:
    """``count`` copies and a record per ten, in one desk write (a bulk load, captured by the triggers)."""
    library = node.library
    now, branch = library.now_text(), library.node.branch_id
    with library.write(None) as writer:
        first = library.database.execute_sql("SELECT IFNULL(MAX(doc), 0) FROM bib_record").fetchone()[0]
        bibs = [(new_id(), first + n + 1, f"{prefix}书{n}", f"{prefix}shu{n}", now, now) for n in range(count // 10)]
        items = [(new_id(), bibs[n // 10][0], f"{prefix}{n:06d}", branch, now, now) for n in range(count)]
        connection = library.database.connection()
        connection.executemany(_BIB, bibs)
        connection.executemany(_ITEM, items)
        writer.journal("test.bulk", "item", None, {"items": count})
    return [i[0] for i in items]


def _index_matches_records(node: Node) -> None:
    database = node.library.database
    indexed = {d for (d,) in database.execute_sql("SELECT rowid FROM bib_search")}
    records = {d for (d,) in database.execute_sql("SELECT doc FROM bib_record WHERE deleted = 0")}
    assert indexed == records


def test_thousands_of_new_rows_then_changes_to_them_converge_everywhere(network: Network, monkeypatch):
    monkeypatch.setattr(rows, "CHUNK", 97)  # many batches, some of new rows only, some mixed
    a = network.desks["a"]
    _bulk(a, 620, "A")
    network.round()  # union and desk b: every row new, column-wise; desk a: its own rows echoed back
    assert network.union.hashes() == a.hashes() == network.desks["b"].hashes()
    ids = _bulk(a, 310, "B")
    with a.library.write(None) as writer:  # changes to rows every replica holds, among new ones
        a.library.database.execute_sql(
            "UPDATE item SET note = 'mended' WHERE barcode IN ('A000003', 'A000400', 'A000619')"
        )
        a.library.database.execute_sql("DELETE FROM item WHERE id = ?", (ids[-1],))
        writer.journal("test.changes", "item", None, {})
    network.round()
    union, b = network.union, network.desks["b"]
    assert union.hashes() == a.hashes() == b.hashes()
    assert b.database.execute_sql("SELECT COUNT(*) FROM item").fetchone()[0] == 620 + 310 - 1
    assert b.database.execute_sql("SELECT note FROM item WHERE barcode = 'A000400'").fetchone()[0] == "mended"
    _index_matches_records(b)
    _index_matches_records(union)
