"""Cataloguing desk, Search tab: one line for whatever the cataloguer types or scans.

Title words, pinyin (``hlm``), an ISBN, a call number or an item barcode all go in the
same box; the service decides what it is. Enter on a hit opens the record.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Select

from ils.catalogue import search as catalogue_search
from ils.catalogue.search import SearchResult
from ils.i18n import N_, _
from screens.base import DeskPane
from screens.catalogue_record import RecordScreen
from screens.widgets import ListTable, StatusLine
from screens.widgets.table import cut
from screens.work import call_service

FIELD_LABELS: dict[str, str] = {
    "any": N_("Anything"),
    "title": N_("Title"),
    "author": N_("Author"),
    "publisher": N_("Publisher"),
    "subject": N_("Subject"),
    "isbn": N_("ISBN"),
    "callnumber": N_("Call number"),
    "barcode": N_("Barcode"),
    "number": N_("Record no."),
}
SORT_LABELS: dict[str, str] = {
    "relevance": N_("Best match"),
    "title": N_("Title (pinyin)"),
    "year": N_("Newest first"),
    "callnumber": N_("Shelf order"),
}
PAGE = 50
#: Cells kept of a hit's title and author, so the number, call number and copies fit in 80
#: columns; the record shows them whole.
TITLE_CELLS, AUTHOR_CELLS = 22, 14


def availability_text(hit: catalogue_search.Hit) -> str:
    """ "总馆 2/3 · 阳三分馆 0/1": on the shelf / copies, per branch."""
    return " · ".join(f"{a.branch_name} {a.available}/{a.total}" for a in hit.availability) or _("no copies")


class SearchPane(DeskPane):
    """Search the catalogue and open a record."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "focus_query", N_("New search"), key_display="F5"),
        Binding("f9", "more", N_("More results"), key_display="F9"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._result: SearchResult | None = None
        self._offset = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Input(
                placeholder=_("Title, author, pinyin (hlm), ISBN, call number or barcode"),
                id="search-query",
                compact=True,
            )
            yield Select(
                [(_(label), key) for key, label in FIELD_LABELS.items()],
                value="any",
                id="search-field",
                allow_blank=False,
                compact=True,
            )
            yield Select(
                [(_(label), key) for key, label in SORT_LABELS.items()],
                value="relevance",
                id="search-sort",
                allow_blank=False,
                compact=True,
            )
        yield ListTable(
            N_("Record no."),
            N_("Title"),
            N_("Author"),
            N_("Year"),
            N_("Call number"),
            N_("On the shelf / copies"),
            id="search-results",
        )
        yield StatusLine(id="search-status")

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_focus_query(self) -> None:
        query = self.query_one("#search-query", Input)
        query.focus()
        query.select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._offset = 0
        self._run()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.query_one("#search-query", Input).value.strip():
            self._offset = 0
            self._run()

    def action_more(self) -> None:
        if self._result is not None and self._result.more:
            self._offset += PAGE
            self._run()

    def _run(self) -> None:
        text = self.query_one("#search-query", Input).value
        field = str(self.query_one("#search-field", Select).value)
        sort = str(self.query_one("#search-sort", Select).value)
        offset = self._offset
        call_service(
            self,
            "search",
            lambda: catalogue_search.search(text, field=field, sort=sort, limit=PAGE, offset=offset),
            self._show,
        )

    def _show(self, result: SearchResult) -> None:
        self._result = result
        rows = [
            (
                hit.bib_id,
                (
                    str(hit.number or ""),
                    cut(hit.title, TITLE_CELLS),
                    cut(hit.responsibility or "", AUTHOR_CELLS),
                    hit.year or "",
                    hit.call_number or "",
                    availability_text(hit),
                ),
            )
            for hit in result.hits
        ]
        table = self.query_one("#search-results", ListTable)
        table.show_rows(rows)
        if result.message:
            self.status().error(str(result.message))
        elif not result.hits:
            self.status().error(_("Nothing found for {query}.").format(query=result.query))
        else:
            first = self._offset + 1
            text = _("Results {first}–{last}; Enter opens the record.").format(
                first=first, last=self._offset + len(result.hits)
            )
            if result.more:
                text += " " + _("F9 shows more.")
            self.status().info(text)
            table.focus()

    def on_data_table_row_selected(self, event: ListTable.RowSelected) -> None:
        event.stop()
        bib_id = event.row_key.value
        if bib_id:
            self.app.push_screen(RecordScreen(bib_id), self._returned)

    def _returned(self, _result: object) -> None:
        if self.is_attached and self._result is not None:
            self._run()
