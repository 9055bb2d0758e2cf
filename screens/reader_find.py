"""Reader desk, Find tab: one line for whatever the desk scans or types.

A scanned card opens its reader at once. A card that no longer serves anyone (lost,
replaced, returned) is refused loudly, with the bell and the service's reason in red,
and its reader is listed below so the desk can open the record and act on it. Anything
else (a name, pinyin or its initials, a mobile number, an ID number) lists the readers
it finds; Enter opens one.

A scanner types into whatever has the focus, so characters typed while the list has it
go back to the search line: a second scan never opens the highlighted reader by mistake.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input

from ils.i18n import N_, _, ngettext
from ils.readers.readers import LookUp, find_readers, look_up
from ils.readers.rows import ReaderSummary
from screens.base import DeskPane
from screens.reader_record import ReaderScreen
from screens.widgets import ListTable, StatusLine
from screens.work import call_service


def standing(reader: ReaderSummary) -> str:
    """The blocks the desk must read out, or the reader's status when nothing blocks."""
    return _(", ").join(block.label for block in reader.blocks) or reader.status_label


class FindPane(DeskPane):
    """Scan or type, then Enter; Enter on a listed reader opens the record."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f5", "focus_query", N_("New search"), key_display="F5")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._listed: str | None = None

    def compose(self) -> ComposeResult:
        # Not selected on focus: a key typed into the list moves the focus here with that key in the
        # line, and a selection would let the next key replace it (F5 selects on purpose).
        yield Input(
            placeholder=_("Scan a card, or type a name, pinyin, phone or ID number"),
            id="find-query",
            compact=True,
            select_on_focus=False,
        )
        yield ListTable(
            N_("Card number"), N_("Full name"), N_("Reader type"), N_("Home branch"), N_("Status"), id="find-results"
        )
        yield StatusLine(id="find-status")

    def on_mount(self) -> None:
        self.query_one("#find-query", Input).focus()

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()

    def action_focus_query(self) -> None:
        query = self.query_one("#find-query", Input)
        query.focus()
        query.select_all()

    def on_key(self, event: events.Key) -> None:
        """Typing (or scanning) into the list goes to the search line instead."""
        table = self.query_one("#find-results", ListTable)
        if self.screen.focused is table and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            query = self.query_one("#find-query", Input)
            query.value = event.character
            query.cursor_position = len(query.value)
            query.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if not text.strip():
            self.show_error(_("Scan a card, or type a name, pinyin, phone or ID number."))
            return
        session = self.session
        call_service(self, "find", lambda: look_up(session, text), self._show)

    def _show(self, result: LookUp) -> None:
        query = self.query_one("#find-query", Input)
        if result.opened is not None:
            query.value = ""
            self._open(result.opened.card_number)
            return
        self._listed = result.text
        self._fill(result.found)
        if result.refusal:
            self.show_error(str(result.refusal))
        elif not result.found:
            self.show_error(_("No reader found for {text}.").format(text=result.text.strip()))
            query.select_all()
        else:
            self.status().info(
                ngettext(
                    "{count} reader found; Enter opens the record.",
                    "{count} readers found; Enter opens the one highlighted.",
                    len(result.found),
                ).format(count=len(result.found))
            )
        if result.found:
            self.query_one("#find-results", ListTable).focus()

    def _fill(self, found: tuple[ReaderSummary, ...]) -> None:
        self.query_one("#find-results", ListTable).show_rows(
            [
                (
                    reader.card_number,
                    (reader.card_number, reader.name, reader.reader_type_name, reader.branch_name, standing(reader)),
                )
                for reader in found
            ]
        )

    def on_data_table_row_selected(self, event: ListTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self._open(event.row_key.value)

    def _open(self, card_number: str) -> None:
        self.app.push_screen(ReaderScreen(card_number), self._returned)

    def _returned(self, _result: object) -> None:
        """Back from a reader: the list shows what changed there; the search line waits for the next scan."""
        if not self.is_attached:
            return
        if self._listed is not None:
            session, text = self.session, self._listed
            call_service(self, "find", lambda: tuple(find_readers(session, text)), self._fill)
        self.action_focus_query()
