"""The first start on a new computer: create the library, or the demo library to try ils.

Both run in a worker (creating the demo hashes several passwords and writes a few
years of a library) and end with ``LibraryReady``, after which the app shows the
log-in screen. While the demo is built, a progress bar shows which step it is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, ProgressBar, Static

from ils import presets
from ils.demo import build_demo
from ils.i18n import N_, _
from ils.initialise import initialise
from ils.library import Library
from screens.base import IlsScreen
from screens.dialogs import Field, FormDialog, Values
from screens.messages import LibraryReady
from screens.widgets import StatusLine
from screens.work import call_service


def _ready(library: Library, demo: bool) -> LibraryReady:
    """Read the node in the worker, so the header never queries on the UI thread."""
    return LibraryReady(library, library.node, demo)


class FirstRunScreen(IlsScreen):
    """No database yet: offer a new library or the demo library."""

    TITLE_ID: ClassVar[str] = N_("Welcome")
    CSS_PATH: ClassVar[str] = "first_run.tcss"

    @dataclass
    class Progress(Message):
        """The demo builder has finished ``done`` of ``total`` steps and starts ``step`` (a msgid)."""

        done: int
        total: int
        step: str

    def compose_body(self) -> ComposeResult:
        with Vertical(id="first-run"):
            yield Static(_("There is no library database here yet."), classes="first-run-text")
            yield Static(
                _("Database file: {path}").format(path=self.ils.db_path), classes="first-run-text", markup=False
            )
            yield Static(
                _("Create a new library for real work, or the demo library to try ils with sample data."),
                classes="first-run-text",
            )
            with Horizontal(id="first-run-buttons"):
                yield Button(_("Create a new library"), id="first-run-new", variant="primary", compact=True)
                yield Button(_("Create the demo library"), id="first-run-demo", compact=True)
            yield ProgressBar(id="first-run-progress", show_eta=False)
            yield StatusLine(id="first-run-status")

    def on_mount(self) -> None:
        self.query_one("#first-run-progress").display = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "first-run-new":
            self.app.push_screen(self._new_library_form(), self._created)
        else:
            self._build_demo()

    def _new_library_form(self) -> FormDialog[LibraryReady]:
        app = self.ils
        branches = tuple((f"{b.name} ({b.code})", b.code) for b in presets.BRANCHES)

        def create(values: Values) -> LibraryReady:
            library = initialise(
                app.db_path,
                library_name=values["library_name"],
                branch_code=values["branch"],
                node_name=values["node_name"],
                admin_username=values["username"],
                admin_display_name=values["display_name"],
                admin_password=values["password"],
                clock=app.clock,
            )
            return _ready(library, demo=False)

        return FormDialog(
            N_("Create a new library"),
            [
                Field("library_name", N_("Library name"), value=presets.LIBRARY_NAME),
                Field("branch", N_("This desk's branch"), "select", value=presets.BRANCHES[0].code, options=branches),
                Field("node_name", N_("Desk name"), placeholder=N_("Blank: the branch name and -1")),
                Field("username", N_("Administrator user name"), value="admin"),
                Field("display_name", N_("Display name")),
                Field("password", N_("Password"), "password"),
                Field("password_again", N_("Password again"), "password", repeat_of="password"),
            ],
            create,
            submit_label=N_("Create"),
        )

    def _created(self, ready: LibraryReady | None) -> None:
        if ready is not None:
            self.post_message(ready)

    def _build_demo(self) -> None:
        app = self.ils
        self.query_one("#first-run-status", StatusLine).info(_("Creating the demo library…"))
        bar = self.query_one("#first-run-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        for button in self.query(Button):
            button.disabled = True

        def progress(done: int, total: int, step: str) -> None:
            """Called on the worker thread: post, never touch a widget from there."""
            self.post_message(self.Progress(done, total, step))

        call_service(
            self,
            "create-library",
            lambda: _ready(build_demo(app.db_path, clock=app.clock, progress=progress), demo=True),
            self.post_message,
            self._failed,
        )

    def on_first_run_screen_progress(self, message: Progress) -> None:
        message.stop()
        self.query_one("#first-run-progress", ProgressBar).update(total=message.total, progress=message.done)
        if message.step:
            self.query_one("#first-run-status", StatusLine).info(
                _("Creating the demo library: {step}…").format(step=_(message.step))
            )

    def _failed(self, text: str) -> None:
        for button in self.query(Button):
            button.disabled = False
        self.query_one("#first-run-progress").display = False
        self.query_one("#first-run-status", StatusLine).error(text)
