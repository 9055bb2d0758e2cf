"""``ils serials``: a title entered, subscribed, checked in by cover scan, renewed, claimed and bound,
all with ``--json`` as a script would drive them; a refusal exits 1 with its code in the user's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from ils.serials.numbers import issn_ean

PASSWORD = "admin-pass-1"
ISSN = "1005-1805"


def ils(db, *args: str, lang: str = "en"):
    env = {**os.environ, "ILS_STAFF": "admin", "ILS_PASSWORD": PASSWORD, "ILS_DB": str(db)}
    env.pop("ILS_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "ils", "--lang", lang, *args], capture_output=True, text=True, env=env, timeout=900
    )


def js(done):
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("serials") / "lib.sqlite"
    assert ils(path, "init", "--admin-password", PASSWORD).returncode == 0
    return path


def test_a_year_of_a_magazine_through_the_command_line(db, tmp_path):
    title = js(
        ils(
            db,
            "serials",
            "title-add",
            "--title",
            "读者",
            "--kind",
            "magazine",
            "--frequency",
            "semimonthly",
            "--issn",
            ISSN,
            "--cn",
            "CN 62-1118/Z",
            "--post-code",
            "54-17",
            "--json",
        )
    )
    assert title["cn"] == "CN 62-1118/Z" and title["clc_class"] == "Z"
    sub = js(
        ils(
            db,
            "serials",
            "subscribe",
            "读者",
            "2026",
            "--price-issue",
            "6",
            "--copies",
            "2",
            "--routing",
            "ZG-BK:1,ZG-SE:1",
            "--first-total",
            "801",
            "--json",
        )
    )
    assert [d["code"] for d in sub["routing"]] == ["ZG-BK", "ZG-SE"] and sub["total_fen"] == 28800
    code = issn_ean(ISSN)
    got = js(ils(db, "serials", "check-in", code + "04", code + "04", "--date", "2026-02-20", "--json"))
    assert [(c["number"], c["copy"], c["destination"]) for c in got] == [(4, 1, "报刊期刊阅览室"), (4, 2, "少儿阅览室")]
    refused = ils(db, "serials", "check-in", code + "04", "--json")
    assert refused.returncode == 1 and json.loads(refused.stderr)["error"]["code"] == "serials.already_checked_in"
    chinese = ils(db, "serials", "check-in", code + "04", lang="zh_CN")
    assert chinese.returncode == 1 and "已全部签到" in chinese.stderr
    renewed = js(ils(db, "serials", "renew", "2026", "--json"))
    assert renewed == {"year": 2027, "copied": 1, "already": 0}
    order_pdf, order_xlsx = tmp_path / "order.pdf", tmp_path / "order.xlsx"
    js(ils(db, "serials", "order", "2027", "--pdf", str(order_pdf), "--xlsx", str(order_xlsx), "--json"))
    assert order_pdf.read_bytes().startswith(b"%PDF") and zipfile.is_zipfile(order_xlsx)
    claimed = js(ils(db, "serials", "claim", "读者", "2026", "1", "--json"))
    assert claimed[0]["state"] == "open"
    run = js(ils(db, "serials", "check-run", "读者", "2026", "m2", "--json"))
    assert run["present"] == [4] and run["missing"] == [3]
    volume = js(
        ils(db, "serials", "bind", "读者", "2026", "m2", "--barcode", "QK00000001", "--accept-missing", "--json")
    )
    assert volume["call_number"] == "Z/621118:2026M2" and volume["missing"] == [3]
    figures = js(ils(db, "serials", "figures", "2026", "--json"))
    assert figures["magazines"] == 1 and figures["copies_received"] == 2 and figures["volumes_bound"] == 1
