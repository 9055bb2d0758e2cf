"""Claims (催缺): issues not received some days after their date, and the claims sent for them.

An expected issue is late when fewer of this desk's copies are in than are due,
``CLAIM_AFTER_DAYS`` (per frequency) after its date, and stays on the list for ``CLAIM_WITHIN_DAYS``
more: suppliers do not replace issues claimed later than that (it then only counts as missing). A claim records the day, the supplier and
how many copies are missing; its id is name-based on the subscription, the issue and the day,
so two desks claiming the same issue the same day record one claim. A claim is answered when
the issue comes: closed by the check-in at the desk that holds the claim, and shown as
answered wherever the receipt arrives by sync (the lists read the receipts, not only the
claim's own state).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from db.ids import ILS_NAMESPACE
from db.models import SerialClaim, SerialReceipt, SerialSubscription, SerialTitle
from ils.errors import Invalid, NotFound
from ils.i18n import _
from ils.permissions import Permission
from ils.serials.checkin import own_slots, received_copies
from ils.serials.patterns import CLAIM_AFTER_DAYS, Issue
from ils.serials.subscriptions import SUPPLIERS, expected_issues
from ils.serials.titles import find_title
from ils.session import Session, writes

#: How long after its grace days a late issue can still be claimed.
CLAIM_WITHIN_DAYS = 90


@dataclass(frozen=True)
class LateIssue:
    subscription_id: str
    title: str
    kind: str
    year: int
    number: int
    issue_label: str
    date: str
    days_late: int
    missing: int
    supplier: str
    supplier_text: str
    last_claimed: str | None


@dataclass(frozen=True)
class ClaimInfo:
    id: str
    title: str
    year: int
    number: int
    issue_label: str
    issue_date: str | None
    copies: int
    supplier: str
    supplier_text: str
    claimed_at: str
    state: str  # open, received, cancelled


def claim_id(subscription_id: str, number: int, day: dt.date) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"serial_claim:{subscription_id}:{number}:{day.isoformat()}"))


def _supplier_text(sub: SerialSubscription) -> str:
    label = _(SUPPLIERS[sub.supplier])
    return f"{label} {sub.supplier_name}" if sub.supplier_name else label


def _counts(sub_id: str) -> dict[int, set[int]]:
    got: dict[int, set[int]] = {}
    for row in SerialReceipt.select(SerialReceipt.number, SerialReceipt.copy).where(
        SerialReceipt.subscription == sub_id
    ):
        got.setdefault(row.number, set()).add(row.copy)
    return got


def _last_claims(sub_id: str) -> dict[int, str]:
    last: dict[int, str] = {}
    for row in SerialClaim.select(SerialClaim.number, SerialClaim.claimed_at).where(SerialClaim.subscription == sub_id):
        last[row.number] = max(last.get(row.number, ""), row.claimed_at)
    return last


def late_issues(session: Session, today: dt.date | None = None, *, supplier: str | None = None) -> list[LateIssue]:
    """Every expected issue with copies for this desk still missing after its frequency's days of grace."""
    session.require(Permission.SERIALS)
    today = today or session.now().date()
    subs = (
        SerialSubscription.select(SerialSubscription, SerialTitle)
        .join(SerialTitle)
        .where(SerialSubscription.year.in_([today.year, today.year - 1]), SerialSubscription.state == "active")
        .order_by(SerialTitle.title, SerialSubscription.year)
    )
    if supplier:
        subs = subs.where(SerialSubscription.supplier == supplier)
    late = []
    for sub in subs:
        title = sub.title
        grace = dt.timedelta(days=CLAIM_AFTER_DAYS[title.frequency])
        window = grace + dt.timedelta(days=CLAIM_WITHIN_DAYS)
        issues = [i for i in expected_issues(sub, title) if i.date + grace <= today < i.date + window]
        if not issues:
            continue
        mine = [s[0] for s in own_slots(session, sub)]
        got, claimed = _counts(sub.id), _last_claims(sub.id)
        for issue in issues:
            missing = sum(1 for copy in mine if copy not in got.get(issue.number, set()))
            if missing:
                late.append(
                    LateIssue(
                        sub.id,
                        title.title,
                        title.kind,
                        sub.year,
                        issue.number,
                        issue.label(title.kind),
                        issue.date.isoformat(),
                        (today - issue.date).days,
                        missing,
                        sub.supplier,
                        _supplier_text(sub),
                        claimed.get(issue.number),
                    )
                )
    return late


def _issue(sub: SerialSubscription, number: int) -> Issue | None:
    return next((i for i in expected_issues(sub) if i.number == number), None)


@writes
def claim(session: Session, title: str, year: int, number: int, *, copies: int | None = None) -> ClaimInfo:
    """Record a claim for a missing issue, sent today to the subscription's supplier."""
    session.require(Permission.SERIALS)
    row = find_title(title)
    sub = SerialSubscription.get_or_none(SerialSubscription.title == row.id, SerialSubscription.year == year)
    if sub is None:
        raise NotFound("serials.not_subscribed", "{title} is not on the list for {year}.", title=row.title, year=year)
    issue = _issue(sub, number)
    if issue is None:
        raise Invalid(
            "serials.no_such_issue",
            "{title} has no issue {number} in {year}.",
            title=row.title,
            number=number,
            year=year,
        )
    return _claim(session, sub, issue, copies)


def _claim(session: Session, sub: SerialSubscription, issue: Issue, copies: int | None) -> ClaimInfo:
    title = sub.title
    missing = sub.copies - len(received_copies(sub.id, issue.number))
    if missing <= 0:
        raise Invalid(
            "serials.claim_received",
            "{title} {issue} has come; there is nothing to claim.",
            title=title.title,
            issue=issue.label(title.kind),
        )
    count = copies if copies is not None else min(missing, len(own_slots(session, sub)) or missing)
    if not 1 <= count <= missing:
        raise Invalid("serials.claim_copies", "Claim 1 to {missing} copies.", missing=missing)
    today = session.now().date()
    cid = claim_id(sub.id, issue.number, today)
    if SerialClaim.get_or_none(SerialClaim.id == cid) is not None:
        raise Invalid(
            "serials.claimed_today",
            "{title} {issue} was already claimed today.",
            title=title.title,
            issue=issue.label(title.kind),
        )
    with session.write() as writer:
        SerialClaim.insert(
            id=cid,
            subscription=sub.id,
            number=issue.number,
            copies=count,
            supplier=sub.supplier,
            claimed_at=session.library.now_text(),
            claimed_by=session.staff.id,
            branch=session.library.node.branch_id,
        ).execute()
        writer.journal(
            "serials.claim",
            "serial_claim",
            cid,
            {"subscription_id": sub.id, "number": issue.number, "copies": count, "supplier": sub.supplier},
        )
    return claim_info(SerialClaim.get_by_id(cid))


@writes
def claim_late(session: Session, *, supplier: str | None = None, today: dt.date | None = None) -> list[ClaimInfo]:
    """Claim every late issue not claimed in its frequency's days of grace (one claim per issue)."""
    session.require(Permission.SERIALS)
    today = today or session.now().date()
    made = []
    for late in late_issues(session, today, supplier=supplier):
        sub = SerialSubscription.get_by_id(late.subscription_id)
        grace = CLAIM_AFTER_DAYS[sub.title.frequency]
        if late.last_claimed and (today - dt.date.fromisoformat(late.last_claimed[:10])).days < grace:
            continue
        issue = _issue(sub, late.number)
        if issue is not None:
            made.append(_claim(session, sub, issue, late.missing))
    if not made:
        raise Invalid("serials.nothing_to_claim", "No late issue is waiting to be claimed.")
    return made


def claim_state(row: SerialClaim) -> str:
    if row.closed_at:
        return row.closed_as or "received"
    if len(received_copies(row.subscription_id, row.number)) >= row.subscription.copies:
        return "received"
    return "open"


def claim_info(row: SerialClaim) -> ClaimInfo:
    sub = row.subscription
    title = sub.title
    issue = _issue(sub, row.number)
    label = issue.label(title.kind) if issue else _("{year} No. {number}").format(year=sub.year, number=row.number)
    return ClaimInfo(
        row.id,
        title.title,
        sub.year,
        row.number,
        label,
        issue.date.isoformat() if issue else None,
        row.copies,
        row.supplier,
        _supplier_text(sub),
        row.claimed_at,
        claim_state(row),
    )


def list_claims(session: Session, *, state: str | None = "open", supplier: str | None = None) -> list[ClaimInfo]:
    """Claims, the open ones by default (an issue received since answers its claim)."""
    session.require(Permission.SERIALS)
    query = (
        SerialClaim.select(SerialClaim, SerialSubscription, SerialTitle)
        .join(SerialSubscription)
        .join(SerialTitle)
        .order_by(SerialClaim.supplier, SerialTitle.title, SerialClaim.number)
    )
    if supplier:
        query = query.where(SerialClaim.supplier == supplier)
    found = [claim_info(row) for row in query]
    return [c for c in found if state is None or c.state == state]


@writes
def cancel_claim(session: Session, claim: str) -> ClaimInfo:
    """Withdraw a claim (the supplier says the issue was never published)."""
    session.require(Permission.SERIALS)
    row = SerialClaim.get_or_none(SerialClaim.id == claim)
    if row is None:
        raise NotFound("serials.no_such_claim", "There is no such claim.")
    if row.closed_at:
        raise Invalid("serials.claim_closed", "This claim is already closed.")
    with session.write() as writer:
        SerialClaim.update(closed_at=session.library.now_text(), closed_as="cancelled").where(
            SerialClaim.id == row.id
        ).execute()
        writer.journal("serials.claim_cancel", "serial_claim", row.id, {})
    return claim_info(SerialClaim.get_by_id(row.id))
