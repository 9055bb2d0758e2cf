"""Holds (预约): a reader waits for a title (any copy) or for one copy, collecting it at a
branch of their choice.

The queue is the order holds were placed. A returned or arriving copy is trapped for the
first waiting hold it can fill (``transit.route``); the reader has the hold shelf's days to
collect it, after which the hold expires and the copy goes to the next reader or home.

Placing, cancelling and expiring read the queue inside the write (``@writes``), so two desks
cannot end one hold twice or queue a reader twice for one title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models import BibIsbn, BibRecord, Branch, Hold, Item, Loan, Reader
from ils.branches import get_branch
from ils.catalogue.items import normalise_barcode
from ils.catalogue.search_text import normalise_isbn
from ils.circulation.places import place_of
from ils.circulation.refusals import Refused, block_reason
from ils.circulation.rules import RuleBook
from ils.circulation.settings import circulation_settings
from ils.circulation.transit import Disposition, route
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.readers.readers import scan_card
from ils.readers.rows import display_name, reader_by_card
from ils.session import Session, writes

STATES: dict[str, str] = {
    "waiting": N_("Waiting"),
    "in_transit": N_("On its way to the pickup branch"),
    "ready": N_("On the hold shelf"),
    "fulfilled": N_("Collected"),
    "cancelled": N_("Cancelled"),
    "expired": N_("Not collected in time"),
}
ACTIVE = ("waiting", "in_transit", "ready")
# Blocks that stop a reader placing a hold; being overdue does not, as in most libraries.
_HOLD_BLOCKS = {"cancelled", "lost", "suspended", "expired"}


@dataclass(frozen=True)
class HoldInfo:
    id: str
    card_number: str | None
    reader_name: str
    bib_id: str
    title: str
    barcode: str | None  # the copy asked for, or the copy kept for the reader
    pickup_branch_code: str
    pickup_branch_name: str
    state: str
    state_label: str
    placed_at: str
    position: int | None  # in the queue, while waiting
    expires_on: str | None
    expired: bool


@dataclass(frozen=True)
class HoldOutcome:
    hold: HoldInfo
    disposition: Disposition | None  # where the copy kept for the hold goes, when one was


def _position(hold: Hold) -> int:
    return (
        Hold.select().where(Hold.bib == hold.bib_id, Hold.state == "waiting", Hold.placed_at <= hold.placed_at).count()
    )


def hold_info(hold: Hold, today: dt.date) -> HoldInfo:
    reader = hold.reader
    copy = hold.trapped_item or hold.item
    return HoldInfo(
        id=hold.id,
        card_number=reader.card_number if reader else None,
        reader_name=display_name(reader) if reader else "",
        bib_id=hold.bib_id,
        title=hold.bib.title or "",
        barcode=copy.barcode if copy else None,
        pickup_branch_code=hold.pickup_branch.code,
        pickup_branch_name=hold.pickup_branch.name,
        state=hold.state,
        state_label=_(STATES[hold.state]),
        placed_at=hold.placed_at,
        position=_position(hold) if hold.state == "waiting" else None,
        expires_on=hold.expires_on,
        expired=hold.state == "ready" and bool(hold.expires_on) and hold.expires_on < today.isoformat(),
    )


def find_record(text: str) -> tuple[BibRecord, Item | None]:
    """A record by its id, an ISBN, the barcode of one of its copies (which copy is returned too) or its number."""
    typed = (text or "").strip()
    bib = BibRecord.get_or_none(BibRecord.id == typed, BibRecord.deleted == False)  # noqa: E712
    if bib is not None:
        return bib, None
    isbn = normalise_isbn(typed)
    if isbn is not None:
        row = BibIsbn.get_or_none(BibIsbn.isbn == isbn)
        if row is not None:
            return row.bib, None
    try:
        item = Item.get_or_none(Item.barcode == normalise_barcode(typed))
    except Invalid:
        item = None
    if item is not None:
        return item.bib, item
    if typed.isdigit():  # a record number (记录号), tried last: a barcode or an ISBN may be digits too
        bib = BibRecord.get_or_none(BibRecord.number == int(typed), BibRecord.deleted == False)  # noqa: E712
        if bib is not None:
            return bib, None
    raise NotFound("circ.record_not_found", "No record or copy matches {text}.", text=typed)


@writes
def place_hold(
    session: Session, card_number: str, target: str, *, pickup: str | None = None, copy_only: bool = False
) -> HoldInfo:
    """Queue the reader for the title (or, with ``copy_only`` and a barcode, for that copy)."""
    session.require(Permission.CIRCULATE)
    reader_summary = scan_card(session, card_number)
    reasons = [block_reason(b) for b in reader_summary.blocks if b.kind in _HOLD_BLOCKS]
    if reasons:
        raise Refused("circ.hold_refused", N_("No hold placed: {reasons}"), reasons)
    reader = Reader.get_by_id(reader_summary.id)
    bib, found = find_record(target)
    copy: Item | None = None  # the copy held, for a hold on one copy
    if copy_only:
        if found is None:
            raise Invalid("circ.hold_copy_needs_barcode", "A hold on one copy needs that copy's barcode.")
        copy = found
    pickup_branch = get_branch(pickup) if pickup else Branch.get_by_id(place_of(session).branch_id)
    settings = circulation_settings()
    active = Hold.select().where(Hold.reader == reader.id, Hold.state.in_(ACTIVE))
    if active.where(Hold.bib == bib.id).exists():
        raise Invalid("circ.hold_already_waiting", "{name} is already waiting for this title.", name=reader.name)
    if active.count() >= settings.hold_limit:
        raise Invalid.counted(
            "circ.hold_limit_reached",
            "{name} already has {count} hold, the most allowed.",
            "{name} already has {count} holds, the most allowed.",
            name=reader.name,
            count=settings.hold_limit,
        )
    if copy is not None:
        copies = [copy]
    else:
        copies = list(Item.select().where(Item.bib == bib.id, Item.status.not_in(("withdrawn", "lost"))))
    if not copies:
        raise Invalid("circ.hold_no_copies", "This title has no copies that could be lent.")
    if Loan.select().join(Item).where(Loan.reader == reader.id, Loan.ended_at.is_null(), Item.bib == bib.id).exists():
        raise Invalid("circ.hold_title_on_loan", "{name} already has a copy of this title on loan.", name=reader.name)
    book = RuleBook()
    if not any(book.rule_for(reader.reader_type_id, c.item_type, pickup_branch.id).holds_allowed for c in copies):
        raise Invalid(
            "circ.holds_not_allowed",
            "{type} readers may not place holds on this kind of item.",
            type=reader_summary.reader_type_name,
        )
    now = session.library.now_text()
    with session.write() as writer:
        hold = Hold.create(
            reader=reader.id,
            reader_type=reader.reader_type_id,
            bib=bib.id,
            item=copy.id if copy is not None else None,
            pickup_branch=pickup_branch.id,
            state="waiting",
            placed_at=now,
        )
        writer.journal(
            "hold.place",
            "hold",
            hold.id,
            {"bib_id": bib.id, "pickup": pickup_branch.code, "copy": copy.barcode if copy is not None else None},
        )
    return hold_info(Hold.get_by_id(hold.id), session.now().date())


def _end(session: Session, hold: Hold, state: str, reason: str, point: str | None) -> HoldOutcome:
    """End a hold; a copy already kept for it goes on to the next reader or home."""
    today = session.now().date()
    now = session.library.now_text()
    disposition = None
    with session.write() as writer:
        Hold.update(state=state, ended_at=now, end_reason=reason).where(Hold.id == hold.id).execute()
        writer.journal(f"hold.{state}", "hold", hold.id, {"reason": reason})
        if hold.state == "ready" and hold.trapped_item_id:
            item = Item.get_by_id(hold.trapped_item_id)
            disposition = route(writer, item, place_of(session, point), today, now)
    return HoldOutcome(hold_info(Hold.get_by_id(hold.id), today), disposition)


@writes
def cancel_hold(session: Session, hold_id: str, *, by_reader: bool = True, point: str | None = None) -> HoldOutcome:
    """Cancel at the reader's request or by staff. A copy on its way keeps going and is routed on arrival."""
    session.require(Permission.CIRCULATE)
    hold = Hold.get_or_none(Hold.id == hold_id)
    if hold is None:
        raise NotFound("circ.hold_not_found", "There is no hold {id}.", id=hold_id)
    if hold.state not in ACTIVE:
        raise Invalid("circ.hold_ended", "This hold has already ended: {state}.", state=_(STATES[hold.state]))
    return _end(session, hold, "cancelled", "reader" if by_reader else "staff", point)


@writes
def expire_holds(session: Session, *, point: str | None = None) -> list[HoldOutcome]:
    """Holds on this branch's shelf past their date: each ends, and the desk is told where its copy goes."""
    session.require(Permission.CIRCULATE)
    here = place_of(session, point)
    today = session.now().date().isoformat()
    due = list(
        Hold.select()
        .where(Hold.state == "ready", Hold.pickup_branch == here.branch_id, Hold.expires_on < today)
        .order_by(Hold.expires_on)
    )
    return [_end(session, hold, "expired", "not collected", point) for hold in due]


def hold_shelf(session: Session, *, branch: str | None = None) -> list[HoldInfo]:
    """What should be on a branch's hold shelf, expired ones flagged, by date to keep until."""
    session.require(Permission.CIRCULATE)
    branch_id = get_branch(branch).id if branch else place_of(session).branch_id
    today = session.now().date()
    query = Hold.select().where(Hold.state == "ready", Hold.pickup_branch == branch_id).order_by(Hold.expires_on)
    return [hold_info(hold, today) for hold in query]


def active_holds(reader_id: str, today: dt.date) -> list[HoldInfo]:
    """The reader's holds not yet ended, in the order placed."""
    query = Hold.select().where(Hold.reader == reader_id, Hold.state.in_(ACTIVE)).order_by(Hold.placed_at)
    return [hold_info(hold, today) for hold in query]


def reader_holds(session: Session, card_number: str) -> list[HoldInfo]:
    session.require(Permission.CIRCULATE)
    return active_holds(reader_by_card(card_number).id, session.now().date())


def title_queue(session: Session, target: str) -> list[HoldInfo]:
    session.require(Permission.CIRCULATE)
    bib, _copy = find_record(target)
    today = session.now().date()
    query = Hold.select().where(Hold.bib == bib.id, Hold.state.in_(ACTIVE)).order_by(Hold.placed_at)
    return [hold_info(hold, today) for hold in query]
