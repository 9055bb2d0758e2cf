"""One table's rows from a bundle, column by column, as the parser read them.

A bundle line is ``[pk, "hlc/node", deleted, {group: "hlc/node"} | null, {group: [values]}]``.
The import keeps each member as lists (keys, versions, tombstone flags, group versions, group
values) instead of one ``RowState`` per row: a row this replica does not hold yet goes from
these lists straight to ``executemany`` (``rows.insert_new``), and only a row it already holds
is decoded into a ``RowState`` to be merged. At county scale almost every row of a first load,
and every new loan of a day, is such a row.

Every line is checked for shape here, before anything is stored: a value of the wrong kind
inside a group (a list, an object) is left for the database to refuse when it is bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from db.sync_spec import TABLES, Table
from ils.sync.merge import RowState, Version, parse_version

_SIZES = {t.name: {g.name: len(g.columns) for g in t.groups} for t in TABLES}
_ITEM_COLUMNS = {
    "loan": ("item_id",),
    "transit": ("item_id",),
    "hold": ("item_id", "trapped_item_id"),
    "rotation_item": ("item_id",),
}


def _item_positions(table: Table) -> tuple[tuple[str, int], ...]:
    """Where a table's references to a copy sit: (group, index in the group)."""
    return tuple(
        (g.name, g.columns.index(c)) for g in table.groups for c in _ITEM_COLUMNS.get(table.name, ()) if c in g.columns
    )


ITEM_AT = {t.name: _item_positions(t) for t in TABLES}


@dataclass
class Batch:
    """The rows of one member: ``pks[i]``, ``versions[i]``, ``deleted[i]``, ``colvers[i]`` (the
    group versions, empty for most rows) and ``values[i]`` (``{group: [values]}``, as parsed)."""

    table: Table
    pks: list[str]
    versions: list[Version]
    deleted: list[bool]
    colvers: list[dict[str, Version]]
    values: list[dict[str, list[Any]]]

    def __len__(self) -> int:
        return len(self.pks)

    @property
    def highest(self) -> int:
        """The latest stamp any row carries (0 for no rows)."""
        stamps = [v[0] for v in self.versions]
        stamps += [v[0] for versions in self.colvers if versions for v in versions.values()]
        return max(stamps, default=0)

    def state(self, at: int) -> RowState:
        """Row ``at`` as a ``RowState``, for a row this replica already holds (the merge path)."""
        values = self.values[at]
        return RowState(
            self.versions[at],
            self.deleted[at],
            dict(self.colvers[at]),
            {name: tuple(group) for name, group in values.items()},
        )

    def states(self) -> list[tuple[str, RowState]]:
        return [(pk, self.state(at)) for at, pk in enumerate(self.pks)]

    def restamped(self, fix: Callable[[Version], Version]) -> Batch:
        """The same rows with every version passed through ``fix`` (a released quarantined bundle)."""
        return Batch(
            self.table,
            self.pks,
            [fix(v) for v in self.versions],
            self.deleted,
            [{g: fix(v) for g, v in versions.items()} for versions in self.colvers],
            self.values,
        )

    def items(self, at: Sequence[int]) -> set[str]:
        """The copies rows ``at`` refer to (a loan's, a hold's copy): their status may change."""
        found: set[str] = set()
        for group, index in ITEM_AT[self.table.name]:
            found.update(v[group][index] for v in (self.values[i] for i in at) if group in v and v[group][index])
        return found


def read(table: Table, lines: Any) -> Batch:
    """A member's parsed lines as a batch; ``ValueError`` (or ``TypeError``, ``AttributeError``)
    for a line of the wrong shape, which refuses the whole bundle."""
    if type(lines) is not list:
        raise ValueError(table.name)
    sizes = _SIZES[table.name]
    names, lengths = tuple(sizes), tuple(sizes.values())
    lists = [list] * len(sizes)
    pks: list[str] = []
    versions: list[Version] = []
    deleted: list[bool] = []
    colvers: list[dict[str, Version]] = []
    values: list[dict[str, list[Any]]] = []
    for line in lines:
        if type(line) is not list or len(line) != 5 or type(line[0]) is not str:
            raise ValueError(table.name)
        pk, version, gone, groups, row = line
        if not row:
            row = {}
        elif type(row) is not dict or not (
            # Every group, in the spec's order, as this desk's bundles carry them: checked without a loop.
            tuple(row) == names and tuple(map(len, row.values())) == lengths and list(map(type, row.values())) == lists
        ):
            for name, value in row.items():
                # Shape only: a value of the wrong kind (a list, an object) cannot be bound, and SQLite refuses it.
                if type(value) is not list or sizes.get(name) != len(value):
                    raise ValueError(f"{table.name}: group {name}")
        pks.append(pk)
        versions.append(parse_version(version))
        deleted.append(bool(gone))
        colvers.append({g: parse_version(v) for g, v in groups.items() if g in sizes} if groups else {})
        values.append(row)
    return Batch(table, pks, versions, deleted, colvers, values)
