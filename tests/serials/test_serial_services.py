"""The periodicals services on a temporary library: check-in by scan, the day's papers, claims,
binding into a catalogued volume, renewal and the figures; refusals are coded and leave nothing
half-written."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Item, Journal, SerialReceipt, SerialVolume
from ils.catalogue.items import items_of
from ils.catalogue.labels import queued_labels
from ils.catalogue.search import search
from ils.errors import Invalid, NotFound, PermissionDenied
from ils.serials import binding, checkin, claims, figures, subscriptions, titles
from ils.staff import add_staff, log_in
from tests.serials.conftest import READER_ISSN, STORY_ISSN, ean


def _counts() -> tuple[int, int, int]:
    return SerialReceipt.select().count(), Item.select().count(), Journal.select().count()


def test_a_scan_with_its_add_on_checks_in_that_issue_and_says_where_it_goes(room, english):
    first = checkin.check_in_scan(room.session, ean(READER_ISSN, 4))
    assert (first.number, first.copy, first.destination, first.routing_text) == (
        4,
        1,
        "报刊期刊阅览室",
        "Send 1 to 报刊期刊阅览室",
    )
    assert first.issue_label == "2026 No. 4 (total 804)"
    second = checkin.check_in_scan(room.session, ean(READER_ISSN, 4))
    assert (second.copy, second.destination, second.received) == (2, "少儿阅览室", 2)
    before = _counts()
    with pytest.raises(Invalid) as refused:
        checkin.check_in_scan(room.session, ean(READER_ISSN, 4))
    assert refused.value.code == "serials.already_checked_in"
    assert _counts()[:2] == before[:2]


def test_without_the_add_on_the_next_expected_issue_is_taken(room):
    assert checkin.check_in_scan(room.session, ean(STORY_ISSN, 1)).number == 1
    nxt = checkin.check_in_scan(room.session, ean(STORY_ISSN))
    assert nxt.number == 2  # 故事会 comes out monthly; on 2026-03-02 No. 3 (Mar 1) is due too
    assert checkin.check_in_scan(room.session, ean(STORY_ISSN)).number == 3
    with pytest.raises(Invalid) as refused:  # No. 4 is dated 2026-04-01, too far ahead
        checkin.check_in_scan(room.session, ean(STORY_ISSN))
    assert refused.value.code == "serials.next_not_due"


def test_an_unexpected_issue_is_accepted_with_a_note(room):
    extra = checkin.check_in_scan(room.session, ean(STORY_ISSN, 13))  # a 13th issue of a monthly
    assert extra.unexpected and extra.number == 13
    assert SerialReceipt.get(SerialReceipt.id == extra.receipt_id).note == "unexpected"


def test_an_unknown_cover_and_a_title_without_subscription_are_refused(room):
    with pytest.raises(NotFound) as refused:
        checkin.check_in_scan(room.session, ean("0317-8471", 1))
    assert refused.value.code == "serials.unknown_periodical"
    titles.add_title(room.session, titles.TitleForm("收获", "magazine", "bimonthly", issn="0317-8471"))
    with pytest.raises(NotFound) as refused:
        checkin.check_in_scan(room.session, ean("0317-8471", 1))
    assert refused.value.code == "serials.no_subscription"


def test_todays_papers_arrive_in_bulk_except_those_named(room, english):
    day = dt.date(2026, 3, 5)  # a Thursday: 湖南日报 and 南方周末 both come out
    done = checkin.check_in_day(room.session, day, missing=["南方周末"])
    assert [line.title for line in done.received] == ["湖南日报"]
    assert [line.title for line in done.missing] == ["南方周末"]
    assert done.received[0].copies == 1  # the second copy goes to 阳三分馆, which checks in its own
    again = checkin.check_in_day(room.session, day)
    assert [line.title for line in again.received] == ["南方周末"] and again.already == 1


def test_a_paper_named_missing_on_a_day_it_does_not_come_out_checks_in_nothing(room):
    friday = dt.date(2026, 3, 6)  # 南方周末 comes out on Thursdays
    with pytest.raises(Invalid) as refused:
        checkin.check_in_day(room.session, friday, missing=["南方周末"])
    assert refused.value.code == "serials.not_due_today"
    assert [line.title for line in checkin.check_in_day(room.session, friday).received] == ["湖南日报"]


def test_a_claim_opens_and_the_received_issue_closes_it(room):
    session = room.session
    late = {(x.title, x.number): x for x in claims.late_issues(session, dt.date(2026, 3, 2))}
    assert ("故事会", 1) in late and late[("故事会", 1)].missing == 1
    made = claims.claim(session, "故事会", 2026, 1)
    assert made.state == "open" and made.supplier == "agent"
    with pytest.raises(Invalid) as refused:
        claims.claim(session, "故事会", 2026, 1)
    assert refused.value.code == "serials.claimed_today"
    assert [c.id for c in claims.list_claims(session)] == [made.id]
    answered = checkin.check_in(session, "故事会", 1)
    assert answered.claims_answered == 1
    assert claims.list_claims(session) == []
    assert [c.state for c in claims.list_claims(session, state=None)] == ["received"]
    with pytest.raises(Invalid) as refused:
        claims.claim(session, "故事会", 2026, 1)
    assert refused.value.code == "serials.claim_received"


def test_binding_a_quarter_makes_a_copy_that_search_finds_with_its_run(room, clock):
    session = room.session
    day = dt.date(2026, 1, 1)
    while day <= dt.date(2026, 3, 31):
        checkin.check_in_day(session, day)
        day += dt.timedelta(days=1)
    clock.advance(days=40)
    check = binding.check_run(session, "湖南日报", 2026, "q1")
    assert check.complete and check.expected == len(check.present) == 74
    volume = binding.bind(session, "湖南日报", 2026, "q1", barcode="QK00000001")
    assert volume.call_number == "Z/430001:2026Q1" and volume.issues == 74 and not volume.missing
    hits = search("QK00000001").hits
    assert len(hits) == 1 and hits[0].title == "湖南日报" and hits[0].matched_barcode == "QK00000001"
    copy = next(i for i in items_of(hits[0].bib_id) if i.barcode == "QK00000001")
    assert copy.item_type == "periodical" and "2026年第1季度" in copy.note
    assert [label.barcode for label in queued_labels("spine")] == ["QK00000001"]
    assert SerialReceipt.select().where(SerialReceipt.bound_volume_id == volume.id).count() == 74
    assert search("湖南日报").hits[0].bib_id == hits[0].bib_id
    with pytest.raises(Invalid) as refused:  # the loose issues are retired: nothing left to bind
        binding.bind(session, "湖南日报", 2026, "q1", barcode="QK00000002")
    assert refused.value.code == "serials.run_empty"


def test_a_run_with_gaps_is_refused_unless_accepted_and_a_taken_barcode_changes_nothing(room):
    session = room.session
    for number in (1, 2, 3, 5, 6):
        checkin.check_in(session, "读者", number)
    with pytest.raises(Invalid) as refused:
        binding.bind(session, "读者", 2026, "q1", barcode="QK00000009")
    assert refused.value.code == "serials.run_incomplete"
    taken = binding.add_bound_volume(session, "读者", 2025, "year", barcode="QK00000009").barcode
    before = _counts()
    with pytest.raises(Invalid) as refused:
        binding.bind(session, "读者", 2026, "n1-6", barcode=taken, accept_missing=True)
    assert refused.value.code == "serials.barcode_taken"
    assert _counts()[:2] == before[:2]
    assert SerialReceipt.select().where(SerialReceipt.retired_at.is_null(False)).count() == 0
    volume = binding.bind(session, "读者", 2026, "n1-6", barcode="QK00000010", accept_missing=True)
    assert volume.missing == (4,) and volume.issues == 5


def test_historical_runs_are_entered_as_volumes(room):
    for year in (1951, 1952):
        for run in ("h1", "h2"):
            binding.add_bound_volume(room.session, "湖南日报", year, run, barcode=f"QK{year}{run.upper()}")
    found = binding.volumes_of("湖南日报")
    assert [(v.year, v.run) for v in found] == [(1951, "h1"), (1951, "h2"), (1952, "h1"), (1952, "h2")]
    assert found[0].call_number == "Z/430001:1951H1" and found[0].historical
    assert (found[0].first_date, found[0].last_date) == ("1951-01-01", "1951-06-30")
    shelved = {i.location_code for i in items_of(titles.find_title("湖南日报").bib_id)}
    assert shelved == {"ZG-BK"}  # where the paper's copies are read


def test_renewal_copies_the_year_and_the_order_list_totals_per_supplier(room):
    session = room.session
    subscriptions.cancel(session, "南方周末", 2026)
    done = subscriptions.renew_year(session, 2026)
    assert (done.year, done.copied, done.already) == (2027, 3, 0)
    assert subscriptions.renew_year(session, 2026).already == 3  # renewing again adds nothing
    reader = subscriptions.find_subscription("读者", 2027)
    assert (reader.volume, reader.first_total, reader.copies) == (47, 801 + 24, 2)
    order = subscriptions.order_list(2027)
    totals = {t.supplier: (t.titles, t.copies, t.total_fen) for t in order.suppliers}
    assert totals == {"post": (2, 4, 2 * 600 * 24 + 2 * 49800), "agent": (1, 1, 12000)}
    assert order.total_fen == sum(t[2] for t in totals.values())


def test_figures_come_from_the_records(room, english):
    session = room.session
    checkin.check_in_scan(session, ean(READER_ISSN, 1))
    checkin.check_in_scan(session, ean(READER_ISSN, 1))
    claims.claim(session, "故事会", 2026, 1)
    found = figures.figures(session, 2026)
    assert (found.titles, found.newspapers, found.magazines) == (4, 2, 2)
    assert (found.issues_received, found.copies_received, found.claims, found.claims_open) == (1, 2, 1, 1)
    assert found.spending_fen == {"China Post (邮局征订)": 2 * 600 * 24 + 2 * 49800 + 18000, "Agent": 12000}


def test_staff_without_the_periodicals_permission_are_refused(room, admin, library):
    add_staff(admin, username="clerk", display_name="李芳", password="clerk-pass-1", roles="circulation", branch="ZG")
    clerk = log_in(library, "clerk", "clerk-pass-1")
    with pytest.raises(PermissionDenied):
        checkin.check_in_scan(clerk, ean(READER_ISSN, 1))
    assert SerialReceipt.select().count() == 0 and SerialVolume.select().count() == 0


def test_in_january_an_add_on_names_last_decembers_issue_and_a_copy_too_many_is_refused(room, clock):
    session = room.session
    subscriptions.renew_year(session, 2026)
    clock.advance(days=310)  # 2027-01-07
    december = checkin.check_in_scan(session, ean(STORY_ISSN, 12))
    assert (december.year, december.number) == (2026, 12)
    january = checkin.check_in_scan(session, ean(STORY_ISSN, 1))
    assert (january.year, january.number) == (2027, 1)
    with pytest.raises(Invalid) as refused:  # 故事会 takes one copy: not last year's No. 1 instead
        checkin.check_in_scan(session, ean(STORY_ISSN, 1))
    assert refused.value.code == "serials.already_checked_in"
