"""D. Activities (DOMAIN 1.4 item 19): sessions and participants, split as the national return
splits them (讲座 / 展览 / 培训 / other) or by branch.

Counted exactly as the events desk counts them (``ils.events.attendance.day_counts``): a session
counts in the month it starts; attendance by day, the head count where there is one, else the
cards scanned at the door, so an exhibition's visitors fall in the months they came.
"""

from __future__ import annotations

import datetime as dt

from db.models import EventProgramme, EventSession
from ils.events import vocabulary as v
from ils.events.attendance import day_counts
from ils.session import Session
from ils.stats.indicators import FLOW, MONTHS, TOTAL, Counted, family, indicator

D = family("D", "读者活动", "Activities")


def _sessions(year: int) -> list[EventSession]:
    return list(
        EventSession.select(EventSession, EventProgramme)
        .join(EventProgramme)
        .where(EventSession.cancelled_at.is_null(), EventSession.starts_at < f"{year + 1:04d}-01-01")
    )


def _key(s: EventSession, dimension: str) -> str:
    if dimension == "kind":
        return v.RETURN_KIND.get(s.programme.kind, "other")
    if dimension == "branch":
        return s.branch_id
    return TOTAL


def _count_sessions(_session: Session, year: int, dimension: str) -> Counted:
    months: dict[str, list[int]] = {}
    for s in _sessions(year):
        if s.starts_at[:4] == str(year):
            months.setdefault(_key(s, dimension), [0] * MONTHS)[int(s.starts_at[5:7]) - 1] += 1
    return Counted(months)


def _count_programmes(_session: Session, year: int, dimension: str) -> Counted:
    first: dict[str, EventSession] = {}
    for s in _sessions(year):
        if s.starts_at[:4] == str(year) and (
            s.programme_id not in first or s.starts_at < first[s.programme_id].starts_at
        ):
            first[s.programme_id] = s
    months: dict[str, list[int]] = {}
    for s in first.values():
        months.setdefault(_key(s, dimension), [0] * MONTHS)[int(s.starts_at[5:7]) - 1] += 1
    return Counted(months)


def _count_people(_session: Session, year: int, dimension: str) -> Counted:
    rows = {s.id: s for s in _sessions(year)}
    months: dict[str, list[int]] = {}
    if rows:
        for (session_id, day), counted in day_counts(list(rows), dt.date(year, 1, 1), dt.date(year, 12, 31)).items():
            months.setdefault(_key(rows[session_id], dimension), [0] * MONTHS)[int(day[5:7]) - 1] += counted.total
    return Counted(months)


indicator(
    code="event_programmes",
    family=D,
    zh="举办活动项数",
    en="Programmes held",
    unit="times",
    definition_zh="本年有场次开始的活动项目数，系列活动（多场讲座、一个展览）计一项，计入其第一场所在月份。",
    definition_en="Programmes with a session starting in the year; a series (many lectures, one exhibition)"
    " counts once, in the month of its first session.",
    source="event_programme, event_session",
    kind=FLOW,
    dimensions=("kind", "branch"),
    count=_count_programmes,
)

indicator(
    code="event_sessions",
    family=D,
    zh="为读者举办活动次数",
    en="Events held for readers",
    unit="sessions",
    definition_zh="本年开始、未取消的活动场次；系列活动每一场计一次，展览计一次（按开展月份）。",
    definition_en="Sessions that started in the year and were not cancelled; each session of a series"
    " once, an exhibition once (in the month it opened).",
    source="event_session",
    kind=FLOW,
    dimensions=("kind", "branch"),
    count=_count_sessions,
)

indicator(
    code="event_attendance",
    family=D,
    zh="活动参加人次",
    en="Event participants",
    unit="person_times",
    definition_zh="各场活动按日统计的参加人次：有人工点数的用点数，否则用入场扫证人数；跨年展览只计本年各日。",
    definition_en="Participants counted by day: the head count where there is one, else the cards scanned"
    " at the door; an exhibition running across years counts only this year's days.",
    source="event_count, event_scan",
    kind=FLOW,
    dimensions=("kind", "branch"),
    count=_count_people,
)
