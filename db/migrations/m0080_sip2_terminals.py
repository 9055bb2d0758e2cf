"""Schema version 80: the self-service machines (SIP2 terminals) of the 24-hour room.

Design notes that the frozen SQL cannot say:

- ``sip2_terminal``: one row per self-check machine (or kiosk). The machine logs in with
  ``account`` and a password hashed like a staff password (scrypt, ``ils.passwords``); its
  wrong passwords are counted in ``failed_logins`` and lock it until ``locked_until``.
- What a machine speaks is its own: ``encoding`` (``utf-8`` or ``gbk``), the ``terminator``
  it is answered with (``cr`` or ``crlf``; both are accepted from it), ``error_detection``
  (AY sequence numbers and AZ checksums), the field ``delimiter``, the ``language`` of its
  screen messages and ``idle_timeout_s`` (at least 8 minutes: machines poll with 99 every
  5 to 7 minutes). ``service_point_id`` is where its loans count. ``allowed_addresses``:
  the IP addresses or networks it may connect from (comma-separated; loopback by default).
- Desk-local (``db.sync_spec.DESK_TABLES``): a machine logs in at the desk that serves it,
  like a staff account, and its password hash has no business in a bundle.
"""

from __future__ import annotations

VERSION = 80

STATEMENTS = (
    """CREATE TABLE sip2_terminal (
        id TEXT PRIMARY KEY NOT NULL,
        account TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        service_point_id TEXT NOT NULL REFERENCES service_point (id),
        encoding TEXT NOT NULL DEFAULT 'utf-8' CHECK (encoding IN ('utf-8', 'gbk')),
        terminator TEXT NOT NULL DEFAULT 'cr' CHECK (terminator IN ('cr', 'crlf')),
        error_detection INTEGER NOT NULL DEFAULT 1 CHECK (error_detection IN (0, 1)),
        delimiter TEXT NOT NULL DEFAULT '|' CHECK (length(delimiter) = 1),
        language TEXT NOT NULL DEFAULT 'zh_CN',
        idle_timeout_s INTEGER NOT NULL DEFAULT 900 CHECK (idle_timeout_s BETWEEN 480 AND 86400),
        allowed_addresses TEXT NOT NULL DEFAULT '127.0.0.1,::1',
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
