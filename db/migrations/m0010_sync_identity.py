"""Schema version 10: one id per reference row on every desk, and room for facts kept apart.

Design notes that the frozen SQL cannot say:

- Branches, service points, locations and calendar days were keyed by a fresh UUIDv7 on
  every ``ils init``, so two desks gave branch ZG two ids and a sync could never merge them.
  They are now keyed by a name-based id, UUIDv5 of ``kind:code`` (a calendar day by its
  branch code, or ``*``, and the day). This script rewrites the ids of existing rows and
  every column that refers to them, found through the foreign keys of every table (so a
  table added by another script is rewritten too), and the ``node.branch_id`` setting.
  The journal keeps the old ids in its data: it is the append-only record of what was.
- Two desks working offline can make two rows that the union must keep although they
  break a uniqueness rule: a copy lent at both (two open loans), one barcode given to two
  copies, one card number or one person registered twice, a copy trapped for two holds,
  sent twice, a consent given twice. Both are facts, so both are kept and a person decides
  (``sync_conflict``, m0011). Each such rule's unique index now includes ``sync_apart``, a
  desk-local number: 0 for every ordinary row, the row's own ``rowid`` while the row is
  held apart in a conflict. Lookups by the first column still use the index.
- ``item.barcode``, ``reader.card_number`` and ``reader_card.card_number`` were declared
  UNIQUE inline, which only a table rebuild can change; ``number_range.kind`` gains
  ``card`` (per-node blocks of card numbers) and ``loan.ended_as`` gains ``resolved`` (the
  loan a person closed when settling a conflict), which are CHECK constraints, also only
  changed by a rebuild. The rebuild starts from the table's stored CREATE statement, so a
  column or index added by an earlier script survives it.
"""

from __future__ import annotations

import re
import uuid

VERSION = 10
REBUILDS_TABLES = True

# Frozen copy of ``db.ids.ILS_NAMESPACE``.
NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-5e90-8a41-2c6d0e9b7f35")
REFERENCE_TABLES = ("branch", "service_point", "location")


def _reference_id(kind: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{code}"))


def _id_map(execute) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for table in REFERENCE_TABLES:
        for row_id, code in execute(f"SELECT id, code FROM {table}").fetchall():
            mapping[row_id] = _reference_id(table, code)
    days = execute("SELECT c.id, b.code, c.day FROM calendar_day c LEFT JOIN branch b ON b.id = c.branch_id")
    for row_id, branch_code, day in days.fetchall():
        mapping[row_id] = _reference_id("calendar_day", f"{branch_code or '*'}:{day}")
    return {old: new for old, new in mapping.items() if old != new}


def _tables(execute) -> list[str]:
    return [
        name
        for (name,) in execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%' ORDER BY name"
        )
    ]


def _referring_columns(execute) -> dict[str, list[str]]:
    """Every column, in every table, whose foreign key points at a reference table."""
    found: dict[str, list[str]] = {}
    for table in _tables(execute):
        for row in execute(f"PRAGMA foreign_key_list({table})").fetchall():
            if row[2] in REFERENCE_TABLES:
                found.setdefault(table, []).append(row[3])
    for table in (*REFERENCE_TABLES, "calendar_day"):
        found.setdefault(table, []).insert(0, "id")
    return found


def _mapped(column: str, columns: list[str]) -> str:
    return f"COALESCE((SELECT new FROM _idmap WHERE old = {column}), {column})" if column in columns else column


def _rewrite(execute, table: str, columns: list[str]) -> None:
    sets = ", ".join(f"{c} = {_mapped(c, columns)}" for c in columns)
    where = " OR ".join(f"{c} IN (SELECT old FROM _idmap)" for c in columns)
    execute(f"UPDATE {table} SET {sets} WHERE {where}")


def _rebuild(execute, table: str, edits: tuple[tuple[str, str], ...], mapped: list[str]) -> None:
    """SQLite's table rebuild: a new table from the edited CREATE statement, the rows copied
    (with reference ids rewritten on the way), the old table dropped, the new one renamed,
    and the old indexes and triggers made again."""
    (create,) = execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    indexes = execute(
        "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ?"
        " AND sql IS NOT NULL ORDER BY type",
        (table,),
    ).fetchall()
    for pattern, replacement in edits:
        create, count = re.subn(pattern, replacement, create, count=1)
        if count != 1:
            raise RuntimeError(f"m0010: {pattern!r} not found in the definition of {table}")
    create, count = re.subn(r'^CREATE TABLE\s+("?)' + table + r"\1\s*\(", f"CREATE TABLE _new_{table} (", create)
    if count != 1:
        raise RuntimeError(f"m0010: cannot read the definition of {table}")
    columns = [row[1] for row in execute(f"PRAGMA table_info({table})").fetchall()]
    execute(create)
    execute(
        f"INSERT INTO _new_{table} ({', '.join(columns)}) SELECT {', '.join(_mapped(c, mapped) for c in columns)}"
        f" FROM {table}"
    )
    execute(f"DROP TABLE {table}")
    execute(f"ALTER TABLE _new_{table} RENAME TO {table}")
    for (sql,) in indexes:
        execute(sql)


_NOT_UNIQUE = r"NOT NULL UNIQUE"
REBUILDS: dict[str, tuple[tuple[str, str], ...]] = {
    "item": ((r"barcode TEXT " + _NOT_UNIQUE, "barcode TEXT NOT NULL"),),
    "reader": ((r"card_number TEXT " + _NOT_UNIQUE, "card_number TEXT NOT NULL"),),
    "reader_card": ((r"card_number TEXT " + _NOT_UNIQUE, "card_number TEXT NOT NULL"),),
    "number_range": ((r"kind IN \('book_number', 'barcode'\)", "kind IN ('book_number', 'barcode', 'card')"),),
    "loan": (
        (
            r"ended_as IN \('returned', 'lost', 'written_off'\)",
            "ended_as IN ('returned', 'lost', 'written_off', 'resolved')",
        ),
    ),
}

APART = "ALTER TABLE {table} ADD COLUMN sync_apart INTEGER NOT NULL DEFAULT 0"
APART_TABLES = ("item", "reader", "reader_card", "loan", "hold", "transit", "reader_consent")

INDEXES = (
    "CREATE UNIQUE INDEX item_barcode ON item (barcode, sync_apart)",
    "CREATE UNIQUE INDEX reader_card_number ON reader (card_number, sync_apart)",
    "CREATE UNIQUE INDEX reader_card_card_number ON reader_card (card_number, sync_apart)",
    "DROP INDEX reader_one_card_per_person",
    """CREATE UNIQUE INDEX reader_one_card_per_person ON reader (id_hash, sync_apart)
       WHERE cancelled_at IS NULL AND id_hash IS NOT NULL""",
    "DROP INDEX loan_open_item",
    "CREATE UNIQUE INDEX loan_open_item ON loan (item_id, sync_apart) WHERE ended_at IS NULL",
    "DROP INDEX hold_trapped_item",
    """CREATE UNIQUE INDEX hold_trapped_item ON hold (trapped_item_id, sync_apart)
       WHERE state IN ('in_transit', 'ready')""",
    "DROP INDEX transit_open_item",
    "CREATE UNIQUE INDEX transit_open_item ON transit (item_id, sync_apart) WHERE received_at IS NULL",
    "DROP INDEX reader_consent_current",
    """CREATE UNIQUE INDEX reader_consent_current ON reader_consent (reader_id, kind, sync_apart)
       WHERE withdrawn_at IS NULL""",
)


def apply(execute) -> None:
    mapping = _id_map(execute)
    execute("CREATE TEMP TABLE _idmap (old TEXT PRIMARY KEY, new TEXT NOT NULL)")
    for old, new in mapping.items():
        execute("INSERT INTO _idmap (old, new) VALUES (?, ?)", (old, new))
    referring = _referring_columns(execute)
    for table, edits in REBUILDS.items():
        _rebuild(execute, table, edits, referring.pop(table, []))
    for table, columns in referring.items():
        _rewrite(execute, table, columns)
    execute(
        "UPDATE setting SET value = (SELECT new FROM _idmap WHERE old = value)"
        " WHERE key = 'node.branch_id' AND value IN (SELECT old FROM _idmap)"
    )
    execute("DROP TABLE _idmap")
    for table in APART_TABLES:
        execute(APART.format(table=table))
    for statement in INDEXES:
        execute(statement)
