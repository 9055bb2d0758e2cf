"""What the front desk shows of a reader and of its own work, as lines and table rows.

Kept apart from the screen so the screen holds only the flow of a transaction: these
functions turn the service's frozen results into the words and cells the desk reads.
"""

from __future__ import annotations

from rich.cells import cell_len, chop_cells
from rich.text import Text
from textual.coordinate import Coordinate

from ils.circulation.desk import CHECKOUT, MODES, ReaderAtDesk
from ils.circulation.holds import HoldInfo
from ils.circulation.loans import LoanInfo
from ils.circulation.places import Place
from ils.i18n import _, ngettext
from ils.money import yuan
from screens.widgets import ListTable

TITLE_CELLS = 24
"""Titles are cut to this many cells so that a loan's due date stays in sight at 80 columns."""


def clip(text: str, cells: int = TITLE_CELLS) -> str:
    """``text`` cut to ``cells`` terminal cells (a Chinese character takes two), with "…" when cut."""
    if cell_len(text) <= cells:
        return text
    return chop_cells(text, cells - 1)[0] + "…"


def mode_hint(mode: str, reader_open: bool) -> str:
    """What a scanned item does now, so the desk never guesses."""
    if mode == CHECKOUT:
        return (
            _("an item scanned is lent to this reader; Esc ends the transaction")
            if reader_open
            else _("scan a reader card to lend; an item scanned now is returned")
        )
    return {
        "return": _("every item scanned is returned"),
        "renew": _("every item scanned is renewed"),
        "receive": _("every item scanned is received from transit"),
    }[mode]


def mode_line(mode: str, place: Place | None, reader_open: bool) -> str:
    where = place.label if place is not None else "…"
    return f" {_(MODES[mode])} │ {where} │ {mode_hint(mode, reader_open)}"


def reader_lines(view: ReaderAtDesk) -> str:
    """Who is at the desk; under it, the numbers that decide what they may do."""
    r = view.reader
    numbers = [_("{count} on loan").format(count=len(view.loans))]
    if view.overdue:
        numbers.append(_("{count} overdue").format(count=view.overdue))
    numbers.append(_("owes {amount}").format(amount=yuan(view.owed_fen)))
    numbers.append(
        ngettext("{count} loan in history", "{count} loans in history", view.past_loans).format(count=view.past_loans)
    )
    return f"{r.name}  {r.card_number}  {r.reader_type_name} · {r.branch_name}\n" + " · ".join(numbers)


def due_text(loan: LoanInfo) -> str:
    if loan.overdue_days:
        return _("{date} overdue {days} days").format(date=loan.due_on, days=loan.overdue_days)
    return loan.due_on


def show_loans(table: ListTable, loans: tuple[LoanInfo, ...], overdue_style: str) -> None:
    """The reader's loans, soonest due first; an overdue due date says so in words and in ``overdue_style``."""
    selected = table.selected_key
    table.show_rows(
        [
            (loan.barcode, (loan.barcode, clip(loan.title), due_text(loan), f"{loan.renewals}/{loan.renewals_allowed}"))
            for loan in loans
        ],
        select=selected,
    )
    for row, loan in enumerate(loans):
        if loan.overdue_days:
            table.update_cell_at(Coordinate(row, 2), Text(due_text(loan), style=overdue_style))


def hold_place(hold: HoldInfo) -> str:
    """Where the hold stands: kept until a date on the shelf, or the place in the queue."""
    if hold.state == "ready":
        return _("kept until {date}").format(date=hold.expires_on)
    if hold.position is not None:
        return _("number {position} in the queue").format(position=hold.position)
    return ""


def show_holds(table: ListTable, holds: tuple[HoldInfo, ...]) -> None:
    table.show_rows(
        [(hold.id, (clip(hold.title), hold.state_label, hold.pickup_branch_name, hold_place(hold))) for hold in holds]
    )
