"""Applying other nodes' rows: merge, store, then derived state, the index and conflicts.

Runs inside the import's one write transaction, with capture switched off (the versions
written are the merged ones, not new local changes). At the union every row changed gets
a new number in the union's own change counter, so it is forwarded to the other desks; at
a desk the rows merged in keep their number (none when new), so they are not sent back.

A row whose parent has not arrived yet (a bundle delivered before the one it follows) waits
in ``sync_pending`` and is applied by the first import after its parent. A row that breaks
a uniqueness rule (a barcode, card or person twice, a copy lent twice) is stored beside the
row it collides with, held apart, and the conflict is filed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from peewee import Database

from db import derived, dialect
from db.sync_spec import BY_NAME, TABLES, Table
from ils.catalogue.index import index_delete, index_insert, index_insert_many, search_row
from ils.catalogue.marc_fields import extract
from ils.catalogue.records import record_from_json
from ils.sync import batch, conflicts, privacy, rows
from ils.sync.batch import Batch
from ils.sync.merge import RowState, Seen, format_version, merge_row

_STATUS_AT = next((g.name, g.columns.index("status")) for g in BY_NAME["item"].groups if "status" in g.columns)


@dataclass
class Applied:
    """What one application changed, for the bundle's report and for what runs after it."""

    counts: dict[str, int] = field(default_factory=dict)
    touched: dict[str, set[str]] = field(default_factory=dict)
    items: set[str] = field(default_factory=set)
    seen: list[Seen] = field(default_factory=list)
    pending: int = 0
    highest: int = 0

    def note(self, table: str, pk: str) -> None:
        self.counts[table] = self.counts.get(table, 0) + 1
        self.touched.setdefault(table, set()).add(pk)


def encode_state(state: RowState) -> list[Any]:
    """A row state as a bundle line carries it: versions as ``hlc/node`` text."""
    return [
        format_version(state.version),
        1 if state.deleted else 0,
        {g: format_version(v) for g, v in state.colvers.items()} or None,
        {g: list(v) for g, v in state.values.items()},
    ]


def decode_state(table: Table, line: list[Any]) -> RowState:
    """A row state from a bundle line without its key (a row parked in ``sync_pending``)."""
    return batch.read(table, [["", *line]]).state(0)


def _flat(table: Table, state: RowState, before: RowState | None, pk: str) -> dict[str, Any]:
    values: dict[str, Any] = dict(zip(table.pk, rows.key_values(table, pk), strict=True))
    for source in (before, state):
        if source is None:
            continue
        for group in table.groups:
            if group.name in source.values:
                values.update(zip(group.columns, source.values[group.name], strict=True))
    return values


def _items_of(table: Table, state: RowState | None) -> set[str]:
    if state is None:
        return set()
    found = set()
    for group, index in batch.ITEM_AT[table.name]:
        values = state.values.get(group)
        if values and values[index]:
            found.add(values[index])
    return found


class Refused(Exception):
    """A row of a batch stored without a savepoint was refused: apply the bundle again, carefully."""


class Applier:
    """Merges rows into this replica; ``renumber`` at the union."""

    def __init__(
        self,
        database: Database,
        *,
        renumber: bool,
        origin: str,
        now: str,
        progress: Callable[[int], object] | None = None,
        careful: bool = True,
    ) -> None:
        self.database = database
        # Careful: each batch in a savepoint of its own, so a refused row sends only its batch down the
        # row-by-row path. Not careful: no savepoint a batch (at county scale they cost more than the
        # rows: a first load of 100,000 copies took 2.4 times as long), and a refused row raises
        # ``Refused``: the caller rolls the whole bundle back and applies it again, carefully.
        self.careful = careful
        self.progress = progress  # told how many incoming rows are merged so far, after each batch
        self._done = 0
        self.renumber = renumber
        self.origin = origin
        self.now = now
        self.result = Applied()
        self._seq = dialect.max_seq(database)
        self.settled = (self._seq, self._seq)  # the changes (numbered so) whose copies ``finish`` settles
        self._grown: dict[str, int] = {}  # rows added per table since the planner's statistics (PostgreSQL)
        self._docs = database.execute_sql("SELECT MAX(doc) FROM bib_record").fetchone()[0] or 0
        self._waiting = {(t, pk) for t, pk in database.execute_sql("SELECT tbl, pk FROM sync_pending")}
        # Copies new to this replica with a status no fact derives (not lent, in transit or on the
        # hold shelf): as they came, unless a loan, transit or hold of them is merged too.
        self._as_came: set[str] = set()

    def _next(self) -> int | None:
        if not self.renumber:
            return None
        self._seq += 1
        return self._seq

    def apply(self, rows_in: Batch) -> None:
        """Merge one member's rows in, in batches: a row this replica holds nothing of is stored as it
        came, column-wise (``rows.insert_new``); a row it holds is merged (``merge_row``) first."""
        table = rows_in.table
        self.result.highest = max(self.result.highest, rows_in.highest)
        single = len(table.pk) == 1
        holds_any = self._holds_any(table)
        for start in range(0, len(rows_in), rows.CHUNK):
            at = range(start, min(start + rows.CHUNK, len(rows_in)))
            pks = rows_in.pks[at.start : at.stop]
            self._done += len(at)
            if self.progress is not None:
                self.progress(self._done)
            local = rows.load(self.database, table, pks) if holds_any else {}
            if not single or len(set(pks)) != len(pks):  # a row twice in one batch: merged one by one
                self._merge_batch(table, [(pk, rows_in.state(i)) for i, pk in zip(at, pks, strict=True)], local)
                continue
            self._store_batch(rows_in, at, local)

    def _batch(self) -> AbstractContextManager[object]:
        """A savepoint when careful: a refused row sends the batch down the row-by-row path."""
        return self.database.atomic() if self.careful else nullcontext()

    def _holds_any(self, table: Table) -> bool:
        """Whether this replica holds any version of the table's rows (a first load: none to merge with)."""
        return bool(self.database.execute_sql("SELECT 1 FROM sync_row WHERE tbl = ? LIMIT 1", (table.name,)).fetchone())

    def _store_batch(self, rows_in: Batch, at: range, local: dict[str, RowState]) -> None:
        table = rows_in.table
        new: list[int] = []
        seqs: list[int | None] = []
        writes: list[rows.Write] = []
        if not local:  # numbered in the bundle's order, as the rows merged one by one would be
            new = list(at)
            seqs = [self._next() for _i in at]
        else:
            for i in at:
                pk = rows_in.pks[i]
                if pk in local:
                    write = self._merge(table, pk, local[pk], rows_in.state(i))
                    if write is not None:
                        writes.append(write)
                else:
                    new.append(i)
                    seqs.append(self._next())
        if not writes and not new:
            return
        try:
            with self._batch():
                if writes:
                    rows.store(self.database, table, writes)
                if new:
                    rows.insert_new(self.database, table, rows_in, new, seqs)
        except dialect.INTEGRITY_ERRORS:
            if not self.careful:
                raise Refused from None
            made = {
                rows_in.pks[i]: rows.Write(rows_in.pks[i], None, rows_in.state(i), seq, None)
                for i, seq in zip(new, seqs, strict=True)
            }
            by_pk = {w.pk: w for w in writes} | made
            for i in at:
                write = by_pk.get(rows_in.pks[i])
                if write is not None:
                    self._one_by_one(table, write, rows_in.state(i))
            return
        for write in writes:
            self._stored(table, write)
        self._grown[table.name] = self._grown.get(table.name, 0) + len(new)
        self._grown["sync_row"] = self._grown.get("sync_row", 0) + len(new) + len(writes)
        dialect.keep_statistics(self.database, self._grown)
        if new:
            pks = [rows_in.pks[i] for i in new]
            self.result.counts[table.name] = self.result.counts.get(table.name, 0) + len(pks)
            self.result.touched.setdefault(table.name, set()).update(pks)
            self.result.items |= rows_in.items(new)
            if table.name == "item":  # a new copy's status follows the facts only if one names it
                statuses = rows_in.column(*_STATUS_AT, new)
                self._as_came.update(
                    pk for pk, s in zip(pks, statuses, strict=True) if s not in derived.CIRCULATION_STATUSES
                )
            if self._waiting:
                for pk in pks:
                    self._unpark(table, pk)

    def _merge_batch(self, table: Table, chunk: list[tuple[str, RowState]], local: dict[str, RowState]) -> None:
        writes: list[rows.Write] = []
        for pk, remote in chunk:
            write = self._merge(table, pk, local.get(pk), remote)
            if write is not None:
                writes.append(write)
        if not writes:
            return
        try:
            with self._batch():
                rows.store(self.database, table, writes)
        except dialect.INTEGRITY_ERRORS:
            if not self.careful:
                raise Refused from None
            for write in writes:
                self._one_by_one(table, write, dict(chunk)[write.pk])
            return
        for write in writes:
            self._stored(table, write)

    def _merge(self, table: Table, pk: str, local: RowState | None, remote: RowState) -> rows.Write | None:
        self.result.highest = max(self.result.highest, remote.version[0], *(v[0] for v in remote.colvers.values()))
        if local is not None and rows.same(local, remote):
            return (
                None  # held as sent (a bundle sent again before its acknowledgement came back): a join changes nothing
            )
        merged, seen = merge_row(table, pk, local, remote)
        self.result.seen += seen
        if local is not None and rows.same(local, merged):
            return None
        base = None
        if table.derived and local is not None and not merged.deleted:
            changed = any(
                merged.values.get(g.name) != local.values.get(g.name)
                for g in table.groups
                if set(g.columns) & set(table.derived)
            )
            base = None if changed else rows.current_base(self.database, table, pk)
        return rows.Write(pk, local, merged, self._next(), base)

    def _stored(self, table: Table, write: rows.Write) -> None:
        self.result.note(table.name, write.pk)
        self.result.items |= _items_of(table, write.before) | _items_of(table, write.after)
        self._unpark(table, write.pk)

    def _unpark(self, table: Table, pk: str) -> None:
        """A row that waited for its parent is in: it no longer waits."""
        if (table.name, pk) in self._waiting:
            self.database.execute_sql("DELETE FROM sync_pending WHERE tbl = ? AND pk = ?", (table.name, pk))
            self._waiting.discard((table.name, pk))

    def one(self, table: Table, pk: str, local: RowState | None, remote: RowState) -> bool:
        """Merge and store one row on its own, parking it or holding rows apart when SQLite refuses it."""
        write = self._merge(table, pk, local, remote)
        if write is None:  # nothing to change: a row that waited is no longer waiting
            self._unpark(table, pk)
            return True
        return self._one_by_one(table, write, remote)

    def _one_by_one(self, table: Table, write: rows.Write, remote: RowState) -> bool:
        try:
            with self.database.atomic():
                rows.store(self.database, table, [write])
        except dialect.INTEGRITY_ERRORS as error:
            values = _flat(table, write.after, write.before, write.pk)
            unique = dialect.unique_violation(error)
            if not unique or not conflicts.hold_apart(self.database, table.name, write.pk, values):
                self._park(table, write.pk, remote)
                return False
            try:
                with self.database.atomic():
                    rows.store(self.database, table, [write])
            except dialect.INTEGRITY_ERRORS:
                self._park(table, write.pk, remote)
                return False
        self._stored(table, write)
        return True

    def _park(self, table: Table, pk: str, remote: RowState) -> None:
        self.database.execute_sql(
            "INSERT INTO sync_pending (tbl, pk, payload, origin, since) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (tbl, pk) DO UPDATE SET payload = excluded.payload, origin = excluded.origin",
            (table.name, pk, json.dumps(encode_state(remote)), self.origin, self.now),
        )
        self._waiting.add((table.name, pk))
        self.result.pending += 1

    def retry_pending(self) -> None:
        """Rows waiting for a parent, tried again in dependency order until none moves."""
        while True:
            waiting = self.database.execute_sql("SELECT tbl, pk, payload FROM sync_pending").fetchall()
            if not waiting:
                return
            order = {t.name: i for i, t in enumerate(TABLES)}
            moved = False
            for table_name, pk, payload in sorted(waiting, key=lambda r: (order.get(r[0], 99), r[1])):
                table = BY_NAME[table_name]
                local = rows.load(self.database, table, [pk]).get(pk)
                before = self.result.pending
                if self.one(table, pk, local, decode_state(table, json.loads(payload))):
                    moved = True
                self.result.pending = before
            if not moved:
                self.result.pending = len(waiting)
                return

    def forget(self, readers: Iterable[str]) -> int:
        """Readers who stopped sharing: drop what this replica was given of them (not a desk's own readers)."""
        forgotten = 0
        node = dialect.clock(self.database)[2]
        for reader_id in sorted(set(readers)):
            row = self.database.execute_sql(
                "SELECT id_cipher IS NOT NULL FROM reader WHERE id = ?", (reader_id,)
            ).fetchone()
            if row is None or row[0]:
                continue  # unknown here, or registered here: this desk keeps its own readers
            for table in privacy.READER_ROWS:
                ids = [
                    r for (r,) in self.database.execute_sql(f"SELECT id FROM {table} WHERE reader_id = ?", (reader_id,))
                ]
                self.database.execute_sql(f"DELETE FROM {table} WHERE reader_id = ?", (reader_id,))
                dialect.forget_versions(self.database, table, ids)
            for table in privacy.LINKED:
                self.database.execute_sql(
                    f"UPDATE {table} SET reader_id = NULL WHERE reader_id = ? AND id NOT IN"
                    " (SELECT pk FROM sync_row WHERE tbl = ? AND node = ?)",
                    (reader_id, table, node),
                )
            in_use = any(
                self.database.execute_sql(f"SELECT 1 FROM {t} WHERE reader_id = ? LIMIT 1", (reader_id,)).fetchone()
                for t in privacy.LINKED
            )
            if not in_use:
                self.database.execute_sql("UPDATE reader SET guardian_id = NULL WHERE guardian_id = ?", (reader_id,))
                self.database.execute_sql("DELETE FROM reader WHERE id = ?", (reader_id,))
            if self.renumber:  # the union passes the forget on to every desk
                self.database.execute_sql(
                    "UPDATE sync_row SET deleted = ?, seq = ?, colvers = NULL, base = NULL"
                    " WHERE tbl = 'reader' AND pk = ?",
                    (rows.FORGOTTEN, self._next(), reader_id),
                )
            else:
                dialect.forget_versions(self.database, "reader", [reader_id])
            forgotten += 1
        return forgotten

    def finish(self) -> Applied:
        """What follows the rows: pending rows, the copies' status, the search index, conflicts."""
        self.retry_pending()
        self.settled = (self.settled[0], dialect.max_seq(self.database))
        touched = self.result.touched
        derived.recompute_items(self.database, self.result.items | (touched.get("item", set()) - self._as_came))
        reindex(self.database, touched.get("bib_record", set()), self._docs)
        # The conflict checks change no fact a copy's status follows: the status needs no second pass.
        conflicts.after_merge(self.database, touched, self.result.items, self.result.seen)
        return self.result


def reindex(database: Database, bib_ids: Iterable[str], new_after: int) -> None:
    """Keep this desk's full-text index in step with the records merged in.

    A record numbered above ``new_after`` (the highest number before the import) came in with
    it: it has no index row to remove, and the index rows of such records go in together, a
    batch at a time (a first load brings every record so). Any index row numbered that high is
    a stale one left by a record removed earlier, and goes first.
    """
    ids = sorted(set(bib_ids))
    cleared = False
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = database.execute_sql(
            f"SELECT doc, marc, format, deleted FROM bib_record WHERE id IN {dialect.LISTED}", (dialect.listed(chunk),)
        ).fetchall()
        new = [r for r in found if r[0] > new_after]
        for doc, text, fmt, deleted in found:
            if doc <= new_after:
                index_delete(database, doc)
                if not deleted:
                    index_insert(database, doc, search_row(extract(record_from_json(text), fmt)))
        if new and not cleared:
            database.execute_sql("DELETE FROM bib_search WHERE rowid > ?", (new_after,))
            cleared = True
        index_insert_many(
            database,
            [(doc, search_row(extract(record_from_json(text), fmt))) for doc, text, fmt, deleted in new if not deleted],
        )
