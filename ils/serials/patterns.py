"""Publication patterns and the issues they predict for a year.

A title's pattern says on which days its issues come out; ``predict`` turns it into the
year's expected issues, each with its number in the year (期), its date, the volume (卷) and
the running total (总第N期). Nothing predicted is stored: the lists of expected, late and
missing issues are computed from the pattern each time, so correcting a pattern corrects them.

Frequencies: daily (on chosen weekdays: many Chinese papers have no Sunday edition, some
none at the weekend), weekly (on one weekday), semi-monthly and monthly (on days of the
month), bimonthly and quarterly (in chosen months), and irregular (nothing predicted; issues
are checked in by their number). Daily and weekly papers may pause over 春节: ``pause`` days
from the first day of the lunar year have no edition. Numbers restart at each year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
from dataclasses import dataclass, field

from ils.errors import Invalid
from ils.i18n import N_, _

FREQUENCIES: dict[str, str] = {
    "daily": N_("Daily"),
    "weekly": N_("Weekly"),
    "semimonthly": N_("Semi-monthly"),
    "monthly": N_("Monthly"),
    "bimonthly": N_("Bimonthly"),
    "quarterly": N_("Quarterly"),
    "irregular": N_("Irregular"),
}
#: An issue not received this many days after its date is late and appears on the claims list.
CLAIM_AFTER_DAYS: dict[str, int] = {
    "daily": 3,
    "weekly": 10,
    "semimonthly": 20,
    "monthly": 30,
    "bimonthly": 45,
    "quarterly": 60,
    "irregular": 0,
}

#: 春节 (the first day of the lunar year), for the pause of daily and weekly papers.
SPRING_FESTIVAL: dict[int, dt.date] = {
    y: dt.date.fromisoformat(d)
    for y, d in {
        2015: "2015-02-19",
        2016: "2016-02-08",
        2017: "2017-01-28",
        2018: "2018-02-16",
        2019: "2019-02-05",
        2020: "2020-01-25",
        2021: "2021-02-12",
        2022: "2022-02-01",
        2023: "2023-01-22",
        2024: "2024-02-10",
        2025: "2025-01-29",
        2026: "2026-02-17",
        2027: "2027-02-06",
        2028: "2028-01-26",
        2029: "2029-02-13",
        2030: "2030-02-03",
        2031: "2031-01-23",
        2032: "2032-02-11",
        2033: "2033-01-31",
        2034: "2034-02-19",
        2035: "2035-02-08",
    }.items()
}
MAX_PAUSE_DAYS = 15
_DEFAULT_MONTHS = {"bimonthly": (1, 3, 5, 7, 9, 11), "quarterly": (1, 4, 7, 10)}
_DEFAULT_DAYS = {"semimonthly": (1, 16)}


@dataclass(frozen=True)
class Pattern:
    """When a title's issues come out. Weekdays count from Monday = 0."""

    frequency: str
    weekdays: tuple[int, ...] = ()
    days: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    pause: int = 0

    def to_json(self) -> str:
        data = {
            "weekdays": list(self.weekdays),
            "days": list(self.days),
            "months": list(self.months),
            "pause": self.pause,
        }
        return json.dumps({k: v for k, v in data.items() if v}, sort_keys=True)

    def describe(self) -> str:
        """The pattern in a few words, in the caller's language."""
        words = [_(FREQUENCIES[self.frequency])]
        if self.frequency in ("daily", "weekly") and self.weekdays != tuple(range(7)):
            names = [_(calendar_day) for calendar_day in WEEKDAYS]
            words.append("、".join(names[d] for d in self.weekdays))
        if self.frequency in ("semimonthly", "monthly", "bimonthly", "quarterly"):
            words.append(_("on day {days}").format(days="、".join(str(d) for d in self.days)))
        if self.pause:
            words.append(_("no edition for {days} days from 春节").format(days=self.pause))
        return " ".join(words)


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


@dataclass(frozen=True)
class Issue:
    """One expected issue: its number in the year (期), date, volume (卷) and running total (总第N期)."""

    year: int
    number: int
    date: dt.date
    volume: int | None = None
    total: int | None = None
    expected: bool = field(default=True, compare=False)

    def label(self, kind: str = "magazine") -> str:
        if kind == "newspaper":
            text = _("{date} No. {number}").format(date=self.date.isoformat(), number=self.number)
        else:
            text = _("{year} No. {number}").format(year=self.year, number=self.number)
        if self.total:
            text += " " + _("(total {total})").format(total=self.total)
        return text


def _ints(values, low: int, high: int, what: str) -> tuple[int, ...]:
    try:
        chosen = tuple(sorted({int(v) for v in values}))
    except (TypeError, ValueError):
        raise Invalid("serials.bad_pattern", "The publication pattern's {what} are not numbers.", what=what) from None
    if any(not low <= v <= high for v in chosen):
        raise Invalid(
            "serials.pattern_range",
            "The publication pattern's {what} run from {low} to {high}.",
            what=what,
            low=low,
            high=high,
        )
    return chosen


def make_pattern(frequency: str, *, weekdays=None, days=None, months=None, pause: int = 0) -> Pattern:
    """A checked pattern, with the defaults each frequency has (every day; Monday; the 1st and 16th …)."""
    if frequency not in FREQUENCIES:
        raise Invalid(
            "serials.unknown_frequency",
            "Unknown frequency {frequency}; frequencies are: {choices}.",
            frequency=frequency,
            choices=", ".join(FREQUENCIES),
        )
    wd = _ints(weekdays if weekdays else (range(7) if frequency == "daily" else (0,)), 0, 6, "weekdays")
    if frequency == "weekly" and len(wd) != 1:
        raise Invalid("serials.weekly_one_day", "A weekly comes out on one weekday.")
    ds = _ints(days if days else _DEFAULT_DAYS.get(frequency, (1,)), 1, 31, "days")
    if frequency == "semimonthly" and len(ds) != 2:
        raise Invalid("serials.semimonthly_two_days", "A semi-monthly comes out on two days of the month.")
    if frequency in ("monthly", "bimonthly", "quarterly") and len(ds) != 1:
        raise Invalid("serials.one_day", "This frequency comes out on one day of the month.")
    ms = _ints(months if months else _DEFAULT_MONTHS.get(frequency, ()), 1, 12, "months")
    expected_months = {"bimonthly": 6, "quarterly": 4}.get(frequency)
    if expected_months and len(ms) != expected_months:
        raise Invalid(
            "serials.months_count", "This frequency comes out in {count} months of the year.", count=expected_months
        )
    if not 0 <= int(pause) <= MAX_PAUSE_DAYS or (pause and frequency not in ("daily", "weekly")):
        raise Invalid(
            "serials.pause", "Only a daily or weekly paper pauses over 春节, for 0 to {days} days.", days=MAX_PAUSE_DAYS
        )
    keep_wd = frequency in ("daily", "weekly")
    keep_days = frequency in ("semimonthly", "monthly", "bimonthly", "quarterly")
    return Pattern(
        frequency,
        wd if keep_wd else (),
        ds if keep_days else (),
        ms if frequency in ("bimonthly", "quarterly") else (),
        int(pause),
    )


@functools.lru_cache(maxsize=1024)
def load_pattern(frequency: str, text: str) -> Pattern:
    data = json.loads(text or "{}")
    return make_pattern(
        frequency,
        weekdays=data.get("weekdays"),
        days=data.get("days"),
        months=data.get("months"),
        pause=data.get("pause", 0),
    )


def _paused(pattern: Pattern, year: int) -> set[dt.date]:
    if not pattern.pause:
        return set()
    first = SPRING_FESTIVAL.get(year)
    if first is None:
        raise Invalid(
            "serials.no_spring_festival",
            "The date of 春节 in {year} is not known to this version, so a pause over it cannot be predicted.",
            year=year,
        )
    return {first + dt.timedelta(days=n) for n in range(pattern.pause)}


def _in_month(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def issue_dates(pattern: Pattern, year: int) -> list[dt.date]:
    """The dates the pattern's issues come out in ``year``, in order; none for an irregular title."""
    f = pattern.frequency
    if f in ("daily", "weekly"):
        paused = _paused(pattern, year)
        day, end, dates = dt.date(year, 1, 1), dt.date(year, 12, 31), []
        while day <= end:
            if day.weekday() in pattern.weekdays and day not in paused:
                dates.append(day)
            day += dt.timedelta(days=1)
        return dates
    if f == "irregular":
        return []
    months = pattern.months or tuple(range(1, 13))
    return sorted({_in_month(year, m, d) for m in months for d in pattern.days})


@functools.lru_cache(maxsize=1024)
def predict(
    pattern: Pattern, year: int, *, volume: int | None = None, first_number: int = 1, first_total: int | None = None
) -> tuple[Issue, ...]:
    """The expected issues of ``year``: numbered from ``first_number``, totals from ``first_total``.

    Pure, so cached: the desk asks for the same year's issues at every scan."""
    return tuple(
        Issue(year, first_number + i, day, volume, first_total + i if first_total is not None else None)
        for i, day in enumerate(issue_dates(pattern, year))
    )


def issues_per_year(pattern: Pattern, year: int) -> int:
    return len(issue_dates(pattern, year))
