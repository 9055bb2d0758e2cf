"""Schema version 40: periodicals (报刊) — subscriptions, check-in, claims and bound volumes.

Design notes that the frozen SQL cannot say:

- ``serial_title``: a newspaper or magazine the library takes, linked to its CNMARC record (one
  record per title). Its id is name-based on the CN number (国内统一连续出版物号), else the
  ISSN, else the kind and title, so two desks that enter the same title make one row. The
  publication pattern (``frequency`` and ``pattern``, JSON: publishing weekdays, the 春节
  pause, days of the month) predicts the issues of a year; predictions are computed, never
  stored, so a corrected pattern corrects every list at once.
- ``serial_subscription``: one title for one year (id name-based on the title and year, so a
  renewal made at two desks converges): supplier (China Post, an agent, a gift, an
  exchange), prices in fen, copies, where the copies go (``routing``, JSON of location ids and
  copies: a room of the central library or a branch), the year's enumeration (卷, the first
  期 and 总第N期), and whether it was cancelled for the year.
- ``serial_receipt``: one copy of one issue checked in. A fact; its id is name-based on the
  subscription, the issue's number in the year and the copy, so the same copy checked in at
  two desks converges to one row at its earliest receipt. ``retired``: bound into a volume.
- ``serial_claim``: a claim sent to the supplier for a missing issue (id name-based on the
  subscription, the issue and the day, so two desks claiming it the same day make one
  claim). It closes at its earliest close; a received issue answers it wherever the receipt
  was made (the lists read the receipts too).
- ``serial_volume``: a bound volume (合订本) or a historical run entered directly: the copy
  (``item``, item type ``periodical``) and the run it holds, with what was missing from it.
- Change capture: the triggers are generated as m0011 generates them, from ``CAPTURED`` below,
  a frozen copy of this version's part of ``db.sync_spec``.
"""

from __future__ import annotations

from db.migrations.m0011_sync_capture import trigger_statements

VERSION = 40

STATEMENTS = (
    """CREATE TABLE serial_title (
        id TEXT PRIMARY KEY NOT NULL,
        bib_id TEXT NOT NULL REFERENCES bib_record (id),
        title TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('newspaper', 'magazine')),
        issn TEXT,
        cn TEXT,
        post_code TEXT,
        publisher TEXT,
        clc_class TEXT NOT NULL,
        frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'semimonthly', 'monthly', 'bimonthly',
                                                     'quarterly', 'irregular')),
        pattern TEXT NOT NULL DEFAULT '{}',
        lending TEXT NOT NULL DEFAULT 'back_issues' CHECK (lending IN ('none', 'back_issues', 'all')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX serial_title_issn ON serial_title (issn)",
    "CREATE INDEX serial_title_post_code ON serial_title (post_code)",
    """CREATE TABLE serial_subscription (
        id TEXT PRIMARY KEY NOT NULL,
        title_id TEXT NOT NULL REFERENCES serial_title (id),
        year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
        supplier TEXT NOT NULL CHECK (supplier IN ('post', 'agent', 'gift', 'exchange')),
        supplier_name TEXT,
        price_issue_fen INTEGER CHECK (price_issue_fen >= 0),
        price_year_fen INTEGER CHECK (price_year_fen >= 0),
        copies INTEGER NOT NULL CHECK (copies > 0),
        routing TEXT NOT NULL DEFAULT '[]',
        volume INTEGER,
        first_number INTEGER NOT NULL DEFAULT 1,
        first_total INTEGER,
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled')),
        note TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX serial_subscription_year ON serial_subscription (year, title_id)",
    """CREATE TABLE serial_receipt (
        id TEXT PRIMARY KEY NOT NULL,
        subscription_id TEXT NOT NULL REFERENCES serial_subscription (id),
        number INTEGER NOT NULL CHECK (number > 0),
        copy INTEGER NOT NULL CHECK (copy > 0),
        issue_date TEXT NOT NULL,
        volume INTEGER,
        total INTEGER,
        location_id TEXT REFERENCES location (id),
        received_at TEXT NOT NULL,
        received_by TEXT,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        via TEXT NOT NULL CHECK (via IN ('scan', 'day', 'manual')),
        note TEXT,
        retired_at TEXT,
        bound_volume_id TEXT
    )""",
    "CREATE INDEX serial_receipt_issue ON serial_receipt (subscription_id, number)",
    "CREATE INDEX serial_receipt_day ON serial_receipt (received_at)",
    """CREATE TABLE serial_claim (
        id TEXT PRIMARY KEY NOT NULL,
        subscription_id TEXT NOT NULL REFERENCES serial_subscription (id),
        number INTEGER NOT NULL CHECK (number > 0),
        copies INTEGER NOT NULL CHECK (copies > 0),
        supplier TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        claimed_by TEXT,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        closed_at TEXT,
        closed_as TEXT CHECK (closed_as IN ('received', 'cancelled'))
    )""",
    "CREATE INDEX serial_claim_issue ON serial_claim (subscription_id, number)",
    """CREATE TABLE serial_volume (
        id TEXT PRIMARY KEY NOT NULL,
        title_id TEXT NOT NULL REFERENCES serial_title (id),
        item_id TEXT NOT NULL REFERENCES item (id),
        year INTEGER NOT NULL,
        run TEXT NOT NULL,
        label TEXT NOT NULL,
        first_date TEXT,
        last_date TEXT,
        issues INTEGER NOT NULL DEFAULT 0,
        missing TEXT NOT NULL DEFAULT '[]',
        historical INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        created_by TEXT
    )""",
    "CREATE INDEX serial_volume_title ON serial_volume (title_id, year)",
    "CREATE INDEX serial_volume_item ON serial_volume (item_id)",
)

# table -> (primary key columns, groups of columns). Frozen copy of this version's tables in
# db.sync_spec.TABLES.
CAPTURED: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "serial_title": (
        ("id",),
        tuple(
            (c, (c,))
            for c in (
                "bib_id",
                "title",
                "kind",
                "issn",
                "cn",
                "post_code",
                "publisher",
                "clc_class",
                "frequency",
                "pattern",
                "lending",
                "created_at",
                "updated_at",
            )
        ),
    ),
    "serial_subscription": (
        ("id",),
        (
            *(
                (c, (c,))
                for c in (
                    "title_id",
                    "year",
                    "supplier",
                    "supplier_name",
                    "price_issue_fen",
                    "price_year_fen",
                    "copies",
                    "routing",
                )
            ),
            ("numbering", ("volume", "first_number", "first_total")),
            *((c, (c,)) for c in ("state", "note", "created_at", "updated_at")),
        ),
    ),
    "serial_receipt": (
        ("id",),
        (
            ("made", ("subscription_id", "number", "copy", "issue_date", "volume", "total", "location_id")),
            ("received", ("received_at", "received_by", "branch_id", "via", "note")),
            ("retired", ("retired_at", "bound_volume_id")),
        ),
    ),
    "serial_claim": (
        ("id",),
        (
            ("made", ("subscription_id", "number", "copies", "supplier", "claimed_at", "claimed_by", "branch_id")),
            ("closed", ("closed_at", "closed_as")),
        ),
    ),
    "serial_volume": (
        ("id",),
        tuple(
            (c, (c,))
            for c in (
                "title_id",
                "item_id",
                "year",
                "run",
                "label",
                "first_date",
                "last_date",
                "issues",
                "missing",
                "historical",
                "created_at",
                "created_by",
            )
        ),
    ),
}


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
    for table, (pk, groups) in CAPTURED.items():
        for statement in trigger_statements(table, pk, groups):
            execute(statement)
