"""Driving the desk application as a librarian would, on a real database file.

Each test gets its own copy of one demo library (``ils.demo.build_demo``): a
file, not ``:memory:``, because the app's workers run in threads and peewee
connections are per thread. Building the demo hashes six passwords, so it is
built once per test session and copied, which keeps the suite fast.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot

from ils.clock import FixedClock
from ils.demo import DEMO_PASSWORD, build_demo
from ils.identity import adopt
from ils.library import Library, open_library
from ils.readers.keys import key_path
from ils.session import Session
from ils.staff import log_in
from screens.app import IlsApp, make_app

SIZE = (80, 24)
TZ = dt.timezone(dt.timedelta(hours=8))
Scenario = Callable[[Pilot[None]], Awaitable[None]]


NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=TZ)
"""The desk's time in every UI test, and the time the demo template is built at: the demo's
loans fall due, and its cards expire, around the day the desk shows."""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "lib.sqlite"
    build_demo(path, clock=FixedClock(NOW)).close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo library with its reader key file: without the key no ID number opens.

    Opened at another path, the copy would become a new node with no number ranges of its own
    (``ils.identity``); the demo desk is moved here instead, as ``ils node adopt`` says."""
    target = tmp_path / "lib.sqlite"
    shutil.copy(demo_template, target)
    shutil.copy(key_path(demo_template), key_path(target))
    library = open_library(target, FixedClock(NOW))
    try:
        adopt(library, None)
    finally:
        library.close()
    return target


def run(app: IlsApp, scenario: Scenario) -> None:
    """Run ``scenario`` against ``app`` in an 80×24 terminal."""

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot[None]) -> None:
    """Wait until no worker runs and every message they posted has been handled."""
    for _ in range(50):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if len(pilot.app.workers) == 0:
            return
    raise AssertionError("workers did not finish")


_SVG_LINE_WIDTH = re.compile(r'<clipPath id="[^"]+-line-0">\s*<rect x="0" y="[\d.]+" width="([\d.]+)"')
_SVG_TEXT = re.compile(r'<text [^>]*?x="([\d.]+)"[^>]*?clip-path="url\(#[^)]+-line-(\d+)\)">([^<]*)</text>')


def screen_text(app: IlsApp) -> str:
    """The terminal's text, line by line, as the user sees it now.

    Read from the app's public screenshot (SVG): each run of text sits at its column
    (``x`` over the width of one cell) on its line; a wide character takes two cells.
    """
    svg = app.export_screenshot()
    width, height = app.size
    line_width = _SVG_LINE_WIDTH.search(svg)
    assert line_width is not None, "the screenshot's layout has changed"
    cell = float(line_width.group(1)) / width
    rows = [[" "] * width for _ in range(height)]
    for x, line, text in _SVG_TEXT.findall(svg):
        column, row = round(float(x) / cell), rows[int(line)]
        for char in html.unescape(text).replace("\xa0", " "):
            cells = cell_len(char)
            if not char.isprintable():  # the line break Rich leaves at the end of a line
                continue
            if cells == 0:  # a combining mark belongs to the character before it
                row[column - 1] += char
                continue
            if column + cells > width:
                break
            row[column : column + cells] = [char, ""][:cells]
            column += cells
    return "\n".join("".join(row) for row in rows)


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def log_in_as(pilot: Pilot[None], username: str, password: str = DEMO_PASSWORD) -> None:
    """Type the user name and password into the log-in screen and press Enter."""
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


async def open_desk(pilot: Pilot[None], key: str) -> None:
    """Press the home screen's number for the desk ``key``, as the staff member sees them numbered."""
    from screens.desks import visible_desks

    keys = [desk.key for desk in visible_desks(pilot.app.session)]
    await pilot.press(str(keys.index(key) + 1))
    await settle(pilot)


async def press_button(pilot: Pilot[None], selector: str) -> None:
    """Move the focus to a button, as Tab would, and press Enter on it."""
    pilot.app.screen.set_focus(pilot.app.screen.query_one(selector))
    await pilot.press("enter")
    await settle(pilot)


def admin_session(db_path: Path) -> tuple[Library, Session]:
    """Open the database after the app has closed, to check outcomes through the services."""
    library = open_library(db_path)
    return library, log_in(library, "admin", DEMO_PASSWORD)


@pytest.fixture
def app_for(clock: FixedClock) -> Callable[..., IlsApp]:
    def make(db_path: Path, language: str = "zh_CN") -> IlsApp:
        return make_app(db_path, language=language, clock=clock)

    return make
