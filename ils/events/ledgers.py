"""The ledgers assessors read besides attendance: online reach, media reports (新闻报道),
honours (荣誉) and the 大事记 (milestones for the annual report).

A milestone is written by staff, or offered from a programme, an honour or a rotation batch
(its figure then comes from the rows, not from typing); one source offers one milestone, so
offering it again, here or at another desk, names the same row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from peewee import fn

from db.ids import ILS_NAMESPACE
from db.models import (
    EventHonour,
    EventMedia,
    EventMilestone,
    EventProgramme,
    EventReach,
    EventSession,
    RotationBatch,
)
from ils.errors import Invalid, NotFound
from ils.events import vocabulary as v
from ils.events.attendance import day_counts
from ils.events.inputs import count_of, day_of, text_of
from ils.events.programmes import get_programme
from ils.i18n import N_, _, use_language
from ils.permissions import Permission
from ils.session import Session, writes


@dataclass(frozen=True)
class Reach:
    id: str
    channel: str
    title: str
    published_on: str
    views: int
    clicks: int
    pushes: int
    programme_id: str | None


@dataclass(frozen=True)
class MediaReport:
    id: str
    outlet: str
    reported_on: str
    title: str
    link: str | None
    programme_id: str | None


@dataclass(frozen=True)
class Honour:
    id: str
    body: str
    title: str
    awarded_on: str
    recipient_kind: str
    recipient: str | None


@dataclass(frozen=True)
class Milestone:
    id: str
    day: str
    text: str
    source_kind: str


def _programme_id(programme: str | None) -> str | None:
    return get_programme(programme).id if programme else None


@writes
def record_reach(
    session: Session,
    *,
    channel: str,
    title: str,
    published_on: dt.date | str | None = None,
    views: int | str = 0,
    clicks: int | str = 0,
    pushes: int | str = 0,
    programme: str | None = None,
    reach_id: str | None = None,
) -> Reach:
    """An online item and its figures; with ``reach_id`` the item's figures are brought up to date."""
    session.require(Permission.RECORD_EVENTS)
    values = {
        "channel": v.choice(channel, v.REACH_CHANNELS, N_("Channel")),
        "title": text_of(title, N_("Title")),
        "published_on": day_of(published_on, session, N_("Published on")).isoformat(),
        "views": count_of(views, N_("Views")),
        "clicks": count_of(clicks, N_("Clicks")),
        "pushes": count_of(pushes, N_("Pushes")),
        "programme": _programme_id(programme),
    }
    now = session.library.now_text()
    with session.write() as writer:
        if reach_id:
            if EventReach.get_or_none(EventReach.id == reach_id) is None:
                raise NotFound("events.no_such_reach", "There is no online item {id}.", id=reach_id)
            EventReach.update(**values, updated_at=now).where(EventReach.id == reach_id).execute()
            row = EventReach.get_by_id(reach_id)
        else:
            row = EventReach.create(**values, created_at=now, updated_at=now)
        writer.journal("events.reach", "event_reach", row.id, {"views": row.views, "clicks": row.clicks})
    return Reach(row.id, row.channel, row.title, row.published_on, row.views, row.clicks, row.pushes, row.programme_id)


@writes
def add_media_report(
    session: Session,
    *,
    outlet: str,
    title: str,
    reported_on: dt.date | str | None = None,
    link: str | None = None,
    programme: str | None = None,
) -> MediaReport:
    session.require(Permission.RECORD_EVENTS)
    now = session.library.now_text()
    with session.write() as writer:
        row = EventMedia.create(
            outlet=text_of(outlet, N_("Outlet"), max_length=60),
            title=text_of(title, N_("Title")),
            reported_on=day_of(reported_on, session, N_("Reported on")).isoformat(),
            link=text_of(link, N_("Link or cutting"), required=False, max_length=500),
            programme=_programme_id(programme),
            created_at=now,
            updated_at=now,
        )
        writer.journal("events.media", "event_media", row.id, {})
    return MediaReport(row.id, row.outlet, row.reported_on, row.title, row.link, row.programme_id)


@writes
def add_honour(
    session: Session,
    *,
    body: str,
    title: str,
    awarded_on: dt.date | str | None = None,
    recipient_kind: str = "library",
    recipient: str | None = None,
    note: str | None = None,
) -> Honour:
    session.require(Permission.RECORD_EVENTS)
    kind = v.choice(recipient_kind, v.RECIPIENTS, N_("Recipient"))
    who = text_of(recipient, N_("Recipient's name"), required=kind != "library", max_length=60)
    now = session.library.now_text()
    with session.write() as writer:
        row = EventHonour.create(
            body=text_of(body, N_("Awarding body")),
            title=text_of(title, N_("Title")),
            awarded_on=day_of(awarded_on, session, N_("Awarded on")).isoformat(),
            recipient_kind=kind,
            recipient=who,
            note=text_of(note, N_("Note"), required=False, max_length=1000),
            created_at=now,
            updated_at=now,
        )
        writer.journal("events.honour", "event_honour", row.id, {"kind": kind})
    return Honour(row.id, row.body, row.title, row.awarded_on, row.recipient_kind, row.recipient)


def _milestone(row: EventMilestone) -> Milestone:
    return Milestone(row.id, row.day, row.text, row.source_kind)


@writes
def add_milestone(session: Session, *, text: str, day: dt.date | str | None = None) -> Milestone:
    """A 大事记 entry written by staff."""
    session.require(Permission.RECORD_EVENTS)
    now = session.library.now_text()
    with session.write() as writer:
        row = EventMilestone.create(
            day=day_of(day, session).isoformat(),
            text=text_of(text, N_("Text"), max_length=2000),
            source_kind="staff",
            created_at=now,
            updated_at=now,
        )
        writer.journal("events.milestone", "event_milestone", row.id, {"source": "staff"})
    return _milestone(row)


def _offer_text(kind: str, source_id: str) -> tuple[str, str]:
    """(day, text) a source offers, with its figures counted from the rows, in Chinese: the 大事记
    goes into the annual report whatever language the desk speaks."""
    with use_language("zh_CN"):
        return _offer_text_now(kind, source_id)


def _offer_text_now(kind: str, source_id: str) -> tuple[str, str]:
    if kind == "programme":
        programme = get_programme(source_id)
        sessions = list(EventSession.select().where(EventSession.programme == programme.id))
        if not sessions:
            raise Invalid("events.programme_has_no_sessions", "{title} has no session yet.", title=programme.title)
        people = sum(c.total for c in day_counts([s.id for s in sessions]).values())
        clicks = (
            EventReach.select(fn.COALESCE(fn.SUM(EventReach.clicks), 0))
            .where(EventReach.programme == programme.id)
            .scalar()
        )
        text = _("{title}: {sessions} sessions, {people} participants.").format(
            title=programme.title, sessions=len(sessions), people=people
        )
        if clicks:
            text += _(" Online: {clicks} clicks.").format(clicks=clicks)
        return min(s.starts_at for s in sessions)[:10], text
    if kind == "honour":
        honour = EventHonour.get_or_none(EventHonour.id == source_id)
        if honour is None:
            raise NotFound("events.no_such_honour", "There is no honour {id}.", id=source_id)
        return honour.awarded_on, _("{body} awarded “{title}”.").format(body=honour.body, title=honour.title)
    batch = RotationBatch.get_or_none(RotationBatch.id == source_id)
    if batch is None:
        raise NotFound("events.no_such_batch", "There is no rotation batch {id}.", id=source_id)
    count = batch.items.count()
    return batch.sent_at[:10], _("Rotation batch {code}: {count} volumes sent.").format(code=batch.code, count=count)


@writes
def offer_milestone(session: Session, *, source_kind: str, source_id: str) -> Milestone:
    """The 大事记 entry a programme, an honour or a rotation batch offers; offered once per source."""
    session.require(Permission.RECORD_EVENTS)
    kind = v.choice(
        source_kind,
        {"programme": N_("Programme"), "honour": N_("Honour"), "rotation": N_("Rotation batch")},
        N_("Source"),
    )
    key = str(uuid.uuid5(ILS_NAMESPACE, f"event_milestone:{kind}:{source_id}"))
    existing = EventMilestone.get_or_none(EventMilestone.id == key)
    if existing is not None and existing.withdrawn_at is None:
        raise Invalid("events.milestone_exists", "This is already in the 大事记.")
    day, text = _offer_text(kind, source_id)
    now = session.library.now_text()
    with session.write() as writer:
        if existing is None:
            EventMilestone.create(
                id=key, day=day, text=text, source_kind=kind, source_id=source_id, created_at=now, updated_at=now
            )
        else:
            EventMilestone.update(withdrawn_at=None, text=text, updated_at=now).where(
                EventMilestone.id == key
            ).execute()
        writer.journal("events.milestone", "event_milestone", key, {"source": kind})
    return _milestone(EventMilestone.get_by_id(key))


@writes
def withdraw_milestone(session: Session, milestone_id: str) -> Milestone:
    session.require(Permission.RECORD_EVENTS)
    row = EventMilestone.get_or_none(EventMilestone.id == milestone_id)
    if row is None or row.withdrawn_at is not None:
        raise NotFound("events.no_such_milestone", "There is no 大事记 entry {id}.", id=milestone_id)
    now = session.library.now_text()
    with session.write() as writer:
        EventMilestone.update(withdrawn_at=now, updated_at=now).where(EventMilestone.id == row.id).execute()
        writer.journal("events.milestone_withdraw", "event_milestone", row.id, {})
    return _milestone(row)


def year_bounds(year: int) -> tuple[str, str]:
    return f"{year}-01-01", f"{year}-12-31"


def media_reports(session: Session, year: int) -> list[MediaReport]:
    session.require(Permission.RECORD_EVENTS)
    first, last = year_bounds(year)
    return [
        MediaReport(r.id, r.outlet, r.reported_on, r.title, r.link, r.programme_id)
        for r in EventMedia.select().where(EventMedia.reported_on.between(first, last)).order_by(EventMedia.reported_on)
    ]


def honours(session: Session, year: int) -> list[Honour]:
    session.require(Permission.RECORD_EVENTS)
    first, last = year_bounds(year)
    return [
        Honour(r.id, r.body, r.title, r.awarded_on, r.recipient_kind, r.recipient)
        for r in EventHonour.select()
        .where(EventHonour.awarded_on.between(first, last))
        .order_by(EventHonour.awarded_on)
    ]


def milestones(session: Session, year: int) -> list[Milestone]:
    if not session.may(Permission.VIEW_STATISTICS):  # the annual report prints them
        session.require(Permission.RECORD_EVENTS)
    first, last = year_bounds(year)
    return [
        _milestone(r)
        for r in EventMilestone.select()
        .where(EventMilestone.day.between(first, last) & EventMilestone.withdrawn_at.is_null())
        .order_by(EventMilestone.day)
    ]


def programme_title(programme_id: str | None) -> str:
    row = EventProgramme.get_or_none(EventProgramme.id == programme_id) if programme_id else None
    return row.title if row else ""
