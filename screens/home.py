"""Home: the desks this staff member may open, chosen by number or with arrows and Enter."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ils.i18n import N_, _
from screens.base import IlsScreen
from screens.desks import Desk, visible_desks


class HomeScreen(IlsScreen):
    """One line per desk; the number in front of each opens it directly."""

    TITLE_ID: ClassVar[str] = N_("Desks")
    CSS_PATH: ClassVar[str] = "home.tcss"
    AUTO_FOCUS: ClassVar[str] = "#home-desks"

    def _desks(self) -> list[Desk]:
        return visible_desks(self.session)

    def compose_body(self) -> ComposeResult:
        yield Static(_("Choose a desk: press its number, or use the arrows and Enter."), id="home-hint")
        options = [Option(f"{number}  {_(desk.label)}", id=desk.key) for number, desk in enumerate(self._desks(), 1)]
        yield OptionList(*options, id="home-desks")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            event.stop()
            self._open(int(event.character) - 1)

    def _open(self, index: int) -> None:
        desks = self._desks()
        if 0 <= index < len(desks):
            self.ils.call_later(self.ils.open_desk, desks[index])
