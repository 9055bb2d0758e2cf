"""What the desk shows when its database cannot be opened.

A newer database, a file that is not a database, a full disk: the librarian
sees the service's message in words, the file concerned, and what to do next,
never a traceback.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from ils.i18n import N_, _
from screens.base import IlsScreen


class ErrorScreen(IlsScreen):
    """The database could not be opened; Try again re-runs the opening."""

    TITLE_ID: ClassVar[str] = N_("Cannot open the library")
    CSS_PATH: ClassVar[str] = "startup.tcss"

    def __init__(self, message: str) -> None:
        """``message`` is the service's explanation, already translated."""
        super().__init__()
        self.message = message

    def compose_body(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(self.message, id="error-message", markup=False)
            yield Static(_("Database file: {path}").format(path=self.ils.db_path), markup=False)
            yield Static(_("Fix the problem and choose Try again, or press Ctrl+Q to quit."))
            yield Button(_("Try again"), id="error-retry", variant="primary", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.ils.open_library()

    async def relocalise(self) -> None:
        """The message was worded in the old language: try again, to be told in the new one."""
        await super().relocalise()
        self.ils.open_library()
