"""The blind room's figures for the annual report (DOMAIN 1.4 #8 and #21), from the raw rows.

- registered visually impaired readers: readers of a blind-service type holding a card at the
  end of the period (registered by then, not returned, not anonymised), and of those the ones
  whose eligibility was checked; new ones registered in the period;
- visits to the room: the daily tallies (``blind_visit``);
- loans by medium, made in the period anywhere in the library (a loan counts where it was made;
  de-identified loans count like any other), renewals apart: listening devices, audio
  (audiobook and DAISY carriers), braille, large print;
- devices at the end of the period: out (a loan open then), in repair (a repair open then), in
  stock (received by then and neither; lost and retired devices as they stand now);
- postal dispatches and home deliveries made in the period, the items they carried, and the
  requests received;
- events for visually impaired readers: the events issue records events; until then this is
  ``None`` (not zero: not counted is not none held).

The statistics issue gathers these with the rest of the report; the counts are one query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, fn

from db.models import (
    BlindDevice,
    BlindDispatch,
    BlindDispatchItem,
    BlindRepair,
    BlindRequest,
    BlindVerification,
    BlindVisit,
    Item,
    Loan,
    LoanRenewal,
    Reader,
    ReaderType,
)
from ils.errors import Invalid
from ils.permissions import Permission
from ils.session import Session

MEDIA: dict[str, tuple[str, ...]] = {
    "device": ("listening_device",),
    "audio": ("audiobook",),
    "braille": ("braille",),
    "large_print": ("large_print",),
}


@dataclass(frozen=True)
class Medium:
    medium: str
    loans: int
    renewals: int


@dataclass(frozen=True)
class BlindFigures:
    start: str
    end: str  # inclusive
    registered_readers: int
    verified_readers: int
    new_readers: int
    visits: int
    loans: tuple[Medium, ...]
    devices_total: int
    devices_out: int
    devices_in_repair: int
    devices_in_stock: int
    postal_dispatches: int
    home_deliveries: int
    items_sent: int
    requests: int
    events: int | None


def _bounds(start: dt.date, end: dt.date) -> tuple[str, str]:
    if end < start:
        raise Invalid("blind.period", "The period ends before it starts.")
    return start.isoformat(), (end + dt.timedelta(days=1)).isoformat()


def blind_figures(session: Session, start: dt.date, end: dt.date) -> BlindFigures:
    """The room's figures for ``start`` to ``end`` (both included)."""
    session.require(Permission.BLIND_SERVICE if session.may(Permission.BLIND_SERVICE) else Permission.VIEW_STATISTICS)
    low, high = _bounds(start, end)
    blind_types = ReaderType.select(ReaderType.code).where(ReaderType.blind_service == True)  # noqa: E712
    holding = Reader.select(Reader.id).where(
        Reader.reader_type.in_(blind_types),
        Reader.created_at < high,
        Reader.anonymised_at.is_null(),
        Reader.cancelled_at.is_null() | (Reader.cancelled_at >= high),
    )
    registered = holding.count()
    verified = (
        BlindVerification.select(fn.COUNT(fn.DISTINCT(BlindVerification.reader)))
        .where(
            BlindVerification.reader.in_(holding),
            BlindVerification.verified_on < high,
            BlindVerification.withdrawn_at.is_null() | (BlindVerification.withdrawn_at >= high),
        )
        .scalar()
    )
    new = (
        Reader.select()
        .where(Reader.reader_type.in_(blind_types), Reader.created_at >= low, Reader.created_at < high)
        .count()
    )
    visits = (
        BlindVisit.select(fn.COALESCE(fn.SUM(BlindVisit.visits), 0))
        .where(BlindVisit.day >= low, BlindVisit.day < high)
        .scalar()
    )
    kinds = [t for types in MEDIA.values() for t in types]  # read through loan_media (m0082): a few rows
    made = dict(
        Loan.select(Loan.item_type, fn.COUNT(SQL("*")))
        .where(Loan.item_type.in_(kinds), Loan.loaned_at >= low, Loan.loaned_at < high)
        .group_by(Loan.item_type)
        .tuples()
    )
    renewed = dict(
        LoanRenewal.select(Loan.item_type, fn.COUNT(SQL("*")))
        .join(Loan)
        # the month's renewals first: the type as an expression keeps SQLite from walking every
        # audiobook loan ever made through loan_media instead
        .where(Loan.item_type.concat("").in_(kinds), LoanRenewal.renewed_at >= low)
        .where(LoanRenewal.renewed_at < high)
        .group_by(Loan.item_type)
        .tuples()
    )
    media = tuple(
        Medium(name, sum(made.get(t, 0) for t in types), sum(renewed.get(t, 0) for t in types))
        for name, types in MEDIA.items()
    )
    devices = BlindDevice.select(BlindDevice.id, BlindDevice.item).where(BlindDevice.received_on < high)
    device_items = [d.item_id for d in devices]
    out = (
        (
            Loan.select(fn.COUNT(fn.DISTINCT(Loan.item)))
            .where(
                Loan.item.in_(device_items), Loan.loaned_at < high, Loan.ended_at.is_null() | (Loan.ended_at >= high)
            )
            .scalar()
        )
        if device_items
        else 0
    )
    repairing = (
        BlindRepair.select(fn.COUNT(fn.DISTINCT(BlindRepair.device)))
        .where(
            BlindRepair.device.in_([d.id for d in devices]),
            BlindRepair.sent_at < high,
            BlindRepair.back_at.is_null() | (BlindRepair.back_at >= high),
        )
        .scalar()
        if device_items
        else 0
    )
    gone = (
        Item.select().where(Item.id.in_(device_items), Item.status.in_(("lost", "missing", "withdrawn"))).count()
        if device_items
        else 0
    )
    dispatched = dict(
        BlindDispatch.select(BlindDispatch.method, fn.COUNT(BlindDispatch.id))
        .where(BlindDispatch.dispatched_at >= low, BlindDispatch.dispatched_at < high)
        .group_by(BlindDispatch.method)
        .tuples()
    )
    sent = (
        BlindDispatchItem.select()
        .join(BlindDispatch)
        .where(BlindDispatch.dispatched_at >= low, BlindDispatch.dispatched_at < high)
        .count()
    )
    requests = BlindRequest.select().where(BlindRequest.received_at >= low, BlindRequest.received_at < high).count()
    return BlindFigures(
        start=start.isoformat(),
        end=end.isoformat(),
        registered_readers=registered,
        verified_readers=verified,
        new_readers=new,
        visits=visits,
        loans=media,
        devices_total=len(device_items),
        devices_out=out,
        devices_in_repair=repairing,
        devices_in_stock=max(0, len(device_items) - out - repairing - gone),
        postal_dispatches=dispatched.get("post", 0),
        home_deliveries=dispatched.get("delivery", 0),
        items_sent=sent,
        requests=requests,
        events=None,
    )
