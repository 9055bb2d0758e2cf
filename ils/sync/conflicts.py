"""Physical contradictions between desks: found after a merge, kept as replicated rows, settled by a person.

Both facts are always kept. A conflict's id is name-based on its kind and the sorted ids of
the facts involved, and its other columns are taken from those facts' unchanging parts, so
two replicas that find the same contradiction make the same row, and the union and every
desk hold one row for it. The kinds:

- ``copy_lent_twice``: two loans of one copy whose times overlap (lent at two offline
  branches). Found from the loans themselves whenever either changes; a conflict found while
  a return was still on its way, which the arriving return shows was no conflict after all,
  is deleted again (only while nobody has settled it).
- ``loan_ended_twice``: one loan ended at two desks (returned here, reported lost there);
  the earliest end stands until someone decides.
- ``acted_on_ended_loan``: a renewal made at one desk after the loan had been returned at
  another.
- ``hold_filled_twice``: one hold collected, or kept on a shelf, with two different copies.
- ``blocked_reader_checkout``: a loan, without an override, to a reader another desk had
  blocked at that time; withdrawn, like a copy lent twice, when a lift that arrives later
  shows the block had ended before the loan.
- ``duplicate_barcode``, ``duplicate_card``, ``duplicate_reader``, ``copy_trapped_twice``,
  ``copy_sent_twice``: two rows that break a rule of one per barcode, card number, person, or
  copy. The rows that arrived second are held apart (``sync_apart``, desk-local) so both can
  be stored.

Resolving is an ordinary captured change at whichever desk or union does it: the conflict's
state, and for a copy lent twice the end of every loan but the one kept (as ``resolved``),
which settles the copy's status everywhere the change reaches.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peewee import Database

from db import derived, dialect
from db.ids import ILS_NAMESPACE
from db.models import Loan
from db.sync_spec import BY_NAME
from ils.errors import Invalid, Message, NotFound, message
from ils.permissions import Permission
from ils.session import Session, writes
from ils.sync.merge import Seen

KINDS = {
    "copy_lent_twice": message("sync.kind.copy_lent_twice", "The same copy lent at two desks"),
    "loan_ended_twice": message("sync.kind.loan_ended_twice", "One loan ended at two desks"),
    "acted_on_ended_loan": message("sync.kind.acted_on_ended_loan", "A loan renewed after it was returned elsewhere"),
    "hold_filled_twice": message("sync.kind.hold_filled_twice", "One hold filled with two copies"),
    "blocked_reader_checkout": message(
        "sync.kind.blocked_reader_checkout", "A loan to a reader blocked at another desk"
    ),
    "duplicate_barcode": message("sync.kind.duplicate_barcode", "One barcode on two copies"),
    "duplicate_card": message("sync.kind.duplicate_card", "One card number for two readers"),
    "duplicate_reader": message("sync.kind.duplicate_reader", "One person registered at two desks"),
    "copy_trapped_twice": message("sync.kind.copy_trapped_twice", "One copy kept for two holds"),
    "copy_sent_twice": message("sync.kind.copy_sent_twice", "One copy sent on two journeys"),
}

# Per table: (key columns, when the rule applies, the conflict kind or None when storage alone
# needs the rows apart). The unique indexes of m0010 are these rules plus ``sync_apart``.
UNIQUE_RULES: dict[str, tuple[tuple[tuple[str, ...], str, str | None], ...]] = {
    "item": ((("barcode",), "TRUE", "duplicate_barcode"),),
    "reader": (
        (("card_number",), "TRUE", "duplicate_card"),
        (("id_hash",), "cancelled_at IS NULL AND id_hash IS NOT NULL", "duplicate_reader"),
    ),
    "reader_card": ((("card_number",), "TRUE", "duplicate_card"),),
    "loan": ((("item_id",), "ended_at IS NULL", None),),
    "hold": ((("trapped_item_id",), "state IN ('in_transit', 'ready')", "copy_trapped_twice"),),
    "transit": ((("item_id",), "received_at IS NULL", "copy_sent_twice"),),
    "reader_consent": ((("reader_id", "kind"), "withdrawn_at IS NULL", None),),
}
_CREATED = {
    "item": "created_at",
    "reader": "created_at",
    "reader_card": "issued_at",
    "hold": "placed_at",
    "transit": "sent_at",
}


def conflict_id(kind: str, facts: Iterable[str]) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"conflict:{kind}:{','.join(sorted(facts))}"))


def _file(
    database: Database,
    kind: str,
    table: str,
    facts: Iterable[str],
    *,
    item_id: str | None,
    reader_id: str | None,
    branch_ids: Iterable[str | None],
    found_at: str,
) -> str | None:
    """Record a conflict once; a row settled or deleted before stays as it is."""
    facts = sorted(set(facts))
    row_id = conflict_id(kind, facts)
    known = database.execute_sql("SELECT 1 FROM sync_row WHERE tbl = 'sync_conflict' AND pk = ?", (row_id,)).fetchone()
    if known or database.execute_sql("SELECT 1 FROM sync_conflict WHERE id = ?", (row_id,)).fetchone():
        return None
    database.execute_sql(
        "INSERT INTO sync_conflict (id, kind, tbl, facts, item_id, reader_id, branch_ids, found_at, state)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')",
        (
            row_id,
            kind,
            table,
            json.dumps(facts),
            item_id,
            reader_id,
            ",".join(sorted({b for b in branch_ids if b})),
            found_at,
        ),
    )
    if not dialect.clock(database)[3]:
        dialect.capture(database, "sync_conflict", row_id, created=True)
    return row_id


def _withdraw(database: Database, row_id: str) -> None:
    table = BY_NAME["sync_conflict"]
    row = database.execute_sql(
        f"SELECT {', '.join(table.columns)} FROM sync_conflict WHERE id = ? AND state = 'open'", (row_id,)
    ).fetchone()
    if row is None:
        return
    database.execute_sql("DELETE FROM sync_conflict WHERE id = ?", (row_id,))
    if not dialect.clock(database)[3]:
        dialect.capture(
            database,
            "sync_conflict",
            row_id,
            [g.name for g in table.groups],
            deleted=dict(zip(table.columns, row, strict=True)),
        )


# --- holding rows apart ------------------------------------------------------------------------


def hold_apart(database: Database, table: str, pk: str, values: dict[str, Any]) -> list[str]:
    """The incoming row broke a uniqueness rule: move the rows it collides with apart, file the
    conflict, and return them (the caller writes the incoming row again)."""
    moved: list[str] = []
    for columns, condition, kind in UNIQUE_RULES.get(table, ()):
        names = list(values)
        applies = database.execute_sql(
            f"SELECT ({condition}) FROM (SELECT {', '.join('? AS ' + n for n in names)}) AS v",
            [values[n] for n in names],
        ).fetchone()[0]
        if not applies or any(values.get(c) is None for c in columns):
            continue
        match = " AND ".join(f"{c} = ?" for c in columns)
        others = [
            r
            for (r,) in database.execute_sql(
                f"SELECT id FROM {table} WHERE {match} AND ({condition}) AND id != ?",
                [*(values[c] for c in columns), pk],
            )
        ]
        if not others:
            continue
        database.execute_sql(
            f"UPDATE {table} SET sync_apart = rowid WHERE id IN {dialect.LISTED} AND sync_apart = 0",
            (dialect.listed(others),),
        )
        moved += others
        if kind is not None:
            created = _CREATED.get(table)
            times = [values.get(created)] if created else []
            if created:
                times += [
                    t
                    for (t,) in database.execute_sql(
                        f"SELECT {created} FROM {table} WHERE id IN {dialect.LISTED}", (dialect.listed(others),)
                    )
                ]
            item = values.get("item_id") or values.get("trapped_item_id") or (pk if table == "item" else None)
            _file(
                database,
                kind,
                table,
                [pk, *others],
                item_id=item,
                reader_id=None,
                branch_ids=[values.get("branch_id"), values.get("pickup_branch_id"), values.get("to_branch_id")],
                found_at=max((t for t in times if t), default=""),
            )
    return moved


def settle_loans(database: Database, item_ids: Iterable[str]) -> None:
    """Loans held apart come back together once at most one of them is open."""
    apart = {
        i
        for (i,) in database.execute_sql(
            f"SELECT DISTINCT item_id FROM loan WHERE sync_apart != 0 AND item_id IN {dialect.LISTED}",
            (dialect.listed(set(item_ids)),),
        )
    }
    for item_id in sorted(apart):
        database.execute_sql(
            "UPDATE loan SET sync_apart = 0 WHERE item_id = ? AND sync_apart != 0 AND ended_at IS NOT NULL", (item_id,)
        )
        open_loans = database.execute_sql(
            "SELECT COUNT(*) FROM loan WHERE item_id = ? AND ended_at IS NULL", (item_id,)
        ).fetchone()[0]
        if open_loans <= 1:
            database.execute_sql("UPDATE loan SET sync_apart = 0 WHERE item_id = ? AND sync_apart != 0", (item_id,))


# --- finding conflicts after a merge ------------------------------------------------------------


def _overlap(a: tuple[str, str, str | None], b: tuple[str, str, str | None]) -> bool:
    """Two loans [loaned_at, ended_at) of one copy overlap in time."""
    _id_a, start_a, end_a = a
    _id_b, start_b, end_b = b
    return (end_b is None or start_a < end_b) and (end_a is None or start_b < end_a)


def lent_twice(database: Database, item_ids: Iterable[str]) -> None:
    items = sorted(set(item_ids))
    for start in range(0, len(items), 500):
        chunk = dialect.listed(items[start : start + 500])
        by_item: dict[str, list[tuple[str, str, str | None, str]]] = {}
        for loan in database.execute_sql(
            f"SELECT item_id, id, loaned_at, ended_at, branch_id FROM loan"
            f" WHERE item_id IN {dialect.LISTED} ORDER BY loaned_at, id",
            (chunk,),
        ):
            by_item.setdefault(loan[0], []).append(loan[1:])
        recorded: dict[str, list[tuple[str, str]]] = {}
        for item_id, row_id, facts in database.execute_sql(
            f"SELECT item_id, id, facts FROM sync_conflict WHERE kind = 'copy_lent_twice' AND state = 'open'"
            f" AND item_id IN {dialect.LISTED}",
            (chunk,),
        ):
            recorded.setdefault(item_id, []).append((row_id, facts))
        for item_id, loans in by_item.items():
            _lent_twice(database, item_id, loans, recorded.get(item_id, []))


def _lent_twice(
    database: Database, item_id: str, loans: list[tuple[str, str, str | None, str]], recorded: list[tuple[str, str]]
) -> None:
    wanted: set[str] = set()
    if len(loans) > 1:
        for i, first in enumerate(loans):
            for second in loans[i + 1 :]:
                if _overlap(first[:3], second[:3]):
                    wanted.add(conflict_id("copy_lent_twice", (first[0], second[0])))
                    _file(
                        database,
                        "copy_lent_twice",
                        "loan",
                        (first[0], second[0]),
                        item_id=item_id,
                        reader_id=None,
                        branch_ids=(first[3], second[3]),
                        found_at=max(first[1], second[1]),
                    )
    # Withdrawn only when both loans are here and do not overlap: a loan still on its way (or waiting
    # for its reader) proves nothing, and since a loan's time only ever shrinks (its end comes, or
    # comes earlier), a withdrawn conflict can never become true again.
    here = {loan[0] for loan in loans}
    for row_id, facts in recorded:
        if row_id not in wanted and set(json.loads(facts)) <= here:
            _withdraw(database, row_id)


def renewed_after_return(database: Database, loan_ids: Iterable[str]) -> None:
    rows = database.execute_sql(
        "SELECT r.id, l.id, l.item_id, r.branch_id, l.branch_id, r.renewed_at FROM loan_renewal r JOIN loan l"
        f" ON l.id = r.loan_id WHERE l.id IN {dialect.LISTED} AND l.ended_at IS NOT NULL AND r.renewed_at > l.ended_at",
        (dialect.listed(set(loan_ids)),),
    )
    for renewal, _loan, item, renewed_at_branch, loan_branch, renewed_at in rows.fetchall():
        _file(
            database,
            "acted_on_ended_loan",
            "loan_renewal",
            (renewal,),
            item_id=item,
            reader_id=None,
            branch_ids=(renewed_at_branch, loan_branch),
            found_at=renewed_at,
        )


# The block was in force when the copy was lent.
_BLOCKED_AT_LOAN = "b.placed_at <= l.loaned_at AND (b.lifted_at IS NULL OR b.lifted_at > l.loaned_at)"


def blocked_checkouts(
    database: Database, loan_ids: Iterable[str], reader_ids: Iterable[str], arrived: Iterable[str] = ()
) -> None:
    """File a loan made while its reader was blocked; withdraw one that a lift arriving later disproves.

    A block's lift only ever comes, or comes earlier (earliest wins), and a loan's time and override
    never change, so a withdrawn conflict can never become true again; conflicts arriving from
    another replica (``arrived``) are checked against the facts here in the same way.
    """
    loans, readers = set(loan_ids), set(reader_ids)
    rows = database.execute_sql(
        "SELECT l.id, b.id, l.item_id, l.reader_id, l.branch_id, l.loaned_at FROM loan l JOIN reader_block b"
        f" ON b.reader_id = l.reader_id AND {_BLOCKED_AT_LOAN}"
        f" WHERE l.override_reason IS NULL AND (l.id IN {dialect.LISTED} OR l.reader_id IN {dialect.LISTED})",
        (dialect.listed(loans), dialect.listed(readers)),
    )
    for loan, block, item, reader, branch, loaned_at in rows.fetchall():
        _file(
            database,
            "blocked_reader_checkout",
            "loan",
            (loan, block),
            item_id=item,
            reader_id=reader,
            branch_ids=(branch,),
            found_at=loaned_at,
        )
    if loans:
        readers |= {
            r
            for (r,) in database.execute_sql(
                f"SELECT reader_id FROM loan WHERE id IN {dialect.LISTED}", (dialect.listed(loans),)
            )
        }
    recorded = database.execute_sql(
        "SELECT id, facts FROM sync_conflict WHERE kind = 'blocked_reader_checkout' AND state = 'open'"
        f" AND (reader_id IN {dialect.LISTED} OR id IN {dialect.LISTED})",
        (dialect.listed(readers), dialect.listed(set(arrived))),
    ).fetchall()
    for row_id, facts in recorded:
        pair = dialect.listed(json.loads(facts))
        present = database.execute_sql(
            f"SELECT (SELECT COUNT(*) FROM loan WHERE id IN {dialect.LISTED})"
            f" + (SELECT COUNT(*) FROM reader_block WHERE id IN {dialect.LISTED})",
            (pair, pair),
        ).fetchone()[0]
        still = database.execute_sql(
            "SELECT COUNT(*) FROM loan l JOIN reader_block b ON b.reader_id = l.reader_id"
            f" WHERE l.id IN {dialect.LISTED} AND b.id IN {dialect.LISTED} AND l.override_reason IS NULL"
            f" AND {_BLOCKED_AT_LOAN}",
            (pair, pair),
        ).fetchone()[0]
        if present == 2 and not still:
            _withdraw(database, row_id)


def witnessed(database: Database, seen: Iterable[Seen]) -> None:
    """Contradictions the merge saw between two states of one row."""
    for found in seen:
        if found.table == "loan":
            row = database.execute_sql(
                "SELECT item_id, branch_id, loaned_at FROM loan WHERE id = ?", (found.pk,)
            ).fetchone()
            if row:
                _file(
                    database,
                    found.kind,
                    "loan",
                    (found.pk,),
                    item_id=row[0],
                    reader_id=None,
                    branch_ids=(row[1],),
                    found_at=row[2],
                )
        elif found.table == "hold":
            row = database.execute_sql(
                "SELECT item_id, pickup_branch_id, placed_at FROM hold WHERE id = ?", (found.pk,)
            ).fetchone()
            if row:
                _file(
                    database,
                    found.kind,
                    "hold",
                    (found.pk,),
                    item_id=row[0],
                    reader_id=None,
                    branch_ids=(row[1],),
                    found_at=row[2],
                )


def after_merge(database: Database, touched: dict[str, set[str]], items: set[str], seen: list[Seen]) -> None:
    """Look for every kind of conflict among the rows a merge changed."""
    loans = set(touched.get("loan", ()))
    renewals = touched.get("loan_renewal")
    if renewals:
        loans |= {
            r
            for (r,) in database.execute_sql(
                f"SELECT loan_id FROM loan_renewal WHERE id IN {dialect.LISTED}", (dialect.listed(renewals),)
            )
        }
    loan_items = (
        {
            i
            for (i,) in database.execute_sql(
                f"SELECT item_id FROM loan WHERE id IN {dialect.LISTED}", (dialect.listed(loans),)
            )
        }
        if loans
        else set()
    )
    # A copy lent twice that arrives from another replica is checked against the loans here as
    # well: it was true where it was found, but a return that reached this replica first (and
    # that the finder only saw later) shows it is no conflict, and it is withdrawn here too.
    arrived = touched.get("sync_conflict")
    reported = (
        {
            i
            for (i,) in database.execute_sql(
                f"SELECT item_id FROM sync_conflict WHERE id IN {dialect.LISTED} AND state = 'open'"
                " AND kind = 'copy_lent_twice'",
                (dialect.listed(arrived),),
            )
            if i
        }
        if arrived
        else set()
    )
    lent_twice(database, loan_items | reported | (items & set(touched.get("item", ()))))
    if loans:
        renewed_after_return(database, loans)
    blocked = (
        {
            r
            for (r,) in database.execute_sql(
                f"SELECT reader_id FROM reader_block WHERE id IN {dialect.LISTED}",
                (dialect.listed(touched.get("reader_block", ())),),
            )
        }
        if touched.get("reader_block")
        else set()
    )
    if loans or blocked or arrived:
        blocked_checkouts(database, loans, blocked, arrived or ())
    witnessed(database, seen)
    if arrived:
        settled = {
            i
            for (i,) in database.execute_sql(
                f"SELECT item_id FROM sync_conflict WHERE id IN {dialect.LISTED} AND state = 'resolved'"
                " AND kind = 'copy_lent_twice'",
                (dialect.listed(arrived),),
            )
            if i
        }
        settle_loans(database, settled)
    settle_loans(database, loan_items)


# --- reading and resolving ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictInfo:
    id: str
    kind: str
    kind_label: str
    facts: tuple[str, ...]
    item_id: str | None
    barcode: str | None
    title: str | None
    branch_codes: tuple[str, ...]
    found_at: str
    state: str
    resolution: str | None
    resolved_at: str | None
    loans: tuple[dict[str, Any], ...]  # for a copy lent twice: each loan's id, branch, time, reader's card if shared
    sides: tuple[Fact, ...] = ()  # what each desk recorded, one fact a side


# --- what each desk recorded --------------------------------------------------------------------

_ACTIONS = {
    "loan": message("sync.fact.lent", "Lent"),
    "loan_renewal": message("sync.fact.renewed", "Renewed"),
    "reader_block": message("sync.fact.blocked", "Blocked the reader"),
    "hold": message("sync.fact.hold", "Hold placed"),
    "item": message("sync.fact.copy_added", "Copy added"),
    "reader": message("sync.fact.registered", "Reader registered"),
    "reader_card": message("sync.fact.card_issued", "Card issued"),
    "transit": message("sync.fact.sent", "Copy sent on"),
}
_ENDS = {
    "returned": message("sync.fact.end.returned", "returned"),
    "lost": message("sync.fact.end.lost", "reported lost"),
    "written_off": message("sync.fact.end.written_off", "written off"),
    "resolved": message("sync.fact.end.resolved", "ended by a conflict's resolution"),
    "lifted": message("sync.fact.end.lifted", "lifted"),
    "received": message("sync.fact.end.received", "received"),
    "cancelled": message("sync.fact.end.cancelled", "cancelled"),
    "expired": message("sync.fact.end.expired", "expired"),
    "fulfilled": message("sync.fact.end.fulfilled", "collected"),
    "withdrawn": message("sync.fact.end.withdrawn", "withdrawn"),
    "lost_card": message("sync.fact.end.lost_card", "card lost"),
}

# Per table: one row per fact, (id, card number, barcode, time, branch code, end time, how it ended,
# branch code of the end). The reader's card number only (never an ID number), and only when the
# reader shares with the union: an unshared reader is not in a union's reader table at all.
_FACT_SQL = {
    "loan": "SELECT l.id, r.card_number, i.barcode, l.loaned_at, b.code, l.ended_at, l.ended_as, e.code FROM loan l"
    " LEFT JOIN reader r ON r.id = l.reader_id LEFT JOIN item i ON i.id = l.item_id"
    " LEFT JOIN branch b ON b.id = l.branch_id LEFT JOIN branch e ON e.id = l.end_branch_id",
    "loan_renewal": "SELECT n.id, r.card_number, i.barcode, n.renewed_at, b.code, NULL, NULL, NULL FROM loan_renewal n"
    " JOIN loan l ON l.id = n.loan_id LEFT JOIN reader r ON r.id = l.reader_id LEFT JOIN item i ON i.id = l.item_id"
    " LEFT JOIN branch b ON b.id = n.branch_id",
    "reader_block": "SELECT k.id, r.card_number, NULL, k.placed_at, b.code, k.lifted_at,"
    " CASE WHEN k.lifted_at IS NULL THEN NULL ELSE 'lifted' END, NULL FROM reader_block k"
    " LEFT JOIN reader r ON r.id = k.reader_id LEFT JOIN branch b ON b.id = r.branch_id",
    "hold": "SELECT h.id, r.card_number, COALESCE(t.barcode, i.barcode), h.placed_at, b.code, h.ended_at,"
    " CASE WHEN h.ended_at IS NULL THEN NULL ELSE h.state END, NULL FROM hold h"
    " LEFT JOIN reader r ON r.id = h.reader_id LEFT JOIN item i ON i.id = h.item_id"
    " LEFT JOIN item t ON t.id = h.trapped_item_id LEFT JOIN branch b ON b.id = h.pickup_branch_id",
    "item": "SELECT i.id, NULL, i.barcode, i.created_at, b.code, NULL, NULL, NULL FROM item i"
    " LEFT JOIN branch b ON b.id = i.branch_id",
    "reader": "SELECT r.id, r.card_number, NULL, r.created_at, b.code, r.cancelled_at, NULL, NULL FROM reader r"
    " LEFT JOIN branch b ON b.id = r.branch_id",
    "reader_card": "SELECT c.id, c.card_number, NULL, c.issued_at, b.code, COALESCE(c.lost_at, c.ended_at),"
    " CASE WHEN c.lost_at IS NOT NULL THEN 'lost_card' END, NULL FROM reader_card c"
    " LEFT JOIN reader r ON r.id = c.reader_id LEFT JOIN branch b ON b.id = r.branch_id",
    "transit": "SELECT t.id, NULL, i.barcode, t.sent_at, b.code, t.received_at,"
    " CASE WHEN t.received_at IS NULL THEN NULL ELSE 'received' END, e.code FROM transit t"
    " LEFT JOIN item i ON i.id = t.item_id LEFT JOIN branch b ON b.id = t.from_branch_id"
    " LEFT JOIN branch e ON e.id = t.received_branch_id",
}
_FACT_KEY = {"loan": "l", "loan_renewal": "n", "reader_block": "k", "hold": "h", "item": "i", "reader": "r"}
_FACT_KEY |= {"reader_card": "c", "transit": "t"}


@dataclass(frozen=True)
class Fact:
    """One side of a conflict: what one desk recorded, in the words a librarian checks it by.

    ``card`` is the reader's card number when the reader shares with the union (None: not
    shared, or no reader); ``at`` and ``ended_at`` are the stored ISO times; ``branch`` and
    ``end_branch`` branch codes. ``ended`` says how the fact ended (None while it stands).
    """

    id: str
    table: str
    action: Message
    card: str | None
    barcode: str | None
    at: str | None
    branch: str | None
    ended: Message | None
    ended_at: str | None
    end_branch: str | None


def _facts(database: Database, kind: str, table: str, facts: list[str]) -> tuple[Fact, ...]:
    """The conflict's facts, oldest first; a renewal after a return is shown beside the loan it renewed."""
    wanted: list[tuple[str, list[str]]] = [(table, facts)]
    if kind == "acted_on_ended_loan":
        loans = [
            r
            for (r,) in database.execute_sql(
                f"SELECT DISTINCT loan_id FROM loan_renewal WHERE id IN {dialect.LISTED}", (dialect.listed(facts),)
            )
        ]
        wanted.append(("loan", loans))
    elif kind == "blocked_reader_checkout":
        wanted = [("loan", facts), ("reader_block", facts)]
    found: list[Fact] = []
    for name, ids in wanted:
        if name not in _FACT_SQL or not ids:
            continue
        for row_id, card, barcode, at, branch, ended_at, ended_as, end_branch in database.execute_sql(
            f"{_FACT_SQL[name]} WHERE {_FACT_KEY[name]}.id IN {dialect.LISTED}", (dialect.listed(ids),)
        ):
            end = _ENDS.get(ended_as) if ended_as else None
            if end is None and ended_as:
                end = message("sync.fact.end.other", "ended ({how})", how=ended_as)
            found.append(Fact(row_id, name, _ACTIONS[name], card, barcode, at, branch, end, ended_at, end_branch))
    return tuple(sorted(found, key=lambda f: (f.at or "", f.id)))


def _info(database: Database, row: tuple[Any, ...]) -> ConflictInfo:
    row_id, kind, _tbl, facts, item_id, _reader, branch_ids, found_at, state, resolution, resolved_at = row
    item = (
        database.execute_sql(
            "SELECT i.barcode, b.title FROM item i JOIN bib_record b ON b.id = i.bib_id WHERE i.id = ?", (item_id,)
        ).fetchone()
        if item_id
        else None
    )
    ids = [b for b in branch_ids.split(",") if b]
    codes = (
        tuple(
            c
            for (c,) in database.execute_sql(
                f"SELECT code FROM branch WHERE id IN {dialect.LISTED} ORDER BY code", (dialect.listed(ids),)
            )
        )
        if ids
        else ()
    )
    loans: tuple[dict[str, Any], ...] = ()
    if kind in ("copy_lent_twice", "loan_ended_twice"):
        loans = tuple(
            {"id": r[0], "branch": r[1], "loaned_at": r[2], "ended_at": r[3], "ended_as": r[4], "card": r[5]}
            for r in database.execute_sql(
                "SELECT l.id, b.code, l.loaned_at, l.ended_at, l.ended_as, r.card_number FROM loan l"
                " JOIN branch b ON b.id = l.branch_id LEFT JOIN reader r ON r.id = l.reader_id"
                f" WHERE l.id IN {dialect.LISTED} ORDER BY l.loaned_at, l.id",
                (facts,),
            )
        )
    label = KINDS[kind].render() if kind in KINDS else kind
    return ConflictInfo(
        row_id,
        kind,
        label,
        tuple(json.loads(facts)),
        item_id,
        item[0] if item else None,
        item[1] if item else None,
        codes,
        found_at,
        state,
        resolution,
        resolved_at,
        loans,
        _facts(database, kind, _tbl, json.loads(facts)),
    )


_COLUMNS = "id, kind, tbl, facts, item_id, reader_id, branch_ids, found_at, state, resolution, resolved_at"


def list_conflicts(database: Database, *, open_only: bool = True, branch_id: str | None = None) -> list[ConflictInfo]:
    query = f"SELECT {_COLUMNS} FROM sync_conflict"
    params: list[Any] = []
    clauses = []
    if open_only:
        clauses.append("state = 'open'")
    if branch_id:
        clauses.append("(',' || branch_ids || ',' LIKE ? OR item_id IN (SELECT id FROM item WHERE branch_id = ?))")
        params += [f"%,{branch_id},%", branch_id]
    if clauses:
        query += " WHERE " + " AND ".join(clauses)
    return [_info(database, row) for row in database.execute_sql(query + " ORDER BY found_at, id", params)]


def get_conflict(database: Database, conflict: str) -> ConflictInfo:
    rows = database.execute_sql(
        f"SELECT {_COLUMNS} FROM sync_conflict WHERE id = ? OR id LIKE ?", (conflict, f"{conflict}%")
    ).fetchall()
    if len(rows) != 1:
        raise NotFound("sync.no_such_conflict", "There is no conflict {id}.", id=conflict)
    return _info(database, rows[0])


@writes
def resolve(session: Session, conflict: str, *, keep: str | None = None, note: str = "") -> ConflictInfo:
    """Settle a conflict: for a copy lent twice, ``keep`` names the loan the copy is really with
    (its id, or the code of the branch that lent it); the other loans end as resolved."""
    session.require(Permission.RESOLVE_CONFLICTS)
    database = session.library.database
    info = get_conflict(database, conflict)
    if info.state != "open":
        raise Invalid(
            "sync.conflict_already_resolved",
            "This conflict was already resolved on {date}.",
            date=(info.resolved_at or "")[:10],
        )
    now = session.library.now_text()
    here = session.library.node
    with session.write() as writer:
        if info.kind == "copy_lent_twice":
            kept = _kept_loan(info, keep)
            for loan in info.loans:
                if loan["id"] != kept and loan["ended_at"] is None:
                    Loan.update(ended_at=now, ended_as="resolved", end_branch=here.branch_id).where(
                        Loan.id == loan["id"]
                    ).execute()
                    writer.journal("loan.resolve", "loan", loan["id"], {"conflict": info.id, "kept": kept})
            settle_loans(database, [info.item_id] if info.item_id else [])
            derived.recompute_items(database, [info.item_id] if info.item_id else [])
        text = note.strip() or (f"kept {keep}" if keep else "acknowledged")
        database.execute_sql(
            "UPDATE sync_conflict SET state = 'resolved', resolution = ?, resolved_at = ?,"
            " resolved_by = ? WHERE id = ?",
            (text, now, session.staff.username, info.id),
        )
        writer.journal("sync.resolve", "sync_conflict", info.id, {"kind": info.kind, "resolution": text})
    return get_conflict(database, info.id)


def _kept_loan(info: ConflictInfo, keep: str | None) -> str:
    if not keep:
        raise Invalid("sync.say_which_loan", "Say which loan the copy is really with: --keep LOAN or the branch code.")
    chosen = [
        loan["id"]
        for loan in info.loans
        if loan["id"] == keep or loan["id"].startswith(keep) or loan["branch"] == keep.strip().upper()
    ]
    if len(chosen) != 1:
        raise Invalid(
            "sync.no_such_loan_in_conflict",
            "{keep} names none, or more than one, of the loans in this conflict.",
            keep=keep,
        )
    return chosen[0]
