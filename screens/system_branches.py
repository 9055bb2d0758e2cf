"""System desk, Branches tab: the branches and their service points in one list.

Each branch row is followed by its service points; the buttons act on the
highlighted row (Rename renames a branch or a service point, whichever it is).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button

from ils import branches
from ils.branches import KINDS, BranchInfo
from ils.i18n import N_, _
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog
from screens.widgets import ListTable, StatusLine
from screens.widgets.table import Row
from screens.work import call_service

T = TypeVar("T")
BRANCH = "branch:"
POINT = "point:"


class BranchesPane(DeskPane):
    """List, add, rename, close and reopen branches; add and rename service points."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._branches: dict[str, BranchInfo] = {}
        self._point_branch: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield ListTable(N_("Code"), N_("Name"), N_("Kind"), N_("Status"), id="branches-table")
        with Grid(classes="pane-buttons"):
            yield Button(_("Add branch"), id="branch-add", compact=True)
            yield Button(_("Rename"), id="branch-rename", compact=True)
            yield Button(_("Close branch"), id="branch-toggle", compact=True)
            yield Button(_("Add service point"), id="point-add", compact=True)
        yield StatusLine(id="branches-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        session = self.session
        call_service(self, "branches", lambda: branches.list_branches(session), partial(self._fill, select))

    def _fill(self, select: str | None, found: list[BranchInfo]) -> None:
        self._branches = {branch.code: branch for branch in found}
        self._point_branch = {p.code: b.code for b in found for p in b.service_points}
        rows: list[Row] = []
        for branch in found:
            state = _("Open") if branch.active else _("Closed")
            rows.append((BRANCH + branch.code, (branch.code, branch.name, branch.kind_label, state)))
            for point in branch.service_points:
                state = _("Open") if point.active else _("Closed")
                rows.append((POINT + point.code, ("  " + point.code, "  " + point.name, _("Service point"), state)))
        self._table().show_rows(rows, select)
        self._label_toggle()

    def _table(self) -> ListTable:
        return self.query_one("#branches-table", ListTable)

    def _selected_branch(self) -> BranchInfo | None:
        """The highlighted branch, or the branch of the highlighted service point."""
        key = self._table().selected_key
        if key is None:
            return None
        code = key.removeprefix(BRANCH) if key.startswith(BRANCH) else self._point_branch[key.removeprefix(POINT)]
        return self._branches.get(code)

    def on_data_table_row_highlighted(self, _event: ListTable.RowHighlighted) -> None:
        self._label_toggle()

    def _label_toggle(self) -> None:
        branch = self._selected_branch()
        closed = branch is not None and not branch.active
        self.query_one("#branch-toggle", Button).label = _("Reopen branch") if closed else _("Close branch")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "branch-add": self._add_branch,
            "branch-rename": self._rename,
            "branch-toggle": self._toggle,
            "point-add": self._add_point,
        }
        actions[event.button.id or ""]()

    def _done(self, text: str, select: str) -> None:
        self.status().info(text)
        self.reload(select)

    def _add_branch(self) -> None:
        session = self.session
        kinds = tuple((label, kind) for kind, label in KINDS.items())
        dialog = FormDialog(
            N_("Add a branch"),
            [
                Field("code", N_("Code"), placeholder=N_("Letters and digits, e.g. FL")),
                Field("name", N_("Name")),
                Field("kind", N_("Kind"), "select", value="branch", options=kinds, translate_options=True),
            ],
            lambda v: branches.add_branch(session, code=v["code"], name=v["name"], kind=v["kind"]),
            submit_label=N_("Add"),
        )
        self.ask(
            dialog,
            lambda pane, b: pane._done(_("Added {name} ({code}).").format(name=b.name, code=b.code), BRANCH + b.code),
        )

    def _rename(self) -> None:
        key = self._table().selected_key
        if key is None:
            self.show_error(_("Choose a branch or service point in the list first."))
        elif key.startswith(BRANCH):
            self._rename_branch(self._branches[key.removeprefix(BRANCH)])
        else:
            self._rename_point(key.removeprefix(POINT))

    def _rename_dialog(self, current: str, rename: Callable[[str], T]) -> FormDialog[T]:
        return FormDialog(
            N_("Rename {name}"),
            [Field("name", N_("New name"), value=current)],
            lambda v: rename(v["name"]),
            submit_label=N_("Rename"),
            title_args={"name": current},
        )

    def _rename_branch(self, branch: BranchInfo) -> None:
        session = self.session

        def renamed(pane: BranchesPane, new: BranchInfo) -> None:
            pane._done(_("Renamed {old} to {new}.").format(old=branch.name, new=new.name), BRANCH + new.code)
            pane.ils.refresh_node()

        self.ask(self._rename_dialog(branch.name, partial(branches.rename_branch, session, branch.code)), renamed)

    def _rename_point(self, code: str) -> None:
        session = self.session
        owner = self._branches[self._point_branch[code]]
        old = next(point.name for point in owner.service_points if point.code == code)
        self.ask(
            self._rename_dialog(old, partial(branches.rename_service_point, session, code)),
            lambda pane, new: pane._done(_("Renamed {old} to {new}.").format(old=old, new=new.name), POINT + new.code),
        )

    def _toggle(self) -> None:
        session = self.session
        branch = self._selected_branch()
        if branch is None:
            self.show_error(_("Choose a branch in the list first."))
            return
        call_service(
            self,
            "branch-toggle",
            lambda: branches.set_branch_active(session, branch.code, not branch.active),
            lambda b: self._done(
                (_("{name} is open again.") if b.active else _("{name} is closed.")).format(name=b.name),
                BRANCH + b.code,
            ),
        )

    def _add_point(self) -> None:
        session = self.session
        branch = self._selected_branch()
        if branch is None:
            self.show_error(_("Choose a branch in the list first."))
            return
        dialog = FormDialog(
            N_("Add a service point to {name}"),
            [Field("code", N_("Code"), value=f"{branch.code}-"), Field("name", N_("Name"))],
            lambda v: branches.add_service_point(session, branch=branch.code, code=v["code"], name=v["name"]),
            submit_label=N_("Add"),
            title_args={"name": branch.name},
        )
        self.ask(
            dialog,
            lambda pane, p: pane._done(_("Added {name} ({code}).").format(name=p.name, code=p.code), POINT + p.code),
        )
