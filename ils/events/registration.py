"""Registration for a session with a capacity: by reader card at the desk, or by name and
phone for someone without a card. Places go in order; when the session is full a newcomer
waits, and a place given back goes to the first who waits and fits.

The reader, the name and the phone stay on this desk (desk-local columns); the phone is
sealed with the reader key like a reader's phone. The union learns only how many came.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from db.ids import new_id
from db.models import EventRegistration, EventSession
from ils.errors import Invalid, NotFound
from ils.events.inputs import count_of, text_of
from ils.events.programmes import get_session
from ils.i18n import N_
from ils.permissions import Permission
from ils.readers.keys import ensure_keys
from ils.readers.readers import clean_phone, mask_phone, presented_reader
from ils.session import Session, writes

MAX_PARTY = 10


@dataclass(frozen=True)
class Registered:
    id: str
    who: str
    phone: str | None  # masked
    party: int
    state: str  # registered, waiting, cancelled
    position: int | None  # in the waiting list
    places_left: int


def _taken(session_id: str) -> int:
    return (
        EventRegistration.select(fn.COALESCE(fn.SUM(EventRegistration.party), 0))
        .where((EventRegistration.session == session_id) & (EventRegistration.state == "registered"))
        .scalar()
    )


def _position(row: EventRegistration) -> int | None:
    if row.state != "waiting":
        return None
    return (
        EventRegistration.select()
        .where(
            (EventRegistration.session == row.session_id)
            & (EventRegistration.state == "waiting")
            & (EventRegistration.registered_at <= row.registered_at)
        )
        .count()
    )


def _info(row: EventRegistration, capacity: int, phone: str | None = None) -> Registered:
    who = row.reader.name if row.reader_id else row.name or ""
    return Registered(
        row.id,
        who,
        mask_phone(phone) if phone else None,
        row.party,
        row.state,
        _position(row),
        max(capacity - _taken(row.session_id), 0),
    )


@writes
def register(
    session: Session,
    session_id: str,
    *,
    card: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    party: int | str = 1,
) -> Registered:
    """Book ``party`` places for a reader (``card``) or a non-reader (``name`` and ``phone``)."""
    session.require(Permission.RECORD_EVENTS)
    row = get_session(session_id)
    if row.cancelled_at is not None:
        raise Invalid("events.session_cancelled", "This session was already called off.")
    if row.capacity is None:
        raise Invalid("events.no_registration", "This session takes no registration: it has no capacity set.")
    people = count_of(party, N_("Places"), minimum=1)
    assert people is not None
    if people > MAX_PARTY:
        raise Invalid("events.party_too_large", "At most {count} places at a time.", count=MAX_PARTY)
    reader = None
    if card:
        reader, _summary = presented_reader(session, card)
        if (
            EventRegistration.select()
            .where(
                (EventRegistration.session == row.id)
                & (EventRegistration.reader == reader.id)
                & (EventRegistration.state != "cancelled")
            )
            .exists()
        ):
            raise Invalid("events.already_registered", "{name} is already registered.", name=reader.name)
        who, number = reader.name, None
    else:
        who = text_of(name, N_("Name"), max_length=50)
        number = clean_phone(phone or "") if phone else None
        if not number:
            raise Invalid("events.phone_needed", "Someone without a reader card registers with a name and a phone.")
    state = "registered" if _taken(row.id) + people <= row.capacity else "waiting"
    now = session.library.now_text()
    key = new_id()
    with session.write() as writer:
        sealed = ensure_keys(writer, session.library).seal(key, "event_phone", number) if number else None
        created = EventRegistration.create(
            id=key,
            session=row.id,
            reader=reader.id if reader else None,
            name=None if reader else who,
            phone_cipher=sealed,
            party=people,
            registered_at=now,
            registered_by=session.staff.id,
            state=state,
            changed_at=now,
        )
        writer.journal("events.register", "event_registration", key, {"state": state, "party": people})
    return _info(created, row.capacity, number)


@writes
def cancel_registration(session: Session, registration_id: str) -> list[Registered]:
    """Give a place back; returns the registrations moved up from the waiting list."""
    session.require(Permission.RECORD_EVENTS)
    row = EventRegistration.get_or_none(EventRegistration.id == (registration_id or "").strip())
    if row is None:
        raise NotFound("events.no_such_registration", "There is no registration {id}.", id=registration_id)
    if row.state == "cancelled":
        raise Invalid("events.registration_cancelled", "This registration was already cancelled.")
    capacity = EventSession.get_by_id(row.session_id).capacity or 0
    now = session.library.now_text()
    promoted = []
    with session.write() as writer:
        EventRegistration.update(state="cancelled", changed_at=now).where(EventRegistration.id == row.id).execute()
        writer.journal("events.unregister", "event_registration", row.id, {})
        waiting = (
            EventRegistration.select()
            .where((EventRegistration.session == row.session_id) & (EventRegistration.state == "waiting"))
            .order_by(EventRegistration.registered_at, EventRegistration.id)
        )
        for other in waiting:
            if _taken(row.session_id) + other.party > capacity:
                continue
            EventRegistration.update(state="registered", changed_at=now).where(
                EventRegistration.id == other.id
            ).execute()
            writer.journal("events.promote", "event_registration", other.id, {})
            promoted.append(other.id)
    return [_info(EventRegistration.get_by_id(k), capacity) for k in promoted]


def registrations(session: Session, session_id: str) -> list[Registered]:
    """Who registered and who waits, in order."""
    session.require(Permission.RECORD_EVENTS)
    row = get_session(session_id)
    query = (
        EventRegistration.select()
        .where(EventRegistration.session == row.id)
        .order_by(EventRegistration.registered_at, EventRegistration.id)
    )
    return [_info(r, row.capacity or 0) for r in query]
