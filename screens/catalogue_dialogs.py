"""Dialogs of the cataloguing desk: edit MARC, give a call number, scan copies in, choose a file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from pymarc import Record
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, DirectoryTree, Input, Label, Select, TextArea

from ils.catalogue import items, labels, locations
from ils.catalogue.marc_text import record_to_text, text_to_record
from ils.catalogue.records import RecordView
from ils.i18n import N_, _
from screens.base import IlsModal
from screens.widgets import ListTable, StatusLine, TickBox
from screens.work import call_service


class _Dialog(IlsModal[Any]):
    """A bordered box with a status line, as every dialog of this desk has."""

    CSS_PATH: ClassVar[str] = "cataloguing_dialogs.tcss"

    def status(self) -> StatusLine:
        return self.query_one("#dialog-status", StatusLine)

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()


class MarcEditDialog(_Dialog):
    """The record as MARC text; Ctrl+S saves it, a bad line is named and nothing is lost."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", N_("Save"), key_display="Ctrl+S")]

    def __init__(self, record: Record, save: Callable[[Record], object]) -> None:
        super().__init__()
        self._text = record_to_text(record)
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide") as box:
            box.border_title = _("Edit the record (Ctrl+S saves, Esc cancels)")
            yield Label(_("One field per line: tag, indicators (# = blank), then $ and subfield code."), classes="hint")
            yield TextArea(self._text, id="marc-text", soft_wrap=True, show_line_numbers=True)
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Save"), id="dialog-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="dialog-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#marc-text", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "dialog-ok":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        text = self.query_one("#marc-text", TextArea).text
        save = self._save
        call_service(self, "save-record", lambda: save(text_to_record(text)), self.dismiss)


class CallNumberDialog(_Dialog):
    """Class and location decide the book number (种次号 or 著者号); the service draws it."""

    def __init__(self, view: RecordView, assign: Callable[[str, str, bool], str]) -> None:
        super().__init__()
        self._view = view
        self._assign = assign

    def compose(self) -> ComposeResult:
        current = self._view.summary.call_number
        with Vertical(id="dialog") as box:
            box.border_title = _("Call number for {title}").format(title=self._view.summary.title)
            with Horizontal(classes="field"):
                yield Label(_("Class (中图法)"), classes="field-label")
                yield Input(
                    self._view.fields.clc_class or "", id="call-class", compact=True, placeholder=_("e.g. I247.5")
                )
            with Horizontal(classes="field"):
                yield Label(_("Location"), classes="field-label")
                yield Select([], id="call-location", prompt=_("Choose…"), compact=True)
            if current:
                yield Checkbox(_("Replace the call number {call}").format(call=current), id="call-replace")
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Give call number"), id="dialog-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="dialog-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#call-class", Input).focus()
        call_service(self, "locations", locations.list_locations, self._fill_locations)

    def _fill_locations(self, found: list[locations.LocationInfo]) -> None:
        select = self.query_one("#call-location", Select)
        select.set_options(
            [
                (f"{loc.branch_name} {loc.name} · {locations.scheme_label(loc.book_number_scheme)}", loc.code)
                for loc in found
            ]
        )
        codes = {item.location_code for item in self._view.items if item.location_code}
        if len(codes) == 1:
            select.value = codes.pop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._send()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "dialog-ok":
            self._send()
        else:
            self.dismiss(None)

    def _send(self) -> None:
        clc_class = self.query_one("#call-class", Input).value
        location = self.query_one("#call-location", Select).value
        replace = bool(self.query("#call-replace")) and self.query_one("#call-replace", Checkbox).value
        assign = self._assign
        call_service(
            self,
            "call-number",
            lambda: assign("" if location is Select.NULL else str(location), clc_class, replace),
            self.dismiss,
        )


class ScanItemsDialog(_Dialog):
    """Scan one barcode after another: each Enter adds a copy and queues its labels."""

    def __init__(self, bib_id: str, title: str, location: str | None = None) -> None:
        """``location``: where this desk's copies of the title already are, the likely place for more."""
        super().__init__()
        self._bib_id = bib_id
        self._title = title
        self._location = location
        self._added: list[items.ItemInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide") as box:
            box.border_title = _("Add copies of {title}").format(title=self._title)
            with Horizontal(classes="field"):
                yield Label(_("Location"), classes="field-label")
                yield Select([], id="scan-location", prompt=_("No location"), compact=True)
            with Horizontal(classes="field"):
                yield Label(_("Price"), classes="field-label")
                yield Input(
                    "", id="scan-price", compact=True, placeholder=_("Empty: the record's price (010 $d / 020 $c)")
                )
            yield TickBox(
                _("Being processed until shelved (it cannot be lent yet)"),
                True,
                name="processing",
                id="scan-processing",
            )
            with Horizontal(classes="field"):
                yield Label(_("Barcode"), classes="field-label")
                yield Input("", id="scan-barcode", compact=True, placeholder=_("Scan or type, then Enter"))
            yield ListTable(N_("Barcode"), N_("Branch"), N_("Location"), N_("Call number"), id="scan-added")
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Done"), id="dialog-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#scan-barcode", Input).focus()
        branch = self.session.library.node.branch_code
        call_service(
            self,
            "locations",
            lambda: (locations.list_locations(branch), locations.main_location(branch)),
            self._fill_locations,
        )

    def _fill_locations(self, found: tuple[list[locations.LocationInfo], str | None]) -> None:
        places, main = found
        select = self.query_one("#scan-location", Select)
        select.set_options([(loc.name, loc.code) for loc in places])
        codes = {loc.code for loc in places}
        default = self._location if self._location in codes else main
        if default is not None:
            select.value = default

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "scan-barcode":
            self.query_one("#scan-barcode", Input).focus()
            return
        barcode = event.input.value
        if not barcode.strip():
            return
        event.input.value = ""
        location = self.query_one("#scan-location", Select).value
        price = self.query_one("#scan-price", Input).value or None
        status = "processing" if self.query_one("#scan-processing", TickBox).value else "available"
        session, bib_id = self.session, self._bib_id

        def add() -> items.ItemInfo:
            item = items.add_item(
                session,
                bib_id,
                barcode,
                location=None if location is Select.NULL else str(location),
                price=price,
                status=status,
            )
            labels.queue_labels(session, [item.barcode])
            return item

        call_service(self, "add-item", add, self._added_one)

    def _added_one(self, item: items.ItemInfo) -> None:
        self._added.append(item)
        self.query_one("#scan-added", ListTable).show_rows(
            [(i.barcode, (i.barcode, i.branch_name, i.location_name or "", i.call_number or "")) for i in self._added]
        )
        self.status().info(_("Added {barcode}; its labels are queued.").format(barcode=item.barcode))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(len(self._added))

    def action_cancel(self) -> None:
        self.dismiss(len(self._added))


MARC_SUFFIXES = (".mrc", ".marc", ".iso", ".iso2709", ".dat", ".xml", ".marcxml")


class MarcFileTree(DirectoryTree):
    """Folders and the files that may hold MARC records."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in MARC_SUFFIXES)]


class FilePickerDialog(_Dialog):
    """Browse to a MARC file; Enter on a file chooses it."""

    def __init__(self, start: Path) -> None:
        super().__init__()
        self._start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide") as box:
            box.border_title = _("Choose a MARC file")
            yield MarcFileTree(self._start, id="file-tree")
            yield StatusLine(id="dialog-status")

    def on_mount(self) -> None:
        self.query_one("#file-tree", MarcFileTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)
