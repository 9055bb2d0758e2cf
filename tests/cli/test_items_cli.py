"""``ils items``, ``ils labels``, ``ils locations`` and ``ils catalogue callnumber|ranges`` as a cataloguer types them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from ils.catalogue.records import add_record
from ils.library import open_library
from ils.staff import log_in
from tests.services.test_book_numbers import cnmarc_record

from .test_cli import ils

AS_CATALOGUER = {"ILS_STAFF": "cat"}
AS_CLERK = {"ILS_STAFF": "circ"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("items-cli") / "demo.sqlite"
    done = ils("--db", str(path), "demo", "--json")
    assert done.returncode == 0, done.stderr
    return path


def new_record(db: Path, title: str, clc: str = "I247.5", author: str | None = None) -> str:
    """A record catalogued the way a desk would (there is no record-typing command to call)."""
    library = open_library(db)
    try:
        return add_record(log_in(library, "cat", "demo1234"), cnmarc_record(title, clc=clc, author=author), "cnmarc")
    finally:
        library.close()


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return ils("--db", str(db), "--lang", "en", *args, env={**AS_CATALOGUER, **(env or {})})


def ok_json(db: Path, *args: str, env: dict[str, str] | None = None):
    done = run(db, *args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_items_add_show_and_change(demo_db):
    bib = new_record(demo_db, "三体", author="刘慈欣")
    added = ok_json(
        demo_db, "items", "add", bib, "cli0001", "--location", "ZG-WJ", "--price", "CNY23.00", "--source", "馆配商"
    )
    assert (added["barcode"], added["location_name"], added["price_fen"]) == ("CLI0001", "图书外借部", 2300)
    shown = ok_json(demo_db, "items", "show", "CLI0001")
    assert shown["title"] == "三体" and shown["status"] == "available" and shown["call_number"] is None
    text = run(demo_db, "items", "show", "CLI0001").stdout
    assert "Title: 三体" in text and "Location: 图书外借部" in text
    changed = ok_json(demo_db, "items", "change", "CLI0001", "--status", "damaged", "--note", "封面破损")
    assert (changed["status"], changed["note"]) == ("damaged", "封面破损")
    again = run(demo_db, "items", "add", bib, "CLI0001")
    assert again.returncode == 1 and "already on another item" in again.stderr
    both = run(demo_db, "items", "add", bib, "CLI0002", "--new-barcode")
    assert both.returncode == 2 and "BARCODE or --new-barcode" in both.stderr
    missing = run(demo_db, "items", "show", "NOPE1")
    assert missing.returncode == 1 and "No item has the barcode NOPE1" in missing.stderr


def test_new_barcodes_come_from_a_reserved_range(demo_db):
    bib = new_record(demo_db, "球状闪电")
    drawn = ok_json(demo_db, "items", "add", bib, "--new-barcode")  # from the block the demo desk was given
    assert drawn["barcode"].isdigit() and len(drawn["barcode"]) == 10
    raw = sqlite3.connect(demo_db)
    with raw:  # a desk whose block has not come yet
        raw.execute("DELETE FROM number_range WHERE kind = 'barcode'")
    raw.close()
    refused = run(demo_db, "items", "add", bib, "--new-barcode")
    assert refused.returncode == 1 and "No barcode range is reserved" in refused.stderr
    not_allowed = run(demo_db, "catalogue", "ranges", "reserve", "--kind", "barcode", "9876500000", "9876500099")
    assert not_allowed.returncode == 1 and "may not reserve book-number and barcode ranges" in not_allowed.stderr
    reserved = ok_json(
        demo_db,
        "catalogue",
        "ranges",
        "reserve",
        "--kind",
        "barcode",
        "9876500000",
        "9876500099",
        env={"ILS_STAFF": "admin"},
    )
    assert (reserved["first"], reserved["last"]) == (9876500000, 9876500099)
    first = ok_json(demo_db, "items", "add", bib, "--new-barcode")
    second = ok_json(demo_db, "items", "add", bib, "--new-barcode")
    assert (first["barcode"], second["barcode"]) == ("9876500000", "9876500001")
    overlap = run(
        demo_db,
        "catalogue",
        "ranges",
        "reserve",
        "--kind",
        "barcode",
        "9876500050",
        "9876500200",
        "--node",
        "branch-7",
        env={"ILS_STAFF": "admin"},
    )
    assert overlap.returncode == 1 and "overlaps the range 9876500000–9876500099" in overlap.stderr
    listed = {(r["kind"], r["first"]): r for r in ok_json(demo_db, "catalogue", "ranges", "list")}
    assert (listed["barcode", 9876500000]["used"], listed["barcode", 9876500000]["left"]) == (2, 98)
    assert listed["book_number", 1]["last"] == 4999
    table = run(demo_db, "catalogue", "ranges", "list").stdout
    assert "this desk" in table and "9876500099" in table


def test_call_numbers_and_labels_from_queue_to_printed_sheet(demo_db, tmp_path):
    bibs = [new_record(demo_db, title, clc="I210.4", author="鲁迅") for title in ("呐喊", "彷徨")]
    for number, bib in enumerate(bibs):
        ok_json(demo_db, "items", "add", bib, f"LBL{number}", "--location", "ZG-DF")
    assert ok_json(demo_db, "catalogue", "callnumber", bibs[0])["call_number"] == "I210.4/LX"
    assert run(demo_db, "catalogue", "callnumber", bibs[1]).stdout.strip() == "I210.4/LX2"
    refused = run(demo_db, "catalogue", "callnumber", bibs[1])
    assert refused.returncode == 1 and "already has the call number I210.4/LX2" in refused.stderr
    sequence = new_record(demo_db, "小说", clc="I247.5")
    ok_json(demo_db, "items", "add", sequence, "LBL9", "--location", "ZG-WJ")
    number = ok_json(demo_db, "catalogue", "callnumber", sequence, "--location", "ZG-WJ")["call_number"]
    assert number.startswith("I247.5/") and number.split("/")[1].isdigit()

    queued = ok_json(demo_db, "labels", "queue", "LBL0", "LBL1", "LBL9")
    assert queued == {"queued": 6, "waiting": 6}
    assert ok_json(demo_db, "labels", "queue", "--record", bibs[0])["queued"] == 0  # already waiting
    waiting = ok_json(demo_db, "labels", "list", "--kind", "spine")
    assert [w["call_number"] for w in waiting] == ["I210.4/LX", "I210.4/LX2", number]

    printed = ok_json(demo_db, "labels", "print", "--kind", "spine", "--start-at", "4")
    spine_pdf = Path(printed["file"])
    assert spine_pdf.parent == demo_db.parent / "prints" and spine_pdf.is_file()
    fonts = subprocess.run(["pdffonts", str(spine_pdf)], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and " no " not in fonts.split("\n", 2)[2]
    text = subprocess.run(["pdftotext", str(spine_pdf), "-"], capture_output=True, text=True).stdout
    for line in ("I210.4", "LX", "LX2", number.split("/")[1], "总馆 地方文献室", "总馆 图书外借部"):
        assert line in text
    assert [w["kind"] for w in ok_json(demo_db, "labels", "list")] == ["barcode"] * 3

    out = tmp_path / "barcodes.pdf"
    done = run(demo_db, "labels", "print", "--kind", "barcode", "--sheet", "a4-5x13-38.1x21.2", "--out", str(out))
    assert done.returncode == 0 and str(out) in done.stdout
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(out), str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page-*.png")
    scanned = subprocess.run(["zbarimg", "--raw", "-q", str(page)], capture_output=True, text=True).stdout.split()
    assert sorted(scanned) == ["LBL0", "LBL1", "LBL9"]
    assert ok_json(demo_db, "labels", "list") == []
    nothing = run(demo_db, "labels", "print", "--kind", "barcode")
    assert nothing.returncode == 1 and "No barcode labels are waiting" in nothing.stderr

    ok_json(demo_db, "labels", "queue", "--record", sequence, "--kind", "barcode")
    assert ok_json(demo_db, "labels", "clear") == {"dropped": 1}


def test_locations_list_add_and_change(demo_db):
    central = ok_json(demo_db, "locations", "list", "--branch", "ZG")
    assert {loc["code"]: loc["book_number_scheme"] for loc in central}["ZG-GJ"] == "author"
    added = ok_json(
        demo_db, "locations", "add", "ZG-TS", "特藏室", "--branch", "ZG", "--scheme", "author", "--not-loanable"
    )
    assert (added["book_number_scheme"], added["loanable"], added["floating"]) == ("author", False, False)
    changed = ok_json(demo_db, "locations", "change", "ZG-TS", "--floating", "--closed", "--name", "特藏书库")
    assert (changed["name"], changed["floating"], changed["active"]) == ("特藏书库", True, False)
    assert "ZG-TS" not in {loc["code"] for loc in ok_json(demo_db, "locations", "list")}
    assert "ZG-TS" in {loc["code"] for loc in ok_json(demo_db, "locations", "list", "--all")}
    table = run(demo_db, "locations", "list", "--branch", "XHMZ").stdout
    assert "星海明筑分馆" in table and "running number per class" in table


def test_a_circulation_clerk_may_not_catalogue_or_print_labels(demo_db):
    bib = new_record(demo_db, "借阅台")
    for args in (
        ("items", "add", bib, "CIRC01"),
        ("labels", "queue", "CLI0001"),
        ("labels", "clear"),
        ("catalogue", "callnumber", bib),
        ("locations", "add", "ZG-X", "x", "--branch", "ZG"),
    ):
        done = run(demo_db, *args, env=AS_CLERK)
        assert done.returncode == 1 and "may not" in done.stderr, args
    chinese = ils("--db", str(demo_db), "labels", "clear", env=AS_CLERK)
    assert chinese.returncode == 1 and "无权" in chinese.stderr
