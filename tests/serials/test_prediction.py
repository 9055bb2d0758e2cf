"""Prediction: each frequency over a year with 春节, a weekly across the year boundary, and the
invariants any pattern keeps (hypothesis): no duplicate issue, dates and running totals increase."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ils.errors import Invalid
from ils.serials.patterns import FREQUENCIES, SPRING_FESTIVAL, make_pattern, predict


def test_a_daily_without_sunday_pauses_three_days_over_the_spring_festival():
    paper = make_pattern("daily", weekdays=(0, 1, 2, 3, 4, 5), pause=3)
    issues = predict(paper, 2026, first_total=25001)
    dates = {i.date for i in issues}
    assert not any(d.weekday() == 6 for d in dates)
    festival = SPRING_FESTIVAL[2026]  # 2026-02-17, a Tuesday
    assert {festival, festival + dt.timedelta(days=1), festival + dt.timedelta(days=2)}.isdisjoint(dates)
    assert festival + dt.timedelta(days=3) in dates and festival - dt.timedelta(days=1) in dates
    sundays = sum(1 for n in range(365) if (dt.date(2026, 1, 1) + dt.timedelta(days=n)).weekday() == 6)
    assert len(issues) == 365 - sundays - 3
    assert issues[0].total == 25001 and issues[-1].total == 25000 + len(issues)


def test_every_frequency_over_2026():
    counts = {f: len(predict(make_pattern(f), 2026)) for f in FREQUENCIES}
    assert counts == {
        "daily": 365,
        "weekly": 52,
        "semimonthly": 24,
        "monthly": 12,
        "bimonthly": 6,
        "quarterly": 4,
        "irregular": 0,
    }
    assert [i.date.month for i in predict(make_pattern("quarterly"), 2026)] == [1, 4, 7, 10]
    assert [i.date.month for i in predict(make_pattern("bimonthly"), 2026)] == [1, 3, 5, 7, 9, 11]
    assert [i.date.day for i in predict(make_pattern("semimonthly"), 2026)][:2] == [1, 16]


def test_a_weekly_across_the_year_boundary_restarts_its_numbers_and_keeps_its_weekday():
    thursday = make_pattern("weekly", weekdays=(3,))
    last = predict(thursday, 2026, first_total=1001)
    first = predict(thursday, 2027, first_total=last[-1].total + 1)
    assert last[-1].date == dt.date(2026, 12, 31) and last[-1].number == 53  # 2026 has 53 Thursdays
    assert first[0].date == dt.date(2027, 1, 7) and first[0].number == 1
    assert first[0].total == last[-1].total + 1
    assert (first[0].date - last[-1].date).days == 7


def test_a_monthly_on_the_31st_comes_on_the_last_day_of_short_months():
    dates = [i.date for i in predict(make_pattern("monthly", days=(31,)), 2026)]
    assert dt.date(2026, 2, 28) in dates and dt.date(2026, 4, 30) in dates and len(dates) == 12


@pytest.mark.parametrize(
    ("frequency", "options", "code"),
    [
        ("hourly", {}, "serials.unknown_frequency"),
        ("weekly", {"weekdays": (1, 2)}, "serials.weekly_one_day"),
        ("semimonthly", {"days": (1,)}, "serials.semimonthly_two_days"),
        ("monthly", {"pause": 3}, "serials.pause"),
        ("daily", {"weekdays": (7,)}, "serials.pattern_range"),
        ("quarterly", {"months": (1, 2)}, "serials.months_count"),
    ],
)
def test_impossible_patterns_are_refused_with_a_code(frequency, options, code):
    with pytest.raises(Invalid) as refused:
        make_pattern(frequency, **options)
    assert refused.value.code == code


def test_a_pause_in_a_year_whose_spring_festival_is_unknown_is_refused():
    with pytest.raises(Invalid) as refused:
        predict(make_pattern("daily", pause=2), 1990)
    assert refused.value.code == "serials.no_spring_festival"


patterns = st.one_of(
    st.builds(
        lambda wd, pause: make_pattern("daily", weekdays=wd, pause=pause),
        st.sets(st.integers(0, 6), min_size=1).map(tuple),
        st.integers(0, 15),
    ),
    st.builds(
        lambda wd, pause: make_pattern("weekly", weekdays=(wd,), pause=pause), st.integers(0, 6), st.integers(0, 15)
    ),
    st.builds(
        lambda days: make_pattern("semimonthly", days=days),
        st.sets(st.integers(1, 31), min_size=2, max_size=2).map(tuple),
    ),
    st.builds(
        lambda day, f: make_pattern(f, days=(day,)),
        st.integers(1, 31),
        st.sampled_from(("monthly", "bimonthly", "quarterly")),
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    pattern=patterns,
    year=st.sampled_from(sorted(SPRING_FESTIVAL)),
    first=st.integers(1, 50),
    total=st.one_of(st.none(), st.integers(1, 90000)),
)
def test_predictions_never_repeat_an_issue_and_totals_increase(pattern, year, first, total):
    issues = predict(pattern, year, first_number=first, first_total=total)
    numbers = [i.number for i in issues]
    dates = [i.date for i in issues]
    assert len(set(numbers)) == len(numbers) and len(set(dates)) == len(dates)
    assert numbers == sorted(numbers) and dates == sorted(dates)
    assert all(d.year == year for d in dates)
    if total is not None:
        totals = [i.total for i in issues]
        assert all(b == a + 1 for a, b in zip(totals, totals[1:], strict=False))
    if pattern.frequency in ("daily", "weekly"):
        assert all(d.weekday() in pattern.weekdays for d in dates)
        festival = SPRING_FESTIVAL[year]
        assert not any(0 <= (d - festival).days < pattern.pause for d in dates)
