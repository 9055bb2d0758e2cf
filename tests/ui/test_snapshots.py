"""What each desk looks like at 80×24, at rest and refusing something: SVG snapshots.

The app runs on the fixed clock of ``conftest.clock`` over a copy of the demo library,
so the same screen draws the same way on every run. A change to a desk's layout shows
as a failing snapshot; when the change is meant, look at the report pytest writes
(``snapshot_report.html``) and accept it with
``.venv/bin/python -m pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.conftest import SIZE, log_in_as, open_desk, press_button, settle, type_text

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def home(pilot: Pilot[None]) -> None:
    await log_in_as(pilot, "admin")


async def wrong_password(pilot: Pilot[None]) -> None:
    await log_in_as(pilot, "admin", "not-the-password")


def desk(key: str) -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        await log_in_as(pilot, "admin")
        await open_desk(pilot, key)

    return steps


def desk_then_scan(key: str, typed: str) -> Steps:
    """Open the desk and send ``typed`` as a scanner would: a code that names nothing."""

    async def steps(pilot: Pilot[None]) -> None:
        await desk(key)(pilot)
        await type_text(pilot, typed)
        await pilot.press("enter")
        await settle(pilot)

    return steps


async def branch_code_taken(pilot: Pilot[None]) -> None:
    """The system desk's dialog keeps the refused branch open with the reason."""
    await desk("system")(pilot)
    await press_button(pilot, "#branch-add")
    await type_text(pilot, "FL")
    await pilot.press("tab")
    await type_text(pilot, "again")
    await press_button(pilot, "#dialog-ok")


SCREENS: dict[str, Steps] = {
    "home": home,
    "login-refused": wrong_password,
    "circulation": desk("circulation"),
    "circulation-unknown-code": desk_then_scan("circulation", "X9999999"),
    "readers": desk("readers"),
    "readers-unknown-card": desk_then_scan("readers", "R99999999"),
    "cataloguing": desk("cataloguing"),
    "cataloguing-empty-search": desk_then_scan("cataloguing", "   "),
    "blind": desk("blind"),
    "blind-unknown-code": desk_then_scan("blind", "X9999999"),
    "system": desk("system"),
    "system-branch-code-taken": branch_code_taken,
}


@pytest.mark.parametrize("name", SCREENS)
def test_desk_snapshot(name, snap_compare, app_for, demo_db):
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await SCREENS[name](pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor is drawn or not by the time it is taken

    assert snap_compare(app_for(demo_db), run_before=run_before, terminal_size=SIZE)
