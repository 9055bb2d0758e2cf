"""F1: the keys that work on the screen underneath, in the current language.

Textual's own key panel shows binding descriptions untranslated, so the desk
has its own list, built from the same bindings the footer shows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from ils.i18n import N_, _
from screens.base import IlsModal
from screens.widgets import ListTable


class HelpScreen(IlsModal[None]):
    """A list of keys and what they do; F1 (handled by the app) or Escape closes it."""

    CSS_PATH: ClassVar[str] = "help.tcss"

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self._under = under

    def _keys(self) -> list[tuple[str, str]]:
        """(key, description) for the screen underneath, then the keys that work everywhere.

        Keys that Textual's own widgets define (cursor keys in a field, say) are
        left out: their descriptions are English only, and they work as anywhere.
        """
        bindings = [
            active.binding for active in self._under.active_bindings.values() if isinstance(active.node, (App, Screen))
        ]
        bindings += Binding.make_bindings(type(self.app).BINDINGS)
        rows: dict[str, tuple[str, str]] = {}
        for binding in bindings:
            display = self.app.get_key_display(binding)
            if binding.description and not binding.system and display not in rows:
                rows[display] = (display, _(binding.description))
        return list(rows.values())

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(_("Keys"), id="help-title")
            rows = [(str(index), row) for index, row in enumerate(self._keys())]
            yield ListTable(N_("Key"), N_("What it does"), rows=rows, id="help-keys")
            yield Static(
                _(
                    "Tab moves between fields; Enter chooses; Escape goes back. "
                    "On every desk with tabs, Ctrl+PgDn and Ctrl+PgUp go to the next and previous tab."
                ),
                id="help-hint",
            )
