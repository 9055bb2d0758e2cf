"""The front desk driven as a librarian with a barcode scanner would: each code typed a character at
a time and Enter, everything else with function keys.

Scenario: lend five books, be refused the sixth (loudly), renew one, return one at another branch,
receive it back from transit, place a hold that a return traps, lend the trapped copy, and print
the receipts. Outcomes are checked through the services afterwards.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import OptionList, Select

from db.models import BibRecord, Branch, Hold, Item, Loan, Location, Reader, ReaderCard
from ils.circulation import holds, loans
from ils.circulation.desk import MODES, RECEIVE
from ils.i18n import _, ngettext
from ils.readers.readers import scan_card
from screens.circulation_desk import CirculationScreen
from screens.circulation_hold import HoldDialog
from screens.dialogs import FormDialog
from screens.widgets import ListTable
from tests.ui.conftest import admin_session, log_in_as, open_desk, run, screen_text, settle, type_text


@dataclass(frozen=True)
class Desk:
    lender: str  # card numbers of two adults who may borrow
    holder: str
    books: tuple[str, ...]  # barcodes of seven loanable copies at the central library, one title each


@pytest.fixture
def desk(demo_db: Path) -> Desk:
    """Two adults with nothing on loan, no holds and no blocks, and seven copies on the central
    library's lending shelves of titles nobody is waiting for."""
    library, session = admin_session(demo_db)
    try:
        busy = Loan.select(Loan.reader).where(Loan.ended_at.is_null()) | Hold.select(Hold.reader).where(
            Hold.state.in_(holds.ACTIVE)
        )
        adults = (
            Reader.select()
            .join(ReaderCard, on=(ReaderCard.card_number == Reader.card_number))
            .where(
                Reader.reader_type == "adult",
                ReaderCard.state == "active",
                Reader.cancelled_at.is_null(),
                Reader.id.not_in(busy),
            )
            .order_by(Reader.card_number)
        )
        free = [r.card_number for r in adults if not scan_card(session, r.card_number).blocks][:2]
        wanted = Hold.select(Hold.bib).where(Hold.state.in_(holds.ACTIVE))
        copies = (
            Item.select()
            .join(Location)
            .switch(Item)
            .join(Branch)
            .where(
                Item.status == "available",
                Item.item_type == "book",
                Location.loanable == True,  # noqa: E712
                Branch.code == "ZG",
                Item.bib.not_in(wanted),
            )
            .order_by(Item.barcode)
        )
        books: dict[str, str] = {}
        for item in copies:
            books.setdefault(item.bib_id, item.barcode)
        return Desk(free[0], free[1], tuple(books.values())[:7])
    finally:
        library.close()


def count_bells(app) -> list[int]:
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    return rings


async def scan(pilot, code: str) -> None:
    """What a scanner does: type the code, then Enter; then wait for the desk."""
    await type_text(pilot, code)
    await pilot.press("enter")
    await settle(pilot)


def status(app) -> tuple[str, bool]:
    line = app.screen.query_one("#desk-status")
    return line.text, line.has_class("-error")


def loan_rows(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one("#desk-loans", ListTable)
    return [tuple(str(cell) for cell in table.get_row_at(row)) for row in range(table.row_count)]


def logged(app) -> list[str]:
    """The desk's log, a line per thing done."""
    return [str(line.content).split(" ", 1)[1] for line in app.screen.query(".log-line")]


def title_of(demo_db: Path, barcode: str) -> str:
    library, _session = admin_session(demo_db)
    try:
        return BibRecord.get_by_id(Item.get(Item.barcode == barcode).bib_id).title
    finally:
        library.close()


async def choose_point(pilot, code: str) -> None:
    """F12, then pick the service point in the list with the arrows and Enter, Tab to OK, Enter."""
    await pilot.press("f12")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, FormDialog)
    select = dialog.query_one("#field-point", Select)
    await pilot.press("enter")  # opens the list, the current point highlighted
    await settle(pilot)
    listed = select.query_one(OptionList)
    prompts = [str(option.prompt) for option in listed.options]
    position = next(n for n, prompt in enumerate(prompts) if prompt.endswith(f"({code})")) - (listed.highlighted or 0)
    await pilot.press(*(["down"] * position if position > 0 else ["up"] * -position))
    await pilot.press("enter", "tab", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CirculationScreen)
    assert pilot.app.screen.point == code


def test_a_day_at_the_front_desk_with_only_the_keyboard(app_for, demo_db, desk, tmp_path):
    app = app_for(demo_db)
    five, sixth = desk.books[:5], desk.books[5]

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        screen = app.screen
        assert isinstance(screen, CirculationScreen)
        assert app.focused is screen.query_one("#scan")
        rings = count_bells(app)

        # A reader's card, then five books: each lent, due in 30 days.
        await scan(pilot, desk.lender)
        assert screen.open_card == desk.lender
        assert screen.view.reader.name in screen_text(app)
        for barcode in five:
            await scan(pilot, barcode)
            assert not status(app)[1], status(app)
        assert [row[0] for row in loan_rows(app)] == sorted(five)
        assert {row[2] for row in loan_rows(app)} == {"2026-04-01"}
        assert app.focused is screen.query_one("#scan") and rings == []

        # The sixth is refused, in red, with the bell and the reason in words.
        await scan(pilot, sixth)
        text, red = status(app)
        assert red and rings == [1]
        assert _("Loan limit reached: {held} of {limit} items of this kind are out.").format(held=5, limit=5) in text
        assert len(loan_rows(app)) == 5

        # The card scanned twice: still the same reader, no alarm.
        await scan(pilot, desk.lender)
        assert not status(app)[1] and rings == [1]

        # F5 renews the highlighted loan (the first): 15 days from its due date.
        await pilot.press("f5")
        await settle(pilot)
        assert not status(app)[1], status(app)
        renewed = {row[0]: row for row in loan_rows(app)}[sorted(five)[0]]
        assert renewed[2:] == ("2026-04-16", "1/1")
        assert screen.query_one("#desk-loans", ListTable).selected_key == sorted(five)[0]

        # Esc ends the transaction; a return at another branch says where to send the copy.
        await pilot.press("escape")
        await settle(pilot)
        assert screen.open_card is None and isinstance(app.screen, CirculationScreen)
        await choose_point(pilot, "XHMZ-JH")
        await scan(pilot, five[1])
        text, red = status(app)
        assert not red and "总馆" in text and text in logged(app)

        # Back at the central library, F9 receives the copy from transit.
        await choose_point(pilot, "ZG-WJ")
        await pilot.press("f9")
        await settle(pilot)
        assert screen.mode == RECEIVE and _(MODES[RECEIVE]) in screen_text(app)
        await scan(pilot, five[1])
        assert not status(app)[1], status(app)
        await pilot.press("f9")

        # The other reader places a hold (F6) on a title the first reader has out.
        await scan(pilot, desk.holder)
        assert screen.open_card == desk.holder
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, HoldDialog)
        await type_text(pilot, five[2])
        await pilot.press("enter")  # a barcode finds its title, highlighted
        await settle(pilot)
        await pilot.press("enter")  # the hold is placed on it
        await settle(pilot)
        assert isinstance(app.screen, CirculationScreen)
        assert len(screen.view.holds) == 1 and screen.view.holds[0].state == "waiting"
        await pilot.press("escape")

        # Its return traps the copy for the hold; the holder's next visit collects it.
        await scan(pilot, five[2])
        assert _("Put it on the hold shelf, kept until {date}.").format(date="2026-03-05") in status(app)[0]
        await scan(pilot, desk.holder)
        assert screen.view.ready_holds == 1
        await scan(pilot, five[2])
        assert not status(app)[1] and screen.view.holds == ()
        assert [row[0] for row in loan_rows(app)] == [five[2]]

        # F7 prints the checkout receipt and the return receipts; the slips were printed as the copies came back.
        await pilot.press("f7")
        await settle(pilot)
        folder = demo_db.parent / "prints"
        words = "{count} receipt saved in {folder}; no receipt printer is set (ils circ settings --receipt-printer)."
        assert status(app) == (
            ngettext(words, words.replace("receipt ", "receipts "), 3).format(count=3, folder=folder),
            False,
        )
        assert rings == [1]

    run(app, scenario)

    library, session = admin_session(demo_db)
    try:
        lender = {loan.barcode: loan for loan in loans.reader_loans(session, desk.lender)}
        assert sorted(lender) == sorted([five[0], five[3], five[4]])
        assert loans.reader_loans(session, desk.holder)[0].barcode == five[2]
        assert holds.reader_holds(session, desk.holder) == []
        assert Item.get(Item.barcode == five[1]).status == "available"
    finally:
        library.close()
    prints = sorted(re.sub(r"-\d{8}-\d{6}(-\d+)?\.pdf$", "", p.name) for p in (demo_db.parent / "prints").glob("*.pdf"))
    assert prints == ["checkout-receipt", "hold-slip", "return-receipt", "return-receipt", "transit-slip"]
    (receipt,) = (demo_db.parent / "prints").glob("checkout-receipt-*.pdf")
    text = subprocess.run(["pdftotext", str(receipt), "-"], capture_output=True, text=True, check=True).stdout
    assert five[2] in text and title_of(demo_db, five[2]) in text and desk.holder not in text  # card masked


def test_a_supervisor_overrides_the_loan_limit_with_a_reason(app_for, demo_db, desk):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        await open_desk(pilot, "circulation")
        screen = app.screen
        await scan(pilot, desk.lender)
        for barcode in desk.books[:6]:
            await scan(pilot, barcode)
        assert status(app)[1] and screen.refused is not None
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # no reason: the dialog stays and says why
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "exam week")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CirculationScreen)
        assert len(loan_rows(app)) == 6 and not status(app)[1]
        assert screen.refused is None

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        lent = {loan.barcode for loan in loans.reader_loans(session, desk.lender)}
        assert lent == set(desk.books[:6])
    finally:
        library.close()


def test_a_circulation_clerk_has_no_override_key_and_unknown_codes_are_said(app_for, demo_db, desk):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        rings = count_bells(app)
        await scan(pilot, "XX-0001")
        text, red = status(app)
        assert red and rings == [1] and "XX-0001" in text
        await scan(pilot, desk.lender)
        for barcode in desk.books[:6]:
            await scan(pilot, barcode)
        assert app.screen.refused is not None
        assert "F8" not in screen_text(app).splitlines()[-1]
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, CirculationScreen)

    run(app, scenario)


def test_a_desk_that_loses_a_race_for_a_copy_says_so_and_stays_open(app_for, demo_db, desk, monkeypatch):
    """Another desk lent the copy between this desk's look and its loan: a red refusal, not a crash."""
    library, session = admin_session(demo_db)
    try:
        loans.checkout(session, desk.holder, desk.books[0])  # the other desk, a moment earlier
    finally:
        library.close()
    monkeypatch.setattr(loans, "_item_refusal", lambda item, reader, here: ([], []))  # as if read before it
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        rings = count_bells(app)
        await scan(pilot, desk.lender)
        await scan(pilot, desk.books[0])
        text, red = status(app)
        assert red and rings == [1] and desk.books[0] in text
        assert isinstance(app.screen, CirculationScreen) and loan_rows(app) == []
        assert app.screen.refused is None  # a lost race is not for overriding: scan again
        await scan(pilot, desk.books[1])  # the desk goes on
        assert not status(app)[1] and [row[0] for row in loan_rows(app)] == [desk.books[1]]

    run(app, scenario)
