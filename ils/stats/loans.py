"""Loans (书刊文献外借册次) per branch and month: the figure every report to the bureau starts from.

Counted where the loan happened (the lending branch), by the month of the checkout, with or
without renewals, since bureaus ask for either (DOMAIN 1.3). De-identified loans count like
any other: the rows keep everything a statistic needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Branch, Loan
from ils.permissions import Permission
from ils.session import Session


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
    session.require(Permission.VIEW_STATISTICS)
    start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    queries = [
        "SELECT branch_id, CAST(substr(loaned_at, 6, 2) AS INTEGER), COUNT(*) FROM loan"
        " WHERE loaned_at >= ? AND loaned_at < ? GROUP BY 1, 2"
    ]
    if with_renewals:
        queries.append(
            "SELECT branch_id, CAST(substr(renewed_at, 6, 2) AS INTEGER), COUNT(*) FROM loan_renewal"
            " WHERE renewed_at >= ? AND renewed_at < ? GROUP BY 1, 2"
        )
    counts: dict[str, list[int]] = {}
    for sql in queries:
        for branch_id, month, count in Loan._meta.database.execute_sql(sql, (start, end)):
            counts.setdefault(branch_id, [0] * 12)[month - 1] += count
    branches = Branch.select().where(Branch.id.in_(list(counts))).order_by(Branch.sort_order, Branch.code)
    return [BranchMonths(b.code, b.name, tuple(counts[b.id])) for b in branches]
