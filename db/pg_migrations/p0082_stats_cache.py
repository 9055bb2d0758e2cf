"""PostgreSQL schema 82 of the union: SQLite's m0082 (the annual figures kept once counted),
with its triggers in PL/pgSQL doing what the SQLite ones do, row for row. Desk-local, so no
capture trigger.
"""

from __future__ import annotations

from typing import Any

VERSION = 82


def _year(expression: str) -> str:
    return f"CAST(substr({expression}, 1, 4) AS BIGINT)"


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)


def _function(table: str, body: str) -> tuple[str, str]:
    """The trigger function of ``table`` (``body`` sets ``forget``: the WHERE clause) and its trigger."""
    return (
        f"""CREATE FUNCTION stats_cache_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            forget TEXT;
        BEGIN
            {body}
            IF forget IS NOT NULL THEN
                EXECUTE 'DELETE FROM stats_cache WHERE tables LIKE ''%,{table},%'' AND ' || forget;
                UPDATE stats_cache_epoch SET epoch = epoch + 1;
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER stats_cache_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION stats_cache_{table}()",
    )


def _years(dates: tuple[str, ...], read: tuple[str, ...]) -> str:
    """Forget the years of ``dates`` in the old and the new row (an update only if ``read`` changed)."""
    old = " || ',' || ".join(f"COALESCE({_year(f'OLD.{d}')}::TEXT, 'NULL')" for d in dates)
    new = " || ',' || ".join(f"COALESCE({_year(f'NEW.{d}')}::TEXT, 'NULL')" for d in dates)
    return f"""IF TG_OP = 'INSERT' THEN
                forget := 'year IN (' || {new} || ')';
            ELSIF TG_OP = 'DELETE' THEN
                forget := 'year IN (' || {old} || ')';
            ELSIF {_changed(read)} THEN
                forget := 'year IN (' || {old} || ',' || {new} || ')';
            END IF;"""


def _since(inserted: str, deleted: str, updated: str) -> str:
    """Forget a year and every later one: from ``inserted`` / ``deleted`` / ``updated`` ('9999': none)."""
    return f"""IF TG_OP = 'INSERT' THEN
                forget := 'year >= ' || {_year(inserted)};
            ELSIF TG_OP = 'DELETE' THEN
                forget := 'year >= ' || {_year(deleted)};
            ELSIF {updated} < '9999' THEN
                forget := 'year >= ' || {_year(updated)};
            END IF;"""


_LOAN_READ = (
    "item_id", "reader_id", "reader_type", "age_band", "reader_branch_id", "item_type", "branch_id",
    "service_point_id", "rotation_batch_id", "loaned_at", "ended_at", "ended_as", "end_branch_id",
    "end_service_point_id",
)  # fmt: skip
_GONE = "('withdrawn', 'lost')"
_ITEM_SINCE = (
    "LEAST("
    "CASE WHEN " + _changed(("acquired_on", "created_at", "branch_id", "location_id", "item_type", "source",
                             "price_fen", "bib_id"))
    + " THEN LEAST(COALESCE(OLD.acquired_on, OLD.created_at), COALESCE(NEW.acquired_on, NEW.created_at)) ELSE '9999' END,"
    f" CASE WHEN OLD.status IN {_GONE} AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.updated_at IS DISTINCT FROM"
    " NEW.updated_at) THEN OLD.updated_at ELSE '9999' END,"
    f" CASE WHEN NEW.status IN {_GONE} AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.updated_at IS DISTINCT FROM"
    " NEW.updated_at) THEN NEW.updated_at ELSE '9999' END)"
)  # fmt: skip
_READER_SINCE = (
    "LEAST("
    "CASE WHEN " + _changed(("created_at", "branch_id", "reader_type", "age_band"))
    + " THEN LEAST(OLD.created_at, NEW.created_at) ELSE '9999' END,"
    " CASE WHEN OLD.expires_on IS DISTINCT FROM NEW.expires_on"
    " THEN LEAST(COALESCE(OLD.expires_on, '9999'), COALESCE(NEW.expires_on, '9999')) ELSE '9999' END,"
    " CASE WHEN OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at"
    " THEN LEAST(COALESCE(OLD.cancelled_at, '9999'), COALESCE(NEW.cancelled_at, '9999')) ELSE '9999' END)"
)  # fmt: skip

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
    "INSERT INTO stats_cache_epoch (id, epoch) VALUES (1, 0)",
    "CREATE INDEX loan_media ON loan (item_type, loaned_at)",
    "CREATE INDEX reader_type_since ON reader (reader_type, created_at)",
    *_function("loan", _years(("loaned_at", "ended_at"), _LOAN_READ)),
    *_function("loan_renewal", _years(("renewed_at",), ("loan_id", "renewed_at", "branch_id", "service_point_id"))),
    *_function(
        "item",
        _since("COALESCE(NEW.acquired_on, NEW.created_at)", "COALESCE(OLD.acquired_on, OLD.created_at)", _ITEM_SINCE),
    ),
    *_function("reader", _since("NEW.created_at", "OLD.created_at", _READER_SINCE)),
    *_function(
        "branch",
        "IF TG_OP <> 'UPDATE' OR OLD.kind IS DISTINCT FROM NEW.kind THEN forget := 'true'; END IF;",
    ),
)

# Desk-local: nothing here is captured.
CAPTURED: dict[str, dict[str, Any]] = {}


def apply(execute) -> None:
    for statement in TABLES:
        execute(statement)
