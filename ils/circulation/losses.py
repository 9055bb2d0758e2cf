"""Lost, damaged and claimed-returned copies: marked at the desk, resolved later.

- **Lost** (the reader says so): the loan ends as lost, the copy is marked lost, and the
  reader owes its price times ``lost_price_percent``, or ``lost_default_fen`` when the copy
  has no price. The reader settles by paying or by bringing a replacement copy
  (``charges.accept_replacement``).
- **Damaged** (the reader hands the copy in damaged): scanned as damaged instead of
  returned, the loan ends as returned here, the copy stays here marked damaged for repair
  or withdrawal (cataloguing puts it back on the shelf), and the reader owes what the staff
  member judged, if anything. An overdue fine runs as at any return.
- **Claimed returned** (the reader says it came back, the shelf says no): the copy is
  marked missing and the loan stays open, but no longer counts as overdue and runs no fine.
  If the copy turns up, it is returned as usual (``loans.return_item``); if it never does,
  a supervisor writes the loan off, or the desk marks it lost after all.

A copy found after being marked lost goes back into circulation through
``loans.return_item`` too; the lost charge stays with the reader until paid or waived.
Each step reads the open loan inside its write (``@writes``): a loan ends once.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Charge, Item, Loan
from ils.catalogue.items import get_item
from ils.circulation.charges import ChargeInfo, add_charge, charge_info
from ils.circulation.loans import charge_overdue_fine
from ils.circulation.places import Place, place_of
from ils.circulation.settings import circulation_settings
from ils.errors import Invalid
from ils.i18n import _
from ils.money import yuan
from ils.permissions import Permission
from ils.session import Session, writes


@dataclass(frozen=True)
class LossOutcome:
    barcode: str
    title: str
    loan_id: str
    card_number: str | None
    item_status: str
    charges: tuple[ChargeInfo, ...]  # what the reader was charged now (a lost copy, a damage, a fine)
    message: str


def lost_charge_fen(price_fen: int | None) -> int:
    """What a lost copy costs the reader: its price times the library's factor, or the default."""
    settings = circulation_settings()
    if not price_fen:
        return settings.lost_default_fen
    return (price_fen * settings.lost_price_percent + 50) // 100


def _open_loan(barcode: str) -> tuple[Item, Loan]:
    item = get_item(barcode)
    loan = Loan.get_or_none(Loan.item == item.id, Loan.ended_at.is_null())
    if loan is None:
        raise Invalid("circ.not_on_loan", "{barcode} is not on loan.", barcode=item.barcode)
    return item, loan


def _outcome(item: Item, loan: Loan, status: str, charge_ids: list[str], message: str) -> LossOutcome:
    return LossOutcome(
        barcode=item.barcode,
        title=item.bib.title or "",
        loan_id=loan.id,
        card_number=loan.reader.card_number if loan.reader_id else None,
        item_status=status,
        charges=tuple(charge_info(Charge.get_by_id(charge_id)) for charge_id in charge_ids),
        message=message,
    )


def _end(loan: Loan, ended_as: str, here: Place, now: str) -> None:
    Loan.update(ended_at=now, ended_as=ended_as, end_branch=here.branch_id, end_service_point=here.point_id).where(
        Loan.id == loan.id
    ).execute()


@writes
def mark_lost(session: Session, barcode: str, *, point: str | None = None) -> LossOutcome:
    """The reader lost the copy on loan: the loan ends as lost and the reader is charged for it."""
    session.require(Permission.TAKE_PAYMENTS)
    item, loan = _open_loan(barcode)
    here = place_of(session, point)
    now = session.library.now_text()
    amount = lost_charge_fen(item.price_fen)
    charged: list[str] = []
    with session.write() as writer:
        _end(loan, "lost", here, now)
        Item.update(status="lost", updated_at=now).where(Item.id == item.id).execute()
        writer.journal(
            "loan.lost",
            "loan",
            loan.id,
            {"item_id": item.id, "barcode": item.barcode, "branch": here.branch_code, "charge_fen": amount},
        )
        if amount > 0:
            charged.append(
                add_charge(
                    writer,
                    reader_id=loan.reader_id,
                    loan_id=loan.id,
                    item_id=item.id,
                    kind="lost",
                    amount_fen=amount,
                    note=None,
                    now=now,
                ).id
            )
    message = (
        _("{barcode} is marked lost; the reader owes {amount} for it.").format(
            barcode=item.barcode, amount=yuan(amount)
        )
        if amount
        else _("{barcode} is marked lost; the library charges nothing for it.").format(barcode=item.barcode)
    )
    return _outcome(item, loan, "lost", charged, message)


@writes
def mark_damaged(
    session: Session, barcode: str, amount_fen: int, *, note: str | None = None, point: str | None = None
) -> LossOutcome:
    """The reader hands the copy in damaged: it is taken back here, kept out of circulation, and
    the reader owes ``amount_fen`` (0 for nothing)."""
    session.require(Permission.TAKE_PAYMENTS)
    if amount_fen < 0:
        raise Invalid("circ.charge_negative", "A charge cannot be less than ¥0.00.")
    item, loan = _open_loan(barcode)
    here = place_of(session, point)
    today = session.now().date()
    now = session.library.now_text()
    note = (note or "").strip() or None
    charged: list[str] = []
    with session.write() as writer:
        _end(loan, "returned", here, now)
        at_branch = None if here.branch_id == item.branch_id else here.branch_id
        Item.update(status="damaged", at_branch=at_branch, updated_at=now).where(Item.id == item.id).execute()
        writer.journal(
            "loan.damaged",
            "loan",
            loan.id,
            {
                "item_id": item.id,
                "barcode": item.barcode,
                "branch": here.branch_code,
                "point": here.point_code,
                "charge_fen": amount_fen,
            },
        )
        fine = charge_overdue_fine(
            writer, loan, item, today, now
        )  # as at any return; its last journal row is the charge
        if fine and writer.last is not None and writer.last.entity_id:
            charged.append(writer.last.entity_id)
        if amount_fen > 0:
            charged.append(
                add_charge(
                    writer,
                    reader_id=loan.reader_id,
                    loan_id=loan.id,
                    item_id=item.id,
                    kind="damaged",
                    amount_fen=amount_fen,
                    note=note,
                    now=now,
                ).id
            )
    message = _("{barcode} is taken back damaged: keep it aside for repair; the reader owes {amount}.").format(
        barcode=item.barcode, amount=yuan(fine + amount_fen)
    )
    return _outcome(item, loan, "damaged", charged, message)


@writes
def claim_returned(session: Session, barcode: str, *, point: str | None = None) -> LossOutcome:
    """The reader says the copy came back: it is looked for (missing), and no longer overdue."""
    session.require(Permission.TAKE_PAYMENTS)
    item, loan = _open_loan(barcode)
    if loan.claimed_returned_at:
        raise Invalid(
            "circ.already_claimed_returned",
            "The reader already said on {date} that {barcode} was returned.",
            date=loan.claimed_returned_at[:10],
            barcode=item.barcode,
        )
    here = place_of(session, point)
    now = session.library.now_text()
    with session.write() as writer:
        Loan.update(claimed_returned_at=now).where(Loan.id == loan.id).execute()
        Item.update(status="missing", updated_at=now).where(Item.id == item.id).execute()
        writer.journal(
            "loan.claim_returned",
            "loan",
            loan.id,
            {"item_id": item.id, "barcode": item.barcode, "branch": here.branch_code},
        )
    return _outcome(
        item,
        loan,
        "missing",
        [],
        _("{barcode} is marked missing while it is looked for; the loan no longer counts as overdue.").format(
            barcode=item.barcode
        ),
    )


@writes
def write_off(session: Session, barcode: str, reason: str, *, point: str | None = None) -> LossOutcome:
    """A claimed-returned copy that never turned up: the loan ends, the reader owes nothing for it."""
    session.require(Permission.WAIVE_CHARGES)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("circ.write_off_needs_reason", "Say why the loan is written off.")
    item, loan = _open_loan(barcode)
    if not loan.claimed_returned_at:
        raise Invalid(
            "circ.write_off_not_claimed",
            "Only a copy the reader said was returned can be written off; mark {barcode} lost instead.",
            barcode=item.barcode,
        )
    here = place_of(session, point)
    now = session.library.now_text()
    with session.write() as writer:
        _end(loan, "written_off", here, now)
        writer.journal(
            "loan.write_off",
            "loan",
            loan.id,
            {"item_id": item.id, "barcode": item.barcode, "branch": here.branch_code, "reason": reason},
        )
    return _outcome(
        item,
        loan,
        item.status,
        [],
        _("The loan of {barcode} is written off; the copy stays missing until it turns up.").format(
            barcode=item.barcode
        ),
    )
