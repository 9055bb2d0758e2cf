"""The cataloguing desk (编目): search the catalogue, import MARC batches, print labels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import TabbedContent, TabPane

from ils.i18n import N_, _
from screens.base import DeskScreen
from screens.catalogue_import import ImportPane
from screens.catalogue_labels import LabelsPane
from screens.catalogue_search import SearchPane


class CataloguingScreen(DeskScreen):
    """Where records come in from suppliers, get call numbers and labels, and are found again."""

    TITLE_ID: ClassVar[str] = N_("Cataloguing")
    CSS_PATH: ClassVar[str] = "cataloguing_desk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+pagedown", "switch_tab(1)", N_("Next tab"), key_display="Ctrl+PgDn", priority=True),
        Binding("ctrl+pageup", "switch_tab(-1)", N_("Previous tab"), key_display="Ctrl+PgUp", priority=True),
    ]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="cataloguing-tabs"):
            with TabPane(_("Search"), id="tab-search"):
                yield SearchPane(id="search-pane")
            with TabPane(_("Import"), id="tab-import"):
                yield ImportPane(id="import-pane")
            with TabPane(_("Labels"), id="tab-labels"):
                yield LabelsPane(id="labels-pane")

    def action_switch_tab(self, step: int) -> None:
        """Move to the next or previous tab and into it, without reaching for the row of tabs."""
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]
        self.call_after_refresh(self._focus_active_pane)

    def _focus_active_pane(self) -> None:
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None and (first := next((w for w in pane.query("*") if w.focusable), None)):
            first.focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The queue fills from record screens: show it as it is now whenever the tab is opened."""
        if event.pane.id == "tab-labels":
            self.query_one(LabelsPane).reload()
