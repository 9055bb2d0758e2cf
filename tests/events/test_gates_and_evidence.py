"""Gate-counter files in two vendors' layouts, imported once whatever is imported again, with
a malformed row reported by its line and nothing stored from it; evidence files hashed, and a
file changed on disk reported by ``ils check``."""

from __future__ import annotations

import pytest

from db.models import EventEvidence, GateCount, GateSite
from ils import maintenance
from ils.errors import Invalid
from ils.events import evidence, figures, gates, programmes

# Vendor A: GBK, Chinese header, date and hour apart, in and out.
VENDOR_A = (
    "日期,时间,通道,进馆人数,出馆人数\r\n"
    "2026-02-27,09:00,1号门,120,20\r\n"
    "2026-02-27,10:00,1号门,95,60\r\n"
    "2026-02-27,10:00,2号门,40,41\r\n"
    "2026-02-28,09:00,1号门,130,10\r\n"
    "2026/3/1,09:00,1号门,88,7\r\n"
)
# Vendor B: UTF-8 with a BOM, English header, one timestamp column, no gate column, a bad row.
VENDOR_B = (
    "Timestamp,In,Out\n"
    "2026-02-25 08:00,300,290\n"
    "2026-02-25 12:00,abc,1\n"
    "2026-02-26 08:00,310,300\n"
    "2026-02-26 12:00,-4,0\n"
)


@pytest.fixture
def files(tmp_path):
    a = tmp_path / "main-gate.csv"
    a.write_bytes(VENDOR_A.encode("gbk"))
    b = tmp_path / "branch.csv"
    b.write_bytes(b"\xef\xbb\xbf" + VENDOR_B.encode("utf-8"))
    return a, b


def test_two_vendors_files_import_once_and_the_mapping_is_remembered(events, files):
    a, b = files
    gates.add_site(events, code="MAIN", name="总馆大门")
    gates.add_site(events, code="YS", name="阳三分馆门禁")
    seen = gates.preview(events, "MAIN", a)
    assert seen.encoding == "gbk" and seen.header[0] == "日期"
    assert seen.mapping == {"date": "日期", "time": "时间", "gate": "通道", "entries": "进馆人数"}
    with pytest.raises(Invalid) as refused:
        gates.import_gate_file(events, "MAIN", a)
    assert refused.value.code == "events.gate_mapping_needed"
    steps = []
    first = gates.import_gate_file(events, "MAIN", a, mapping=seen.mapping, progress=lambda d, t: steps.append((d, t)))
    assert (first.rows, first.added, first.entries_added, first.bad_lines, first.gaps) == (5, 5, 473, (), ())
    assert steps[-1][0] == steps[-1][1]
    again = gates.import_gate_file(events, "MAIN", a)  # the remembered mapping
    assert (again.added, again.already, again.differing) == (0, 5, 0)
    assert GateCount.select().count() == 5
    assert GateSite.get(GateSite.code == "MAIN").mapping
    later = gates.preview(events, "MAIN", a)
    assert later.remembered
    b_seen = gates.preview(events, "YS", b)
    assert b_seen.encoding == "utf-8-sig" and b_seen.mapping == {"entries": "In"}
    report = gates.import_gate_file(events, "YS", b, mapping={"date": "Timestamp", "entries": "In"})
    assert [(line, m.code) for line, m in report.bad_lines] == [
        (3, "events.gate_bad_count"),
        (5, "events.gate_impossible"),
    ]
    assert (report.added, report.entries_added) == (2, 610)
    assert GateCount.select().count() == 7
    f = figures.figures(events, __import__("datetime").date(2026, 2, 1), __import__("datetime").date(2026, 3, 2))
    assert f.gate_visits == 473 + 610
    assert {line.code: line.people for line in f.visits_by_site} == {"gate:MAIN": 473, "gate:YS": 610}


def test_gaps_and_a_mapping_that_names_a_missing_column_are_reported(events, tmp_path):
    gates.add_site(events, code="MAIN", name="总馆大门")
    path = tmp_path / "gaps.csv"
    path.write_text("date,in\n2026-02-01,10\n2026-02-02,11\n2026-02-06,12\n2026-02-08,3\n", encoding="utf-8")
    report = gates.import_gate_file(events, "MAIN", path, mapping={"date": "date", "entries": "in"})
    assert report.gaps == ("2026-02-03..2026-02-05", "2026-02-07")
    with pytest.raises(Invalid) as refused:
        gates.import_gate_file(events, "MAIN", path, mapping={"date": "日期", "entries": "in"})
    assert refused.value.code == "events.gate_column_missing"
    with pytest.raises(Invalid) as refused:
        gates.import_gate_file(events, "MAIN", path, mapping={"date": "date"})
    assert refused.value.code == "events.gate_mapping_incomplete"
    assert GateCount.select().count() == 4


def test_evidence_is_stored_by_its_hash_and_a_changed_file_is_reported_by_the_check(events, tmp_path):
    p = programmes.add_programme(events, title="世界读书日", kind="festival")
    photo = tmp_path / "签到表.jpg"
    photo.write_bytes(b"\xff\xd8 a sign-in sheet")
    kept = evidence.attach(events, p.id, photo, kind="sign_in")
    assert kept.path.read_bytes() == photo.read_bytes() and kept.size == len(photo.read_bytes())
    assert EventEvidence.get_by_id(kept.id).sha256 == kept.path.name.split(".")[0]
    with pytest.raises(Invalid) as refused:
        evidence.attach(events, p.id, photo)
    assert refused.value.code == "events.evidence_exists"
    assert maintenance.check(events).ok
    kept.path.write_bytes(b"something else")
    report = maintenance.check(events)
    assert not report.ok and [m.code for m in report.files] == ["events.evidence_changed"]
    kept.path.unlink()
    assert [m.code for m in maintenance.check(events).files] == ["events.evidence_missing"]
