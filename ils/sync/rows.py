"""Rows as sync sees them: read with their versions, written back after a merge.

A row's state (``merge.RowState``) is its replicated values, group by group, and the
versions ``sync_row`` keeps for it. A derived column (``item.status``) is read as its
replicated value (``sync_row.base`` while the value shown is recomputed from the facts), so
what is merged and sent is always the replicated value, never a local recomputation.

Writing happens with capture switched off: the versions written are the merged ones, each
keeping the node and stamp of the change it came from.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import Any

from peewee import Database

from db import dialect
from db.sync_spec import BY_NAME, Table
from ils.sync.batch import Batch, pick
from ils.sync.merge import RowState, Version, format_version, parse_version

CHUNK = 500
FORGOTTEN = 2  # sync_row.deleted of a reader the union forgot: not a tombstone, a "forget" to pass on

# A desk-local column a new row needs a value for: its number in this desk's full-text index, the next free one.
_NUMBERED = {"bib_record": "doc"}


_GROUPS = {t.name: tuple(g.name for g in t.groups) for t in BY_NAME.values()}


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def split_values(table: Table, row: Sequence[Any]) -> dict[str, tuple[Any, ...]]:
    return {name: tuple(row[start:end]) for name, start, end in _SLICES[table.name]}


def _slices(table: Table) -> tuple[tuple[str, int, int], ...]:
    """Where each group's columns sit in a row of the table's replicated columns."""
    ends = list(accumulate(len(g.columns) for g in table.groups))
    return tuple((g.name, end - len(g.columns), end) for g, end in zip(table.groups, ends, strict=True))


_SLICES = {t.name: _slices(t) for t in BY_NAME.values()}


def _state(
    table: Table, hlc: int, node: str, colvers: str | None, deleted: int, base: str | None, row: Sequence[Any] | None
) -> RowState:
    if deleted:
        kept = json.loads(base) if base else {}
        values = {
            g.name: tuple(kept.get(c) for c in g.columns) for g in table.groups if all(c in kept for c in g.columns)
        }
        parsed = {g: parse_version(v) for g, v in json.loads(colvers).items()} if colvers else {}
        return RowState((hlc, node), True, parsed, values)
    values = split_values(table, row) if row is not None else {}
    if base and values:
        replicated = json.loads(base)
        for group in table.groups:
            if any(c in replicated for c in group.columns):
                values[group.name] = tuple(
                    replicated.get(c, v) for c, v in zip(group.columns, values[group.name], strict=True)
                )
    parsed = {g: parse_version(v) for g, v in json.loads(colvers).items()} if colvers else {}
    return RowState((hlc, node), bool(deleted), parsed, values)


def load(database: Database, table: Table, keys: Sequence[str]) -> dict[str, RowState]:
    """The states of the named rows this replica holds (a tombstone has no values)."""
    states: dict[str, RowState] = {}
    for chunk in _chunks(list(keys)):
        versions = dialect.versions_by_pk(database, table.name, chunk)
        if not versions:  # all new here (a day's loans): no rows to read either
            continue
        held = [v[0] for v in versions]
        rows = {r[0]: r[1:] for r in dialect.rows_by_pk(database, table.name, table.pk, table.columns, held)}
        for pk, hlc, node, colvers, deleted, base in versions:
            row = rows.get(pk)
            if deleted == FORGOTTEN or (row is None and not deleted):
                continue  # forgotten here (a reader no longer shared): as if never seen
            states[pk] = _state(table, hlc, node, colvers, deleted, base, row)
    return states


def key_values(table: Table, pk: str) -> tuple[Any, ...]:
    return (pk,) if len(table.pk) == 1 else tuple(json.loads(pk))


def _versions(state: RowState) -> dict[str, str] | None:
    return {g: format_version(v) for g, v in state.colvers.items()} or None


@dataclass
class Write:
    """One merged row to store: what this replica held, what it will hold, its new number and base."""

    pk: str
    before: RowState | None
    after: RowState
    seq: int | None
    base: dict[str, Any] | None


def _statement(table: Table, write: Write) -> tuple[str, list[Any]] | None:
    """The one statement that makes the table's row what ``write.after`` says (None: nothing to do)."""
    keys = key_values(table, write.pk)
    before, after = write.before, write.after
    if before is None or before.deleted:
        if after.deleted:
            return None
        present = tuple(g.name for g in table.groups if g.name in after.values)
        values = list(keys)
        for name in present:
            values += after.values[name]
        return _insert(table.name, present), values
    where = " AND ".join(f"{c} = ?" for c in table.pk)
    if after.deleted:
        return f"DELETE FROM {table.name} WHERE {where}", list(keys)
    columns: list[str] = []
    values = []
    for group in table.groups:
        if group.name in after.values and after.values[group.name] != before.values.get(group.name):
            columns += group.columns
            values += after.values[group.name]
    if not columns:
        return None
    sets = ", ".join(f"{c} = ?" for c in columns)
    return f"UPDATE {table.name} SET {sets} WHERE {where}", [*values, *keys]


@functools.lru_cache(maxsize=256)
def _insert(name: str, present: tuple[str, ...]) -> str:
    """The INSERT of a row carrying these groups (built once per shape: an import stores thousands)."""
    table = BY_NAME[name]
    columns = list(table.pk) + [c for g in table.groups if g.name in present for c in g.columns]
    numbered = _NUMBERED.get(table.name)
    local = {numbered: f"(SELECT IFNULL(MAX({numbered}), 0) + 1 FROM {table.name})"} if numbered else {}
    names = ", ".join([*columns, *local])
    marks = ", ".join(["?"] * len(columns) + list(local.values()))
    return f"INSERT INTO {table.name} ({names}) VALUES ({marks})"


def _versions_row(table: Table, write: Write) -> tuple[Any, ...]:
    after, base = write.after, write.base
    if after.deleted:  # a tombstone keeps the row's values
        base = {
            c: v
            for g in table.groups
            if g.name in after.values
            for c, v in zip(g.columns, after.values[g.name], strict=True)
        }
    return dialect.versions_row(
        table.name,
        write.pk,
        seq=write.seq,
        hlc=after.version[0],
        node=after.version[1],
        colvers=_versions(after),
        deleted=after.deleted,
        base=base,
    )


def store(database: Database, table: Table, writes: Sequence[Write]) -> None:
    """Make this replica hold each write's ``after`` (with capture off): the table's rows first, grouped
    into one ``executemany`` per statement shape, then every version in one more.

    The caller runs it inside a savepoint: when SQLite refuses a row (a missing parent, a broken
    uniqueness rule), the caller rolls the batch back and stores its rows one by one.
    """
    shapes: dict[str, list[list[Any]]] = {}
    for write in writes:
        statement = _statement(table, write)
        if statement is not None:
            shapes.setdefault(statement[0], []).append(statement[1])
    connection = dialect.connection(database)
    for sql, params in shapes.items():
        connection.executemany(sql, params)
    dialect.write_versions_many(database, [_versions_row(table, write) for write in writes])


def insert_new(database: Database, table: Table, batch: Batch, at: Sequence[int], seqs: Sequence[int | None]) -> None:
    """Store rows ``at`` of ``batch``, which this replica holds nothing of (no row, no version), as
    they came: the merge of nothing with a row is the row. Column-wise, with no ``RowState`` or
    ``Write`` per row: the rows alive with every group go in one bulk insert straight from the
    batch's columns, and their versions in one more (``dialect.insert_rows``: ``executemany`` on
    SQLite, ``COPY`` on PostgreSQL); a row lacking groups goes with the others of its shape.

    A tombstone stores only its version, keeping the values it carries as ``base`` (as ``store``
    does). A new record's number in the full-text index is the next free one, as ``store``
    gives it. Runs inside the caller's transaction, as ``store``.
    """
    name = table.name
    groups = _GROUPS[name]
    whole: Sequence[int] = at
    shapes: dict[tuple[str, ...], list[int]] = {}
    versions: list[tuple[Any, ...]] = []
    if not batch.plain:
        whole = []
        for i, seq in zip(at, seqs, strict=True):
            if i in batch.deleted:
                kept = batch.values(i)
                base = {c: v for g in table.groups for c, v in zip(g.columns, kept.get(g.name, ()), strict=False)}
                version = (batch.hlcs[i], batch.nodes[i])
                versions.append(_new_version(name, batch.pks[i], seq, version, batch.colvers.get(i, {}), True, base))
                continue
            present = tuple(g for g in groups if g in batch.groups and i not in batch.absent.get(g, ()))
            if present == groups:
                whole.append(i)
            else:
                shapes.setdefault(present, []).append(i)
    numbered = _NUMBERED.get(name)
    for present, rows_at in ((groups, whole), *shapes.items()):
        if not rows_at:
            continue
        columns = [*table.pk, *(c for g in table.groups if g.name in present for c in g.columns)]
        values: list[Sequence[Any]] = [pick(batch.pks, rows_at)]
        values += [pick(column, rows_at) for g in present for column in batch.groups[g]]
        if numbered is not None:
            first = database.execute_sql(f"SELECT IFNULL(MAX({numbered}), 0) FROM {name}").fetchone()[0]
            columns.append(numbered)
            values.append(range(first + 1, first + 1 + len(rows_at)))
        dialect.insert_rows(database, name, tuple(columns), list(zip(*values, strict=True)))
    later = batch.colvers
    if batch.plain and not later:  # every row alive, none changed since made: the columns as they are
        versions += zip(
            repeat(name),
            pick(batch.pks, at),
            seqs,
            pick(batch.hlcs, at),
            pick(batch.nodes, at),
            repeat(None),
            repeat(0),
            repeat(None),
        )
    else:
        for i, seq in zip(at, seqs, strict=True):
            if i in batch.deleted:
                continue  # its version went in above, with its values as base
            version = (batch.hlcs[i], batch.nodes[i])
            if i in later:
                versions.append(_new_version(name, batch.pks[i], seq, version, later[i], False, None))
            else:
                versions.append((name, batch.pks[i], seq, version[0], version[1], None, 0, None))
    dialect.insert_versions(database, versions)


def _new_version(
    name: str, pk: str, seq: int | None, version: Version, colvers: dict[str, Version], deleted: bool, base: Any
) -> tuple[Any, ...]:
    return dialect.versions_row(
        name,
        pk,
        seq=seq,
        hlc=version[0],
        node=version[1],
        colvers={g: format_version(v) for g, v in colvers.items()} or None,
        deleted=deleted,
        base=base,
    )


def current_base(database: Database, table: Table, pk: str) -> dict[str, Any] | None:
    row = database.execute_sql("SELECT base FROM sync_row WHERE tbl = ? AND pk = ?", (table.name, pk)).fetchone()
    return json.loads(row[0]) if row and row[0] else None


def same(a: RowState, b: RowState) -> bool:
    return a.version == b.version and a.deleted == b.deleted and a.colvers == b.colvers and a.values == b.values


def versions_of(state: RowState) -> Iterable[Version]:
    yield state.version
    yield from state.colvers.values()
