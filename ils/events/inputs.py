"""Dates, counts and places as staff type them, checked once for every events service."""

from __future__ import annotations

import datetime as dt

from db.models import Branch
from ils.branches import get_branch
from ils.errors import Invalid
from ils.i18n import N_
from ils.session import Session
from ils.text_input import clean_input, field_label

#: No single count (a day at a gate, a head count, a month's clicks) is larger than this; a
#: bigger number is a typing slip, refused before it can swell a year's figure.
MAX_COUNT = 10_000_000


def day_of(value: dt.date | str | None, session: Session, field: str = N_("Date"), *, future: bool = False) -> dt.date:
    """A calendar day: a date, text ``2021-06-28``, or today when empty. Days to come are refused
    unless ``future`` (a session being planned)."""
    today = session.now().date()
    if value is None or value == "":
        return today
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = clean_input(value, field, fold=True)
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise Invalid("events.bad_date", "{field}: type a date as 2021-06-28.", field=field_label(field)) from None
    if not future and value > today:
        raise Invalid(
            "events.date_in_future",
            "{field}: {date} has not come yet.",
            field=field_label(field),
            date=value.isoformat(),
        )
    return value


def moment_of(value: dt.datetime | str, field: str = N_("Starts")) -> dt.datetime:
    """A date and time, ``2021-06-28 09:30`` (a date alone is 09:00 that day)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    text = clean_input(value, field, fold=True).replace("T", " ")
    try:
        if len(text) <= 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(9, 0))
        return dt.datetime.fromisoformat(text).replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        raise Invalid(
            "events.bad_moment", "{field}: type a date and time as 2021-06-28 09:30.", field=field_label(field)
        ) from None


def count_of(value: int | str | None, field: str, *, minimum: int = 0, required: bool = True) -> int | None:
    """A whole number from ``minimum`` to ``MAX_COUNT``; ``None`` for an empty optional field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid("input.empty", "{field} cannot be empty.", field=field_label(field))
        return None
    try:
        number = value if isinstance(value, int) else int(clean_input(str(value), field, fold=True).replace(",", ""))
    except ValueError:
        raise Invalid("events.not_a_number", "{field} must be a whole number.", field=field_label(field)) from None
    if not minimum <= number <= MAX_COUNT:
        raise Invalid(
            "events.count_out_of_range",
            "{field} must be from {low} to {high}.",
            field=field_label(field),
            low=minimum,
            high=MAX_COUNT,
        )
    return number


def minutes_of(hours: float | str, field: str = N_("Hours")) -> int:
    """Hours as typed (``1.5``) in whole minutes, from a quarter of an hour to a day."""
    try:
        value = float(clean_input(str(hours), field, fold=True))
    except ValueError:
        raise Invalid(
            "events.bad_hours", "{field}: type hours as a number, e.g. 1.5.", field=field_label(field)
        ) from None
    minutes = round(value * 60)
    if not 15 <= minutes <= 24 * 60:
        raise Invalid("events.hours_out_of_range", "{field} must be from 0.25 to 24.", field=field_label(field))
    return minutes


def branch_of(session: Session, code: str | None) -> Branch:
    """The branch named by ``code``, or this desk's branch."""
    if code:
        return get_branch(code)
    return Branch.get_by_id(session.library.node.branch_id)


def text_of(value: str | None, field: str, *, required: bool = True, max_length: int = 200) -> str | None:
    """Clean text, or ``None`` for an empty optional field."""
    text = clean_input(value, field, required=required, max_length=max_length)
    return text or None
