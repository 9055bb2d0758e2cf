"""The System desk: branches, staff, this desk and maintenance, checked through the services."""

from __future__ import annotations

from pathlib import Path

import pytest

from ils import branches, staff
from ils.errors import LoginFailed
from ils.library import open_library
from screens.dialogs import FormDialog
from screens.system_desk import SystemScreen
from screens.widgets import StatusLine

from .conftest import admin_session, log_in_as, open_desk, press_button, run, screen_text, settle, type_text


async def open_system_desk(pilot, username: str = "admin") -> None:
    await log_in_as(pilot, username)
    await open_desk(pilot, "system")
    assert isinstance(pilot.app.screen, SystemScreen)


async def show_tab(pilot, tab_id: str) -> None:
    pilot.app.screen.query_one("#system-tabs").active = tab_id
    await settle(pilot)


def status(app, selector: str) -> StatusLine:
    return app.screen.query_one(selector, StatusLine)


def test_add_a_branch(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        assert "白兔潭镇汆溪分馆" in screen_text(app)
        await press_button(pilot, "#branch-add")
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "hh")
        await pilot.press("tab")
        await type_text(pilot, "花花分馆")
        await press_button(pilot, "#dialog-ok")
        assert isinstance(app.screen, SystemScreen)
        assert status(app, "#branches-status").text == "已新增花花分馆（HH）。"
        table = app.screen.query_one("#branches-table")
        assert table.get_row_at(table.cursor_row)[:2] == ["HH", "花花分馆"]

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        added = {b.code: b for b in branches.list_branches(session)}["HH"]
        assert (added.name, added.kind, added.active) == ("花花分馆", "branch", True)
    finally:
        library.close()


def test_a_refused_branch_keeps_the_dialog_open_with_the_reason(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        await press_button(pilot, "#branch-add")
        await type_text(pilot, "FL")
        await pilot.press("tab")
        await type_text(pilot, "again")
        await press_button(pilot, "#dialog-ok")
        assert isinstance(app.screen, FormDialog)
        assert "分馆代码 FL 已被使用。" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, SystemScreen)

    run(app, scenario)


def test_rename_a_service_point_and_close_a_branch(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        table = app.screen.query_one("#branches-table")
        table.move_cursor(row=table.get_row_index("point:YS-JH"))
        await press_button(pilot, "#branch-rename")
        field = app.screen.query_one("#field-name")
        field.value = "阳三借还台"
        await pilot.press("enter")
        await settle(pilot)
        assert status(app, "#branches-status").text == "已将“借还台”改名为“阳三借还台”。"
        table.move_cursor(row=table.get_row_index("branch:YS"))
        await press_button(pilot, "#branch-toggle")
        assert status(app, "#branches-status").text == "阳三分馆已关闭。"
        assert str(app.screen.query_one("#branch-toggle").label) == "重新开放分馆"

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        ys = {b.code: b for b in branches.list_branches(session)}["YS"]
        assert not ys.active
        assert ys.service_points[0].name == "阳三借还台"
    finally:
        library.close()


def test_add_a_staff_member_then_reset_a_password_and_unlock(demo_db, app_for):
    library, session = admin_session(demo_db)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            staff.log_in(library, "cat", "wrong-password")
    library.close()
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        await show_tab(pilot, "tab-staff")
        assert "已锁定" in screen_text(app)
        await press_button(pilot, "#staff-add")
        dialog = app.screen
        await type_text(pilot, "liufang")
        await pilot.press("tab")
        await type_text(pilot, "刘芳")
        await pilot.press("tab")  # roles: the first is 管理员, the second 流通
        await pilot.press("down", "space")
        dialog.query_one("#field-password").value = "liufang-pass"
        dialog.query_one("#field-password_again").value = "liufang-pass"
        await press_button(pilot, "#dialog-ok")
        assert status(app, "#staff-status").text == "已新增刘芳（liufang）。"

        table = app.screen.query_one("#staff-table")
        table.move_cursor(row=table.get_row_index("cat"))
        await press_button(pilot, "#staff-unlock")
        assert status(app, "#staff-status").text.startswith("已解锁")
        await press_button(pilot, "#staff-password")
        app.screen.query_one("#field-password").value = "new-cat-pass"
        app.screen.query_one("#field-password_again").value = "new-cat-pass"
        await press_button(pilot, "#dialog-ok")
        assert "已为" in status(app, "#staff-status").text

    run(app, scenario)
    library = open_library(demo_db)
    try:
        added = staff.log_in(library, "liufang", "liufang-pass")
        assert {role.value for role in added.staff.roles} == {"circulation"}
        assert added.staff.display_name == "刘芳"
        assert staff.log_in(library, "cat", "new-cat-pass").staff.username == "cat"
    finally:
        library.close()


def test_a_clerk_sees_the_refusal_and_cannot_add_a_branch(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot, "circ")
        await press_button(pilot, "#branch-add")
        await type_text(pilot, "NO")
        await pilot.press("tab")
        await type_text(pilot, "不该有的分馆")
        await press_button(pilot, "#dialog-ok")
        assert isinstance(app.screen, FormDialog)
        assert "无权管理分馆和服务点。" in screen_text(app)
        await pilot.press("escape")
        await show_tab(pilot, "tab-staff")
        assert "无权管理工作人员账号。" in status(app, "#staff-status").text

    run(app, scenario)
    library, session = admin_session(demo_db)
    try:
        assert "NO" not in {b.code for b in branches.list_branches(session)}
    finally:
        library.close()


def test_rename_this_desk_updates_the_header(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        await show_tab(pilot, "tab-desk")
        assert "节点编号" in screen_text(app)
        await press_button(pilot, "#desk-name")
        app.screen.query_one("#field-name").value = "总馆-流通台2"
        await pilot.press("enter")
        await settle(pilot)
        assert "总馆-流通台2" in screen_text(app).splitlines()[0]

    run(app, scenario)
    library = open_library(demo_db)
    try:
        assert library.node.node_name == "总馆-流通台2"
    finally:
        library.close()


def test_back_up_check_and_print_a_test_page(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        await show_tab(pilot, "tab-maintenance")
        await press_button(pilot, "#maint-backup")
        backed_up = status(app, "#maint-status").text
        assert backed_up.startswith("已备份到 ")
        backup = backed_up.removeprefix("已备份到 ").split("（")[0]
        assert Path(backup).is_file()

        await press_button(pilot, "#maint-check")
        assert status(app, "#maint-status").text == "数据库完好。"
        assert "branch：29 行" in screen_text(app)

        await press_button(pilot, "#maint-test-page")
        wrote = status(app, "#maint-status").text
        assert wrote.startswith("已写入 ")
        pdf = wrote.removeprefix("已写入 ").removesuffix("。")
        assert pdf.startswith(str(demo_db.parent / "prints"))
        assert Path(pdf).read_bytes().startswith(b"%PDF-")

    run(app, scenario)


def test_switching_language_in_a_dialog_keeps_what_was_typed_and_the_answer_arrives(demo_db, app_for):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        await press_button(pilot, "#branch-add")
        await type_text(pilot, "LX")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Add a branch" in screen_text(app)
        assert app.screen.query_one("#field-code").value == "LX"
        assert app.focused.id == "field-code"
        await pilot.press("tab")
        await type_text(pilot, "渌江分馆")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SystemScreen)
        assert status(app, "#branches-status").text == "Added 渌江分馆 (LX)."
        assert " LX          渌江分馆          Branch " in screen_text(app)

    run(app, scenario)


def test_the_sync_tab_shows_this_desk_and_refuses_an_export_before_enrolment(demo_db, app_for, tmp_path):
    app = app_for(demo_db)

    async def scenario(pilot):
        await open_system_desk(pilot)
        await show_tab(pilot, "tab-sync")
        text = screen_text(app)
        assert "纪元" in text and "最近导出：从未" in text
        await press_button(pilot, "#sync-export")
        assert isinstance(app.screen, FormDialog)
        await press_button(pilot, "#dialog-ok")
        assert isinstance(app.screen, FormDialog)  # refused: the dialog stays open with the reason
        assert "尚未向联合目录登记" in screen_text(app)

    run(app, scenario)
