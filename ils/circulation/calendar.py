"""Opening days per branch: a weekly closing day, public holidays, emergency closings and the
adjusted working days (调休) the State Council announces each year.

A due date that falls on a day the lending branch is closed moves to its next opening day,
so nobody is overdue for a day they could not come. Days are dates in the library's local
time; a loan is due by the end of its due day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import MappingProxyType

from db.ids import reference_id
from db.models import Branch, CalendarDay
from ils.branches import get_branch
from ils.caches import cached
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.session import Session, writes

KINDS: dict[str, str] = {
    "holiday": N_("Public holiday (closed)"),
    "emergency": N_("Emergency closing"),
    "workday": N_("Adjusted working day (open)"),
}
# How the yearly list may name a kind: the codes, and the words of the State Council's notice.
_KIND_WORDS = {
    "holiday": "holiday",
    "休": "holiday",
    "假": "holiday",
    "closed": "emergency",
    "emergency": "emergency",
    "闭馆": "emergency",
    "workday": "workday",
    "班": "workday",
    "open": "workday",
}
MAX_ROLL_DAYS = 366  # a branch closed for longer than a year is not lending


@dataclass(frozen=True)
class CalendarEntry:
    day: str
    branch_code: str | None
    open: bool
    kind: str
    kind_label: str
    name: str


def parse_weekdays(text: str) -> str:
    """ISO weekdays (1 Monday … 7 Sunday) as typed, "1,7" or "周一" style, stored as "1,7"."""
    names = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
    days: set[int] = set()
    for part in re.split(r"[,，、\s]+", text.strip()):
        if not part:
            continue
        part = part.removeprefix("周").removeprefix("星期")
        if part.isdigit() and 1 <= int(part) <= 7:
            days.add(int(part))
        elif part in names:
            days.add(names[part])
        else:
            raise Invalid(
                "circ.calendar_bad_weekday", "{text} is not a weekday: use 1 (Monday) to 7 (Sunday).", text=part
            )
    if len(days) == 7:
        raise Invalid("circ.calendar_closed_every_day", "A branch closed every day of the week cannot lend.")
    return ",".join(str(d) for d in sorted(days))


class Calendar:
    """One branch's opening days: its weekly closing days and every day recorded for it or for
    all branches (the branch's own row wins).

    Read once per connection and branch and kept until the calendar changes here or anything
    changes at another desk (``ils.caches``): every loan rolls its due date through it. The
    recorded days are a few dozen a year. ``first`` and ``last`` say which days the caller will
    ask about; all are kept.
    """

    def __init__(self, branch_id: str, first: dt.date | None = None, last: dt.date | None = None) -> None:
        self.closed_weekdays, self.days = cached(("calendar", branch_id), lambda: _read_calendar(branch_id))
        self.first, self.last = first, last

    def is_open(self, day: dt.date) -> bool:
        explicit = self.days.get(day.isoformat())
        if explicit is not None:
            return explicit
        return day.isoweekday() not in self.closed_weekdays


def _read_calendar(branch_id: str) -> tuple[frozenset[int], MappingProxyType[str, bool]]:
    database = Branch._meta.database
    found = database.execute_sql("SELECT closed_weekdays FROM branch WHERE id = ?", (branch_id,)).fetchone()
    if found is None:
        raise Branch.DoesNotExist(branch_id)  # callers pass a branch they have read
    days: dict[str, bool] = {}
    for day, is_open, _own in database.execute_sql(
        "SELECT day, open, branch_id IS NOT NULL AS own FROM calendar_day WHERE branch_id IS NULL OR branch_id = ?"
        " ORDER BY own",
        (branch_id,),
    ):
        days[day] = bool(is_open)
    return frozenset(int(d) for d in (found[0] or "").split(",") if d), MappingProxyType(days)


def next_open_day(branch_id: str, day: dt.date) -> dt.date:
    """``day`` itself when the branch opens then, else the next day it does."""
    calendar = Calendar(branch_id, day, day + dt.timedelta(days=MAX_ROLL_DAYS))
    for offset in range(MAX_ROLL_DAYS):
        candidate = day + dt.timedelta(days=offset)
        if calendar.is_open(candidate):
            return candidate
    raise Invalid(
        "circ.calendar_no_opening_day", "The branch has no opening day in the coming year: check its calendar."
    )


def due_date(branch_id: str, start: dt.date, days: int) -> dt.date:
    return next_open_day(branch_id, start + dt.timedelta(days=days))


def is_open(branch_id: str, day: dt.date) -> bool:
    return Calendar(branch_id, day, day).is_open(day)


@writes
def set_closed_weekdays(session: Session, branch: str, weekdays: str) -> str:
    """The branch's weekly closing days (e.g. Monday for system maintenance); "" opens every day."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    row = get_branch(branch)
    value = parse_weekdays(weekdays)
    with session.write() as writer:
        Branch.update(closed_weekdays=value).where(Branch.id == row.id).execute()
        writer.journal("branch.closed_weekdays", "branch", row.id, {"closed_weekdays": value})
    session.library.forget_node()
    return value


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            "circ.calendar_bad_date", "{text} is not a date: write it as 2026-10-01.", text=text.strip()
        ) from None


@writes
def add_day(session: Session, day: str, kind: str, name: str, *, branch: str | None = None) -> CalendarEntry:
    """Record a holiday, an emergency closing or an adjusted working day, for one branch or all."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    return _add_days(session, [(_day(day), _kind(kind), name.strip())], branch)[0]


def _kind(word: str) -> str:
    kind = _KIND_WORDS.get(word.strip().lower())
    if kind is None:
        raise Invalid(
            "circ.calendar_unknown_kind",
            "Unknown kind of day {kind}; use holiday (休), workday (班) or emergency (闭馆).",
            kind=word.strip(),
        )
    return kind


def calendar_day_id(branch_code: str | None, day: dt.date) -> str:
    """Name-based, so two desks that mark the same day for the same branch make the same row."""
    return reference_id("calendar_day", f"{branch_code or '*'}:{day.isoformat()}")


def _add_days(session: Session, days: list[tuple[dt.date, str, str]], branch: str | None) -> list[CalendarEntry]:
    branch_row = get_branch(branch) if branch else None
    now = session.library.now_text()
    entries = []
    with session.write() as writer:
        for day, kind, name in days:
            label = name or _(KINDS[kind])
            CalendarDay.delete().where(
                (CalendarDay.day == day.isoformat())
                & (CalendarDay.branch.is_null() if branch_row is None else CalendarDay.branch == branch_row.id)
            ).execute()
            row = CalendarDay.create(
                id=calendar_day_id(branch_row.code if branch_row else None, day),
                branch=branch_row.id if branch_row else None,
                day=day.isoformat(),
                open=kind == "workday",
                kind=kind,
                name=label,
                created_at=now,
            )
            writer.journal(
                "calendar_day.set",
                "calendar_day",
                row.id,
                {"day": row.day, "kind": kind, "name": label, "branch": branch_row.code if branch_row else None},
            )
            entries.append(_entry(row, branch_row.code if branch_row else None))
    return entries


@writes
def import_days(session: Session, text: str, *, branch: str | None = None) -> list[CalendarEntry]:
    """The year's list, one day per line: ``2026-10-01 休 国庆节`` or ``2026-09-28 班 国庆节调休``.

    A range ``2026-10-01..2026-10-07 休 国庆节`` covers each day. Every line is checked
    before any is stored, so a typo stores nothing.
    """
    session.require(Permission.CONFIGURE_CIRCULATION)
    days: list[tuple[dt.date, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 2:
            raise Invalid(
                "circ.calendar_bad_line",
                "Line {n}: write a date, a kind and a name, e.g. 2026-10-01 休 国庆节.",
                n=number,
            )
        first, _dots, last = parts[0].partition("..")
        try:
            start, end, kind = _day(first), _day(last or first), _kind(parts[1])
        except Invalid as error:
            raise Invalid("circ.calendar_line", "Line {n}: {problem}", n=number, problem=error.message) from None
        if end < start or (end - start).days > 60:
            raise Invalid(
                "circ.calendar_bad_range", "Line {n}: the range must run forward and cover at most 60 days.", n=number
            )
        name = parts[2] if len(parts) > 2 else ""
        days.extend((start + dt.timedelta(days=i), kind, name) for i in range((end - start).days + 1))
    if not days:
        raise Invalid("circ.calendar_empty_list", "The list holds no days.")
    return _add_days(session, days, branch)


@writes
def remove_day(session: Session, day: str, *, branch: str | None = None) -> None:
    session.require(Permission.CONFIGURE_CIRCULATION)
    branch_row = get_branch(branch) if branch else None
    row = CalendarDay.get_or_none(
        (CalendarDay.day == _day(day).isoformat())
        & (CalendarDay.branch.is_null() if branch_row is None else CalendarDay.branch == branch_row.id)
    )
    if row is None:
        raise NotFound("circ.calendar_day_not_found", "Nothing is recorded for {day}.", day=day.strip())
    with session.write() as writer:
        row.delete_instance()
        writer.journal("calendar_day.remove", "calendar_day", row.id, {"day": row.day})


def _entry(row: CalendarDay, branch_code: str | None) -> CalendarEntry:
    return CalendarEntry(row.day, branch_code, bool(row.open), row.kind, _(KINDS[row.kind]), row.name)


def list_days(session: Session, year: int, *, branch: str | None = None) -> list[CalendarEntry]:
    """The year's recorded days that apply to ``branch`` (or only those for every branch)."""
    session.require(Permission.CIRCULATE)
    branch_row = get_branch(branch) if branch else None
    where = CalendarDay.day.between(f"{year}-01-01", f"{year}-12-31")
    where &= CalendarDay.branch.is_null() | (CalendarDay.branch == (branch_row.id if branch_row else ""))
    codes = dict(Branch.select(Branch.id, Branch.code).tuples())
    return [
        _entry(row, codes.get(row.branch_id)) for row in CalendarDay.select().where(where).order_by(CalendarDay.day)
    ]
