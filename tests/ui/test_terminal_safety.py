"""What actually reaches the terminal when the data holds escape sequences.

Textual writes an ESC inside a string straight to the terminal (the first test
shows it, so the others mean something), which lets a MARC title retitle the
window, clear the screen or worse. The desk must show such characters, never
send them: the app runs here with a driver that records every byte it writes,
as a real terminal would receive them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from textual.app import App, ComposeResult
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Label

from screens.app import IlsApp
from tests.ui.conftest import SIZE, log_in_as, open_desk, settle, type_text

PAYLOADS = ("\x1b]2;PWNED", "\x1b[6n", "\x9b6n", "\x00", "\u202e")
EVIL = "毒\x1b]2;PWNED\x07\x1b[6n\x9b6n\x00\u202e标题"


class RecordingDriver(HeadlessDriver):
    """A headless driver that keeps what a terminal would have been sent."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False  # so the app renders and writes its updates

    def write(self, data: str) -> None:
        type(self).written.append(data)


def _recorded(app: App, scenario) -> str:
    class Driver(RecordingDriver):
        written = []

    app.driver_class = Driver

    async def main() -> None:
        async with app.run_test(headless=False, size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)
            await settle(pilot)

    asyncio.run(main())
    return "".join(Driver.written)


def _assert_harmless(output: str) -> None:
    for payload in PAYLOADS:
        assert payload not in output, f"{payload!r} reached the terminal"


def test_textual_on_its_own_passes_escape_sequences_through():
    """Why the desk cleans text itself: a plain Label sends ESC on to the terminal."""

    class Plain(App[None]):
        def compose(self) -> ComposeResult:
            yield Label(EVIL, markup=False)

    async def nothing(pilot) -> None:
        return None

    output = _recorded(Plain(), nothing)
    assert "\x1b]2;PWNED" in output and "\x1b[6n" in output


def _poison(db: Path) -> None:
    """Data as it might arrive from an old database or a careless supplier: control characters in it."""
    raw = sqlite3.connect(db)
    raw.execute("UPDATE bib_record SET title = ? WHERE title = '红楼梦'", (EVIL,))
    raw.execute("UPDATE branch SET name = ? WHERE code = 'ZG'", (EVIL,))
    raw.commit()
    raw.close()


def test_a_poisoned_title_in_search_results_and_the_record_is_shown_not_obeyed(app_for, demo_db):
    _poison(demo_db)

    async def scenario(pilot) -> None:
        from screens.catalogue_record import RecordScreen
        from screens.catalogue_search import SearchPane

        await log_in_as(pilot, "cat")
        await open_desk(pilot, "cataloguing")
        pilot.app.screen.query_one(SearchPane).action_focus_query()
        await type_text(pilot, "hlm")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # open the highlighted record: its summary is a plain Static
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecordScreen)

    output = _recorded(app_for(demo_db), scenario)
    _assert_harmless(output)
    assert "␛]2;PWNED␇" in output  # shown, visibly, where the title is


def test_a_poisoned_branch_name_in_the_header_and_lists_is_shown_not_obeyed(app_for, demo_db):
    _poison(demo_db)

    async def scenario(pilot) -> None:
        await log_in_as(pilot, "admin")
        await open_desk(pilot, "system")

    app: IlsApp = app_for(demo_db)
    output = _recorded(app, scenario)
    _assert_harmless(output)
    assert "␛]2;PWNED␇" in output
