"""Log-in, the home screen and the header, in both languages."""

from __future__ import annotations

from ils import staff
from ils.demo import DEMO_PASSWORD
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.widgets import StatusLine

from .conftest import admin_session, log_in_as, run, screen_text, settle


def number(app, key: str) -> int:
    """The number the home screen gives desk ``key`` for the staff member logged in."""
    from screens.desks import visible_desks

    return [desk.key for desk in visible_desks(app.session)].index(key) + 1


def test_log_in_in_chinese_shows_the_desks_and_where_we_are(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        assert isinstance(app.screen, LoginScreen)
        text = screen_text(app)
        assert "登录" in text and "用户名" in text and "密码" in text
        await log_in_as(pilot, "admin")
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert f"{number(app, 'cataloguing')}  编目" in text and f"{number(app, 'system')}  系统" in text
        header = text.splitlines()[0]
        assert "工作台" in header
        for part in ("醴陵市图书馆", "总馆", "总馆-流通台1", app.session.staff.display_name):
            assert part in header
        for _ in range(50):  # the footer is drawn a frame after the screen, later on a busy machine
            if screen_text(app).splitlines()[-1].strip():
                break
            await pilot.pause(0.05)
        assert "F10 退出登录" in screen_text(app).splitlines()[-1]

    run(app, scenario)


def test_a_wrong_password_is_refused_in_red(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin", "wrong-password")
        assert isinstance(app.screen, LoginScreen)
        status = app.screen.query_one("#login-status", StatusLine)
        assert status.text == "用户名或密码错误。"
        assert status.has_class("-error")
        assert "用户名或密码错误。" in screen_text(app)
        assert app.screen.query_one("#login-password").value == ""

    run(app, scenario)


def test_log_in_in_english_shows_english(demo_db, app_for):
    app = app_for(demo_db, language="en")

    async def scenario(pilot):
        text = screen_text(app)
        assert "Log in" in text and "User name" in text and "登录" not in text
        await log_in_as(pilot, "admin")
        text = screen_text(app)
        assert f"{number(app, 'system')}  System" in text and "Desks" in text
        assert "F2 Language" in text.splitlines()[-1]

    run(app, scenario)


def test_f2_switches_the_login_screen_and_keeps_what_was_typed(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await pilot.press(*"adm")
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert "Log in" in text and "登录" not in text
        assert "F2 Language" in text.splitlines()[-1]
        assert app.screen.query_one("#login-user").value == "adm"
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert "登录" in text and "F2 语言" in text.splitlines()[-1]

    run(app, scenario)


def test_f2_on_the_home_screen_switches_and_is_remembered_for_the_staff_member(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await log_in_as(pilot, "admin")
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert f"{number(app, 'system')}  System" in text and "not logged in" not in text
        footer = text.splitlines()[-1]
        assert "F10 Log out" in footer and "退出登录" not in footer

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        assert session.staff.language == "en"
    finally:
        library.close()


def test_a_saved_language_is_used_after_log_in(demo_db, app_for):
    library, session = admin_session(demo_db)
    staff.set_language(session, "en")
    library.close()
    app = app_for(demo_db)

    async def scenario(pilot):
        assert "登录" in screen_text(app)
        await log_in_as(pilot, "admin", DEMO_PASSWORD)
        assert f"{number(app, 'system')}  System" in screen_text(app)

    run(app, scenario)
