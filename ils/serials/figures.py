"""The periodicals' figures for a year, from what was recorded: titles subscribed by kind
(报刊订阅种数), issues expected, received and missing, claims, volumes bound (counted in the
holdings as 报刊) and spending per supplier. The statistics read them from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models import SerialClaim, SerialReceipt, SerialSubscription, SerialTitle, SerialVolume
from ils.i18n import _
from ils.permissions import Permission
from ils.serials.subscriptions import SUPPLIERS, expected_issues, year_price
from ils.session import Session


@dataclass(frozen=True)
class SerialFigures:
    year: int
    titles: int
    newspapers: int
    magazines: int
    issues_expected: int
    issues_received: int
    copies_received: int
    issues_missing: int
    claims: int
    claims_open: int
    volumes_bound: int
    volumes_held: int
    spending_fen: dict[str, int]

    @property
    def spending_total_fen(self) -> int:
        return sum(self.spending_fen.values())


def figures(session: Session, year: int, *, today: dt.date | None = None) -> SerialFigures:
    """The year's figures; issues count as missing once their date has passed (by ``today``)."""
    if not session.may(Permission.VIEW_STATISTICS):
        session.require(Permission.SERIALS)
    today = today or session.now().date()
    subs = list(
        SerialSubscription.select(SerialSubscription, SerialTitle)
        .join(SerialTitle)
        .where(SerialSubscription.year == year, SerialSubscription.state == "active")
    )
    kinds = [s.title.kind for s in subs]
    expected = received = copies = missing = 0
    spending: dict[str, int] = {}
    for sub in subs:
        issues = expected_issues(sub)
        got: dict[int, int] = {}
        for row in SerialReceipt.select(SerialReceipt.number).where(SerialReceipt.subscription == sub.id):
            got[row.number] = got.get(row.number, 0) + 1
        past = [i for i in issues if i.date <= today]
        expected += len(issues)
        received += len(got)
        copies += sum(got.values())
        missing += sum(1 for i in past if i.number not in got)
        label = _(SUPPLIERS[sub.supplier])
        spending[label] = spending.get(label, 0) + year_price(sub, len(issues)) * sub.copies
    claims = list(
        SerialClaim.select(SerialClaim, SerialSubscription)
        .join(SerialSubscription)
        .where(SerialSubscription.year == year)
    )
    open_claims = sum(
        1
        for c in claims
        if not c.closed_at
        and SerialReceipt.select()
        .where(SerialReceipt.subscription == c.subscription_id, SerialReceipt.number == c.number)
        .count()
        < c.subscription.copies
    )
    bound = (
        SerialVolume.select()
        .where(
            SerialVolume.historical == False,  # noqa: E712
            SerialVolume.created_at.startswith(str(year)),
        )
        .count()
    )
    held = SerialVolume.select().where(SerialVolume.created_at < f"{year + 1}").count()
    return SerialFigures(
        year,
        len(subs),
        kinds.count("newspaper"),
        kinds.count("magazine"),
        expected,
        received,
        copies,
        missing,
        len(claims),
        open_claims,
        bound,
        held,
        spending,
    )
