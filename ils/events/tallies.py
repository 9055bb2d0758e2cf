"""Manual counts: a day's visits at a site without a gate counter (a branch, a van stop, the
24-hour room), a room's visits or e-reading sessions, and each month's digital figures.

Each count is named by what it counts (site, measure, day; or month, platform, measure), so
counting the same thing again corrects it, on this desk or another: the later count stands.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from db.ids import ILS_NAMESPACE
from db.models import Branch, DigitalUse, ServicePoint, VisitTally
from ils.errors import Invalid, NotFound
from ils.events import vocabulary as v
from ils.events.inputs import branch_of, count_of, day_of, text_of
from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session, writes


@dataclass(frozen=True)
class Tally:
    site_kind: str
    site_code: str
    measure: str
    day: str
    count: int
    corrected: bool  # a count for this day was there before


@dataclass(frozen=True)
class Digital:
    month: str
    platform: str
    measure: str
    value: int
    corrected: bool


def _site(session: Session, kind: str, code: str | None) -> tuple[str, str]:
    """(site code, branch id) of a tally's site."""
    if kind == "branch":
        branch = branch_of(session, code)
        return branch.code, branch.id
    if kind == "point":
        point = ServicePoint.get_or_none(ServicePoint.code == (code or "").strip().upper())
        if point is None:
            raise NotFound("circ.service_point_not_found", "There is no service point with the code {code}.", code=code)
        return point.code, point.branch_id
    room = v.choice(code, v.TALLY_ROOMS, N_("Room"))
    return room, branch_of(session, None).id


@writes
def record_tally(
    session: Session,
    *,
    site_kind: str,
    site: str | None,
    count: int | str,
    day: dt.date | str | None = None,
    measure: str = "visits",
) -> Tally:
    """A day's count: ``site_kind`` ``branch`` (a branch code), ``point`` (a van stop or other
    service point's code) or ``room`` (a room's code); ``measure`` visits or sessions."""
    session.require(Permission.RECORD_EVENTS)
    kind = v.choice(site_kind, {"branch": N_("Branch"), "point": N_("Service point"), "room": N_("Room")}, N_("Site"))
    what = v.choice(measure, v.MEASURES, N_("Measure"))
    if what == "sessions" and kind != "room":
        raise Invalid("events.sessions_rooms_only", "Sessions are counted for rooms (the e-reading room).")
    code, branch_id = _site(session, kind, site)
    on = day_of(day, session)
    number = count_of(count, N_("Count"))
    key = str(uuid.uuid5(ILS_NAMESPACE, f"visit_tally:{kind}:{code}:{what}:{on.isoformat()}"))
    now = session.library.now_text()
    before = VisitTally.get_or_none(VisitTally.id == key)
    with session.write() as writer:
        if before is None:
            VisitTally.create(
                id=key,
                site_kind=kind,
                site_code=code,
                branch=branch_id,
                measure=what,
                day=on.isoformat(),
                count=number,
                recorded_at=now,
                recorded_by=session.staff.id,
            )
        else:
            VisitTally.update(count=number, recorded_at=now, recorded_by=session.staff.id).where(
                VisitTally.id == key
            ).execute()
        writer.journal("visits.tally", "visit_tally", key, {"day": on.isoformat(), "count": number})
    assert number is not None
    return Tally(kind, code, what, on.isoformat(), number, before is not None)


def _month(text: str, session: Session) -> str:
    try:
        first = dt.date.fromisoformat(f"{(text or '').strip()}-01")
    except ValueError:
        raise Invalid("events.bad_month", "Type a month as 2021-06.") from None
    if first > session.now().date():
        raise Invalid("events.month_in_future", "{month} has not come yet.", month=first.isoformat()[:7])
    return first.isoformat()[:7]


@writes
def record_digital(session: Session, *, month: str, platform: str, measure: str, value: int | str) -> Digital:
    """A month's figure for a digital service: e-book platform clicks, website visits, WeChat pushes."""
    session.require(Permission.RECORD_EVENTS)
    which = _month(month, session)
    name = text_of(platform, N_("Platform"), max_length=60)
    what = v.choice(measure, v.DIGITAL_MEASURES, N_("Measure"))
    number = count_of(value, N_("Value"))
    key = str(uuid.uuid5(ILS_NAMESPACE, f"visit_digital:{which}:{name}:{what}"))
    now = session.library.now_text()
    before = DigitalUse.get_or_none(DigitalUse.id == key)
    with session.write() as writer:
        if before is None:
            DigitalUse.create(
                id=key,
                month=which,
                platform=name,
                measure=what,
                value=number,
                recorded_at=now,
                recorded_by=session.staff.id,
            )
        else:
            DigitalUse.update(value=number, recorded_at=now, recorded_by=session.staff.id).where(
                DigitalUse.id == key
            ).execute()
        writer.journal("visits.digital", "visit_digital", key, {"month": which, "measure": what, "value": number})
    assert name is not None and number is not None
    return Digital(which, name, what, number, before is not None)


def tallies_on(session: Session, day: dt.date) -> list[Tally]:
    session.require(Permission.RECORD_EVENTS)
    return [
        Tally(t.site_kind, t.site_code, t.measure, t.day, t.count, False)
        for t in VisitTally.select()
        .where(VisitTally.day == day.isoformat())
        .order_by(VisitTally.site_kind, VisitTally.site_code)
    ]


def branch_code(branch_id: str) -> str:
    return Branch.get_by_id(branch_id).code
