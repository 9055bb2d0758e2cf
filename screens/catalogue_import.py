"""Cataloguing desk, Import tab: read a supplier's MARC file, review the batch, apply it.

Reading and applying run in workers with a progress bar: a 10,000-record file must
not freeze the desk. Nothing is stored until Apply, and then all of it in one
transaction; Esc while applying cancels, and then nothing is stored at all.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, ProgressBar, Select, Static

from ils.catalogue import marc_import, records
from ils.catalogue.marc_import import Batch, ImportResult
from ils.catalogue.record_numbers import record_labels
from ils.i18n import N_, _
from screens.base import DeskPane
from screens.catalogue_dialogs import FilePickerDialog
from screens.widgets import ListTable, StatusLine, TickBox
from screens.widgets.table import cut
from screens.work import call_service

ENCODINGS: tuple[tuple[str, str], ...] = (
    (N_("Detect the character set"), ""),
    ("UTF-8", "utf-8"),
    ("GBK / GB2312", "gbk"),
    ("GB18030", "gb18030"),
    ("MARC-8", "marc-8"),
)
DECISION_LABELS: dict[str, str] = {"accept": N_("Add new"), "merge": N_("Merge"), "skip": N_("Skip")}
"""Short, so that the decision column fits beside the title at 80 columns."""
MATCH_LABELS: dict[str, str] = {"isbn": N_("same ISBN"), "title": N_("same title")}
TITLE_CELLS = 30
"""A title longer than this is cut in the list (the whole title is on the line under it)."""


class ImportPane(DeskPane):
    """Stage a file, decide about duplicates, apply."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", N_("Add new"), key_display="A"),
        Binding("m", "decide('merge')", N_("Merge"), key_display="M"),
        Binding("s", "decide('skip')", N_("Skip"), key_display="S"),
        Binding("ctrl+s", "apply", N_("Apply the batch"), key_display="Ctrl+S"),
        Binding("escape", "cancel_import", N_("Cancel the import"), show=False),
    ]

    @dataclass
    class Progress(Message):
        """How far reading or applying has got."""

        done: int
        total: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._batch: Batch | None = None
        self._labels: dict[str, str] = {}  # record id -> the number people read, for the duplicates
        self._cancel = threading.Event()
        self._busy = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="import-bar"):
            yield Input(placeholder=_("Path of the MARC file (ISO 2709 or MARCXML)"), id="import-path", compact=True)
            yield Button(_("Browse…"), id="import-browse", compact=True)
            yield Select(
                [(_(label) if not value else label, value) for label, value in ENCODINGS],
                value="",
                id="import-encoding",
                allow_blank=False,
                compact=True,
            )
            yield Button(_("Read"), id="import-read", variant="primary", compact=True)
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-summary", markup=False)
        yield ListTable(N_("No."), N_("Decision"), N_("Duplicate of"), N_("Title"), N_("ISBN"), id="import-records")
        yield Static("", id="import-why", markup=False)
        yield ListTable(N_("No."), N_("Byte offset"), N_("Why it was refused"), id="import-rejects")
        yield TickBox(
            _("Copies are being processed until shelved (Labels tab)"), True, name="processing", id="import-processing"
        )
        with Horizontal(id="import-actions"):
            yield Button(_("Merge all duplicates"), id="import-merge-all", compact=True)
            yield Button(_("Skip all duplicates"), id="import-skip-all", compact=True)
            yield Button(_("Apply the batch"), id="import-apply", variant="success", compact=True)
        with Horizontal(id="import-maintenance"):
            yield Button(_("Rebuild the search index"), id="import-reindex", compact=True)
        yield StatusLine(id="import-status")

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self._show_batch()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        match event.button.id:
            case "import-browse":
                self.ask(FilePickerDialog(self._start_folder()), lambda pane, path: pane._chose(path))
            case "import-read":
                self._read()
            case "import-merge-all":
                self._decide_all("merge")
            case "import-skip-all":
                self._decide_all("skip")
            case "import-apply":
                self._apply()
            case "import-reindex":
                self._reindex()

    def _start_folder(self) -> Path:
        typed = Path(self.query_one("#import-path", Input).value.strip() or ".").expanduser()
        folder = typed if typed.is_dir() else typed.parent
        return folder if folder.is_dir() else Path.home()

    def _chose(self, path: Path) -> None:
        self.query_one("#import-path", Input).value = str(path)
        self._read()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._read()

    def _working(self, busy: bool) -> None:
        self._busy = busy
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = busy
        bar.update(total=None, progress=0)
        for button in self.query(Button):
            button.disabled = busy

    def on_import_pane_progress(self, message: Progress) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=message.total, progress=message.done)

    def _report(self, done: int, total: int) -> None:
        """Called on the worker thread: post, never touch a widget from there."""
        self.post_message(self.Progress(done, total))

    def _read(self) -> None:
        if self._busy:
            return
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self.show_error(_("Type the path of a MARC file or choose one with Browse."))
            return
        path = Path(raw).expanduser()
        encoding = str(self.query_one("#import-encoding", Select).value) or None
        session = self.session

        def stage() -> tuple[Batch, dict[str, str]]:
            try:
                data = path.read_bytes()
            except OSError as error:
                from ils.errors import Invalid

                raise Invalid(
                    "screens.file_unreadable", "Cannot read {path}: {reason}", path=path, reason=error.strerror
                ) from None
            batch = marc_import.stage(session, data, source_name=path.name, encoding=encoding, progress=self._report)
            return batch, record_labels(r.duplicate_of for r in batch.records if r.duplicate_of)

        self._working(True)
        self.status().info(_("Reading {name}…").format(name=path.name))
        call_service(self, "import", stage, self._staged, self._failed)

    def _failed(self, text: str) -> None:
        self._working(False)
        self.show_error(text)
        self.app.bell()

    def _staged(self, staged: tuple[Batch, dict[str, str]]) -> None:
        self._working(False)
        batch, self._labels = staged
        self._batch = batch
        self._show_batch()
        self.status().info(_("Nothing is stored yet: check the duplicates, then Apply the batch."))
        if batch.records:
            self.query_one("#import-records", ListTable).focus()

    def _show_batch(self, select: str | None = None) -> None:
        batch = self._batch
        summary = self.query_one("#import-summary", Static)
        records_table = self.query_one("#import-records", ListTable)
        rejects_table = self.query_one("#import-rejects", ListTable)
        has_batch = batch is not None
        for widget_id in ("#import-merge-all", "#import-skip-all", "#import-apply", "#import-processing"):
            self.query_one(widget_id).display = has_batch
        rejects_table.display = batch is not None and bool(batch.rejects)
        if batch is None:
            summary.update(_("Choose a file from the supplier; it is read and shown here before anything is stored."))
            records_table.show_rows([])
            return
        counts = batch.counts
        text = _(
            "{name}: {format} {serialisation}. {total} records: {new} new, {duplicates} duplicates, "
            "{rejects} refused; {holdings} copies."
        ).format(
            name=batch.source_name,
            format=(batch.format or "").upper(),
            serialisation=batch.serialisation or "",
            total=counts.total,
            new=counts.new,
            duplicates=counts.duplicates,
            rejects=counts.rejects,
            holdings=counts.holdings,
        )
        if counts.without_barcode:
            text += "\n" + str(marc_import.unbarcoded_note(counts.without_barcode))
        summary.update(text)
        summary.set_class(bool(counts.without_barcode), "-warning")
        records_table.show_rows(
            [
                (
                    str(r.number),
                    (
                        str(r.number),
                        _(DECISION_LABELS[r.decision]),
                        self._duplicate_text(r),
                        cut(r.title, TITLE_CELLS),
                        r.prepared.isbns[0] if r.prepared.isbns else "",
                    ),
                )
                for r in batch.records
            ],
            select,
        )
        self._show_why()
        rejects_table.show_rows(
            [
                (f"r{j.number}", (str(j.number), "" if j.offset is None else str(j.offset), str(j.reason)))
                for j in batch.rejects
            ]
        )

    def _duplicate_text(self, staged: marc_import.StagedRecord) -> str:
        if staged.match is None:
            return ""
        where = (
            _("record {number} of this file").format(number=staged.duplicate_in_batch)
            if staged.duplicate_in_batch is not None
            else _("catalogue record {id}").format(id=self._labels.get(staged.duplicate_of or "", staged.duplicate_of))
        )
        return f"{_(MATCH_LABELS[staged.match])} · {where}"

    def on_data_table_row_highlighted(self, event: ListTable.RowHighlighted) -> None:
        event.stop()
        self._show_why()

    def _show_why(self) -> None:
        """Under the list: the highlighted record's whole title, and why it was taken for a duplicate."""
        why = self.query_one("#import-why", Static)
        key = self.query_one("#import-records", ListTable).selected_key
        staged = self._batch.record(int(key)) if self._batch is not None and key is not None else None
        if staged is None:
            why.update("")
            return
        lines = [_("Record {number}: {title}").format(number=staged.number, title=staged.title)]
        if staged.reason is not None:
            lines.append(_("Taken for a duplicate: {reason}.").format(reason=staged.reason))
        why.update("\n".join(lines))

    def action_decide(self, decision: str) -> None:
        batch = self._batch
        key = self.query_one("#import-records", ListTable).selected_key
        if batch is None or key is None or self._busy:
            return
        try:
            batch.decide(int(key), decision)
        except Exception as error:  # an IlsError: merging a record that duplicates nothing
            self.show_error(str(error))
            return
        self._show_batch(select=key)
        table = self.query_one("#import-records", ListTable)
        table.action_cursor_down()

    def _decide_all(self, decision: str) -> None:
        if self._batch is not None:
            self._batch.decide_all_duplicates(decision)
            self._show_batch(select=self.query_one("#import-records", ListTable).selected_key)

    def action_apply(self) -> None:
        """Ctrl+S stores the batch from wherever the focus is, as Ctrl+S registers a reader."""
        self._apply()

    def _apply(self) -> None:
        batch = self._batch
        if batch is None or self._busy:
            return
        session = self.session
        self._cancel.clear()
        cancelled = self._cancel.is_set

        processing = self.query_one("#import-processing", TickBox).value

        def apply() -> ImportResult:
            return marc_import.apply(session, batch, processing=processing, progress=self._report, cancelled=cancelled)

        self._working(True)
        self.status().info(_("Storing the batch… (Esc cancels; nothing is stored then)"))
        call_service(self, "import", apply, self._applied, self._failed)

    def _reindex(self) -> None:
        """Rebuild the full-text index in a worker, with the same progress bar as an import."""
        if self._busy:
            return
        session = self.session
        self._working(True)
        self.status().info(_("Rebuilding the search index…"))
        call_service(
            self, "import", lambda: records.reindex(session, progress=self._report), self._reindexed, self._failed
        )

    def _reindexed(self, count: int) -> None:
        self._working(False)
        self.status().info(_("Indexed {count} records.").format(count=count))

    def action_cancel_import(self) -> None:
        if self._busy:
            self._cancel.set()
        else:
            self.app.pop_screen()

    def _applied(self, result: ImportResult) -> None:
        self._working(False)
        self._batch = None
        self._show_batch()
        text = _("Stored: {added} new, {merged} merged, {skipped} skipped; {items} copies added.").format(
            added=result.added, merged=result.merged, skipped=result.skipped, items=result.items_added
        )
        if result.item_problems:
            text += " " + _("Copies not added: {count}; the first: {first}").format(
                count=len(result.item_problems), first=result.item_problems[0]
            )
            self.status().error(text)
        else:
            self.status().info(text)
