"""Cataloguing desk, Labels tab: the queue of spine and barcode labels, printed a sheet at a time.

Copies added during the day queue their labels; the cataloguer prints them together
on one label sheet (a part-used sheet can start at a later position), and printed
labels leave the queue. The PDF is kept in ``prints/`` beside the database.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select

from ils import printouts
from ils.catalogue import items, labels
from ils.i18n import N_, _, ngettext
from screens.base import DeskPane
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

KIND_LABELS: dict[str, str] = {"spine": N_("Spine labels"), "barcode": N_("Barcode labels")}


class LabelsPane(DeskPane):
    """See what is queued and print it."""

    def compose(self) -> ComposeResult:
        # First, so that the tab opens with the focus where copies coming back from labelling are scanned.
        with Horizontal(id="labels-shelve-bar"):
            yield Label(_("Shelve"), classes="field-label")
            yield Input(
                id="labels-shelve",
                compact=True,
                placeholder=_("Scan each copy as it goes on the shelf: from then on it may be lent"),
            )
        yield ListTable(N_("Barcode"), N_("Title"), N_("Call number"), N_("Label"), id="labels-queue")
        with Horizontal(id="labels-bar"):
            yield Select(
                [(_(label), kind) for kind, label in KIND_LABELS.items()],
                value="spine",
                id="labels-kind",
                allow_blank=False,
                compact=True,
            )
            yield Select(
                [(name, name) for name in printouts.sheet_names()],
                value=labels.DEFAULT_SHEETS["spine"],
                id="labels-sheet",
                allow_blank=False,
                compact=True,
            )
            yield Input(
                "1", id="labels-start", compact=True, type="integer", tooltip=_("First free label on the sheet")
            )
            yield Button(_("Print"), id="labels-print", variant="primary", compact=True)
            yield Button(_("Empty the queue"), id="labels-clear", compact=True)
        yield StatusLine(id="labels-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self, message: str | None = None) -> None:
        """Re-read the queue; ``message`` (what was just done) is shown once it is in."""
        call_service(self, "labels", labels.queued_labels, lambda queued: self._fill(queued, message))

    def _fill(self, queued: list[labels.QueuedLabel], message: str | None) -> None:
        self.query_one("#labels-queue", ListTable).show_rows(
            [
                (f"{q.kind}:{q.barcode}", (q.barcode, q.title, q.call_number or "", _(KIND_LABELS[q.kind])))
                for q in queued
            ]
        )
        if message:
            self.status().info(message)
        elif not queued:
            self.status().info(_("No labels are waiting. Copies added at this desk queue their labels here."))
        else:
            self.status().info(
                ngettext(
                    "{count} label is waiting: choose the sheet and Print.",
                    "{count} labels are waiting: choose the sheet and Print.",
                    len(queued),
                ).format(count=len(queued))
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """A copy scanned into the shelve line goes from 加工中 to 在架; the line waits for the next."""
        if event.input.id != "labels-shelve":
            return
        event.stop()
        barcode, event.input.value = event.value, ""
        if not barcode.strip():
            return
        session = self.session
        call_service(self, "shelve", lambda: items.shelve(session, barcode), self._shelved, self._refused)

    def _shelved(self, item: items.ItemInfo) -> None:
        self.status().info(_("{barcode} is on the shelf and may be lent.").format(barcode=item.barcode))

    def _refused(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "labels-kind":
            event.stop()
            self.query_one("#labels-sheet", Select).value = labels.DEFAULT_SHEETS[str(event.value)]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "labels-clear":
            call_service(self, "labels", lambda: labels.clear_queue(session), lambda _done: self._cleared())
            return
        kind = str(self.query_one("#labels-kind", Select).value)
        sheet = str(self.query_one("#labels-sheet", Select).value)
        start = int(self.query_one("#labels-start", Input).value or "1")

        def print_() -> str:
            return str(labels.print_queue_file(session, sheet=sheet, kind=kind, start_at=start))

        call_service(self, "labels", print_, self._printed)

    def _printed(self, path: str) -> None:
        self.reload(_("Saved the label sheet as {path}.").format(path=path))

    def _cleared(self) -> None:
        self.reload(_("The label queue is empty."))
