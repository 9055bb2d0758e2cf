"""The overdue list a branch works through, and the SMS notices for readers who asked for them."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from db.models import Journal
from ils.circulation import loans, losses, overdues
from ils.errors import PermissionDenied
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ
from tests.services.reader_samples import citizen, register

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def late(admin, clerk, shelf, clock):
    """Four readers with copies out past their due date: one asked for SMS, one gave a phone only,
    one no phone, one borrowed at the XHMZ branch."""
    texted = register(
        admin, "赵敏", citizen("19880808", order="444"), phone="13812345678", consents=frozenset({"sms"})
    ).summary.card_number
    phoned = register(admin, "钱多", citizen("19770707", order="555"), phone="13900001111").summary.card_number
    loans.checkout(clerk, texted, "T0001")  # 三体, due 2026-04-01
    clock.set(dt.datetime(2026, 3, 5, 9, 0, tzinfo=TZ))
    loans.checkout(clerk, texted, "T0003")  # 呐喊, due 2026-04-04
    loans.checkout(clerk, phoned, "T0004")
    loans.checkout(clerk, shelf.adult, "T0005")
    loans.checkout(clerk, shelf.other, "T0008", point="XHMZ-JH")
    clock.set(dt.datetime(2026, 4, 10, 9, 0, tzinfo=TZ))
    return texted, phoned


def test_the_list_is_the_desks_branch_most_overdue_first_with_phones_masked(clerk, shelf, late):
    texted, phoned = late
    rows = overdues.overdue_list(clerk)
    assert [(r.barcode, r.days_overdue) for r in rows] == [("T0001", 9), ("T0004", 6), ("T0005", 6), ("T0003", 6)]
    first = rows[0]
    assert (first.title, first.card_number, first.reader_name, first.phone) == ("三体", texted, "赵敏", "138****5678")
    assert rows[1].phone == "139****1111" and rows[2].phone is None  # same day late: by title (pinyin)
    assert {r.branch_code for r in rows} == {"ZG"}


def test_another_branch_or_all_of_them(clerk, shelf, late):
    assert [r.barcode for r in overdues.overdue_list(clerk, "xhmz")] == ["T0008"]
    assert len(overdues.overdue_list(clerk, all_branches=True)) == 5


def test_a_claimed_return_is_not_chased(clerk, shelf, late):
    losses.claim_returned(clerk, "T0001")
    assert "T0001" not in [r.barcode for r in overdues.overdue_list(clerk)]


def test_full_phones_only_with_the_export_permission_and_journaled(admin, clerk, shelf, late):
    with pytest.raises(PermissionDenied):
        overdues.overdue_list(clerk, reveal_contact=True)
    rows = overdues.overdue_list(admin, reveal_contact=True)
    assert rows[0].phone == "13812345678"
    journal = Journal.select().where(Journal.action == "overdue.reveal_contact").get()
    assert json.loads(journal.data) == {"readers": 2} and "138" not in journal.data


def test_sms_notices_only_for_readers_who_consented(admin, clerk, shelf, late, tmp_path):
    texted, _phoned = late
    out = tmp_path / "sms.csv"
    with pytest.raises(PermissionDenied):
        overdues.sms_export(clerk, out)
    export = overdues.sms_export(admin, out)
    assert [(n.card_number, n.phone, n.items, n.due_on) for n in export.notices] == [
        (texted, "13812345678", 2, "2026-04-01")
    ]
    assert export.skipped == 2  # a phone without consent, and no phone at all
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["Mobile phone", "Reader name", "SMS text"]
    assert rows[1][:2] == ["13812345678", "赵敏"]
    assert "三体" in rows[1][2] and "2 in all" in rows[1][2] and "2026-04-01" in rows[1][2]
    assert "醴陵市图书馆" in rows[1][2]
    journal = Journal.select().where(Journal.action == "overdue.sms_export").get()
    assert json.loads(journal.data) == {"notices": 1, "skipped": 2} and "138" not in journal.data


def test_one_item_or_several_read_naturally():
    assert overdues.sms_text("醴陵市图书馆", "王芳", "三体", 1, "2026-04-01") == (
        "[醴陵市图书馆] 王芳, 三体, which you borrowed, was due on 2026-04-01: please return it soon."
    )
    assert "三体 and the other items you borrowed, 3 in all" in overdues.sms_text(
        "醴陵市图书馆", "王芳", "三体", 3, "2026-04-01"
    )
