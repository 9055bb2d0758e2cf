"""The union's desk (联合目录), for the county's system librarian: the desks enrolled with the
union, the conflict queue, and where copies are across the county.

- **Desks**: each enrolled desk's last bundle in and out, how long ago it was heard from (in
  words), the gaps in what it sent, whether its clock runs ahead of the union's, its key
  (trusted or revoked, with the fingerprint to compare). Trust a desk from its enrolment
  request; revoke. Import a bundle, or a folder of them (a day of 26 branches), with a
  progress bar while it runs.
- **Conflicts**: the open conflicts; the chosen one's facts side by side (what each desk
  recorded: the action, branch, time, reader's card number, copy barcode, how it ended); keep
  one loan of a copy lent twice and the others end as resolved, or record what was decided.
  The resolution is a replicated change: it reaches every desk with the next bundles.
- **Copies**: "which branch has it?" — a barcode, title or ISBN, union-wide, available first.

Shown on the home screen of a union database only (``ils union init``, SQLite or PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Static, TabbedContent, TabPane

from ils import identity
from ils.catalogue.items import status_label
from ils.i18n import N_, _
from ils.session import Session
from ils.sync import conflicts, exchange, peers, status
from ils.sync.status import SyncStatus
from ils.sync.union import CopyAt, where_copies
from screens.base import DeskPane, DeskScreen
from screens.dialogs import Field, FormDialog
from screens.sync_view import ConflictSides, keepable, lag_words, local_time
from screens.system_sync import summary_lines
from screens.widgets import ListTable, StatusLine
from screens.work import call_service


class NodesPane(DeskPane):
    """The enrolled desks and their keys."""

    def compose(self) -> ComposeResult:
        yield Static("", id="union-info", markup=False)
        yield ListTable(
            N_("Desk"),
            N_("Branch"),
            N_("Last bundle in"),
            N_("Lag"),
            N_("Gaps"),
            N_("Key state"),
            id="union-nodes",
        )
        with Grid(classes="pane-buttons"):
            yield Button(_("Import bundles"), id="union-import", compact=True)
            yield Button(_("Trust a desk"), id="union-trust", compact=True)
            yield Button(_("Revoke its key"), id="union-revoke", compact=True)
        yield ProgressBar(id="union-progress", show_eta=False)
        yield StatusLine(id="union-nodes-status")

    @dataclass
    class Progress(Message):
        """How far a long import has got (steps done, of all steps)."""

        done: int
        total: int

    def on_mount(self) -> None:
        self.query_one("#union-progress").display = False
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "union-nodes", lambda: status.sync_status(session), self._show)

    def _show(self, found: SyncStatus) -> None:
        self.query_one("#union-info", Static).update("\n".join(summary_lines(found, self.session.now())))
        now = self.session.now()
        rows = [
            (
                peer.node_id,
                (
                    peer.name,
                    peer.branch_code or "",
                    local_time(peer.last_in, now, never=_("never")),
                    lag_words(peer.last_in, now),
                    ", ".join(f"{a}–{b}" for a, b in peer.gaps) or _("none"),
                    (_("revoked") if peer.revoked else _("trusted")) + f" {peer.fingerprint[:9]}",
                ),
            )
            for peer in found.peers
        ]
        self.query_one("#union-nodes", ListTable).show_rows(rows)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "union-import":
            where = FormDialog(
                N_("Import bundles"),
                [Field("where", N_("Bundle file or folder"))],
                lambda v: Path(v["where"].strip()).expanduser(),
                submit_label=N_("Import"),
            )
            self.ask(where, NodesPane._import)
            return
        if event.button.id == "union-trust":
            dialog = FormDialog(
                N_("Trust a desk"),
                [Field("file", N_("Enrolment request file"))],
                lambda v: peers.trust(session, Path(v["file"].strip())),
                submit_label=N_("Trust"),
            )
            self.ask(dialog, NodesPane._trusted)
            return
        key = self.query_one("#union-nodes", ListTable).selected_key
        if key is None:
            self.status().error(_("Choose a desk first."))
            return
        call_service(self, "union-nodes", lambda: peers.revoke(session, key), self._revoked)

    def _import(self, where: Path) -> None:
        """Apply a bundle, or every bundle of a folder (a day of 26 branches), with a progress bar."""
        session = self.session
        bar = self.query_one("#union-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        for button in self.query(Button):
            button.disabled = True
        self.status().info(_("Importing from {path}…").format(path=where))
        call_service(
            self,
            "union-import",
            lambda: exchange.import_bundles(
                session, where, lambda done, total: self.post_message(self.Progress(done, total))
            ),
            self._imported,
            self._import_failed,
        )

    def on_nodes_pane_progress(self, message: Progress) -> None:
        self.query_one("#union-progress", ProgressBar).update(total=message.total, progress=message.done)

    def _finished(self) -> None:
        self.query_one("#union-progress").display = False
        for button in self.query(Button):
            button.disabled = False

    def _imported(self, found: exchange.ManyReport) -> None:
        self._finished()
        rows = sum(sum(r.counts.values()) for r in found.reports)
        conflicts_found = sum(r.conflicts for r in found.reports)
        text = _("Imported {bundles} bundles: {rows} rows, {conflicts} new conflicts.").format(
            bundles=len(found.reports), rows=rows, conflicts=conflicts_found
        )
        if found.refused:
            name, _code, reason = found.refused[0]
            self.status().error(
                text
                + " "
                + _("Refused {count}: {name}: {reason}").format(count=len(found.refused), name=name, reason=reason)
            )
        else:
            self.status().info(text)
        self.reload()

    def _import_failed(self, text: str) -> None:
        self._finished()
        self.status().error(text)

    def _trusted(self, found: peers.PeerInfo) -> None:
        self.status().info(
            _("Trusted {name}; its key fingerprint is {fingerprint}: check that the desk shows the same one.").format(
                name=found.name, fingerprint=found.fingerprint
            )
        )
        self.reload()

    def _revoked(self, found: peers.PeerInfo) -> None:
        self.status().info(_("Revoked the key of {name} ({node}).").format(name=found.name, node=found.node_id))
        self.reload()


class ConflictsPane(DeskPane):
    """The conflict queue, the chosen conflict's facts side by side, and its resolution."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._conflicts: dict[str, conflicts.ConflictInfo] = {}

    def compose(self) -> ComposeResult:
        yield ListTable(N_("Conflict"), N_("Kind"), N_("Barcode"), N_("Branches"), N_("When"), id="union-conflicts")
        yield ConflictSides(id="union-sides")
        with Horizontal(id="union-decided"):
            yield Label(_("What was decided"), classes="field-label")
            yield Input(id="union-note", placeholder=_("optional"), compact=True)
        with Grid(classes="pane-buttons"):
            yield Button(_("Keep the left loan"), id="union-keep-left", compact=True)
            yield Button(_("Keep the right loan"), id="union-keep-right", compact=True)
            yield Button(_("Resolve without a choice"), id="union-acknowledge", compact=True)
        yield StatusLine(id="union-conflicts-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "union-conflicts", lambda: status.sync_status(session), self._show)

    def _show(self, state: SyncStatus) -> None:
        found = state.conflicts
        self._conflicts = {c.id: c for c in found}
        now = self.session.now()
        rows = [
            (c.id, (c.id[:8], c.kind_label, c.barcode or "", ",".join(c.branch_codes), local_time(c.found_at, now)))
            for c in found
        ]
        self.query_one("#union-conflicts", ListTable).show_rows(rows)
        self._sides()

    def _chosen(self) -> conflicts.ConflictInfo | None:
        key = self.query_one("#union-conflicts", ListTable).selected_key
        return self._conflicts.get(key) if key else None

    def _sides(self) -> None:
        self.query_one(ConflictSides).show(self._chosen(), self.session.now())

    def on_data_table_row_highlighted(self, _event) -> None:
        self._sides()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        info = self._chosen()
        if info is None:
            self.status().error(_("Choose a conflict first."))
            return
        keep: str | None = None
        if event.button.id in ("union-keep-left", "union-keep-right"):
            keep = keepable(info, 0 if event.button.id == "union-keep-left" else 1)
            if keep is None:
                self.status().error(_("This conflict has no loan on that side."))
                return
        session = self.session
        note = self.query_one("#union-note", Input).value
        call_service(
            self, "union-conflicts", lambda: conflicts.resolve(session, info.id, keep=keep, note=note), self._resolved
        )

    def _resolved(self, info: conflicts.ConflictInfo) -> None:
        self.status().info(_("Resolved: {kind}. The desks get it with their next bundle.").format(kind=info.kind_label))
        self.query_one("#union-note", Input).value = ""
        self.reload()


class CopiesPane(DeskPane):
    """Which branch has it: copies union-wide by barcode, title or ISBN."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("Barcode, title or ISBN"), id="union-find")
        yield ListTable(N_("Barcode"), N_("Title"), N_("Branch"), N_("Location"), N_("Status"), id="union-copies")
        yield StatusLine(id="union-copies-status")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        session = self.session
        text = event.value
        call_service(self, "union-copies", lambda: where_copies(session, text), self._show)

    def _show(self, found: list[CopyAt]) -> None:
        rows = [
            (c.barcode, (c.barcode, c.title, f"{c.branch_code} {c.branch_name}", c.location, status_label(c.status)))
            for c in found
        ]
        self.query_one("#union-copies", ListTable).show_rows(rows)
        self.status().info(_("{n} copies found.").format(n=len(found)))


def is_union(session: Session) -> bool:
    """The union's desk is on the home screen of a union database only."""
    return identity.identity(session.library).role == identity.UNION


class UnionScreen(DeskScreen):
    """The county union catalogue's desk."""

    TITLE_ID: ClassVar[str] = N_("Union catalogue")
    CSS_PATH: ClassVar[str] = "union_desk.tcss"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="union-tabs"):
            with TabPane(_("Desks"), id="tab-union-nodes"):
                yield NodesPane(id="union-nodes-pane")
            with TabPane(_("Conflicts"), id="tab-union-conflicts"):
                yield ConflictsPane(id="union-conflicts-pane")
            with TabPane(_("Find copies"), id="tab-union-copies"):
                yield CopiesPane(id="union-copies-pane")
