"""The events services, each checked on the stored rows: programmes and sessions, registration
with a waiting list, the door, head counts, an exhibition's daily counts, tallies, enquiries,
the ledgers and the year's figures."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import EventCount, EventRegistration, EventScan, EventSession, Journal
from ils.errors import Invalid, NotFound, PermissionDenied
from ils.events import (
    attendance,
    enquiries,
    figures,
    ledgers,
    programmes,
    registration,
    tallies,
    training,
)
from ils.readers.lifecycle import report_lost
from tests.services.reader_samples import citizen, register

TODAY = dt.date(2026, 3, 2)


def _lecture(events, **session):
    p = programmes.add_programme(
        events, title="陶瓷文化讲座", kind="lecture", brand="阅读悦好", audience="adults", reading_for_all=True
    )
    s = programmes.add_session(events, p.id, starts=session.pop("starts", "2026-03-02 09:30"), venue="hall", **session)
    return p, s


def test_a_programme_with_sessions_is_stored_and_listed(events):
    p, s = _lecture(events)
    second = programmes.add_session(events, p.id, starts="2026-03-09 14:00", venue_kind="outside", venue="城南小学")
    assert s.venue_label == "Multi-purpose lecture hall" or s.venue == "hall"
    assert [x.id for x in programmes.sessions_of(events, p.id)] == [s.id, second.id]
    assert EventSession.get_by_id(second.id).venue == "城南小学"
    assert [x.title for x in programmes.calendar(events, TODAY, TODAY + dt.timedelta(days=10))] == ["陶瓷文化讲座"] * 2
    changed = programmes.change_programme(events, p.id, title="陶瓷文化系列讲座", audience="elderly")
    assert (changed.title, changed.audience, changed.brand) == ("陶瓷文化系列讲座", "elderly", "阅读悦好")
    assert Journal.select().where(Journal.action == "events.programme_change").count() == 1


def test_bad_input_is_refused_with_a_code_and_nothing_is_written(events):
    before = EventSession.select().count()
    with pytest.raises(Invalid) as refused:
        programmes.add_programme(events, title="讲座", kind="party")
    assert refused.value.code == "events.unknown_choice"
    p, _s = _lecture(events)
    for kwargs, code in (
        ({"starts": "yesterday"}, "events.bad_moment"),
        ({"starts": "2026-03-02", "venue": "kitchen"}, "events.unknown_choice"),
        ({"starts": "2026-03-02", "ends_on": "2026-02-01"}, "events.bad_range"),
        ({"starts": "2026-03-02", "capacity": "-3"}, "events.count_out_of_range"),
    ):
        with pytest.raises(Invalid) as refused:
            programmes.add_session(events, p.id, **{"venue": "hall", **kwargs})
        assert refused.value.code == code
    assert EventSession.select().count() == before + 1
    with pytest.raises(NotFound):
        programmes.add_session(events, "nope", starts="2026-03-02")


def test_registration_fills_the_places_then_the_waiting_list_moves_up(events, admin):
    _p, s = _lecture(events, capacity=3)
    reader = register(admin, "王芳", citizen("19850312")).summary.card_number
    first = registration.register(events, s.id, card=reader)
    pair = registration.register(events, s.id, name="李雷", phone="13812345678", party=2)
    assert (first.state, pair.state, pair.places_left, pair.phone) == ("registered", "registered", 0, "138****5678")
    late = registration.register(events, s.id, name="韩梅梅", phone="13900001111")
    assert (late.state, late.position) == ("waiting", 1)
    with pytest.raises(Invalid) as refused:
        registration.register(events, s.id, card=reader)
    assert refused.value.code == "events.already_registered"
    with pytest.raises(Invalid) as refused:
        registration.register(events, s.id, name="无电话")
    assert refused.value.code == "events.phone_needed"
    promoted = registration.cancel_registration(events, first.id)
    assert [r.id for r in promoted] == [late.id]
    states = {r.id: r.state for r in EventRegistration.select()}
    assert states == {first.id: "cancelled", pair.id: "registered", late.id: "registered"}
    stored = EventRegistration.get_by_id(pair.id)
    assert stored.phone_cipher and b"13812345678" not in stored.phone_cipher
    assert "13812345678" not in "".join(str(j.data) for j in Journal.select())


def test_no_registration_without_a_capacity(events):
    _p, s = _lecture(events)
    with pytest.raises(Invalid) as refused:
        registration.register(events, s.id, name="李雷", phone="13812345678")
    assert refused.value.code == "events.no_registration"


def test_the_door_counts_each_card_once_and_refuses_a_dead_card(events, admin):
    _p, s = _lecture(events)
    adult = register(admin, "王芳", citizen("19850312")).summary.card_number
    lost = register(admin, "张伟", citizen("19790101", order="222")).summary.card_number
    report_lost(admin, lost)
    assert attendance.scan_at_door(events, s.id, adult).first_today
    again = attendance.scan_at_door(events, s.id, adult)
    assert (again.first_today, again.scans_today) == (False, 1)
    with pytest.raises(Invalid) as refused:
        attendance.scan_at_door(events, s.id, lost)
    assert refused.value.code == "readers.card_lost"
    assert EventScan.select().count() == 1
    assert [(d.total, d.counted) for d in attendance.attendance_of(events, s.id)] == [(1, "scans")]
    # A head count, once typed, stands for the day.
    attendance.record_count(events, s.id, total=85, adults=60, children=25)
    assert [(d.total, d.adults, d.children, d.counted) for d in attendance.attendance_of(events, s.id)] == [
        (85, 60, 25, "head")
    ]


def test_a_head_count_is_checked_and_a_second_count_corrects_it(events):
    _p, s = _lecture(events)
    with pytest.raises(Invalid) as refused:
        attendance.record_count(events, s.id, total=10, adults=6, children=5)
    assert refused.value.code == "events.split_disagrees"
    with pytest.raises(Invalid) as refused:
        attendance.record_count(events, s.id, total="很多")
    assert refused.value.code == "events.not_a_number"
    with pytest.raises(Invalid) as refused:
        attendance.record_count(events, s.id, total=10, day="2026-03-01")
    assert refused.value.code == "events.not_a_session_day"
    attendance.record_count(events, s.id, total=80)
    attendance.record_count(events, s.id, adults=50, children=40)
    assert [(c.total, c.adults) for c in EventCount.select()] == [(90, 50)]


def test_an_exhibitions_daily_counts_sum_over_its_days(events, clock):
    p = programmes.add_programme(events, title="百年庆华诞党报党刊展", kind="exhibition")
    s = programmes.add_session(events, p.id, starts="2026-02-20", ends_on="2026-12-31", venue="exhibition_hall")
    for n, day in enumerate(("2026-02-20", "2026-02-21", "2026-02-23", "2026-03-02")):
        attendance.record_count(events, s.id, total=100 + n, day=day)
    with pytest.raises(Invalid) as refused:
        attendance.record_count(events, s.id, total=5, day="2026-03-05")
    assert refused.value.code == "events.date_in_future"
    days = attendance.attendance_of(events, s.id)
    assert [d.day for d in days] == ["2026-02-20", "2026-02-21", "2026-02-23", "2026-03-02"]
    assert sum(d.total for d in days) == 406
    year = figures.year_figures(events, 2026)
    assert (year.sessions, year.attendance) == (1, 406)
    assert {line.code: (line.count, line.people) for line in year.national_return}["exhibition"] == (1, 406)
    february = figures.figures(events, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert february.attendance == 303


def test_tallies_enquiries_and_ledgers_reach_the_years_figures(events, clerk):
    _p, s = _lecture(events)
    attendance.record_count(events, s.id, total=120, adults=100, children=20)
    tallies.record_tally(events, site_kind="branch", site="ZG", count=800, day="2026-03-01")
    tallies.record_tally(events, site_kind="branch", site="ZG", count=850, day="2026-03-01")  # corrected
    tallies.record_tally(events, site_kind="room", site="e_reading", count=35, measure="sessions")
    tallies.record_digital(events, month="2026-02", platform="超星", measure="clicks", value=15000)
    tallies.record_digital(events, month="2026-02", platform="微信公众号", measure="booklists", value=18)
    with pytest.raises(Invalid) as refused:
        tallies.record_digital(events, month="2026-04", platform="超星", measure="clicks", value=1)
    assert refused.value.code == "events.month_in_future"
    assert enquiries.tally_enquiry(clerk, channel="phone", kind="reference").today == 1
    assert enquiries.tally_enquiry(events).today == 2
    ledgers.add_media_report(events, outlet="株洲日报", title="醴陵图书馆举办陶瓷文化讲座", reported_on="2026-03-02")
    honour = ledgers.add_honour(events, body="湖南省图书馆学会", title="书香城市（区县级）", awarded_on="2026-01-15")
    ledgers.record_reach(events, channel="wechat", title="讲座回顾", views=3000, clicks=1200, pushes=1)
    training.record_training(events, audience="branch_staff", branch="ZG", topic="图书分编", hours="2.5", attendees=12)
    training.record_volunteers(events, activity="少儿阅览室引导", people=4, hours=3)
    entry = ledgers.offer_milestone(events, source_kind="honour", source_id=honour.id)
    assert "书香城市" in entry.text and "授予" in entry.text  # the 大事记 is written in Chinese
    with pytest.raises(Invalid) as refused:
        ledgers.offer_milestone(events, source_kind="honour", source_id=honour.id)
    assert refused.value.code == "events.milestone_exists"
    f = figures.year_figures(events, 2026)
    assert (f.programmes, f.sessions, f.attendance, f.adults, f.children) == (1, 1, 120, 100, 20)
    assert (f.tallied_visits, f.visits, f.enquiries, f.media_reports, f.honours) == (850, 850, 2, 1, 1)
    assert (f.online_clicks, f.online_views) == (1200, 3000)
    assert {line.code: line.people for line in f.digital} == {"clicks": 15000, "booklists": 18}
    assert {line.code: line.count for line in f.rooms} == {"e_reading": 35}
    assert (f.branch_training.count, f.branch_training_hours, f.volunteer_hours) == (1, 2.5, 12.0)
    assert {line.code: line.count for line in f.enquiries_by_channel} == {"in_person": 1, "phone": 1}
    w = figures.window(events, 2026)
    assert w.years == (2023, 2024, 2025, 2026)
    assert {r.code: r.average for r in w.rows}["attendance"] == 30.0


def test_only_the_events_desk_records_but_every_counter_tallies(clerk):
    with pytest.raises(PermissionDenied):
        programmes.add_programme(clerk, title="讲座", kind="lecture")
    with pytest.raises(PermissionDenied):
        figures.year_figures(clerk, 2026)
    assert enquiries.tally_enquiry(clerk).today == 1
