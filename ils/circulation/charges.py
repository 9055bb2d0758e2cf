"""Money a reader owes, and how it is settled: paid (in parts if need be), waived by a
supervisor, or, for a lost or damaged copy, settled with a replacement copy.

A charge is settled (``settled_at``) once its payments, waivers and replacements cover it;
what is still owed is the charge less everything recorded against it, so a partial payment
lowers the debt at once and the reader's block (``standing.unpaid_fen``) with it. Each
payment row records the branch whose desk took it, for the cash count there. Journal rows
name the charge and the amount, never the reader (the charge is de-identified later like
a loan). What is still owed is read inside the write (``@writes``), so two desks taking the
last payment at once cannot both take it. Amounts arrive in fen: the desk and the command
line parse what staff type with ``ils.money.parse_yuan``.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, fn

from db.models import BibRecord, Charge, Item, Payment
from ils.circulation.places import place_of
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.library import Writer
from ils.money import yuan
from ils.permissions import Permission
from ils.readers.rows import reader_by_card
from ils.session import Session, writes

KINDS: dict[str, str] = {
    "overdue": N_("Overdue fine"),
    "lost": N_("Lost item"),
    "damaged": N_("Damaged item"),
}
PAYMENT_KINDS: dict[str, str] = {
    "payment": N_("Paid"),
    "waiver": N_("Waived"),
    "replacement": N_("Replacement copy"),
}
#: Charges a replacement copy can settle: the copy itself was the loss.
REPLACEABLE = ("lost", "damaged")


@dataclass(frozen=True)
class PaymentInfo:
    id: str
    kind: str
    kind_label: str
    amount_fen: int
    paid_at: str
    branch_code: str
    note: str | None


@dataclass(frozen=True)
class ChargeInfo:
    id: str
    kind: str
    kind_label: str
    amount_fen: int
    paid_fen: int  # payments, waivers and replacements together
    owed_fen: int
    created_at: str
    settled_at: str | None
    card_number: str | None  # None once the settled charge was de-identified
    barcode: str | None
    title: str | None
    note: str | None
    payments: tuple[PaymentInfo, ...]

    @property
    def settled(self) -> bool:
        return self.settled_at is not None


def kind_label(kind: str) -> str:
    return _(KINDS[kind]) if kind in KINDS else kind


def payment_kind_label(kind: str) -> str:
    return _(PAYMENT_KINDS[kind]) if kind in PAYMENT_KINDS else kind


def _paid_fen(charge_id: str) -> int:
    return Payment.select(fn.COALESCE(fn.SUM(Payment.amount_fen), 0)).where(Payment.charge == charge_id).scalar()


def charge_info(charge: Charge) -> ChargeInfo:
    payments = tuple(
        PaymentInfo(p.id, p.kind, payment_kind_label(p.kind), p.amount_fen, p.paid_at, p.branch.code, p.note)
        for p in charge.payments.order_by(Payment.paid_at, Payment.id)
    )
    paid = sum(p.amount_fen for p in payments)
    item = charge.item
    return ChargeInfo(
        id=charge.id,
        kind=charge.kind,
        kind_label=kind_label(charge.kind),
        amount_fen=charge.amount_fen,
        paid_fen=paid,
        owed_fen=0 if charge.settled_at else max(0, charge.amount_fen - paid),
        created_at=charge.created_at,
        settled_at=charge.settled_at,
        card_number=charge.reader.card_number if charge.reader_id else None,
        barcode=item.barcode if item else None,
        title=item.bib.title if item else None,
        note=charge.note,
        payments=payments,
    )


def add_charge(
    writer: Writer,
    *,
    reader_id: str,
    loan_id: str | None,
    item_id: str | None,
    kind: str,
    amount_fen: int,
    note: str | None,
    now: str,
) -> Charge:
    """Charge the reader inside the caller's write; the journal names the loan, not the reader."""
    charge = Charge.create(
        reader=reader_id, loan=loan_id, item=item_id, kind=kind, amount_fen=amount_fen, created_at=now, note=note
    )
    writer.journal("charge.add", "charge", charge.id, {"kind": kind, "amount_fen": amount_fen, "loan_id": loan_id})
    return charge


def get_charge(charge_id: str) -> Charge:
    charge = Charge.get_or_none(Charge.id == (charge_id or "").strip())
    if charge is None:
        raise NotFound("circ.charge_not_found", "There is no charge {id}.", id=(charge_id or "").strip())
    return charge


def reader_charges(session: Session, card_number: str, *, include_settled: bool = False) -> list[ChargeInfo]:
    """What the card's reader owes, oldest first; with ``include_settled`` what they paid too."""
    session.require(Permission.CIRCULATE)
    reader = reader_by_card(card_number)
    query = (
        Charge.select(Charge, Item, BibRecord)
        .join(Item, JOIN.LEFT_OUTER)
        .join(BibRecord, JOIN.LEFT_OUTER)
        .where(Charge.reader == reader.id)
    )
    if not include_settled:
        query = query.where(Charge.settled_at.is_null())
    return [charge_info(charge) for charge in query.order_by(Charge.created_at, Charge.id)]


def _open(charge_id: str) -> tuple[Charge, int]:
    """The charge and what is still owed on it; a settled charge takes nothing more."""
    charge = get_charge(charge_id)
    if charge.settled_at:
        raise Invalid(
            "circ.charge_settled",
            "This charge was settled on {date}; nothing more is owed on it.",
            date=charge.settled_at[:10],
        )
    return charge, charge.amount_fen - _paid_fen(charge.id)


def _record(
    session: Session, charge: Charge, owed: int, kind: str, amount_fen: int, note: str | None, point: str | None
) -> ChargeInfo:
    """One payment row against the charge, settling it when it covers what was owed."""
    here = place_of(session, point)
    now = session.library.now_text()
    settled = amount_fen >= owed
    with session.write() as writer:
        payment = Payment.create(
            charge=charge.id, kind=kind, amount_fen=amount_fen, paid_at=now, branch=here.branch_id, note=note
        )
        if settled:
            Charge.update(settled_at=now).where(Charge.id == charge.id).execute()
        writer.journal(
            f"charge.{kind}",
            "payment",
            payment.id,
            {"charge_id": charge.id, "amount_fen": amount_fen, "branch": here.branch_code, "settled": settled},
        )
    return charge_info(Charge.get_by_id(charge.id))


@writes
def pay(
    session: Session, charge_id: str, amount_fen: int, *, note: str | None = None, point: str | None = None
) -> ChargeInfo:
    """Take money against a charge: all of it or a part; never more than is owed."""
    session.require(Permission.TAKE_PAYMENTS)
    charge, owed = _open(charge_id)
    if amount_fen <= 0:
        raise Invalid("circ.payment_not_positive", "A payment must be more than ¥0.00.")
    if amount_fen > owed:
        raise Invalid(
            "circ.payment_too_much",
            "Only {owed} is owed on this charge; {amount} is too much.",
            owed=yuan(owed),
            amount=yuan(amount_fen),
        )
    return _record(session, charge, owed, "payment", amount_fen, (note or "").strip() or None, point)


@writes
def waive(session: Session, charge_id: str, reason: str, *, point: str | None = None) -> ChargeInfo:
    """Let the reader off what is still owed, for a reason a supervisor gives and the record keeps."""
    session.require(Permission.WAIVE_CHARGES)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("circ.waiver_needs_reason", "Say why the charge is waived.")
    charge, owed = _open(charge_id)
    return _record(session, charge, owed, "waiver", owed, reason, point)


@writes
def accept_replacement(
    session: Session, charge_id: str, *, note: str | None = None, point: str | None = None
) -> ChargeInfo:
    """The reader brought a copy (the same or a newer edition) instead of paying: the charge is settled.

    The replacement is recorded at the value still owed, so the charge's payments cover it;
    cataloguing adds the new copy to the catalogue as it would any other.
    """
    session.require(Permission.TAKE_PAYMENTS)
    charge, owed = _open(charge_id)
    if charge.kind not in REPLACEABLE:
        raise Invalid(
            "circ.not_replaceable",
            "A replacement copy settles a lost or damaged item, not {kind}.",
            kind=kind_label(charge.kind),
        )
    return _record(session, charge, owed, "replacement", owed, (note or "").strip() or None, point)
