"""The figures of a period (a year, a month) counted from what was recorded: programmes,
sessions and attendance by type and target group and as the national return asks (讲座 /
展览 / 培训), visits (gate counters plus manual tallies), room use, online reach, digital
services, enquiries, training and volunteers; and the evaluation's 4-year window with its
averages.

Nothing here is typed as a total: each figure is a sum over rows, so the statistics (issue
20) and the annual report can count the same rows the same way. Attendance is counted by
day (an exhibition that runs into the next year counts each day in its own year); a session
counts in the period it starts in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from peewee import fn

from db.models import (
    BlindVisit,
    Branch,
    DigitalUse,
    Enquiry,
    EventHonour,
    EventMedia,
    EventProgramme,
    EventReach,
    EventSession,
    EventTraining,
    EventVolunteer,
    GateCount,
    GateSite,
    VisitTally,
)
from ils.errors import Invalid
from ils.events import vocabulary as v
from ils.events.attendance import day_counts
from ils.events.inputs import branch_of
from ils.i18n import _
from ils.permissions import Permission
from ils.session import Session

WINDOW_YEARS = 4


@dataclass(frozen=True)
class Line:
    """One row of a table of figures: a code, its label, and its numbers."""

    code: str
    label: str
    count: int  # programmes, sessions, items … (what the table counts)
    people: int  # attendance, visits, hours … (what it adds up)


@dataclass(frozen=True)
class Figures:
    first: str
    last: str
    branch: str | None
    programmes: int
    sessions: int
    attendance: int
    adults: int  # where the organiser split the count
    children: int
    by_kind: tuple[Line, ...]  # count: sessions, people: attendance
    national_return: tuple[Line, ...]  # lecture, exhibition, training, other
    by_audience: tuple[Line, ...]
    reading_for_all: Line
    online_items: int
    online_views: int
    online_clicks: int
    online_pushes: int
    gate_visits: int
    tallied_visits: int
    visits_by_site: tuple[Line, ...]  # count: days counted, people: visits
    visits_by_month: tuple[Line, ...]
    rooms: tuple[Line, ...]  # count: sessions (e-reading) , people: visits
    digital: tuple[Line, ...]  # by measure; people: the sum
    enquiries: int
    enquiries_by_channel: tuple[Line, ...]
    enquiries_by_kind: tuple[Line, ...]
    branch_training: Line  # count: sessions, people: attendees; hours below
    branch_training_hours: float
    staff_training: Line
    staff_training_hours: float
    volunteer_people: int  # person-times
    volunteer_hours: float
    media_reports: int
    honours: int

    @property
    def visits(self) -> int:
        """到馆人次: gate counters' entries plus the manual tallies of sites without one."""
        return self.gate_visits + self.tallied_visits


def _between(column, first: dt.date, last: dt.date):
    return column.between(first.isoformat(), last.isoformat())


def _lines(counts: dict[str, tuple[int, int]], labels: dict[str, str], every: bool = False) -> tuple[Line, ...]:
    codes = list(labels) if every else [c for c in labels if c in counts]
    codes += [c for c in counts if c not in labels]
    return tuple(Line(c, v.label(labels, c), *counts.get(c, (0, 0))) for c in codes)


def _add(into: dict[str, tuple[int, int]], code: str, count: int, people: int) -> None:
    a, b = into.get(code, (0, 0))
    into[code] = (a + count, b + people)


def figures(session: Session, first: dt.date, last: dt.date, *, branch: str | None = None) -> Figures:
    """The figures from ``first`` to ``last`` (both included), for one branch or the library."""
    if not session.may(Permission.VIEW_STATISTICS):
        session.require(Permission.RECORD_EVENTS)
    if last < first:
        raise Invalid("events.bad_period", "The period ends before it starts.")
    branch_id = branch_of(session, branch).id if branch else None

    # Programmes, sessions and attendance.
    sessions = (
        EventSession.select(EventSession, EventProgramme)
        .join(EventProgramme)
        .where(EventSession.cancelled_at.is_null())
    )
    if branch_id:
        sessions = sessions.where(EventSession.branch == branch_id)
    rows = list(sessions)
    counted = day_counts([s.id for s in rows], first, last) if rows else {}
    people_of: Counter[str] = Counter()
    adults = children = 0
    for (session_id, _day), day in counted.items():
        people_of[session_id] += day.total
        adults += day.adults or 0
        children += day.children or 0
    by_kind: dict[str, tuple[int, int]] = {}
    by_return: dict[str, tuple[int, int]] = {}
    by_audience: dict[str, tuple[int, int]] = {}
    reading = (0, 0)
    programmes: set[str] = set()
    started = 0
    for s in rows:
        starts_in = first.isoformat() <= s.starts_at[:10] <= last.isoformat()
        people = people_of[s.id]
        if not starts_in and not people:
            continue
        p = s.programme
        n = 1 if starts_in else 0
        started += n
        if starts_in:
            programmes.add(p.id)
        _add(by_kind, p.kind, n, people)
        _add(by_return, v.RETURN_KIND.get(p.kind, "other"), n, people)
        _add(by_audience, p.audience, n, people)
        if p.reading_for_all:
            reading = (reading[0] + n, reading[1] + people)

    # Online reach.
    reach = EventReach.select(
        fn.COUNT(EventReach.id),
        fn.COALESCE(fn.SUM(EventReach.views), 0),
        fn.COALESCE(fn.SUM(EventReach.clicks), 0),
        fn.COALESCE(fn.SUM(EventReach.pushes), 0),
    ).where(_between(EventReach.published_on, first, last))
    items, views, clicks, pushes = reach.tuples().first() or (0, 0, 0, 0)

    # Visits: gate counters and tallies.
    by_site: dict[str, tuple[int, int]] = {}
    site_labels: dict[str, str] = {}
    by_month: dict[str, tuple[int, int]] = {}
    gate = (
        GateCount.select(GateSite.code, GateSite.name, GateCount.day, fn.SUM(GateCount.entries))
        .join(GateSite)
        .where(_between(GateCount.day, first, last))
        .group_by(GateSite.code, GateCount.day)
    )
    if branch_id:
        gate = gate.where(GateSite.branch == branch_id)
    gate_visits = 0
    for code, name, day, entries in gate.tuples():
        gate_visits += entries
        site_labels[f"gate:{code}"] = name
        _add(by_site, f"gate:{code}", 1, entries)
        _add(by_month, day[:7], 1, entries)
    tallies = VisitTally.select().where(_between(VisitTally.day, first, last))
    if branch_id:
        tallies = tallies.where(VisitTally.branch == branch_id)
    tallied = 0
    rooms: dict[str, tuple[int, int]] = {}
    names = {b.id: b for b in Branch.select()}
    for t in tallies:
        if t.site_kind == "room":
            _add(rooms, t.site_code, t.count if t.measure == "sessions" else 0, t.count if t.measure == "visits" else 0)
            continue
        tallied += t.count
        site = f"{t.site_kind}:{t.site_code}"
        site_labels[site] = names[t.branch_id].name if t.site_kind == "branch" else t.site_code
        _add(by_site, site, 1, t.count)
        _add(by_month, t.day[:7], 1, t.count)
    blind = BlindVisit.select(fn.COALESCE(fn.SUM(BlindVisit.visits), 0)).where(_between(BlindVisit.day, first, last))
    if branch_id:
        blind = blind.where(BlindVisit.branch == branch_id)
    if blind_visits := blind.scalar():
        _add(rooms, "blind", 0, blind_visits)

    # Digital services.
    # A month's figure adds up, except followers: a level, so the period's is its last month's.
    digital: dict[str, tuple[int, int]] = {}
    latest: dict[tuple[str, str], tuple[str, int]] = {}
    for month, platform, measure, value in (
        DigitalUse.select(DigitalUse.month, DigitalUse.platform, DigitalUse.measure, DigitalUse.value)
        .where(DigitalUse.month.between(first.isoformat()[:7], last.isoformat()[:7]))
        .tuples()
    ):
        if measure in v.LEVEL_MEASURES:
            if (platform, measure) not in latest or latest[(platform, measure)][0] < month:
                latest[(platform, measure)] = (month, value)
        else:
            _add(digital, measure, 1, value)
    for (_platform, measure), (_month, value) in latest.items():
        _add(digital, measure, 1, value)

    # Enquiries.
    enquiries = Enquiry.select(Enquiry.channel, Enquiry.kind).where(_between(Enquiry.day, first, last))
    if branch_id:
        enquiries = enquiries.where(Enquiry.branch == branch_id)
    by_channel: dict[str, tuple[int, int]] = {}
    by_enquiry: dict[str, tuple[int, int]] = {}
    total_enquiries = 0
    for channel, kind in enquiries.tuples():
        total_enquiries += 1
        _add(by_channel, channel, 1, 1)
        _add(by_enquiry, kind, 1, 1)

    # Training and volunteers.
    training: dict[str, tuple[int, int, int]] = {}
    query = EventTraining.select().where(_between(EventTraining.day, first, last))
    if branch_id:
        query = query.where((EventTraining.branch == branch_id) | EventTraining.branch.is_null())
    for t in query:
        n, people, minutes = training.get(t.audience, (0, 0, 0))
        training[t.audience] = (n + 1, people + t.attendees, minutes + t.minutes)
    branch_staff = training.get("branch_staff", (0, 0, 0))
    own_staff = training.get("own_staff", (0, 0, 0))
    people, minutes = (
        EventVolunteer.select(
            fn.COALESCE(fn.SUM(EventVolunteer.people), 0),
            fn.COALESCE(fn.SUM(EventVolunteer.people * EventVolunteer.minutes), 0),
        )
        .where(_between(EventVolunteer.day, first, last))
        .tuples()
        .first()
    )

    site_names = {code: label for code, label in site_labels.items()}
    month_names = {
        f"{first.year + (first.month - 1 + n) // 12}-{(first.month - 1 + n) % 12 + 1:02d}": ""
        for n in range((last.year - first.year) * 12 + last.month - first.month + 1)
    }
    return Figures(
        first=first.isoformat(),
        last=last.isoformat(),
        branch=branch,
        programmes=len(programmes),
        sessions=started,
        attendance=sum(people_of.values()),
        adults=adults,
        children=children,
        by_kind=_lines(by_kind, v.PROGRAMME_KINDS),
        national_return=_lines(by_return, v.RETURN_LABELS, every=True),
        by_audience=_lines(by_audience, v.AUDIENCES),
        reading_for_all=Line("reading_for_all", "", *reading),
        online_items=items,
        online_views=views,
        online_clicks=clicks,
        online_pushes=pushes,
        gate_visits=gate_visits,
        tallied_visits=tallied,
        visits_by_site=tuple(Line(c, site_names[c], *by_site[c]) for c in sorted(by_site)),
        visits_by_month=tuple(Line(m, m, *by_month.get(m, (0, 0))) for m in month_names),
        rooms=_lines(rooms, v.FIGURE_ROOMS),
        digital=_lines(digital, v.DIGITAL_MEASURES),
        enquiries=total_enquiries,
        enquiries_by_channel=_lines(by_channel, v.ENQUIRY_CHANNELS),
        enquiries_by_kind=_lines(by_enquiry, v.ENQUIRY_KINDS),
        branch_training=Line("branch_staff", "", branch_staff[0], branch_staff[1]),
        branch_training_hours=round(branch_staff[2] / 60, 1),
        staff_training=Line("own_staff", "", own_staff[0], own_staff[1]),
        staff_training_hours=round(own_staff[2] / 60, 1),
        volunteer_people=people,
        volunteer_hours=round(minutes / 60, 1),
        media_reports=EventMedia.select().where(_between(EventMedia.reported_on, first, last)).count(),
        honours=EventHonour.select().where(_between(EventHonour.awarded_on, first, last)).count(),
    )


def summary_lines(f: Figures) -> list[str]:
    """The figures as the desk and the command line show them, in the current language."""
    digital = {line.code: line.people for line in f.digital}
    return [
        _("{first} to {last}").format(first=f.first, last=f.last),
        _("Programmes {programmes}, sessions {sessions}, participants {people}").format(
            programmes=f.programmes, sessions=f.sessions, people=f.attendance
        ),
        *(
            "  "
            + _("{label}: {sessions} sessions, {people} participants").format(
                label=line.label, sessions=line.count, people=line.people
            )
            for line in f.national_return
        ),
        _("Visits {visits} (gate {gate}, tallies {tallied})").format(
            visits=f.visits, gate=f.gate_visits, tallied=f.tallied_visits
        ),
        _("Online: {items} items, {views} views, {clicks} clicks").format(
            items=f.online_items, views=f.online_views, clicks=f.online_clicks
        ),
        _("E-resource clicks {clicks}, booklists pushed {booklists}").format(
            clicks=digital.get("clicks", 0), booklists=digital.get("booklists", 0)
        ),
        _("Enquiries {count}").format(count=f.enquiries),
        _("Training for branch staff: {count} sessions, {hours} hours").format(
            count=f.branch_training.count, hours=f.branch_training_hours
        ),
        _("Volunteers: {people} person-times, {hours} hours").format(
            people=f.volunteer_people, hours=f.volunteer_hours
        ),
        _("Media reports {media}, honours {honours}").format(media=f.media_reports, honours=f.honours),
    ]


def year_figures(session: Session, year: int, *, branch: str | None = None) -> Figures:
    return figures(session, dt.date(year, 1, 1), dt.date(year, 12, 31), branch=branch)


@dataclass(frozen=True)
class WindowRow:
    code: str
    values: tuple[int, ...]
    average: float


@dataclass(frozen=True)
class Window:
    """The evaluation's window: each indicator for 4 years and its yearly average."""

    years: tuple[int, ...]
    rows: tuple[WindowRow, ...]


#: The indicators of the window, in the order the evaluation lists them.
WINDOW_INDICATORS = (
    "programmes",
    "sessions",
    "attendance",
    "visits",
    "online_clicks",
    "enquiries",
    "branch_training",
    "volunteer_hours",
    "media_reports",
)


def _indicator(f: Figures, code: str) -> int:
    if code == "branch_training":
        return f.branch_training.count
    if code == "volunteer_hours":
        return round(f.volunteer_hours)
    return int(getattr(f, code))


def window(session: Session, last_year: int, *, branch: str | None = None) -> Window:
    years = tuple(range(last_year - WINDOW_YEARS + 1, last_year + 1))
    each = [year_figures(session, y, branch=branch) for y in years]
    rows = []
    for code in WINDOW_INDICATORS:
        values = tuple(_indicator(f, code) for f in each)
        rows.append(WindowRow(code, values, round(sum(values) / len(values), 1)))
    return Window(years, tuple(rows))
