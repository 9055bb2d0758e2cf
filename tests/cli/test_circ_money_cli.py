"""``ils circ`` for overdues and money, as a librarian or a script uses it: lists with masked
phones, the SMS file, lost and damaged copies, payments in parts, waivers refused to a clerk."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from ils.catalogue.items import add_item
from ils.circulation import loans
from ils.clock import FixedClock
from ils.initialise import initialise
from ils.staff import add_staff, log_in
from tests.services.conftest import ADMIN_PASSWORD, TZ
from tests.services.reader_samples import citizen, register
from tests.services.test_book_numbers import new_record

CLERK_PASSWORD = "clerk-pass-1"


def ils(db, *args, staff="admin", password=ADMIN_PASSWORD):
    env = {**os.environ, "ILS_STAFF": staff, "ILS_PASSWORD": password, "ILS_DB": str(db)}
    env.pop("ILS_LANG", None)
    done = subprocess.run(
        [sys.executable, "-m", "ils", "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        input="",
        timeout=900,
    )
    assert "13812345678" not in done.stderr
    return done


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """Loans made in January 2020 at the central library, all long overdue by the real clock."""
    path = tmp_path_factory.mktemp("circ-money") / "lib.sqlite"
    library = initialise(
        path,
        admin_username="admin",
        admin_password=ADMIN_PASSWORD,
        clock=FixedClock(dt.datetime(2020, 1, 2, 9, 0, tzinfo=TZ)),
    )
    admin = log_in(library, "admin", ADMIN_PASSWORD)
    add_staff(admin, username="clerk", display_name="李芳", password=CLERK_PASSWORD, roles="circulation", branch="ZG")
    for barcode, title, price in (
        ("T0001", "三体", "CNY23.00"),
        ("T0003", "呐喊", None),
        ("T0004", "红楼梦", None),
        ("T0005", "活着", None),
        ("T0006", "围城", None),
        ("T0007", "边城", None),
        ("T0008", "平凡的世界", None),
    ):
        add_item(admin, new_record(admin, title, clc="I247.5"), barcode, location="ZG-WJ", price=price)
    texted = register(
        admin, "赵敏", citizen("19880808", order="444"), phone="13812345678", consents=frozenset({"sms"})
    ).summary.card_number
    phoned = register(admin, "钱多", citizen("19770707", order="555"), phone="13900001111").summary.card_number
    for barcode in ("T0001", "T0003"):
        loans.checkout(admin, texted, barcode)
    library.clock.set(dt.datetime(2020, 1, 5, 9, 0, tzinfo=TZ))
    for barcode in ("T0004", "T0005", "T0006", "T0007"):
        loans.checkout(admin, phoned, barcode)
    library.close()
    return path, texted, phoned


def test_overdue_list_most_overdue_first_with_phones_masked(desk):
    db, texted, phoned = desk
    done = ils(db, "circ", "overdue", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["barcode"] for r in rows][:2] == ["T0003", "T0001"]  # due three days earlier; then by title
    assert rows[0]["days_overdue"] > rows[-1]["days_overdue"]
    assert {r["phone"] for r in rows} == {"138****5678", "139****1111"}
    assert "13812345678" not in done.stdout
    text = ils(db, "circ", "overdue", "--all").stdout
    assert "三体" in text and "赵敏" in text and "138****5678" in text and "总馆" in text
    assert "Nothing is overdue." in ils(db, "circ", "overdue", "--branch", "XHMZ").stdout


def test_full_phones_and_the_sms_file_are_for_staff_with_the_export_permission(desk, tmp_path):
    db, texted, phoned = desk
    refused = ils(db, "circ", "overdue", "--reveal", staff="clerk", password=CLERK_PASSWORD)
    assert refused.returncode == 1 and "export" in refused.stderr
    assert "13812345678" in ils(db, "circ", "overdue", "--reveal").stdout
    out = tmp_path / "sms.csv"
    done = ils(db, "circ", "sms-export", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["skipped"] == 1 and [n["card_number"] for n in result["notices"]] == [texted]
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][:2] == ["13812345678", "赵敏"] and "2 in all" in rows[1][2]
    assert ils(db, "circ", "sms-export", "--out", str(out), staff="clerk", password=CLERK_PASSWORD).returncode == 1


def test_lost_then_paid_in_two_parts(desk):
    db, texted, phoned = desk
    lost = ils(db, "circ", "lost", "T0005", "--json")
    assert lost.returncode == 0, lost.stderr
    charge = json.loads(lost.stdout)["charges"][0]
    assert charge["kind"] == "lost" and charge["amount_fen"] == 3000  # no price: the default
    listed = json.loads(ils(db, "circ", "charges", phoned, "--json").stdout)
    assert [c["id"] for c in listed] == [charge["id"]]
    part = ils(db, "circ", "pay", charge["id"], "--amount", "10.00")
    assert part.returncode == 0 and "¥20.00 still owed" in part.stdout
    too_much = ils(db, "circ", "pay", charge["id"], "--amount", "25")
    assert too_much.returncode == 1 and "Only ¥20.00 is owed" in too_much.stderr
    rest = json.loads(ils(db, "circ", "pay", charge["id"], "--amount", "20", "--json").stdout)
    assert rest["settled_at"] is not None and rest["owed_fen"] == 0
    assert "Nothing is owed." in ils(db, "circ", "charges", phoned).stdout
    assert charge["id"] in ils(db, "circ", "charges", phoned, "--settled").stdout


def test_damaged_with_an_amount_and_a_waiver_only_for_a_supervisor(desk):
    db, texted, phoned = desk
    done = ils(db, "circ", "damaged", "T0006", "--amount", "12.50", "--note", "水渍", "--json")
    assert done.returncode == 0, done.stderr
    charge = json.loads(done.stdout)["charges"][0]
    assert (charge["kind"], charge["amount_fen"], charge["note"]) == ("damaged", 1250, "水渍")
    refused = ils(db, "circ", "waive", charge["id"], "--reason", "first time", staff="clerk", password=CLERK_PASSWORD)
    assert refused.returncode == 1 and "waive" in refused.stderr
    waived = ils(db, "circ", "waive", charge["id"], "--reason", "first time")
    assert waived.returncode == 0 and "is settled" in waived.stdout


def test_claimed_returned_then_written_off(desk):
    db, texted, phoned = desk
    claim = ils(db, "circ", "claim", "T0007")
    assert claim.returncode == 0 and "missing" in claim.stdout
    assert "T0007" not in ils(db, "circ", "overdue").stdout
    assert ils(db, "circ", "writeoff", "T0007").returncode == 2  # --reason is required
    done = json.loads(ils(db, "circ", "writeoff", "T0007", "--reason", "searched twice", "--json").stdout)
    assert done["item_status"] == "missing" and done["charges"] == []


def test_bad_input_is_a_clear_refusal(desk):
    db, texted, phoned = desk
    unknown = ils(db, "circ", "lost", "ZZ999")
    assert unknown.returncode == 1 and "No item has the barcode ZZ999" in unknown.stderr
    not_lent = ils(db, "circ", "claim", "T0008")
    assert not_lent.returncode == 1 and "not on loan" in not_lent.stderr
    bad_amount = ils(db, "circ", "pay", "no-such-charge", "--amount", "abc")
    assert bad_amount.returncode == 1 and bad_amount.stderr.startswith("Amount paid: abc ")
    no_charge = ils(db, "circ", "pay", "no-such-charge", "--amount", "1")
    assert no_charge.returncode == 1 and "There is no charge no-such-charge" in no_charge.stderr
