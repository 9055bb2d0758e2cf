"""Check-in: each copy of an issue that arrives, by a scan of its cover or a day's papers at once.

A magazine's cover barcode (977 …) names the title; its two-digit add-on names the issue,
which is then checked in exactly; without the add-on the next expected issue is taken (the
latest issue received while copies of it are still due, else the one after). One scan is one
copy. The copy takes the first free place in the subscription's routing, this desk's branch
first, and the desk shows at once where it goes ("送少儿阅览室 1 份"). A copy of an issue
that is not predicted (an extra issue, an irregular title) is accepted with a note. An issue
whose copies are all in is refused.

Newspapers are checked in by day: every paper due at this desk's branch that day, except the
ones named as not arrived.

Each copy is one ``serial_receipt`` row whose id is name-based on the subscription, the issue
and the copy, so the same copy checked in at two desks becomes one row when they meet.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from db.ids import ILS_NAMESPACE
from db.models import SerialReceipt, SerialSubscription, SerialTitle
from ils.errors import Invalid, NotFound
from ils.i18n import _
from ils.library import Writer
from ils.permissions import Permission
from ils.serials.numbers import read_scan
from ils.serials.patterns import CLAIM_AFTER_DAYS, Issue
from ils.serials.subscriptions import expected_issues, slots
from ils.serials.titles import LENDING, find_title, title_of_scan
from ils.session import Session, writes

#: How far ahead of its date an issue may arrive and still be taken as the next expected one.
EARLY_DAYS = {frequency: days // 2 + 1 for frequency, days in CLAIM_AFTER_DAYS.items()}


@dataclass(frozen=True)
class CheckedIn:
    receipt_id: str
    title: str
    kind: str
    year: int
    number: int
    issue_label: str
    copy: int
    copies: int
    received: int
    destination: str | None
    routing_text: str
    lending_label: str
    unexpected: bool
    claims_answered: int


def receipt_id(subscription_id: str, number: int, copy: int) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"serial_receipt:{subscription_id}:{number}:{copy}"))


def routing_text(place: str | None, copies: int = 1) -> str:
    if not place:
        return _("Keep here: {copies}").format(copies=copies)
    return _("Send {copies} to {place}").format(copies=copies, place=place)


def _rows(sql: str, *params) -> list[tuple]:
    return SerialReceipt._meta.database.execute_sql(sql, params).fetchall()


def received_copies(subscription_id: str, number: int) -> set[int]:
    return {
        r[0]
        for r in _rows(
            "SELECT copy FROM serial_receipt WHERE subscription_id = ? AND number = ?", subscription_id, number
        )
    }


def desk_locations(session: Session) -> set[str]:
    return {r[0] for r in _rows("SELECT id FROM location WHERE branch_id = ?", session.library.node.branch_id)}


def own_slots(session: Session, sub: SerialSubscription, here: set[str] | None = None) -> list[tuple[int, str | None]]:
    """The copies this desk receives: those routed to its branch (or routed nowhere named)."""
    here = desk_locations(session) if here is None else here
    return [s for s in slots(sub) if s[1] is None or s[1] in here]


def _free_slot(session: Session, sub: SerialSubscription, number: int) -> tuple[int, str | None] | None:
    taken = received_copies(sub.id, number)
    free = [s for s in slots(sub) if s[0] not in taken]
    here = desk_locations(session)
    mine = [s for s in free if s[1] is None or s[1] in here]
    chosen = mine or free
    return chosen[0] if chosen else None


def _subscriptions(title: SerialTitle, year: int) -> list[SerialSubscription]:
    return list(
        SerialSubscription.select()
        .where(
            SerialSubscription.title == title.id,
            SerialSubscription.year.in_([year, year - 1]),
            SerialSubscription.state == "active",
        )
        .order_by(SerialSubscription.year.desc())
    )


def _full(sub: SerialSubscription, number: int) -> bool:
    """Every copy of the issue is in (the copies a subscription takes, at every desk)."""
    return len(received_copies(sub.id, number)) >= sub.copies


def _which_issue(title: SerialTitle, number: int | None, today: dt.date) -> tuple[SerialSubscription, Issue, bool]:
    subs = _subscriptions(title, today.year)
    if not subs:
        raise NotFound(
            "serials.no_subscription", "{title} has no subscription for {year}.", title=title.title, year=today.year
        )
    early = dt.timedelta(days=EARLY_DAYS[title.frequency])
    if number is not None:
        # The most recent issue with this number that is out by now: in January, No. 12 is
        # last December's; the same number a year older is never taken for a copy too many.
        dated = [
            (sub, issue)
            for sub in subs
            for issue in expected_issues(sub, title)
            if issue.number == number and issue.date <= today + early
        ]
        if dated:
            sub, issue = max(dated, key=lambda pair: pair[1].date)
            if _full(sub, number):
                raise _all_in(title, sub, issue)
            return sub, issue, False
        sub = subs[0]
        if _full(sub, number):
            raise _all_in(title, sub, Issue(sub.year, number, today, sub.volume))
        return sub, Issue(sub.year, number, today, sub.volume, expected=False), True
    sub = next((s for s in subs if s.year == today.year), subs[0])
    issues = expected_issues(sub, title)
    if not issues:
        raise Invalid(
            "serials.say_the_issue",
            "{title} has no predicted issues: scan the add-on or type the issue number.",
            title=title.title,
        )
    numbers = [
        row.number for row in SerialReceipt.select(SerialReceipt.number).where(SerialReceipt.subscription == sub.id)
    ]
    latest = max(numbers, default=None)
    if latest is not None and not _full(sub, latest):
        found = next((i for i in issues if i.number == latest), None)
        if found is not None:
            return sub, found, False
    upcoming = [i for i in issues if latest is None or i.number > latest]
    if not upcoming or upcoming[0].date > today + early:
        when = upcoming[0].date.isoformat() if upcoming else None
        raise Invalid(
            "serials.next_not_due",
            "Every copy of the latest issue of {title} is in; the next is due on "
            "{date}. Scan the add-on or type the issue number for another issue.",
            title=title.title,
            date=when or "—",
        )
    return sub, upcoming[0], False


def _all_in(title: SerialTitle, sub: SerialSubscription, issue: Issue) -> Invalid:
    return Invalid(
        "serials.already_checked_in",
        "All {copies} copies of {title} {issue} are already checked in.",
        copies=sub.copies,
        title=title.title,
        issue=issue.label(title.kind),
    )


_INSERT_RECEIPT = (
    "INSERT INTO serial_receipt (id, subscription_id, number, copy, issue_date, volume, total, location_id,"
    " received_at, received_by, branch_id, via, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def record_receipt(
    writer: Writer,
    session: Session,
    sub: SerialSubscription,
    issue: Issue,
    slot: tuple[int, str | None],
    *,
    via: str,
    note: str | None = None,
) -> tuple[str, int]:
    """Insert one copy's receipt; close the claims it answers. Returns (receipt id, claims closed)."""
    copy, location_id = slot
    rid = receipt_id(sub.id, issue.number, copy)
    now = session.library.now_text()
    SerialReceipt._meta.database.execute_sql(
        _INSERT_RECEIPT,
        (
            rid,
            sub.id,
            issue.number,
            copy,
            issue.date.isoformat(),
            issue.volume,
            issue.total,
            location_id,
            now,
            session.staff.id,
            session.library.node.branch_id,
            via,
            note,
        ),
    )
    writer.journal(
        "serials.check_in",
        "serial_receipt",
        rid,
        {
            "subscription_id": sub.id,
            "number": issue.number,
            "copy": copy,
            "location_id": location_id,
            "via": via,
            "unexpected": not issue.expected,
        },
    )
    closed = 0
    if _full(sub, issue.number):
        closed = SerialReceipt._meta.database.execute_sql(
            "UPDATE serial_claim SET closed_at = ?, closed_as = 'received' WHERE subscription_id = ? AND number = ?"
            " AND closed_at IS NULL",
            (now, sub.id, issue.number),
        ).rowcount
    return rid, closed


def _place(location_id: str | None) -> str | None:
    if location_id is None:
        return None
    found = _rows("SELECT name FROM location WHERE id = ?", location_id)
    return found[0][0] if found else None


@writes
def check_in_scan(session: Session, code: str, *, day: dt.date | None = None) -> CheckedIn:
    """Check in one copy of the issue a cover scan (or a typed ISSN, CN number or post code with an
    optional issue number) names."""
    session.require(Permission.SERIALS)
    scan = read_scan(code)
    title = title_of_scan(scan)
    if title is None:
        raise NotFound(
            "serials.unknown_periodical", "{code} is not a periodical this library takes.", code=code.strip()
        )
    return _check_in(session, title, scan.number, day or session.now().date(), via="scan")


@writes
def check_in(session: Session, title: str, number: int | None = None, *, day: dt.date | None = None) -> CheckedIn:
    """Check in one copy of a title named by the desk (title, ISSN, CN number, post code)."""
    session.require(Permission.SERIALS)
    if number is not None and number < 1:
        raise Invalid("serials.bad_add_on", "The add-on {add_on} is not an issue number.", add_on=number)
    return _check_in(session, find_title(title), number, day or session.now().date(), via="manual")


def _check_in(session: Session, title: SerialTitle, number: int | None, today: dt.date, *, via: str) -> CheckedIn:
    sub, issue, unexpected = _which_issue(title, number, today)
    slot = _free_slot(session, sub, issue.number)
    if slot is None:
        raise _all_in(title, sub, issue)
    with session.write() as writer:
        rid, closed = record_receipt(
            writer, session, sub, issue, slot, via=via, note="unexpected" if unexpected else None
        )
    place = _place(slot[1])
    return CheckedIn(
        rid,
        title.title,
        title.kind,
        sub.year,
        issue.number,
        issue.label(title.kind),
        slot[0],
        sub.copies,
        len(received_copies(sub.id, issue.number)),
        place,
        routing_text(place),
        _(LENDING[title.lending]),
        unexpected,
        closed,
    )


@dataclass(frozen=True)
class DayLine:
    title: str
    issue_label: str
    copies: int
    routing: tuple[str, ...]


@dataclass(frozen=True)
class DayCheckIn:
    day: str
    received: tuple[DayLine, ...]
    missing: tuple[DayLine, ...]
    already: int


def _papers_on(day: dt.date) -> list[tuple[SerialSubscription, Issue]]:
    subs = (
        SerialSubscription.select(SerialSubscription, SerialTitle)
        .join(SerialTitle)
        .where(
            SerialSubscription.year == day.year, SerialSubscription.state == "active", SerialTitle.kind == "newspaper"
        )
        .order_by(SerialTitle.title)
    )
    found = []
    for sub in subs:
        issue = next((i for i in expected_issues(sub) if i.date == day), None)
        if issue is not None:
            found.append((sub, issue))
    return found


@writes
def check_in_day(session: Session, day: dt.date | None = None, *, missing: Sequence[str] = ()) -> DayCheckIn:
    """Today's papers: every copy due at this desk's branch is checked in, except the titles named
    in ``missing`` (title, ISSN, CN number or post code), which are listed as not arrived."""
    session.require(Permission.SERIALS)
    day = day or session.now().date()
    papers = list(_papers_on(day))
    absent = {find_title(code).id for code in missing}
    # A name typed as missing that has no issue today is a slip (a paper that does not come out
    # on Sundays, a magazine): saying nothing would check in everything as if all had come.
    if stray := sorted(absent - {sub.title.id for sub, _issue in papers}):
        raise Invalid(
            "serials.not_due_today",
            "{title} has no issue due on {day}: nothing was checked in. Name only the papers due that day.",
            title=SerialTitle.get_by_id(stray[0]).title,
            day=day.isoformat(),
        )
    received, not_come = [], []
    already = 0
    here = desk_locations(session)
    with session.write() as writer:
        for sub, issue in papers:
            title = sub.title
            taken = received_copies(sub.id, issue.number)
            mine = own_slots(session, sub, here)
            due = [s for s in mine if s[0] not in taken]
            already += len(mine) - len(due)
            if not due:
                continue
            places = tuple(routing_text(_place(s[1])) for s in due)
            line = DayLine(title.title, issue.label(title.kind), len(due), places)
            if title.id in absent:
                not_come.append(line)
                continue
            for slot in due:
                record_receipt(writer, session, sub, issue, slot, via="day")
            received.append(line)
    return DayCheckIn(day.isoformat(), tuple(received), tuple(not_come), already)


@dataclass(frozen=True)
class TodayLine:
    title: str
    kind: str
    issue_label: str
    copies: int
    received: int


def expected_on(session: Session, day: dt.date | None = None) -> list[TodayLine]:
    """The issues dated ``day`` and how many of this desk's copies of each are in."""
    session.require(Permission.SERIALS)
    day = day or session.now().date()
    subs = (
        SerialSubscription.select(SerialSubscription, SerialTitle)
        .join(SerialTitle)
        .where(SerialSubscription.year == day.year, SerialSubscription.state == "active")
        .order_by(SerialTitle.kind.desc(), SerialTitle.title)
    )
    lines = []
    for sub in subs:
        issue = next((i for i in expected_issues(sub) if i.date == day), None)
        if issue is None:
            continue
        mine = own_slots(session, sub)
        taken = received_copies(sub.id, issue.number)
        lines.append(
            TodayLine(
                sub.title.title,
                sub.title.kind,
                issue.label(sub.title.kind),
                len(mine),
                sum(1 for s in mine if s[0] in taken),
            )
        )
    return lines


@dataclass(frozen=True)
class ReceivedLine:
    title: str
    issue_label: str
    copy: int
    place: str | None
    received_at: str
    note: str | None


def received_on(session: Session, day: dt.date | None = None) -> list[ReceivedLine]:
    """What this desk's branch checked in on ``day``, newest first."""
    session.require(Permission.SERIALS)
    day = day or session.now().date()
    rows = (
        SerialReceipt.select(SerialReceipt, SerialSubscription, SerialTitle)
        .join(SerialSubscription)
        .join(SerialTitle)
        .where(
            SerialReceipt.received_at.startswith(day.isoformat()),
            SerialReceipt.branch == session.library.node.branch_id,
        )
        .order_by(SerialReceipt.received_at.desc(), SerialTitle.title)
    )
    out = []
    for row in rows:
        title = row.subscription.title
        issue = Issue(row.subscription.year, row.number, dt.date.fromisoformat(row.issue_date), row.volume, row.total)
        out.append(
            ReceivedLine(
                title.title, issue.label(title.kind), row.copy, _place(row.location_id), row.received_at, row.note
            )
        )
    return out
