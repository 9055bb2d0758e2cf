"""The front desk's hold dialog (F6): find the title as the reader says it, pick it, place the hold.

A reader asks for a title by its name, its author, or pinyin initials, seldom by ISBN, so
the dialog searches the catalogue as the cataloguing desk does (one line: title, author,
pinyin, ISBN or a copy's barcode) and lists what it finds. Enter searches; Enter on the
highlighted title places the hold, to be picked up at this desk's branch unless another is
chosen. Typing while the list has the focus goes back to the search line.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from ils.catalogue import search as catalogue_search
from ils.catalogue.search import SearchResult
from ils.circulation.desk import ReaderAtDesk, reader_at_desk
from ils.circulation.holds import HoldInfo, place_hold
from ils.i18n import N_, _, ngettext
from screens.base import IlsModal
from screens.catalogue_search import availability_text
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

HITS = 20
"""Titles listed at once: a reader's title is among the first few, or the words need narrowing."""

Placed = tuple[HoldInfo, ReaderAtDesk]


class HoldDialog(IlsModal[Placed]):
    """Search line, the titles found, where to pick up; answers the hold placed and the reader after."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["dialogs.tcss", "circulation_hold.tcss"]
    AUTO_FOCUS: ClassVar[str] = "#hold-query"

    def __init__(self, card_number: str, reader_name: str, branches: tuple[tuple[str, str], ...], here: str) -> None:
        super().__init__()
        self._card = card_number
        self._name = reader_name
        self._branches = branches
        self._here = here

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = _("Place a hold for {name}").format(name=self._name)
            with Horizontal(classes="field field-text"):
                yield Label(_("Title"), classes="field-label")
                yield Input(
                    placeholder=_("Title, author, pinyin (hlm), ISBN or barcode"),
                    id="hold-query",
                    compact=True,
                    select_on_focus=False,
                )
            yield ListTable(N_("Title"), N_("Author"), N_("Year"), N_("On the shelf / copies"), id="hold-hits")
            with Horizontal(classes="field field-select"):
                yield Label(_("Pick up at"), classes="field-label")
                yield Select(
                    self._branches, id="hold-pickup", prompt=_("Choose…"), value=self._here or Select.NULL, compact=True
                )
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Place the hold"), id="dialog-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="dialog-cancel", compact=True)

    def _status(self) -> StatusLine:
        return self.query_one("#dialog-status", StatusLine)

    def _hits(self) -> ListTable:
        return self.query_one("#hold-hits", ListTable)

    def on_key(self, event: events.Key) -> None:
        """Typing into the list goes to the search line, as on the reader desk."""
        if self.focused is self._hits() and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            query = self.query_one("#hold-query", Input)
            query.value = event.character
            query.cursor_position = len(query.value)
            query.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        call_service(self, "search", lambda: catalogue_search.search(text, limit=HITS), self._found)

    def _found(self, result: SearchResult) -> None:
        table = self._hits()
        table.show_rows(
            [
                (hit.bib_id, (hit.title, hit.responsibility or "", hit.year or "", availability_text(hit)))
                for hit in result.hits
            ]
        )
        if not result.hits:
            self._status().error(str(result.message or _("Nothing found for {query}.").format(query=result.query)))
            return
        count = len(result.hits)
        self._status().info(
            ngettext(
                "{count} title found; Enter places the hold on it.",
                "{count} titles found; Enter places the hold on the one highlighted.",
                count,
            ).format(count=count)
        )
        table.focus()

    def on_data_table_row_selected(self, event: ListTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self._place(event.row_key.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id != "dialog-ok":
            self.dismiss(None)
        elif (bib_id := self._hits().selected_key) is not None:
            self._place(bib_id)
        else:
            self._status().error(_("Find the title first: type its words and press Enter."))

    def _place(self, bib_id: str) -> None:
        session, card = self.session, self._card
        pickup = self.query_one("#hold-pickup", Select).value
        branch = None if pickup is Select.NULL else str(pickup)

        def place() -> Placed:
            return place_hold(session, card, bib_id, pickup=branch), reader_at_desk(session, card)

        self._status().info(_("Working…"))
        call_service(self, "place", place, self.dismiss, self._status().error)
