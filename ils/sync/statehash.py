"""One hash per replicated table over its rows as they may be shared: equal wherever the same
changes were applied, whatever the order they came in.

Rows are read in key order through the privacy projection (``privacy``): only readers who
share, only library-wide settings, a fact's link to its reader only when the reader shares.
Desk-local columns (the full-text number, rows held apart) are not replicated and not hashed;
a derived column (a copy's status) is hashed as shown, since every replica derives it the
same way from the same facts.
"""

from __future__ import annotations

import hashlib
import json

from peewee import Database

from db import dialect
from db.sync_spec import TABLES, Table, setting_is_local
from ils.sync import privacy


def _table_hash(database: Database, table: Table, sharing: set[str]) -> str:
    digest = hashlib.sha256()
    key = dialect.pk_expression(database, table.pk)
    select = (
        f"SELECT {', '.join([key, *(f't.{c}' for c in table.columns)])} FROM {table.name} t"
        f" ORDER BY {', '.join('t.' + c for c in table.pk)}"
    )
    linked = "reader_id" in table.columns
    reader_at = table.columns.index("reader_id") if linked else 0
    for row in database.execute_sql(select):
        pk, values = row[0], list(row[1:])
        if table.name == "setting" and setting_is_local(pk):
            continue
        if table.name == "reader" and pk not in sharing:
            continue
        if linked and table.name in privacy.READER_ROWS and values[reader_at] not in sharing:
            continue
        if (
            linked
            and table.name in privacy.LINKED
            and values[reader_at] is not None
            and values[reader_at] not in sharing
        ):
            values[reader_at] = None
        digest.update(json.dumps([pk, values], ensure_ascii=False, separators=(",", ":")).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def state_hash(database: Database) -> dict[str, str]:
    """``{table: sha256}`` for every replicated table, and ``*`` over them all."""
    sharing = privacy.all_shareable(database)
    hashes = {table.name: _table_hash(database, table, sharing) for table in TABLES}
    hashes["*"] = hashlib.sha256("".join(hashes[t.name] for t in TABLES).encode()).hexdigest()
    return hashes
