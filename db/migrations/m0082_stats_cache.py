"""Schema version 82: the annual figures kept once counted, and forgotten when their rows change.

Design notes that the frozen SQL cannot say:

- ``stats_cache``: one indicator's figures (``ils.stats.indicators.Counted`` as JSON) for one
  year and one breakdown, counted from the raw rows. ``tables`` names every table the count
  read, comma-framed (``,loan,loan_renewal,``), so a change to one of them forgets exactly the
  figures that read it. A year's figures over 600,000 loans take tens of seconds to count and
  a few milliseconds to read back; the annual report, the return and the ledgers read the same
  figures many times over the year.
- The triggers below forget a figure the moment a row it was counted from changes, inside the
  same transaction, on every path that writes (the desks' services, the bulk loads, a sync
  bundle merged in): a loan or a renewal forgets the years of its dates before and after; a
  copy or a reader forgets its year and every later one, because holdings and valid cards are
  levels that carry into the following years; a branch forgets everything that read branches.
  Only the columns the counts read wake them: a checkout's change of a copy's status does not.
- ``stats_cache_epoch``: one number every trigger raises. Counting runs outside the write lock
  (a desk must not wait for a report); the figure is kept only if the number has not moved
  since the counting began, so a figure counted while another desk changed its rows is used
  once and never kept.
- ``loan_media``, ``reader_type_since``: the blind room's monthly figures count its media's
  loans (a few among hundreds of thousands) and its readers by type; these find them directly
  instead of reading a month of every loan, or every reader, twelve times a report.
- Desk-local (``db.sync_spec.DESK_TABLES``): every desk and the union count their own rows.
"""

from __future__ import annotations

VERSION = 82

_FORGET = "DELETE FROM stats_cache WHERE tables LIKE '%,{table},%' AND {years};"
_BUMP = "UPDATE stats_cache_epoch SET epoch = epoch + 1;"


def _year(expression: str) -> str:
    return f"CAST(substr({expression}, 1, 4) AS INTEGER)"


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _triggers(table: str, forget: dict[str, str], when_updated: str) -> tuple[str, ...]:
    """AFTER INSERT, UPDATE (when ``when_updated``) and DELETE triggers forgetting ``forget[op]``."""
    made = []
    for op, years in forget.items():
        when = f" WHEN {when_updated}" if op == "update" else ""
        made.append(
            f"CREATE TRIGGER stats_cache_{table}_{op} AFTER {op.upper()} ON {table}{when} BEGIN "
            + _FORGET.format(table=table, years=years)
            + f" {_BUMP} END"
        )
    return tuple(made)


_LOAN_DATES = ("loaned_at", "ended_at")
_LOAN_READ = (
    "item_id", "reader_id", "reader_type", "age_band", "reader_branch_id", "item_type", "branch_id",
    "service_point_id", "rotation_batch_id", "loaned_at", "ended_at", "ended_as", "end_branch_id",
    "end_service_point_id",
)  # fmt: skip


def _in_years(rows: tuple[str, ...], dates: tuple[str, ...]) -> str:
    return "year IN (" + ", ".join(_year(f"{row}.{d}") for row in rows for d in dates) + ")"


# A copy counts from the day it was acquired; it stops counting when it is withdrawn or lost
# (its last change). '9999' stands for "no year".
_ITEM_SINCE = (
    "min("
    "CASE WHEN " + _changed(("acquired_on", "created_at", "branch_id", "location_id", "item_type", "source",
                             "price_fen", "bib_id"))
    + " THEN min(COALESCE(OLD.acquired_on, OLD.created_at), COALESCE(NEW.acquired_on, NEW.created_at)) ELSE '9999' END,"
    " CASE WHEN OLD.status IN ('withdrawn', 'lost') AND (OLD.status IS NOT NEW.status OR OLD.updated_at IS NOT"
    " NEW.updated_at) THEN OLD.updated_at ELSE '9999' END,"
    " CASE WHEN NEW.status IN ('withdrawn', 'lost') AND (OLD.status IS NOT NEW.status OR OLD.updated_at IS NOT"
    " NEW.updated_at) THEN NEW.updated_at ELSE '9999' END)"
)  # fmt: skip
_READER_SINCE = (
    "min("
    "CASE WHEN " + _changed(("created_at", "branch_id", "reader_type", "age_band"))
    + " THEN min(OLD.created_at, NEW.created_at) ELSE '9999' END,"
    " CASE WHEN OLD.expires_on IS NOT NEW.expires_on"
    " THEN min(COALESCE(OLD.expires_on, '9999'), COALESCE(NEW.expires_on, '9999')) ELSE '9999' END,"
    " CASE WHEN OLD.cancelled_at IS NOT NEW.cancelled_at"
    " THEN min(COALESCE(OLD.cancelled_at, '9999'), COALESCE(NEW.cancelled_at, '9999')) ELSE '9999' END)"
)  # fmt: skip

STATEMENTS = (
    """CREATE TABLE stats_cache (
        code TEXT NOT NULL,
        dimension TEXT NOT NULL,
        year INTEGER NOT NULL,
        tables TEXT NOT NULL,
        counted TEXT NOT NULL,
        PRIMARY KEY (code, dimension, year)
    )""",
    "CREATE INDEX stats_cache_year ON stats_cache (year)",
    """CREATE TABLE stats_cache_epoch (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        epoch INTEGER NOT NULL
    )""",
    "INSERT INTO stats_cache_epoch (id, epoch) VALUES (1, 0)",
    "CREATE INDEX loan_media ON loan (item_type, loaned_at)",
    "CREATE INDEX reader_type_since ON reader (reader_type, created_at)",
    *_triggers(
        "loan",
        {
            "insert": _in_years(("NEW",), _LOAN_DATES),
            "update": _in_years(("OLD", "NEW"), _LOAN_DATES),
            "delete": _in_years(("OLD",), _LOAN_DATES),
        },
        _changed(_LOAN_READ),
    ),
    *_triggers(
        "loan_renewal",
        {
            "insert": _in_years(("NEW",), ("renewed_at",)),
            "update": _in_years(("OLD", "NEW"), ("renewed_at",)),
            "delete": _in_years(("OLD",), ("renewed_at",)),
        },
        _changed(("loan_id", "renewed_at", "branch_id", "service_point_id")),
    ),
    *_triggers(
        "item",
        {
            "insert": f"year >= {_year('COALESCE(NEW.acquired_on, NEW.created_at)')}",
            "update": f"year >= {_year(_ITEM_SINCE)}",
            "delete": f"year >= {_year('COALESCE(OLD.acquired_on, OLD.created_at)')}",
        },
        f"{_ITEM_SINCE} < '9999'",
    ),
    *_triggers(
        "reader",
        {
            "insert": f"year >= {_year('NEW.created_at')}",
            "update": f"year >= {_year(_READER_SINCE)}",
            "delete": f"year >= {_year('OLD.created_at')}",
        },
        f"{_READER_SINCE} < '9999'",
    ),
    *_triggers(
        "branch",
        {"insert": "1", "update": "1", "delete": "1"},
        _changed(("kind",)),
    ),
)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
