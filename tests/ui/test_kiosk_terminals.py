"""The System desk's Self-service tab: the SIP2 terminals added and changed through the services."""

from __future__ import annotations

from ils.sip2 import terminals
from screens.dialogs import FormDialog
from screens.system_desk import SystemScreen

from .conftest import admin_session, press_button, run, screen_text, type_text
from .test_system_desk import open_system_desk, show_tab, status


def test_add_a_terminal_and_switch_it_off(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        await show_tab(pilot, "tab-terminals")
        await press_button(pilot, "#terminal-add")
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "zzj7")
        await pilot.press("tab")
        await type_text(pilot, "zizhu-pass-7")
        await pilot.press("tab")
        await type_text(pilot, "zizhu-pass-7")
        await pilot.press("tab")
        await type_text(pilot, "自助借还机7")
        await press_button(pilot, "#dialog-ok")
        assert isinstance(app.screen, SystemScreen)
        assert status(app, "#terminals-status").text == "已添加终端 zzj7。"
        assert "自助借还机7" in screen_text(app)
        await press_button(pilot, "#terminal-toggle")
        assert status(app, "#terminals-status").text == "zzj7 已停用。"

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        found = {t.account: t for t in terminals.list_terminals(session)}["zzj7"]
        assert (found.name, found.point_code, found.encoding, found.active) == (
            "自助借还机7",
            "ZZ24-ZZ",
            "utf-8",
            False,
        )
        assert found.idle_timeout_s == 900
    finally:
        library.close()
