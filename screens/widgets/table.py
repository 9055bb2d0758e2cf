"""A read-only list of rows with a row cursor, for the desks' lists (branches, staff, ...).

Column widths are computed here from the rows, not left to ``DataTable``'s own
measuring: in Textual 8.2 the lines drawn before its idle-time measuring stay
cached at the header's width, so a list filled by a worker showed its columns
cut short in a real terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.widgets import DataTable

from ils.i18n import _
from ils.terminal import harmless


def cut(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` terminal cells (a wide character takes two), ending in … when cut."""
    if cell_len(text) <= cells:
        return text
    kept = ""
    for char in text:
        if cell_len(kept + char) > cells - 1:
            break
        kept += char
    return kept + "…"


Row = tuple[str, Sequence[str]]
"""A row's key and its cells."""


class ListTable(DataTable[str]):
    """Rows chosen with the arrows; the highlighted row's key says what a button acts on."""

    def __init__(self, *columns: str, rows: Sequence[Row] = (), id: str | None = None) -> None:
        """``columns`` are message ids, translated each time rows are shown; ``rows`` come first."""
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._column_ids = columns
        self._first_rows = rows

    def on_mount(self) -> None:
        self.show_rows(self._first_rows)

    def show_rows(self, rows: Sequence[Row], select: str | None = None) -> None:
        """Replace the rows; put the cursor on ``select`` if it is one of them.

        A cell is one line: its control characters, newlines too, are shown, not obeyed.
        """
        rows = [(key, [harmless(cell, lines=False) for cell in cells]) for key, cells in rows]
        self.clear(columns=True)
        labels = [_(column) for column in self._column_ids]
        for index, label in enumerate(labels):
            width = max([cell_len(label), *(cell_len(cells[index]) for _key, cells in rows)])
            self.add_column(label, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if select is not None and any(key == select for key, _cells in rows):
            self.move_cursor(row=self.get_row_index(select))

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or ``None`` in an empty list."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
