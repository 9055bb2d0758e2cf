"""The year's ledger as a PDF: its text says what was recorded, its pages render, the
evidence files travel beside it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ils.events import attendance, evidence, ledgers, printouts, programmes

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def test_the_ledger_lists_what_was_recorded(events, tmp_path):
    p = programmes.add_programme(events, title="“猜灯·乐元宵”猜灯谜活动", kind="festival", audience="children")
    s = programmes.add_session(events, p.id, starts="2026-02-20 19:00", venue="children_experience")
    attendance.record_count(events, s.id, total=260, adults=110, children=150, day="2026-02-20")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 lanterns")
    evidence.attach(events, p.id, photo)
    ledgers.add_media_report(events, outlet="醴陵发布", title="市图书馆元宵猜灯谜", reported_on="2026-02-21")
    ledgers.add_milestone(events, text="全年开展阅读推广活动。", day="2026-02-22")
    out = printouts.export_ledger(events, 2026, tmp_path / "out")
    assert out.evidence_files == 1 and out.missing == 0
    assert (tmp_path / "out" / "evidence").is_dir()
    text = subprocess.run(
        ["pdftotext", "-layout", str(out.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("2026", "猜灯谜活动", "260", "醴陵发布", "全年开展阅读推广活动"):
        assert expected in text, expected
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(out.pdf), str(tmp_path / "page")], check=True)
        assert list(tmp_path.glob("page*.png"))
