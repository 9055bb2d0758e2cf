"""Defects found when the desks were tried as a new user would (issue 18), each driven at 80×24
as the clerk met it, so that it stays fixed."""

from __future__ import annotations

from textual.widgets import Input

from screens.readers_desk import ReadersScreen
from tests.ui.conftest import log_in_as, open_desk, run, settle, type_text
from tests.ui.test_readers_desk import readers  # noqa: F401  (a fixture: two registered readers)


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
