"""The label queue: labels collected while cataloguing and printed a sheet at a time, checked
with the tools a printer driver and a scanner stand in for (poppler, zbar)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from db import journal
from ils.catalogue.book_numbers import assign_call_number, next_barcodes, reserve_range
from ils.catalogue.items import add_item, change_item
from ils.catalogue.labels import (
    clear_queue,
    print_queue,
    queue_labels,
    queue_record_labels,
    queued_labels,
    spine_lines,
)
from ils.errors import NotFound, PermissionDenied
from tests.codes import refused
from tests.printing.conftest import PdfTools

from .test_book_numbers import new_record

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def pdf_tools(tmp_path) -> PdfTools:
    return PdfTools(tmp_path)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def shelf(admin):
    """Three titles with call numbers: two copies at the 总馆 lending room, one at a branch."""
    bibs = {}
    for title, clc in (("呐喊", "I246.7"), ("三体", "I247.5"), ("红楼梦", "I242.4")):
        bibs[title] = new_record(admin, title, clc=clc)
        assign_call_number(admin, bibs[title])
    add_item(admin, bibs["三体"], "L0001", location="ZG-WJ")
    add_item(admin, bibs["三体"], "L0002", location="ZG-WJ", call_number="I247.5/1:2-1")
    add_item(admin, bibs["呐喊"], "L0003", branch="XHMZ", location="XHMZ")
    add_item(admin, bibs["红楼梦"], "L0004")
    return bibs


def test_queue_add_list_and_clear(library, admin, shelf):
    assert queue_labels(admin, ["L0001", "l0002", "L0003"]) == 6
    assert queue_labels(admin, ["L0001", "L0001"], kinds=["spine"]) == 0  # already waiting: ignored
    waiting = queued_labels()
    assert [(q.kind, q.barcode) for q in waiting] == [
        ("spine", "L0003"),
        ("spine", "L0001"),
        ("spine", "L0002"),  # shelf order: I246.7 < I247.5/1 < /1:2-1
        ("barcode", "L0003"),
        ("barcode", "L0001"),
        ("barcode", "L0002"),
    ]
    assert waiting[0].title == "呐喊" and waiting[0].branch_name == "星海明筑分馆"
    assert clear_queue(admin, ["barcode"]) == 3
    assert [q.kind for q in queued_labels()] == ["spine"] * 3
    assert clear_queue(admin) == 3
    assert queued_labels() == []
    actions = [e.action for e in journal.entries(library.database, limit=10_000)]
    assert actions.count("labels.queue") == 1 and actions.count("labels.clear") == 2


def test_a_record_queues_the_labels_of_all_its_copies(admin, shelf):
    assert queue_record_labels(admin, shelf["三体"], kinds=["barcode"]) == 2
    assert {q.barcode for q in queued_labels("barcode")} == {"L0001", "L0002"}
    bare = new_record(admin, "没有册")
    with refused("catalogue.record_has_no_copies"):
        queue_record_labels(admin, bare)


def test_a_copy_without_a_call_number_waits_for_its_spine_label(admin, shelf):
    """Copies are often scanned in before the record has a call number."""
    bib = new_record(admin, "未分配", clc="I247.5")
    add_item(admin, bib, "N0001")
    assert queue_labels(admin, ["N0001"]) == 1
    assert [q.kind for q in queued_labels()] == ["barcode"]
    with refused("catalogue.label_needs_call_number"):
        queue_labels(admin, ["N0001"], kinds=["spine"])
    assign_call_number(admin, bib)
    assert queue_record_labels(admin, bib) == 1  # the spine label; the barcode label was waiting
    assert [(q.kind, q.call_number) for q in queued_labels()] == [("spine", "I247.5/2"), ("barcode", "I247.5/2")]


def test_unknown_barcodes_and_kinds_are_named(admin, shelf):
    with refused("catalogue.no_such_barcode", NotFound):
        queue_labels(admin, ["L0001", "NOPE"])
    with refused("catalogue.label_unknown_kind"):
        queue_labels(admin, ["L0001"], kinds=["cover"])


def test_printing_spine_labels_takes_them_off_the_queue(library, admin, shelf, pdf_tools):
    queue_labels(admin, ["L0001", "L0002", "L0003", "L0004"])
    pdf = print_queue(admin, kind="spine", start_at=2)
    pdf_tools.assert_only_cjk_font(pdf)
    assert pdf_tools.info(pdf)["Title"] == "Spine labels"
    words = [w.text for w in pdf_tools.words(pdf)]
    for line in ("I246.7", "I247.5", "I242.4", "1", "2-1"):
        assert line in words
    text = _squash(pdf_tools.text(pdf))
    assert "总馆图书外借部" in text  # branch and room at the foot
    assert "星海明筑分馆" in text and "星海明筑分馆星海明筑分馆" not in text  # a branch that is its own room: once
    assert [q.kind for q in queued_labels()] == ["barcode"] * 4
    entry = journal.entries(library.database, limit=10_000)[-1]
    assert entry.action == "labels.print" and entry.data["kind"] == "spine" and len(entry.data["barcodes"]) == 4
    with refused("catalogue.no_labels_waiting_spine"):
        print_queue(admin, kind="spine")


def test_every_printed_barcode_scans_back_to_its_number(admin, pdf_tools):
    """Thirty copies with barcodes from the desk's range, from position 5 of a 24-label sheet: two pages."""
    reserve_range(admin, kind="barcode", first=4_302_000_001, last=4_302_009_999)
    bib = new_record(admin, "三体：地球往事（典藏版）全三册之第一部", clc="I247.5")
    assign_call_number(admin, bib)
    barcodes = []
    for _ in range(30):
        (barcode,) = next_barcodes(admin, 1)
        barcodes.append(add_item(admin, bib, barcode).barcode)
    assert barcodes[0] == "4302000001"
    assert queue_record_labels(admin, bib, kinds=["barcode"]) == 30
    pdf = print_queue(admin, kind="barcode", sheet="a4-3x8-70x37", start_at=5)
    pdf_tools.assert_only_cjk_font(pdf)
    assert pdf_tools.info(pdf)["Pages"] == "2"
    # zbarimg reports a value once per page; every value here is different.
    assert Counter(pdf_tools.decode(pdf)) == Counter(barcodes)
    text = pdf_tools.text(pdf)
    for barcode in barcodes:
        assert barcode in text
    assert "三体：地球往事（典藏版）全三册…" in _squash(text)  # the title line is cut short
    assert queued_labels() == []


def test_print_refusals(admin, clerk, shelf):
    queue_labels(admin, ["L0001"])
    with refused("printouts.unknown_label_sheet", NotFound):
        print_queue(admin, kind="spine", sheet="a5")
    with refused("catalogue.label_start_out_of_range"):
        print_queue(admin, kind="spine", start_at=41)  # the spine sheet has 40
    with refused("staff.not_permitted", PermissionDenied):
        print_queue(clerk, kind="spine")
    with refused("staff.not_permitted", PermissionDenied):
        queue_labels(clerk, ["L0001"])
    with refused("staff.not_permitted", PermissionDenied):
        clear_queue(clerk)
    assert len(queued_labels()) == 2  # nothing was printed or dropped


def test_labels_that_cannot_be_printed_stay_queued(admin, shelf):
    add_item(admin, shelf["红楼梦"], "LIBRARY-ITEM-ABCDEF")
    queue_labels(admin, ["LIBRARY-ITEM-ABCDEF"], kinds=["barcode"])
    with refused("catalogue.label_barcode_too_long"):
        print_queue(admin, kind="barcode", sheet="a4-5x13-38.1x21.2")
    assert print_queue(admin, kind="barcode", sheet="a4-3x8-70x37")  # wider stock takes it
    queue_labels(admin, ["L0004"], kinds=["spine"])
    change_item(admin, "L0004", call_number="")  # cleared after it was queued
    with refused("catalogue.label_needs_call_number"):
        print_queue(admin, kind="spine")
    assert [q.barcode for q in queued_labels()] == ["L0004"]


@pytest.mark.parametrize(
    ("call_number", "lines"),
    [
        ("I247.5/123", ("I247.5", "123")),
        ("I247.5/123:2-1", ("I247.5", "123", "2-1")),
        ("I247.5/123-3", ("I247.5", "123", "-3")),
        ("K928.9(264)/LX2", ("K928.9(264)", "LX2")),
        ("本地/甲12", ("本地", "甲12")),
    ],
)
def test_spine_lines(call_number, lines):
    assert spine_lines(call_number) == lines
