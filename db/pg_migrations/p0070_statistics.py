"""PostgreSQL schema 70 of the union: SQLite's m0070 (the yearly inputs and report texts, both
replicated, with their capture triggers; the covering indexes of the statistics), translated by
``tools/pg_schema.py``'s rules and frozen here.
"""

from __future__ import annotations

from typing import Any

from db.pg_migrations.capture import table_trigger

VERSION = 70

TABLES = (
    """CREATE TABLE stats_input (
        id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        year BIGINT NOT NULL CHECK (year BETWEEN 1900 AND 2200),
        code TEXT COLLATE "C" NOT NULL,
        value TEXT COLLATE "C" NOT NULL,
        source TEXT COLLATE "C" NOT NULL,
        entered_by TEXT COLLATE "C",
        entered_at TEXT COLLATE "C" NOT NULL,
        UNIQUE (year, code)
    )""",
    """CREATE TABLE stats_text (
        id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        year BIGINT NOT NULL CHECK (year BETWEEN 1900 AND 2200),
        kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('summary', 'plan')),
        body TEXT COLLATE "C" NOT NULL,
        written_by TEXT COLLATE "C",
        written_at TEXT COLLATE "C" NOT NULL,
        UNIQUE (year, kind)
    )""",
    """CREATE INDEX loan_stats ON loan (loaned_at, branch_id, service_point_id, reader_type, age_band,
        reader_branch_id, reader_id, item_type)""",
    "CREATE INDEX loan_returns ON loan (ended_at, ended_as, end_branch_id, branch_id, end_service_point_id)",
    "CREATE INDEX loan_renewal_stats ON loan_renewal (renewed_at, branch_id, service_point_id)",
)

CAPTURED: dict[str, dict[str, Any]] = {
    "stats_input": {
        "pk": ["id"],
        "groups": [["key", ["year", "code"]], ["value", ["value", "source", "entered_by", "entered_at"]]],
        "derived": [],
    },
    "stats_text": {
        "pk": ["id"],
        "groups": [["key", ["year", "kind"]], ["text", ["body", "written_by", "written_at"]]],
        "derived": [],
    },
}


def apply(execute) -> None:
    for statement in TABLES:
        execute(statement)
    for table, spec in CAPTURED.items():
        for statement in table_trigger(table, spec):
            execute(statement)
