"""Postal loans and home delivery (送书上门): parcels made up against a request, and checked in
against the same parcel when they come back.

A dispatch lends each item to the reader (``lending.lend``, in one write: a refused item stops
the whole parcel), records the method, the registered-mail number if the parcel goes
registered (ordinary 盲人读物 post free, registered post pays the fee), or the day and route of
a home delivery, and closes the request. The label and the reversible return card are printed
from it (``printouts``). When the parcel comes back, staff tick what is in it: each item is
returned (a set volume by volume), and the dispatch is back once everything in it is.
Home deliveries are listed per day and route, with who delivered them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peewee import JOIN

from db.ids import ILS_NAMESPACE
from db.models import BibRecord, BlindDispatch, BlindDispatchItem, BlindProfile, Item, Reader
from ils.blind.eligibility import require_eligible
from ils.blind.lending import GivenBack, give_back, lend
from ils.blind.profiles import Address, profile_of
from ils.blind.requests import close, get_request, state_label
from ils.blind.stock import item_by_code, room_point
from ils.circulation.places import place_of
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.readers.keys import keys_if_any
from ils.readers.readers import PHONE_FIELD
from ils.readers.rows import display_name, reader_by_card
from ils.session import Session, writes
from ils.text import code_text, one_line

METHODS: dict[str, str] = {
    "post": N_("By post"),
    "delivery": N_("Home delivery"),
}
_REGISTERED = 20


@dataclass(frozen=True)
class ParcelItem:
    barcode: str
    title: str
    loan_id: str
    back_at: str | None


@dataclass(frozen=True)
class DispatchInfo:
    id: str
    request_id: str | None
    card_number: str | None
    reader_name: str | None
    method: str
    method_label: str
    dispatched_at: str
    deliver_on: str | None
    route: str | None
    registered_number: str | None
    delivered_at: str | None
    delivered_by: str | None
    back_at: str | None
    items: tuple[ParcelItem, ...]


@dataclass(frozen=True)
class ParcelBack:
    dispatch: DispatchInfo
    returned: tuple[GivenBack, ...]
    still_out: tuple[str, ...]  # barcodes of the parcel's items not back yet


@dataclass(frozen=True)
class Stop:
    dispatch_id: str
    card_number: str | None
    reader_name: str | None
    address: Address | None
    phone: str | None
    titles: tuple[str, ...]
    delivered_at: str | None
    delivered_by: str | None


@dataclass(frozen=True)
class Round:
    """One route's home deliveries on one day."""

    day: str
    route: str
    stops: tuple[Stop, ...]


def method_label(code: str) -> str:
    return _(METHODS[code]) if code in METHODS else code


def dispatch_item_id(dispatch_id: str, loan_id: str) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"blind_dispatch_item:{dispatch_id}:{loan_id}"))


def get_dispatch_row(dispatch_id: str) -> BlindDispatch:
    row = BlindDispatch.get_or_none(BlindDispatch.id == dispatch_id)
    if row is None:
        raise NotFound("blind.no_such_dispatch", "There is no dispatch {id}.", id=dispatch_id)
    return row


def dispatch_info(row: BlindDispatch) -> DispatchInfo:
    reader = row.reader if row.reader_id else None
    items = (
        BlindDispatchItem.select(BlindDispatchItem, Item.barcode, BibRecord.title)
        .join(Item, on=(BlindDispatchItem.item == Item.id))
        .join(BibRecord, on=(Item.bib == BibRecord.id))
        .where(BlindDispatchItem.dispatch == row.id)
        .order_by(Item.barcode)
    )
    return DispatchInfo(
        row.id,
        row.request_id,
        reader.card_number if reader else None,
        display_name(reader) if reader else None,
        row.method,
        method_label(row.method),
        row.dispatched_at,
        row.deliver_on,
        row.route,
        row.registered_number,
        row.delivered_at,
        row.delivered_by,
        row.back_at,
        tuple(ParcelItem(i.item.barcode, i.item.bib.title, i.loan_id, i.back_at) for i in items),
    )


def get_dispatch(session: Session, dispatch_id: str) -> DispatchInfo:
    session.require(Permission.BLIND_SERVICE)
    return dispatch_info(get_dispatch_row(dispatch_id))


def _registered(text: str | None) -> str | None:
    number = code_text(text).replace(" ", "")
    if not number:
        return None
    if len(number) > _REGISTERED or not number.isalnum():
        raise Invalid(
            "blind.registered_number",
            "A registered-mail number has up to {count} letters and digits.",
            count=_REGISTERED,
        )
    return number


def _clean_route(text: str | None) -> str | None:
    return one_line(text)[:30] or None


@writes
def dispatch(
    session: Session,
    *,
    barcodes: Sequence[str],
    request_id: str | None = None,
    card_number: str | None = None,
    method: str | None = None,
    deliver_on: dt.date | None = None,
    route: str | None = None,
    registered_number: str | None = None,
    point: str | None = None,
) -> DispatchInfo:
    """Lend ``barcodes`` to the reader and send them by post or home delivery: against a request
    (its reader, and its method unless one is given), or to the card's reader."""
    session.require(Permission.BLIND_SERVICE)
    request = get_request(request_id) if request_id else None
    if request is not None:
        if request.state != "open":
            raise Invalid("blind.request_closed", "This request is already {state}.", state=state_label(request.state))
        if request.reader_id is None:
            raise Invalid("blind.request_without_reader", "This request no longer names its reader.")
        reader = request.reader
    elif card_number:
        reader = reader_by_card(card_number)
    else:
        raise Invalid("blind.dispatch_for_whom", "Say which request or which reader the parcel is for.")
    how = method or (request.how if request is not None else None) or "post"
    if how not in METHODS:
        raise Invalid(
            "blind.dispatch_method",
            "Items are sent {methods}; a reader who collects them borrows at the desk.",
            methods=", ".join(METHODS),
        )
    codes = list(dict.fromkeys(code_text(b) for b in barcodes if b.strip()))
    if not codes:
        raise Invalid("blind.empty_parcel", "A parcel needs at least one item.")
    require_eligible(reader)
    keys = keys_if_any(session.library)
    profile = profile_of(BlindProfile.get_or_none(BlindProfile.reader == reader.id), reader, keys)
    if how == "post" and profile.address is None:
        raise Invalid("blind.no_address", "{reader} has no postal address: record it first.", reader=reader.name)
    day = None
    if how == "delivery":
        day = (deliver_on or session.now().date()).isoformat()
        route = _clean_route(route) or profile.route
        if route is None:
            raise Invalid("blind.no_route", "Say which delivery route takes it.")
    number = _registered(registered_number) if how == "post" else None
    point = room_point(session, point)
    here = place_of(session, point)
    now = session.library.now_text()
    with session.write() as writer:
        loans = [lend(session, reader.card_number, code, point=point).loan for code in codes]
        row = BlindDispatch.create(
            request=request.id if request else None,
            reader=reader.id,
            method=how,
            branch=here.branch_id,
            dispatched_at=now,
            dispatched_by=session.staff.id,
            deliver_on=day,
            route=route if how == "delivery" else None,
            registered_number=number,
        )
        for loan in loans:
            BlindDispatchItem.insert(
                id=dispatch_item_id(row.id, loan.id), dispatch=row.id, loan=loan.id, item=loan.item_id
            ).execute()
        if request is not None:
            close(writer, request, "dispatched", now)
        writer.journal(
            "blind.dispatch",
            "blind_dispatch",
            row.id,
            {
                "method": how,
                "items": [loan.barcode for loan in loans],
                "registered": number is not None,
                "deliver_on": day,
                "route": row.route,
            },
        )
    return dispatch_info(BlindDispatch.get_by_id(row.id))


@writes
def set_registered_number(session: Session, dispatch_id: str, number: str) -> DispatchInfo:
    """The number on the registered-mail receipt, typed when the post office gives it."""
    session.require(Permission.BLIND_SERVICE)
    row = get_dispatch_row(dispatch_id)
    if row.method != "post":
        raise Invalid("blind.not_by_post", "Only a parcel sent by post has a registered-mail number.")
    cleaned = _registered(number)
    with session.write() as writer:
        BlindDispatch.update(registered_number=cleaned).where(BlindDispatch.id == row.id).execute()
        writer.journal("blind.registered_number", "blind_dispatch", row.id, {"registered": cleaned is not None})
    return dispatch_info(BlindDispatch.get_by_id(row.id))


@writes
def mark_delivered(session: Session, dispatch_id: str, *, delivered_by: str) -> DispatchInfo:
    """A home delivery made, and who made it (a member of staff or a volunteer)."""
    session.require(Permission.BLIND_SERVICE)
    row = get_dispatch_row(dispatch_id)
    if row.method != "delivery":
        raise Invalid("blind.not_a_delivery", "Only a home delivery is marked delivered.")
    if row.delivered_at:
        raise Invalid("blind.already_delivered", "This delivery was made on {date}.", date=row.delivered_at[:10])
    who = one_line(delivered_by)[:30]
    if not who:
        raise Invalid("blind.who_delivered", "Say who delivered it.")
    with session.write() as writer:
        BlindDispatch.update(delivered_at=session.library.now_text(), delivered_by=who).where(
            BlindDispatch.id == row.id
        ).execute()
        writer.journal("blind.delivered", "blind_dispatch", row.id, {})
    return dispatch_info(BlindDispatch.get_by_id(row.id))


@writes
def receive_parcel(
    session: Session, dispatch_id: str, contents: Mapping[str, Sequence[int] | None], *, point: str | None = None
) -> ParcelBack:
    """Check a returned parcel against its dispatch: ``contents`` maps each barcode found in it to
    the volumes found (``None``: the whole item)."""
    session.require(Permission.BLIND_SERVICE)
    row = get_dispatch_row(dispatch_id)
    items = {i.item.barcode: i for i in BlindDispatchItem.select().where(BlindDispatchItem.dispatch == row.id)}
    ticked = {item_by_code(code).barcode: volumes for code, volumes in contents.items()}
    strangers = [code for code in ticked if code not in items]
    if strangers:
        raise Invalid("blind.not_in_parcel", "{barcodes} did not go out in this parcel.", barcodes=", ".join(strangers))
    if not ticked:
        raise Invalid("blind.nothing_ticked", "Tick what is in the parcel.")
    returned = []
    now = session.library.now_text()
    with session.write() as writer:
        for code, volumes in ticked.items():
            entry = items[code]
            if entry.back_at is not None:
                raise Invalid(
                    "blind.already_back", "{barcode} came back on {date}.", barcode=code, date=entry.back_at[:10]
                )
            back = give_back(session, code, volumes=volumes, point=point, dispatch_id=row.id)
            returned.append(back)
            if back.ended:
                BlindDispatchItem.update(back_at=now).where(BlindDispatchItem.id == entry.id).execute()
        open_items = BlindDispatchItem.select().where(
            BlindDispatchItem.dispatch == row.id, BlindDispatchItem.back_at.is_null()
        )
        still = tuple(sorted(i.item.barcode for i in open_items))
        if not still:
            BlindDispatch.update(back_at=now).where(BlindDispatch.id == row.id).execute()
        writer.journal(
            "blind.parcel_back",
            "blind_dispatch",
            row.id,
            {
                "returned": [b.barcode for b in returned if b.ended],
                "partly": [b.barcode for b in returned if not b.ended],
                "still_out": list(still),
            },
        )
    return ParcelBack(dispatch_info(BlindDispatch.get_by_id(row.id)), tuple(returned), still)


def parcels_out(session: Session, *, method: str | None = None, limit: int = 200) -> list[DispatchInfo]:
    """Dispatches not back yet, oldest first: the return tracking queue."""
    session.require(Permission.BLIND_SERVICE)
    query = BlindDispatch.select().where(BlindDispatch.back_at.is_null())
    if method:
        query = query.where(BlindDispatch.method == method)
    return [dispatch_info(row) for row in query.order_by(BlindDispatch.dispatched_at).limit(limit)]


def dispatches_of(reader: Reader) -> list[DispatchInfo]:
    rows = BlindDispatch.select().where(BlindDispatch.reader == reader.id, BlindDispatch.back_at.is_null())
    return [dispatch_info(row) for row in rows.order_by(BlindDispatch.dispatched_at)]


def delivery_rounds(session: Session, day: dt.date, *, route: str | None = None) -> list[Round]:
    """The home deliveries of ``day``, route by route, with each reader's address and phone."""
    session.require(Permission.BLIND_SERVICE)
    keys = keys_if_any(session.library)
    query = (
        BlindDispatch.select(BlindDispatch, Reader)
        .join(Reader, JOIN.LEFT_OUTER)
        .where(BlindDispatch.method == "delivery", BlindDispatch.deliver_on == day.isoformat())
    )
    if route:
        query = query.where(BlindDispatch.route == _clean_route(route))
    rounds: dict[str, list[Stop]] = {}
    for row in query.order_by(BlindDispatch.route, BlindDispatch.dispatched_at):
        reader = row.reader if row.reader_id else None
        profile = (
            profile_of(BlindProfile.get_or_none(BlindProfile.reader == reader.id), reader, keys) if reader else None
        )
        phone = (
            keys.open(reader.id, PHONE_FIELD, bytes(reader.phone_cipher))
            if reader is not None and reader.phone_cipher is not None and keys is not None
            else None
        )
        info = dispatch_info(row)
        rounds.setdefault(row.route or "", []).append(
            Stop(
                row.id,
                info.card_number,
                info.reader_name,
                profile.address if profile else None,
                phone,
                tuple(i.title for i in info.items),
                row.delivered_at,
                row.delivered_by,
            )
        )
    if rounds:
        with session.write() as writer:
            writer.journal(
                "blind.delivery_list",
                "blind_dispatch",
                None,
                {"day": day.isoformat(), "stops": sum(len(s) for s in rounds.values())},
            )
    return [Round(day.isoformat(), name, tuple(stops)) for name, stops in rounds.items()]


def loan_dispatch(loan_id: str) -> BlindDispatch | None:
    """The parcel a loan went out in, if it went by post or delivery."""
    entry = BlindDispatchItem.get_or_none(BlindDispatchItem.loan == loan_id)
    return entry.dispatch if entry is not None else None
