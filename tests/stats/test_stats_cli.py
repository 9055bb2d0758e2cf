"""As the ``statistics`` account on the command line: inputs entered with their source, a text
saved from a file, an indicator shown by month, the return, the ledgers and the annual report
written; a wrong file ending and a clerk's attempt come back refused with their codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import openpyxl
import pytest

PASSWORD = "admin-pass-1"


def ils(db, *args: str, staff: str = "admin", password: str = PASSWORD):
    env = {**os.environ, "ILS_STAFF": staff, "ILS_PASSWORD": password, "ILS_DB": str(db)}
    env.pop("ILS_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "ils", "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )


def js(done):
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "lib.sqlite"
    assert ils(path, "init", "--admin-password", PASSWORD).returncode == 0
    assert ils(path, "staff", "add", "tongji", "--roles", "statistics", "--password", "stats-pass-1").returncode == 0
    assert ils(path, "staff", "add", "clerk", "--roles", "circulation", "--password", "clerk-pass-1").returncode == 0
    return path


def test_statistics_on_the_command_line(db, tmp_path):
    def st(*args):
        return ils(db, *args, staff="tongji", password="stats-pass-1")

    year = dt.date.today().year
    assert (
        js(st("stats", "set-input", "seats", "500", "--year", str(year), "--source", "清点", "--json"))["value"]
        == "500"
    )
    summary = tmp_path / "summary.txt"
    summary.write_text("# 一、基础服务\n全年开放。\n", encoding="utf-8")
    assert js(st("stats", "set-text", "summary", str(summary), "--year", str(year), "--json"))["body"].startswith("#")
    inputs = js(st("stats", "inputs", "--year", str(year), "--json"))
    assert [(i["code"], i["source"], i["entered_by"]) for i in inputs] == [("seats", "清点", "tongji")]
    listed = js(st("stats", "list", "--json"))
    assert {"loans", "loans_with_renewals", "valid_cards", "visits", "event_attendance"} <= {i["code"] for i in listed}
    shown = js(st("stats", "show", "loans", "--year", str(year), "--by", "branch", "--json"))
    assert shown["code"] == "loans" and shown["dimension"] == "branch"
    returned = js(st("stats", "return", "--year", str(year), "--json"))
    assert next(line for line in returned if line["code"] == "26")["value"] == "500"  # a decimal, as text
    out = tmp_path / "return.xlsx"
    js(st("stats", "return", "--year", str(year), "--out", str(out), "--json"))
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert any(row[1] == "26" and row[3] == 500 for row in sheet.iter_rows(values_only=True))
    paths = js(st("stats", "ledgers", "--year", str(year), "--out", str(tmp_path / "ledgers"), "--json"))["paths"]
    assert len(paths) == 6 and all(p.endswith(".xlsx") for p in paths)
    for ending in ("pdf", "xlsx", "docx"):
        js(st("report", "annual", "--year", str(year), "--out", str(tmp_path / f"report.{ending}"), "--json"))
        assert (tmp_path / f"report.{ending}").stat().st_size > 3000
    refused = st("report", "annual", "--year", str(year), "--out", str(tmp_path / "report.txt"), "--json")
    assert refused.returncode == 1 and json.loads(refused.stderr)["error"]["code"] == "stats.unknown_format"
    clerk = ils(db, "stats", "show", "loans", "--year", str(year), "--json", staff="clerk", password="clerk-pass-1")
    assert clerk.returncode == 1 and json.loads(clerk.stderr)["error"]["code"] == "staff.not_permitted"


@pytest.mark.parametrize("scale", [0.001])
def test_the_2021_demo_year_builds_at_a_small_scale(tmp_path, scale):
    done = ils(tmp_path / "y.sqlite", "demo", "--year", "2021", "--scale", str(scale), "--json")
    assert done.returncode == 0, done.stderr
    text = ils(tmp_path / "y.sqlite", "stats", "return", "--year", "2021", "--json", password="demo1234")
    lines = {line["code"]: line["value"] for line in js(text)}
    assert lines["11"] >= 150  # periodicals: the demo's subscriptions, not scaled
    assert lines["14"] > 390_000  # visits: gate counts and tallies, not scaled
    assert lines["15"] > 0 and lines["26"] == "500"
