"""The first start: a new library, or the demo library, then log-in."""

from __future__ import annotations

from textual.widgets import ProgressBar

from ils.library import open_library
from screens.dialogs import FormDialog
from screens.first_run import FirstRunScreen
from screens.home import HomeScreen
from screens.login import LoginScreen

from .conftest import log_in_as, press_button, run, screen_text, settle, type_text


def test_create_a_new_library_then_log_in(tmp_path, app_for):
    db_path = tmp_path / "new" / "lib.sqlite"
    app = app_for(db_path)

    async def scenario(pilot):
        assert isinstance(app.screen, FirstRunScreen)
        assert "新建图书馆" in screen_text(app) and "创建演示图书馆" in screen_text(app)
        await press_button(pilot, "#first-run-new")
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#field-library_name").value == "醴陵市图书馆"
        await pilot.press("tab", "tab")  # keep the branch (总馆); into the desk name
        await type_text(pilot, "desk-A")
        await pilot.press("tab", "tab")  # keep the user name admin
        await type_text(pilot, "Wang")
        await pilot.press("tab")
        await type_text(pilot, "first-pass-1")
        await pilot.press("tab")
        await type_text(pilot, "first-pass-1")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in_as(pilot, "admin", "first-pass-1")
        assert isinstance(app.screen, HomeScreen)
        header = screen_text(app).splitlines()[0]
        assert "醴陵市图书馆 · 总馆 · desk-A · Wang" in header

    run(app, scenario)
    library = open_library(db_path)
    try:
        assert library.node.node_name == "desk-A"
        assert library.node.branch_code == "ZG"
    finally:
        library.close()


def test_the_new_library_form_refuses_passwords_that_differ(tmp_path, app_for):
    app = app_for(tmp_path / "lib.sqlite")

    async def scenario(pilot):
        await press_button(pilot, "#first-run-new")
        app.screen.query_one("#field-password").value = "first-pass-1"
        app.screen.query_one("#field-password_again").value = "first-pass-2"
        await press_button(pilot, "#dialog-ok")
        assert isinstance(app.screen, FormDialog)
        assert "两次输入的密码不一致。" in screen_text(app)
        assert not (tmp_path / "lib.sqlite").exists()

    run(app, scenario)


def test_the_new_library_form_shows_the_services_refusal(tmp_path, app_for):
    app = app_for(tmp_path / "lib.sqlite")

    async def scenario(pilot):
        await press_button(pilot, "#first-run-new")
        app.screen.query_one("#field-password").value = "short"
        app.screen.query_one("#field-password_again").value = "short"
        await press_button(pilot, "#dialog-ok")
        assert "密码至少需要 8 个字符。" in screen_text(app)

    run(app, scenario)


def test_the_demo_library_then_the_demo_log_in(tmp_path, app_for):
    db_path = tmp_path / "lib.sqlite"
    app = app_for(db_path)

    async def scenario(pilot):
        await press_button(pilot, "#first-run-demo")
        assert isinstance(app.screen, LoginScreen)
        assert "演示图书馆：请以 admin 登录，密码 demo1234。" in screen_text(app)
        await log_in_as(pilot, "admin", "demo1234")
        assert isinstance(app.screen, HomeScreen)

    run(app, scenario)
    assert db_path.is_file()


def test_creating_the_demo_shows_its_steps_on_a_progress_bar(tmp_path, app_for):
    app = app_for(tmp_path / "lib.sqlite")

    async def scenario(pilot):
        screen = app.screen
        assert not screen.query_one("#first-run-progress").display
        screen.post_message(FirstRunScreen.Progress(4, 8, "Loans and returns"))
        await settle(pilot)
        bar = screen.query_one("#first-run-progress", ProgressBar)
        assert (bar.total, bar.progress) == (8, 4)
        assert "正在创建演示图书馆：借还记录…" in screen_text(app)

    run(app, scenario)
