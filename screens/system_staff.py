"""System desk, Staff tab: accounts, their roles, passwords and locks.

Every action goes to ``ils.staff``, which checks the permission: a staff
member without it sees the service's refusal on the status line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button

from ils import branches, staff
from ils.i18n import N_, _
from ils.permissions import ROLE_LABELS
from ils.staff import StaffSummary
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog, Values
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

ROLE_OPTIONS = tuple((label, role.value) for role, label in ROLE_LABELS.items())


def _state(member: StaffSummary) -> str:
    if not member.active:
        return _("Deactivated")
    return _("Locked") if member.locked else _("Active")


def _password_fields() -> list[Field]:
    return [
        Field("password", N_("Password"), "password"),
        Field("password_again", N_("Password again"), "password", repeat_of="password"),
    ]


class StaffPane(DeskPane):
    """List, add, set roles, reset passwords, unlock, deactivate and reactivate staff."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._staff: dict[str, StaffSummary] = {}
        self._branch_options: tuple[tuple[str, str], ...] = ()

    def compose(self) -> ComposeResult:
        yield ListTable(N_("User"), N_("Name"), N_("Roles"), N_("Branch"), N_("Status"), id="staff-table")
        with Grid(classes="pane-buttons"):
            yield Button(_("Add staff"), id="staff-add", compact=True)
            yield Button(_("Roles"), id="staff-roles", compact=True)
            yield Button(_("Reset password"), id="staff-password", compact=True)
            yield Button(_("Unlock"), id="staff-unlock", compact=True)
            yield Button(_("Deactivate"), id="staff-toggle", compact=True)
        yield StatusLine(id="staff-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        session = self.session
        call_service(
            self,
            "staff",
            lambda: (branches.list_branches(session), staff.list_staff(session)),
            partial(self._fill, select),
        )

    def _fill(self, select: str | None, loaded: tuple[list[branches.BranchInfo], list[StaffSummary]]) -> None:
        branch_list, members = loaded
        self._branch_options = tuple((f"{b.name} ({b.code})", b.code) for b in branch_list if b.active)
        self._staff = {member.username: member for member in members}
        rows = [
            (m.username, (m.username, m.display_name, _(", ").join(m.role_labels), m.branch_code or "", _state(m)))
            for m in members
        ]
        self.query_one("#staff-table", ListTable).show_rows(rows, select)
        self._label_toggle()

    def _selected(self) -> StaffSummary | None:
        key = self.query_one("#staff-table", ListTable).selected_key
        return self._staff.get(key) if key is not None else None

    def on_data_table_row_highlighted(self, _event: ListTable.RowHighlighted) -> None:
        self._label_toggle()

    def _label_toggle(self) -> None:
        member = self._selected()
        inactive = member is not None and not member.active
        self.query_one("#staff-toggle", Button).label = _("Activate") if inactive else _("Deactivate")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "staff-add":
            self._add()
            return
        member = self._selected()
        if member is None:
            self.show_error(_("Choose a staff member in the list first."))
            return
        actions: dict[str, Callable[[StaffSummary], None]] = {
            "staff-roles": self._roles,
            "staff-password": self._password,
            "staff-unlock": self._unlock,
            "staff-toggle": self._toggle,
        }
        actions[event.button.id or ""](member)

    def _done(self, text: str, member: StaffSummary) -> None:
        self.status().info(text.format(name=member.display_name, user=member.username))
        self.reload(member.username)

    def _add(self) -> None:
        session = self.session
        home = self.ils.node.branch_code if self.ils.node else ""

        def add(v: Values) -> StaffSummary:
            return staff.add_staff(
                session,
                username=v["username"],
                display_name=v["display_name"],
                password=v["password"],
                roles=",".join(v["roles"]),
                branch=v["branch"] or None,
            )

        dialog = FormDialog(
            N_("Add a staff member"),
            [
                Field("username", N_("User name")),
                Field("display_name", N_("Display name")),
                Field("roles", N_("Roles"), "checks", options=ROLE_OPTIONS, translate_options=True),
                Field("branch", N_("Branch"), "select", value=home, options=self._branch_options),
                *_password_fields(),
            ],
            add,
            submit_label=N_("Add"),
        )
        self.ask(dialog, lambda pane, m: pane._done(_("Added {name} ({user})."), m))

    def _roles(self, member: StaffSummary) -> None:
        session = self.session
        dialog = FormDialog(
            N_("Roles of {name}"),
            [Field("roles", N_("Roles"), "checks", value=member.roles, options=ROLE_OPTIONS, translate_options=True)],
            lambda v: staff.set_roles(session, member.username, ",".join(v["roles"])),
            submit_label=N_("Save"),
            title_args={"name": member.display_name},
        )
        self.ask(dialog, lambda pane, m: pane._done(_("Saved the roles of {name}."), m))

    def _password(self, member: StaffSummary) -> None:
        session = self.session
        dialog = FormDialog(
            N_("New password for {name}"),
            _password_fields(),
            lambda v: staff.reset_password(session, member.username, v["password"]),
            submit_label=N_("Save"),
            title_args={"name": member.display_name},
        )
        self.ask(dialog, lambda pane, m: pane._done(_("Set a new password for {name}; the account is unlocked."), m))

    def _unlock(self, member: StaffSummary) -> None:
        session = self.session
        call_service(
            self,
            "staff-change",
            lambda: staff.unlock(session, member.username),
            lambda m: self._done(_("Unlocked {name}."), m),
        )

    def _toggle(self, member: StaffSummary) -> None:
        session = self.session
        call_service(
            self,
            "staff-change",
            lambda: staff.set_active(session, member.username, not member.active),
            lambda m: self._done(_("{name} can log in again.") if m.active else _("Deactivated {name}."), m),
        )
