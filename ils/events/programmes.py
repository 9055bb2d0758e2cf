"""Programmes and their sessions: what the library runs, when and where.

A programme is the thing assessors ask about (a lecture series, an exhibition, a contest);
each session is one occurrence with a time, or a range of days for an exhibition (6/28 to
the year's end), and a venue: one of the library's rooms, a branch, an outside place or
online. Attendance, registration, evidence and media reports hang from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from db.models import Branch, EventProgramme, EventSession
from ils.errors import Invalid, NotFound
from ils.events import vocabulary as v
from ils.events.inputs import branch_of, count_of, day_of, moment_of, text_of
from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session, writes

MAX_SESSION_DAYS = 366


@dataclass(frozen=True)
class ProgrammeInfo:
    id: str
    title: str
    kind: str
    kind_label: str
    brand: str | None
    audience: str
    audience_label: str
    partners: str | None
    branch_code: str
    branch_name: str
    reading_for_all: bool
    note: str | None
    cancelled: bool
    sessions: int


@dataclass(frozen=True)
class SessionInfo:
    id: str
    programme_id: str
    title: str
    kind: str
    kind_label: str
    starts_at: str  # "2021-06-28 09:30"
    ends_on: str | None
    venue_kind: str
    venue: str
    venue_label: str
    branch_code: str
    capacity: int | None
    cancelled: bool


def programme_info(row: EventProgramme) -> ProgrammeInfo:
    branch = Branch.get_by_id(row.branch_id)
    return ProgrammeInfo(
        row.id,
        row.title,
        row.kind,
        v.label(v.PROGRAMME_KINDS, row.kind),
        row.brand,
        row.audience,
        v.label(v.AUDIENCES, row.audience),
        row.partners,
        branch.code,
        branch.name,
        bool(row.reading_for_all),
        row.note,
        row.cancelled_at is not None,
        EventSession.select().where(EventSession.programme == row.id).count(),
    )


def session_info(row: EventSession, programme: EventProgramme | None = None) -> SessionInfo:
    programme = programme or EventProgramme.get_by_id(row.programme_id)
    venue = (
        v.label(v.ROOMS, row.venue)
        if row.venue_kind == "room"
        else (v.label(v.VENUE_KINDS, "online") if row.venue_kind == "online" and not row.venue else row.venue)
    )
    return SessionInfo(
        row.id,
        programme.id,
        programme.title,
        programme.kind,
        v.label(v.PROGRAMME_KINDS, programme.kind),
        row.starts_at,
        row.ends_on,
        row.venue_kind,
        row.venue,
        venue,
        Branch.get_by_id(row.branch_id).code,
        row.capacity,
        row.cancelled_at is not None,
    )


def get_programme(programme_id: str) -> EventProgramme:
    row = EventProgramme.get_or_none(EventProgramme.id == (programme_id or "").strip())
    if row is None:
        raise NotFound("events.no_such_programme", "There is no programme {id}.", id=programme_id)
    return row


def get_session(session_id: str) -> EventSession:
    row = EventSession.get_or_none(EventSession.id == (session_id or "").strip())
    if row is None:
        raise NotFound("events.no_such_session", "There is no session {id}.", id=session_id)
    return row


def _programme_values(
    session: Session,
    *,
    title: Any,
    kind: Any,
    brand: Any,
    audience: Any,
    partners: Any,
    branch: Any,
    reading_for_all: Any,
    note: Any,
) -> dict[str, Any]:
    return {
        "title": text_of(title, N_("Title")),
        "kind": v.choice(kind, v.PROGRAMME_KINDS, N_("Type")),
        "brand": text_of(brand, N_("Brand or series"), required=False, max_length=60),
        "audience": v.choice(audience or "all", v.AUDIENCES, N_("Target group")),
        "partners": text_of(partners, N_("Partners"), required=False),
        "branch": branch_of(session, branch).id,
        "reading_for_all": bool(reading_for_all),
        "note": text_of(note, N_("Note"), required=False, max_length=1000),
    }


@writes
def add_programme(
    session: Session,
    *,
    title: str,
    kind: str,
    brand: str | None = None,
    audience: str = "all",
    partners: str | None = None,
    branch: str | None = None,
    reading_for_all: bool = False,
    note: str | None = None,
) -> ProgrammeInfo:
    """A new programme, organised by ``branch`` (this desk's by default)."""
    session.require(Permission.RECORD_EVENTS)
    values = _programme_values(
        session,
        title=title,
        kind=kind,
        brand=brand,
        audience=audience,
        partners=partners,
        branch=branch,
        reading_for_all=reading_for_all,
        note=note,
    )
    now = session.library.now_text()
    with session.write() as writer:
        row = EventProgramme.create(**values, created_at=now, updated_at=now)
        writer.journal("events.programme_add", "event_programme", row.id, {"kind": values["kind"]})
    return programme_info(row)


@writes
def change_programme(session: Session, programme_id: str, **changes: Any) -> ProgrammeInfo:
    """Change some of a programme's fields (the others keep their values)."""
    session.require(Permission.RECORD_EVENTS)
    row = get_programme(programme_id)
    current = {
        "title": row.title,
        "kind": row.kind,
        "brand": row.brand,
        "audience": row.audience,
        "partners": row.partners,
        "branch": Branch.get_by_id(row.branch_id).code,
        "reading_for_all": row.reading_for_all,
        "note": row.note,
    }
    unknown = set(changes) - set(current)
    if unknown:
        raise Invalid("events.unknown_field", "A programme has no field {name}.", name=", ".join(sorted(unknown)))
    values = _programme_values(session, **{**current, **changes})
    changed = {k: val for k, val in values.items() if getattr(row, "branch_id" if k == "branch" else k) != val}
    if not changed:
        return programme_info(row)
    with session.write() as writer:
        EventProgramme.update(**changed, updated_at=session.library.now_text()).where(
            EventProgramme.id == row.id
        ).execute()
        writer.journal("events.programme_change", "event_programme", row.id, {"fields": sorted(changed)})
    return programme_info(EventProgramme.get_by_id(row.id))


@writes
def cancel_programme(session: Session, programme_id: str) -> ProgrammeInfo:
    """Call a programme off; its sessions are called off with it. Already cancelled: refused."""
    session.require(Permission.RECORD_EVENTS)
    row = get_programme(programme_id)
    if row.cancelled_at is not None:
        raise Invalid("events.programme_cancelled", "{title} was already called off.", title=row.title)
    now = session.library.now_text()
    with session.write() as writer:
        EventProgramme.update(cancelled_at=now, updated_at=now).where(EventProgramme.id == row.id).execute()
        EventSession.update(cancelled_at=now, updated_at=now).where(
            (EventSession.programme == row.id) & EventSession.cancelled_at.is_null()
        ).execute()
        writer.journal("events.programme_cancel", "event_programme", row.id, {})
    return programme_info(EventProgramme.get_by_id(row.id))


@writes
def add_session(
    session: Session,
    programme_id: str,
    *,
    starts: dt.datetime | str,
    ends_on: dt.date | str | None = None,
    venue_kind: str = "room",
    venue: str | None = None,
    branch: str | None = None,
    capacity: int | str | None = None,
) -> SessionInfo:
    """A session of a programme: a time, or (``ends_on``) a range of days, and a venue.

    ``venue``: a room's code for ``room``; a place's name for ``outside``; the platform for
    ``online`` (may be empty); for ``branch`` the branch's code (its name is stored).
    ``capacity`` turns on registration with a waiting list.
    """
    session.require(Permission.RECORD_EVENTS)
    programme = get_programme(programme_id)
    if programme.cancelled_at is not None:
        raise Invalid("events.programme_cancelled", "{title} was already called off.", title=programme.title)
    start = moment_of(starts)
    last = None
    if ends_on not in (None, ""):
        last = day_of(ends_on, session, N_("Last day"), future=True)
        if not start.date() <= last <= start.date() + dt.timedelta(days=MAX_SESSION_DAYS):
            raise Invalid("events.bad_range", "The last day must be from the first day to a year after it.")
    kind = v.choice(venue_kind, v.VENUE_KINDS, N_("Venue"))
    place = branch_of(session, branch)
    if kind == "room":
        where = v.choice(venue, v.ROOMS, N_("Room"))
    elif kind == "branch":
        place = branch_of(session, venue)
        where = place.name
    else:
        where = text_of(venue, N_("Place"), required=kind == "outside") or ""
    seats = count_of(capacity, N_("Capacity"), minimum=1, required=False)
    now = session.library.now_text()
    with session.write() as writer:
        row = EventSession.create(
            programme=programme.id,
            starts_at=start.isoformat(sep=" ", timespec="minutes"),
            ends_on=last.isoformat() if last else None,
            venue_kind=kind,
            venue=where,
            branch=place.id,
            capacity=seats,
            created_at=now,
            updated_at=now,
        )
        writer.journal("events.session_add", "event_session", row.id, {"programme": programme.id})
    return session_info(row, programme)


@writes
def cancel_session(session: Session, session_id: str) -> SessionInfo:
    session.require(Permission.RECORD_EVENTS)
    row = get_session(session_id)
    if row.cancelled_at is not None:
        raise Invalid("events.session_cancelled", "This session was already called off.")
    now = session.library.now_text()
    with session.write() as writer:
        EventSession.update(cancelled_at=now, updated_at=now).where(EventSession.id == row.id).execute()
        writer.journal("events.session_cancel", "event_session", row.id, {})
    return session_info(EventSession.get_by_id(row.id))


def list_programmes(session: Session, year: int | None = None) -> list[ProgrammeInfo]:
    """The programmes with a session in ``year`` (every programme when ``None``), newest first."""
    session.require(Permission.RECORD_EVENTS)
    query = EventProgramme.select().order_by(EventProgramme.created_at.desc())
    if year is not None:
        query = query.where(EventProgramme.id.in_(EventSession.select(EventSession.programme).where(_in_year(year))))
    return [programme_info(row) for row in query]


def _in_year(year: int):
    first, last = f"{year}-01-01", f"{year}-12-31 99"
    return (EventSession.starts_at <= last) & ((EventSession.starts_at >= first) | (EventSession.ends_on >= first))


def calendar(session: Session, first: dt.date, last: dt.date) -> list[SessionInfo]:
    """Sessions that take place on a day from ``first`` to ``last``, in time order."""
    session.require(Permission.RECORD_EVENTS)
    query = (
        EventSession.select(EventSession, EventProgramme)
        .join(EventProgramme)
        .where(
            (EventSession.starts_at <= f"{last.isoformat()} 99")
            & ((EventSession.starts_at >= first.isoformat()) | (EventSession.ends_on >= first.isoformat()))
        )
        .order_by(EventSession.starts_at)
    )
    return [session_info(row, row.programme) for row in query]


def sessions_of(session: Session, programme_id: str) -> list[SessionInfo]:
    session.require(Permission.RECORD_EVENTS)
    programme = get_programme(programme_id)
    query = EventSession.select().where(EventSession.programme == programme.id).order_by(EventSession.starts_at)
    return [session_info(row, programme) for row in query]
