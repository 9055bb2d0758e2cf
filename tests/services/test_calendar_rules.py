"""The calendar a due date is rolled on, and the rules matrix a loan is lent under."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Branch, CalendarDay
from ils.circulation import calendar
from ils.circulation.rules import RuleBook, list_rules, remove_rule, set_rule
from ils.errors import Invalid, PermissionDenied

YEAR_2026 = """# 2026年部分节假日安排
2026-10-01..2026-10-07 休 国庆节、中秋节
2026-09-27 班 国庆节调休
2026-10-10 班 国庆节调休
"""


pytestmark = pytest.mark.usefixtures("english")


def _zg() -> str:
    return Branch.get(Branch.code == "ZG").id


def test_the_yearly_list_closes_holidays_and_opens_adjusted_working_days(admin):
    calendar.set_closed_weekdays(admin, "ZG", "周日")  # 2026-09-27 is a Sunday
    entries = calendar.import_days(admin, YEAR_2026)
    assert len(entries) == 9
    assert not calendar.is_open(_zg(), dt.date(2026, 10, 3))
    assert calendar.is_open(_zg(), dt.date(2026, 9, 27))  # 调休: open although it is Sunday
    assert not calendar.is_open(_zg(), dt.date(2026, 10, 4))
    assert calendar.due_date(_zg(), dt.date(2026, 9, 1), 30) == dt.date(2026, 10, 8)
    assert [e.day for e in calendar.list_days(admin, 2026)][:2] == ["2026-09-27", "2026-10-01"]


def test_a_branch_row_wins_over_the_library_wide_row(admin):
    calendar.import_days(admin, "2026-10-01 休 国庆节")
    calendar.add_day(admin, "2026-10-01", "workday", "分馆国庆照常开放", branch="XHMZ")
    xhmz = Branch.get(Branch.code == "XHMZ").id
    assert calendar.is_open(xhmz, dt.date(2026, 10, 1))
    assert not calendar.is_open(_zg(), dt.date(2026, 10, 1))


def test_an_emergency_closing_moves_due_dates(admin):
    calendar.add_day(admin, "2026-04-01", "闭馆", "停电")
    assert calendar.due_date(_zg(), dt.date(2026, 3, 2), 30) == dt.date(2026, 4, 2)
    calendar.remove_day(admin, "2026-04-01")
    assert calendar.due_date(_zg(), dt.date(2026, 3, 2), 30) == dt.date(2026, 4, 1)


def test_a_typo_in_the_list_stores_nothing(admin):
    with pytest.raises(Invalid) as bad_date:
        calendar.import_days(admin, "2026-02-17 休 春节\n2026-02-30 休 春节\n")
    assert bad_date.value.code == "circ.calendar_line" and bad_date.value.params["n"] == 2
    assert bad_date.value.params["problem"].code == "circ.calendar_bad_date"
    with pytest.raises(Invalid) as bad_kind:
        calendar.import_days(admin, "2026-02-17 放假 春节")
    assert bad_kind.value.params["n"] == 1 and bad_kind.value.params["problem"].code == "circ.calendar_unknown_kind"
    assert CalendarDay.select().count() == 0
    with pytest.raises(Invalid) as refused:
        calendar.set_closed_weekdays(admin, "ZG", "1,2,3,4,5,6,7")
    assert refused.value.code == "circ.calendar_closed_every_day"


def test_calendar_and_rules_need_the_permission(clerk):
    with pytest.raises(PermissionDenied):
        calendar.add_day(clerk, "2026-10-01", "holiday", "国庆节")
    with pytest.raises(PermissionDenied):
        set_rule(clerk, "adult", "book", loan_limit=10)


def test_a_new_cell_inherits_and_the_most_specific_cell_wins(admin):
    rule = set_rule(admin, "child", "book", loan_limit=3)
    assert (rule.id, rule.loan_limit, rule.loan_days, rule.renewals) == ("child/book/*", 3, 30, 1)
    book = RuleBook()
    assert book.rule_for("child", "book", _zg()).id == "child/book/*"
    assert book.rule_for("child", "periodical", _zg()).id == "*/*/*"
    assert book.rule_for("blind", "listening_device", _zg()).id == "blind/listening_device/*"
    assert book.rule_for("adult", "listening_device", _zg()).loan_limit == 0
    remove_rule(admin, "child/book/*")
    assert RuleBook().rule_for("child", "book", _zg()).id == "*/*/*"
    with pytest.raises(Invalid) as refused:
        remove_rule(admin, "*/*/*")
    assert refused.value.code == "circ.default_rule_kept"
    with pytest.raises(Invalid) as refused:
        set_rule(admin, "nobody", "book", loan_limit=1)
    assert refused.value.code == "circ.unknown_reader_type"
    with pytest.raises(Invalid) as refused:
        set_rule(admin, "adult", "book", loan_days=0)
    assert refused.value.code == "circ.rule_out_of_range"
    assert [r.id for r in list_rules(admin)][0] == "*/*/*"
