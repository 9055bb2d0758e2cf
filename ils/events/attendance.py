"""Attendance: head counts typed by staff (an exhibition's count for each day), and readers'
cards scanned at the door.

For each session and day, a head count stands for the day when one was entered; otherwise
the cards scanned at the door that day are the count. A head count may be split into adults
and children; scans are split by the reader's age band (under 14: a child).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from peewee import fn

from db.ids import ILS_NAMESPACE
from db.models import EventCount, EventScan, EventSession
from ils.errors import Invalid
from ils.events.inputs import count_of, day_of
from ils.events.programmes import get_session
from ils.i18n import N_
from ils.permissions import Permission
from ils.readers.keys import keys_if_any
from ils.readers.readers import presented_reader
from ils.session import Session, writes

CHILD_BANDS = ("0-6", "7-13")
#: Blocks that mean the card no longer serves anyone: such a card is refused at the door.
DEAD = ("cancelled", "lost", "expired")


@dataclass(frozen=True)
class DayCount:
    day: str
    total: int
    adults: int | None
    children: int | None
    counted: str  # "head" (typed by staff) or "scans"


@dataclass(frozen=True)
class Scanned:
    name: str
    day: str
    first_today: bool  # False: this card was already scanned for the session today
    scans_today: int


def count_id(session_id: str, day: dt.date) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"event_count:{session_id}:{day.isoformat()}"))


def scan_id(session: Session, session_id: str, reader_id: str, day: dt.date) -> str:
    """A door scan's id: the same for one reader, session and day on every desk that shares the
    reader key, and, being keyed, no way for the union to tell which reader it names."""
    keys = keys_if_any(session.library)
    basis = f"{session_id}:{reader_id}:{day.isoformat()}"
    return str(uuid.uuid5(ILS_NAMESPACE, "event_scan:" + (keys.digest("event_scan", basis) if keys else basis)))


def _session_days(row: EventSession) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(row.starts_at[:10])
    return first, dt.date.fromisoformat(row.ends_on) if row.ends_on else first


def _check_day(row: EventSession, day: dt.date) -> None:
    first, last = _session_days(row)
    if not first <= day <= last:
        raise Invalid(
            "events.not_a_session_day",
            "The session runs from {first} to {last}, not on {day}.",
            first=first.isoformat(),
            last=last.isoformat(),
            day=day.isoformat(),
        )
    if row.cancelled_at is not None:
        raise Invalid("events.session_cancelled", "This session was already called off.")


@writes
def record_count(
    session: Session,
    session_id: str,
    *,
    total: int | str | None = None,
    adults: int | str | None = None,
    children: int | str | None = None,
    day: dt.date | str | None = None,
) -> DayCount:
    """The head count of a session on ``day`` (the session's day; for an exhibition, today by default).

    Give ``total``, or ``adults`` and ``children`` (then the total is their sum), or all three
    when they agree. Counting the same day again corrects it.
    """
    session.require(Permission.RECORD_EVENTS)
    row = get_session(session_id)
    first, _last = _session_days(row)
    on = day_of(day if day not in (None, "") else (None if row.ends_on else first), session)
    _check_day(row, on)
    grown = count_of(adults, N_("Adults"), required=False)
    young = count_of(children, N_("Children"), required=False)
    whole = count_of(total, N_("Attendance"), required=grown is None or young is None)
    if grown is not None and young is not None:
        if whole is not None and whole != grown + young:
            raise Invalid(
                "events.split_disagrees",
                "Adults ({adults}) and children ({children}) do not add up to {total}.",
                adults=grown,
                children=young,
                total=whole,
            )
        whole = grown + young
    elif whole is not None and (grown or 0) + (young or 0) > whole:
        raise Invalid("events.split_too_large", "Adults and children cannot be more than {total}.", total=whole)
    assert whole is not None
    now = session.library.now_text()
    values = {"total": whole, "adults": grown, "children": young, "recorded_at": now, "recorded_by": session.staff.id}
    key = count_id(row.id, on)
    with session.write() as writer:
        if EventCount.get_or_none(EventCount.id == key) is None:
            EventCount.create(id=key, session=row.id, day=on.isoformat(), **values)
        else:
            EventCount.update(**values).where(EventCount.id == key).execute()
        writer.journal("events.count", "event_count", key, {"day": on.isoformat(), "total": whole})
    return DayCount(on.isoformat(), whole, grown, young, "head")


@writes
def scan_at_door(session: Session, session_id: str, card_number: str) -> Scanned:
    """A reader's card at the door of a session today. A dead card (lost, replaced, returned,
    expired) is refused; a card scanned twice the same day counts once."""
    session.require(Permission.RECORD_EVENTS)
    row = get_session(session_id)
    today = session.now().date()
    _check_day(row, today)
    reader, summary = presented_reader(session, card_number)
    dead = [b for b in summary.blocks if b.kind in DEAD]
    if summary.status != "active" or dead:
        raise Invalid(
            "events.card_not_valid",
            "Card {number} is not valid: {reason}.",
            number=summary.card_number,
            reason=dead[0].label if dead else summary.status_label,
        )
    key = scan_id(session, row.id, reader.id, today)
    first = EventScan.get_or_none(EventScan.id == key) is None
    if first:
        with session.write() as writer:
            EventScan.create(
                id=key,
                session=row.id,
                reader=reader.id,
                age_band=reader.age_band,
                day=today.isoformat(),
                scanned_at=session.library.now_text(),
                scanned_by=session.staff.id,
            )
            writer.journal("events.scan", "event_scan", key, {"day": today.isoformat()})
    scans = EventScan.select().where((EventScan.session == row.id) & (EventScan.day == today.isoformat())).count()
    return Scanned(summary.name, today.isoformat(), first, scans)


def day_counts(
    session_ids: list[str] | None = None, first: dt.date | None = None, last: dt.date | None = None
) -> dict[tuple[str, str], DayCount]:
    """(session, day) → the day's attendance: the head count where there is one, else the scans.

    Reads only; the services and the figures that call it check permissions.
    """
    found: dict[tuple[str, str], DayCount] = {}
    counts = EventCount.select()
    scans = EventScan.select(
        EventScan.session,
        EventScan.day,
        fn.COUNT(EventScan.id).alias("n"),
        fn.SUM(EventScan.age_band.in_(CHILD_BANDS)).alias("young"),
    ).group_by(EventScan.session, EventScan.day)
    for query, model in ((counts, EventCount), (scans, EventScan)):
        if session_ids is not None:
            query = query.where(model.session.in_(session_ids))
        if first is not None:
            query = query.where(model.day >= first.isoformat())
        if last is not None:
            query = query.where(model.day <= last.isoformat())
        if model is EventCount:
            counts = query
        else:
            scans = query
    for c in counts:
        found[(c.session_id, c.day)] = DayCount(c.day, c.total, c.adults, c.children, "head")
    for s in scans:
        key = (s.session_id, s.day)
        if key not in found:
            young = int(s.young or 0)
            found[key] = DayCount(s.day, s.n, s.n - young, young, "scans")
    return found


def attendance_of(session: Session, session_id: str) -> list[DayCount]:
    """The session's attendance, day by day."""
    session.require(Permission.RECORD_EVENTS)
    row = get_session(session_id)
    return sorted(day_counts([row.id]).values(), key=lambda d: d.day)
