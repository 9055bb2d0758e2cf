"""The periodicals' printouts rendered, their text extracted and their pages drawn; the cover
barcodes decoded with zbar (EAN-13 with its EAN-2 add-on); the order list opened as a spreadsheet."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

from ils.catalogue.labels import print_queue
from ils.serials import binding, checkin, claims, printouts, subscriptions
from tests.serials.conftest import READER_ISSN, STORY_ISSN, ean

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)


def _text(pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(path), str(tmp_path / name)], check=True)
    assert (tmp_path / f"{name}.png").stat().st_size > 1000
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@needs_poppler
def test_claim_letters_routing_slips_binding_and_order_lists(room, clock, tmp_path):
    session = room.session
    for number in (1, 2):
        for _copy in range(2):
            checkin.check_in_scan(session, ean(READER_ISSN, number))
    checkin.check_in_day(session, dt.date(2026, 3, 2))
    claims.claim(session, "故事会", 2026, 1)
    claims.claim(session, "南方周末", 2026, 8)
    letters = _text(printouts.claim_letters(session), tmp_path, "claims")
    assert "报刊催缺函" in letters and "致：代理商 湖南省报刊发行公司" in letters and "致：邮局征订" in letters
    assert "故事会" in letters and "2026年第1期" in letters and "南方周末" in letters
    slips = _text(printouts.routing_slips(session), tmp_path, "slips")
    assert "送：少儿阅览室" in slips and "送：报刊期刊阅览室" in slips and "湖南日报" in slips
    binding.add_bound_volume(session, "湖南日报", 1951, "h1", barcode="QK19510001")
    bound = binding.bind(session, "读者", 2026, "n1-2", barcode="QK20260001")
    listing = _text(printouts.binding_list(session, dt.date(2026, 1, 1), dt.date(2026, 12, 31)), tmp_path, "binding")
    assert "合订清单" in listing and "QK20260001" in listing and bound.call_number in listing
    assert "QK19510001" not in listing  # a historical run is holdings, not this year's binding
    subscriptions.renew_year(session, 2026)
    subscriptions.cancel(session, "南方周末", 2027)
    order = _text(printouts.order_list(session, 2027), tmp_path, "order")
    assert "2027 年报刊征订单" in order and "各渠道合计" in order and "停订：南方周末" in order
    spine = _text(print_queue(session, kind="spine"), tmp_path, "spine")
    assert "2026N1" in spine and "62" in spine


def test_the_order_list_opens_as_a_spreadsheet(room):
    data = printouts.order_list_xlsx(room.session, 2026)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
        workbook = book.read("xl/workbook.xml").decode()
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rows = [["".join(c.itertext()) for c in row.findall("m:c", ns)] for row in sheet.find("m:sheetData", ns)]
    assert rows[0][:3] == ["题名", "类型", "ISSN"]
    assert ["读者", "期刊", READER_ISSN, "CN 62-1118/Z", "54-17", "邮局征订", "144.00", "2", "288.00"] in rows
    assert rows[-1][0] == "合计" and rows[-1][-1] == "1584.00"
    assert "2026 年报刊征订单" in workbook


@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("pdftoppm"), reason="zbar-tools is not installed")
def test_cover_barcodes_decode_to_the_issn_and_the_issue(room, tmp_path):
    pdf = printouts.cover_barcodes(room.session, 2026)
    (tmp_path / "covers.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(tmp_path / "covers.pdf"), str(tmp_path / "covers")],
        check=True,
    )
    found = subprocess.run(
        ["zbarimg", "-q", "--nodbus", "-Sean2.enable", str(tmp_path / "covers.png")], capture_output=True, text=True
    ).stdout.split()
    # 2026-03-02: 读者 (semi-monthly) has No. 5 due, 故事会 (monthly) No. 3.
    assert f"EAN-13:{ean(READER_ISSN)}" in found and f"EAN-13:{ean(STORY_ISSN)}" in found
    assert {"EAN-2:05", "EAN-2:03"} <= set(found)
    assert checkin.check_in_scan(room.session, ean(READER_ISSN) + "05").number == 5


@needs_poppler
def test_an_issue_claimed_twice_is_one_line_of_the_letter_with_its_claim_count(room, clock, tmp_path):
    session = room.session
    claims.claim(session, "故事会", 2026, 1)
    clock.advance(days=14)
    claims.claim(session, "故事会", 2026, 1)
    letters = _text(printouts.claim_letters(session), tmp_path, "claims")
    lines = [line for line in letters.splitlines() if "2026年第1期" in line]
    assert len(lines) == 1, letters
    assert "第 2 次" in lines[0]
    total = next(line for line in letters.splitlines() if "合计" in line)
    assert total.split()[-1] == "1"  # one copy missing, however often it was asked for
