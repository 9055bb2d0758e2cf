"""The System desk (系统): branches, staff, this desk, maintenance and sync, one tab each."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import TabbedContent, TabPane

from ils.i18n import N_, _
from screens.base import DeskScreen
from screens.system_branches import BranchesPane
from screens.system_maintenance import MaintenancePane
from screens.system_node import ThisDeskPane
from screens.system_staff import StaffPane
from screens.system_sync import SyncPane
from screens.system_terminals import TerminalsPane


class SystemScreen(DeskScreen):
    """Setting up the library network and keeping the database safe."""

    TITLE_ID: ClassVar[str] = N_("System")
    CSS_PATH: ClassVar[str] = "system_desk.tcss"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="system-tabs"):
            with TabPane(_("Branches"), id="tab-branches"):
                yield BranchesPane(id="branches-pane")
            with TabPane(_("Staff"), id="tab-staff"):
                yield StaffPane(id="staff-pane")
            with TabPane(_("This desk"), id="tab-desk"):
                yield ThisDeskPane(id="desk-pane")
            with TabPane(_("Maintenance"), id="tab-maintenance"):
                yield MaintenancePane(id="maintenance-pane")
            with TabPane(_("Sync"), id="tab-sync"):
                yield SyncPane(id="sync-pane")
            with TabPane(_("Self-service"), id="tab-terminals"):
                yield TerminalsPane(id="terminals-pane")
