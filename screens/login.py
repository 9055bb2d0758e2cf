"""Log-in: user name, password, Enter. The check (scrypt, ~0.1 s) runs in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from ils import demo, staff
from ils.i18n import N_, _
from ils.session import Session
from screens.base import IlsScreen
from screens.widgets import StatusLine
from screens.work import call_service


class LoginScreen(IlsScreen):
    """The first screen of a working day, and the one log-out returns to."""

    TITLE_ID: ClassVar[str] = N_("Log in")
    CSS_PATH: ClassVar[str] = "login.tcss"
    AUTO_FOCUS: ClassVar[str] = "#login-user"
    # Priority: the app runs these as the key arrives, before it hands the next key to a field.
    # Left to the field, Tab moved the focus only after a fast typist's password had been queued
    # to the user name field (``circ<Tab>demo1234<Enter>`` gave the user ``circdemo1234``).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", N_("Next field"), show=False, key_display="Tab", priority=True),
        Binding("shift+tab", "app.focus_previous", N_("Previous field"), show=False, priority=True),
        Binding("enter", "to_password", N_("Next field"), show=False, key_display="Enter", priority=True),
    ]

    @dataclass
    class LoggedIn(Message):
        """The password was right: the app opens the home screen for this session."""

        session: Session

    def __init__(self, demo_created: bool = False) -> None:
        super().__init__()
        self._demo_created = demo_created

    def compose_body(self) -> ComposeResult:
        with Vertical(id="login-box") as box:
            box.border_title = _("Log in")
            yield Label(_("User name"))
            yield Input(id="login-user")
            yield Label(_("Password"))
            yield Input(id="login-password", password=True)
            yield StatusLine(id="login-status")
            if self._demo_created:
                yield Static(
                    _("Demo library: log in as {user} with the password {password}.").format(
                        user=demo.ADMIN, password=demo.DEMO_PASSWORD
                    ),
                    id="login-demo",
                    markup=False,
                )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter in the password field is the field's own: it submits after the keys typed before it.
        return action != "to_password" or self.focused is self.query_one("#login-user")

    def action_to_password(self) -> None:
        """Enter in the user name field moves on at once, as Tab does."""
        self.set_focus(self.query_one("#login-password", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        user = self.query_one("#login-user", Input)
        password = self.query_one("#login-password", Input)
        if not user.value.strip():
            self.set_focus(user)
        elif event.input is user or not password.value:
            self.set_focus(password)
        else:
            self._log_in(user.value, password.value)

    def _log_in(self, username: str, password: str) -> None:
        library = self.ils.library
        if library is None:
            return
        self.query_one("#login-status", StatusLine).info(_("Checking…"))
        call_service(
            self,
            "login",
            lambda: staff.log_in(library, username, password),
            lambda session: self.post_message(self.LoggedIn(session)),
            self._refused,
        )

    def _refused(self, text: str) -> None:
        self.query_one("#login-status", StatusLine).error(text)
        password = self.query_one("#login-password", Input)
        password.value = ""
        self.set_focus(password)

    def reset(self) -> None:
        """After a log-out: nothing of the previous staff member stays on screen."""
        for field in self.query(Input):
            field.value = ""
        self.query_one("#login-status", StatusLine).clear()
        self.set_focus(self.query_one("#login-user", Input))
