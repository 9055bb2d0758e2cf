"""The statistics desk driven at 80×24 as the demo's ``stats`` account: last year's loans month
by month with their sparkline, a branch and another indicator chosen, the work summary typed
and saved, the annual report exported. Outcomes are checked through the services afterwards."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select, Sparkline, TabbedContent

from ils.stats import annual
from ils.stats import inputs as manual
from screens.statistics_desk import StatisticsScreen
from tests.ui.conftest import admin_session, log_in_as, open_desk, press_button, run, screen_text, settle, type_text


def test_a_year_at_the_statistics_desk(demo_db: Path, app_for):
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await log_in_as(pilot, "stats")
        await open_desk(pilot, "statistics")
        screen = pilot.app.screen
        assert isinstance(screen, StatisticsScreen)
        seen["loans"] = screen_text(pilot.app)
        seen["spark"] = list(screen.query_one("#stats-spark", Sparkline).data or [])
        # Another indicator, then one branch: the choosers redraw the months.
        screen.query_one("#stats-indicator", Select).value = "visits"
        await settle(pilot)
        seen["visits"] = screen_text(pilot.app)
        screen.query_one("#stats-branch", Select).value = "XHMZ"
        screen.query_one("#stats-indicator", Select).value = "loans"
        await settle(pilot)
        seen["branch"] = screen_text(pilot.app)
        # The work summary: the next tab, typed, saved with Ctrl+S.
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        screen.set_focus(screen.query_one("#texts-body"))
        await type_text(pilot, "#一基础服务")
        await pilot.press("enter")
        await type_text(pilot, "全年开放")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["saved"] = screen_text(pilot.app)
        # The annual report, exported from the last tab.
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-export"
        await press_button(pilot, "#export-report_pdf")
        seen["export"] = screen_text(pilot.app)

    run(app_for(demo_db), scenario)

    library, admin = admin_session(demo_db)
    try:
        loans = annual.monthly(admin, "loans", 2025)
        visits = annual.monthly(admin, "visits", 2025)
        branch = annual.monthly(admin, "loans", 2025, "XHMZ")
        summary = manual.text_of(admin, 2025, "summary").body
    finally:
        library.close()
    assert f"{loans.total:,}" in str(seen["loans"]) and loans.total > 0
    assert seen["spark"] == list(loans.months)
    assert f"{visits.total:,}" in str(seen["visits"])
    assert f"{branch.total:,}" in str(seen["branch"]) and branch.total < loans.total
    assert summary == "#一基础服务\n全年开放"
    assert "已保存" in str(seen["saved"]) or "Saved" in str(seen["saved"])
    assert (demo_db.parent / "reports" / "年报-2025.pdf").stat().st_size > 10_000
