"""Schema versions of a union catalogue kept on PostgreSQL.

The same habit as ``db.migrations``: numbered scripts of frozen SQL, applied forward at
opening, each in one transaction, never importing the live models. A script is numbered
after the SQLite schema version it matches (``p0040_union`` is the SQLite schema 40), so one
number says which ils made a database, whichever engine holds it; the number is kept in
``ils_schema``, PostgreSQL's stand-in for SQLite's ``user_version``. A later SQLite migration
that changes tables gets a sibling here (``tools/pg_schema.py`` translates the SQLite schema;
``tests/union/test_pg_schema.py`` fails until it exists).
"""

from __future__ import annotations

from db.pg_migrations import (
    p0040_union,
    p0070_statistics,
    p0080_sip2_terminals,
    p0081_record_numbers,
    p0082_stats_cache,
    p0083_stats_cache_exact,
)

MIGRATIONS = (
    p0040_union,
    p0070_statistics,
    p0080_sip2_terminals,
    p0081_record_numbers,
    p0082_stats_cache,
    p0083_stats_cache_exact,
)
LATEST_VERSION = MIGRATIONS[-1].VERSION
