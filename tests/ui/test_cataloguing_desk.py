"""The cataloguing desk driven as a cataloguer would: import a supplier's GBK file, search it,
give call numbers, scan copies in, print the label sheet, edit a record."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from textual.widgets import TabbedContent

from db.models import BibRecord, Item
from ils.catalogue import marc_import, search
from ils.i18n import translate
from screens.catalogue_import import DECISION_LABELS
from screens.catalogue_record import RecordScreen
from screens.catalogue_search import SearchPane
from screens.cataloguing_desk import CataloguingScreen
from screens.widgets.table import ListTable
from tests.services.marc_samples import dp2_records, write_file
from tests.ui.conftest import admin_session, log_in_as, open_desk, run, screen_text, settle, type_text


async def open_cataloguing(pilot) -> None:
    await log_in_as(pilot, "cat")
    await open_desk(pilot, "cataloguing")
    assert isinstance(pilot.app.screen, CataloguingScreen)


async def open_tab(pilot, pane_id: str) -> None:
    """Ctrl+PgDn to the next tab until it is the one wanted, wherever the focus is."""
    tabs = pilot.app.screen.query_one(TabbedContent)
    for _ in range(3):
        if tabs.active == pane_id:
            break
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
    assert tabs.active == pane_id
    assert pilot.app.screen.focused in tabs.active_pane.query("*")  # the focus went into the tab


async def search_for(pilot, text: str) -> None:
    pane = pilot.app.screen.query_one(SearchPane)
    pane.action_focus_query()
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


def test_search_by_pinyin_initials_opens_the_record_with_named_fields(app_for, demo_db):
    async def scenario(pilot):
        await open_cataloguing(pilot)
        await search_for(pilot, "hlm")
        text = screen_text(pilot.app)
        assert "红楼梦" in text and "曹雪芹" in text and "I242.4/" in text
        results = pilot.app.screen.query_one("#search-results", ListTable)
        printed = next(i for i in range(results.row_count) if "I242.4/" in results.get_row_at(i)[4])
        for _ in range(printed):  # the printed edition, not the blind room's braille one
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecordScreen)
        text = screen_text(pilot.app)
        assert "题名与责任说明" in text and "在架" in text
        pilot.app.screen.query_one("#record-fields").focus()
        await pilot.press("pagedown")  # scroll down the fields
        await settle(pilot)
        assert "中国图书馆图书分类法分类号" in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CataloguingScreen)
        assert "红楼梦" in screen_text(pilot.app)  # the results are still there

    run(app_for(demo_db), scenario)


def test_an_empty_search_says_what_to_type(app_for, demo_db):
    async def scenario(pilot):
        await open_cataloguing(pilot)
        await search_for(pilot, "   ")
        status = pilot.app.screen.query_one("#search-status")
        assert status.has_class("-error") and status.text

    run(app_for(demo_db), scenario)


def test_import_a_gbk_supplier_file_review_and_apply_then_find_it(app_for, demo_db, tmp_path):
    supplier = write_file(tmp_path / "supplier.iso", dp2_records(), "gbk", leader09="a", charset_100="50  ")

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await open_tab(pilot, "tab-import")
        await type_text(pilot, str(supplier))
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "10" in text and "中国发展报告" in text  # decoded right although it claims UTF-8
        table = pilot.app.screen.query_one("#import-records", ListTable)
        assert table.row_count == 10
        table.focus()
        await pilot.press("s")  # skip the first record
        await settle(pilot)
        assert table.get_row_at(0)[1] == translate(DECISION_LABELS["skip"], "zh_CN")
        pilot.app.screen.set_focus(pilot.app.screen.query_one("#import-apply"))
        await pilot.press("enter")
        await settle(pilot)
        status = pilot.app.screen.query_one("#import-status")
        assert not status.has_class("-error") or "copies" in status.text or "册" in status.text, status.text
        await open_tab(pilot, "tab-search")
        await search_for(pilot, "发展报告")
        assert "中国发展报告" in screen_text(pilot.app)

    run(app_for(demo_db), scenario)
    library, _session = admin_session(demo_db)
    try:
        # 10 records: the first skipped, the second copy of '97 merged into the first: 8 new
        assert BibRecord.select().where(BibRecord.source == "supplier.iso").count() == 8
        found = search.search("zgfzbg")
        assert any("中国发展报告" in hit.title for hit in found.hits)
    finally:
        library.close()


def test_records_are_shown_and_found_by_their_short_number(app_for, demo_db, tmp_path):
    """Issue 18: the desk named records by UUID; a person reads and types the record number."""
    supplier = write_file(tmp_path / "again.iso", dp2_records()[:2], "gbk")
    library, session = admin_session(demo_db)
    try:
        marc_import.apply(session, marc_import.stage(session, supplier.read_bytes(), source_name="first.iso"))
        first = BibRecord.get(BibRecord.source == "first.iso")
        number = str(first.number)
    finally:
        library.close()

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await open_tab(pilot, "tab-import")
        await type_text(pilot, str(supplier))
        await pilot.press("enter")
        await settle(pilot)
        duplicates = pilot.app.screen.query_one("#import-records", ListTable)
        assert f"书目记录 {number}" in duplicates.get_row_at(0)[2]
        await open_tab(pilot, "tab-search")
        pilot.app.screen.query_one("#search-field").value = "number"
        await search_for(pilot, number)
        results = pilot.app.screen.query_one("#search-results", ListTable)
        assert results.row_count == 1 and results.get_row_at(0)[0] == number
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecordScreen)
        assert f"记录号：{number}" in screen_text(pilot.app)

    run(app_for(demo_db), scenario)


def test_call_number_copies_by_scanning_and_the_printed_label_sheet(app_for, demo_db, tmp_path):
    library, session = admin_session(demo_db)
    try:
        from ils.catalogue import records

        bib_id = records.add_record(session, dp2_records()[3], "cnmarc")  # no 905: no call number, no copies
    finally:
        library.close()

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await pilot.app.push_screen(RecordScreen(bib_id))
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        call_class = pilot.app.screen.query_one("#call-class")
        call_class.value = ""
        await type_text(pilot, "F124")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecordScreen), screen_text(pilot.app)
        assert "F124/" in screen_text(pilot.app)
        await pilot.press("f7")
        await settle(pilot)
        pilot.app.screen.query_one("#scan-location").value = "ZG-WJ"  # chosen from the list
        pilot.app.screen.query_one("#scan-barcode").focus()
        for barcode in ("77000001", "77000002"):
            await type_text(pilot, barcode)
            await pilot.press("enter")
            await settle(pilot)
        assert "77000002" in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        assert "77000001" in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        await open_tab(pilot, "tab-labels")
        assert "77000001" in screen_text(pilot.app), screen_text(pilot.app)
        pilot.app.screen.set_focus(pilot.app.screen.query_one("#labels-print"))
        await pilot.press("enter")
        await settle(pilot)
        assert ".pdf" in pilot.app.screen.query_one("#labels-status").text

    run(app_for(demo_db), scenario)
    library, _session = admin_session(demo_db)
    try:
        copies = list(Item.select().where(Item.barcode.in_(["77000001", "77000002"])))
        assert len(copies) == 2 and all(copy.call_number.startswith("F124/") for copy in copies)
    finally:
        library.close()
    (pdf,) = (demo_db.parent / "prints").glob("spine-labels-*.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "F124" in text and "图书外借部" in text


def test_editing_a_record_names_a_bad_line_and_saves_a_good_edit(app_for, demo_db):
    library, session = admin_session(demo_db)
    try:
        from ils.catalogue import records

        bib_id = records.add_record(session, dp2_records()[0], "cnmarc")
    finally:
        library.close()

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await pilot.app.push_screen(RecordScreen(bib_id))
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        editor = pilot.app.screen.query_one("#marc-text")
        good = editor.text
        editor.text = good + "\n300 no-indicators"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "300 no-indicators" in editor.text  # nothing typed is lost
        assert pilot.app.screen.query_one("#dialog-status").has_class("-error")
        editor.text = good.replace("$a'94中国发展报告", "$a一九九四年中国发展报告")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecordScreen)
        assert "一九九四年中国发展报告" in screen_text(pilot.app)

    run(app_for(demo_db), scenario)
    assert Path(demo_db).exists()


def test_rebuilding_the_search_index_runs_in_the_background_and_says_how_many(app_for, demo_db):
    raw = sqlite3.connect(demo_db)
    (records,) = raw.execute("SELECT COUNT(*) FROM bib_record WHERE deleted = 0").fetchone()
    raw.close()

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await open_tab(pilot, "tab-import")
        pilot.app.screen.set_focus(pilot.app.screen.query_one("#import-reindex"))
        await pilot.press("enter")
        await settle(pilot)
        status = pilot.app.screen.query_one("#import-status")
        assert str(records) in status.text and not status.has_class("-error")
        await open_tab(pilot, "tab-search")
        await search_for(pilot, "hlm")
        assert "红楼梦" in screen_text(pilot.app)  # the rebuilt index finds what it found before

    run(app_for(demo_db), scenario)


def test_a_scanned_barcode_that_does_not_fit_is_refused_with_the_format(app_for, demo_db):
    library, session = admin_session(demo_db)
    try:
        from ils.catalogue import records

        bib_id = records.add_record(session, dp2_records()[3], "cnmarc")
    finally:
        library.close()

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await pilot.app.push_screen(RecordScreen(bib_id))
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        pilot.app.screen.query_one("#scan-barcode").focus()
        await type_text(pilot, "abc 12")
        await pilot.press("enter")
        await settle(pilot)
        status = pilot.app.screen.query_one("#dialog-status").text
        assert "abc 12 不是本馆的册条码" in status and "大写字母" in status
        await type_text(pilot, "ｔ９９０１")  # a full-width scan with Caps Lock on: the same label
        await pilot.press("enter")
        await settle(pilot)
        assert "T9901" in screen_text(pilot.app)

    run(app_for(demo_db), scenario)
    library, _session = admin_session(demo_db)
    try:
        assert Item.get_or_none(Item.barcode == "T9901") is not None
        assert Item.get_or_none(Item.barcode == "ABC12") is None
    finally:
        library.close()
