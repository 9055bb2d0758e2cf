"""A reader's standing with circulation: open loans, overdue loans, money owed.

``ils.readers`` reads this for the blocks it shows (overdue, owes) and for what stops a card
being returned, so it depends on nothing in ``ils`` that depends on readers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models import Charge, Item, Loan, LoanRule
from ils.circulation.settings import CirculationSettings, circulation_settings
from ils.i18n import _


@dataclass(frozen=True)
class Standing:
    open_loans: int
    overdue_loans: int
    owed_fen: int  # charges not yet paid, plus fines still running on overdue loans
    settings: CirculationSettings

    @property
    def blocked_by_overdue(self) -> bool:
        return self.overdue_loans > 0 and not self.settings.fines

    @property
    def blocked_by_debt(self) -> bool:
        """With fines, from the threshold on; without, any charge (only lost or damaged copies make one)."""
        if self.owed_fen <= 0:
            return False
        return self.owed_fen >= self.settings.fine_block_fen if self.settings.fines else True


def yuan(fen: int) -> str:
    return f"¥{fen / 100:.2f}"


def days_late(due_on: str, day: dt.date) -> int:
    return max(0, (day - dt.date.fromisoformat(due_on)).days)


def running_fine(loan: Loan, fine_per_day: int, price_fen: int | None, day: dt.date) -> int:
    """The fine a late loan has run up by ``day``: per calendar day, never more than the copy's price."""
    fine = days_late(loan.due_on, day) * fine_per_day
    return min(fine, price_fen) if price_fen else fine


def unpaid_fen(reader_id: str) -> int:
    """Charges not yet settled, less what has been paid towards them: one statement."""
    row = Charge._meta.database.execute_sql(
        "SELECT COALESCE(SUM(c.amount_fen), 0) - COALESCE((SELECT SUM(p.amount_fen) FROM payment p"
        " JOIN charge pc ON pc.id = p.charge_id WHERE pc.reader_id = ? AND pc.settled_at IS NULL), 0)"
        " FROM charge c WHERE c.reader_id = ? AND c.settled_at IS NULL", (reader_id, reader_id)).fetchone()
    return row[0]


def standing_of(reader_id: str, day: dt.date) -> Standing:
    """Read at every scan of a card: counts come from the open-loan index in one statement, and
    late loans are read one by one only when fines run."""
    settings = circulation_settings()
    today = day.isoformat()
    open_count, late_count = Loan._meta.database.execute_sql(
        "SELECT COUNT(*), COALESCE(SUM(due_on < ? AND claimed_returned_at IS NULL), 0) FROM loan"
        " WHERE reader_id = ? AND ended_at IS NULL", (today, reader_id)).fetchone()
    owed = unpaid_fen(reader_id)
    if settings.fines and late_count:
        late = list(Loan.select(Loan.id, Loan.due_on, Loan.rule_id, Item.id, Item.price_fen).join(Item)
                    .where(Loan.reader == reader_id, Loan.ended_at.is_null(), Loan.due_on < today,
                           Loan.claimed_returned_at.is_null()))
        rates = dict(LoanRule.select(LoanRule.id, LoanRule.fine_fen_per_day)
                     .where(LoanRule.id.in_({loan.rule_id for loan in late})).tuples())
        owed += sum(running_fine(loan, rates.get(loan.rule_id, 0), loan.item.price_fen, day) for loan in late)
    return Standing(open_loans=open_count, overdue_loans=late_count, owed_fen=owed, settings=settings)


def circulation_blocks(reader_id: str, day: dt.date) -> list[tuple[str, str]]:
    """(kind, detail) for each block circulation places: overdue items, a debt at the threshold."""
    standing = standing_of(reader_id, day)
    blocks = []
    if standing.blocked_by_overdue:
        blocks.append(("overdue", _("{count} items overdue: return them to borrow again.").format(
            count=standing.overdue_loans)))
    if standing.blocked_by_debt and standing.settings.fines:
        blocks.append(("owes", _("Owes {amount}; borrowing stops at {limit}.").format(
            amount=yuan(standing.owed_fen), limit=yuan(standing.settings.fine_block_fen))))
    elif standing.blocked_by_debt:
        blocks.append(("owes", _("Owes {amount} for a lost or damaged item: pay, replace it or have it waived.")
                       .format(amount=yuan(standing.owed_fen))))
    return blocks


def obligations(reader_id: str, day: dt.date) -> tuple[str, ...]:
    """What stops the reader returning the card: loans not yet back, money not yet paid."""
    standing = standing_of(reader_id, day)
    owed = []
    if standing.open_loans:
        owed.append(_("{count} items still on loan").format(count=standing.open_loans))
    if standing.owed_fen > 0:
        owed.append(_("{amount} still owed").format(amount=yuan(standing.owed_fen)))
    return tuple(owed)
