"""System desk, Maintenance tab: back up, check the database, print test pages.

Printouts are kept by ``ils.printouts.save_pdf`` in ``prints`` beside the database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Static

from ils import maintenance, printouts
from ils.i18n import N_, _
from ils.maintenance import BackupResult, CheckReport
from ils.session import Session
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog
from screens.widgets import StatusLine
from screens.work import call_service


class MaintenancePane(DeskPane):
    """Back up now, check, and the three printer tests."""

    def compose(self) -> ComposeResult:
        with Grid(classes="pane-buttons"):
            yield Button(_("Back up now"), id="maint-backup", compact=True)
            yield Button(_("Check the database"), id="maint-check", compact=True)
            yield Button(_("Printer test page"), id="maint-test-page", compact=True)
            yield Button(_("Label calibration"), id="maint-labels", compact=True)
            yield Button(_("Receipt printer test"), id="maint-receipt", compact=True)
        yield StatusLine(id="maint-status")
        with VerticalScroll(id="maint-report-box"):
            yield Static("", id="maint-report", markup=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        self._report([])
        if event.button.id == "maint-backup":
            self._run(lambda: maintenance.backup(session), self._backed_up)
        elif event.button.id == "maint-check":
            self._run(lambda: maintenance.check(session), self._checked)
        elif event.button.id == "maint-test-page":
            self._run(lambda: printouts.save_pdf(session, "test-page", printouts.test_page(session)), self._printed)
        elif event.button.id == "maint-receipt":
            self._run(
                lambda: printouts.save_pdf(session, "receipt-test", printouts.receipt_test(session)), self._printed
            )
        else:
            self._ask_sheet(session)

    def _run(self, call: Callable[[], object], then: Callable[..., None]) -> None:
        self.status().info(_("Working…"))
        call_service(self, "maintenance", call, then)

    def _report(self, lines: list[str]) -> None:
        self.query_one("#maint-report", Static).update("\n".join(lines))

    def _backed_up(self, result: BackupResult) -> None:
        self.status().info(_("Backed up to {path} ({size} bytes).").format(path=result.path, size=result.size_bytes))
        if result.warning is not None:  # the reader key file is not in the backup: where to keep it, in full
            self._report([str(result.warning)])

    def _checked(self, report: CheckReport) -> None:
        if report.ok:
            self.status().info(_("The database is sound."))
        else:
            self.status().error(_("The check found problems:"))
        self._report(report.lines())

    def _printed(self, path: Path) -> None:
        self.status().info(_("Wrote {path}.").format(path=path))

    def _ask_sheet(self, session: Session) -> None:
        names = printouts.sheet_names()
        dialog = FormDialog(
            N_("Label calibration"),
            [Field("sheet", N_("Label sheet"), "select", value=names[0], options=tuple((n, n) for n in names))],
            lambda v: printouts.save_pdf(
                session, f"labels-{v['sheet']}", printouts.label_calibration(session, v["sheet"])
            ),
            submit_label=N_("Print"),
        )
        self.ask(dialog, MaintenancePane._printed)
