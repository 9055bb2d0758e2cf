"""Circulation for the demo and the scale generator: years of returned loans loaded in bulk,
then today's desk made through the real services.

``add_loan_history`` is the documented bulk-load mode. A county library lends about 560,000
copies a year and the scale benchmark needs 3,000,000 returned loans: one service call per
checkout and per return would take hours. So the history is written in big transactions
(``LOAD_BATCH`` loans each, ``executemany``), and the journal gets ONE ``loan.load`` row per
loan carrying what a checkout journals (never the reader: no id, no card) plus how the loan
ended, and a ``loan.load_renewal`` row per renewal (a renewal is a row of its own, as the
desk's ``loan.renew`` makes it). Rows are left as the desk and the privacy job would have
left them: the reader type, age band and home branch snapshot on every loan, and the loans
that ended longer ago than the retention period (``readers.loan_history_days``) already cut
from their reader. The journal rows are stamped with the time of the load; each carries the
loan's own times in its data.

The history has the shape a librarian expects: more loans at weekends and in the winter and
summer school holidays, a dip over the Spring Festival, branches lending in proportion to
their stock, readers borrowing as often as their (long-tailed) habits say, popular titles
out again and again while many copies never leave the shelf, a copy lent to one reader at a
time and never before it was bought. About one loan in eight is renewed, a few come back late.

``add_current_circulation`` then makes today's state with the real services (checkout,
renew, return at another branch, hold, receive, a rotation batch), each at its moment in the
past weeks with the library's clock set back, so what the desk shows was made by its rules.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, islice
from typing import Any

from peewee import JOIN, fn

from db import journal
from db.ids import new_id
from db.models import Branch, Hold, Item, Loan, Location, Reader, ReaderCard, ReaderType, ServicePoint, Transit
from ils.circulation import rotation
from ils.circulation.calendar import MAX_ROLL_DAYS, Calendar
from ils.circulation.holds import place_hold
from ils.circulation.loans import checkout, renew, return_item
from ils.circulation.rules import Rule, RuleBook
from ils.circulation.transit import receive
from ils.demo.readers import _at
from ils.demo.shares import spread
from ils.errors import IlsError
from ils.permissions import Permission
from ils.readers.ages import age_band
from ils.readers.settings import reader_settings
from ils.session import Session

LOAD_BATCH = 20_000  # loans per write transaction in the bulk load
LOAD_ACTION = "loan.load"
RENEWAL_LOAD_ACTION = "loan.load_renewal"
DEMO_YEARS = 3
DEMO_LOANS_PER_YEAR = 1_000
DEMO_OPEN_LOANS = 200
ROTATION_COPIES = 40
DEMO_ROTATED = 500  # the demo's last year of rotation: two batches
ROTATED_PER_YEAR = 9_500  # the 2021 annual report: 截至年底共流转图书9500余册
ROTATION_BATCH = 250  # copies in one batch of the past year's rotation

# Lunar New Year's Day (正月初一): the Spring Festival dip, and the winter holidays around it.
SPRING_FESTIVAL = {
    year: dt.date(year, month, day)
    for year, month, day in (
        (2015, 2, 19),
        (2016, 2, 8),
        (2017, 1, 28),
        (2018, 2, 16),
        (2019, 2, 5),
        (2020, 1, 25),
        (2021, 2, 12),
        (2022, 2, 1),
        (2023, 1, 22),
        (2024, 2, 10),
        (2025, 1, 29),
        (2026, 2, 17),
        (2027, 2, 6),
        (2028, 1, 26),
        (2029, 2, 13),
        (2030, 2, 3),
    )
}
WEEKDAY_SHARE = (0.85, 0.9, 0.9, 0.9, 1.0, 1.45, 1.4)  # Monday to Sunday: families come at weekends
# Loans per opening hour, 9:00 to 19:00: after school on weekdays, all day at weekends.
_HOURS = range(9, 20)
_WEEKDAY_HOURS = (0.8, 1.0, 0.9, 0.5, 0.6, 0.9, 1.1, 1.5, 1.3, 0.7, 0.4)
_WEEKEND_HOURS = (1.0, 1.4, 1.2, 0.7, 0.8, 1.3, 1.4, 1.3, 0.9, 0.5, 0.3)
RENEWED = 0.12  # share of loans renewed once
LATE = 0.06  # share of loans returned after their due date
_READ = 0.6  # a reader on time brings a copy back after about this share of the period
NEVER_LENT = 0.4  # share of titles nobody borrows
POPULARITY = 2.0  # Pareto shape of how often the others are borrowed: a long tail, a few favourites
AT_HOME_BRANCH = 0.8  # loans made to readers of the lending branch
RETURNED_HERE = 0.92  # returns at the lending branch; the others elsewhere (通借通还)
READER_HABIT = {"group": 4.0, "child": 1.3, "temporary": 0.4}  # loans per reader, against an adult's
AUDIO_TYPES = ("audiobook", "listening_device")  # lent from the blind reading room
AUDIO = "audio"  # the stock pool of audio copies
_TRIES = 20
_DRAWN = 256


def day_weight(day: dt.date) -> float:
    """How busy the desks are on ``day``, against an ordinary Tuesday in term time."""
    weight = WEEKDAY_SHARE[day.weekday()]
    festival = SPRING_FESTIVAL.get(day.year)
    if festival is not None:
        offset = (day - festival).days
        if -1 <= offset <= 6:  # New Year's Eve to the seventh day: families at home, short hours
            return weight * 0.25
        if -21 <= offset <= 20:
            weight *= 1.35  # winter holidays
    if (7, 5) <= (day.month, day.day) <= (8, 31):
        weight *= 1.5  # summer holidays
    elif day.month == 10 and day.day <= 7:
        weight *= 1.2  # National Day week
    return weight


def _ordinal(text: str) -> int:
    return dt.date.fromisoformat(text[:10]).toordinal()


def _date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


class _Pool:
    """Members drawn by weight (all alike when every weight is 0), a few hundred at a time:
    millions of draws one by one would spend their time inside ``random.choices`` itself."""

    def __init__(self, members: Iterable[Any], weights: Iterable[float]) -> None:
        self.members = list(members)
        self.cumulative = list(accumulate(weights))
        self.drawn: list[Any] = []

    def draw(self, rng: random.Random) -> Any:
        if not self.drawn:
            weighted = self.cumulative[-1] > 0
            self.drawn = rng.choices(self.members, cum_weights=self.cumulative if weighted else None, k=_DRAWN)
        return self.drawn.pop()

    def any(self, rng: random.Random) -> Any:
        return rng.choice(self.members)


class _Hours:
    """The second of the day a desk does something: busiest after school, all day at weekends."""

    def __init__(self) -> None:
        self.weekday, self.weekend = _Pool(_HOURS, _WEEKDAY_HOURS), _Pool(_HOURS, _WEEKEND_HOURS)

    def second(self, rng: random.Random, day: int) -> int:
        hours = self.weekend if (day - 1) % 7 >= 5 else self.weekday  # ordinal 1 was a Monday
        return hours.draw(rng) * 3600 + rng.randrange(3600)


# --- who borrows, what they borrow, where ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reader:
    id: str
    card: str
    type: str
    branch_id: str
    born: int | None  # date ordinal
    since: int  # registered on (date ordinal)
    active: bool  # may borrow today: card in use and not expired, reader not gone
    blind: bool


class _Readers:
    """Readers with how often each borrows: a long tail, a few very keen ones, groups most of all."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        blind = {
            code for (code,) in ReaderType.select(ReaderType.code).where(ReaderType.blind_service == True).tuples()
        }  # noqa: E712
        query = (
            Reader.select(
                Reader.id,
                Reader.card_number,
                Reader.reader_type,
                Reader.branch,
                Reader.birth_date,
                Reader.created_at,
                Reader.cancelled_at,
                Reader.expires_on,
                ReaderCard.state,
            )
            .join(ReaderCard, on=ReaderCard.card_number == Reader.card_number)
            .where(Reader.anonymised_at.is_null())
            .order_by(Reader.created_at)
            .tuples()
        )
        day = today.isoformat()
        self.all: list[_Reader] = []
        weights: list[float] = []
        by_branch: dict[str, list[int]] = {}
        for reader_id, card, kind, branch, born, created, cancelled, expires, state in query:
            active = state == "active" and cancelled is None and (expires is None or expires >= day)
            by_branch.setdefault(branch, []).append(len(self.all))
            self.all.append(
                _Reader(
                    reader_id,
                    card,
                    kind,
                    branch,
                    _ordinal(born) if born else None,
                    _ordinal(created),
                    active,
                    kind in blind,
                )
            )
            weights.append(rng.lognormvariate(0, 1) * READER_HABIT.get(kind, 1.0))
        self.everyone = _Pool(self.all, weights)
        self.by_branch = {
            branch: _Pool((self.all[n] for n in ns), (weights[n] for n in ns)) for branch, ns in by_branch.items()
        }

    def pick(self, rng: random.Random, branch_id: str, day: int, *, linked: bool) -> _Reader | None:
        """A reader at the branch's desk on ``day`` (mostly one of its own), born by then; for a loan
        that will still be linked to its reader, one registered by then who may borrow today."""
        if not self.all:
            return None
        for _ in range(_TRIES):
            pool = self.by_branch.get(branch_id) if rng.random() < AT_HOME_BRANCH else None
            reader = (pool or self.everyone).draw(rng)
            if reader.born is not None and reader.born > day:
                continue
            if linked and (reader.since > day or not reader.active):
                continue
            return reader
        return None


class _Points:
    """The service point a loan is made at: the room's own desk (少儿阅览室, 盲人阅览室) when it
    has one, else the branch's lending desk: the one named like its biggest lending room, or its first."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        by_code: dict[str, str] = {}
        self.first: dict[str, str] = {}
        for point_id, code, branch_id in (
            ServicePoint.select(ServicePoint.id, ServicePoint.code, ServicePoint.branch)
            .where(
                ServicePoint.active == True,  # noqa: E712
                ServicePoint.route.is_null(),
            )
            .order_by(ServicePoint.code)
            .tuples()
        ):
            self.codes[point_id] = code
            by_code[code] = point_id
            self.first.setdefault(branch_id, point_id)
        self.rooms = {
            location_id: by_code[code]
            for location_id, code in Location.select(Location.id, Location.code).tuples()
            if code in by_code
        }
        biggest = (
            Location.select(Location.branch, Location.code)
            .join(Item)
            .where(Location.loanable == True)
            .group_by(Location.id)  # noqa: E712
            .order_by(Location.branch, fn.COUNT(Item.id))
            .tuples()
        )
        self.main = {branch_id: by_code[code] for branch_id, code in biggest if code in by_code}

    def desk(self, branch_id: str, location_id: str | None = None) -> str | None:
        """The point's id: the room's, else the branch's lending desk."""
        return self.rooms.get(location_id) or self.main.get(branch_id) or self.first.get(branch_id)

    def code(self, branch_id: str) -> str | None:
        point_id = self.desk(branch_id)
        return self.codes[point_id] if point_id else None


@dataclass(frozen=True, slots=True)
class _Copy:
    id: str
    barcode: str
    bib_id: str
    item_type: str
    branch_id: str
    point_id: str | None
    acquired: int  # date ordinal


class _Stock:
    """Copies that lend, grouped by branch (the blind room's audio on its own), each as popular as its title."""

    def __init__(self, rng: random.Random, points: _Points, first_day: int) -> None:
        query = (
            Item.select(Item.id, Item.barcode, Item.bib, Item.item_type, Item.branch, Item.location, Item.acquired_on)
            .join(Location, JOIN.LEFT_OUTER, on=Location.id == Item.location)
            .where(
                Item.status.not_in(("processing", "withdrawn")),
                Location.loanable.is_null() | (Location.loanable == True),
            )  # noqa: E712
            .tuples()
        )
        titles: dict[str, float] = {}
        shared: dict[str, str] = {}  # one string object per branch and type, not one per copy
        weights: list[float] = []
        groups: dict[str, list[int]] = {}
        self.copies: list[_Copy] = []
        for item_id, barcode, bib_id, item_type, branch_id, location_id, acquired in query:
            weight = titles.get(bib_id)
            if weight is None:
                weight = titles[bib_id] = 0.0 if rng.random() < NEVER_LENT else rng.paretovariate(POPULARITY)
            item_type, branch_id = shared.setdefault(item_type, item_type), shared.setdefault(branch_id, branch_id)
            groups.setdefault(AUDIO if item_type in AUDIO_TYPES else branch_id, []).append(len(self.copies))
            bought = _ordinal(acquired) if acquired else first_day
            self.copies.append(
                _Copy(item_id, barcode, bib_id, item_type, branch_id, points.desk(branch_id, location_id), bought)
            )
            weights.append(weight)
        self.free = array("l", [0]) * len(self.copies)  # the first day each copy is back on the shelf
        self.pools = {key: _Pool(ns, (weights[n] for n in ns)) for key, ns in groups.items()}
        branches = [key for key in self.pools if key != AUDIO]
        self.branches = _Pool(branches, (len(self.pools[b].members) for b in branches))  # lending by size

    def pick(self, rng: random.Random, key: str, day: int) -> int | None:
        """A copy of the pool on the shelf on ``day``: by popularity, else any, else none."""
        pool = self.pools.get(key)
        if pool is None:
            return None
        for attempt in range(2 * _TRIES):
            n = pool.draw(rng) if attempt < _TRIES else pool.any(rng)
            if self.free[n] <= day and self.copies[n].acquired <= day:
                return n
        return None

    def for_reader(self, rng: random.Random, reader: _Reader, branch_id: str, day: int) -> int | None:
        """A copy for this reader at this branch: a visually impaired reader mostly borrows audio."""
        return self.pick(rng, AUDIO if reader.blind and rng.random() < 0.8 else branch_id, day)


class _DueDates:
    """``calendar.due_date`` for millions of loans: each branch's calendar read once, each answer kept."""

    def __init__(self, first: int, last: int) -> None:
        self.first, self.last = _date(first), _date(last + MAX_ROLL_DAYS)
        self.calendars: dict[str, Calendar] = {}
        self.known: dict[tuple[str, int], int] = {}

    def due(self, branch_id: str, start: int, days: int) -> int:
        key = (branch_id, start + days)
        day = self.known.get(key)
        if day is None:
            calendar = self.calendars.get(branch_id)
            if calendar is None:
                calendar = self.calendars[branch_id] = Calendar(branch_id, self.first, self.last)
            day = start + days
            while not calendar.is_open(_date(day)) and day < start + days + MAX_ROLL_DAYS:
                day += 1
            self.known[key] = day
        return day


class _Text:
    """Date ordinals and seconds of the day as the text the desk writes (``Library.now_text``)."""

    def __init__(self, now: dt.datetime) -> None:
        self.offset = now.isoformat(timespec="seconds")[19:]  # the UTC offset, as now_text has it
        self.days: dict[int, str] = {}

    def day(self, ordinal: int) -> str:
        text = self.days.get(ordinal)
        if text is None:
            text = self.days[ordinal] = _date(ordinal).isoformat()
        return text

    def at(self, ordinal: int, second: int) -> str:
        return f"{self.day(ordinal)}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}{self.offset}"


# --- the history ---------------------------------------------------------------------------

_LOAN_COLUMNS = (
    "id",
    "item_id",
    "reader_id",
    "reader_type",
    "age_band",
    "reader_branch_id",
    "item_type",
    "branch_id",
    "service_point_id",
    "rule_id",
    "loaned_at",
    "due_on",
    "renewals",
    "ended_at",
    "ended_as",
    "end_branch_id",
    "end_service_point_id",
    "deidentified_at",
)
_RENEWAL_COLUMNS = ("id", "loan_id", "renewed_at", "branch_id", "service_point_id", "previous_due_on", "due_on")
Entry = journal.Entry
Made = tuple[tuple, list[tuple], list[Entry]]  # a loan row, its renewal rows, their journal rows


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def add_loan_history(
    session: Session,
    rng: random.Random,
    *,
    start: dt.date,
    end: dt.date,
    loans_per_year: float,
    weight: Callable[[dt.date], float] = day_weight,
) -> int:
    """Returned loans lent from ``start`` to ``end`` (before today), ``loans_per_year`` a year,
    in the bulk-load mode the module describes; the number of loans written. ``weight`` gives
    each day's share (0 for a day the library was closed)."""
    session.require(Permission.CIRCULATE)
    now = session.now()
    if end >= now.date() or start > end:
        raise ValueError("the loan history runs from start to end, and ends before today")
    first, last = start.toordinal(), end.toordinal()
    points = _Points()
    history = _History(
        session, rng, _Stock(rng, points, first), _Readers(rng, now.date()), points, _DueDates(first, last), last
    )
    days = range(first, last + 1)
    total = round(loans_per_year * len(days) / 365.25)
    if not history.stock.copies or not history.readers.all or total <= 0:
        return 0
    made = history.loans(zip(days, spread(rng, total, [weight(_date(day)) for day in days]), strict=True))
    written = 0
    while batch := list(islice(made, LOAD_BATCH)):
        _store(session, batch)
        written += len(batch)
    return written


class _History:
    """Makes each day's loans: who, which copy, where, and how each ended."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        stock: _Stock,
        readers: _Readers,
        points: _Points,
        dues: _DueDates,
        last: int,
    ) -> None:
        self.rng, self.stock, self.readers, self.points, self.dues, self.last = rng, stock, readers, points, dues, last
        now = session.now()
        self.text = _Text(now)
        self.hours = _Hours()
        retention = reader_settings(session.library).loan_history_days
        self.cutoff = (now - dt.timedelta(days=retention)).isoformat(timespec="seconds")
        self.cleared_after = retention + 1  # the privacy job's night after the period ends
        self.now_text = now.isoformat(timespec="seconds")
        self.book = RuleBook()
        self.rules: dict[tuple[str, str, str], Rule] = {}
        self.codes = dict(Branch.select(Branch.id, Branch.code).tuples())
        self.short = 0  # loans the history could not make (see ``loans``)

    def loans(self, days: Iterable[tuple[int, int]]) -> Iterator[Made]:
        """Day by day, each day's loans in the order of their time, so a copy is never out twice.

        A loan that finds no reader and copy (every try refused) is owed to the next day the
        desks are open, so the history has its total exactly unless the last day cannot pay it:
        what is still owed then is left in ``short``."""
        owed = 0
        for day, count in days:
            if count == 0:
                continue  # closed: what is owed waits for the next open day
            count += owed
            owed = 0
            for second in sorted(self.hours.second(self.rng, day) for _ in range(count)):
                for _ in range(_TRIES):
                    made = self._loan(day, second)
                    if made is not None:
                        yield made
                        break
                else:
                    owed += 1
        self.short = owed

    def _rule(self, reader_type: str, item_type: str, branch_id: str) -> Rule:
        key = (reader_type, item_type, branch_id)
        rule = self.rules.get(key)
        if rule is None:
            rule = self.rules[key] = self.book.rule_for(reader_type, item_type, branch_id)
        return rule

    def _choose(self, day: int) -> tuple[_Reader, int, Rule] | None:
        """A reader at a branch (chosen by its size) and a copy on its shelf they may borrow."""
        rng, stock = self.rng, self.stock
        branch = stock.branches.draw(rng)
        reader = self.readers.pick(rng, branch, day, linked=False)
        n = None if reader is None else stock.for_reader(rng, reader, branch, day)
        if reader is None or n is None:
            return None
        copy = stock.copies[n]
        rule = self._rule(reader.type, copy.item_type, copy.branch_id)
        return (reader, n, rule) if rule.loan_limit > 0 else None

    def _loan(self, day: int, second: int) -> Made | None:
        chosen = self._choose(day)
        if chosen is None:
            return None
        reader, n, rule = chosen
        copy, rng, text, dues = self.stock.copies[n], self.rng, self.text, self.dues
        branch = copy.branch_id
        due = dues.due(branch, day, rule.loan_days)
        renewals: list[tuple[int, int, int]] = []  # (day renewed, previous due, new due)
        if rule.renewals and rng.random() < RENEWED:
            renewals.append(
                (rng.randint(day + max(1, (due - day) // 2), due), due, dues.due(branch, due, rule.renew_days))
            )
            due = renewals[-1][2]
        if rng.random() < LATE:
            back = due + 1 + min(int(rng.expovariate(1 / 12)), 180)
        else:
            low = renewals[-1][1] - day if renewals else 1
            back = day + max(1, round(rng.triangular(low, due - day, low + (due - day - low) * _READ)))
        if back > self.last:  # would still be out: returned by the end of the history instead
            back = rng.randint(day, self.last)
            renewals = [renewal for renewal in renewals if renewal[0] <= back]
            due = renewals[-1][2] if renewals else dues.due(branch, day, rule.loan_days)
        back_second = self.hours.second(rng, back) if back > day else min(second + rng.randrange(600, 7200), 86399)
        loaned_at, ended_at = text.at(day, second), text.at(back, back_second)
        linked = ended_at > self.cutoff
        if linked and (reader.since > day or not reader.active):
            return None  # still linked today: the reader must have been registered, and still be
        self.stock.free[n] = back + 1
        end_branch = branch if rng.random() < RETURNED_HERE else self.stock.branches.draw(rng)
        end_point = self.points.desk(end_branch)
        reader_id: str | None = reader.id
        cleared: str | None = None
        if not linked:
            reader_id, cleared = None, min(text.at(back + self.cleared_after, 7200), self.now_text)
        loan_id = new_id()
        band = age_band(None if reader.born is None else _date(reader.born), _date(day))
        due_on = text.day(due)
        loan = (
            loan_id,
            copy.id,
            reader_id,
            reader.type,
            band,
            reader.branch_id,
            copy.item_type,
            branch,
            copy.point_id,
            rule.id,
            loaned_at,
            due_on,
            len(renewals),
            ended_at,
            "returned",
            end_branch,
            end_point,
            cleared,
        )
        renewal_rows = [
            (
                new_id(),
                loan_id,
                text.at(on, self.hours.second(rng, on)),
                branch,
                copy.point_id,
                text.day(before),
                text.day(after),
            )
            for on, before, after in renewals
        ]
        code, point = self.codes[branch], self.points.codes.get(copy.point_id or "")
        entries: list[Entry] = [
            (
                LOAD_ACTION,
                "loan",
                loan_id,
                {
                    "item_id": copy.id,
                    "barcode": copy.barcode,
                    "due_on": due_on,
                    "branch": code,
                    "point": point,
                    "reader_type": reader.type,
                    "age_band": band,
                    "rule": rule.id,
                    "override": None,
                    "overridden": [],
                    "loaned_at": loaned_at,
                    "returned_at": ended_at,
                    "return_branch": self.codes[end_branch],
                    "return_point": self.points.codes.get(end_point or ""),
                    "days_late": max(0, back - due),
                    "renewals": len(renewal_rows),
                },
            )
        ]
        entries += [
            (
                RENEWAL_LOAD_ACTION,
                "loan_renewal",
                row[0],
                {
                    "loan_id": loan_id,
                    "barcode": copy.barcode,
                    "renewed_at": row[2],
                    "due_on": row[6],
                    "previous_due_on": row[5],
                    "branch": code,
                    "point": point,
                    "override": None,
                },
            )
            for row in renewal_rows
        ]
        return loan, renewal_rows, entries


def _store(session: Session, batch: list[Made]) -> None:
    """One write: the loans, their renewals, and a journal row for each."""
    with session.write() as writer:
        connection = session.library.database.connection()
        connection.executemany(_insert("loan", _LOAN_COLUMNS), [loan for loan, _r, _e in batch])
        renewals = [row for _l, rows, _e in batch for row in rows]
        if renewals:
            connection.executemany(_insert("loan_renewal", _RENEWAL_COLUMNS), renewals)
        writer.journal_many([entry for _l, _r, entries in batch for entry in entries])


# --- today's desk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskState:
    """What the desks show after ``add_current_circulation``."""

    open_loans: int
    overdue_loans: int
    open_transits: int
    holds_waiting: int
    holds_in_transit: int
    holds_ready: int
    rotated_copies: int


@dataclass(frozen=True)
class _OpenLoan:
    barcode: str
    card: str
    bib_id: str
    branch_id: str
    point: str | None


class _Desks:
    """The last weeks at the desks as timed events, run in order with the clock set to each one's
    moment; an event may add later ones (a loan its renewal, a return the copy's arrival)."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session, self.rng = session, rng
        self.now = session.now()
        self.today = self.now.date().toordinal()
        self.points = _Points()
        self.stock = _Stock(rng, self.points, self.today)
        self.readers = _Readers(rng, self.now.date())
        self.hours = _Hours()
        self.branches = list(Branch.select().where(Branch.active == True))  # noqa: E712
        self.codes = {branch.id: branch.code for branch in self.branches}
        self.events: list[tuple[dt.datetime, float, Callable[..., object]]] = []
        self.current = self.now - dt.timedelta(days=365)
        self.open: dict[str, _OpenLoan] = {}

    def at(self, moment: dt.datetime, action: Callable[..., object]) -> None:
        """Do ``action`` at ``moment``, never before the event now running: time only goes forward."""
        moment = max(moment, self.current)
        if moment < self.now:
            heapq.heappush(self.events, (moment, self.rng.random(), action))

    def run(self) -> None:
        while self.events:
            self.current, _order, action = heapq.heappop(self.events)
            with _at(self.session.library, self.current):
                try:
                    action()
                except IlsError:
                    pass  # refused as the desk would refuse it (a block, a limit): the desk goes on

    def moment(self, days_ago_from: float, days_ago_to: float) -> dt.datetime:
        """A time in opening hours between the two ages (in days), before now."""
        day = self.now - dt.timedelta(days=self.rng.uniform(days_ago_to, days_ago_from))
        moment = day.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
            seconds=self.hours.second(self.rng, day.date().toordinal())
        )
        return moment if moment < self.now else moment - dt.timedelta(days=1)

    def lend(self) -> None:
        """A reader borrows a copy from the shelf of the branch they came to."""
        rng, stock = self.rng, self.stock
        day = self.session.now().date().toordinal()
        for _ in range(_TRIES):
            branch = stock.branches.draw(rng)
            reader = self.readers.pick(rng, branch, day, linked=True)
            n = None if reader is None else stock.for_reader(rng, reader, branch, day)
            if (
                reader is not None
                and n is not None
                and self._lend(reader, stock.copies[n], branch, stock.copies[n].point_id)
            ):
                return

    def lend_here(self, copy: _Copy, branch_id: str) -> None:
        """A reader of the branch borrows this copy (rotated stock on the branch's shelf)."""
        day = self.session.now().date().toordinal()
        for _ in range(_TRIES if self._on_shelf(copy) else 0):
            reader = self.readers.pick(self.rng, branch_id, day, linked=True)
            if reader is not None and self._lend(reader, copy, branch_id, self.points.desk(branch_id)):
                return

    def _lend(self, reader: _Reader, copy: _Copy, branch_id: str, point_id: str | None) -> bool:
        """Check the copy out at the desk, as the desk would (or be refused); a loan may be renewed later."""
        point = self.points.codes.get(point_id) if point_id else None
        if not self._on_shelf(copy):
            return False
        try:
            checkout(self.session, reader.card, copy.barcode, point=point)
        except IlsError:
            return False
        self.open[copy.barcode] = _OpenLoan(copy.barcode, reader.card, copy.bib_id, branch_id, point)
        if self.rng.random() < RENEWED:
            self.at(self.session.now() + dt.timedelta(days=self.rng.uniform(18, 29)), lambda: self.renew(copy.barcode))
        return True

    def _on_shelf(self, copy: _Copy) -> bool:
        """On the shelf now, and not lent in the loaded history after now either."""
        last = Loan.select(fn.MAX(Loan.ended_at)).where(Loan.item == copy.id).scalar()
        return Item.get_by_id(copy.id).status == "available" and (last or "") < self.session.library.now_text()

    def renew(self, barcode: str) -> None:
        loan = self.open.get(barcode)
        if loan is not None:
            renew(self.session, barcode, point=loan.point)

    def give_back(self, barcode: str, branch_id: str) -> None:
        if self.open.pop(barcode, None) is not None:
            return_item(self.session, barcode, point=self.points.code(branch_id))

    def hold(self, loan: _OpenLoan, pickup: str) -> None:
        """Another reader asks for the title that is out, to collect at ``pickup``."""
        for _ in range(_TRIES):
            reader = self.readers.pick(self.rng, pickup, self.session.now().date().toordinal(), linked=True)
            if reader is None:
                return
            if reader.card != loan.card:
                try:
                    place_hold(self.session, reader.card, loan.bib_id, pickup=self.codes[pickup])
                    return
                except IlsError:
                    continue

    def rotate(self) -> None:
        """The central library packs a batch for a town branch for three months (图书流转); the
        van brings it next day and the branch lends some of it."""
        central = next((b for b in self.branches if b.kind == "central"), None)
        towns = [b for b in self.branches if b.kind == "branch" and self.points.desk(b.id)]
        if central is None or not towns:
            return
        town, session, day = self.rng.choice(towns), self.session, self.session.now().date()
        copies = {}
        for _ in range(ROTATION_COPIES * 3):
            n = self.stock.pick(self.rng, central.id, day.toordinal())
            if n is not None and self._on_shelf(self.stock.copies[n]):
                copies[n] = self.stock.copies[n]
            if len(copies) == ROTATION_COPIES:
                break
        if not copies:
            return
        desk = self.points.code(central.id)
        batch = rotation.create_batch(
            session, town.code, due_back=day + dt.timedelta(days=90), point=desk, note="图书流转·送书下乡"
        )
        rotation.add_items(session, batch.code, [copy.barcode for copy in copies.values()])
        sent = rotation.send_batch(session, batch.code)
        arrival = session.now() + dt.timedelta(days=1)
        for barcode in sent.sent:
            self.at(arrival, lambda barcode=barcode: receive(session, barcode, point=self.points.code(town.id)))
        for copy in list(copies.values())[: ROTATION_COPIES // 4]:
            self.at(self.moment(19, 0.05), lambda copy=copy: self.lend_here(copy, town.id))

    def last_days(self, loans: int) -> None:
        """From six days ago: copies returned at other branches (some already received back home),
        holds placed on titles that are out, and copies returned for them: onto this hold shelf,
        or on their way to the reader's pickup branch."""
        rng = self.rng
        out = list(self.open.values())
        rng.shuffle(out)
        elsewhere, ready = loans // 25, max(2, loans // 60)
        travelling, waiting = max(1, loans // 120), max(2, loans // 50)
        desks = [branch for branch in self.codes if self.points.desk(branch)]
        for n, loan in enumerate(out[:elsewhere]):
            there = rng.choice([branch for branch in desks if branch != loan.branch_id])
            returned = self.moment(3, 0.05)
            self.at(returned, lambda loan=loan, there=there: self.give_back(loan.barcode, there))
            if n < elsewhere // 4:
                self.at(
                    returned + dt.timedelta(hours=rng.uniform(4, 30)),
                    lambda loan=loan: receive(self.session, loan.barcode, point=self.points.code(loan.branch_id)),
                )
        for n, loan in enumerate(out[elsewhere : elsewhere + ready + travelling + waiting]):
            placed = self.moment(6, 5.2) if n == 0 else self.moment(6, 3)
            pickup = loan.branch_id if n < ready else rng.choice([b for b in desks if b != loan.branch_id])
            self.at(placed, lambda loan=loan, pickup=pickup: self.hold(loan, pickup))
            if n < ready + travelling:
                # The first copy kept waits past its date: the hold shelf lists it as expired.
                back = placed + dt.timedelta(hours=2) if n == 0 else self.moment(2.5, 0.05)
                self.at(back, lambda loan=loan: self.give_back(loan.barcode, loan.branch_id))


def add_current_circulation(session: Session, rng: random.Random, *, loans: int = DEMO_OPEN_LOANS) -> DeskState:
    """Today's desks, made through the real services over the last two months: about ``loans``
    checkouts (most in the last 30 days, some overdue now) and some renewals, a rotation batch
    out at a town branch, copies returned at other branches and in transit, holds waiting, in
    transit and on the hold shelf."""
    session.require(Permission.CIRCULATE)
    desks = _Desks(session, rng)
    for _ in range(loans):
        desks.at(desks.moment(29, 0.05) if rng.random() < 0.88 else desks.moment(60, 31), desks.lend)
    desks.at(desks.moment(24, 22), desks.rotate)
    desks.at(desks.now - dt.timedelta(days=6), lambda: desks.last_days(loans))
    desks.run()
    day = session.now().date().isoformat()
    states = dict(Hold.select(Hold.state, fn.COUNT(Hold.id)).group_by(Hold.state).tuples())
    return DeskState(
        open_loans=Loan.select().where(Loan.ended_at.is_null()).count(),
        overdue_loans=Loan.select().where(Loan.ended_at.is_null(), Loan.due_on < day).count(),
        open_transits=Transit.select().where(Transit.received_at.is_null()).count(),
        holds_waiting=states.get("waiting", 0),
        holds_in_transit=states.get("in_transit", 0),
        holds_ready=states.get("ready", 0),
        rotated_copies=Item.select().where(Item.rotation_batch.is_null(False)).count(),
    )


def add_rotation_year(
    session: Session,
    rng: random.Random,
    *,
    year: int,
    volumes: int,
    open_on: Callable[[dt.date], bool] = lambda _day: True,
) -> int:
    """A past year of book rotation (图书流转) through the rotation services, as the desks did it:
    batches from the central library to the town branches through the year, each received there,
    brought back after about three months and received home. Returns the copies sent, the
    annual report's figure (``rotation.rotation_year``). A batch due on a day the library was
    closed (``open_on``) goes out on the next open day.
    """
    library = session.library
    central = Branch.get_by_id(library.node.branch_id)
    towns = list(Branch.select().where(Branch.kind == "branch", Branch.id != central.id, Branch.active == True))  # noqa: E712
    desks = {p.branch_id: p.code for p in ServicePoint.select().where(ServicePoint.route.is_null())}
    towns = [town for town in towns if town.id in desks]
    shelf = [
        barcode
        for (barcode,) in Item.select(Item.barcode)
        .join(Location)
        .where(
            Item.branch == central.id,
            Item.status == "available",
            Item.item_type == "book",
            Item.rotation_batch.is_null(),
            Location.loanable == True,
        )
        .tuples()
    ]  # noqa: E712
    if not towns or not shelf:
        return 0
    rng.shuffle(shelf)
    batches = max(1, -(-volumes // ROTATION_BATCH))
    sent = 0
    for number in range(batches):
        size = min(ROTATION_BATCH, volumes - sent, len(shelf))
        if size <= 0:
            break
        copies, shelf = shelf[:size], shelf[size:] + shelf[:size]  # a copy may go out again later in the year
        town = rng.choice(towns)
        day = dt.date(year, 1, 5) + dt.timedelta(days=round(number * 250 / batches))
        while not open_on(day):
            day += dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(9, 30), tzinfo=session.now().tzinfo)
        with _at(library, start):
            batch = rotation.create_batch(
                session, town.code, due_back=day + dt.timedelta(days=90), note="图书流转·送书下乡"
            )
            rotation.add_items(session, batch.code, copies)
            went = rotation.send_batch(session, batch.code).sent
        # Each sitting's scans in one transaction (the services' writes join it), as the
        # periodicals' morning post is: a batch's 250 arrivals are not 250 commits.
        with _at(library, start + dt.timedelta(days=2)), session.write():
            for barcode in went:
                receive(session, barcode, point=desks[town.id])
        with _at(library, start + dt.timedelta(days=rng.randint(80, 100))):
            rotation.bring_back(session, batch.code)
        with _at(library, start + dt.timedelta(days=102)), session.write():
            for barcode in went:
                try:
                    receive(session, barcode)
                except IlsError:
                    pass  # still out on loan at the branch: it comes home when it is returned
        sent += len(went)
    return sent


def add_circulation(session: Session, rng: random.Random) -> None:
    """The ``ils demo`` step: three years of returned loans, last year's rotation, then today's desks."""
    today = session.now().date()
    add_loan_history(
        session,
        rng,
        start=today - dt.timedelta(days=365 * DEMO_YEARS),
        end=today - dt.timedelta(days=1),
        loans_per_year=DEMO_LOANS_PER_YEAR,
    )
    add_rotation_year(session, rng, year=today.year - 1, volumes=DEMO_ROTATED)
    add_current_circulation(session, rng)
