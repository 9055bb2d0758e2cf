"""PostgreSQL schema 82 of the union: SQLite's m0082, translated by ``tools/pg_schema.py``'s rules
and frozen here — the tables, so both engines hold the same schema, and the two indexes.

Without the triggers: on a server many transactions run at once, and the one epoch row every
change would raise is a row every import would update once per row it writes (a million
versions of one row in one transaction). So a union on PostgreSQL keeps no figures
(``ils.stats.cache`` counts from the rows there every time); its tables stay empty, and
``migrate-to`` leaves them behind.
"""

from __future__ import annotations

from typing import Any

VERSION = 82

TABLES = (
    """CREATE TABLE stats_cache (
        code TEXT COLLATE "C" NOT NULL,
        dimension TEXT COLLATE "C" NOT NULL,
        year BIGINT NOT NULL,
        tables TEXT COLLATE "C" NOT NULL,
        counted TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (code, dimension, year)
    )""",
    "CREATE INDEX stats_cache_year ON stats_cache (year)",
    """CREATE TABLE stats_cache_epoch (
        id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
        epoch BIGINT NOT NULL
    )""",
    "CREATE INDEX loan_media ON loan (item_type, loaned_at)",
    "CREATE INDEX reader_type_since ON reader (reader_type, created_at)",
)

# Desk-local: nothing here is captured.
CAPTURED: dict[str, dict[str, Any]] = {}


def apply(execute) -> None:
    for statement in TABLES:
        execute(statement)
