"""Loans (书刊文献外借册次) per branch and month: the figure every report to the bureau starts from.

The ``loans`` and ``loans_with_renewals`` indicators (``ils.stats.circulation``) broken down by
branch, with each branch's code, as the circulation desk's report lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Branch
from ils.session import Session
from ils.stats.indicators import series


@dataclass(frozen=True)
class BranchMonths:
    branch_code: str
    branch_name: str
    months: tuple[int, ...]  # January … December

    @property
    def total(self) -> int:
        return sum(self.months)


def loans_per_branch_month(session: Session, year: int, *, with_renewals: bool = False) -> list[BranchMonths]:
    """One row per branch that lent anything in ``year``, in the branches' order."""
    counted = series(session, "loans_with_renewals" if with_renewals else "loans", year, "branch")
    codes = dict(Branch.select(Branch.id, Branch.code).tuples())
    return [BranchMonths(codes[r.key], r.label, r.months) for r in counted.rows if r.key in codes]
