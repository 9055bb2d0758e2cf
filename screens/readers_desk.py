"""The reader desk (读者): find a reader by whatever the desk scans or types, register new readers.

Finding and registering are two tabs of one desk, as at the front counter: a reader
who has no card yet is registered on the next tab without leaving the desk. A reader
found or registered opens on ``ReaderScreen``, where every step of the card's life is.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import TabbedContent, TabPane

from ils.i18n import N_, _
from screens.base import TabbedDeskScreen
from screens.reader_dialogs import ConfirmDialog
from screens.reader_find import FindPane
from screens.reader_register import RegisterChoices, RegisterPane


class ReadersScreen(TabbedDeskScreen):
    """Find a reader (scan, card number, name, pinyin, phone, ID number) or register one."""

    TITLE_ID: ClassVar[str] = N_("Readers")
    CSS_PATH: ClassVar[str] = "readers_desk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", N_("Back"), key_display="Esc")]

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

    def action_leave(self) -> None:
        """Back to the home screen; a registration form with something typed in it is not thrown
        away by one key: the desk asks first, and Esc again keeps the form."""
        form = self.query_one(RegisterPane)
        if self.query_one(TabbedContent).active != "tab-register" or not form.filled():
            self.app.pop_screen()
            return
        dialog = ConfirmDialog(
            _("Leave the registration form?"),
            _("What is typed in the form will be lost. Esc keeps the form."),
            lambda: True,
            ok_label=_("Throw the form away"),
        )
        self.app.push_screen(dialog, lambda left: left and self.app.pop_screen())

    def on_register_pane_choices_loaded(self, message: RegisterPane.ChoicesLoaded) -> None:
        self.register_choices = message.choices
