"""The reader desk driven as the front desk would: register an adult and a child, find readers
by scanning, name and pinyin, report a card lost and replace it, print the card, and the
permission that guards the full ID number."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.widgets import TabbedContent

from ils.i18n import _
from ils.readers import lifecycle
from ils.readers.readers import find_readers, view_reader
from screens.dialogs import FormDialog
from screens.reader_dialogs import ConfirmDialog, RevealDialog
from screens.reader_record import ReaderScreen
from screens.readers_desk import ReadersScreen
from tests.services.reader_samples import ADULT, CHILD, GUARDIAN, register
from tests.ui.conftest import admin_session, log_in_as, open_desk, press_button, run, screen_text, settle, type_text


@pytest.fixture
def readers(demo_db: Path) -> dict[str, str]:
    """Card numbers of a guardian (张建国) and an adult (欧阳娜娜), registered beforehand."""
    library, session = admin_session(demo_db)
    try:
        guardian = register(session, "张建国", GUARDIAN).summary.card_number
        adult = register(session, "欧阳娜娜", ADULT).summary.card_number
    finally:
        library.close()
    return {"guardian": guardian, "adult": adult}


def count_bells(app) -> list[int]:
    """Every ring of the bell from now on, one item each."""
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    return rings


async def open_readers(pilot, username: str = "circ") -> None:
    await log_in_as(pilot, username)
    await open_desk(pilot, "readers")
    assert isinstance(pilot.app.screen, ReadersScreen)


async def open_register_tab(pilot) -> None:
    """Ctrl+PgDn, then wait for the screen to be redrawn: the focus moves into the tab after that."""
    await pilot.press("ctrl+pagedown")
    await settle(pilot)
    for _attempt in range(20):
        if pilot.app.focused is not None and pilot.app.focused.id == "reg-name":
            break
        await pilot.pause(0.05)
    assert pilot.app.screen.query_one(TabbedContent).active == "tab-register"
    assert pilot.app.focused is not None and pilot.app.focused.id == "reg-name", (pilot.app.focused, pilot.app.screen)


async def find(pilot, text: str) -> None:
    """Type or scan into the search line, wherever the focus is on the Find tab, and press Enter."""
    await pilot.press("f5")
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def fill(pilot, widget_id: str, text: str) -> None:
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await type_text(pilot, text)
    await settle(pilot)


def check_line(app, check_id: str) -> tuple[str, bool]:
    """What the live check under a field says, and whether it says it in red."""
    line = app.screen.query_one(f"#{check_id}")
    return (str(line.content) if line.display else "", line.has_class("-error"))


def test_register_an_adult_after_the_live_check_catches_a_wrong_check_digit(app_for, demo_db):
    wrong = ADULT[:-1] + ("1" if ADULT[-1] != "1" else "2")
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_readers(pilot)
        await open_register_tab(pilot)
        await type_text(pilot, "欧阳娜娜")
        await fill(pilot, "reg-id-number", wrong[:12])
        assert check_line(app, "reg-id-check") == ("居民身份证号码为 18 位；这个号码有 12 位。", True)
        await type_text(pilot, wrong[12:])
        await settle(pilot)
        text, red = check_line(app, "reg-id-check")
        assert "校验位" in text and red
        await pilot.press("backspace")
        await type_text(pilot, ADULT[-1])
        await settle(pilot)
        text, red = check_line(app, "reg-id-check")
        assert "1985-03-12" in text and not red
        assert app.screen.query_one("#reg-birth").value == "1985-03-12"
        assert not app.screen.query_one("#row-guardian").display  # an adult needs no guardian
        await fill(pilot, "reg-phone", "1380013800")
        assert check_line(app, "reg-phone-check")[1]  # ten digits: said at once
        await type_text(pilot, "0")
        await settle(pilot)
        assert check_line(app, "reg-phone-check") == ("", False)
        consents = app.screen.query_one("#reg-consents")
        consents.boxes()[0].focus()  # where Tab reaches after the notes; Space ticks, Tab moves on
        await pilot.press("space", "tab", "space")
        await settle(pilot)
        assert set(consents.selected) == {"union_sharing", "sms"}
        await press_button(pilot, "#reg-submit")
        assert isinstance(app.screen, ConfirmDialog)  # the card is offered for printing
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        text = screen_text(app)
        assert "欧阳娜娜" in text and "430281********" + ADULT[-4:] in text
        assert ADULT not in text and "138****8000" in text
        assert "为通借通还向联合目录中心提供信息" in text and "短信通知" in text

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        (found,) = find_readers(session, ADULT)
        assert found.name == "欧阳娜娜" and found.reader_type == "adult" and found.branch_code == "ZG"
    finally:
        library.close()


def test_a_child_is_registered_only_with_a_guardian(app_for, demo_db, readers):
    app = app_for(demo_db)
    rings = count_bells(app)

    async def scenario(pilot):
        await open_readers(pilot)
        await open_register_tab(pilot)
        await type_text(pilot, "张小宝")
        assert not app.screen.query_one("#row-guardian").display
        await fill(pilot, "reg-id-number", CHILD)
        assert app.screen.query_one("#row-guardian").display  # born 2018: the guardian's card appears
        assert "2018-06-01" in check_line(app, "reg-id-check")[0]
        assert app.screen.query_one("#reg-guardian-check").has_class("-hint")  # required, said before refusing
        consents = app.screen.query_one("#reg-consents")
        consents.select("guardian")
        await press_button(pilot, "#reg-submit")
        status = app.screen.query_one("#register-status")
        assert status.has_class("-error") and "监护人" in status.text and rings
        await fill(pilot, "reg-guardian", readers["guardian"])
        await pilot.press("tab")  # leaving the field looks the guardian up
        await settle(pilot)
        text, red = check_line(app, "reg-guardian-check")
        assert "张建国" in text and not red
        await press_button(pilot, "#reg-submit")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)
        assert "张小宝" in text and f"张建国 ({readers['guardian']})" in text

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        (child,) = find_readers(session, CHILD)
        record = view_reader(session, child.card_number)
        assert record.guardian.card_number == readers["guardian"]
        assert [c.kind for c in record.consents] == ["guardian"]
    finally:
        library.close()


def test_find_by_scanning_the_card_by_name_and_by_pinyin(app_for, demo_db, readers):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_readers(pilot)
        await find(pilot, readers["adult"])
        assert isinstance(app.screen, ReaderScreen)  # a scan opens the reader at once
        assert "欧阳娜娜" in screen_text(app)
        assert not app.screen.query_one("#reader-blocks").has_class("-blocked")
        await pilot.press("escape")
        await settle(pilot)
        for text in ("欧阳娜", "ouyangnana", "oyn"):
            await find(pilot, text)
            table = app.screen.query_one("#find-results")
            assert any(table.get_row_at(row)[1] == "欧阳娜娜" for row in range(table.row_count)), text
        table.move_cursor(row=next(row for row in range(table.row_count) if table.get_row_at(row)[1] == "欧阳娜娜"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen) and "欧阳娜娜" in screen_text(app)
        await pilot.press("f2")  # the record is drawn again in English, nothing lost
        await settle(pilot)
        text = screen_text(app)
        assert "Pinyin" in text and "ouyangnana" in text and "Report the card lost" in text

    run(app, scenario)


def test_a_lost_card_is_refused_loudly_and_a_replaced_one_for_good(app_for, demo_db, readers):
    old = readers["adult"]
    app = app_for(demo_db)
    rings = count_bells(app)

    async def scenario(pilot):
        await open_readers(pilot)
        await find(pilot, old)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#reader-blocks").has_class("-blocked")
        assert "读者证已挂失" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        rings.clear()
        await find(pilot, old)
        assert isinstance(app.screen, ReadersScreen)
        status = app.screen.query_one("#find-status")
        assert status.has_class("-error") and "挂失" in status.text and rings
        await pilot.press("enter")  # the refused card's reader is listed: open the record
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, GUARDIAN)  # not the holder's number
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and "不是持证人" in screen_text(app)
        field = app.screen.query_one("#field-id_number")
        field.value = ""
        field.focus()
        await type_text(pilot, ADULT)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # the new card is offered for printing
        await pilot.press("escape")
        await settle(pilot)
        new = app.screen.card_number
        assert new != old and new in app.screen.query_one("#reader-status").text
        assert ADULT not in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        rings.clear()
        await find(pilot, old)
        status = app.screen.query_one("#find-status")
        assert status.has_class("-error") and new in status.text and rings
        await find(pilot, new)
        assert isinstance(app.screen, ReaderScreen) and "欧阳娜娜" in screen_text(app)

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        (found,) = find_readers(session, ADULT)
        assert found.card_number != old and not found.blocks
    finally:
        library.close()


def test_the_printed_card_scans_back_to_the_card_number(app_for, demo_db, readers, tmp_path):
    card = readers["adult"]
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_readers(pilot)
        await find(pilot, card)
        await pilot.press("f8")
        await settle(pilot)
        assert "prints" in app.screen.query_one("#reader-status").text

    run(app, scenario)
    (pdf,) = (demo_db.parent / "prints").glob(f"card-{card}-*.pdf")
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / "card")], check=True)
    (png,) = tmp_path.glob("card-*.png")
    scanned = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True).stdout.split()
    assert f"CODE-128:{card}" in scanned and f"QR-Code:{card}" in scanned
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "欧阳娜娜" in text and "醴陵市图书馆" in text


def test_the_full_id_number_needs_the_permission_and_leaves_with_the_dialog(app_for, demo_db, readers):
    card = readers["adult"]

    async def clerk_scenario(pilot):
        rings = count_bells(pilot.app)
        await open_readers(pilot, "circ")
        await find(pilot, card)
        await pilot.press("i")
        await settle(pilot)
        status = pilot.app.screen.query_one("#reader-status")
        assert status.has_class("-error") and "完整证件号码" in status.text and rings
        assert ADULT not in screen_text(pilot.app)

    async def admin_scenario(pilot):
        await open_readers(pilot, "admin")
        await find(pilot, card)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RevealDialog) and ADULT in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReaderScreen) and ADULT not in screen_text(pilot.app)
        await pilot.press("e")  # the reader's own data, for the reader (an administrator's task too)
        await settle(pilot)
        assert "reader-data-" in pilot.app.screen.query_one("#reader-status").text

    run(app_for(demo_db), clerk_scenario)
    run(app_for(demo_db), admin_scenario)
    (export,) = (demo_db.parent / "prints").glob(f"reader-data-{card}-*.pdf")
    text = subprocess.run(["pdftotext", str(export), "-"], capture_output=True, text=True, check=True).stdout
    assert "430281********" + ADULT[-4:] in text and ADULT not in text


def test_suspend_lift_verify_and_consent_at_80_by_24(app_for, demo_db, readers):
    card = readers["adult"]
    app = app_for(demo_db)
    rings = count_bells(app)

    async def scenario(pilot):
        await open_readers(pilot)
        await find(pilot, card)
        await pilot.press("s")
        await settle(pilot)
        await type_text(pilot, "损坏图书未赔偿")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "停借" in text and "损坏图书未赔偿" in text
        assert app.screen.query_one("#reader-blocks").has_class("-blocked")
        for line in ("欧阳娜娜", card, "430281********", "停借", "F6"):  # all in sight at 80×24
            assert line in text, line
        await pilot.press("r")
        await settle(pilot)
        await press_button(pilot, "#dialog-ok")
        assert not app.screen.query_one("#reader-blocks").has_class("-blocked")
        await pilot.press("v")
        await settle(pilot)
        await type_text(pilot, GUARDIAN)
        await pilot.press("enter")
        await settle(pilot)
        status = app.screen.query_one("#reader-status")
        assert status.has_class("-error") and card in status.text and rings
        await pilot.press("o")
        await settle(pilot)
        kinds = app.screen.query_one("#consent-kinds")
        assert kinds.get_row_at(0)[:2] == ["为通借通还向联合目录中心提供信息", _("Not given")]
        await pilot.press("enter")  # the reader agrees to borrow-anywhere sharing
        await settle(pilot)
        assert kinds.get_row_at(0)[1] == _("Given")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert "✓ 为通借通还向联合目录中心提供信息" in screen_text(app)

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        assert lifecycle.verify(session, card, ADULT).matches
        assert [c.kind for c in view_reader(session, card).consents if c.current] == ["union_sharing"]
    finally:
        library.close()


def test_a_cataloguer_has_no_reader_desk(app_for, demo_db):
    async def scenario(pilot):
        await log_in_as(pilot, "cat")
        assert "读者" not in screen_text(pilot.app)

    run(app_for(demo_db), scenario)


def test_a_second_id_number_for_the_same_person_is_refused(app_for, demo_db, readers):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_readers(pilot)
        await open_register_tab(pilot)
        await type_text(pilot, "欧阳娜")
        await fill(pilot, "reg-id-number", ADULT)
        await press_button(pilot, "#reg-submit")
        status = app.screen.query_one("#register-status")
        assert status.has_class("-error") and readers["adult"] in status.text
        assert app.screen.query_one("#reg-id-number").value == ADULT  # nothing typed is lost

    run(app, scenario)


def test_text_that_is_not_text_or_no_card_is_told_and_the_desk_stays_open(app_for, demo_db, readers):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_readers(pilot)
        rings = count_bells(app)
        query = app.screen.query_one("#find-query")
        query.value = "欧阳\x1b]0;pwned\x07"  # a pasted terminal sequence
        await pilot.press("enter")
        await settle(pilot)
        status = app.screen.query_one("#find-status").text
        assert "检索词" in status and "U+001B" in status and rings == [1]
        card = readers["adult"]
        wrong_digit = card[:-1] + str((int(card[-1]) + 1) % 10)  # the real card ends in any digit
        for typed in (card[:8] + " " + card[8:], wrong_digit):
            await find(pilot, typed)  # a card number with a space, or a wrong check digit: searched, not opened
            assert isinstance(app.screen, ReadersScreen) and "没有找到" in app.screen.query_one("#find-status").text
        await find(pilot, card)
        assert isinstance(app.screen, ReaderScreen)

    run(app, scenario)
