"""PostgreSQL schema 80 of the union: SQLite's m0080 (the SIP2 terminals' table, desk-local, so
no capture trigger), translated by ``tools/pg_schema.py``'s rules and frozen here.
"""

from __future__ import annotations

from typing import Any

VERSION = 80

TABLES = (
    'CREATE TABLE sip2_terminal (\n        id TEXT COLLATE "C" PRIMARY KEY NOT NULL,\n        account TEXT COLLATE "C" NOT NULL UNIQUE,\n        password_hash TEXT COLLATE "C" NOT NULL,\n        name TEXT COLLATE "C" NOT NULL DEFAULT \'\',\n        service_point_id TEXT COLLATE "C" NOT NULL REFERENCES service_point (id),\n        encoding TEXT COLLATE "C" NOT NULL DEFAULT \'utf-8\' CHECK (encoding IN (\'utf-8\', \'gbk\')),\n        terminator TEXT COLLATE "C" NOT NULL DEFAULT \'cr\' CHECK (terminator IN (\'cr\', \'crlf\')),\n        error_detection BIGINT NOT NULL DEFAULT 1 CHECK (error_detection IN (0, 1)),\n        delimiter TEXT COLLATE "C" NOT NULL DEFAULT \'|\' CHECK (length(delimiter) = 1),\n        language TEXT COLLATE "C" NOT NULL DEFAULT \'zh_CN\',\n        idle_timeout_s BIGINT NOT NULL DEFAULT 900 CHECK (idle_timeout_s BETWEEN 480 AND 86400),\n        allowed_addresses TEXT COLLATE "C" NOT NULL DEFAULT \'127.0.0.1,::1\',\n        active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),\n        failed_logins BIGINT NOT NULL DEFAULT 0,\n        locked_until TEXT COLLATE "C",\n        created_at TEXT COLLATE "C" NOT NULL,\n        updated_at TEXT COLLATE "C" NOT NULL\n    )',
)

# Desk-local: nothing here is captured.
CAPTURED: dict[str, dict[str, Any]] = {}


def apply(execute) -> None:
    for statement in TABLES:
        execute(statement)
