"""Log-in: user name, password, Enter. The check (scrypt, ~0.1 s) runs in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from ils import demo, staff
from ils.i18n import N_, _
from ils.session import Session
from screens.base import IlsScreen
from screens.widgets import StatusLine
from screens.work import call_service


class UserNameLine(Input):
    """The user name field, which hands keys typed after Tab or Enter on to the password field.

    Textual moves the focus only once Tab has bubbled up to the screen's binding; a fast
    typist's password has by then been queued to this field, and would join the user name
    (``circ<Tab>demo1234<Enter>`` gave the user ``circdemo1234``). Here Tab and Enter are
    taken in the field's own turn, and every key queued after them goes on to the password,
    Enter logging in, until this field has the focus again.
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._handing_on = False

    def on_focus(self) -> None:
        self._handing_on = False

    def on_key(self, event: events.Key) -> None:
        password = self.screen.query_one("#login-password", Input)
        if event.key in ("tab", "enter") and not self._handing_on:
            event.stop()
            event.prevent_default()
            if self.value.strip():
                self._handing_on = True
                self.screen.set_focus(password)
        elif self._handing_on:
            event.stop()
            event.prevent_default()
            if event.key == "enter":
                password.post_message(Input.Submitted(password, password.value))
            elif event.key == "backspace":
                password.value = password.value[:-1]
            elif event.is_printable and event.character:
                password.insert_text_at_cursor(event.character)


class LoginScreen(IlsScreen):
    """The first screen of a working day, and the one log-out returns to."""

    TITLE_ID: ClassVar[str] = N_("Log in")
    CSS_PATH: ClassVar[str] = "login.tcss"
    AUTO_FOCUS: ClassVar[str] = "#login-user"

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
            yield UserNameLine(id="login-user")
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
