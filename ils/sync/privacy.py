"""What of a reader may leave this desk, and what the state hash compares.

A reader's rows (the reader, cards, blocks, consents) leave only while the reader has a
current union-sharing consent and is not anonymised, and then only the shared columns of
``db.sync_spec`` (card number, the keyed hash of the ID number, name, type, home branch,
dates): never the ID number's ciphertext, the phone, the birth date, the guardian or notes,
which are desk-local columns and not in any group. Loans, holds and charges replicate for
every reader, because copy status and statistics need them, but their link to the reader
(the ``reader`` group) only for a reader who shares; the statistics snapshot on each row
(type, age band, home branch) always goes.

A reader who stops sharing (consent withdrawn, card anonymised) is named in the bundle's
``forget.json``; other replicas then drop the reader's rows and links (``apply.forget``).
When a reader starts sharing, the reader's rows and the facts still linked to them go in
the next bundle with the consent, so the union learns the links it was not given before.

The state hash (``statehash``) reads every table through the same projection, so a desk and
the union agree whatever each keeps for itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import Database

from db import dialect
from db.sync_spec import setting_is_local
from ils.sync.merge import RowState

UNION_SHARING = "union_sharing"
READER_ROWS = ("reader_card", "reader_block", "reader_consent", "blind_verification")
LINKED = ("loan", "hold", "charge", "blind_request", "blind_dispatch")


def shareable(database: Database, reader_ids: Iterable[str | None]) -> set[str]:
    ids = {r for r in reader_ids if r}
    if not ids:
        return set()
    rows = database.execute_sql(
        "SELECT r.id FROM reader r WHERE r.anonymised_at IS NULL AND r.id IN "
        + dialect.LISTED
        + " AND EXISTS (SELECT 1 FROM reader_consent c WHERE c.reader_id = r.id AND c.kind = ?"
        " AND c.withdrawn_at IS NULL)",
        (dialect.listed(ids), UNION_SHARING),
    )
    return {r for (r,) in rows}


def all_shareable(database: Database) -> set[str]:
    rows = database.execute_sql(
        "SELECT r.id FROM reader r WHERE r.anonymised_at IS NULL AND EXISTS (SELECT 1 FROM reader_consent c"
        " WHERE c.reader_id = r.id AND c.kind = ? AND c.withdrawn_at IS NULL)",
        (UNION_SHARING,),
    )
    return {r for (r,) in rows}


def _reader_of(table: str, state: RowState) -> str | None:
    group = "reader" if table in LINKED else "reader_id"
    values = state.values.get(group)
    return values[0] if values else None


def project(
    database: Database, table: str, states: dict[str, RowState], sharing: set[str] | None = None
) -> tuple[dict[str, RowState], set[str]]:
    """The rows of ``table`` as they may leave this desk, and the readers others must forget.

    ``sharing``: the readers known to share (computed here from the rows when not given).
    """
    forget: set[str] = set()
    if table == "setting":
        return {pk: s for pk, s in states.items() if not setting_is_local(pk)}, forget
    if table not in ("reader", *READER_ROWS, *LINKED):
        return states, forget
    if sharing is None:
        readers = states.keys() if table == "reader" else (_reader_of(table, s) for s in states.values())
        sharing = shareable(database, readers)
    kept: dict[str, RowState] = {}
    for pk, state in states.items():
        if state.deleted:
            kept[pk] = state
            continue
        reader = pk if table == "reader" else _reader_of(table, state)
        if table in LINKED:
            if reader is not None and reader not in sharing:
                state = RowState(
                    state.version, False, dict(state.colvers), {g: v for g, v in state.values.items() if g != "reader"}
                )
            kept[pk] = state
        elif reader in sharing:
            kept[pk] = state
        elif reader is not None:
            forget.add(reader)
    return kept, forget


def linked_rows(database: Database, reader_ids: set[str]) -> dict[str, list[str]]:
    """Every row of the readers who now share (their rows and the facts still linked to them)."""
    if not reader_ids:
        return {}
    found: dict[str, list[str]] = {"reader": sorted(reader_ids)}
    for table in (*READER_ROWS, *LINKED):
        found[table] = [
            pk
            for (pk,) in database.execute_sql(
                f"SELECT id FROM {table} WHERE reader_id IN {dialect.LISTED} ORDER BY id", (dialect.listed(reader_ids),)
            )
        ]
    return found
