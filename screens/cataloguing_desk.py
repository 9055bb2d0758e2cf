"""The cataloguing desk (编目): search the catalogue, import MARC batches, print labels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import TabbedContent, TabPane

from ils.i18n import N_, _
from screens.base import TabbedDeskScreen
from screens.catalogue_import import ImportPane
from screens.catalogue_labels import LabelsPane
from screens.catalogue_search import SearchPane


class CataloguingScreen(TabbedDeskScreen):
    """Where records come in from suppliers, get call numbers and labels, and are found again."""

    TITLE_ID: ClassVar[str] = N_("Cataloguing")
    CSS_PATH: ClassVar[str] = "cataloguing_desk.tcss"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="cataloguing-tabs"):
            with TabPane(_("Search"), id="tab-search"):
                yield SearchPane(id="search-pane")
            with TabPane(_("Import"), id="tab-import"):
                yield ImportPane(id="import-pane")
            with TabPane(_("Labels"), id="tab-labels"):
                yield LabelsPane(id="labels-pane")

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The queue fills from record screens: show it as it is now whenever the tab is opened."""
        if event.pane.id == "tab-labels":
            self.query_one(LabelsPane).reload()
