"""Defects found when the desks were tried as a new user would (issue 18), each driven at 80×24
as the clerk met it, so that it stays fixed."""

from __future__ import annotations

from textual.widgets import Input

from screens.circulation_hold import HoldDialog
from screens.readers_desk import ReadersScreen
from screens.widgets import ListTable
from tests.ui.conftest import log_in_as, open_desk, run, settle, type_text
from tests.ui.test_circulation_desk import desk, scan, title_of  # noqa: F401  (desk: a fixture)
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
