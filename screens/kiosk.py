"""``ils kiosk``: the reader-facing self-service screen, for a terminal without a SIP2 machine.

A reader scans the card, scans each book, sees its due date, then prints or skips the
receipt. The screen is for readers, not staff: large bold text, Chinese by default, the
high-contrast theme, no staff keys, no command palette. After ``idle_seconds`` without a key
it goes back to the start and forgets the reader. Ctrl+Q, Ctrl+C and F12 ask for a staff
member's user name and password; only with them does the kiosk close. Every loan goes through
the self-service services (``ils.sip2.selfcheck``) as the terminal the kiosk logged in as, so
the desk's rules, the offline policy and the journal apply as at a SIP2 machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from ils.blind import speech as speech_module
from ils.circulation.loans import CheckoutResult
from ils.circulation.receipts import checkout_receipt, mask_name
from ils.i18n import N_, _, use_language
from ils.session import Session
from ils.sip2 import selfcheck
from ils.sip2.terminals import Terminal
from ils.staff import log_in
from screens.theme import HIGH_CONTRAST, HIGH_CONTRAST_THEME
from screens.work import ServiceCaller, call_service

CARD, ITEMS, RECEIPT = "card", "items", "receipt"
IDLE_SECONDS = 60.0
"""A reader who walks away is forgotten after a minute: the next one starts afresh."""


class StaffExit(ModalScreen[bool], ServiceCaller):
    """A staff member's user name and password: the only way out of the kiosk."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", N_("Back to the kiosk"), show=False)]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session

    def compose(self) -> ComposeResult:
        with Vertical(id="kiosk-exit"):
            yield Label(_("Staff only: user name and password to close the kiosk."))
            yield Input(id="kiosk-exit-user", placeholder=_("User name"))
            yield Input(id="kiosk-exit-password", password=True, placeholder=_("Password"))
            yield Static("", id="kiosk-exit-note", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        user = self.query_one("#kiosk-exit-user", Input).value
        password = self.query_one("#kiosk-exit-password", Input).value
        if event.input.id == "kiosk-exit-user":
            self.set_focus(self.query_one("#kiosk-exit-password", Input))
            return
        library = self._session.library
        call_service(
            self, "kiosk-exit", lambda: log_in(library, user, password), lambda _s: self.dismiss(True), self._refused
        )

    def _refused(self, text: str) -> None:
        self.query_one("#kiosk-exit-note", Static).update(text)
        self.query_one("#kiosk-exit-password", Input).value = ""

    def action_cancel(self) -> None:
        self.dismiss(False)


class KioskApp(App[None], ServiceCaller):
    CSS_PATH: ClassVar[str] = "kiosk.tcss"
    ENABLE_COMMAND_PALETTE: ClassVar[bool] = False
    BINDINGS: ClassVar = [Binding("f12", "staff_exit", N_("Staff: close the kiosk"), show=False)]

    def __init__(
        self,
        session: Session,
        terminal: Terminal,
        *,
        speech: bool = False,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.session = session
        self.terminal = terminal
        self.speaking = speech and speech_module.available()
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.state = CARD
        self.card = ""
        self.reader_name, self.on_loan = "", 0
        self.loan_ids: list[str] = []
        self.last_activity = clock()
        self.spoken: list[str] = []  # what the kiosk said (or would have said), newest last

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="kiosk"):
            yield Static(_("Self-service borrowing"), id="kiosk-title", markup=False)
            yield Static("", id="kiosk-prompt", markup=False)
            yield Static("", id="kiosk-reader", markup=False)
            yield Input(id="kiosk-scan")
            yield Static("", id="kiosk-note", markup=False)
            table: DataTable[str] = DataTable(id="kiosk-loans", cursor_type="none", zebra_stripes=False)
            table.add_columns(_("Title"), _("Due"))
            yield table
            with Horizontal(id="kiosk-receipt"):
                yield Button(_("Print a receipt (Y)"), id="kiosk-print", variant="primary")
                yield Button(_("No receipt (N)"), id="kiosk-skip")

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST_THEME
        self.set_interval(0.5, self.expire_idle)
        self.start()

    # --- the steps --------------------------------------------------------------------------------

    def _say(self, prompt: str, note: str = "") -> None:
        self.query_one("#kiosk-prompt", Static).update(prompt)
        self.query_one("#kiosk-note", Static).update(note)
        spoken = " ".join(filter(None, (note, prompt)))
        self.spoken.append(spoken)
        if self.speaking:
            speech_module.speak(spoken)

    def start(self, note: str = "") -> None:
        """Back to the first step; the reader before is forgotten."""
        self.state, self.card, self.loan_ids = CARD, "", []
        self.query_one("#kiosk-loans", DataTable).clear()
        self.query_one("#kiosk-reader", Static).update("")
        self.query_one("#kiosk-receipt").display = False
        scan = self.query_one("#kiosk-scan", Input)
        scan.value, scan.disabled = "", False
        scan.placeholder = _("Reader card")
        scan.focus()
        self._say(_("Please scan your reader card."), note)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "kiosk-scan":
            return
        value = event.value.strip()
        event.input.value = ""
        self.touch()
        if self.state == CARD and value:
            self._call(lambda: selfcheck.patron(self.session, value, details=True), self._reader)
        elif self.state == ITEMS and value:
            card, point = self.card, self.terminal.point_code
            self._call(lambda: selfcheck.lend(self.session, card, value, point), self._lent, self._refused)
        elif self.state == ITEMS:
            self.finish()
        elif self.state == RECEIPT:
            self.receipt(value.lower() in ("y", "1", "是"))

    def _call(self, call: Callable[[], object], then: Callable, failed: Callable[[str], object] | None = None) -> None:
        language = self.terminal.language

        def in_language() -> object:
            with use_language(language):
                return call()

        call_service(self, "kiosk", in_language, then, failed or self._refused)

    def _reader(self, found: selfcheck.Patron) -> None:
        if not found.valid:
            self._say(_("Please scan your reader card."), _("This card is not known here."))
            return
        if not found.may_borrow:
            self._say(
                _("Please scan your reader card."), found.reason or _("This card cannot borrow now: ask at the desk.")
            )
            return
        self.state, self.card = ITEMS, found.card
        self.reader_name, self.on_loan = mask_name(found.name), len(found.loans)
        self._show_reader()
        self.query_one("#kiosk-scan", Input).placeholder = _("Item barcode")
        self._say(_("Scan a book. Press Enter on an empty line when you are done."))

    def _show_reader(self) -> None:
        self.query_one("#kiosk-reader", Static).update(
            _("Reader {name}: {count} items on loan.").format(name=self.reader_name, count=self.on_loan)
        )

    def _lent(self, result: CheckoutResult) -> None:
        self.loan_ids.append(result.loan.id)
        self.on_loan += 1
        self._show_reader()
        self.query_one("#kiosk-loans", DataTable).add_row(result.loan.title, result.loan.due_on)
        self._say(
            _("Scan a book. Press Enter on an empty line when you are done."),
            _("Borrowed: {title}, due {due}.").format(title=result.loan.title, due=result.loan.due_on),
        )

    def _refused(self, text: str) -> None:
        prompt = (
            _("Please scan your reader card.")
            if self.state == CARD
            else _("Scan a book. Press Enter on an empty line when you are done.")
        )
        self._say(prompt, text)

    def finish(self) -> None:
        if not self.loan_ids:
            self.start()
            return
        self.state = RECEIPT
        self.query_one("#kiosk-receipt").display = True
        self.query_one("#kiosk-scan", Input).placeholder = _("Y: print, N: no receipt")
        self._say(_("Print a receipt? Y for yes, N for no."))

    def receipt(self, wanted: bool) -> None:
        if not wanted:
            self.start(_("Thank you. Please take your books."))
            return
        card, loans, point = self.card, list(self.loan_ids), self.terminal.point_code
        self._call(
            lambda: checkout_receipt(self.session, card, loans, point),
            lambda _path: self.start(_("Your receipt is printing. Thank you.")),
            lambda text: self.start(text),
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.touch()
        if self.state == RECEIPT:
            self.receipt(event.button.id == "kiosk-print")

    # --- idle and leaving -------------------------------------------------------------------------

    def touch(self) -> None:
        self.last_activity = self.clock()

    def on_key(self) -> None:
        self.touch()

    def expire_idle(self) -> None:
        if self.state != CARD and self.clock() - self.last_activity >= self.idle_seconds:
            self.touch()
            self.start(_("Time is up: start again with your card."))

    def action_staff_exit(self) -> None:
        def closed(leave: bool | None) -> None:
            if leave:
                self.exit()
            else:
                self.query_one("#kiosk-scan", Input).focus()

        if not isinstance(self.screen, StaffExit):
            self.push_screen(StaffExit(self.session), closed)

    async def action_quit(self) -> None:
        self.action_staff_exit()

    def action_help_quit(self) -> None:
        self.action_staff_exit()
