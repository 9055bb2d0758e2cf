"""Merging two states of one row, group by group: pure functions, the same on every replica.

A version is ``(hlc, node)``; two versions are never equal unless they name the same change,
because the node breaks ties between equal stamps. Each group of columns (``db.sync_spec``)
merges by its kind; every kind is a join of a semilattice (commutative, associative,
idempotent), which is why the order bundles arrive in does not matter.

``merge_row`` returns the merged state and the contradictions it saw: two different ends of
one loan (returned here, reported lost there), or one hold collected or kept with two
different copies. Those become conflicts for a person; the merge itself still decides a
state deterministically, so every replica shows the same thing until someone resolves it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from db.sync_spec import DEIDENT, EARLIEST, HOLD, LWW, MAX, Table

Version = tuple[int, str]
GENESIS: Version = (0, "")
HOLD_ENDED = ("fulfilled", "cancelled", "expired")
HOLD_KEPT = ("in_transit", "ready")


@functools.lru_cache(maxsize=65536)
def parse_version(text: str) -> Version:
    """``"hlc/node"`` as a version; cached, since the rows of one write share their version."""
    hlc, _slash, node = text.partition("/")
    return int(hlc), node


def format_version(version: Version) -> str:
    return f"{version[0]}/{version[1]}"


@dataclass
class RowState:
    """One row as a replica holds it: alive or a tombstone, its versions, its group values.

    ``version`` is the row's existence version (its creation, or its deletion when
    ``deleted``) and the version of every group not named in ``colvers``. ``values`` has one
    tuple per group this replica knows (a privacy projection may leave groups out); a
    tombstone keeps the values the row had when it was deleted.
    """

    version: Version
    deleted: bool
    colvers: dict[str, Version] = field(default_factory=dict)
    values: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def group_version(self, group: str) -> Version:
        return self.colvers.get(group, self.version)


Pick = tuple[tuple[Any, ...], Version]


def _lww(a: Pick, b: Pick) -> Pick:
    return a if a[1] >= b[1] else b


def _earlier(a: Pick, b: Pick, index: int) -> Pick:
    """Of two picks whose column ``index`` is set, the one with the earlier value; then the later version."""
    value_a, value_b = a[0][index], b[0][index]
    if value_a != value_b:
        return a if value_a < value_b else b
    return _lww(a, b)


def _earliest(a: Pick, b: Pick) -> Pick:
    """Set once: a value beats no value; of two values the earlier (its first column) wins."""
    set_a, set_b = a[0][0] is not None, b[0][0] is not None
    if set_a and set_b:
        return _earlier(a, b, 0)
    if set_a != set_b:
        return a if set_a else b
    return _lww(a, b)


def _max(a: Pick, b: Pick) -> Pick:
    value_a, value_b = a[0][0], b[0][0]
    if value_a == value_b:
        return _lww(a, b)
    if value_a is None or value_b is None:
        return a if value_b is None else b
    return a if value_a > value_b else b


def _deident(a: Pick, b: Pick) -> Pick:
    """(reader_id, deidentified_at): once cut from its reader, a row stays cut (at the earliest cut)."""
    cut_a, cut_b = a[0][1] is not None, b[0][1] is not None
    if cut_a and cut_b:
        return _earlier(a, b, 1)
    if cut_a != cut_b:
        return a if cut_a else b
    return _lww(a, b)


def _hold(a: Pick, b: Pick) -> Pick:
    """(state, trapped_item_id, trapped_at, ready_at, expires_on, ended_at, end_reason): an ended hold
    stays ended, at its earliest end; before that the later change wins."""
    ended_a, ended_b = a[0][0] in HOLD_ENDED, b[0][0] in HOLD_ENDED
    if ended_a and ended_b:
        return _earlier(a, b, 5)
    if ended_a != ended_b:
        return a if ended_a else b
    return _lww(a, b)


MERGES = {LWW: _lww, EARLIEST: _earliest, MAX: _max, DEIDENT: _deident, HOLD: _hold}


@dataclass(frozen=True)
class Seen:
    """A contradiction noticed while merging (the conflict module names and files it)."""

    kind: str
    table: str
    pk: str


def _contradiction(table: Table, group: str, pk: str, a: Pick, b: Pick) -> Seen | None:
    if a[1] == b[1] or a[0] == b[0]:
        return None
    if table.name == "loan" and group == "end" and a[0][0] is not None and b[0][0] is not None:
        return Seen("loan_ended_twice", "loan", pk)
    if table.name == "hold" and group == "state":
        state_a, state_b = a[0][0], b[0][0]
        if state_a == state_b == "fulfilled":
            return Seen("hold_filled_twice", "hold", pk)
        kept_a = state_a in HOLD_KEPT or state_a == "fulfilled"
        kept_b = state_b in HOLD_KEPT or state_b == "fulfilled"
        if kept_a and kept_b and a[0][1] and b[0][1] and a[0][1] != b[0][1]:
            return Seen("hold_filled_twice", "hold", pk)
    return None


def merge_row(table: Table, pk: str, local: RowState | None, remote: RowState) -> tuple[RowState, list[Seen]]:
    """The state both replicas agree on once each has seen the other's.

    Whether the row exists is a register of its own (its creations and deletions, the later one
    wins); each group merges by its kind whether or not the row exists at the moment, since a
    tombstone keeps the values the row had (``RowState.values``). Every part is a join, so the
    whole is one.
    """
    if local is None:
        return remote, []
    seen: list[Seen] = []
    version = max(local.version, remote.version)
    deleted = (local if local.version >= remote.version else remote).deleted
    values: dict[str, tuple[Any, ...]] = {}
    versions: dict[str, Version] = {}
    for group in table.groups:
        ours = (
            (tuple(local.values[group.name]), local.group_version(group.name)) if group.name in local.values else None
        )
        theirs = (
            (tuple(remote.values[group.name]), remote.group_version(group.name))
            if group.name in remote.values
            else None
        )
        if ours is None or theirs is None:
            if (only := ours or theirs) is not None:
                values[group.name], versions[group.name] = only
            continue
        if not (local.deleted or remote.deleted) and (found := _contradiction(table, group.name, pk, ours, theirs)):
            seen.append(found)
        values[group.name], versions[group.name] = MERGES[group.merge](ours, theirs)
    colvers = {g: v for g, v in versions.items() if v != version}
    return RowState(version, deleted, colvers, values), seen
