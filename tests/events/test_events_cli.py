"""As the ``events`` account on the command line: a lecture with a head count, an exhibition
with daily counts, a gate file imported (twice), enquiries tallied; the year's figures are
what was entered, and a refusal comes back with its code."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

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
    path = tmp_path_factory.mktemp("events") / "lib.sqlite"
    assert ils(path, "init", "--admin-password", PASSWORD).returncode == 0
    assert ils(path, "staff", "add", "events", "--roles", "events", "--password", "events-pass-1").returncode == 0
    return path


def test_the_events_desk_on_the_command_line(db, tmp_path):
    def ev(*args):
        return ils(db, *args, staff="events", password="events-pass-1")

    today = dt.date.today()
    year = today.year
    day1, day2 = (today - dt.timedelta(days=2)).isoformat(), (today - dt.timedelta(days=1)).isoformat()
    lecture = js(ev("events", "add", "陶瓷文化讲座", "--kind", "lecture", "--audience", "adults", "--json"))
    s = js(ev("events", "session", lecture["id"], "--starts", f"{day1} 09:30", "--venue", "hall", "--json"))
    js(ev("events", "count", s["id"], "--total", "120", "--json"))
    show = js(ev("events", "add", "百年庆华诞党报党刊展", "--kind", "exhibition", "--json"))
    hall = js(
        ev(
            "events",
            "session",
            show["id"],
            "--starts",
            day1,
            "--ends-on",
            f"{year}-12-31",
            "--venue",
            "exhibition_hall",
            "--json",
        )
    )
    js(ev("events", "count", hall["id"], "--total", "300", "--day", day1, "--json"))
    js(ev("events", "count", hall["id"], "--adults", "200", "--children", "150", "--day", day2, "--json"))
    js(ev("visits", "site", "MAIN", "总馆大门", "--json"))
    gate = tmp_path / "gate.csv"
    gate.write_bytes(
        f"日期,时间,通道,进馆人数,出馆人数\r\n{day1},09:00,1,500,10\r\n{day2},09:00,1,450,9\r\n".encode("gbk")
    )
    first = js(
        ev(
            "visits",
            "import",
            "MAIN",
            str(gate),
            "--date-column",
            "日期",
            "--time-column",
            "时间",
            "--gate-column",
            "通道",
            "--in-column",
            "进馆人数",
            "--json",
        )
    )
    assert (first["added"], first["entries_added"]) == (2, 950)
    assert js(ev("visits", "import", "MAIN", str(gate), "--json"))["already"] == 2
    for channel in ("in_person", "phone", "in_person"):
        last = js(ev("visits", "enquiry", "--channel", channel, "--json"))
    assert last["today"] == 3
    figures = js(ev("events", "figures", "--year", str(year), "--json"))
    assert (figures["programmes"], figures["sessions"], figures["attendance"]) == (2, 2, 770)
    assert figures["gate_visits"] == 950 and figures["visits"] == 950 and figures["enquiries"] == 3
    by_return = {line["code"]: [line["count"], line["people"]] for line in figures["national_return"]}
    assert by_return["lecture"] == [1, 120] and by_return["exhibition"] == [1, 650]
    window = js(ev("events", "figures", "--year", str(year), "--window", "--json"))
    assert window["years"][-1] == year
    refused = ev("events", "count", hall["id"], "--total", "-5", "--json")
    assert refused.returncode == 1 and json.loads(refused.stderr)["error"]["code"] == "events.count_out_of_range"
    text = ev("events", "figures", "--year", str(year))
    assert "770" in text.stdout
    out = js(ev("events", "ledger", "--year", str(year), "--out", str(tmp_path / "ledger"), "--json"))
    assert os.path.getsize(out["pdf"]) > 1000
