"""Checkout, return and renewal: one transaction and one journal row each (plus the rows for
what a return sets in motion: a transit, a trapped hold, a fine).

Every rule is applied here, at the desk: the card, the reader's blocks, the copy's status,
the loan limit of the rule's cell, holds, and a due date from the rule and the lending
branch's calendar. A refusal names every reason at once, each with its code; staff allowed
to override may lend anyway with a recorded reason, except on a dead card or a copy that is
not here to lend.

Each service reads what it decides on inside the write (``@writes``): two desks racing for
one copy are served one after the other, and the second sees the first one's loan or return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from db import prepared
from db.models import BibRecord, Charge, Hold, Item, Loan, LoanRenewal, Reader, Transit
from ils.catalogue.items import get_item, status_label
from ils.circulation.calendar import due_date
from ils.circulation.charges import add_charge
from ils.circulation.places import Place, place_of
from ils.circulation.refusals import Refused, block_reason
from ils.circulation.rules import RuleBook, same_cell
from ils.circulation.settings import circulation_settings
from ils.circulation.standing import days_late, running_fine
from ils.circulation.transit import Disposition, arrive, route
from ils.errors import Invalid, Message, message
from ils.i18n import _
from ils.library import Writer
from ils.money import yuan
from ils.permissions import Permission
from ils.readers.ages import age_band
from ils.readers.readers import presented_reader
from ils.readers.rows import ReaderSummary, reader_by_card, summary
from ils.session import Session, writes

# Blocks an override may pass; a lost, replaced or returned card never lends.
OVERRIDABLE_BLOCKS = {"suspended", "expired", "overdue", "owes"}


class LoanRefused(Refused):
    """A checkout or renewal refused for the reasons listed; ``overridable`` when staff with
    the permission may go ahead with a recorded reason.

    ``reasons`` are ``Message`` values whose codes are part of the API: the reader's blocks
    (``circ.card_lost``, ``circ.card_expired``, ``circ.reader_suspended``,
    ``circ.reader_overdue``, ``circ.reader_owes``, see ``refusals.BLOCK_CODES``), the copy
    (``circ.copy_on_loan``, ``circ.copy_already_yours``, ``circ.copy_unavailable``,
    ``circ.copy_in_transit``, ``circ.not_loanable``, ``circ.hold_for_other``), the rules
    (``circ.loan_not_allowed``, ``circ.loan_limit``) and, for a renewal,
    ``circ.no_renewals_left``, ``circ.renew_overdue`` and ``circ.renew_hold_waiting``.
    A SIP2 server will map these codes to the patron-status bits of its answer (card
    reported lost, too many items overdue, excessive outstanding fines, too many items
    charged ...) without reading any prose.
    """

    def __init__(self, reasons: Sequence[Message], overridable: bool) -> None:
        super().__init__("circ.loan_refused", "{reasons}", reasons)
        self.overridable = overridable


@dataclass(frozen=True)
class LoanInfo:
    id: str
    item_id: str
    barcode: str
    title: str
    author: str
    call_number: str
    item_type: str
    loaned_at: str
    due_on: str
    renewals: int
    renewals_allowed: int
    overdue_days: int
    claimed_returned: bool
    ended_at: str | None
    ended_as: str | None


@dataclass(frozen=True)
class CheckoutResult:
    loan: LoanInfo
    reader: ReaderSummary
    filled_hold: bool
    override_reason: str | None


@dataclass(frozen=True)
class ReturnResult:
    barcode: str
    title: str
    loan: LoanInfo | None  # None when the copy was not on loan (a check-in)
    card_number: str | None
    fine_fen: int
    disposition: Disposition
    notes: tuple[str, ...]


# What a loan line shows of its record: never the whole MARC.
_BIB_COLUMNS = (BibRecord.id, BibRecord.title, BibRecord.responsibility)


def loan_info(loan: Loan, item: Item, bib: BibRecord, today: dt.date, allowed: int) -> LoanInfo:
    return LoanInfo(
        id=loan.id,
        item_id=item.id,
        barcode=item.barcode,
        title=bib.title or "",
        author=bib.responsibility or "",
        call_number=item.call_number or "",
        item_type=loan.item_type,
        loaned_at=loan.loaned_at,
        due_on=loan.due_on,
        renewals=loan.renewals,
        renewals_allowed=allowed,
        overdue_days=0 if loan.ended_at else days_late(loan.due_on, today),
        claimed_returned=loan.claimed_returned_at is not None,
        ended_at=loan.ended_at,
        ended_as=loan.ended_as,
    )


def _renewals_allowed() -> dict[str, int]:
    return {rule.id: rule.renewals for rule in RuleBook().rules}


def _bib_of(item: Item) -> BibRecord:
    """What a loan line shows of the copy's record: its title and author, never the MARC."""
    title, author = BibRecord._meta.database.execute_sql(
        "SELECT title, responsibility FROM bib_record WHERE id = ?", (item.bib_id,)
    ).fetchone()
    return prepared.partial(BibRecord, id=item.bib_id, title=title, responsibility=author)


_HOLDS_SQL = (
    f"SELECT {prepared.columns(Hold, 'h')} FROM hold h WHERE h.bib_id = ? AND h.state = 'waiting'"
    f" UNION SELECT {prepared.columns(Hold, 'h')} FROM hold h WHERE h.trapped_item_id = ?"
    " AND h.state IN ('in_transit', 'ready')"
    f" UNION SELECT {prepared.columns(Hold, 'h')} FROM hold h WHERE h.reader_id = ? AND h.state IN ('in_transit', 'ready')"
    " AND h.bib_id = ?"
)


def _holds_touching(item: Item, reader_id: str) -> list[Hold]:
    """In one statement (each part on its own index), every hold a checkout of ``item`` by the reader
    must weigh: the record's queue, the hold the copy is kept for, the reader's holds on the record
    kept or on their way. Oldest first."""
    rows = Hold._meta.database.execute_sql(_HOLDS_SQL, (item.bib_id, item.id, reader_id, item.bib_id)).fetchall()
    return sorted((prepared.model_at(Hold, row) for row in rows), key=lambda hold: (hold.placed_at, hold.id))


def _kept_for(item: Item, holds: list[Hold]) -> Hold | None:
    """The hold this copy is kept for (on the hold shelf or on its way), or a hold waiting for this very copy."""
    if item.status in ("on_hold_shelf", "in_transit"):
        trapped = next((h for h in holds if h.trapped_item_id == item.id and h.state in ("in_transit", "ready")), None)
        if trapped is not None:
            return trapped
    return next((h for h in holds if h.bib_id == item.bib_id and h.state == "waiting" and h.item_id == item.id), None)


def _loans(where, today: dt.date, order) -> list[LoanInfo]:
    allowed = _renewals_allowed()
    query = Loan.select(Loan, Item, *_BIB_COLUMNS).join(Item).join(BibRecord).where(where).order_by(*order)
    return [loan_info(loan, loan.item, loan.item.bib, today, allowed.get(loan.rule_id, 0)) for loan in query]


def _info_of(loan_id: str, today: dt.date) -> LoanInfo:
    return _loans(Loan.id == loan_id, today, (Loan.id,))[0]


def open_loans(reader_id: str, today: dt.date) -> list[LoanInfo]:
    """The reader's loans not yet back, soonest due first: one indexed query however long the history."""
    return _loans((Loan.reader == reader_id) & Loan.ended_at.is_null(), today, (Loan.due_on, Loan.loaned_at))


def _item_refusal(item: Item, reader: Reader, here: Place) -> tuple[list[Message], list[Message]]:
    """(hard reasons, overridable reasons) the copy itself gives."""
    hard: list[Message] = []
    soft: list[Message] = []
    if item.status == "on_loan":
        loan = Loan.get_or_none(Loan.item == item.id, Loan.ended_at.is_null())
        if loan is not None and loan.reader_id == reader.id:
            hard.append(
                message(
                    "circ.copy_already_yours",
                    "{barcode} is already on loan to this reader, due {due}.",
                    barcode=item.barcode,
                    due=loan.due_on,
                )
            )
        else:
            hard.append(
                message(
                    "circ.copy_on_loan",
                    "{barcode} is on loan to another reader: return it first.",
                    barcode=item.barcode,
                )
            )
    elif item.status in ("lost", "missing", "withdrawn", "processing", "damaged"):
        hard.append(
            message(
                "circ.copy_unavailable",
                "{barcode} is marked {status}: scan it in return mode to put it back in circulation.",
                barcode=item.barcode,
                status=status_label(item.status),
            )
        )
    elif item.status == "in_transit":
        transit = Transit.get_or_none(Transit.item == item.id, Transit.received_at.is_null())
        if transit is not None and transit.to_branch_id != here.branch_id:
            hard.append(
                message(
                    "circ.copy_in_transit",
                    "{barcode} is in transit to {branch}.",
                    barcode=item.barcode,
                    branch=transit.to_branch.name,
                )
            )
    if item.location_id is not None and not item.location.loanable:
        soft.append(message("circ.not_loanable", "{barcode} is for use in the library only.", barcode=item.barcode))
    return hard, soft


def _hold_refusal(item: Item, reader: Reader, holds: list[Hold]) -> list[Message]:
    """The overridable reason a hold gives: the copy is kept for, or waited for by, someone else."""
    hold = _kept_for(item, holds)
    if hold is not None and hold.reader_id != reader.id:
        return [message("circ.hold_for_other", "{barcode} is kept for another reader's hold.", barcode=item.barcode)]
    return []


@writes
def checkout(
    session: Session, card_number: str, barcode: str, *, point: str | None = None, override: str | None = None
) -> CheckoutResult:
    """Lend the copy to the card's reader, due on the rule's day rolled to an opening day."""
    session.require(Permission.CIRCULATE)
    reason = (override or "").strip() or None
    if reason:
        session.require(Permission.OVERRIDE_RULES)
    reader, reader_summary = presented_reader(session, card_number)  # a lost or dead card stops here
    item = get_item(barcode)
    here = place_of(session, point)
    today = session.now().date()
    holds = _holds_touching(item, reader.id)
    hard, soft = _item_refusal(item, reader, here)
    soft += _hold_refusal(item, reader, holds)
    soft = [block_reason(block) for block in reader_summary.blocks if block.kind in OVERRIDABLE_BLOCKS] + soft
    book = RuleBook()
    rule = book.rule_for(reader.reader_type_id, item.item_type, here.branch_id)
    if rule.loan_limit == 0:
        soft.append(
            message(
                "circ.loan_not_allowed",
                "{type} readers may not borrow this kind of item.",
                type=reader_summary.reader_type_name,
            )
        )
    else:
        types = [
            t
            for (t,) in Loan._meta.database.execute_sql(
                "SELECT item_type FROM loan WHERE reader_id = ? AND ended_at IS NULL", (reader.id,)
            )
        ]
        held = same_cell(book, rule, reader.reader_type_id, types, here.branch_id)
        if held >= rule.loan_limit:
            soft.append(
                message(
                    "circ.loan_limit",
                    "Loan limit reached: {held} of {limit} items of this kind are out.",
                    held=held,
                    limit=rule.loan_limit,
                )
            )
    if hard or (soft and not reason):
        raise LoanRefused(hard + soft, overridable=not hard)
    due = due_date(here.branch_id, today, rule.loan_days).isoformat()
    now = session.library.now_text()
    with session.write() as writer:
        if item.status == "in_transit":
            arrive(writer, item, here, today, now)
            holds = _holds_touching(item, reader.id)  # its arrival may have put a hold on the shelf
        loan = Loan(
            item=item.id,
            reader=reader.id,
            reader_type=reader.reader_type_id,
            age_band=age_band(dt.date.fromisoformat(reader.birth_date) if reader.birth_date else None, today),
            reader_branch=reader.branch_id,
            item_type=item.item_type,
            branch=here.branch_id,
            service_point=here.point_id,
            rotation_batch=item.rotation_batch_id,
            rule_id=rule.id,
            loaned_at=now,
            due_on=due,
            override_reason=reason if soft else None,
        )
        prepared.insert(loan)
        Item._meta.database.execute_sql(
            "UPDATE item SET status = 'on_loan', updated_at = ? WHERE id = ?", (now, item.id)
        )
        writer.journal(
            "loan.checkout",
            "loan",
            loan.id,
            {
                "item_id": item.id,
                "barcode": item.barcode,
                "due_on": due,
                "branch": here.branch_code,
                "point": here.point_code,
                "reader_type": loan.reader_type,
                "age_band": loan.age_band,
                "rule": rule.id,
                "override": loan.override_reason,
                "overridden": [refusal.code for refusal in soft] if reason else [],
            },
        )
        filled = _fill_hold(writer, item, reader, holds, now)
        if reason and not filled:
            _release_other_hold(writer, item, holds)
    # A checkout adds no block, so the reader read at the start of the call is still true.
    bib = _bib_of(item)
    info = loan_info(loan, item, bib, today, rule.renewals)
    return CheckoutResult(info, reader_summary, filled, loan.override_reason)


def _fill_hold(writer: Writer, item: Item, reader: Reader, holds: list[Hold], now: str) -> bool:
    """The reader collects a copy kept for them, or any copy of a record they are waiting for."""
    theirs = [
        h
        for h in holds
        if h.reader_id == reader.id
        and h.bib_id == item.bib_id
        and h.state in ("ready", "in_transit", "waiting")
        and h.item_id in (None, item.id)
    ]
    hold = min(theirs, key=lambda h: (h.state != "ready", h.placed_at), default=None)
    if hold is None:
        return False
    if hold.trapped_item_id not in (None, item.id) and hold.state in ("ready", "in_transit"):
        # The reader took another copy: the copy trapped for them goes to the next in the queue.
        Hold.update(trapped_item=None).where(Hold.id == hold.id).execute()
    Hold.update(state="fulfilled", ended_at=now, end_reason="collected").where(Hold.id == hold.id).execute()
    writer.journal("hold.fulfil", "hold", hold.id, {"item_id": item.id, "barcode": item.barcode})
    return True


def _release_other_hold(writer: Writer, item: Item, holds: list[Hold]) -> None:
    """An override lent a copy kept for someone else: their hold waits again, first in line."""
    hold = next((h for h in holds if h.trapped_item_id == item.id and h.state in ("ready", "in_transit")), None)
    if hold is not None:
        Hold.update(state="waiting", trapped_item=None, trapped_at=None, ready_at=None, expires_on=None).where(
            Hold.id == hold.id
        ).execute()
        writer.journal("hold.release", "hold", hold.id, {"item_id": item.id, "barcode": item.barcode})


def charge_overdue_fine(writer: Writer, loan: Loan, item: Item, today: dt.date, now: str) -> int:
    """In fines mode, charge what a late loan ran up, when it comes back (returned or damaged)."""
    if loan.claimed_returned_at or days_late(loan.due_on, today) == 0 or not circulation_settings().fines:
        return 0
    rule = RuleBook().by_id(loan.rule_id)
    amount = running_fine(loan, rule.fine_fen_per_day if rule else 0, item.price_fen, today)
    if amount <= 0:
        return 0
    add_charge(
        writer,
        reader_id=loan.reader_id,
        loan_id=loan.id,
        item_id=item.id,
        kind="overdue",
        amount_fen=amount,
        note=_("{days} days late").format(days=days_late(loan.due_on, today)),
        now=now,
    )
    return amount


def _open_loan_of(item: Item) -> tuple[Loan | None, str | None]:
    """The copy's loan not yet back, and its reader's card number (None once de-identified)."""
    row = Loan._meta.database.execute_sql(
        f"SELECT {prepared.columns(Loan, 'l')}, r.card_number FROM loan l LEFT JOIN reader r ON r.id = l.reader_id"
        " WHERE l.item_id = ? AND l.ended_at IS NULL",
        (item.id,),
    ).fetchone()
    if row is None:
        return None, None
    return prepared.model_at(Loan, row), row[-1]


@writes
def return_item(session: Session, barcode: str, *, point: str | None = None) -> ReturnResult:
    """Take a copy back at any branch (通借通还); say where it goes next.

    A copy that was not on loan is checked in all the same: a copy found after being
    marked lost or missing goes back into circulation, and one in transit is received.
    """
    session.require(Permission.CIRCULATE)
    item = get_item(barcode)
    here = place_of(session, point)
    today = session.now().date()
    now = session.library.now_text()
    loan, card_number = _open_loan_of(item)
    if loan is None and item.status in ("withdrawn", "processing"):
        raise Invalid(
            "circ.copy_not_in_circulation",
            "{barcode} is {status}, not in circulation: give it to cataloguing.",
            barcode=item.barcode,
            status=status_label(item.status),
        )
    if loan is None and item.status in ("available", "on_hold_shelf"):
        raise Invalid(
            "circ.not_on_loan",
            "{barcode} is not on loan: it is {status}.",
            barcode=item.barcode,
            status=status_label(item.status),
        )
    late = days_late(loan.due_on, today) if loan is not None else 0
    notes: list[str] = []
    fine = 0
    with session.write() as writer:
        if loan is not None:
            Loan._meta.database.execute_sql(
                "UPDATE loan SET ended_at = ?, ended_as = 'returned', end_branch_id = ?, end_service_point_id = ?"
                " WHERE id = ?",
                (now, here.branch_id, here.point_id, loan.id),
            )
            writer.journal(
                "loan.return",
                "loan",
                loan.id,
                {
                    "item_id": item.id,
                    "barcode": item.barcode,
                    "branch": here.branch_code,
                    "point": here.point_code,
                    "days_late": late,
                },
            )
            fine = charge_overdue_fine(writer, loan, item, today, now)
            loan.ended_at, loan.ended_as = now, "returned"
            if late:
                notes.append(_("Returned {days} days late.").format(days=late))
            if fine:
                notes.append(_("Overdue fine {amount} charged.").format(amount=yuan(fine)))
            if loan.claimed_returned_at:
                notes.append(_("The reader had said it was returned: it has turned up."))
        elif item.status in ("lost", "missing"):
            notes.append(
                _("{barcode} was marked {status}: it is back in circulation.").format(
                    barcode=item.barcode, status=status_label(item.status)
                )
            )
            writer.journal("item.found", "item", item.id, {"barcode": item.barcode, "was": item.status})
            if (
                Charge.select()
                .where(Charge.item == item.id, Charge.kind == "lost", Charge.settled_at.is_null())
                .exists()
            ):
                notes.append(_("A charge for losing it is still open: waive it if the library's rules say so."))
        disposition = arrive(writer, item, here, today, now) if item.status == "in_transit" else None
        if disposition is None:
            disposition = route(writer, item, here, today, now)
    bib = _bib_of(item)
    return ReturnResult(
        item.barcode,
        bib.title or "",
        loan_info(loan, item, bib, today, 0) if loan else None,
        card_number,
        fine,
        disposition,
        tuple(notes),
    )


@writes
def renew(session: Session, barcode: str, *, point: str | None = None, override: str | None = None) -> LoanInfo:
    """One more period, counted from the current due date: not when late, reserved or out of renewals."""
    session.require(Permission.CIRCULATE)
    reason = (override or "").strip() or None
    if reason:
        session.require(Permission.OVERRIDE_RULES)
    item = get_item(barcode)
    loan = Loan.get_or_none(Loan.item == item.id, Loan.ended_at.is_null())
    if loan is None:
        raise Invalid("circ.not_on_loan", "{barcode} is not on loan, so it cannot be renewed.", barcode=item.barcode)
    here = place_of(session, point)
    today = session.now().date()
    reader = loan.reader
    hard: list[Message] = []
    soft: list[Message] = []
    for block in summary(reader, today).blocks:
        (soft if block.kind in OVERRIDABLE_BLOCKS else hard).append(block_reason(block))
    rule = RuleBook().rule_for(loan.reader_type, loan.item_type, loan.branch_id)
    if loan.renewals >= rule.renewals:
        soft.append(
            message(
                "circ.no_renewals_left",
                "No renewals left: {used} of {allowed} used.",
                used=loan.renewals,
                allowed=rule.renewals,
            )
        )
    if loan.due_on < today.isoformat():
        soft.append(
            message(
                "circ.renew_overdue",
                "{barcode} is overdue since {due}: overdue items cannot be renewed.",
                barcode=item.barcode,
                due=loan.due_on,
            )
        )
    waiting = (
        Hold.select()
        .where(Hold.bib == item.bib_id, Hold.state == "waiting", Hold.item.is_null() | (Hold.item == item.id))
        .exists()
    )
    if waiting:
        soft.append(message("circ.renew_hold_waiting", "Another reader has placed a hold on this title."))
    if hard or (soft and not reason):
        raise LoanRefused(hard + soft, overridable=not hard)
    start = max(today, dt.date.fromisoformat(loan.due_on))
    due = due_date(loan.branch_id, start, rule.renew_days).isoformat()
    now = session.library.now_text()
    with session.write() as writer:
        row = LoanRenewal.create(
            loan=loan.id,
            renewed_at=now,
            branch=here.branch_id,
            service_point=here.point_id,
            previous_due_on=loan.due_on,
            due_on=due,
            override_reason=reason if soft else None,
        )
        Loan.update(due_on=due, renewals=Loan.renewals + 1).where(Loan.id == loan.id).execute()
        writer.journal(
            "loan.renew",
            "loan_renewal",
            row.id,
            {
                "loan_id": loan.id,
                "barcode": item.barcode,
                "due_on": due,
                "previous_due_on": loan.due_on,
                "branch": here.branch_code,
                "override": row.override_reason,
            },
        )
    return _info_of(loan.id, today)


def reader_loans(session: Session, card_number: str) -> list[LoanInfo]:
    session.require(Permission.CIRCULATE)
    return open_loans(reader_by_card(card_number).id, session.now().date())


def loan_history(session: Session, card_number: str, *, limit: int = 20, offset: int = 0) -> list[LoanInfo]:
    """Returned loans still linked to the reader, newest first, one page at a time."""
    session.require(Permission.CIRCULATE)
    reader = reader_by_card(card_number)
    today = session.now().date()
    query = (
        Loan.select(Loan, Item, *_BIB_COLUMNS)
        .join(Item)
        .join(BibRecord)
        .where(Loan.reader == reader.id, Loan.ended_at.is_null(False))
        .order_by(Loan.loaned_at.desc())
        .limit(limit)
        .offset(offset)
    )
    return [loan_info(loan, loan.item, loan.item.bib, today, 0) for loan in query]
