"""The front desk's two questions: who is at the desk, and what does this scan mean.

A barcode scanner is a keyboard that types a code and Enter, so the desk has one input
line and the code alone must say what to do: a reader card opens its reader; an item
barcode is lent to the reader who is open, or taken back when none is (or the desk is in
return mode), or renewed, or received from transit, by the desk's mode. ``scan`` decides
and calls the loan, return, renewal or transit service; it turns every refusal (a rule, a
dead card, another desk that got there first: ``Conflict``) into an outcome with the reasons
as ``Message`` values with codes, since at the desk a refusal is news to read out, not an
error. It writes nothing itself: each service it calls journals its own change.

``reader_at_desk`` is what the desk shows of a reader: a summary, not the full record
(which the reader desk opens, journaled). It reads open loans and holds through their
indexes and only counts the history, so a reader with 400 past loans opens as quickly as
one with 4.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import SQL, fn

from db.models import Item, Loan, ReaderCard
from ils.catalogue.items import get_item
from ils.circulation import holds, loans, transit
from ils.circulation.holds import HoldInfo
from ils.circulation.loans import LoanInfo, LoanRefused, ReturnResult
from ils.circulation.refusals import Refused, sentences
from ils.circulation.standing import standing_of
from ils.circulation.transit import Disposition
from ils.errors import IlsError, Invalid, Message, NotFound, message
from ils.i18n import N_, _
from ils.money import yuan
from ils.permissions import Permission
from ils.readers.cards import check_card_number, normalise_card_number
from ils.readers.readers import scan_card
from ils.readers.rows import ReaderSummary
from ils.session import Session

CHECKOUT, RETURN, RENEW, RECEIVE = "checkout", "return", "renew", "receive"
MODES: dict[str, str] = {
    CHECKOUT: N_("Check out"),
    RETURN: N_("Return"),
    RENEW: N_("Renew"),
    RECEIVE: N_("Receive transit"),
}
"""What an item scan does: in ``checkout`` mode it is lent to the open reader, or returned
when no reader is open; the other modes do their one thing whoever is open."""

NOT_DONE: dict[str, str] = {  # a refusal, said with what was not done
    CHECKOUT: N_("{code} not lent: {reasons}"),
    RETURN: N_("{code} not returned: {reasons}"),
    RENEW: N_("{code} not renewed: {reasons}"),
    RECEIVE: N_("{code} not received: {reasons}"),
}

READER_OPENED, CHECKED_OUT, RETURNED, RENEWED, RECEIVED, REFUSED, UNKNOWN = (
    "reader_opened",
    "checked_out",
    "returned",
    "renewed",
    "received",
    "refused",
    "unknown",
)


@dataclass(frozen=True)
class ReaderAtDesk:
    """The open reader as the desk sees them: may they borrow, what they have, what waits for them."""

    reader: ReaderSummary
    loans: tuple[LoanInfo, ...]  # open loans, soonest due first
    holds: tuple[HoldInfo, ...]  # active holds, oldest first
    owed_fen: int
    past_loans: int  # returned loans still linked to the reader (not yet de-identified)

    @property
    def card_number(self) -> str:
        return self.reader.card_number

    @property
    def overdue(self) -> int:
        return sum(1 for loan in self.loans if loan.overdue_days)

    @property
    def ready_holds(self) -> int:
        """Holds on the hold shelf: the desk should offer them to the reader now."""
        return sum(1 for hold in self.holds if hold.state == "ready")


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan did, in words to show and read out.

    ``success`` says how the desk reacts: green, or red with the bell; a blocked reader
    opens with ``success`` false, because the desk must notice before lending.
    ``reader`` is the open reader after the scan (None: no reader open).
    """

    kind: str
    code: str
    message: str
    success: bool
    reader: ReaderAtDesk | None
    loan: LoanInfo | None = None  # lent or renewed
    returned: ReturnResult | None = None
    disposition: Disposition | None = None  # where the copy goes now (returned or received)
    reasons: tuple[Message, ...] = ()  # a refusal's reasons, each with its code (``circ.copy_on_loan``)
    overridable: bool = False  # staff allowed to override may retry with a reason

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


def _history_count(reader_id: str) -> int:
    """Every loan still linked to the reader, counted in ``loan_reader_history`` alone."""
    return Loan.select(fn.COUNT(SQL("*"))).where(Loan.reader == reader_id).scalar()


def reader_at_desk(session: Session, card_number: str) -> ReaderAtDesk:
    """The reader whose card this is, as the desk shows them; a dead card is refused with its reason."""
    session.require(Permission.CIRCULATE)
    summary = scan_card(session, card_number)
    today = session.now().date()
    open_ = tuple(loans.open_loans(summary.id, today))
    return ReaderAtDesk(
        reader=summary,
        loans=open_,
        holds=tuple(holds.active_holds(summary.id, today)),
        owed_fen=standing_of(summary.id, today).owed_fen,
        past_loans=_history_count(summary.id) - len(open_),
    )


def _card(code: str) -> ReaderCard | None:
    """The reader card with this number, if the code can be one (digits with a Luhn check digit)."""
    try:
        number = check_card_number(code)
    except Invalid:
        return None
    return ReaderCard.get_or_none(ReaderCard.card_number == number)


def _item(code: str) -> Item | None:
    try:
        return get_item(code)
    except (Invalid, NotFound):  # not a barcode, or nobody's here
        return None


def reader_words(view: ReaderAtDesk) -> str:
    """What the desk reads out when a reader opens: who, what they have, what stops them."""
    r = view.reader
    words = [
        _("{name} ({type}): {loans} on loan, {holds} holds.").format(
            name=r.name, type=r.reader_type_name, loans=len(view.loans), holds=len(view.holds)
        )
    ]
    if view.ready_holds:
        words.append(_("{count} holds are waiting on the hold shelf.").format(count=view.ready_holds))
    if view.owed_fen > 0:
        words.append(_("Owes {amount}.").format(amount=yuan(view.owed_fen)))
    if r.blocked:
        words.append(
            _("Cannot borrow: {reasons}").format(
                reasons=sentences(
                    [_("{label}: {detail}").format(label=block.label, detail=block.detail) for block in r.blocks]
                )
            )
        )
    return sentences(words)


def _open_reader(session: Session, card: ReaderCard, open_card: str | None) -> ScanOutcome:
    code = card.card_number
    try:
        view = reader_at_desk(session, code)
    except IlsError as refusal:  # a lost, replaced or returned card; no right to see readers
        return ScanOutcome(REFUSED, code, str(refusal), False, _view(session, open_card), reasons=(refusal.message,))
    if open_card is not None and code == normalise_card_number(open_card):
        return ScanOutcome(
            READER_OPENED, code, _("{name}'s card is already open.").format(name=view.reader.name), True, view
        )
    return ScanOutcome(READER_OPENED, code, reader_words(view), not view.reader.blocked, view)


def _view(session: Session, card: str | None) -> ReaderAtDesk | None:
    return reader_at_desk(session, card) if card else None


def _titled(title: str, barcode: str) -> str:
    return _("《{title}》 ({barcode})").format(title=title, barcode=barcode)


def _action(mode: str, open_card: str | None) -> str:
    """What an item scan does in ``mode``: in checkout mode with no reader open, a return."""
    return RETURN if mode == CHECKOUT and open_card is None else mode


def _item_scan(
    session: Session, item: Item, open_card: str | None, mode: str, point: str | None, override: str | None
) -> ScanOutcome:
    code = item.barcode
    action = _action(mode, open_card)
    if action == RENEW:
        loan = loans.renew(session, code, point=point, override=override)
        return ScanOutcome(
            RENEWED,
            code,
            _("Renewed {item}: now due {due}.").format(item=_titled(loan.title, code), due=loan.due_on),
            True,
            _view(session, open_card),
            loan=loan,
        )
    if action == RECEIVE:
        where = transit.receive(session, code, point=point)
        return ScanOutcome(
            RECEIVED,
            code,
            _("Received {item}: {next}").format(item=_titled(item.bib.title or "", code), next=where.message),
            True,
            _view(session, open_card),
            disposition=where,
        )
    if action == RETURN or open_card is None:
        back = loans.return_item(session, code, point=point)
        words = sentences(
            [_("Returned {item}.").format(item=_titled(back.title, code)), back.disposition.message, *back.notes]
        )
        return ScanOutcome(
            RETURNED, code, words, True, _view(session, open_card), returned=back, disposition=back.disposition
        )
    lent = loans.checkout(session, open_card, code, point=point, override=override)
    said = [_("Lent {item}: due {due}.").format(item=_titled(lent.loan.title, code), due=lent.loan.due_on)]
    if lent.filled_hold:
        said.append(_("This fills the reader's hold."))
    if lent.override_reason:
        said.append(_("Rules overridden: {reason}").format(reason=lent.override_reason))
    return ScanOutcome(CHECKED_OUT, code, sentences(said), True, _view(session, open_card), loan=lent.loan)


def scan(
    session: Session, code: str, *, open_card: str | None, mode: str, point: str | None, override: str | None = None
) -> ScanOutcome:
    """Do what the scanned ``code`` asks at this desk (see the module docstring).

    ``open_card`` is the reader open at the desk, ``point`` the desk's service point
    code, ``override`` a reason for lending or renewing against the rules (staff with
    the permission, after a refusal that allows it).
    """
    session.require(Permission.CIRCULATE)
    if mode not in MODES:
        raise Invalid("circ.unknown_desk_mode", "Unknown desk mode {mode}.", mode=mode)
    typed = (code or "").strip()
    if not typed:
        empty = message("circ.scan_empty", "Scan a reader card or an item barcode.")
        return ScanOutcome(REFUSED, typed, str(empty), False, _view(session, open_card), reasons=(empty,))
    card = _card(typed)
    if card is not None:
        return _open_reader(session, card, open_card)
    item = _item(typed)
    if item is None:
        unknown = message(
            "circ.scan_unknown",
            "No reader card or item has the code {code}; it may belong to another library.",
            code=typed,
        )
        return ScanOutcome(UNKNOWN, typed, str(unknown), False, _view(session, open_card), reasons=(unknown,))
    try:
        return _item_scan(session, item, open_card, mode, point, override)
    except IlsError as error:  # a rule, a permission, or another desk first (Conflict): news, not a crash
        reasons = error.reasons if isinstance(error, Refused) else (error.message,)
        words = _(NOT_DONE[_action(mode, open_card)]).format(
            code=item.barcode, reasons=sentences(str(reason) for reason in reasons)
        )
        return ScanOutcome(
            REFUSED,
            item.barcode,
            words,
            False,
            _view(session, open_card),
            reasons=reasons,
            overridable=isinstance(error, LoanRefused) and error.overridable,
        )
