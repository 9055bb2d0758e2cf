"""A reader's standing with circulation: open loans, overdue loans, money owed.

Circulation contributes the blocks it puts on a reader (overdue, owes) and what stops a card
being returned (loans out, money owed) to ``ils.standing``, where ``ils.readers`` asks for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from db.models import Charge, Item, Loan, LoanRule
from ils.circulation.settings import CirculationSettings, circulation_settings
from ils.errors import Message, message, plural_message
from ils.i18n import N_
from ils.money import yuan
from ils.standing import reader_blocks, reader_obligations


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


def days_late(due_on: str, day: dt.date) -> int:
    return max(0, (day - dt.date.fromisoformat(due_on)).days)


def running_fine(loan: Loan, fine_per_day: int, price_fen: int | None, day: dt.date) -> int:
    """The fine a late loan has run up by ``day``: per calendar day, never more than the copy's price."""
    fine = days_late(loan.due_on, day) * fine_per_day
    return min(fine, price_fen) if price_fen else fine


def _in(ids: Sequence[str]) -> str:
    return ",".join("?" * len(ids))


def _unpaid(ids: Sequence[str]) -> dict[str, int]:
    """Charges not yet settled, less what has been paid towards them, per reader: one statement."""
    rows = Charge._meta.database.execute_sql(
        "SELECT c.reader_id, SUM(c.amount_fen - COALESCE((SELECT SUM(p.amount_fen) FROM payment p"
        f" WHERE p.charge_id = c.id), 0)) FROM charge c WHERE c.reader_id IN ({_in(ids)}) AND c.settled_at IS NULL"
        " GROUP BY c.reader_id",
        tuple(ids),
    )
    return dict(rows)


def unpaid_fen(reader_id: str) -> int:
    return _unpaid([reader_id]).get(reader_id, 0)


def standings(reader_ids: Sequence[str], day: dt.date) -> dict[str, Standing]:
    """The standing of many readers at once (a list of readers found at the desk): counts come from
    the open-loan index in one statement, and late loans are read one by one only when fines run."""
    ids = list(dict.fromkeys(reader_ids))
    settings = circulation_settings()
    if not ids:
        return {}
    today = day.isoformat()
    counts = {
        reader: (open_, late)
        for reader, open_, late in Loan._meta.database.execute_sql(
            "SELECT reader_id, COUNT(*), COALESCE(SUM(due_on < ? AND claimed_returned_at IS NULL), 0) FROM loan"
            f" WHERE reader_id IN ({_in(ids)}) AND ended_at IS NULL GROUP BY reader_id",
            (today, *ids),
        )
    }
    owed = _unpaid(ids)
    late_readers = [reader for reader, (_open, late) in counts.items() if late]
    if settings.fines and late_readers:
        late = list(
            Loan.select(Loan.id, Loan.reader, Loan.due_on, Loan.rule_id, Item.id, Item.price_fen)
            .join(Item)
            .where(
                Loan.reader.in_(late_readers),
                Loan.ended_at.is_null(),
                Loan.due_on < today,
                Loan.claimed_returned_at.is_null(),
            )
        )
        rates = dict(
            LoanRule.select(LoanRule.id, LoanRule.fine_fen_per_day)
            .where(LoanRule.id.in_({loan.rule_id for loan in late}))
            .tuples()
        )
        for loan in late:
            fine = running_fine(loan, rates.get(loan.rule_id, 0), loan.item.price_fen, day)
            owed[loan.reader_id] = owed.get(loan.reader_id, 0) + fine
    return {
        reader: Standing(
            open_loans=counts.get(reader, (0, 0))[0],
            overdue_loans=counts.get(reader, (0, 0))[1],
            owed_fen=owed.get(reader, 0),
            settings=settings,
        )
        for reader in ids
    }


def standing_of(reader_id: str, day: dt.date) -> Standing:
    """Read at every scan of a card."""
    return standings([reader_id], day)[reader_id]


def standing_blocks(standing: Standing) -> list[tuple[str, Message]]:
    """(kind, detail) for each block circulation places: overdue items, a debt at the threshold."""
    blocks = []
    if standing.blocked_by_overdue:
        blocks.append(
            (
                "overdue",
                plural_message(
                    "circ.block_overdue",
                    "Return the overdue item to borrow again.",
                    "Return the {count} overdue items to borrow again.",
                    count=standing.overdue_loans,
                ),
            )
        )
    if standing.blocked_by_debt and standing.settings.fines:
        blocks.append(
            (
                "owes",
                message(
                    "circ.block_owes",
                    "Owes {amount}; borrowing stops at {limit}.",
                    amount=yuan(standing.owed_fen),
                    limit=yuan(standing.settings.fine_block_fen),
                ),
            )
        )
    elif standing.blocked_by_debt:
        blocks.append(
            (
                "owes",
                message(
                    "circ.block_owes_charge",
                    "Owes {amount} for a lost or damaged item: pay, replace it or have it waived.",
                    amount=yuan(standing.owed_fen),
                ),
            )
        )
    return blocks


@reader_blocks(kinds={"overdue": N_("Items overdue"), "owes": N_("Money owed")})
def circulation_blocks(reader_ids: Sequence[str], day: dt.date) -> dict[str, list[tuple[str, Message]]]:
    """The blocks circulation puts on each of a list of readers, read together."""
    return {reader: standing_blocks(standing) for reader, standing in standings(reader_ids, day).items()}


@reader_obligations
def obligations(reader_id: str, day: dt.date) -> tuple[Message, ...]:
    """What stops the reader returning the card: loans not yet back, money not yet paid."""
    standing = standing_of(reader_id, day)
    owed = []
    if standing.open_loans:
        owed.append(
            plural_message(
                "circ.obligation_loans",
                "{count} item still on loan",
                "{count} items still on loan",
                count=standing.open_loans,
            )
        )
    if standing.owed_fen > 0:
        owed.append(message("circ.obligation_owed", "{amount} still owed", amount=yuan(standing.owed_fen)))
    return tuple(owed)
