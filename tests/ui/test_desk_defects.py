"""Defects found when the desks were tried as a new user would (issue 18), each driven at 80×24
as the clerk met it, so that it stays fixed."""

from __future__ import annotations

from textual.widgets import Input

from screens.circulation_hold import HoldDialog
from screens.dialogs import FormDialog
from screens.reader_dialogs import ConfirmDialog
from screens.reader_record import ReaderScreen
from screens.readers_desk import ReadersScreen
from screens.widgets import ListTable, StatusLine
from tests.services.reader_samples import ADULT
from tests.ui.conftest import log_in_as, open_desk, run, screen_text, settle, type_text
from tests.ui.test_circulation_desk import desk, scan, title_of  # noqa: F401  (desk: a fixture)
from tests.ui.test_readers_desk import check_line, open_register_tab, readers  # noqa: F401  (readers: a fixture)


def test_the_first_key_typed_after_a_search_reaches_the_search_line(app_for, demo_db, readers):  # noqa: F811
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "readers")
        assert isinstance(app.screen, ReadersScreen)
        await type_text(pilot, "oyn")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#find-results")
        await type_text(pilot, "wf")
        await settle(pilot)
        assert app.screen.query_one("#find-query", Input).value == "wf"

    run(app, scenario)


def test_a_hold_is_placed_by_title_words_from_a_pick_list(app_for, demo_db, desk):  # noqa: F811
    """F6 labels its line 题名: the title's words (not only an ISBN or barcode) find it."""
    title = title_of(demo_db, desk.books[0])
    words = title.split("：")[0][:6]
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        screen = app.screen
        await scan(pilot, desk.holder)
        await pilot.press("f6")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HoldDialog)
        await type_text(pilot, words)
        await pilot.press("enter")
        await settle(pilot)
        hits = dialog.query_one("#hold-hits", ListTable)
        listed = [str(hits.get_row_at(row)[0]) for row in range(hits.row_count)]
        assert title in listed, (words, listed)
        hits.move_cursor(row=listed.index(title))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert [hold.title for hold in screen.view.holds] == [title]

    run(app, scenario)


def test_each_consent_box_is_a_tab_stop_and_reads_ticked_or_not(app_for, demo_db):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "readers")
        await open_register_tab(pilot)
        app.screen.query_one("#reg-phone").focus()  # the consents come next (an adult has no guardian)
        boxes = app.screen.query_one("#reg-consents").boxes()
        assert len(boxes) >= 2
        text = screen_text(app)
        assert "[✓]" not in text and text.count("[ ]") == len(boxes)  # an empty box looks empty
        for box in boxes:
            await pilot.press("tab")
            assert app.focused is box
        await pilot.press("space")  # Space on the last box ticks it
        await settle(pilot)
        assert boxes[-1].value and isinstance(app.screen, ReadersScreen)
        assert "[✓]" in screen_text(app)
        sms = next(box for box in boxes if box.name == "sms")
        sms.value = True
        await settle(pilot)
        assert check_line(app, "reg-phone-check") == ("短信通知需要手机号码。", True)  # under the field, at once

    run(app, scenario)


def test_esc_on_a_filled_registration_form_asks_before_throwing_it_away(app_for, demo_db):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "readers")
        await open_register_tab(pilot)
        await type_text(pilot, "欧阳娜娜")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # Esc again keeps the form
        await settle(pilot)
        assert isinstance(app.screen, ReadersScreen)
        assert app.screen.query_one("#reg-name", Input).value == "欧阳娜娜"
        await pilot.press("escape", "enter")  # asked, and told to throw it away
        await settle(pilot)
        assert not isinstance(app.screen, (ReadersScreen, ConfirmDialog))

    run(app, scenario)


def test_the_replace_card_dialog_checks_the_id_number_as_it_is_typed(app_for, demo_db, readers):  # noqa: F811
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "readers")
        await type_text(pilot, readers["adult"])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "1" * 36)
        await settle(pilot)
        status = app.screen.query_one("#dialog-status")
        assert status.has_class("-error") and "18" in status.text, status.text
        await pilot.press(*["backspace"] * 36)
        await type_text(pilot, ADULT)
        await settle(pilot)
        assert not app.screen.query_one("#dialog-status").has_class("-error")

    run(app, scenario)


def test_the_import_review_says_copies_without_barcodes_and_shows_each_decision_whole(app_for, demo_db, tmp_path):
    from tests.services.marc_samples import write_file
    from tests.services.test_marc_import import book
    from tests.ui.test_cataloguing_desk import open_cataloguing, open_tab

    long_title = "一部书名很长很长的地方文献丛书之醴陵瓷业百年史料汇编"
    supplier = write_file(
        tmp_path / "supplier.iso",
        [book(long_title, holdings=({"a": "ZG"}, {"a": "ZG"})), book("兄弟", holdings=({"b": "C3"},))],
        "utf-8",
    )

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await open_tab(pilot, "tab-import")
        await type_text(pilot, str(supplier))
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "2 册没有条码，不会添加" in text, text
        rows = [line for line in text.splitlines() if line.split()[:2] in (["1", "新增"], ["2", "新增"])]
        assert len(rows) == 2, text
        assert long_title in text  # whole, on the line under the list

    app = app_for(demo_db)
    run(app, scenario)


def test_f8_and_the_labels_tab_count_the_labels_already_waiting_and_a_scan_shelves_a_copy(app_for, demo_db):
    from ils.catalogue import items, labels, records
    from screens.catalogue_record import RecordScreen
    from tests.services.test_marc_import import book
    from tests.ui.conftest import admin_session
    from tests.ui.test_cataloguing_desk import open_cataloguing, open_tab

    library, session = admin_session(demo_db)
    try:
        bib_id = records.add_record(session, book("醴陵瓷业志", isbn="978-7-02-000220-7"), "cnmarc")
        for barcode in ("77000001", "77000002"):
            items.add_item(session, bib_id, barcode, status="processing")
        labels.queue_labels(session, ["77000001", "77000002"])  # what F7 does as it adds each copy
        waiting = len(labels.queued_labels())
    finally:
        library.close()

    async def scenario(pilot):
        await open_cataloguing(pilot)
        await pilot.app.push_screen(RecordScreen(bib_id))
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        status = pilot.app.screen.query_one(StatusLine).text
        assert "已在队列中" in status and "2 张" in status, status
        await pilot.press("escape")
        await settle(pilot)
        await open_tab(pilot, "tab-labels")
        assert pilot.app.screen.query_one("#labels-status").text.startswith(f"有 {waiting} 张标签待打印"), waiting
        pilot.app.screen.query_one("#labels-shelve").focus()
        await type_text(pilot, "77000001")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.query_one("#labels-status").text == "77000001 已上架，可以外借。"

    run(app_for(demo_db), scenario)
    library, _session = admin_session(demo_db)
    try:
        assert items.get_item("77000001").status == "available" and items.get_item("77000002").status == "processing"
    finally:
        library.close()


def test_a_fast_typists_name_tab_password_enter_at_log_in_reaches_both_fields(app_for, demo_db):
    """The keys come in one burst, as from a real terminal: none waits for the one before to be handled."""
    from textual import events

    from ils.demo import DEMO_PASSWORD
    from screens.home import HomeScreen

    app = app_for(demo_db)

    async def scenario(pilot):
        user = app.screen.query_one("#login-user")
        assert app.focused is user
        typed = ["c", "i", "r", "c", "tab", *DEMO_PASSWORD, "enter"]
        for key in typed:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), app.screen.query_one("#login-status").text
        assert app.session.staff.username == "circ"

    run(app, scenario)


def test_wide_characters_under_an_overlay_or_beside_a_docked_key_are_drawn_whole(app_for, demo_db):
    """A list dropped over a dialog, and the footer at 80 columns, lost 室 and 命 where a widget's edge
    fell inside the character."""
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "总馆 · 地方文献室 (ZG-DF)" in text, text  # the footer's "^p 命令" case: the compact footer test

    run(app, scenario)


def test_at_80_columns_the_footer_shows_f1_first_and_the_desks_keys(app_for, demo_db):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        footer = screen_text(app).splitlines()[-1]
        assert footer.split()[:2] == ["F1", "按键"], footer
        for key in ("F4", "F5", "F6", "F7", "F9", "F12", "F10"):
            assert key in footer.split(), (key, footer)

    run(app, scenario)


def test_ctrl_pgdn_changes_tabs_on_the_system_desk_and_f1_says_so(app_for, demo_db):
    from textual.widgets import TabbedContent

    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        await open_desk(pilot, "system")
        tabs = app.screen.query_one(TabbedContent)
        first = tabs.active
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        assert tabs.active != first
        await pilot.press("f1")
        await settle(pilot)
        assert "Ctrl+PgDn" in screen_text(app) and "下一个标签页" in screen_text(app)

    run(app, scenario)


def _contrast(style) -> float:
    """WCAG contrast ratio of the text against its background as drawn (reverse swaps them)."""

    def luminance(color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)

    text, back = style.foreground, style.background
    light, dark = sorted((luminance(text), luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_focused_button_reads_clearly_and_unlike_the_others_in_both_themes(app_for, demo_db):
    from textual.widgets import Button

    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        await pilot.press("f12")
        await settle(pilot)
        for theme in ("normal", "high contrast"):
            for button in app.screen.query(Button):
                app.screen.set_focus(None)
                await settle(pilot)
                resting = button.visual_style
                app.screen.set_focus(button)
                await settle(pilot)
                focused = button.visual_style
                assert focused.reverse and focused.bold, (theme, button.id)
                assert _contrast(focused) >= 4 and _contrast(resting) >= 4, (theme, button.id)
            await pilot.press("f3")
            await settle(pilot)

    run(app, scenario)


def test_textuals_own_words_are_in_chinese_too(app_for, demo_db):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "cat")
        await open_desk(pilot, "cataloguing")
        app.screen.query_one("#search-field").focus()
        await pilot.press("enter")  # the list of search fields drops down: its Esc is in the footer
        await settle(pilot)
        assert "收起列表" in screen_text(app).splitlines()[-1], screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "zzzz")
        await pilot.pause(1.0)
        await settle(pilot)
        text = screen_text(app)
        assert "没有匹配的命令" in text and "No matches" not in text

    run(app, scenario)


def test_a_fast_typists_keys_after_tab_in_a_form_dialog_land_in_the_next_field(app_for, demo_db):
    """Issue 18: only the log-in screen took Tab as the key arrived; in a form dialog the characters
    typed right after Tab landed in the field before it."""
    from textual import events

    from ils.i18n import N_
    from screens.dialogs import Field

    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        app.push_screen(FormDialog(N_("Rename"), [Field("first", N_("Name")), Field("second", N_("Code"))], dict))
        await settle(pilot)
        assert app.focused is app.screen.query_one("#field-first")
        for key in ["a", "b", "tab", "c", "d", "tab", "tab", "tab", "f"]:  # on round: OK, Cancel, first
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert app.screen.query_one("#field-first", Input).value in ("abf", "f")
        assert app.screen.query_one("#field-second", Input).value == "cd"

    run(app, scenario)


def test_keys_typed_while_the_desk_starts_reach_the_log_in_fields(app_for, demo_db, monkeypatch):
    """Issue 18: keys typed before the log-in screen existed were lost. The database is held open
    until the whole log-in has been typed, so every key arrives before any field exists."""
    import asyncio
    import threading

    from textual import events

    from ils.demo import DEMO_PASSWORD
    from screens import app as app_module
    from screens.home import HomeScreen
    from tests.ui.conftest import SIZE

    typed = threading.Event()
    real_open = app_module.open_library

    def held_open(*args, **kwargs):
        typed.wait(timeout=30)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(app_module, "open_library", held_open)
    app = app_for(demo_db)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert not app.query("#login-user")  # no field yet
            # Enter typed before the terminal is in raw mode comes as a line feed (seen in tmux).
            for key in ["c", "i", "r", "c", "tab", *DEMO_PASSWORD, "ctrl+j"]:
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            await pilot.pause()
            typed.set()
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert app.session is not None and app.session.staff.username == "circ"

    asyncio.run(main())
