"""PostgreSQL schema 81 of the union: SQLite's m0081 (every record's short number, replicated in a
group of its own, so ``bib_record``'s capture trigger is made again with the new spec). The union
holds no number range, so it numbers nothing itself: the numbers arrive from the desks.
"""

from __future__ import annotations

from typing import Any

from db.pg_migrations.capture import table_trigger

VERSION = 81

TABLES = (
    "ALTER TABLE bib_record ADD COLUMN number BIGINT",
    "CREATE UNIQUE INDEX bib_record_number ON bib_record (number)",
)

CAPTURED: dict[str, dict[str, Any]] = {
    "bib_record": {
        "pk": ["id"],
        "groups": [
            [
                "marc",
                [
                    "format",
                    "marc",
                    "title",
                    "parallel_title",
                    "other_title",
                    "responsibility",
                    "edition",
                    "publisher",
                    "place",
                    "year",
                    "isbn",
                    "clc_class",
                    "subjects",
                    "series",
                    "price",
                    "material_type",
                    "title_sort",
                    "dedup_key",
                ],
            ],
            ["call", ["call_class", "book_number"]],
            ["number", ["number"]],
            ["source", ["source"]],
            ["deleted", ["deleted"]],
            ["created_at", ["created_at"]],
            ["updated_at", ["updated_at"]],
        ],
        "derived": [],
    },
}


def apply(execute) -> None:
    for statement in TABLES:
        execute(statement)
    for table, spec in CAPTURED.items():
        for statement in table_trigger(table, spec):
            execute(statement)
