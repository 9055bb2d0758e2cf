"""Training (基层辅导 for branch staff; the library's own staff's 业务、消防安全、志愿者 training)
and volunteers' service, for the report's 工作总结 and the evaluation's ledgers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models import EventTraining, EventVolunteer
from ils.events import vocabulary as v
from ils.events.inputs import branch_of, count_of, day_of, minutes_of, text_of
from ils.events.ledgers import _programme_id
from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session, writes


@dataclass(frozen=True)
class Training:
    id: str
    audience: str
    category: str
    day: str
    topic: str
    minutes: int
    attendees: int


@dataclass(frozen=True)
class VolunteerService:
    id: str
    day: str
    activity: str
    people: int
    minutes: int


@writes
def record_training(
    session: Session,
    *,
    audience: str,
    topic: str,
    hours: float | str,
    attendees: int | str,
    day: dt.date | str | None = None,
    branch: str | None = None,
    category: str = "business",
) -> Training:
    """A training session: ``branch_staff`` (基层辅导, at ``branch``) or ``own_staff`` (by category)."""
    session.require(Permission.RECORD_EVENTS)
    who = v.choice(audience, v.TRAINING_AUDIENCES, N_("Trained"))
    now = session.library.now_text()
    with session.write() as writer:
        row = EventTraining.create(
            audience=who,
            category=v.choice(category, v.TRAINING_CATEGORIES, N_("Category")),
            day=day_of(day, session).isoformat(),
            branch=branch_of(session, branch).id if who == "branch_staff" else None,
            topic=text_of(topic, N_("Topic")),
            minutes=minutes_of(hours),
            attendees=count_of(attendees, N_("Attendees"), minimum=1),
            created_at=now,
            updated_at=now,
        )
        writer.journal("events.training", "event_training", row.id, {"audience": who})
    return Training(row.id, row.audience, row.category, row.day, row.topic, row.minutes, row.attendees)


@writes
def record_volunteers(
    session: Session,
    *,
    activity: str,
    people: int | str,
    hours: float | str,
    day: dt.date | str | None = None,
    programme: str | None = None,
    names: str | None = None,
) -> VolunteerService:
    """Volunteers' service on a day: ``people`` each serving ``hours``. Names stay on this desk."""
    session.require(Permission.RECORD_EVENTS)
    now = session.library.now_text()
    with session.write() as writer:
        row = EventVolunteer.create(
            day=day_of(day, session).isoformat(),
            activity=text_of(activity, N_("Activity")),
            people=count_of(people, N_("People"), minimum=1),
            minutes=minutes_of(hours),
            programme=_programme_id(programme),
            names=text_of(names, N_("Names"), required=False, max_length=1000),
            created_at=now,
            updated_at=now,
        )
        writer.journal("events.volunteers", "event_volunteer", row.id, {"people": row.people})
    return VolunteerService(row.id, row.day, row.activity, row.people, row.minutes)
