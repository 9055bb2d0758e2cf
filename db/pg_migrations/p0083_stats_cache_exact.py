"""PostgreSQL schema 83 of the union: SQLite's m0083 remakes m0082's triggers, which a union on
PostgreSQL does not have (p0082 says why), and changes no table. Nothing to do here; the script
exists so one schema number names the same ils on either engine.
"""

from __future__ import annotations

from typing import Any

VERSION = 83

TABLES: tuple[str, ...] = ()

CAPTURED: dict[str, dict[str, Any]] = {}


def apply(execute) -> None:
    for statement in TABLES:
        execute(statement)
