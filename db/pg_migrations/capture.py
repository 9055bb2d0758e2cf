"""Change capture on PostgreSQL, frozen like a migration: PL/pgSQL doing what the SQLite
triggers of ``db.migrations.m0011_sync_capture`` do, row for row.

One function serves every replicated table; each table's trigger passes it the table's key,
column groups and derived columns (frozen in the schema script that creates the trigger), so
a later schema script that changes a table recreates that table's trigger with its new list.
What it writes to ``sync_row`` is what the SQLite triggers write: a new row's entry, the
version of each changed group, a tombstone that keeps the groups' versions and values, and a
derived column's replicated value dropped from ``base`` when a person sets it. Text that holds
JSON may be spaced differently from SQLite's; every reader parses it.
"""

from __future__ import annotations

import json
from typing import Any

FUNCTIONS = (
    """CREATE FUNCTION sync_key(pk jsonb, r jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN jsonb_array_length(pk) = 1 THEN r ->> (pk ->> 0)
        ELSE '[' || (SELECT string_agg((r -> c)::text, ',' ORDER BY n)
                     FROM jsonb_array_elements_text(pk) WITH ORDINALITY AS k(c, n)) || ']' END
    $$""",
    """CREATE FUNCTION sync_capture() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        spec jsonb := TG_ARGV[0]::jsonb;
        clk record;
        old_row record;
        new_j jsonb;
        old_j jsonb;
        key text;
        version text;
        g jsonb;
        c text;
        changed jsonb := '{}';
        kept jsonb := '{}';
        kept_values jsonb := '{}';
        new_base text;
    BEGIN
        SELECT stamp, node, capture INTO clk FROM sync_clock WHERE id = 1;
        IF clk.capture = 0 THEN RETURN NULL; END IF;
        IF TG_OP <> 'DELETE' THEN new_j := to_jsonb(NEW); END IF;
        IF TG_OP <> 'INSERT' THEN old_j := to_jsonb(OLD); END IF;
        key := sync_key(spec -> 'pk', COALESCE(new_j, old_j));
        IF TG_OP = 'INSERT' THEN
            INSERT INTO sync_row (tbl, pk, seq, hlc, node, colvers, deleted, base)
            VALUES (TG_TABLE_NAME, key, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_row), clk.stamp, clk.node,
                    NULL, 0, NULL)
            ON CONFLICT (tbl, pk) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc, node = excluded.node,
                colvers = NULL, deleted = 0, base = NULL;
            RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
            SELECT hlc, node, colvers INTO old_row FROM sync_row WHERE tbl = TG_TABLE_NAME AND pk = key;
            IF NOT FOUND THEN
                INSERT INTO sync_row (tbl, pk, seq, hlc, node, colvers, deleted, base)
                VALUES (TG_TABLE_NAME, key, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_row), clk.stamp,
                        clk.node, NULL, 1, NULL);
                RETURN NULL;
            END IF;
            FOR g IN SELECT value FROM jsonb_array_elements(spec -> 'groups') LOOP
                kept := kept || jsonb_build_object(g ->> 0,
                    COALESCE(old_row.colvers::jsonb ->> (g ->> 0), old_row.hlc || '/' || old_row.node));
                FOR c IN SELECT value FROM jsonb_array_elements_text(g -> 1) LOOP
                    kept_values := kept_values || jsonb_build_object(c, old_j -> c);
                END LOOP;
            END LOOP;
            UPDATE sync_row SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_row), hlc = clk.stamp,
                node = clk.node, colvers = kept::text, deleted = 1, base = kept_values::text
                WHERE tbl = TG_TABLE_NAME AND pk = key;
            RETURN NULL;
        END IF;
        version := clk.stamp || '/' || clk.node;
        FOR g IN SELECT value FROM jsonb_array_elements(spec -> 'groups') LOOP
            FOR c IN SELECT value FROM jsonb_array_elements_text(g -> 1) LOOP
                IF (new_j -> c) IS DISTINCT FROM (old_j -> c) THEN
                    changed := changed || jsonb_build_object(g ->> 0, version);
                    EXIT;
                END IF;
            END LOOP;
        END LOOP;
        IF changed = '{}' THEN RETURN NULL; END IF;
        SELECT base INTO new_base FROM sync_row WHERE tbl = TG_TABLE_NAME AND pk = key;
        FOR c IN SELECT value FROM jsonb_array_elements_text(spec -> 'derived') LOOP
            IF new_base IS NOT NULL AND (new_j -> c) IS DISTINCT FROM (old_j -> c) THEN
                new_base := (new_base::jsonb - c)::text;
            END IF;
        END LOOP;
        UPDATE sync_row SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_row),
            colvers = (COALESCE(colvers, '{}')::jsonb || changed)::text, base = new_base
            WHERE tbl = TG_TABLE_NAME AND pk = key;
        RETURN NULL;
    END
    $$""",
    """CREATE FUNCTION sync_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = '23000';
    END
    $$""",
    """CREATE FUNCTION sync_guard_charge_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT capture FROM sync_clock WHERE id = 1) <> 0
           AND EXISTS (SELECT 1 FROM charge WHERE loan_id = NEW.loan_id AND kind = NEW.kind) THEN
            RAISE EXCEPTION 'constraint failed: a loan bears one charge of each kind' USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END
    $$""",
    """CREATE FUNCTION sync_guard_loan_ends_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT capture FROM sync_clock WHERE id = 1) <> 0 THEN
            RAISE EXCEPTION 'constraint failed: a loan ends once' USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END
    $$""",
)

GUARDS = (
    """CREATE TRIGGER journal_no_change BEFORE UPDATE OR DELETE ON journal
       FOR EACH ROW EXECUTE FUNCTION sync_refuse('journal is append-only')""",
    """CREATE TRIGGER charge_loan_kind_fixed BEFORE UPDATE OF loan_id, kind ON charge FOR EACH ROW
       WHEN (NEW.loan_id IS DISTINCT FROM OLD.loan_id OR NEW.kind IS DISTINCT FROM OLD.kind)
       EXECUTE FUNCTION sync_refuse('constraint failed: a charge keeps its loan and kind')""",
    """CREATE TRIGGER charge_once_per_loan BEFORE INSERT ON charge FOR EACH ROW
       WHEN (NEW.loan_id IS NOT NULL) EXECUTE FUNCTION sync_guard_charge_once()""",
    """CREATE TRIGGER loan_ends_once BEFORE UPDATE OF ended_at ON loan FOR EACH ROW
       WHEN (OLD.ended_at IS NOT NULL AND NEW.ended_at IS DISTINCT FROM OLD.ended_at)
       EXECUTE FUNCTION sync_guard_loan_ends_once()""",
)


def table_trigger(table: str, spec: dict[str, Any]) -> list[str]:
    """(Re)create one table's capture trigger with its frozen spec."""
    text = json.dumps(spec, separators=(",", ":")).replace("'", "''")
    return [
        f"DROP TRIGGER IF EXISTS sync_capture_{table} ON {table}",
        f"CREATE TRIGGER sync_capture_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION sync_capture('{text}')",
    ]


def trigger_statements(captured: dict[str, dict[str, Any]]) -> list[str]:
    statements = list(FUNCTIONS)
    for table, spec in captured.items():
        statements += table_trigger(table, spec)
    return statements + list(GUARDS)
