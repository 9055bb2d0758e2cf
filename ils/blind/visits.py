"""Visits to the blind reading room, tallied per day at the desk (a reader who comes in, a
companion, a group). The statistics add them up; the events issue's room counts may take
this tally over."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from db.models import BlindVisit
from ils.blind.stock import room_point
from ils.circulation.places import place_of
from ils.errors import Invalid
from ils.permissions import Permission
from ils.session import Session, writes

MAX_AT_ONCE = 500


@writes
def record_visits(session: Session, count: int = 1, *, day: dt.date | None = None, point: str | None = None) -> int:
    """Add ``count`` visits to ``day`` (today by default); returns the day's total."""
    session.require(Permission.BLIND_SERVICE)
    if not 1 <= count <= MAX_AT_ONCE:
        raise Invalid("blind.visit_count", "Record from 1 to {count} visits at a time.", count=MAX_AT_ONCE)
    today = session.now().date()
    on = day or today
    if on > today:
        raise Invalid("blind.visit_in_future", "Visits cannot be recorded for a day to come.")
    here = place_of(session, room_point(session, point))
    with session.write() as writer:
        row = BlindVisit.create(
            day=on.isoformat(),
            visits=count,
            branch=here.branch_id,
            recorded_at=session.library.now_text(),
            recorded_by=session.staff.id,
        )
        writer.journal("blind.visits", "blind_visit", row.id, {"day": on.isoformat(), "visits": count})
    return visits_on(on)


def visits_on(day: dt.date) -> int:
    return (
        BlindVisit.select(fn.COALESCE(fn.SUM(BlindVisit.visits), 0)).where(BlindVisit.day == day.isoformat()).scalar()
    )
