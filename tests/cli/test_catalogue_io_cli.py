"""``ils catalogue import`` and ``ils catalogue export`` as a cataloguer or a script runs them."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cli.test_cli import ils
from tests.services.marc_samples import corpus_file, dp2_records, plain_field, record_bytes


def _count(db, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)


def _new_db(folder, name: str = "lib.sqlite"):
    path = folder / name
    done = ils("--db", str(path), "init", "--admin-password", "demo1234")
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def db(tmp_path):
    return _new_db(tmp_path)


@pytest.fixture
def supplier_file(tmp_path):
    """The dp2 Chinese records in GBK, each with one copy in 905, as a supplier sends them."""
    parts = []
    for number, record in enumerate(dp2_records()):
        for field in record.get_fields("905"):
            record.remove_field(field)
        record.add_field(plain_field("905", a="ZG", b=f"CLI{number:03d}", c="ZG-WJ", d="F124", e=str(number + 1)))
        parts.append(record_bytes(record, "gbk"))
    path = tmp_path / "供货商.iso"
    path.write_bytes(b"".join(parts))
    return path


def test_dry_run_prints_the_counts_and_stores_nothing(db, supplier_file):
    done = ils("--db", str(db), "--lang", "en", "catalogue", "import", str(supplier_file), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "供货商.iso: 10 records, 9 new, 1 duplicates, 0 refused; 10 copies." in done.stdout
    assert "record 5 《'97中国发展报告》: same ISBN 9787503726231 as record 4 of this file" in done.stdout
    assert "Dry run: nothing was stored." in done.stdout
    assert (_count(db, "bib_record"), _count(db, "item")) == (0, 0)


def test_import_stores_the_records_and_their_copies(db, supplier_file):
    done = ils("--db", str(db), "catalogue", "import", str(supplier_file))
    assert done.returncode == 0, done.stderr
    assert (_count(db, "bib_record"), _count(db, "item")) == (9, 10)
    again = ils("--db", str(db), "--lang", "en", "catalogue", "import", str(supplier_file), "--on-duplicate", "skip")
    assert "0 new, 10 duplicates" in again.stdout
    assert "Stored: 0 records added, 0 merged into existing records, 10 skipped; 0 copies added." in again.stdout
    assert (_count(db, "bib_record"), _count(db, "item")) == (9, 10)


def test_import_json_for_scripts(db, supplier_file):
    done = ils("--db", str(db), "catalogue", "import", str(supplier_file), "--json", "--branch", "XHMZ")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["counts"] == {
        "total": 10,
        "new": 9,
        "duplicates": 1,
        "rejects": 0,
        "holdings": 10,
        "without_barcode": 0,
    }
    assert report["format"] == "cnmarc" and report["serialisation"] == "iso2709" and report["dry_run"] is False
    assert report["duplicates"] == [
        {
            "number": 5,
            "title": "'97中国发展报告",
            "duplicate_of": None,
            "duplicate_in_batch": 4,
            "match": "isbn",
            "decision": "merge",
        }
    ]
    assert report["result"]["added"] == 9 and report["result"]["items_added"] == 10
    assert len(report["result"]["bib_ids"]) == 9


def test_rejects_are_listed_with_number_and_byte_offset(db):
    done = ils(
        "--db", str(db), "--lang", "en", "catalogue", "import", str(corpus_file("pymarc/bad_records.mrc")), "--json"
    )
    assert done.returncode == 0, done.stderr
    rejects = json.loads(done.stdout)["rejects"]
    assert rejects[0] == {
        "number": 2,
        "offset": 127,
        "code": "catalogue.marc_base_address",
        "reason": "record 2 at byte 127: the leader's base address is wrong",
    }


def test_a_file_that_is_not_marc_exits_1_with_a_clear_message(db, tmp_path):
    path = tmp_path / "订单.xlsx"
    path.write_bytes(b"PK\x03\x04 not a MARC file")
    done = ils("--db", str(db), "catalogue", "import", str(path))
    assert done.returncode == 1
    assert "订单.xlsx" in done.stderr and "不是 MARC" in done.stderr and "Traceback" not in done.stderr
    english = ils("--db", str(db), "--lang", "en", "catalogue", "import", str(path))
    assert english.returncode == 1
    assert english.stderr.strip() == (
        "Nothing in 订单.xlsx can be imported: this file is not MARC (neither ISO 2709 nor MARCXML)"
    )
    assert _count(db, "bib_record") == 0


def test_the_encoding_override_reads_a_file_that_lies(db, tmp_path):
    path = tmp_path / "liar.iso"
    path.write_bytes(b"".join(record_bytes(r, "gbk", leader09="a", charset_100="50  ") for r in dp2_records()))
    done = ils("--db", str(db), "catalogue", "import", str(path), "--encoding", "gbk", "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["total"] == 10
    wrong = ils("--db", str(db), "--lang", "en", "catalogue", "import", str(path), "--encoding", "klingon")
    assert wrong.returncode == 1 and "character set klingon is unknown" in wrong.stderr


def test_a_circulation_clerk_may_not_import(db, supplier_file):
    added = ils("--db", str(db), "staff", "add", "clerk", "--roles", "circulation", "--password", "clerk-pass-1")
    assert added.returncode == 0, added.stderr
    done = ils(
        "--db",
        str(db),
        "--lang",
        "en",
        "catalogue",
        "import",
        str(supplier_file),
        env={"ILS_STAFF": "clerk", "ILS_PASSWORD": "clerk-pass-1"},
    )
    assert done.returncode == 1 and "may not import, edit and export catalogue records" in done.stderr


@pytest.mark.parametrize(("serialisation", "encoding"), [("iso2709", "utf-8"), ("iso2709", "gbk"), ("marcxml", "gbk")])
def test_export_then_import_elsewhere_gives_the_same_catalogue(tmp_path, db, supplier_file, serialisation, encoding):
    assert ils("--db", str(db), "catalogue", "import", str(supplier_file)).returncode == 0
    out = tmp_path / "exports" / f"catalogue.{serialisation}"
    done = ils(
        "--db",
        str(db),
        "catalogue",
        "export",
        str(out),
        "--all",
        "--format",
        serialisation,
        "--encoding",
        encoding,
        "--json",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["records"], report["bytes"], report["encoding"]) == (9, out.stat().st_size, encoding)
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left behind
    other = _new_db(tmp_path, "other.sqlite")
    again = ils("--db", str(other), "catalogue", "import", str(out), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"] == {
        "total": 9,
        "new": 9,
        "duplicates": 0,
        "rejects": 0,
        "holdings": 10,
        "without_barcode": 0,
    }
    with sqlite3.connect(db) as first, sqlite3.connect(other) as second:
        query = "SELECT title, isbn, publisher FROM bib_record ORDER BY doc"
        assert first.execute(query).fetchall() == second.execute(query).fetchall()
        copies = "SELECT barcode, call_number FROM item ORDER BY barcode"
        assert first.execute(copies).fetchall() == second.execute(copies).fetchall()


def test_export_chooses_records_by_barcode_or_id(tmp_path, db, supplier_file):
    assert ils("--db", str(db), "catalogue", "import", str(supplier_file)).returncode == 0
    out = tmp_path / "two.mrc"
    done = ils(
        "--db", str(db), "--lang", "en", "catalogue", "export", str(out), "--barcode", "CLI000", "--barcode", "cli001"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote 2 records to {out} ({out.stat().st_size} bytes)."
    with sqlite3.connect(db) as connection:
        bib_id = connection.execute("SELECT bib_id FROM item WHERE barcode = 'CLI002'").fetchone()[0]
    one = ils("--db", str(db), "catalogue", "export", str(out), "--id", bib_id, "--json")
    assert json.loads(one.stdout)["records"] == 1
    assert out.read_bytes().count(b"\x1d") == 1


def test_export_needs_exactly_one_choice_of_records(tmp_path, db):
    done = ils("--db", str(db), "--lang", "en", "catalogue", "export", str(tmp_path / "x.mrc"))
    assert done.returncode == 1
    assert done.stderr.strip() == "Say which records to export with one of --all, --id or --barcode."
    both = ils("--db", str(db), "--lang", "en", "catalogue", "export", str(tmp_path / "x.mrc"), "--all", "--id", "x")
    assert both.returncode == 1
    missing = ils("--db", str(db), "--lang", "en", "catalogue", "export", str(tmp_path / "x.mrc"), "--barcode", "NOPE")
    assert missing.returncode == 1 and "No item has the barcode NOPE." in missing.stderr
    assert not (tmp_path / "x.mrc").exists()


def test_reindex_rebuilds_a_damaged_search_index(db, supplier_file):
    assert ils("--db", str(db), "catalogue", "import", str(supplier_file)).returncode == 0
    before = json.loads(ils("--db", str(db), "catalogue", "search", "发展报告", "--json").stdout)
    assert before["hits"]
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM bib_search")  # damage: every record gone from the index
    lost = json.loads(ils("--db", str(db), "catalogue", "search", "发展报告", "--json").stdout)
    assert lost["hits"] == []
    done = ils("--db", str(db), "--lang", "en", "catalogue", "reindex")
    assert done.returncode == 0 and "Indexed 9 records." in done.stdout
    found = json.loads(ils("--db", str(db), "catalogue", "search", "发展报告", "--json").stdout)
    assert found["hits"] == before["hits"]


def test_records_are_named_and_typed_by_their_short_number(tmp_path, db, supplier_file):
    """Issue 18: records were named by UUID in messages and had to be typed by UUID."""
    assert ils("--db", str(db), "catalogue", "import", str(supplier_file)).returncode == 0
    again = ils("--db", str(db), "--lang", "en", "catalogue", "import", str(supplier_file), "--dry-run")
    assert "as catalogue record 1000; add its copies" in again.stdout
    found = ils("--db", str(db), "--lang", "en", "catalogue", "search", "9787503726231")
    assert "Record no." in found.stdout and "1003  " in found.stdout
    by_number = ils("--db", str(db), "--lang", "en", "catalogue", "search", "1003", "--field", "number", "--json")
    assert [hit["number"] for hit in json.loads(by_number.stdout)["hits"]] == [1003]
    added = ils("--db", str(db), "items", "add", "1003", "CLI900", "--json")
    assert added.returncode == 0, added.stderr
    shown = ils("--db", str(db), "--lang", "en", "items", "show", "CLI900")
    assert "Record: 1003" in shown.stdout
    out = tmp_path / "one.mrc"
    exported = ils("--db", str(db), "--lang", "en", "catalogue", "export", str(out), "--id", "1003", "--json")
    assert exported.returncode == 0 and json.loads(exported.stdout)["records"] == 1
    unknown = ils("--db", str(db), "--lang", "en", "items", "add", "99", "CLI901")
    assert unknown.returncode == 1 and "There is no catalogue record number 99." in unknown.stderr
