"""The events desk driven at 80×24 as the demo's ``events`` account: a lecture logged with its
head count, an exhibition counted for the day, a gate file imported through the column mapping,
enquiries tallied; the same tally from the circulation desk in two and three keys. Outcomes
are checked through the services afterwards."""

from __future__ import annotations

from pathlib import Path

from db.models import Enquiry, EventCount, EventProgramme, EventSession, GateCount
from ils.events import figures
from screens.dialogs import FormDialog
from screens.events_desk import EventsScreen
from screens.events_enquiry import EnquiryDialog
from tests.ui.conftest import (
    admin_session,
    log_in_as,
    open_desk,
    press_button,
    run,
    screen_text,
    settle,
    type_text,
)


def _enquiries() -> list[tuple[str, str]]:
    """The enquiries counted on the test's day (the desk's clock), in the order they were counted."""
    return list(
        Enquiry.select(Enquiry.channel, Enquiry.kind)
        .where(Enquiry.day == "2026-03-02")
        .order_by(Enquiry.at, Enquiry.id)
        .tuples()
    )


async def answer(pilot) -> None:
    """Press the dialog's OK button."""
    assert isinstance(pilot.app.screen, FormDialog), type(pilot.app.screen)
    pilot.app.screen.set_focus(pilot.app.screen.query_one("#dialog-ok"))
    await pilot.press("enter")
    await settle(pilot)


def test_a_day_at_the_events_desk(demo_db: Path, app_for, tmp_path):
    gate = tmp_path / "gate.csv"
    gate.write_bytes(
        "日期,时间,通道,进馆人数,出馆人数\r\n2026-03-01,09:00,1号门,321,5\r\n2026-03-02,09:00,1号门,79,2\r\n".encode(
            "gbk"
        )
    )
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        await log_in_as(pilot, "events")
        await open_desk(pilot, "events")
        assert isinstance(pilot.app.screen, EventsScreen)
        # A lecture: F4, its title, then its first session in the hall at the default time.
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "瓷都非遗讲座")
        await answer(pilot)
        assert isinstance(pilot.app.screen, FormDialog)  # the session's form follows
        await answer(pilot)
        assert "瓷都非遗讲座" in screen_text(pilot.app)
        # Its head count.
        await pilot.press("f6")
        await settle(pilot)
        assert "保存" in screen_text(pilot.app) and "书目记录" not in screen_text(pilot.app)  # a verb, not a record
        await type_text(pilot, "85")
        await answer(pilot)
        assert "85" in pilot.app.screen.query_one("#calendar-status").text
        # Enquiries: F8 then a digit; P first for the phone.
        await pilot.press("f8", "1")
        await settle(pilot)
        await pilot.press("f8", "p", "2")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, EnquiryDialog)
        # The gate counter: a new site, the file, the preview's mapping, the import.
        await pilot.press("ctrl+pagedown", "ctrl+pagedown", "ctrl+pagedown")
        await settle(pilot)
        await press_button(pilot, "#gate-new-site")
        await type_text(pilot, "EAST")  # the demo's main entrance (MAIN) has its counter already
        await pilot.press("tab")
        await type_text(pilot, "总馆东门")
        await answer(pilot)
        await settle(pilot)
        pane = pilot.app.screen.query_one("#gates-pane")
        assert pane.query_one("#gate-site").value == "EAST"  # the new site is chosen
        pane.query_one("#gate-path").value = str(gate)
        await press_button(pilot, "#gate-preview")
        assert pane.query_one("#gate-entries").value == "进馆人数"
        await press_button(pilot, "#gate-import")
        seen["gate"] = pane.query_one("#gate-status").text
        seen["screen"] = screen_text(pilot.app)
        # The figures tab shows what was entered.
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")
        await settle(pilot)
        seen["figures"] = str(pilot.app.screen.query_one("#figures-text").render())

    run(app_for(demo_db), scenario)
    assert "2" in seen["gate"] and "400" in seen["gate"], seen["gate"]
    assert "85" in seen["figures"]
    library, session = admin_session(demo_db)
    try:
        lecture = EventProgramme.get(EventProgramme.title == "瓷都非遗讲座")
        s = EventSession.get(EventSession.programme == lecture.id)
        assert (s.venue, s.starts_at) == ("hall", "2026-03-02 09:30")
        assert EventCount.get(EventCount.session == s.id).total == 85
        assert GateCount.select().where(GateCount.day >= "2026-03-01").count() == 2
        assert _enquiries() == [("in_person", "lookup"), ("phone", "reference")]
        year = figures.year_figures(session, 2026)
        assert year.attendance >= 85 and year.gate_visits >= 400
    finally:
        library.close()


def test_the_enquiry_tally_from_the_circulation_desk_takes_two_or_three_keys(demo_db: Path, app_for):
    async def scenario(pilot) -> None:
        await log_in_as(pilot, "circ")
        await open_desk(pilot, "circulation")
        await pilot.press("f11", "3")  # in person, directions: two keys
        await settle(pilot)
        await pilot.press("f11", "o", "5")  # online, digital resources: three keys
        await settle(pilot)
        assert not isinstance(pilot.app.screen, EnquiryDialog)
        assert "2" in screen_text(pilot.app)

    run(app_for(demo_db), scenario)
    library, _session = admin_session(demo_db)
    try:
        assert _enquiries() == [("in_person", "directions"), ("online", "digital")]
    finally:
        library.close()
