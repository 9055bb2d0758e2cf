"""The reader-facing kiosk, driven with Pilot: card, books, due dates, receipt; the idle timeout;
no way out without a staff password."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ils.clock import FixedClock
from ils.library import open_library
from ils.sip2 import terminals
from screens.kiosk import CARD, ITEMS, RECEIPT, KioskApp
from tests.sip2.conftest import ADMIN_PASSWORD, NOW, TERMINAL_PASSWORD, _build
from tests.ui.conftest import screen_text, settle

SIZE = (80, 30)


@pytest.fixture(scope="module")
def kiosk_template(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("kiosk") / "template.sqlite"
    cards, barcodes = _build(path, FixedClock(NOW))
    return path, cards, barcodes


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def kiosk(kiosk_template, tmp_path: Path):
    import shutil

    from ils.readers.keys import key_path

    template, cards, barcodes = kiosk_template
    path = tmp_path / "kiosk.sqlite"
    shutil.copy(template, path)
    shutil.copy(key_path(template), key_path(path))
    library = open_library(path, FixedClock(NOW))
    stored = terminals.password_hash_of("zzj1")
    session = terminals.log_in_terminal(
        library, "zzj1", terminals.check_password(TERMINAL_PASSWORD, stored), "127.0.0.1", stored
    )
    terminal = terminals.terminal_of(library, "zzj1")
    fake = FakeTime()
    app = KioskApp(session, terminal, idle_seconds=60, clock=fake)
    yield app, fake, cards, barcodes, library
    library.close()


async def _scan(pilot, text: str) -> None:
    scan = pilot.app.query_one("#kiosk-scan")
    scan.value = text
    await pilot.press("enter")
    await settle(pilot)


def test_a_reader_borrows_two_books_and_skips_the_receipt(kiosk):
    app, _fake, cards, barcodes, library = kiosk

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "请刷读者证" in screen_text(app)
            await _scan(pilot, cards["欧阳明月"])
            assert app.state == ITEMS
            assert "欧**月" in screen_text(app)
            await _scan(pilot, barcodes["三体"][0])
            await _scan(pilot, barcodes["红楼梦"][0])
            text = screen_text(app)
            assert "三体" in text and "红楼梦" in text and "2026-" in text
            assert "已借 2 册" in text  # the count follows the loans made here
            await _scan(pilot, "")
            assert app.state == RECEIPT
            await _scan(pilot, "n")
            assert app.state == CARD
            assert "三体" not in screen_text(app)  # the next reader sees nothing of this one

    asyncio.run(scenario())
    loans = library.database.execute_sql(
        "SELECT COUNT(*) FROM loan l JOIN reader r ON r.id = l.reader_id WHERE r.card_number = ?",
        (cards["欧阳明月"],),
    ).fetchone()[0]
    assert loans == 2


def test_a_refused_book_says_why_and_the_reader_goes_on(kiosk):
    app, _fake, cards, barcodes, library = kiosk

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await _scan(pilot, cards["王芳"])
            await _scan(pilot, barcodes["活着"][0])
            await _scan(pilot, barcodes["活着"][0])  # the same copy again: already hers
            assert "活着" in screen_text(app)
            assert app.query_one("#kiosk-note").render().plain.strip()
            await _scan(pilot, "NOSUCHBOOK")
            assert "NOSUCHBOOK" in screen_text(app)
            assert app.state == ITEMS

    asyncio.run(scenario())


def test_an_idle_kiosk_goes_back_to_the_start(kiosk):
    app, fake, cards, barcodes, _library = kiosk

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await _scan(pilot, cards["李娜"])
            await _scan(pilot, barcodes["围城"][0])
            assert app.state == ITEMS
            fake.now += 30
            app.expire_idle()
            assert app.state == ITEMS  # half the time: still hers
            fake.now += 31
            app.expire_idle()
            await settle(pilot)
            assert app.state == CARD and app.card == ""
            text = screen_text(app)
            assert "围城" not in text and "请刷读者证" in text

    asyncio.run(scenario())


def test_the_kiosk_closes_only_with_a_staff_password(kiosk):
    app, _fake, _cards, _barcodes, _library = kiosk

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert app.screen.query("#kiosk-exit")
            app.screen.query_one("#kiosk-exit-user").value = "admin"
            app.screen.query_one("#kiosk-exit-password").value = "not-the-password"
            app.screen.query_one("#kiosk-exit-password").focus()
            await pilot.press("enter")
            await settle(pilot)
            assert app.is_running and app.screen.query("#kiosk-exit")
            await pilot.press("escape")
            await settle(pilot)
            assert not app.screen.query("#kiosk-exit")
            await pilot.press("ctrl+c")
            await settle(pilot)
            app.screen.query_one("#kiosk-exit-user").value = "admin"
            app.screen.query_one("#kiosk-exit-password").value = ADMIN_PASSWORD
            app.screen.query_one("#kiosk-exit-password").focus()
            await pilot.press("enter")
            await settle(pilot)
            await pilot.pause(0.2)
            assert not app.is_running

    asyncio.run(scenario())
