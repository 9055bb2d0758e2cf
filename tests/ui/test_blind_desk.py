"""The blind reading room's desk driven at 80×24 as the ``blind`` demo account would work a day:
a device out with its accessories and back without one, a request posted with its label, a
braille set back a volume short; once in the large-text, high-contrast display. Outcomes are
checked through the services afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from db.models import BlindDevice, BlindDispatch, BlindProfile, BlindRequest, BlindVolume, Item, Loan, Reader, Staff
from ils.blind import eligibility, inventory, lending, stats
from screens.blind_desk import BlindScreen
from screens.dialogs import FormDialog
from screens.theme import HIGH_CONTRAST_THEME
from tests.ui.conftest import admin_session, log_in_as, open_desk, run, screen_text, settle, type_text


@dataclass(frozen=True)
class Day:
    card: str  # an eligible reader with an address and nothing on loan
    name: str
    device: str  # a device's serial, on the shelf
    braille: str  # a braille set on the shelf
    request: str  # the reader's request waiting in the queue
    audio: str  # an audiobook on one carrier, on the shelf


@pytest.fixture
def day(demo_db: Path) -> Day:
    library, session = admin_session(demo_db)
    try:
        busy = Loan.select(Loan.reader).where(Loan.ended_at.is_null())
        addressed = BlindProfile.select(BlindProfile.reader).where(BlindProfile.address_cipher.is_null(False))
        reader = next(
            r
            for r in Reader.select()
            .where(
                Reader.reader_type == "blind",
                Reader.id.in_(addressed),
                Reader.id.not_in(busy),
                Reader.cancelled_at.is_null(),
            )
            .order_by(Reader.card_number)
            if eligibility.eligibility(session, r.card_number).eligible
        )
        device = None
        for out in inventory.rotation(session).out_longest:  # the demo lends every device it can
            lending.give_back(session, out.serial)  # the first go to the readers waiting; then one is free
            device = (
                BlindDevice.select()
                .join(Item, on=(BlindDevice.item == Item.id))
                .where(Item.status == "available")
                .order_by(BlindDevice.serial)
                .first()
            )
            if device is not None:
                break
        braille = (
            Item.select()
            .where(
                Item.item_type == "braille",
                Item.status == "available",
                Item.id.in_(BlindVolume.select(BlindVolume.item)),
            )
            .order_by(Item.barcode)
            .first()
        )
        audio = (
            Item.select()
            .where(
                Item.item_type == "audiobook",
                Item.status == "available",
                Item.id.not_in(BlindVolume.select(BlindVolume.item)),
            )
            .order_by(Item.barcode)
            .first()
        )
        from ils.blind.requests import take_request

        request = take_request(session, reader.card_number, channel="phone", wanted="活着", how="post")
        return Day(reader.card_number, reader.name, device.serial, braille.barcode, request.id, audio.barcode)
    finally:
        library.close()


async def scan(pilot, code: str) -> None:
    await type_text(pilot, code)
    await pilot.press("enter")
    await settle(pilot)


def status(app) -> str:
    return app.screen.query_one("#blind-status").text


async def answer(pilot) -> None:
    """Press the dialog's OK button."""
    assert isinstance(pilot.app.screen, FormDialog)
    pilot.app.screen.set_focus(pilot.app.screen.query_one("#dialog-ok"))
    await pilot.press("enter")
    await settle(pilot)


def test_a_day_at_the_blind_room(demo_db, app_for, day, clock):
    app = app_for(demo_db)
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        await log_in_as(pilot, "blind")
        await open_desk(pilot, "blind")
        assert isinstance(app.screen, BlindScreen)
        await scan(pilot, day.card)
        seen["reader"] = screen_text(app)
        # A device out with its whole kit.
        await scan(pilot, day.device)
        assert isinstance(app.screen, FormDialog)
        await answer(pilot)
        seen["lent"] = status(app)
        # Back without the earphones: untick them in the checklist.
        await pilot.press("f4")
        await scan(pilot, day.device)
        checks = app.screen.query_one("#field-accessories")
        checks.deselect("earphones")
        await answer(pilot)
        seen["back"] = status(app)
        # A braille set out, then back a volume short.
        await pilot.press("f4")
        await scan(pilot, day.card)
        await scan(pilot, day.braille)
        seen["set lent"] = status(app)
        await pilot.press("f4")
        await scan(pilot, day.braille)
        volumes = app.screen.query_one("#field-volumes")
        volumes.deselect("2")
        await answer(pilot)
        seen["set back"] = status(app)
        # The request dispatched by post from the queue, its label and return card printed.
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        table = app.screen.query_one("#requests-table")
        table.move_cursor(row=table.get_row_index(day.request))
        app.screen.set_focus(app.screen.query_one("#request-dispatch"))
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, day.audio)
        await answer(pilot)
        seen["dispatched"] = app.screen.query_one("#requests-status").text
        seen["requests"] = screen_text(app)
        for _n in range(4):
            await pilot.press("ctrl+pagedown")
        await settle(pilot)
        seen["figures"] = screen_text(app)

    run(app, scenario)
    assert day.name in seen["reader"]
    assert "TSJ" not in seen["lent"] and day.device not in seen["lent"] or "借出" in seen["lent"]
    assert "耳机" in seen["back"]
    assert "第2册" not in seen["set back"] and "2" in seen["set back"]
    library, session = admin_session(demo_db)
    try:
        reader = Reader.get(Reader.card_number == day.card)
        set_loan = Loan.get(Loan.item == Item.get(Item.barcode == day.braille).id, Loan.reader == reader.id)
        assert set_loan.ended_at is None  # volume 2 is still out
        device = BlindDevice.get(BlindDevice.serial == day.device)
        assert "earphones" not in device.accessories
        parcel = BlindDispatch.get(BlindDispatch.request == day.request)
        assert parcel.method == "post" and BlindRequest.get_by_id(day.request).state == "dispatched"
        prints = sorted(p.name for p in (demo_db.parent / "prints").glob("*.pdf"))
        assert any(p.startswith("parcel-label") for p in prints) and any(p.startswith("return-card") for p in prints)
        today = clock.now().date()
        figures = stats.blind_figures(session, today, today)
        loans = {m.medium: m.loans for m in figures.loans}
        assert loans["device"] >= 1 and loans["braille"] >= 1 and figures.postal_dispatches >= 1
    finally:
        library.close()
    print("\n".join(f"--- {k}\n{v}" for k, v in seen.items()))


def test_the_large_text_display_is_remembered_and_shows_the_due_date_large(demo_db, app_for, day):
    app = app_for(demo_db)
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await log_in_as(pilot, "blind")
        await pilot.press("f3")
        await settle(pilot)
        await open_desk(pilot, "blind")
        await scan(pilot, day.card)
        await scan(pilot, day.braille)
        digits = app.screen.query_one("#blind-due")
        seen["digits"] = (digits.display, digits.value)
        seen["bold"] = app.screen.has_class("-high-contrast")
        seen["text"] = screen_text(app)
        await pilot.press("f10")
        await settle(pilot)
        seen["after log-out"] = app.theme
        await log_in_as(pilot, "blind")
        seen["after log-in"] = app.theme

    run(app, scenario)
    assert seen["digits"] == (True, "2026-04-01") and seen["bold"]
    assert "╶" in seen["text"] or "━" in seen["text"] or "┃" in seen["text"]  # the digits' box-drawing strokes
    assert seen["after log-out"] != HIGH_CONTRAST_THEME and seen["after log-in"] == HIGH_CONTRAST_THEME
    library, _session = admin_session(demo_db)
    try:
        assert Staff.get(Staff.username == "blind").high_contrast
    finally:
        library.close()


def test_a_clerk_sees_neither_the_room_nor_who_is_visually_impaired(demo_db, app_for, day):
    from screens.reader_record import ReaderScreen
    from tests.ui.test_readers_desk import find, open_readers

    app = app_for(demo_db)
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await open_readers(pilot, "circ")
        from screens.desks import visible_desks

        seen["desks"] = [desk.key for desk in visible_desks(app.session)]
        await find(pilot, day.card)
        seen["screen"] = app.screen
        seen["record"] = screen_text(app)

    run(app, scenario)
    assert "blind" not in seen["desks"]
    assert isinstance(seen["screen"], ReaderScreen)
    assert day.name in seen["record"] and "视障" not in seen["record"] and "残疾" not in seen["record"]
    assert "成人" in seen["record"]
