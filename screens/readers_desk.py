"""The reader desk (读者): find a reader by whatever the desk scans or types, register new readers.

Finding and registering are two tabs of one desk, as at the front counter: a reader
who has no card yet is registered on the next tab without leaving the desk. A reader
found or registered opens on ``ReaderScreen``, where every step of the card's life is.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import TabbedContent, TabPane

from ils.i18n import N_, _
from screens.base import TabbedDeskScreen
from screens.reader_find import FindPane
from screens.reader_register import RegisterChoices, RegisterPane


class ReadersScreen(TabbedDeskScreen):
    """Find a reader (scan, card number, name, pinyin, phone, ID number) or register one."""

    TITLE_ID: ClassVar[str] = N_("Readers")
    CSS_PATH: ClassVar[str] = "readers_desk.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.register_choices: RegisterChoices | None = None
        """The registration form's lists, loaded once: a form redrawn in a new language keeps its choices."""

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="readers-tabs"):
            with TabPane(_("Find"), id="tab-find"):
                yield FindPane(id="find-pane")
            with TabPane(_("Register"), id="tab-register"):
                yield RegisterPane(self.register_choices, id="register-pane")

    def on_register_pane_choices_loaded(self, message: RegisterPane.ChoicesLoaded) -> None:
        self.register_choices = message.choices
