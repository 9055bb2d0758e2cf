"""What must hold between copies, loans, transits, holds and charges, checked by ``ils check``.

Two desks that raced before reads moved inside the write lock left exactly these traces: a
copy on the shelf with an open loan, a loan ended twice (two ``loan.return`` rows in the
journal, which keeps both), a fine charged twice. The services cannot make them any more;
this check finds any made before, or by a path that went around the services.

Each problem is a ``Message`` with a code (``circ.status_open_loan`` ...), so a script or the
System desk can tell them apart; a kind of problem that fills the library is named for its
first ``EXAMPLES`` rows and counted for the rest. Every query reads through a partial index or
one pass over a table, so the check stays a matter of seconds at three million loans.
"""

from __future__ import annotations

from collections.abc import Iterator

from peewee import Database

from ils.catalogue.items import STATUSES
from ils.errors import Message, message
from ils.i18n import N_

EXAMPLES = 20
"""Rows named per kind of problem; the others are counted."""

LOAN_ENDINGS = ("loan.return", "loan.damaged", "loan.lost", "loan.write_off")
"""Journal actions that end a loan: one of them, once, per loan."""

_COPY_CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "circ.status_open_loan",
        N_("Copy {barcode} is {status} but has a loan that is not over."),
        """SELECT i.barcode, i.status FROM loan l JOIN item i ON i.id = l.item_id
        WHERE l.ended_at IS NULL
          AND i.status <> CASE WHEN l.claimed_returned_at IS NULL THEN 'on_loan' ELSE 'missing' END""",
    ),
    (
        "circ.status_on_loan_without_loan",
        N_("Copy {barcode} is {status} but no loan of it is open."),
        """SELECT i.barcode, i.status FROM item i WHERE i.status = 'on_loan'
        AND NOT EXISTS (SELECT 1 FROM loan l WHERE l.item_id = i.id AND l.ended_at IS NULL)""",
    ),
    (
        "circ.status_open_transit",
        N_("Copy {barcode} is {status} but has a transit that has not arrived."),
        """SELECT i.barcode, i.status FROM transit t JOIN item i ON i.id = t.item_id
        WHERE t.received_at IS NULL AND i.status <> 'in_transit'""",
    ),
    (
        "circ.status_in_transit_without_transit",
        N_("Copy {barcode} is {status} but no transit of it is open."),
        """SELECT i.barcode, i.status FROM item i WHERE i.status = 'in_transit'
        AND NOT EXISTS (SELECT 1 FROM transit t WHERE t.item_id = i.id AND t.received_at IS NULL)""",
    ),
    (
        "circ.status_ready_hold",
        N_("Copy {barcode} is {status} but is kept on the hold shelf for a reader."),
        """SELECT i.barcode, i.status FROM hold h JOIN item i ON i.id = h.trapped_item_id
        WHERE h.state = 'ready' AND i.status <> 'on_hold_shelf'""",
    ),
    (
        "circ.status_on_hold_shelf_without_hold",
        N_("Copy {barcode} is {status} but no hold is waiting for it there."),
        """SELECT i.barcode, i.status FROM item i WHERE i.status = 'on_hold_shelf'
        AND NOT EXISTS (SELECT 1 FROM hold h WHERE h.trapped_item_id = i.id AND h.state = 'ready')""",
    ),
    (
        "circ.hold_in_transit_without_transit",
        N_("Copy {barcode} is {status}, but a hold says it is on its way to the reader."),
        """SELECT i.barcode, i.status FROM hold h JOIN item i ON i.id = h.trapped_item_id
        WHERE h.state = 'in_transit'
          AND NOT EXISTS (SELECT 1 FROM transit t WHERE t.item_id = i.id AND t.received_at IS NULL)""",
    ),
)


def _capped(code: str, rows: Iterator[Message]) -> Iterator[Message]:
    """The first ``EXAMPLES`` problems of one kind, then how many more there are."""
    more = 0
    for number, problem in enumerate(rows):
        if number < EXAMPLES:
            yield problem
        else:
            more += 1
    if more:
        yield message(code + "_more", "... and {count} more of this kind.", count=more)


def _status(status: str) -> Message | str:
    """The copy's status in the words of whoever reads the report."""
    return Message("item.status_" + status, STATUSES[status]) if status in STATUSES else status


def _copies(database: Database) -> Iterator[Message]:
    for code, template, sql in _COPY_CHECKS:
        yield from _capped(
            code,
            (
                message(code, template, barcode=barcode, status=_status(status))
                for barcode, status in database.execute_sql(sql)
            ),
        )


def _loans_ended_twice(database: Database) -> Iterator[Message]:
    marks = ", ".join("?" * len(LOAN_ENDINGS))
    rows = database.execute_sql(
        "SELECT j.entity_id, COUNT(*), MAX(COALESCE(i.barcode, '')) FROM journal j"
        " LEFT JOIN loan l ON l.id = j.entity_id LEFT JOIN item i ON i.id = l.item_id"
        f" WHERE j.entity_type = 'loan' AND j.action IN ({marks})"
        " GROUP BY j.entity_id HAVING COUNT(*) > 1",
        LOAN_ENDINGS,
    )
    code = "circ.loan_ended_twice"
    yield from _capped(
        code,
        (
            message(
                code,
                "Loan {loan} of copy {barcode} was ended {count} times.",
                loan=loan_id,
                barcode=barcode,
                count=count,
            )
            for loan_id, count, barcode in rows
        ),
    )


def _double_fines(database: Database) -> Iterator[Message]:
    rows = database.execute_sql(
        "SELECT c.loan_id, COUNT(*), MAX(COALESCE(i.barcode, '')) FROM charge c"
        " LEFT JOIN loan l ON l.id = c.loan_id LEFT JOIN item i ON i.id = l.item_id"
        " WHERE c.kind = 'overdue' AND c.loan_id IS NOT NULL GROUP BY c.loan_id HAVING COUNT(*) > 1"
    )
    code = "circ.fine_charged_twice"
    yield from _capped(
        code,
        (
            message(
                code,
                "Loan {loan} of copy {barcode} was fined {count} times: waive the extra fines.",
                loan=loan_id,
                barcode=barcode,
                count=count,
            )
            for loan_id, count, barcode in rows
        ),
    )


def circulation_problems(database: Database) -> tuple[Message, ...]:
    """Every disagreement between copies and circulation, each with its code; empty when all agree."""
    return (*_copies(database), *_loans_ended_twice(database), *_double_fines(database))
