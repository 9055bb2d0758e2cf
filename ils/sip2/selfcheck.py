"""What a self-service machine may do, for the SIP2 server and the kiosk alike: look a reader
up, lend, take back, renew, all through the circulation services.

The self-service room adds three things to the desk's rules:

- a reader's standing is told as SIP2's 14-character patron status, built from the codes of
  the reader's blocks and of a refusal's reasons (``CODE_BITS``), never from prose;
- a renewal names the reader: a machine may only renew the loans of the card it was shown;
- the offline policy: when this node has not heard from the union for longer than a set time,
  readers of other branches may have only a few items out from here (their loans elsewhere
  are not known), and the refusal says so.

Every refusal is journaled (``sip2.refused``: the codes, the barcode, the card masked), since
no staff member saw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from db.models import Loan, Setting
from ils import identity
from ils.circulation import loans as circulation
from ils.circulation.charges import ChargeInfo, pay, reader_charges
from ils.circulation.holds import HoldInfo, active_holds
from ils.circulation.loans import CheckoutResult, LoanInfo, ReturnResult, open_loans
from ils.circulation.places import place_of
from ils.circulation.refusals import BLOCK_CODES, Refused, block_reason
from ils.circulation.settings import circulation_settings
from ils.errors import IlsError, Invalid, message
from ils.permissions import Permission
from ils.readers.lifecycle import suspend
from ils.readers.readers import presented_reader
from ils.readers.rows import ReaderSummary
from ils.session import Session, writes
from ils.sync import peers

OFFLINE_AFTER_HOURS = "sip2.offline_after_hours"
OFFLINE_LOAN_LIMIT = "sip2.offline_loan_limit"
DEFAULT_OFFLINE_AFTER_HOURS = 24
DEFAULT_OFFLINE_LOAN_LIMIT = 2

# The 14 positions of SIP2's patron status.
CHARGE_DENIED, RENEW_DENIED, RECALL_DENIED, HOLD_DENIED, CARD_LOST = 0, 1, 2, 3, 4
TOO_MANY_CHARGED, TOO_MANY_OVERDUE, TOO_MANY_RENEWALS = 5, 6, 7
EXCESSIVE_FINES, EXCESSIVE_FEES = 10, 11
_DENIED = (CHARGE_DENIED, RENEW_DENIED, RECALL_DENIED, HOLD_DENIED)

#: The patron-status bits each refusal code sets. ``circ.reader_owes`` is a fine in fines mode
#: and a fee (a lost or damaged copy) otherwise; see ``status_bits``.
CODE_BITS: dict[str, tuple[int, ...]] = {
    "circ.card_lost": (*_DENIED, CARD_LOST),
    "readers.card_lost": (*_DENIED, CARD_LOST),
    "circ.card_returned": _DENIED,
    "readers.card_returned": _DENIED,
    "readers.card_replaced": _DENIED,
    "readers.card_not_found": _DENIED,
    "circ.card_expired": _DENIED,
    "circ.reader_suspended": _DENIED,
    "circ.reader_blocked": _DENIED,
    "circ.reader_overdue": (CHARGE_DENIED, RENEW_DENIED, TOO_MANY_OVERDUE),
    "circ.reader_owes": (CHARGE_DENIED, RENEW_DENIED),
    "circ.loan_limit": (TOO_MANY_CHARGED,),
    "sip2.offline_limit": (TOO_MANY_CHARGED,),
    "circ.no_renewals_left": (TOO_MANY_RENEWALS,),
}


def status_bits(codes: Iterable[str], *, fines: bool) -> str:
    """The 14-character patron status for a set of refusal codes: ``Y`` where a bit is set."""
    bits = [" "] * 14
    for code in codes:
        for position in CODE_BITS.get(code, ()):
            bits[position] = "Y"
        if code == "circ.reader_owes":
            bits[EXCESSIVE_FINES if fines else EXCESSIVE_FEES] = "Y"
    return "".join(bits)


def mask_card(card: str) -> str:
    """A card number as the journal keeps it: enough to tell cards apart at the desk, no more."""
    card = card.strip()
    if len(card) <= 4:
        return "*" * len(card)
    return card[:2] + "*" * max(0, len(card) - 6) + card[-4:]


@dataclass(frozen=True)
class Patron:
    """A reader as a machine sees them; ``valid`` False when no such card exists."""

    card: str
    valid: bool
    name: str
    codes: tuple[str, ...]
    status: str
    reason: str  # the first block, in the terminal's language ("" when none)
    loans: tuple[LoanInfo, ...] = ()
    holds: tuple[HoldInfo, ...] = ()
    charges: tuple[ChargeInfo, ...] = ()
    owed_fen: int = 0
    branch_code: str = ""

    @property
    def overdue(self) -> tuple[LoanInfo, ...]:
        return tuple(loan for loan in self.loans if loan.overdue_days > 0)

    @property
    def may_borrow(self) -> bool:
        return self.valid and self.status[CHARGE_DENIED] != "Y"


def _block_codes(summary: ReaderSummary) -> tuple[str, ...]:
    return tuple(BLOCK_CODES.get(block.kind, "circ.reader_blocked") for block in summary.blocks)


def patron(session: Session, card: str, *, details: bool = False) -> Patron:
    """The reader behind ``card`` with the bits of their blocks; with ``details`` their loans,
    holds and charges too (patron information, the kiosk)."""
    session.require(Permission.CIRCULATE)
    fines = circulation_settings().fines
    try:
        reader, summary = presented_reader(session, card)
    except IlsError as error:
        valid = error.code in ("readers.card_lost", "readers.card_replaced", "readers.card_returned")
        code = error.code if valid else "readers.card_not_found"
        return Patron(card, valid, "", (code,), status_bits((code,), fines=fines), error.render())
    codes = _block_codes(summary)
    reason = ""
    if summary.blocks:
        reason = block_reason(summary.blocks[0]).render()
    if not details:
        return Patron(
            card, True, summary.name, codes, status_bits(codes, fines=fines), reason, branch_code=summary.branch_code
        )
    today = session.now().date()
    charges = tuple(reader_charges(session, summary.card_number))
    return Patron(
        card,
        True,
        summary.name,
        codes,
        status_bits(codes, fines=fines),
        reason,
        tuple(open_loans(reader.id, today)),
        tuple(active_holds(reader.id, today)),
        charges,
        sum(charge.owed_fen for charge in charges),
        summary.branch_code,
    )


# --- the offline policy -------------------------------------------------------------------------


@dataclass(frozen=True)
class OfflinePolicy:
    after_hours: int
    loan_limit: int


def offline_policy(session: Session) -> OfflinePolicy:
    library = session.library
    hours = library.setting(OFFLINE_AFTER_HOURS)
    limit = library.setting(OFFLINE_LOAN_LIMIT)
    return OfflinePolicy(
        int(hours) if hours is not None else DEFAULT_OFFLINE_AFTER_HOURS,
        int(limit) if limit is not None else DEFAULT_OFFLINE_LOAN_LIMIT,
    )


@writes
def change_offline_policy(
    session: Session, *, after_hours: int | None = None, loan_limit: int | None = None
) -> OfflinePolicy:
    session.require(Permission.CONFIGURE_CIRCULATION)
    changes = {OFFLINE_AFTER_HOURS: after_hours, OFFLINE_LOAN_LIMIT: loan_limit}
    for key, value in changes.items():
        if value is not None and not 0 <= value <= 10000:
            raise Invalid("sip2.offline_out_of_range", "{name} must be a whole number from 0 to 10000.", name=key)
    with session.write() as writer:
        for key, value in changes.items():
            if value is not None:
                Setting.insert(key=key, value=str(value)).on_conflict_replace().execute()
                writer.journal("setting.set", "setting", key, {"value": str(value)})
    return offline_policy(session)


def last_heard(session: Session) -> dt.datetime | None | bool:
    """When this node last imported from the union: ``False`` when it has no union at all (a
    library that does not sync is never offline), ``None`` when it never has."""
    union = [peer for peer in peers.peers(session.library) if peer.role == identity.UNION]
    if not union:
        return False
    last = union[0].last_in
    if last is None:
        return None
    heard = dt.datetime.fromisoformat(last)
    if heard.tzinfo is None:
        heard = heard.replace(tzinfo=session.now().tzinfo)
    return heard


def is_offline(session: Session) -> bool:
    heard = last_heard(session)
    if heard is False:
        return False
    if heard is None:
        return True
    assert isinstance(heard, dt.datetime)
    return session.now() - heard > dt.timedelta(hours=offline_policy(session).after_hours)


def _check_offline(session: Session, card: str, point: str) -> None:
    """Refuse a loan the offline policy does not allow: a reader of another branch with as many
    items out as the offline limit."""
    if not is_offline(session):
        return
    reader, summary = presented_reader(session, card)
    here = place_of(session, point)
    if summary.branch_code in (here.branch_code, session.library.node.branch_code):
        return
    limit = offline_policy(session).loan_limit
    out = Loan.select().where(Loan.reader == reader.id, Loan.ended_at.is_null()).count()
    if out >= limit:
        raise Refused(
            "sip2.offline_refused",
            "{reasons}",
            [
                message(
                    "sip2.offline_limit",
                    "The self-service room cannot reach the central library: readers of other branches may have "
                    "{limit} items out from here until it can. Ask at the desk.",
                    limit=limit,
                )
            ],
        )


# --- lending --------------------------------------------------------------------------------------


def refusal_codes(error: IlsError) -> tuple[str, ...]:
    """The codes of a refusal's reasons (or the refusal's own code)."""
    return error.codes if isinstance(error, Refused) else (error.code,)


def journal_refusal(session: Session, action: str, error: IlsError, *, card: str = "", barcode: str = "") -> None:
    """A refusal no staff member saw, kept in the journal: what was asked, and why not. Kept even
    when the write it happens in is rolled back by the refusal."""
    with session.write() as writer:
        writer.refusal(
            "sip2.refused",
            "sip2_terminal",
            session.staff.id,
            {"action": action, "codes": list(refusal_codes(error)), "card": mask_card(card), "barcode": barcode},
        )


@writes
def lend(session: Session, card: str, barcode: str, point: str) -> CheckoutResult:
    """Lend as the desk does, after the offline policy; a refusal is journaled and raised."""
    try:
        _check_offline(session, card, point)
        return circulation.checkout(session, card, barcode, point=point)
    except IlsError as error:
        journal_refusal(session, "checkout", error, card=card, barcode=barcode)
        raise


@writes
def give_back(session: Session, barcode: str, point: str) -> ReturnResult:
    try:
        return circulation.return_item(session, barcode, point=point)
    except IlsError as error:
        journal_refusal(session, "checkin", error, barcode=barcode)
        raise


def _own_loan(session: Session, card: str, barcode: str) -> None:
    reader, _summary = presented_reader(session, card)
    loans = open_loans(reader.id, session.now().date())
    if not any(loan.barcode == barcode.strip() for loan in loans):
        raise Invalid("sip2.not_your_loan", "{barcode} is not on loan on this card.", barcode=barcode.strip())


@writes
def renew_for(session: Session, card: str, barcode: str, point: str) -> LoanInfo:
    """Renew a loan of this card's reader (a machine never renews someone else's loan)."""
    try:
        _own_loan(session, card, barcode)
        return circulation.renew(session, barcode, point=point)
    except IlsError as error:
        journal_refusal(session, "renew", error, card=card, barcode=barcode)
        raise


@dataclass(frozen=True)
class RenewAll:
    renewed: tuple[LoanInfo, ...]
    refused: tuple[tuple[str, IlsError], ...]


@writes
def renew_all(session: Session, card: str, point: str) -> RenewAll:
    """Try every loan of the reader; each one renewed or refused on its own."""
    reader, _summary = presented_reader(session, card)
    renewed: list[LoanInfo] = []
    refused: list[tuple[str, IlsError]] = []
    for loan in open_loans(reader.id, session.now().date()):
        try:
            renewed.append(renew_for(session, card, loan.barcode, point))
        except IlsError as error:
            refused.append((loan.barcode, error))
    return RenewAll(tuple(renewed), tuple(refused))


def block_card(session: Session, card: str, reason: str) -> None:
    """A machine kept the card (01 block patron): the reader is suspended with the machine's
    reason, so the desk sees it at the next scan."""
    text = reason.strip() or message("sip2.card_retained", "Card kept by a self-service machine.").render()
    suspend(session, card, text[:200])


@writes
def pay_fines(session: Session, card: str, amount_fen: int, point: str) -> Sequence[ChargeInfo]:
    """Take ``amount_fen`` against the reader's charges, oldest first (fines mode only)."""
    if not circulation_settings().fines:
        raise Invalid("sip2.fines_off", "This library charges no fines: pay at the desk.")
    left = amount_fen
    paid: list[ChargeInfo] = []
    for charge in reader_charges(session, card):
        if left <= 0:
            break
        part = min(left, charge.owed_fen)
        if part > 0:
            paid.append(pay(session, charge.id, part, note="SIP2", point=point))
            left -= part
    if left > 0:
        raise Invalid("sip2.payment_too_much", "The payment is more than the reader owes.")
    return paid
