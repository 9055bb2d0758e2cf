"""Every record has a short number people can read and type (issue 18): drawn from the node's
种次号 ranges so it names one record on every desk, given to records that existed before, and
accepted wherever a record id was."""

from __future__ import annotations

import json

from db import migrations
from db.migrations import m0081_record_numbers
from db.models import BibRecord
from ils.catalogue.book_numbers import reserve_range
from ils.catalogue.record_numbers import find_record_id, next_record_number, next_record_numbers
from ils.catalogue.records import view_record
from ils.initialise import initialise
from ils.library import open_library
from ils.staff import log_in
from tests.codes import refused

from .conftest import ADMIN_PASSWORD
from .test_book_numbers import new_record


def test_records_are_numbered_from_the_nodes_range_and_found_by_number(admin):
    first, second = new_record(admin, "三体"), new_record(admin, "球状闪电")
    assert [view_record(b).summary.number for b in (first, second)] == [1000, 1001]
    assert view_record(second).summary.label == "1001"
    assert find_record_id("1001") == second and find_record_id(f" {first} ") == first
    with refused("catalogue.no_such_record_number"):
        find_record_id("999999")


def test_a_node_goes_on_to_its_next_block_when_one_is_full(admin):
    BibRecord.update(number=4_999_999).where(BibRecord.id == new_record(admin, "一")).execute()
    reserve_range(admin, kind="book_number", first=6000, last=6001)
    assert next_record_numbers(admin.library, 3) == [6_000_000, 6_000_001, 6_000_002]
    assert view_record(new_record(admin, "二")).summary.number == 6_000_000


def test_a_desk_without_a_range_leaves_the_record_unnumbered_and_names_it_by_id(tmp_path, clock):
    library = initialise(
        tmp_path / "branch.sqlite", admin_username="admin", admin_password=ADMIN_PASSWORD, branch_code="YS", clock=clock
    )
    try:
        session = log_in(library, "admin", ADMIN_PASSWORD)
        assert next_record_number(library) is None and next_record_numbers(library, 2) == [None, None]
        bib = new_record(session, "边城")
        summary = view_record(bib).summary
        assert summary.number is None and summary.label == bib
    finally:
        library.close()


def test_records_catalogued_before_the_numbers_get_them_in_the_order_they_came(tmp_path, clock, monkeypatch):
    path = tmp_path / "old.sqlite"
    with monkeypatch.context() as patched:
        before = tuple(m for m in migrations.MIGRATIONS if m.VERSION < m0081_record_numbers.VERSION)
        patched.setattr(migrations, "MIGRATIONS", before)
        patched.setattr(migrations, "LATEST_VERSION", before[-1].VERSION)
        old = initialise(path, admin_username="admin", admin_password=ADMIN_PASSWORD, clock=clock)
        for doc, (bib_id, created) in enumerate((("b-late", "2025-02-01"), ("b-early", "2024-01-01")), start=1):
            old.database.execute_sql(
                "INSERT INTO bib_record (id, doc, format, marc, title, title_sort, created_at, updated_at)"
                " VALUES (?, ?, 'cnmarc', '{}', ?, ?, ?, ?)",
                (bib_id, doc, bib_id, bib_id, created, created),
            )
        old.close()
    library = open_library(path, clock)
    try:
        rows = library.database.execute_sql("SELECT id, number FROM bib_record ORDER BY number").fetchall()
        assert rows == [("b-early", 1000), ("b-late", 1001)]
        versions = library.database.execute_sql("SELECT colvers FROM sync_row WHERE tbl = 'bib_record'").fetchall()
        assert all("number" in json.loads(colvers) for (colvers,) in versions)  # the numbers travel by sync
    finally:
        library.close()


def test_a_hold_takes_the_record_number_where_it_took_the_id(admin):
    from ils.circulation.holds import find_record

    bib = new_record(admin, "白鹿原")
    assert find_record("1000")[0].id == bib
