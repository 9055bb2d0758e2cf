"""The requests queue: what readers ask for by phone, WeChat, letter or in person.

A request names the titles wanted (as the reader said them), or "the next volumes" of what they
are reading, how the items should reach them (post, home delivery, collected at the room) and a
note. Requests wait in the order they came until they are dispatched (``dispatch``), handed
over at the room, or cancelled. The reader's link is cut after the loan-history period, like a
loan's (``privacy``).
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from db.models import BibRecord, BlindRequest, Item, Loan, Reader
from ils.blind.eligibility import require_eligible
from ils.blind.profiles import DELIVERY, delivery_label
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.readers.rows import display_name, reader_by_card
from ils.session import Session, writes

CHANNELS: dict[str, str] = {
    "phone": N_("Phone"),
    "wechat": N_("WeChat"),
    "letter": N_("Letter"),
    "in_person": N_("In person"),
}
STATES: dict[str, str] = {
    "open": N_("Waiting"),
    "dispatched": N_("Dispatched"),
    "cancelled": N_("Cancelled"),
}
MAX_WANTED = 300


@dataclass(frozen=True)
class RequestInfo:
    id: str
    card_number: str | None
    reader_name: str | None
    channel: str
    channel_label: str
    wanted: str
    next_volumes: bool
    how: str
    how_label: str
    note: str | None
    received_at: str
    state: str
    state_label: str
    closed_at: str | None


def channel_label(code: str) -> str:
    return _(CHANNELS[code]) if code in CHANNELS else code


def state_label(code: str) -> str:
    return _(STATES[code]) if code in STATES else code


def request_info(row: BlindRequest) -> RequestInfo:
    reader = row.reader if row.reader_id else None
    return RequestInfo(
        row.id,
        reader.card_number if reader else None,
        display_name(reader) if reader else None,
        row.channel,
        channel_label(row.channel),
        row.wanted,
        bool(row.next_volumes),
        row.how,
        delivery_label(row.how),
        row.note,
        row.received_at,
        row.state,
        state_label(row.state),
        row.closed_at,
    )


def get_request(request_id: str) -> BlindRequest:
    row = BlindRequest.get_or_none(BlindRequest.id == request_id)
    if row is None:
        raise NotFound("blind.no_such_request", "There is no request {id}.", id=request_id)
    return row


def _text(value: str | None, limit: int) -> str:
    cleaned = " ".join((value or "").split())
    if len(cleaned) > limit:
        raise Invalid("blind.text_too_long", "At most {count} characters.", count=limit)
    return cleaned


@writes
def take_request(
    session: Session,
    card_number: str,
    *,
    channel: str,
    wanted: str = "",
    how: str = "post",
    next_volumes: bool = False,
    note: str | None = None,
) -> RequestInfo:
    """Write a request into the queue, as the reader made it."""
    session.require(Permission.BLIND_SERVICE)
    if channel not in CHANNELS:
        raise Invalid("blind.unknown_channel", "A request comes by {channels}.", channels=", ".join(CHANNELS))
    if how not in DELIVERY:
        raise Invalid("blind.unknown_delivery", "Items reach a reader {kinds}.", kinds=", ".join(DELIVERY))
    what = _text(wanted, MAX_WANTED)
    if not what and not next_volumes:
        raise Invalid("blind.request_says_what", "Say what the reader asks for, or that they want the next volumes.")
    reader = reader_by_card(card_number)
    require_eligible(reader)
    with session.write() as writer:
        row = BlindRequest.create(
            reader=reader.id,
            channel=channel,
            wanted=what,
            next_volumes=next_volumes,
            how=how,
            note=_text(note, MAX_WANTED) or None,
            received_at=session.library.now_text(),
            received_by=session.staff.id,
        )
        writer.journal(
            "blind.request", "blind_request", row.id, {"channel": channel, "how": how, "next_volumes": next_volumes}
        )
    return request_info(BlindRequest.get_by_id(row.id))


def request_queue(session: Session, *, state: str = "open", limit: int = 200) -> list[RequestInfo]:
    """The queue, oldest first (the others newest first)."""
    session.require(Permission.BLIND_SERVICE)
    if state not in STATES:
        raise Invalid("blind.unknown_request_state", "A request is {states}.", states=", ".join(STATES))
    order = BlindRequest.received_at if state == "open" else BlindRequest.received_at.desc()
    rows = (
        BlindRequest.select(BlindRequest, Reader)
        .join(Reader, JOIN.LEFT_OUTER)
        .where(BlindRequest.state == state)
        .order_by(order)
        .limit(limit)
    )
    return [request_info(row) for row in rows]


def requests_of(reader: Reader) -> list[RequestInfo]:
    rows = (
        BlindRequest.select()
        .where(BlindRequest.reader == reader.id, BlindRequest.state == "open")
        .order_by(BlindRequest.received_at)
    )
    return [request_info(row) for row in rows]


def close(writer, row: BlindRequest, state: str, now: str) -> None:
    BlindRequest.update(state=state, closed_at=now).where(BlindRequest.id == row.id).execute()
    writer.journal(f"blind.request_{state}", "blind_request", row.id, {})


@writes
def cancel_request(session: Session, request_id: str) -> RequestInfo:
    session.require(Permission.BLIND_SERVICE)
    row = get_request(request_id)
    if row.state != "open":
        raise Invalid("blind.request_closed", "This request is already {state}.", state=state_label(row.state))
    with session.write() as writer:
        close(writer, row, "cancelled", session.library.now_text())
    return request_info(BlindRequest.get_by_id(row.id))


@writes
def hand_over(session: Session, request_id: str) -> RequestInfo:
    """A request the reader collected at the room (the items were lent at the desk)."""
    session.require(Permission.BLIND_SERVICE)
    row = get_request(request_id)
    if row.state != "open":
        raise Invalid("blind.request_closed", "This request is already {state}.", state=state_label(row.state))
    with session.write() as writer:
        close(writer, row, "dispatched", session.library.now_text())
    return request_info(BlindRequest.get_by_id(row.id))


@dataclass(frozen=True)
class Suggestion:
    bib_id: str
    title: str
    barcodes: tuple[str, ...]  # copies on the shelf now


def next_volumes(session: Session, request_id: str, *, limit: int = 5) -> list[Suggestion]:
    """For "the next volumes": the titles of the series the reader last borrowed from, that they
    have not borrowed yet, with the copies on the shelf now."""
    session.require(Permission.BLIND_SERVICE)
    row = get_request(request_id)
    if row.reader_id is None:
        return []
    last = (
        BibRecord.select(BibRecord.series)
        .join(Item, on=(Item.bib == BibRecord.id))
        .join(Loan, on=(Loan.item == Item.id))
        .where(Loan.reader == row.reader_id, BibRecord.series.is_null(False))
        .order_by(Loan.loaned_at.desc())
        .first()
    )
    if last is None:
        return []
    had = (
        BibRecord.select(BibRecord.id)
        .join(Item, on=(Item.bib == BibRecord.id))
        .join(Loan, on=(Loan.item == Item.id))
        .where(Loan.reader == row.reader_id)
    )
    found = []
    for bib in (
        BibRecord.select()
        .where(
            BibRecord.series == last.series,
            BibRecord.deleted == False,  # noqa: E712
            BibRecord.id.not_in(had),
        )
        .order_by(BibRecord.title_sort)
        .limit(limit)
    ):
        shelf = tuple(
            b for (b,) in Item.select(Item.barcode).where(Item.bib == bib.id, Item.status == "available").tuples()
        )
        found.append(Suggestion(bib.id, bib.title, shelf))
    return found
