"""App-wide behaviour: errors at start, contrast, log-out, help, the palette, 80×24."""

from __future__ import annotations

import sqlite3

from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Tabs

from screens.app import IlsApp
from screens.base import IlsModal, IlsScreen
from screens.desks import all_desks
from screens.help import HelpScreen
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.startup import ErrorScreen
from screens.system_desk import SystemScreen
from screens.theme import HIGH_CONTRAST_THEME, NORMAL_THEME

from .conftest import log_in_as, open_desk, run, screen_text, settle


def test_the_app_reaches_the_log_in_screen_every_time_it_starts(demo_db, app_for):
    """The start-up screen is replaced within milliseconds; nothing may trip over the swap."""
    for _ in range(8):
        app = app_for(demo_db)

        async def scenario(pilot):
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen)
            assert "醴陵市图书馆 · 总馆" in screen_text(app).splitlines()[0]

        run(app, scenario)


def test_a_file_that_is_not_a_database_shows_the_error_screen(tmp_path, app_for):
    path = tmp_path / "lib.sqlite"
    path.write_text("这不是数据库 " * 200, encoding="utf-8")
    app = app_for(path)

    async def scenario(pilot):
        assert isinstance(app.screen, ErrorScreen)
        text = screen_text(app)
        assert "无法打开图书馆" in text
        assert "不是 ils 数据库，或已损坏。" in text
        assert "Traceback" not in text
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "is not an ils database or is damaged." in screen_text(app).replace("\n", " ")

    run(app, scenario)


def test_a_sqlite_file_of_another_program_is_refused_in_english_too(tmp_path, app_for):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    app = app_for(path, language="en")

    async def scenario(pilot):
        assert isinstance(app.screen, ErrorScreen)
        text = screen_text(app)
        assert "Cannot open the library" in text
        assert "not an ils database" in text.replace("\n", " ")

    run(app, scenario)


def test_f3_toggles_the_high_contrast_theme(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        assert app.theme == NORMAL_THEME
        await pilot.press("f3")
        assert app.theme == HIGH_CONTRAST_THEME
        assert app.screen.styles.background.hex == "#000000"
        await pilot.press("f3")
        assert app.theme == NORMAL_THEME

    run(app, scenario)


def test_f10_logs_out_from_a_desk_back_to_an_empty_log_in_screen(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        await open_desk(pilot, "system")
        assert isinstance(app.screen, SystemScreen)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        assert app.screen.query_one("#login-user").value == ""
        text = screen_text(app)
        assert "未登录" in text.splitlines()[0]
        assert "F10" not in text.splitlines()[-1]
        await app.workers.wait_for_complete()
        raw = sqlite3.connect(demo_db)
        assert raw.execute("SELECT action FROM journal ORDER BY rowid DESC LIMIT 1").fetchone() == ("staff.logout",)
        raw.close()

    run(app, scenario)


def test_escape_goes_back_from_a_desk_to_home(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        await open_desk(pilot, "system")
        assert isinstance(app.screen, SystemScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

    run(app, scenario)


def test_f1_lists_the_keys_in_the_current_language(demo_db, app_for):
    app = app_for(demo_db)

    def descriptions() -> list[str]:
        keys = app.screen.query_one("#help-keys")
        return [keys.get_row_at(row)[1] for row in range(keys.row_count)]

    async def scenario(pilot):
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        chinese = descriptions()
        assert {"按键", "语言", "高对比度", "退出程序", "下一项"} <= set(chinese)
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in chinese), chinese
        await pilot.press("f2")
        await settle(pilot)
        assert {"Keys", "Language", "Contrast", "Quit", "Next field"} <= set(descriptions())
        await pilot.press("f1")
        assert isinstance(app.screen, LoginScreen)

    run(app, scenario)


def test_the_command_palette_opens_desks_and_switches_language(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"系统")
        await settle(pilot)
        assert "打开系统" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SystemScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"lang")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Branches" in screen_text(app)

    run(app, scenario)


def test_at_80_by_24_tab_reaches_every_system_tab_and_button(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        await open_desk(pilot, "system")
        for tab in ("分馆", "工作人员", "本工作台", "维护"):
            assert tab in screen_text(app).splitlines()[1]
        focused = set()
        for _ in range(6):
            await pilot.press("tab")
            focused.add(app.focused.id)
        assert {"branches-table", "branch-add", "branch-rename", "branch-toggle", "point-add"} <= focused
        while not isinstance(app.focused, Tabs):
            await pilot.press("tab")
        await pilot.press("right", "right", "right")
        await settle(pilot)
        assert app.screen.query_one("#system-tabs").active == "tab-maintenance"
        for button in app.screen.query("#maintenance-pane Button"):
            region = button.region
            assert region.height == 1 and 0 < region.y < 23 and region.right <= 80

    run(app, scenario)


def _screen_classes() -> list[type]:
    """Every screen and dialog class (``screens.app`` imports them all)."""
    found, todo = [], [IlsScreen, IlsModal]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_binding_has_a_description():
    for cls in [IlsApp, *_screen_classes(), *(desk.factory for desk in all_desks())]:
        for binding in Binding.make_bindings(getattr(cls, "BINDINGS", [])):
            assert binding.description, (cls, binding)
