"""The front desk (流通台): checkout, return, renew and holds, driven by a barcode scanner.

A scanner is a keyboard that types a code and Enter, so the desk is one input line that
has the focus after every action: a reader card opens the reader, an item barcode is lent
to them, or returned when no reader is open (``ils.circulation.desk.scan`` decides). The
open reader's blocks, loans with due dates and holds are in sight at once, and a log lists
what this desk did, including where each returned copy goes next.

Scans are served one at a time, in the order they were typed: a scanner is faster than a
loan, and an item scanned right after a card must be lent to that reader, not returned
because the card had not opened yet. Refusals are loud (red, the bell, the reasons in
words); staff allowed to override retry the last refusal with F8 and a reason.

Keys: F4 return mode, F5 renew (the highlighted loan, or renew mode when no reader is
open), F6 place a hold, F7 print the receipts, F8 override, F9 receive transit,
F12 choose the service point, arrows move among the loans, Esc ends the transaction.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from ils.branches import BranchInfo, list_branches
from ils.circulation import receipts
from ils.circulation.desk import (
    CHECKED_OUT,
    CHECKOUT,
    RECEIVE,
    RENEW,
    RETURN,
    RETURNED,
    ReaderAtDesk,
    ScanOutcome,
    scan,
)
from ils.circulation.holds import HoldInfo
from ils.circulation.loans import ReturnResult
from ils.circulation.places import Place, place_of
from ils.circulation.transit import Disposition
from ils.errors import Invalid
from ils.events.enquiries import EnquiryTally
from ils.i18n import N_, _, ngettext
from ils.permissions import Permission
from screens.base import DeskScreen, IlsModal
from screens.circulation_hold import HoldDialog
from screens.circulation_view import mode_line, reader_lines, show_holds, show_loans
from screens.dialogs import Field, FormDialog
from screens.events_enquiry import EnquiryDialog, tallied_text
from screens.reader_record import block_lines
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

LOG_LINES = 200
"""Lines the desk's log keeps: a morning's work, without growing all day."""

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """One scan waiting its turn; ``mode`` overrides the desk's mode (F5 renews a loan)."""

    code: str
    mode: str | None = None


@dataclass(frozen=True)
class LogLine:
    """A line of the desk's log, kept as data so it can be drawn again in another language."""

    time: str
    text: str
    kind: str  # "-ok", "-refused", "-send" (a copy to put on the hold shelf or send on)


class ScanLine(Input):
    """The scanner's line: Enter takes the code typed so far and empties the line at once.

    Textual runs ``Input``'s Enter binding only after the key has bubbled up to the app,
    and a scanner has typed the next code's first digits by then: they would join this
    code. Taking the code here, in the line's own turn, keeps codes apart however fast
    they come.
    """

    @dataclass
    class Scanned(Message):
        """A code and Enter came from the scanner (or the keyboard)."""

        code: str

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            code, self.value = self.value, ""
            self.post_message(self.Scanned(code))


class CirculationScreen(DeskScreen):
    """One input line for the scanner; the open reader, their loans and holds; the desk's log."""

    TITLE_ID: ClassVar[str] = N_("Circulation")
    CSS_PATH: ClassVar[str] = "circulation_desk.tcss"
    AUTO_FOCUS: ClassVar[str] = "#scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", f"toggle_mode('{RETURN}')", N_("Return mode"), key_display="F4"),
        Binding("f5", "renew", N_("Renew"), key_display="F5"),
        Binding("f6", "place_hold", N_("Hold"), key_display="F6"),
        Binding("f7", "print_receipt", N_("Receipt"), key_display="F7"),
        Binding("f8", "override", N_("Override"), key_display="F8"),
        Binding("f9", f"toggle_mode('{RECEIVE}')", N_("Receive"), key_display="F9"),
        Binding("f12", "choose_place", N_("Service point"), key_display="F12"),
        Binding("f11", "tally_enquiry", N_("Enquiry"), key_display="F11"),
        Binding("up", "move_loan(-1)", N_("Previous loan"), show=False, key_display="↑"),
        Binding("down", "move_loan(1)", N_("Next loan"), show=False, key_display="↓"),
        # Out of the crowded footer: the line at the top says "Esc ends the transaction" while one is open.
        Binding("escape", "end_transaction", N_("End transaction"), show=False, key_display="Esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mode = CHECKOUT
        self.place: Place | None = None
        self.branches: list[BranchInfo] = []
        self.view: ReaderAtDesk | None = None
        self.lent: list[receipts.Done[str]] = []
        """Loans made in this transaction, for its checkout receipt."""
        self.returned: list[receipts.Done[ReturnResult]] = []
        """Returns since the last receipt, for the return receipt."""
        self._slips = 0
        """Slips printed so far: each prints in a worker of its own, so none replaces another."""
        self.refused: Job | None = None
        """The last scan refused in a way an override could pass, with its mode, for F8."""
        self.desk_log: list[LogLine] = []
        self._jobs: deque[Job] = deque()
        self._busy = False

    @property
    def point(self) -> str | None:
        return self.place.point_code if self.place is not None else None

    @property
    def open_card(self) -> str | None:
        return self.view.card_number if self.view is not None else None

    # --- drawing --------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Label("", id="desk-mode", markup=False)
        yield ScanLine(placeholder=_("Scan a reader card or an item barcode"), id="scan", compact=True)
        yield StatusLine(id="desk-status")
        yield Static("", id="desk-reader", markup=False)
        yield Static("", id="desk-blocks", markup=False)
        yield ListTable(N_("Barcode"), N_("Title"), N_("Due"), N_("Renewals"), id="desk-loans")
        yield ListTable(N_("Held title"), N_("Hold"), N_("Pick up at"), N_("Where it stands"), id="desk-holds")
        with VerticalScroll(id="desk-log"):
            yield from (self._log_widget(line) for line in self.desk_log)

    def on_mount(self) -> None:
        self._redraw()
        session = self.session
        call_service(self, "desk-place", lambda: (place_of(session), list_branches(session)), self._placed)

    async def relocalise(self) -> None:
        await super().relocalise()
        self._redraw()

    def _redraw(self) -> None:
        """Fill freshly composed widgets (on opening, or in another language) from the desk's state."""
        for widget in self.query("ListTable, #desk-log"):
            widget.can_focus = False  # the scanner's line keeps the focus; arrows move the loans
        self._draw()
        self.query_one("#desk-log", VerticalScroll).scroll_end(animate=False)

    def _placed(self, found: tuple[Place, list[BranchInfo]]) -> None:
        self.place, self.branches = found
        self._draw()

    def _draw(self) -> None:
        view = self.view
        mode = self.query_one("#desk-mode", Label)
        mode.update(mode_line(self.mode, self.place, view is not None))
        for name in (CHECKOUT, RETURN, RENEW, RECEIVE):
            mode.set_class(self.mode == name, f"-{name}")
        self.set_class(view is not None, "-reader")
        reader = self.query_one("#desk-reader", Static)
        blocks = self.query_one("#desk-blocks", Static)
        if view is None:
            reader.update(_("No reader open."))
            blocks.update("")
            blocks.display = False
        else:
            reader.update(reader_lines(view))
            blocks.update("\n".join(block_lines(view.reader)))
            blocks.display = view.reader.blocked
        loans = self.query_one("#desk-loans", ListTable)
        show_loans(loans, view.loans if view else (), f"bold {self.app.current_theme.error}")
        holds = self.query_one("#desk-holds", ListTable)
        show_holds(holds, view.holds if view else ())
        holds.display = bool(view and view.holds)
        self.refresh_bindings()

    def _log_widget(self, line: LogLine) -> Static:
        return Static(f"{line.time} {line.text}", classes=f"log-line {line.kind}", markup=False)

    def _add_log(self, text: str, kind: str) -> None:
        line = LogLine(self.session.now().strftime("%H:%M"), text, kind)
        self.desk_log.append(line)
        box = self.query_one("#desk-log", VerticalScroll)
        box.mount(self._log_widget(line))
        if len(self.desk_log) > LOG_LINES:
            del self.desk_log[0]
            box.children[0].remove()
        box.scroll_end(animate=False)

    def status(self) -> StatusLine:
        return self.query_one("#desk-status", StatusLine)

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()
        self._focus_scan()

    def _focus_scan(self) -> None:
        self.query_one("#scan", ScanLine).focus()

    # --- scanning -------------------------------------------------------------------------

    def on_scan_line_scanned(self, event: ScanLine.Scanned) -> None:
        event.stop()
        if event.code.strip():
            self._jobs.append(Job(event.code))
            self._next_job()

    def _next_job(self) -> None:
        if self._busy or not self._jobs:
            return
        job = self._jobs.popleft()
        self._busy = True
        session, card, mode, point = self.session, self.open_card, job.mode or self.mode, self.point
        call_service(
            self,
            "scan",
            lambda: scan(session, job.code, open_card=card, mode=mode, point=point),
            lambda outcome: self._scanned(outcome, mode, point),
            self._scan_failed,
        )

    def _scanned(self, outcome: ScanOutcome, mode: str, point: str | None) -> None:
        self._busy = False
        self._show(outcome, mode, point)
        self._next_job()

    def _scan_failed(self, text: str) -> None:
        self._busy = False
        self.show_error(text)
        self._add_log(text, "-refused")
        self._next_job()

    def _show(self, outcome: ScanOutcome, mode: str, point: str | None) -> None:
        """Take in what a scan did: the reader now open, the transaction's lists, the log, the colour."""
        if (outcome.reader and outcome.reader.card_number) != self.open_card:
            self.lent = []  # another reader: a new transaction
        self.view = outcome.reader
        self.refused = Job(outcome.code, mode) if outcome.overridable else None
        if outcome.kind == CHECKED_OUT and outcome.loan is not None:
            self.lent.append((point, outcome.loan.id))
        if outcome.kind == RETURNED and outcome.returned is not None:
            self.returned.append((point, outcome.returned))
        where = outcome.disposition  # set for a return or a transit received
        routed = where is not None and receipts.gets_slip(where)
        if where is not None and routed:
            self._print_slip(where)
        self._draw()
        if outcome.success:
            self.status().info(outcome.message)
            self._focus_scan()
        else:
            self.show_error(outcome.message)
        self._add_log(outcome.message, "-send" if routed else "-ok" if outcome.success else "-refused")

    # --- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "override":  # shown only while there is a refusal this staff member may override
            return self.refused is not None and self.session.may(Permission.OVERRIDE_RULES)
        if action == "print_receipt":
            return bool(self.lent or self.returned) or None
        return True

    def action_toggle_mode(self, mode: str) -> None:
        self.mode = CHECKOUT if self.mode == mode else mode
        self._draw()
        self.status().info(mode_line(self.mode, self.place, self.view is not None).strip())
        self._focus_scan()

    def action_end_transaction(self) -> None:
        """Close the reader (the transaction ends); with none open, leave a special mode, then the desk."""
        if self.view is not None:
            name = self.view.reader.name
            self.view, self.lent, self.refused = None, [], None
            self._draw()
            self.status().info(_("{name}'s transaction is closed.").format(name=name))
        elif self.mode != CHECKOUT:
            self.action_toggle_mode(self.mode)
        else:
            self.app.pop_screen()
            return
        self._focus_scan()

    def action_move_loan(self, step: int) -> None:
        table = self.query_one("#desk-loans", ListTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_renew(self) -> None:
        """Renew the highlighted loan of the open reader; with no reader open, switch renew mode."""
        barcode = self.query_one("#desk-loans", ListTable).selected_key if self.view else None
        if barcode is None:
            self.action_toggle_mode(RENEW)
            return
        self._jobs.append(Job(barcode, RENEW))
        self._next_job()

    def action_override(self) -> None:
        refused = self.refused
        if refused is None:
            return
        session, card, point = self.session, self.open_card, self.point
        mode = refused.mode or self.mode

        def retry(values: dict[str, Any]) -> ScanOutcome:
            if not values["reason"].strip():
                raise Invalid(
                    "circ.override_needs_reason",
                    "Say why the rules are set aside: the reason is recorded with the loan.",
                )
            return scan(session, refused.code, open_card=card, mode=mode, point=point, override=values["reason"])

        dialog: FormDialog[ScanOutcome] = FormDialog(
            N_("Override for {code}"),
            [Field("reason", N_("Reason"), placeholder=N_("Why the rules are set aside"))],
            retry,
            submit_label=N_("Override"),
            title_args={"code": refused.code},
        )
        self._ask(dialog, lambda outcome: self._show(outcome, mode, point))

    def action_place_hold(self) -> None:
        view = self.view
        if view is None:
            self.show_error(_("Open a reader first: scan their card, then press F6."))
            return
        branches = tuple((b.name, b.code) for b in self.branches if b.active)
        here = self.place.branch_code if self.place else ""
        self._ask(HoldDialog(view.card_number, view.reader.name, branches, here), self._hold_placed)

    def _hold_placed(self, answer: tuple[HoldInfo, ReaderAtDesk]) -> None:
        hold, self.view = answer
        self._draw()
        words = _("Hold placed on 《{title}》, to pick up at {branch}.").format(
            title=hold.title, branch=hold.pickup_branch_name
        )
        self.status().info(words)
        self._add_log(words, "-ok")

    def action_tally_enquiry(self) -> None:
        """Count a question answered at the counter (检索与咨询): F11 and one key."""

        def tallied(tally: EnquiryTally | None) -> None:
            if tally is not None:
                self._add_log(tallied_text(tally), "-ok")

        self.app.push_screen(EnquiryDialog(), tallied)

    def action_choose_place(self) -> None:
        session = self.session
        points = tuple(
            (f"{b.name} · {p.name} ({p.code})", p.code)
            for b in self.branches
            if b.active
            for p in b.service_points
            if p.active
        )
        dialog: FormDialog[Place] = FormDialog(
            N_("Where this desk works"),
            [Field("point", N_("Service point"), "select", value=self.point or "", options=points)],
            lambda v: place_of(session, v["point"] or None),
            submit_label=N_("Choose"),
        )
        self._ask(dialog, self._moved)

    def _moved(self, place: Place) -> None:
        self.place = place
        self._draw()
        words = _("Loans and returns are now recorded at {place}.").format(place=place.label)
        self.status().info(words)
        self._add_log(words, "-ok")

    def action_print_receipt(self) -> None:
        if not (self.lent or self.returned):
            self.show_error(_("Nothing to print yet: lend or return something first."))
            return
        session, card, lent, returned = self.session, self.open_card, list(self.lent), list(self.returned)
        call_service(
            self,
            "print",
            lambda: receipts.transaction_receipts(session, card, lent, returned),
            lambda paths: self._printed(paths, lent, returned),
        )

    def _printed(
        self, printed: receipts.Printed, lent: list[receipts.Done[str]], returned: list[receipts.Done[ReturnResult]]
    ) -> None:
        """Forget what is printed now; whatever was done while it printed waits for the next receipt."""
        self.lent = [done for done in self.lent if done not in lent]
        self.returned = [done for done in self.returned if done not in returned]
        self.refresh_bindings()
        count = len(printed.paths)
        if printed.printer:
            words = ngettext(
                "{count} receipt sent to the printer {printer}; the PDF is kept in {folder}.",
                "{count} receipts sent to the printer {printer}; the PDFs are kept in {folder}.",
                count,
            )
        else:
            words = ngettext(
                "{count} receipt saved in {folder}; no receipt printer is set (ils circ settings --receipt-printer).",
                "{count} receipts saved in {folder}; no receipt printer is set (ils circ settings --receipt-printer).",
                count,
            )
        words = words.format(count=count, printer=printed.printer, folder=printed.folder)
        self.status().info(words)
        self._add_log(words, "-ok")
        self._focus_scan()

    def _print_slip(self, where: Disposition) -> None:
        """A copy to put on the hold shelf or send on gets its slip at once: it goes in the book now."""
        self._slips += 1
        session = self.session
        call_service(
            self, f"slip-{self._slips}", lambda: receipts.slip_for(session, where), self._slip_printed, self.show_error
        )

    def _slip_printed(self, path: Path | None) -> None:
        if path is not None:
            self._add_log(_("Slip saved for printing: {name}").format(name=path.name), "-send")

    def _ask(self, dialog: IlsModal[T], then: Callable[[T], object]) -> None:
        """Show ``dialog``; ``then(answer)`` unless cancelled; the scanner's line has the focus after."""

        def answered(answer: T | None) -> None:
            if answer is not None:
                then(answer)
            self._focus_scan()

        self.app.push_screen(dialog, answered)
