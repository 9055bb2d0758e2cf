"""Schema version 70: statistics — the year's manual inputs, the annual report's texts, and the
index the annual figures are counted through.

Design notes that the frozen SQL cannot say:

- ``stats_input``: one figure no system records, for one year (resident population, building
  area, seats, staff, budget, the satisfaction survey's result, digital resources in TB,
  e-books …). Kept as text (a decimal as typed, checked by the service), with its source and
  who entered it when. The id is name-based on the year and the code, so the same input
  entered at two desks is one row; the later entry wins (one group, last writer wins).
- ``stats_text``: a text staff write for a year (``summary`` 工作总结, ``plan`` 工作计划), in
  the report's plain-text form: a line starting ``# `` is a heading. Name-based id on the year
  and the kind; the later save wins.
- ``loan_stats``, ``loan_returns``, ``loan_renewal_stats``: the annual figures count loans by
  month and by the lending branch, desk, reader type, age band or home branch, borrowers by
  reader and day, returns by month and returning branch, renewals by month and branch. These
  indexes hold exactly the columns those counts read, so a year's figures over millions of
  loans are read from the indexes and never from the loan rows themselves.
- Change capture: the triggers are generated as m0011 generates them, from ``CAPTURED`` below,
  a frozen copy of this version's part of ``db.sync_spec``.
"""

from __future__ import annotations

from db.migrations.m0011_sync_capture import trigger_statements

VERSION = 70

STATEMENTS = (
    """CREATE TABLE stats_input (
        id TEXT PRIMARY KEY NOT NULL,
        year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
        code TEXT NOT NULL,
        value TEXT NOT NULL,
        source TEXT NOT NULL,
        entered_by TEXT,
        entered_at TEXT NOT NULL,
        UNIQUE (year, code)
    )""",
    """CREATE TABLE stats_text (
        id TEXT PRIMARY KEY NOT NULL,
        year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
        kind TEXT NOT NULL CHECK (kind IN ('summary', 'plan')),
        body TEXT NOT NULL,
        written_by TEXT,
        written_at TEXT NOT NULL,
        UNIQUE (year, kind)
    )""",
    """CREATE INDEX loan_stats ON loan (loaned_at, branch_id, service_point_id, reader_type, age_band,
        reader_branch_id, reader_id, item_type)""",
    "CREATE INDEX loan_returns ON loan (ended_at, ended_as, end_branch_id, branch_id, end_service_point_id)",
    "CREATE INDEX loan_renewal_stats ON loan_renewal (renewed_at, branch_id, service_point_id)",
)

CAPTURED: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "stats_input": (
        ("id",),
        (
            ("key", ("year", "code")),
            ("value", ("value", "source", "entered_by", "entered_at")),
        ),
    ),
    "stats_text": (
        ("id",),
        (
            ("key", ("year", "kind")),
            ("text", ("body", "written_by", "written_at")),
        ),
    ),
}


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
    for table, (pk, groups) in CAPTURED.items():
        for statement in trigger_statements(table, pk, groups):
            execute(statement)
