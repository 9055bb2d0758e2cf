"""The periodicals desk driven with Pilot at 80×24: a morning's check-in by scan with the routing
shown at once, the day's papers with one missing, a claim, a quarter bound and its spine label
printed, the renewal; outcomes checked through the services."""

from __future__ import annotations

import asyncio
import datetime as dt

from ils.clock import FixedClock
from ils.library import open_library
from ils.serials import binding, checkin, claims, subscriptions
from ils.staff import log_in
from screens.app import make_app
from tests.serials.conftest import READER_ISSN, ean
from tests.ui.conftest import log_in_as, open_desk, press_button, screen_text, settle, type_text

SIZE = (80, 24)
TZ = dt.timezone(dt.timedelta(hours=8))


async def shown(pilot) -> str:
    """The screen once its body is drawn: right after a tab switch the compositor may still hold
    only the header and footer for a frame."""
    for _try in range(40):
        text = screen_text(pilot.app)
        if sum(1 for line in text.splitlines() if line.strip()) > 4:
            return text
        await pilot.pause(0.05)
    return screen_text(pilot.app)


def _run(app, scenario) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())


def test_a_morning_at_the_periodicals_desk(room, library, clock):
    path = library.path
    session = room.session
    # The year so far: 湖南日报 came every day of the first quarter; 读者 Nos. 1–2 came.
    day = dt.date(2026, 1, 1)
    while day < dt.date(2026, 4, 1):
        checkin.check_in_day(session, day)
        day += dt.timedelta(days=1)
    for number in (1, 2):
        for _copy in range(2):
            checkin.check_in_scan(session, ean(READER_ISSN, number))
    library.close()
    app = make_app(path, language="zh_CN", clock=FixedClock(dt.datetime(2026, 4, 20, 9, 0, tzinfo=TZ)))
    # The desk's clock: 2026-04-20 (late issues are late; Q1 is over).

    async def scenario(pilot) -> None:
        await log_in_as(pilot, "bk", "bk-pass-1")
        await open_desk(pilot, "periodicals")
        text = await shown(pilot)
        assert "报刊" in text and "签到" in text
        await type_text(pilot, ean(READER_ISSN, 7))
        await pilot.press("enter")
        await settle(pilot)
        text = await shown(pilot)
        assert "送报刊期刊阅览室 1 份" in text, text
        await type_text(pilot, ean(READER_ISSN, 7))
        await pilot.press("enter")
        await settle(pilot)
        assert "送少儿阅览室 1 份" in await shown(pilot)
        await type_text(pilot, ean(READER_ISSN, 7))
        await pilot.press("enter")
        await settle(pilot)
        assert "已全部签到" in await shown(pilot)  # the third scan of a 2-copy issue is refused
        # Today's papers (F5), 湖南日报 missing today.
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "湖南日报")
        await pilot.press("enter")
        await settle(pilot)
        assert "未到：湖南日报" in await shown(pilot)
        # Claims: the list, one claim.
        for _tab in range(2):
            await pilot.press("ctrl+pagedown")
            await settle(pilot)
        pane = pilot.app.screen.query_one("#claims-pane")
        assert {(x.title, x.number) for x in pane.late} >= {("南方周末", 14), ("故事会", 3), ("读者", 3)}
        nonlocal chosen
        chosen = pane.late[int(pilot.app.screen.query_one("#claims-table").selected_key)]
        await press_button(pilot, "#claim-one")
        assert "已催缺" in await shown(pilot)
        # Binding: 湖南日报 Q1 into a volume, then its spine label.
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        await press_button(pilot, "#bind-make")
        await type_text(pilot, "湖南日报")
        for _field in range(3):
            await pilot.press("tab")
        await type_text(pilot, "QK00000001")
        for _field in range(3):
            await pilot.press("tab")
        await pilot.press("enter")
        await settle(pilot)
        assert "已合订" in await shown(pilot)
        await press_button(pilot, "#bind-labels")
        assert "已打印" in await shown(pilot)
        # Subscriptions: renew for 2027.
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        await press_button(pilot, "#subs-renew")
        assert "2027" in await shown(pilot)

    chosen = None

    _run(app, scenario)

    lib = open_library(path, FixedClock(dt.datetime(2026, 4, 20, 10, 0, tzinfo=TZ)))
    try:
        s = log_in(lib, "bk", "bk-pass-1")
        assert [v.run for v in binding.volumes_of("湖南日报")] == ["q1"]
        assert len(subscriptions.list_subscriptions(2027)) == 4
        assert [(c.title, c.number) for c in claims.list_claims(s)] == [(chosen.title, chosen.number)]
        got = checkin.received_copies(subscriptions.find_subscription("读者", 2026).id, 7)
        assert got == {1, 2}
        assert list((path.parent / "prints").glob("spine-*.pdf"))
    finally:
        lib.close()


def test_bind_starts_from_the_run_just_checked(room, library, clock):
    """Issue 18: after Check a run, the Bind dialog came up empty and the title and run were typed again."""
    from textual.widgets import Input

    day = dt.date(2026, 1, 1)
    while day < dt.date(2026, 4, 1):
        checkin.check_in_day(room.session, day)
        day += dt.timedelta(days=1)
    path = library.path
    library.close()
    app = make_app(path, language="zh_CN", clock=FixedClock(dt.datetime(2026, 4, 20, 9, 0, tzinfo=TZ)))

    async def scenario(pilot) -> None:
        await log_in_as(pilot, "bk", "bk-pass-1")
        await open_desk(pilot, "periodicals")
        for _tab in range(3):
            await pilot.press("ctrl+pagedown")
            await settle(pilot)
        await press_button(pilot, "#bind-check")
        await type_text(pilot, "湖南日报")
        await pilot.press("tab", "tab")  # a field reached by Tab has its text selected: typing replaces it
        await type_text(pilot, "m2")
        await pilot.press("enter")
        await settle(pilot)
        assert "湖南日报" in await shown(pilot)
        await press_button(pilot, "#bind-make")
        dialog = pilot.app.screen
        assert dialog.query_one("#field-title", Input).value == "湖南日报"
        assert dialog.query_one("#field-run", Input).value == "m2"
        assert dialog.query_one("#field-year", Input).value == "2026"

    _run(app, scenario)
