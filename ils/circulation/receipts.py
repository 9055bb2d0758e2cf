"""Receipts and slips for the 80 mm roll, filled from the database for ``printing.receipts``.

A receipt leaves the building in the reader's pocket, so the card number and the name are
masked on paper (``4302********1234``, ``王*芳``). Each one is kept as a PDF beside the
database (``ils.printouts.save_pdf``) and, when the library has set a receipt printer, sent
to it through CUPS. Printing something that names a reader is journaled like any other
view of personal data, without the personal values: against the loans (checkout and
return receipts, never the reader's id beside them: loan journal rows stay unlinkable once
the loan is de-identified) or against the hold (hold slips).

A printer that fails raises ``Invalid`` naming the PDF already saved; the loan, the return
and the journal row are kept, since paper is optional at the desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from db.models import Hold, Loan, Reader, Transit
from ils.circulation.loans import ReturnResult
from ils.circulation.places import place_of
from ils.circulation.settings import circulation_settings
from ils.circulation.standing import days_late
from ils.circulation.transit import HOLD_SHELF, REASONS, Disposition
from ils.errors import Invalid, NotFound
from ils.i18n import _, ngettext
from ils.money import yuan
from ils.permissions import Permission
from ils.printer import send_to_printer
from ils.printouts import printouts_folder, save_pdf
from ils.readers.rows import display_name, reader_by_card
from ils.session import Session
from printing.receipts import (
    HoldSlip,
    Receipt,
    ReceiptLabels,
    ReceiptLine,
    TransitSlip,
    render_checkout_receipt,
    render_hold_slip,
    render_return_receipt,
    render_transit_slip,
)

#: Digits kept at each end of a card number on paper: the region prefix and enough to tell cards apart.
CARD_KEEP = 4


def mask_card_number(number: str) -> str:
    """``4302810000001234`` → ``4302********1234``; a short number keeps less of itself."""
    keep = CARD_KEEP if len(number) > 2 * CARD_KEEP else len(number) // 4
    return number[:keep] + "*" * (len(number) - 2 * keep) + (number[-keep:] if keep else "")


def mask_name(name: str) -> str:
    """``王芳`` → ``王*``, ``王小芳`` → ``王*芳``: enough for the reader to know their slip."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def receipt_labels(count: int = 0) -> ReceiptLabels:
    """The fixed words of every slip in the desk's language; ``count`` items choose the total's plural form."""
    return ReceiptLabels(
        checkout_title=_("Checkout receipt"),
        return_title=_("Return receipt"),
        transit_title=_("Transit slip"),
        hold_title=_("Hold slip"),
        card_number=_("Card"),
        reader_name=_("Reader"),
        due_date=_("Due"),
        total=ngettext("{count} item", "{count} items", count),
        printed_at=_("Printed"),
        staff=_("Served by"),
        to_branch=_("Send to"),
        from_branch=_("From"),
        reason=_("Reason"),
        pickup_branch=_("Pick up at"),
        keep_until=_("Keep until"),
    )


def _printed_at(session: Session) -> str:
    return session.now().strftime("%Y-%m-%d %H:%M")


def _journal_prints(session: Session, kind: str, entity_type: str, entity_ids: Sequence[str]) -> None:
    if not entity_ids:
        return
    with session.write() as writer:
        for entity_id in entity_ids:
            writer.journal("receipt.print", entity_type, entity_id, {"kind": kind})


def _receipt(session: Session, point: str | None, reader: Reader | None, lines: list[ReceiptLine]) -> Receipt:
    place = place_of(session, point)
    return Receipt(
        library_name=session.library.node.library_name,
        branch_name=place.branch_name,
        service_point=place.point_name,
        card_number=mask_card_number(reader.card_number) if reader else None,
        reader_name=mask_name(display_name(reader)) if reader else None,
        lines=lines,
        printed_at=_printed_at(session),
        staff_name=session.staff.display_name,
    )


def checkout_receipt(session: Session, card_number: str, loan_ids: list[str], point: str | None = None) -> Path:
    """The checkout receipt (借书凭条) for the loans just made to the card's reader, with due dates."""
    session.require(Permission.CIRCULATE)
    reader = reader_by_card(card_number)
    if not loan_ids:
        raise Invalid("circ.receipt_no_loans", "A receipt needs at least one loan.")
    loans = {loan.id: loan for loan in Loan.select().where(Loan.id.in_(list(loan_ids)))}
    lines = []
    for loan_id in loan_ids:
        loan = loans.get(loan_id)
        if loan is None or loan.reader_id != reader.id:
            raise NotFound(
                "circ.receipt_loan_not_found",
                "Card {card} has no loan {loan} to print.",
                card=reader.card_number,
                loan=loan_id,
            )
        lines.append(ReceiptLine(title=loan.item.bib.title or "", barcode=loan.item.barcode, due_date=loan.due_on))
    pdf = render_checkout_receipt(_receipt(session, point, reader, lines), receipt_labels(len(lines)))
    path = save_pdf(session, "checkout-receipt", pdf)
    _journal_prints(session, "checkout", "loan", list(loan_ids))
    return _send(path)


def _return_note(result: ReturnResult) -> str:
    words = [_("Returned") if result.loan else _("Checked in")]
    loan = result.loan
    late = days_late(loan.due_on, dt.date.fromisoformat(loan.ended_at[:10])) if loan and loan.ended_at else 0
    if late:
        words.append(ngettext("{days} day late", "{days} days late", late).format(days=late))
    if result.fine_fen:
        words.append(_("overdue fine {amount}").format(amount=yuan(result.fine_fen)))
    return " · ".join(words)


def return_receipt(session: Session, results: list[ReturnResult], point: str | None = None) -> Path:
    """The return receipt (还书凭条): each copy taken back, late days and fines.

    The reader is printed when every copy came back from one reader's loans (returns
    scanned together at the desk); a pile from the book drop prints no reader.
    """
    session.require(Permission.CIRCULATE)
    if not results:
        raise Invalid("circ.receipt_no_returns", "A receipt needs at least one returned item.")
    cards = {result.card_number for result in results}
    card = cards.pop() if len(cards) == 1 else None
    reader = reader_by_card(card) if card is not None else None
    lines = [ReceiptLine(title=result.title, barcode=result.barcode, note=_return_note(result)) for result in results]
    pdf = render_return_receipt(_receipt(session, point, reader, lines), receipt_labels(len(lines)))
    path = save_pdf(session, "return-receipt", pdf)
    if reader is not None:
        _journal_prints(session, "return", "loan", [result.loan.id for result in results if result.loan])
    return _send(path)


def transit_slip(session: Session, transit_id: str) -> Path:
    """The transit slip (在途单) that travels in the copy: where to, from where, why. It names no reader."""
    session.require(Permission.CIRCULATE)
    transit = Transit.get_or_none(Transit.id == transit_id)
    if transit is None:
        raise NotFound("circ.transit_not_found", "There is no transit {id}.", id=transit_id)
    slip = TransitSlip(
        library_name=session.library.node.library_name,
        to_branch=transit.to_branch.name,
        from_branch=transit.from_branch.name,
        barcode=transit.item.barcode,
        title=transit.item.bib.title or "",
        reason=_(REASONS[transit.reason]),
        printed_at=_printed_at(session),
    )
    return _send(save_pdf(session, "transit-slip", render_transit_slip(slip, receipt_labels())))


def hold_slip(session: Session, hold_id: str) -> Path:
    """The hold slip (预约单) for a copy on the hold shelf: the reader's masked name large, kept until when."""
    session.require(Permission.CIRCULATE)
    hold = Hold.get_or_none(Hold.id == hold_id)
    if hold is None:
        raise NotFound("circ.hold_not_found", "There is no hold {id}.", id=hold_id)
    if hold.state != "ready" or hold.trapped_item_id is None or hold.reader_id is None:
        raise Invalid("circ.hold_not_on_shelf", "This hold is not on the hold shelf, so it has no slip to print.")
    reader = hold.reader
    slip = HoldSlip(
        library_name=session.library.node.library_name,
        pickup_branch=hold.pickup_branch.name,
        card_number=mask_card_number(reader.card_number),
        name_key=mask_name(display_name(reader)),
        barcode=hold.trapped_item.barcode,
        title=hold.bib.title or "",
        keep_until=hold.expires_on or "",
        printed_at=_printed_at(session),
    )
    path = save_pdf(session, "hold-slip", render_hold_slip(slip, receipt_labels()))
    _journal_prints(session, "hold", "hold", [hold.id])
    return _send(path)


def _send(path: Path) -> Path:
    """Queue the saved PDF on the receipt printer, when the library has set one."""
    printer = circulation_settings().receipt_printer
    if printer:
        send_to_printer(path, printer)
    return path


# --- what a transaction prints ------------------------------------------------------------

T = TypeVar("T")
K = TypeVar("K")
Done = tuple[str | None, T]
"""Something done at a service point (its code; None: the node's branch): receipts name the place."""


def _grouped(done: Sequence[Done[T]], key: Callable[[str | None, T], K]) -> dict[K, list[T]]:
    grouped: dict[K, list[T]] = {}
    for point, thing in done:
        grouped.setdefault(key(point, thing), []).append(thing)
    return grouped


@dataclass(frozen=True)
class Printed:
    """What F7 made: the PDFs, the folder they are kept in, and the printer they went to (None: not sent)."""

    paths: tuple[Path, ...]
    folder: Path
    printer: str | None


def transaction_receipts(
    session: Session, card_number: str | None, lent: Sequence[Done[str]], returned: Sequence[Done[ReturnResult]]
) -> Printed:
    """The receipts of a desk's transaction: a checkout receipt for the reader's loans and a return
    receipt per reader whose copies came back (a receipt goes in one reader's pocket), each one per
    service point where the work was done (a receipt names its place)."""
    paths = [
        checkout_receipt(session, card_number, loan_ids, point)
        for point, loan_ids in _grouped(lent, lambda point, _loan: point).items()
        if card_number
    ]
    by_reader = _grouped(returned, lambda point, result: (point, result.card_number))
    paths += [return_receipt(session, results, point) for (point, _card), results in by_reader.items()]
    return Printed(tuple(paths), printouts_folder(session), circulation_settings().receipt_printer or None)


def gets_slip(where: Disposition) -> bool:
    """A copy put on the hold shelf or sent on gets a slip at once: it goes in the book now."""
    return where.action == HOLD_SHELF or where.transit_id is not None


def slip_for(session: Session, where: Disposition) -> Path | None:
    """The slip that goes in a returned copy put on the hold shelf (the reader's masked name) or
    sent on (where to); None when the copy goes back on the shelf."""
    if where.action == HOLD_SHELF and where.hold_id:
        return hold_slip(session, where.hold_id)
    if where.transit_id:
        return transit_slip(session, where.transit_id)
    return None
