"""System desk, This desk tab: the library's name, this desk's name and branch, my password."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Static

from ils import branches, staff
from ils import node as node_service
from ils.i18n import N_, _
from ils.library import NodeInfo
from ils.session import Session
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog, Values
from screens.widgets import StatusLine
from screens.work import call_service


class ThisDeskPane(DeskPane):
    """Shows where this desk is; renames the library or the desk, moves it, changes my password."""

    def compose(self) -> ComposeResult:
        yield Static("", id="desk-info", markup=False)
        with Grid(classes="pane-buttons"):
            yield Button(_("Rename the library"), id="desk-library", compact=True)
            yield Button(_("Rename this desk"), id="desk-name", compact=True)
            yield Button(_("Move to a branch"), id="desk-move", compact=True)
            yield Button(_("Change my password"), id="desk-password", compact=True)
        yield StatusLine(id="desk-status")

    def on_mount(self) -> None:
        self.watch(self.ils, "node", self._show, init=True)

    def _show(self, node: NodeInfo | None) -> None:
        if node is None:
            return
        session = self.session
        lines = [
            _("Library: {name}").format(name=node.library_name),
            _("Branch: {name} ({code})").format(name=node.branch_name, code=node.branch_code),
            _("Desk: {name}").format(name=node.node_name),
            _("Node id: {id}").format(id=node.node_id),
            _("Database file: {path}").format(path=self.ils.db_path),
            _("Logged in as {name} ({user})").format(name=session.staff.display_name, user=session.staff.username),
        ]
        self.query_one("#desk-info", Static).update("\n".join(lines))

    def _changed(self, node: NodeInfo) -> None:
        self.ils.node = node
        self.status().info(_("Saved."))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        node = self.ils.node
        if node is None:
            return
        if event.button.id == "desk-library":
            self._rename(N_("Library name"), node.library_name, node_service.set_library_name)
        elif event.button.id == "desk-name":
            self._rename(N_("Desk name"), node.node_name, node_service.set_node_name)
        elif event.button.id == "desk-move":
            self._choose_branch(node)
        else:
            self._change_password()

    def _rename(self, label: str, current: str, service: Callable[[Session, str], NodeInfo]) -> None:
        session = self.session
        dialog = FormDialog(
            label, [Field("name", label, value=current)], lambda v: service(session, v["name"]), submit_label=N_("Save")
        )
        self.ask(dialog, ThisDeskPane._changed)

    def _choose_branch(self, node: NodeInfo) -> None:
        """Load the open branches, then ask which one this desk now serves."""
        session = self.session

        def ask(rows: list[branches.BranchInfo]) -> None:
            options = tuple((f"{b.name} ({b.code})", b.code) for b in rows if b.active)
            dialog = FormDialog(
                N_("Move this desk to a branch"),
                [Field("branch", N_("Branch"), "select", value=node.branch_code, options=options)],
                lambda v: node_service.move_node(session, v["branch"]),
                submit_label=N_("Move"),
            )
            self.ask(dialog, ThisDeskPane._changed)

        call_service(self, "desk-branches", lambda: branches.list_branches(session), ask)

    def _change_password(self) -> None:
        session = self.session

        def change(v: Values) -> bool:
            staff.change_own_password(session, v["old"], v["password"])
            return True

        dialog = FormDialog(
            N_("Change my password"),
            [
                Field("old", N_("Current password"), "password"),
                Field("password", N_("New password"), "password"),
                Field("password_again", N_("New password again"), "password", repeat_of="password"),
            ],
            change,
            submit_label=N_("Save"),
        )
        self.ask(dialog, lambda pane, _done: pane.status().info(_("Your password has been changed.")))
