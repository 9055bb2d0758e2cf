"""``ils blind``: a device registered, lent and back without its charger, a DAISY book catalogued as a
set of discs and posted with its label printed, the figures, all with ``--json`` as a script would drive them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.blind import daisy_books as books
from tests.services.reader_samples import citizen

PASSWORD = "admin-pass-1"
BLIND_ID = citizen("19700101", order="333")


def ils(db, *args: str, stdin: str = ""):
    env = {**os.environ, "ILS_STAFF": "admin", "ILS_PASSWORD": PASSWORD, "ILS_DB": str(db)}
    env.pop("ILS_LANG", None)
    done = subprocess.run(
        [sys.executable, "-m", "ils", "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=900,
    )
    assert BLIND_ID not in done.stdout + done.stderr
    return done


def js(done):
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("blind") / "lib.sqlite"
    assert ils(path, "init", "--admin-password", PASSWORD).returncode == 0
    return path


def test_a_device_and_a_parcel_through_the_command_line(db, tmp_path):
    card = js(
        ils(db, "readers", "add", "刘明", "--type", "blind", "--consent", "disability", "--json", stdin=BLIND_ID + "\n")
    )["summary"]["card_number"]
    assert js(ils(db, "blind", "verify", card, "--json"))["eligible"]
    js(
        ils(
            db,
            "blind",
            "profile",
            card,
            "--address",
            "湖南省株洲市醴陵市/瓷城大道128号",
            "--postcode",
            "412200",
            "--json",
        )
    )
    device = js(
        ils(
            db,
            "blind",
            "device-add",
            "--serial",
            "ZNTSJ1700001",
            "--model",
            "智能听书机",
            "--batch",
            "2017年第一批",
            "--json",
        )
    )
    assert device["state"] == "in_stock" and device["accessories"] == ["charger", "earphones", "cable", "manual", "bag"]
    lent = js(ils(db, "blind", "lend", card, "ZNTSJ1700001", "--json"))
    assert lent["kind"] == "device" and lent["loan"]["item_type"] == "listening_device"
    back = js(ils(db, "blind", "return", "ZNTSJ1700001", "--accessories", "earphones,cable,manual,bag", "--json"))
    assert back["missing_accessories"] == ["charger"] and back["condition"] == "accessory_missing"
    assert js(ils(db, "blind", "device", "ZNTSJ1700001", "--json"))["accessories"] == [
        "earphones",
        "cable",
        "manual",
        "bag",
    ]
    book = books.folder(tmp_path, "pingfan", {"ncc.html": books.ncc()})
    daisy = js(ils(db, "blind", "daisy", str(book), "--barcode", "BR0001", "--json"))
    assert not daisy["matched"] and daisy["discs"] == 3 and daisy["book"]["narrator"] == "李野墨"
    asked = js(ils(db, "blind", "request", card, "--channel", "phone", "--wanted", "平凡的世界", "--json"))
    parcel = js(
        ils(db, "blind", "dispatch", "BR0001", "--request", asked["id"], "--registered", "XA123456789CN", "--json")
    )
    label = js(ils(db, "blind", "label", parcel["id"], "--out", str(tmp_path / "label.pdf"), "--json"))
    text = subprocess.run(["pdftotext", label["path"], "-"], capture_output=True, text=True).stdout
    assert "盲人读物" in text and "瓷城大道128号" in text
    part = js(ils(db, "blind", "parcel-back", parcel["id"], "BR0001:1,3", "--json"))
    assert part["still_out"] == ["BR0001"]
    figures = js(ils(db, "blind", "stats", "--year", "2026", "--json"))
    assert figures["registered_readers"] == 1 and figures["postal_dispatches"] in (0, 1)
    assert {m["medium"]: m["loans"] for m in figures["loans"]}["device"] in (0, 1)
