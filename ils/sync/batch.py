"""One table's rows from a bundle, column by column, as the parser read them.

A bundle of format 2 carries each table as one JSON object of columns
(``rows/<table>.json``, written by ``columns``)::

    {"pk": [key, …], "hlc": [stamp, …], "node": [n, …], "nodes": [node id, …],
     "deleted": [row, …], "colvers": [[row, {group: [stamp, n]}], …],
     "groups": {group: [[first column's values], [second column's values], …]},
     "absent": {group: [row, …]}}

Row ``i`` is ``pk[i]``, made at ``(hlc[i], nodes[node[i]])``; ``deleted`` lists the
tombstones, ``colvers`` the rows whose groups changed later than the row was made, and
``absent`` the rows that lack a group (a privacy projection leaves groups out; a group
absent from every row is not in ``groups`` at all). Read column-wise, a member of a million
rows is a few dozen lists: parsing it costs a fifth of parsing one list and one object a
row (format 1, ``rows/<table>.jsonl``, still read for desks not yet updated, and for the
rows parked in ``sync_pending``), and a row this replica does not hold yet goes from the
columns straight to ``executemany`` (``rows.insert_new``). Only a row it already holds is
made into a ``RowState`` to be merged.

Everything is checked for shape before anything is stored; a value of the wrong kind inside
a column (a list, an object) is left for the database to refuse when it is bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeGuard

from db.sync_spec import TABLES, Table
from ils.sync.merge import RowState, Version, parse_version

_SIZES = {t.name: {g.name: len(g.columns) for g in t.groups} for t in TABLES}
_ITEM_COLUMNS = {
    "loan": ("item_id",),
    "transit": ("item_id",),
    "hold": ("item_id", "trapped_item_id"),
    "rotation_item": ("item_id",),
}
_KEYS = frozenset({"pk", "hlc", "node", "nodes", "deleted", "colvers", "groups", "absent"})


def _item_positions(table: Table) -> tuple[tuple[str, int], ...]:
    """Where a table's references to a copy sit: (group, index in the group)."""
    return tuple(
        (g.name, g.columns.index(c)) for g in table.groups for c in _ITEM_COLUMNS.get(table.name, ()) if c in g.columns
    )


ITEM_AT = {t.name: _item_positions(t) for t in TABLES}


def pick(values: Sequence[Any], at: Sequence[int]) -> list[Any]:
    """``values[i]`` for each ``i`` in ``at``, in one call (``itemgetter`` of one index gives no tuple)."""
    if len(at) == 1:
        return [values[at[0]]]
    if isinstance(at, range) and at.step == 1:
        return list(values[at.start : at.stop])
    return list(itemgetter(*at)(values)) if at else []


@dataclass
class Batch:
    """The rows of one member, column-wise: ``pks[i]`` made at ``(hlcs[i], nodes[i])``, a tombstone
    when ``i in deleted``, its later group versions ``colvers.get(i)``, and ``groups[g][c][i]`` the
    value of group ``g``'s column ``c`` (None where ``i in absent[g]``)."""

    table: Table
    pks: list[str]
    hlcs: list[int]
    nodes: list[str]
    deleted: set[int]
    colvers: dict[int, dict[str, Version]]
    groups: dict[str, list[list[Any]]]
    absent: dict[str, set[int]]

    def __len__(self) -> int:
        return len(self.pks)

    @property
    def highest(self) -> int:
        """The latest stamp any row carries (0 for no rows)."""
        later = [v[0] for versions in self.colvers.values() for v in versions.values()]
        return max(max(self.hlcs, default=0), max(later, default=0))

    @property
    def plain(self) -> bool:
        """Every row alive with every group: rows go to the database as the columns stand."""
        return not self.deleted and not self.absent and len(self.groups) == len(_SIZES[self.table.name])

    def values(self, at: int) -> dict[str, tuple[Any, ...]]:
        """Row ``at``'s group values."""
        return {
            name: tuple(column[at] for column in columns)
            for name, columns in self.groups.items()
            if at not in self.absent.get(name, ())
        }

    def state(self, at: int) -> RowState:
        """Row ``at`` as a ``RowState``, for a row this replica already holds (the merge path)."""
        return RowState(
            (self.hlcs[at], self.nodes[at]), at in self.deleted, dict(self.colvers.get(at, {})), self.values(at)
        )

    def restamped(self, fix: Callable[[Version], Version]) -> Batch:
        """The same rows with every version passed through ``fix`` (a released quarantined bundle)."""
        fixed = [fix(v) for v in zip(self.hlcs, self.nodes, strict=True)]
        return Batch(
            self.table,
            self.pks,
            [v[0] for v in fixed],
            [v[1] for v in fixed],
            self.deleted,
            {at: {g: fix(v) for g, v in versions.items()} for at, versions in self.colvers.items()},
            self.groups,
            self.absent,
        )

    def column(self, group: str, index: int, at: Sequence[int]) -> list[Any]:
        """One column's values for rows ``at`` (None where the row lacks the group)."""
        columns = self.groups.get(group)
        if columns is None:
            return [None] * len(at)
        found = pick(columns[index], at)
        missing = self.absent.get(group)
        if missing:
            found = [None if i in missing else v for i, v in zip(at, found, strict=True)]
        return found

    def items(self, at: Sequence[int]) -> set[str]:
        """The copies rows ``at`` refer to (a loan's, a hold's copy): their status may change."""
        found: set[str] = set()
        for group, index in ITEM_AT[self.table.name]:
            found.update(filter(None, self.column(group, index, at)))
        return found


def _ints(values: Any, below: int) -> TypeGuard[list[int]]:
    """A list of row (or node) numbers in ``range(below)``; checked at C speed."""
    return (
        type(values) is list
        and set(map(type, values)) <= {int}
        and (not values or 0 <= min(values) <= max(values) < below)
    )


def read_columns(table: Table, member: Any) -> Batch:
    """A member of format 2 as a batch; ``ValueError`` for anything of the wrong shape, which
    refuses the whole bundle."""
    if type(member) is not dict or not set(member) <= _KEYS:
        raise ValueError(table.name)
    sizes = _SIZES[table.name]
    pks, hlcs, node_at, nodes = member.get("pk"), member.get("hlc"), member.get("node"), member.get("nodes")
    if type(pks) is not list or set(map(type, pks)) - {str} or type(nodes) is not list or set(map(type, nodes)) - {str}:
        raise ValueError(table.name)
    count = len(pks)
    if type(hlcs) is not list or len(hlcs) != count or set(map(type, hlcs)) - {int}:
        raise ValueError(table.name)
    if not _ints(node_at, len(nodes)) or len(node_at) != count:
        raise ValueError(table.name)
    deleted = member.get("deleted", [])
    if not _ints(deleted, count):
        raise ValueError(table.name)
    colvers: dict[int, dict[str, Version]] = {}
    for entry in member.get("colvers", []):
        at, versions = entry
        if type(at) is not int or not 0 <= at < count or type(versions) is not dict:
            raise ValueError(table.name)
        colvers[at] = {}
        for group, (stamp, node) in versions.items():
            if group not in sizes or type(stamp) is not int or type(node) is not int or not 0 <= node < len(nodes):
                raise ValueError(f"{table.name}: group {group}")
            colvers[at][group] = (stamp, nodes[node])
    groups = member.get("groups", {})
    if type(groups) is not dict:
        raise ValueError(table.name)
    for group, columns in groups.items():
        if (
            sizes.get(group) is None
            or type(columns) is not list
            or len(columns) != sizes[group]
            or any(type(c) is not list or len(c) != count for c in columns)
        ):
            raise ValueError(f"{table.name}: group {group}")
    absent_in = member.get("absent", {})
    if type(absent_in) is not dict or not set(absent_in) <= set(groups):
        raise ValueError(table.name)
    absent: dict[str, set[int]] = {}
    for group, rows in absent_in.items():
        if not _ints(rows, count):
            raise ValueError(f"{table.name}: group {group}")
        if rows:
            absent[group] = set(rows)
    return Batch(table, pks, hlcs, list(map(nodes.__getitem__, node_at)), set(deleted), colvers, groups, absent)


def read(table: Table, lines: Any) -> Batch:
    """Rows of format 1 (one list a row: ``[pk, "hlc/node", deleted, {group: "hlc/node"} | null,
    {group: [values]}]``) as a batch; ``ValueError`` (or ``TypeError``, ``AttributeError``) for a
    line of the wrong shape, which refuses the whole bundle."""
    if type(lines) is not list:
        raise ValueError(table.name)
    sizes = _SIZES[table.name]
    pks: list[str] = []
    hlcs: list[int] = []
    nodes: list[str] = []
    deleted: set[int] = set()
    colvers: dict[int, dict[str, Version]] = {}
    groups: dict[str, list[list[Any]]] = {name: [[] for _c in range(size)] for name, size in sizes.items()}
    absent: dict[str, set[int]] = {}
    for at, line in enumerate(lines):
        if type(line) is not list or len(line) != 5 or type(line[0]) is not str:
            raise ValueError(table.name)
        pk, version, gone, changed, row = line
        row = row or {}
        if type(row) is not dict:
            raise ValueError(table.name)
        for name, value in row.items():
            # Shape only: a value of the wrong kind (a list, an object) cannot be bound, and SQLite refuses it.
            if type(value) is not list or sizes.get(name) != len(value):
                raise ValueError(f"{table.name}: group {name}")
        pks.append(pk)
        stamp, node = parse_version(version)
        hlcs.append(stamp)
        nodes.append(node)
        if gone:
            deleted.add(at)
        if changed:
            colvers[at] = {g: parse_version(v) for g, v in changed.items() if g in sizes}
        for name, columns in groups.items():
            values: Iterable[Any] = row.get(name) or [None] * len(columns)
            if name not in row:
                absent.setdefault(name, set()).add(at)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
    missing_everywhere = [name for name, rows in absent.items() if len(rows) == len(pks)]
    for name in missing_everywhere:
        del groups[name], absent[name]
    return Batch(table, pks, hlcs, nodes, deleted, colvers, groups, absent)


def columns(table: Table, states: Iterable[tuple[str, RowState]]) -> dict[str, Any]:
    """Rows as a member of format 2 carries them (``read_columns`` reads it back)."""
    sizes = _SIZES[table.name]
    pks: list[str] = []
    hlcs: list[int] = []
    node_at: list[int] = []
    numbered: dict[str, int] = {}
    deleted: list[int] = []
    colvers: list[list[Any]] = []
    groups: dict[str, list[list[Any]]] = {name: [[] for _c in range(size)] for name, size in sizes.items()}
    absent: dict[str, list[int]] = {}
    for at, (pk, state) in enumerate(states):
        pks.append(pk)
        hlcs.append(state.version[0])
        node_at.append(numbered.setdefault(state.version[1], len(numbered)))
        if state.deleted:
            deleted.append(at)
        if state.colvers:
            colvers.append(
                [at, {g: [v[0], numbered.setdefault(v[1], len(numbered))] for g, v in state.colvers.items()}]
            )
        for name, cols in groups.items():
            values = state.values.get(name)
            if values is None:
                absent.setdefault(name, []).append(at)
                values = (None,) * len(cols)
            for column, value in zip(cols, values, strict=True):
                column.append(value)
    member: dict[str, Any] = {"pk": pks, "hlc": hlcs, "node": node_at, "nodes": list(numbered)}
    if deleted:
        member["deleted"] = deleted
    if colvers:
        member["colvers"] = colvers
    member["groups"] = {name: cols for name, cols in groups.items() if len(absent.get(name, ())) < len(pks)}
    kept = {name: rows for name, rows in absent.items() if name in member["groups"]}
    if kept:
        member["absent"] = kept
    return member
