"""One catalogue record: its MARC fields with readable names, its copies, and what a cataloguer does to it.

F4 edits the record as MARC text, F6 gives it a call number, F7 adds copies by scanning
their barcodes, F8 queues its spine and barcode labels. Every call runs in a worker.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from ils.catalogue import book_numbers, labels, records
from ils.catalogue.records import RecordView
from ils.catalogue.tag_labels import tag_label
from ils.i18n import N_, _, ngettext
from screens.base import DeskScreen
from screens.catalogue_dialogs import CallNumberDialog, MarcEditDialog, ScanItemsDialog
from screens.widgets import ListTable, StatusLine
from screens.work import call_service


def field_rows(view: RecordView) -> list[tuple[str, tuple[str, str, str, str]]]:
    """(key, (tag, name, indicators, content)) for every field, leader first."""
    fmt = view.summary.format
    rows = [("LDR", ("LDR", _("Leader"), "", str(view.record.leader)))]
    for index, field in enumerate(view.record.fields):
        if field.is_control_field():
            rows.append((f"f{index}", (field.tag, tag_label(fmt, field.tag), "", field.data or "")))
            continue
        indicators = "".join(i if i.strip() else "#" for i in field.indicators or ())
        content = " ".join(f"${s.code}{s.value}" for s in field.subfields)
        rows.append((f"f{index}", (field.tag, tag_label(fmt, field.tag), indicators, content)))
    return rows


class RecordScreen(DeskScreen):
    """The record in full; Esc goes back to the search with its results."""

    TITLE_ID: ClassVar[str] = N_("Catalogue record")
    CSS_PATH: ClassVar[str] = "cataloguing_desk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "edit", N_("Edit"), key_display="F4"),
        Binding("f6", "call_number", N_("Call number"), key_display="F6"),
        Binding("f7", "add_items", N_("Add copies"), key_display="F7"),
        Binding("f8", "queue_labels", N_("Queue labels"), key_display="F8"),
    ]

    def __init__(self, bib_id: str) -> None:
        super().__init__()
        self.bib_id = bib_id
        self.view: RecordView | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="record-summary", markup=False)
        yield ListTable(N_("Tag"), N_("Field"), N_("Ind."), N_("Content"), id="record-fields")
        yield ListTable(N_("Barcode"), N_("Branch"), N_("Location"), N_("Call number"), N_("Status"), id="record-items")
        yield StatusLine(id="record-status")

    def on_mount(self) -> None:
        self.reload()

    def status(self) -> StatusLine:
        return self.query_one("#record-status", StatusLine)

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()

    def reload(self, message: str | None = None) -> None:
        bib_id = self.bib_id
        call_service(self, "record", lambda: records.view_record(bib_id), lambda view: self._show(view, message))

    def _show(self, view: RecordView, message: str | None) -> None:
        self.view = view
        s = view.summary
        lines = [s.title]
        if s.responsibility:
            lines[0] += f" / {s.responsibility}"
        lines.append("  ".join(p for p in (s.publisher, s.year, f"ISBN {s.isbn}" if s.isbn else None) if p))
        lines.append(
            _("Record no. {number}   Call number: {call}   Copies: {count}").format(
                number=s.label, call=s.call_number or _("none yet (F6)"), count=len(view.items)
            )
        )
        self.query_one("#record-summary", Static).update("\n".join(lines))
        self.query_one("#record-fields", ListTable).show_rows(field_rows(view))
        self.query_one("#record-items", ListTable).show_rows(
            [
                (
                    item.barcode,
                    (
                        item.barcode,
                        item.branch_name,
                        item.location_name or "",
                        item.call_number or "",
                        item.status_label,
                    ),
                )
                for item in view.items
            ]
        )
        if message:
            self.status().info(message)

    def action_edit(self) -> None:
        if self.view is None:
            return
        session, bib_id = self.session, self.bib_id

        def saved(summary: object) -> None:
            if summary is not None:
                self.reload(_("Saved."))

        self.app.push_screen(
            MarcEditDialog(self.view.record, lambda record: records.replace_record(session, bib_id, record)), saved
        )

    def action_call_number(self) -> None:
        if self.view is None:
            return
        session, bib_id = self.session, self.bib_id
        dialog = CallNumberDialog(
            self.view,
            lambda location, clc_class, replace: book_numbers.assign_call_number(
                session, bib_id, location=location or None, clc_class=clc_class or None, replace=replace
            ),
        )

        def given(call: str | None) -> None:
            if call is not None:
                self.reload(_("Call number {call} given.").format(call=call))

        self.app.push_screen(dialog, given)

    def action_add_items(self) -> None:
        if self.view is None:
            return
        branch = self.session.library.node.branch_code
        here = [item.location_code for item in self.view.items if item.branch_code == branch and item.location_code]
        self.app.push_screen(
            ScanItemsDialog(self.bib_id, self.view.summary.title, here[0] if here else None),
            lambda added: self.reload(
                ngettext("{count} copy added.", "{count} copies added.", added or 0).format(count=added or 0)
            ),
        )

    def action_queue_labels(self) -> None:
        session, bib_id = self.session, self.bib_id
        call_service(
            self,
            "queue-labels",
            lambda: (labels.queue_record_labels(session, bib_id), labels.record_labels_waiting(bib_id)),
            self._queued,
        )

    def _queued(self, counts: tuple[int, int]) -> None:
        added, waiting = counts
        if added:
            words = ngettext("{count} label queued for printing.", "{count} labels queued for printing.", added).format(
                count=added
            )
        else:
            words = ngettext(
                "Already queued: this record's {count} label is waiting on the Labels tab.",
                "Already queued: this record's {count} labels are waiting on the Labels tab.",
                waiting,
            ).format(count=waiting)
        self.status().info(words)
