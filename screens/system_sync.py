"""System desk, Sync tab: this desk's exchange with the union catalogue, and the conflicts that touch it.

Shows when the desk last exported and imported, what the union has not acknowledged, gaps,
quarantined or tampered bundles, rows waiting for a missing bundle, warnings (a copied
database, a clock far from the union's), and the open conflicts of this desk's branch.
Export writes a bundle to a folder (a USB stick); import reads one; a conflict is resolved
here as at the union (``ils.sync``), and the resolution travels like any other change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Static

from ils.i18n import N_, _
from ils.sync import conflicts, exchange, status, watch
from ils.sync.status import SyncStatus
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog
from screens.sync_view import ResolveDialog, lag_words, local_time
from screens.widgets import ListTable, StatusLine
from screens.work import call_service


def _when(text: str | None, now: dt.datetime) -> str:
    """A last exchange in local time with its lag in words, or "never"."""
    return f"{local_time(text, now)} ({lag_words(text, now)})" if text else _("never")


def summary_lines(found: SyncStatus, now: dt.datetime) -> list[str]:
    lines = [
        _("Node {name} ({id}), epoch {epoch}").format(name=found.node_name, id=found.node_id, epoch=found.epoch),
        _("Last export: {export}; last import: {imported}").format(
            export=_when(found.last_export, now), imported=_when(found.last_import, now)
        ),
    ]
    if found.role == "desk":
        lines.append(_("Changes not yet acknowledged by the union: {count}").format(count=found.unacknowledged))
    else:
        lines.append(_("Enrolled desks: {count}").format(count=len(found.peers)))
    if found.gaps:
        lines.append(_("Missing union changes: {gaps}").format(gaps=", ".join(f"{a}–{b}" for a, b in found.gaps)))
    if found.quarantined:
        lines.append(_("Bundles in quarantine: {count}").format(count=len(found.quarantined)))
    if found.tampered:
        lines.append(_("Bundles refused as tampered: {count}").format(count=found.tampered))
    if found.pending:
        lines.append(_("Rows waiting for a missing bundle: {count}").format(count=found.pending))
    lines += [f"! {warning}" for warning in found.warnings]
    return lines


class SyncPane(DeskPane):
    """Export and import bundles; see and resolve the conflicts that touch this desk."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._conflicts: dict[str, conflicts.ConflictInfo] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="sync-info", markup=False)
        yield ListTable(N_("Conflict"), N_("Kind"), N_("Barcode"), N_("Branches"), N_("When"), id="sync-conflicts")
        with Grid(classes="pane-buttons"):
            yield Button(_("Export a bundle"), id="sync-export", compact=True)
            yield Button(_("Send to a removable drive"), id="sync-drive", compact=True)
            yield Button(_("Import a bundle"), id="sync-import", compact=True)
            yield Button(_("Resolve the conflict"), id="sync-resolve", compact=True)
        yield StatusLine(id="sync-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "sync", lambda: status.sync_status(session), self._show)

    def _show(self, found: SyncStatus) -> None:
        now = self.session.now()
        self.query_one("#sync-info", Static).update("\n".join(summary_lines(found, now)))
        self._conflicts = {c.id: c for c in found.conflicts}
        rows = [
            (c.id, (c.id[:8], c.kind_label, c.barcode or "", ",".join(c.branch_codes), local_time(c.found_at, now)))
            for c in found.conflicts
        ]
        self.query_one("#sync-conflicts", ListTable).show_rows(rows)
        if found.warnings:
            self.status().error(str(found.warnings[0]))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "sync-export":
            dialog = FormDialog(
                N_("Export a bundle"),
                [Field("folder", N_("Folder"), value=str(Path.home()))],
                lambda v: exchange.export_desk(session, Path(v["folder"].strip())),
                submit_label=N_("Export"),
            )
            self.ask(dialog, SyncPane._exported)
        elif event.button.id == "sync-drive":
            self._to_drive()
        elif event.button.id == "sync-import":
            dialog = FormDialog(
                N_("Import a bundle"),
                [Field("file", N_("Bundle file"))],
                lambda v: exchange.import_bundle(session, Path(v["file"].strip())),
                submit_label=N_("Import"),
            )
            self.ask(dialog, SyncPane._imported)
        else:
            self._resolve()

    def _to_drive(self) -> None:
        """The bundle straight to a USB stick that is plugged in (its ``ils-sync`` folder)."""
        drives = watch.removable_drives()
        if not drives:
            self.status().error(_("No removable drive is plugged in (or none can be written to)."))
            return
        session = self.session
        options = tuple((str(drive), str(drive)) for drive in drives)
        dialog = FormDialog(
            N_("Send to a removable drive"),
            [Field("drive", N_("Drive"), "select", value=options[0][1], options=options)],
            lambda v: watch.send_to_drive(session, Path(v["drive"])),
            submit_label=N_("Export"),
        )
        self.ask(dialog, SyncPane._exported)

    def _resolve(self) -> None:
        key = self.query_one("#sync-conflicts", ListTable).selected_key
        if key is None or key not in self._conflicts:
            self.status().error(_("Choose a conflict first."))
            return
        self.ask(ResolveDialog(self.session, self._conflicts[key]), SyncPane._resolved)

    def _exported(self, report: exchange.BundleReport) -> None:
        self.status().info(_("Wrote {path}.").format(path=report.path))
        self.reload()

    def _imported(self, report: exchange.BundleReport) -> None:
        self.status().info(
            _("Applied changes {first}–{last} of epoch {epoch}.").format(
                first=report.first, last=report.last, epoch=report.epoch
            )
            if report.state == "applied"
            else _("Bundle {state}.").format(state=report.state)
        )
        self.reload()

    def _resolved(self, info: conflicts.ConflictInfo) -> None:
        self.status().info(_("Resolved: {kind}.").format(kind=info.kind_label))
        self.reload()
