"""The per-connection caches of rules, settings, calendars and service points (``ils.caches``):
a change made at this desk, at another desk's connection to the same file, or rolled back, is
seen by the very next checkout."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ils import caches
from ils.circulation import calendar, loans
from ils.circulation.places import place_of
from ils.circulation.rules import RuleBook, set_rule
from ils.circulation.settings import change_circulation_settings, circulation_settings
from tests.services.circ_samples import shelf  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


def _other_desk(library) -> sqlite3.Connection:
    """Another program's connection to the same file, as another desk process would hold."""
    return sqlite3.connect(library.path, isolation_level=None)


def _in_another_thread(action) -> None:
    """Run ``action`` on a thread of its own: peewee gives it its own connection to the file."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # handed back to the test
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def test_a_rule_changed_at_another_desk_is_seen_by_the_next_checkout(admin, clerk, shelf, library):
    assert loans.checkout(clerk, shelf.adult, "T0001").loan.due_on == "2026-04-01"  # rules now cached
    other = _other_desk(library)
    other.execute("UPDATE loan_rule SET loan_days = 14 WHERE id = '*/*/*'")
    other.close()
    assert loans.checkout(clerk, shelf.adult, "T0003").loan.due_on == "2026-03-16"


def test_a_rule_changed_through_the_service_on_another_thread_is_seen(admin, clerk, shelf, library):
    loans.checkout(clerk, shelf.adult, "T0001")

    def change() -> None:
        set_rule(admin, "*", "*", loan_days=21)
        library.database.close()

    _in_another_thread(change)
    assert loans.checkout(clerk, shelf.adult, "T0003").loan.due_on == "2026-03-23"


def test_a_rule_changed_at_this_desk_is_seen_at_once(admin, clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    set_rule(admin, "*", "*", loan_days=10)
    assert loans.checkout(clerk, shelf.adult, "T0003").loan.due_on == "2026-03-12"


def test_a_rolled_back_rule_change_is_forgotten(admin, clerk, shelf):
    with pytest.raises(RuntimeError), admin.write():
        set_rule(admin, "*", "*", loan_days=3)
        assert RuleBook().rule_for("adult", "book", admin.library.node.branch_id).loan_days == 3
        raise RuntimeError("the desk gives up")
    assert RuleBook().rule_for("adult", "book", admin.library.node.branch_id).loan_days == 30
    assert loans.checkout(clerk, shelf.adult, "T0001").loan.due_on == "2026-04-01"


def test_a_holiday_added_at_another_desk_moves_the_next_due_date(admin, clerk, shelf, library):
    loans.checkout(clerk, shelf.adult, "T0001")
    other = _other_desk(library)
    other.execute(
        "INSERT INTO calendar_day (id, branch_id, day, open, kind, name, created_at)"
        " VALUES ('x', NULL, '2026-04-01', 0, 'holiday', '测试', '2026-03-02T09:00:00')"
    )
    other.close()
    assert loans.checkout(clerk, shelf.adult, "T0003").loan.due_on == "2026-04-02"


def test_a_closing_day_set_here_moves_the_next_due_date(admin, clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    calendar.set_closed_weekdays(admin, "ZG", "3")  # 2026-04-01 is a Wednesday
    assert loans.checkout(clerk, shelf.adult, "T0003").loan.due_on == "2026-04-02"


def test_settings_changed_here_or_elsewhere_are_seen(admin, library):
    assert circulation_settings().hold_limit == 2
    change_circulation_settings(admin, hold_limit=4)
    assert circulation_settings().hold_limit == 4
    other = _other_desk(library)
    other.execute("UPDATE setting SET value = '7' WHERE key = 'circ.hold_limit'")
    other.close()
    assert circulation_settings().hold_limit == 7


def test_a_service_point_renamed_elsewhere_is_seen(admin, library):
    point = place_of(admin, "ZG-WJ")
    other = _other_desk(library)
    other.execute("UPDATE service_point SET name = '新名字' WHERE code = 'ZG-WJ'")
    other.close()
    assert place_of(admin, "ZG-WJ").point_name == "新名字" != point.point_name


def test_the_days_circulation_keeps_the_store(admin, clerk, shelf):
    """Loans and returns change nothing cached, so a day at the desk reads the rules once."""
    loans.checkout(clerk, shelf.adult, "T0001")
    book = RuleBook().rules
    loans.return_item(clerk, "T0001")
    loans.checkout(clerk, shelf.adult, "T0003")
    assert RuleBook().rules is book
    assert not caches.journaled("loan") and caches.journaled("loan_rule")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["here", "elsewhere", "rolled back"]), st.integers(1, 90)), min_size=1, max_size=6
    )
)
def test_the_cached_rule_is_always_the_stored_rule(admin, changes):
    branch = admin.library.node.branch_id
    for where, days in changes:
        if where == "here":
            set_rule(admin, "adult", "book", loan_days=days)
        elif where == "elsewhere":
            other = _other_desk(admin.library)
            other.execute(
                "INSERT OR REPLACE INTO loan_rule (id, reader_type, item_type, branch_id, loan_limit,"
                " loan_days, renewals, renew_days, holds_allowed, fine_fen_per_day, updated_at)"
                " VALUES ('adult/book/*', 'adult', 'book', NULL, 5, ?, 1, 30, 1, 0, '2026-03-02')",
                (days,),
            )
            other.close()
        else:
            with pytest.raises(RuntimeError), admin.write():
                set_rule(admin, "adult", "book", loan_days=days)
                raise RuntimeError("given up")
        stored = admin.library.database.execute_sql(
            "SELECT loan_days FROM loan_rule WHERE id = 'adult/book/*'"
        ).fetchone()
        assert RuleBook().rule_for("adult", "book", branch).loan_days == (stored[0] if stored else 30)
