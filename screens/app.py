"""The desk application: opening the library, log-in and log-out, language and contrast.

``make_app`` is the one way to build it, for ``ils`` itself, the tests and
snapshots. The function keys live here, as priority bindings, so each means
the same on every screen and in every dialog:

    F1 keys   F2 language   F3 high contrast   F10 log out   Ctrl+P commands   Ctrl+Q quit

The screen stack is kept simple: the log-in screen (or the first-run or error
screen) sits at the bottom; home and the desks are pushed on top of it, and
log-out pops back down to it.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.reactive import var
from textual.screen import Screen

from ils import staff
from ils.clock import Clock, SystemClock
from ils.i18n import N_, _, current_language, ngettext, set_language
from ils.library import Library, NodeInfo, is_initialised, open_library
from ils.logs import start_log
from ils.session import Session
from screens.base import Relocalise
from screens.commands import DeskCommands, LocalCommandPalette
from screens.desks import Desk
from screens.first_run import FirstRunScreen
from screens.help import HelpScreen
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.messages import LibraryReady
from screens.startup import ErrorScreen
from screens.theme import HIGH_CONTRAST, HIGH_CONTRAST_THEME, NORMAL_THEME
from screens.widgets import wide_chars
from screens.work import ServiceCaller, call_service

OTHER_LANGUAGE = {"zh_CN": "en", "en": "zh_CN"}


#: Besides printable characters, the keys held while the desk starts: those a log-in is typed with.
#: Enter typed before the terminal is switched to raw mode arrives as a line feed (ctrl+j).
_EARLY_KEYS = frozenset({"tab", "shift+tab", "enter", "backspace", "ctrl+j"})


class IlsApp(ServiceCaller, App[None], inherit_bindings=False):
    """One desk: a library database, the staff member logged in, the language they read."""

    TITLE = "ils"
    CSS_PATH: ClassVar[str] = "app.tcss"
    COMMANDS: ClassVar = {DeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", N_("Keys"), key_display="F1", priority=True),
        Binding("f2", "toggle_language", N_("Language"), key_display="F2", priority=True),
        Binding("f3", "toggle_contrast", N_("Contrast"), key_display="F3", priority=True),
        Binding("f10", "log_out", N_("Log out"), key_display="F10", priority=True),
        Binding("ctrl+p", "command_palette", N_("Commands"), show=False, priority=True),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        Binding("ctrl+c", "help_quit", N_("How to quit"), show=False, system=True),
    ]

    node: var[NodeInfo | None] = var(None)
    """This desk's library, branch and name, read in a worker; the header shows it."""
    session: var[Session | None] = var(None)
    """The staff member logged in, or ``None`` at the log-in screen."""

    def __init__(self, db_path: Path, language: str, clock: Clock, read_only: bool | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.read_only = read_only
        """``True``: open read-only (``ils --read-only``); ``None``: read-only when the file cannot be written."""
        self.clock = clock
        self.library: Library | None = None
        set_language(language)
        self.register_theme(HIGH_CONTRAST)
        self.theme = NORMAL_THEME
        self._early_keys: list[events.Key] | None = []
        """Keys typed while the database opens, before any field exists; ``None`` once a screen took them."""

    def on_mount(self) -> None:
        with suppress(OSError):  # a folder that cannot hold a log must not stop the desk
            start_log(self.db_path)
        self.open_library()

    def open_library(self) -> None:
        """Open the database in a worker; no database yet means the first-run screen."""

        def open_() -> LibraryReady | None:
            if not is_initialised(self.db_path):
                return None
            library = open_library(self.db_path, self.clock, read_only=self.read_only)
            return LibraryReady(library, library.node)

        call_service(self, "open-library", open_, self._opened, self._open_failed)

    def _opened(self, ready: LibraryReady | None) -> None:
        if ready is None:
            self._show_base(FirstRunScreen())
            self._refuse_early_keys()
        else:
            self.post_message(ready)

    def _open_failed(self, text: str) -> None:
        self._show_base(ErrorScreen(text))
        self._refuse_early_keys()

    def on_library_ready(self, message: LibraryReady) -> None:
        self.library = message.library
        self.node = message.node
        self._show_base(LoginScreen(demo_created=message.demo))
        self.call_after_refresh(self._replay_early_keys)

    async def on_event(self, event: events.Event) -> None:
        """Hold the keys typed before the log-in screen exists (a clerk types the user name while
        the desk starts): the screen shown before it has no field, and they were lost."""
        if (
            self._early_keys is not None
            and isinstance(event, events.Key)
            and not event.is_forwarded
            and (event.is_printable or event.key in _EARLY_KEYS)
        ):
            self._early_keys.append(event)
            return
        await super().on_event(event)

    def _replay_early_keys(self) -> None:
        """Give the held keys to the log-in screen, in order, as if typed now."""
        keys, self._early_keys = self._early_keys or [], None
        for key in keys:
            name = "enter" if key.key == "ctrl+j" else key.key
            self.post_message(events.Key(name, "\r" if name == "enter" else key.character))

    def _refuse_early_keys(self) -> None:
        """No log-in field to take the held keys (first run, a database that will not open): say so."""
        keys, self._early_keys = self._early_keys or [], None
        if keys:
            self.bell()
            self.notify(
                ngettext(
                    "{count} key typed while the desk was starting was not used: type it again.",
                    "{count} keys typed while the desk was starting were not used: type them again.",
                    len(keys),
                ).format(count=len(keys)),
                severity="warning",
            )

    def refresh_node(self) -> None:
        """Re-read this desk's library, branch and name after a change, for the header."""
        library = self.library
        if library is not None:
            call_service(self, "node", lambda: library.node, self._set_node)

    def _set_node(self, node: NodeInfo) -> None:
        self.node = node

    def _show_base(self, screen: Screen[None]) -> None:
        """Put ``screen`` at the bottom of the stack, in place of the first-run or error screen."""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    async def on_login_screen_logged_in(self, message: LoginScreen.LoggedIn) -> None:
        self.session = message.session
        saved = message.session.staff.language
        if saved and saved != current_language():
            await self.switch_language(saved)
        if message.session.staff.high_contrast:
            self.theme = HIGH_CONTRAST_THEME
        self.refresh_bindings()
        await self.push_screen(HomeScreen())

    async def open_desk(self, desk: Desk) -> None:
        """Open ``desk`` on top of the home screen (from home or from the palette)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            await self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            await self.push_screen(desk.factory())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "log_out":
            return self.session is not None
        return True

    async def action_log_out(self) -> None:
        session = self.session
        if session is None:
            return
        call_service(self, "log-out", lambda: staff.log_out(session), lambda _done: None)
        while not isinstance(self.screen, LoginScreen):
            await self.pop_screen()
        self.screen.reset()
        self.session = None
        self.theme = NORMAL_THEME  # the next staff member starts from the usual display, or their own
        self.refresh_bindings()

    async def action_toggle_language(self) -> None:
        language = OTHER_LANGUAGE[current_language()]
        await self.switch_language(language)
        session = self.session
        if session is not None:
            call_service(self, "save-language", lambda: staff.set_language(session, language), lambda _code: None)

    async def switch_language(self, language: str) -> None:
        """Translate from now on, and redraw every screen already open in the new language."""
        set_language(language)
        for screen in list(self.screen_stack):
            if isinstance(screen, Relocalise):
                await screen.relocalise()
        self.refresh_bindings()

    def action_toggle_contrast(self) -> None:
        """Switch the large-text, high-contrast display; a staff member logged in keeps the choice."""
        self.theme = NORMAL_THEME if self.theme == HIGH_CONTRAST_THEME else HIGH_CONTRAST_THEME
        session, on = self.session, self.theme == HIGH_CONTRAST_THEME
        if session is not None:
            call_service(self, "save-contrast", lambda: staff.set_high_contrast(session, on), lambda _on: None)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        if not isinstance(self.screen, CommandPalette):
            self.push_screen(LocalCommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def action_help_quit(self) -> None:
        self.notify(_("Press Ctrl+Q to quit."))


def make_app(
    db_path: Path, language: str = "zh_CN", clock: Clock | None = None, read_only: bool | None = None
) -> IlsApp:
    """The desk application for the database at ``db_path``, in ``language``."""
    wide_chars.install()
    return IlsApp(Path(db_path), language, clock or SystemClock(), read_only)
