"""``ils catalogue search`` as a librarian types it: Chinese, pinyin, JSON, an empty result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ils.catalogue.items import add_item
from ils.catalogue.records import add_record
from ils.library import open_library
from ils.staff import log_in
from tests.services.test_search import cnmarc

from .test_cli import ils


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo library plus one record with two copies, catalogued as the desk would."""
    path = tmp_path_factory.mktemp("search-cli") / "demo.sqlite"
    done = ils("--db", str(path), "demo", "--json")
    assert done.returncode == 0, done.stderr
    library = open_library(path)
    try:
        session = log_in(library, "cat", "demo1234")
        bib = add_record(
            session,
            cnmarc(
                "红楼梦",
                responsibility="(清)曹雪芹, 高鹗著",
                publisher="人民文学出版社",
                year="1982",
                isbn="7-02-000220-X",
                clc="I242.4",
            ),
            "cnmarc",
        )
        add_item(session, bib, "SCLI0001", branch="ZG", call_number="I242.4/77")
        add_item(session, bib, "SCLI0002", branch="XHMZ", call_number="I242.4/77-2")
    finally:
        library.close()
    return path


def run(db: Path, *args: str) -> tuple[int, str, str]:
    done = ils("--db", str(db), "--lang", "en", "catalogue", "search", *args, env={"ILS_STAFF": "circ"})
    return done.returncode, done.stdout, done.stderr


def test_json_lists_the_hits_with_availability(demo_db):
    code, out, err = run(demo_db, "红楼梦", "--json")
    assert code == 0, err
    result = json.loads(out)
    mine = [h for h in result["hits"] if h["isbn"] == "9787020002207"]
    assert mine and mine[0]["title"] == "红楼梦" and mine[0]["call_number"] == "I242.4/77"
    assert {a["branch_code"]: (a["available"], a["total"]) for a in mine[0]["availability"]} == {
        "ZG": (1, 1),
        "XHMZ": (1, 1),
    }


def test_text_lists_title_and_call_number_and_pinyin_works(demo_db):
    code, out, err = run(demo_db, "hlm")
    assert code == 0, err
    line = next(line for line in out.splitlines() if "I242.4/77" in line)
    assert "红楼梦" in line


def test_isbn_barcode_and_field_options(demo_db):
    _code, out, _err = run(demo_db, "9787020002207", "--json")
    assert [h["title"] for h in json.loads(out)["hits"]] == ["红楼梦"]
    _code, out, _err = run(demo_db, "scli0002", "--json")
    assert json.loads(out)["hits"][0]["matched_barcode"] == "SCLI0002"
    _code, out, _err = run(demo_db, "I242.4/77", "--field", "callnumber", "--branch", "XHMZ", "--json")
    assert [h["title"] for h in json.loads(out)["hits"]] == ["红楼梦"]


def test_an_empty_result_exits_zero_with_a_message(demo_db):
    code, out, _err = run(demo_db, "量子色动力学")
    assert code == 0 and "Nothing found" in out
    code, out, _err = run(demo_db, "！？")
    assert code == 0 and "Type letters" in out
    code, out, _err = run(demo_db, "红楼梦", "--field", "isbn")
    assert code == 0 and "is not an ISBN" in out


def test_a_bad_choice_is_refused_by_the_command_line(demo_db):
    code, _out, err = run(demo_db, "红楼梦", "--sort", "price")
    assert code != 0 and "price" in err
