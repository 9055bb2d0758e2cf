"""``ils circ ...`` as a desk or a script uses it on the demo library: loans, holds, the van's
stops, rotation and the settings, with --json and clear refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.services.reader_samples import citizen

FAR = "2099-01-01"  # a due-back date after any day the tests run


def van_figure(stats: dict) -> dict:
    return next((f for f in stats["branches"] if f["branch_code"] == "LDQC"), {"volumes": 0, "loans": 0})


def ils(db, *args, staff="circ", stdin=""):
    env = {**os.environ, "ILS_STAFF": staff, "ILS_PASSWORD": "demo1234", "ILS_DB": str(db)}
    env.pop("ILS_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "ils", "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=900,
    )


def ok(db, *args, staff="circ"):
    done = ils(db, *args, staff=staff)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if "--json" in args else done.stdout


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("circ") / "demo.sqlite"
    done = ils(path, "demo", staff="admin")
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def shelf_copies(db) -> list[str]:
    """Copies on the central library's lending shelves that nobody has borrowed or rotated."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            """SELECT item.barcode FROM item JOIN branch ON branch.id = item.branch_id
               JOIN location ON location.id = item.location_id
               WHERE branch.code = 'ZG' AND item.status = 'available' AND location.loanable = 1
                 AND item.item_type = 'book' AND item.at_branch_id IS NULL AND item.rotation_batch_id IS NULL
                 AND NOT EXISTS (SELECT 1 FROM hold WHERE hold.bib_id = item.bib_id)
               ORDER BY item.barcode LIMIT 12"""
        ).fetchall()
    assert len(rows) == 12
    return [barcode for (barcode,) in rows]


@pytest.fixture(scope="module")
def card(db) -> str:
    record = ok(db, "readers", "add", "欧阳明", "--id-number", citizen("19770707", order="917"), "--json")
    return record["summary"]["card_number"]


def test_checkout_renew_return_and_the_readers_loans(db, card, shelf_copies):
    barcode = shelf_copies[0]
    lent = ok(db, "circ", "checkout", card, barcode, "--json")
    assert lent["loan"]["barcode"] == barcode and lent["reader"]["card_number"] == card
    assert [loan["barcode"] for loan in ok(db, "circ", "loans", card, "--json")] == [barcode]
    assert ok(db, "circ", "renew", barcode, "--json")["renewals"] == 1
    again = ils(db, "circ", "renew", barcode)
    assert again.returncode == 1
    assert again.stderr.splitlines() == [
        "No renewals left: 1 of 1 used.",
        "Staff allowed to override the rules may add --override REASON.",
    ]
    as_json = ils(db, "circ", "renew", barcode, "--json")
    assert as_json.returncode == 1 and as_json.stdout == ""
    error = json.loads(as_json.stderr)["error"]
    assert error["code"] == "circ.loan_refused" and error["overridable"] is True
    assert [reason["code"] for reason in error["reasons"]] == ["circ.no_renewals_left"]
    overriding = ils(db, "circ", "renew", barcode, "--override", "exam week")
    assert overriding.returncode == 1 and "may not override a loan rule" in overriding.stderr
    assert "renewed" in ok(db, "circ", "renew", barcode, "--override", "exam week", staff="admin")
    returned = ok(db, "circ", "return", barcode, "--point", "XHMZ-JH", "--json")
    assert returned["disposition"]["action"] == "transit" and returned["disposition"]["to_branch_code"] == "ZG"
    assert barcode in ok(db, "circ", "transit", "--branch", "XHMZ", "--outgoing")
    assert "Shelve it." in ok(db, "circ", "receive", barcode)
    assert [loan["barcode"] for loan in ok(db, "circ", "loans", card, "--history", "--json")] == [barcode]


def test_a_refused_checkout_says_why_and_exits_non_zero(db, card, shelf_copies):
    barcode = shelf_copies[1]
    ok(db, "circ", "checkout", card, barcode)
    twice = ils(db, "circ", "checkout", card, barcode)
    assert twice.returncode == 1 and f"{barcode} is already on loan to this reader" in twice.stderr
    assert "override" not in twice.stderr
    unknown = ils(db, "circ", "checkout", card, "ZZ999")
    assert unknown.returncode == 1 and "No item has the barcode ZZ999." in unknown.stderr
    ok(db, "circ", "return", barcode)


def test_a_hold_is_placed_listed_and_cancelled(db, card, shelf_copies):
    hold = ok(db, "circ", "hold", card, shelf_copies[2], "--pickup", "XHMZ", "--json")
    assert hold["pickup_branch_code"] == "XHMZ" and hold["state"] == "waiting" and hold["position"] == 1
    assert [h["id"] for h in ok(db, "circ", "holds", card, "--json")] == [hold["id"]]
    assert ok(db, "circ", "cancel-hold", hold["id"], "--json")["hold"]["state"] == "cancelled"
    assert ok(db, "circ", "holds", card).strip() == "No holds."
    shelf = ok(db, "circ", "hold-shelf", "--branch", "XHMZ", "--json")
    assert all(h["pickup_branch_code"] == "XHMZ" and h["state"] == "ready" for h in shelf)


def test_a_rotation_batch_goes_to_a_van_stop_is_lent_there_and_comes_back(db, card, shelf_copies):
    year = str(dt.date.today().year)  # the commands run on the real clock
    before = ok(db, "circ", "rotation", "stats", year, "--json")  # the demo may have rotated stock already
    stop = ok(db, "circ", "stops", "add", "LDQC-FL1", "枫林镇集市", "--route", "东线", "--json", staff="admin")
    assert stop["route"] == "东线" and stop["van_code"] == "LDQC"
    assert "东线\n  LDQC-FL1  枫林镇集市" in ok(db, "circ", "stops", "list")
    batch = ok(db, "circ", "rotation", "create", "LDQC-FL1", "--due", FAR, "--note", "送书下乡", "--json")
    code = batch["code"]
    assert batch["state"] == "packing" and batch["to_point_code"] == "LDQC-FL1"

    copies = shelf_copies[3:6]
    added = ils(db, "circ", "rotation", "add", code, *copies, "ZZ999")
    assert added.returncode == 1 and added.stderr.strip() == "No item has the barcode ZZ999."
    assert f"3 copies added to {code}" in added.stdout
    sent = ok(db, "circ", "rotation", "send", code, "--json")
    assert sorted(sent["sent"]) == copies and sent["in_transit"] and sent["batch"]["sent_at"].startswith(year)
    incoming = ok(db, "circ", "transit", "--branch", "LDQC", "--json")
    assert {t["barcode"] for t in incoming if t["reason"] == "rotation"} == set(copies)

    assert "Shelve it." in ok(db, "circ", "receive", copies[0], "--point", "LDQC-FL1")
    ok(db, "circ", "checkout", card, copies[0], "--point", "LDQC-FL1")
    [listed] = [b for b in ok(db, "circ", "rotation", "list", "--state", "out", "--json") if b["code"] == code]
    assert (listed["items"], listed["on_loan"], listed["loans"]) == (3, 1, 1)
    assert copies[0] in ok(db, "circ", "rotation", "show", code)

    back = ok(db, "circ", "rotation", "return", code, "--json")
    assert back["batch"]["state"] == "back" and sorted(n["barcode"] for n in back["elsewhere"]) == copies
    after = ok(db, "circ", "rotation", "stats", year, "--json")
    assert (
        after["volumes"] - before["volumes"],
        van_figure(after)["volumes"] - van_figure(before)["volumes"],
        van_figure(after)["loans"] - van_figure(before)["loans"],
    ) == (3, 3, 1)
    assert "Volumes sent" in ok(db, "circ", "rotation", "stats", year)
    refused = ils(db, "circ", "rotation", "return", code)
    assert refused.returncode == 1 and f"Batch {code} was already brought back" in refused.stderr


def test_rules_calendar_and_settings_are_set_by_an_administrator_only(db, tmp_path):
    rule = ok(
        db,
        "circ",
        "rules",
        "set",
        "adult",
        "book",
        "--branch",
        "XHMZ",
        "--limit",
        "8",
        "--fine",
        "0.2",
        "--json",
        staff="admin",
    )
    assert (rule["id"], rule["loan_limit"], rule["fine_fen_per_day"]) == ("adult/book/XHMZ", 8, 20)
    assert "adult/book/XHMZ" in ok(db, "circ", "rules", "list")
    bad = ils(db, "circ", "rules", "set", "adult", "book", "--fine", "lots", staff="admin")
    assert bad.returncode == 1 and bad.stderr.startswith("Fine per day: lots ")  # refused, nothing stored

    days = tmp_path / "2031.txt"
    days.write_text("2031-10-01..2031-10-03 休 国庆节\n2031-09-28 班 国庆节调休\n", encoding="utf-8")
    assert len(ok(db, "circ", "calendar", "import", str(days), "--json", staff="admin")) == 4
    ok(db, "circ", "calendar", "add", "2031-05-01", "休", "劳动节", "--branch", "XHMZ", staff="admin")
    listed = ok(db, "circ", "calendar", "list", "2031", "--branch", "XHMZ", "--json")
    assert [d["day"] for d in listed][:2] == ["2031-05-01", "2031-09-28"]
    assert ok(db, "circ", "calendar", "closed-weekdays", "XHMZ", "1", "--json", staff="admin")["closed_weekdays"] == "1"

    assert ok(db, "circ", "settings", "--hold-limit", "3", "--json", staff="admin")["hold_limit"] == 3
    assert "Holds per reader: 3" in ok(db, "circ", "settings")
    refused = ils(db, "circ", "settings", "--hold-limit", "2")
    assert refused.returncode == 1 and "may not configure loan rules" in refused.stderr
