"""Subscriptions: a title taken for a year, and the yearly renewal (征订).

A subscription names its supplier (China Post's yearly subscription, an agent, a gift, an
exchange), the price per issue and per year (per copy, in fen), the number of copies and
where each copy goes (``routing``: rooms of the central library, branches), and the year's
numbering (卷, the first 期, the first 总第N期). Its id is name-based on the title and the year,
so renewing at two desks makes one subscription, not two.

Renewal copies a year's active subscriptions to the next (the volume one up, the running
total continued from this year's prediction); cancellations and additions are then made on
the new year's list, which prints with totals per supplier and exports as XLSX.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from db.ids import ILS_NAMESPACE
from db.models import Location, SerialSubscription, SerialTitle
from ils.catalogue.locations import get_location
from ils.errors import Invalid, Message, NotFound
from ils.i18n import N_, _
from ils.money import parse_yuan
from ils.permissions import Permission
from ils.serials.patterns import Issue, predict
from ils.serials.titles import find_title, pattern_of
from ils.session import Session, writes
from ils.text_input import clean_input

SUPPLIERS: dict[str, str] = {
    "post": N_("China Post (邮局征订)"),
    "agent": N_("Agent"),
    "gift": N_("Gift"),
    "exchange": N_("Exchange"),
}
STATES: dict[str, str] = {"active": N_("Subscribed"), "cancelled": N_("Cancelled")}
MAX_COPIES = 50


@dataclass(frozen=True)
class Destination:
    location_id: str
    code: str
    name: str
    branch_id: str
    branch_name: str
    copies: int


@dataclass(frozen=True)
class SubscriptionInfo:
    id: str
    title_id: str
    title: str
    kind: str
    year: int
    supplier: str
    supplier_label: str
    supplier_name: str | None
    price_issue_fen: int | None
    price_year_fen: int | None
    copies: int
    routing: tuple[Destination, ...]
    volume: int | None
    first_number: int
    first_total: int | None
    state: str
    state_label: str
    issues_expected: int
    total_fen: int
    note: str | None

    @property
    def supplier_text(self) -> str:
        return f"{self.supplier_label} {self.supplier_name}" if self.supplier_name else self.supplier_label


def subscription_id(title_id: str, year: int) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"serial_subscription:{title_id}:{year}"))


_PLACES = (
    "SELECT l.id, l.code, l.name, l.branch_id, b.name FROM location l JOIN branch b ON b.id = l.branch_id"
    " WHERE l.id IN (SELECT value FROM json_each(?))"
)


def routing_of(row: SerialSubscription) -> tuple[Destination, ...]:
    """Where the copies go, in routing order (one query: the desk asks at every scan)."""
    pairs = json.loads(row.routing or "[]")
    cursor = SerialSubscription._meta.database.execute_sql(_PLACES, (json.dumps([p[0] for p in pairs]),))
    places = {r[0]: r for r in cursor.fetchall()}
    return tuple(
        _destination(places[location_id], int(copies)) for location_id, copies in pairs if location_id in places
    )


def _destination(place: tuple[str, str, str, str, str], copies: int) -> Destination:
    location_id, code, name, branch_id, branch_name = place
    return Destination(location_id, code, name, branch_id, branch_name, copies)


def slots(row: SerialSubscription) -> list[tuple[int, str | None]]:
    """(copy number, location id) for each copy, in routing order; copies not routed go nowhere named."""
    out: list[tuple[int, str | None]] = []
    for dest in routing_of(row):
        for _n in range(dest.copies):
            out.append((len(out) + 1, dest.location_id))
    while len(out) < row.copies:
        out.append((len(out) + 1, None))
    return out[: row.copies]


def expected_issues(row: SerialSubscription, title: SerialTitle | None = None) -> tuple[Issue, ...]:
    """The year's predicted issues; ``title``: the subscription's title when the caller has it read."""
    return predict(
        pattern_of(title or row.title),
        row.year,
        volume=row.volume,
        first_number=row.first_number,
        first_total=row.first_total,
    )


def year_price(row: SerialSubscription, issues: int) -> int:
    """Per copy: the yearly price when known, else the issue price times the issues expected."""
    if row.price_year_fen is not None:
        return row.price_year_fen
    return (row.price_issue_fen or 0) * issues


def info(row: SerialSubscription) -> SubscriptionInfo:
    title = row.title
    issues = len(expected_issues(row))
    return SubscriptionInfo(
        row.id,
        title.id,
        title.title,
        title.kind,
        row.year,
        row.supplier,
        _(SUPPLIERS[row.supplier]),
        row.supplier_name,
        row.price_issue_fen,
        row.price_year_fen,
        row.copies,
        routing_of(row),
        row.volume,
        row.first_number,
        row.first_total,
        row.state,
        _(STATES[row.state]),
        issues,
        year_price(row, issues) * row.copies if row.state == "active" else 0,
        row.note,
    )


def _year(year: int) -> int:
    if not isinstance(year, int) or not 1900 <= year <= 2200:
        raise Invalid("serials.bad_year", "{year} is not a subscription year.", year=year)
    return year


def _price(text: str | None, field: str) -> int | None:
    return parse_yuan(text, field=field) if text is not None and str(text).strip() else None


def _routing(session: Session, routing: Sequence[tuple[str, int]], copies: int) -> str:
    """Routing as stored: ``[[location id, copies], …]``; the default sends every copy to this
    desk's periodicals room (a location coded ``…-BK``), else to the branch's first location."""
    if not routing:
        branch_id = session.library.node.branch_id
        room = (
            Location.select().where(Location.branch == branch_id, Location.code.endswith("-BK")).first()
            or Location.select().where(Location.branch == branch_id).order_by(Location.code).first()
        )
        return json.dumps([[room.id, copies]] if room else [])
    pairs: dict[str, int] = {}
    for code, count in routing:
        location = get_location(code)
        if int(count) < 1:
            raise Invalid("serials.routing_copies", "Each destination gets one copy or more.")
        pairs[location.id] = pairs.get(location.id, 0) + int(count)
    if sum(pairs.values()) != copies:
        raise Invalid(
            "serials.routing_total",
            "The destinations get {routed} copies, but {copies} are subscribed.",
            routed=sum(pairs.values()),
            copies=copies,
        )
    return json.dumps([[k, v] for k, v in pairs.items()])


def parse_routing(text: str | None) -> list[tuple[str, int]]:
    """``ZG-BK:2, ZG-SE, YS:1`` as (location code, copies) pairs; a code without a count gets one copy."""
    pairs = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        code, _colon, count = part.replace("：", ":").partition(":")
        try:
            pairs.append((code.strip(), int(count) if count.strip() else 1))
        except ValueError:
            raise Invalid(
                "serials.bad_routing", "Write destinations as location codes with copies, e.g. ZG-BK:2, YS:1."
            ) from None
    return pairs


def _copies(copies: int) -> int:
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise Invalid("serials.copies", "Subscribe to 1 to {max} copies.", max=MAX_COPIES)
    return copies


def _supplier(supplier: str) -> str:
    if supplier not in SUPPLIERS:
        raise Invalid(
            "serials.unknown_supplier",
            "Unknown {what} {value}; choose one of: {choices}.",
            what=Message("input.field", N_("supplier")),
            value=supplier,
            choices=", ".join(SUPPLIERS),
        )
    return supplier


@writes
def subscribe(
    session: Session,
    title: str,
    year: int,
    *,
    supplier: str = "post",
    supplier_name: str | None = None,
    price_issue: str | None = None,
    price_year: str | None = None,
    copies: int = 1,
    routing: Sequence[tuple[str, int]] = (),
    volume: int | None = None,
    first_number: int = 1,
    first_total: int | None = None,
    note: str | None = None,
) -> SubscriptionInfo:
    """Take a title for a year (an addition to the list)."""
    session.require(Permission.SERIALS)
    row = find_title(title)
    year = _year(year)
    copies = _copies(copies)
    sid = subscription_id(row.id, year)
    if SerialSubscription.get_or_none(SerialSubscription.id == sid) is not None:
        raise Invalid(
            "serials.already_subscribed", "{title} is already on the list for {year}.", title=row.title, year=year
        )
    if first_number < 1 or (first_total is not None and first_total < 1) or (volume is not None and volume < 1):
        raise Invalid("serials.bad_numbering", "Volume, first issue and running total are numbers from 1.")
    values = dict(
        id=sid,
        title=row.id,
        year=year,
        supplier=_supplier(supplier),
        supplier_name=clean_input(supplier_name, N_("Supplier"), required=False, max_length=60) or None,
        price_issue_fen=_price(price_issue, N_("Price per issue")),
        price_year_fen=_price(price_year, N_("Price per year")),
        copies=copies,
        routing=_routing(session, routing, copies),
        volume=volume,
        first_number=first_number,
        first_total=first_total,
        note=clean_input(note, N_("Note"), required=False, max_length=200) or None,
    )
    now = session.library.now_text()
    with session.write() as writer:
        SerialSubscription.insert(**values, state="active", created_at=now, updated_at=now).execute()
        writer.journal(
            "serials.subscribe",
            "serial_subscription",
            sid,
            {k: v for k, v in values.items() if k not in ("id", "note")} | {"title": row.id},
        )
    return info(SerialSubscription.get_by_id(sid))


def find_subscription(title: str, year: int) -> SerialSubscription:
    row = find_title(title)
    sub = SerialSubscription.get_or_none(SerialSubscription.id == subscription_id(row.id, year))
    if sub is None:
        raise NotFound("serials.not_subscribed", "{title} is not on the list for {year}.", title=row.title, year=year)
    return sub


@writes
def change_subscription(
    session: Session,
    title: str,
    year: int,
    *,
    supplier: str | None = None,
    supplier_name: str | None = None,
    price_issue: str | None = None,
    price_year: str | None = None,
    copies: int | None = None,
    routing: Sequence[tuple[str, int]] | None = None,
) -> SubscriptionInfo:
    """Change what a subscription costs, how many copies come and where they go."""
    session.require(Permission.SERIALS)
    sub = find_subscription(title, year)
    changes: dict = {}
    if supplier is not None:
        changes["supplier"] = _supplier(supplier)
    if supplier_name is not None:
        changes["supplier_name"] = clean_input(supplier_name, N_("Supplier"), required=False, max_length=60) or None
    if price_issue is not None:
        changes["price_issue_fen"] = _price(price_issue, N_("Price per issue"))
    if price_year is not None:
        changes["price_year_fen"] = _price(price_year, N_("Price per year"))
    count = _copies(copies) if copies is not None else sub.copies
    if copies is not None or routing is not None:
        current = [(d.code, d.copies) for d in routing_of(sub)]
        pairs = routing or ([(current[0][0], count)] if len(current) == 1 else current if count == sub.copies else ())
        changes["copies"] = count
        changes["routing"] = _routing(session, pairs, count)
    if not changes:
        return info(sub)
    with session.write() as writer:
        SerialSubscription.update(**changes, updated_at=session.library.now_text()).where(
            SerialSubscription.id == sub.id
        ).execute()
        writer.journal("serials.subscription_change", "serial_subscription", sub.id, changes)
    return info(SerialSubscription.get_by_id(sub.id))


@writes
def cancel(session: Session, title: str, year: int, *, reinstate: bool = False) -> SubscriptionInfo:
    """Mark a subscription cancelled for the year (or take the cancellation back)."""
    session.require(Permission.SERIALS)
    sub = find_subscription(title, year)
    state = "active" if reinstate else "cancelled"
    with session.write() as writer:
        SerialSubscription.update(state=state, updated_at=session.library.now_text()).where(
            SerialSubscription.id == sub.id
        ).execute()
        writer.journal("serials.subscription_state", "serial_subscription", sub.id, {"state": state})
    return info(SerialSubscription.get_by_id(sub.id))


@dataclass(frozen=True)
class Renewal:
    year: int
    copied: int
    already: int


@writes
def renew_year(session: Session, from_year: int, to_year: int | None = None) -> Renewal:
    """Copy ``from_year``'s active subscriptions to the next year: same supplier, prices, copies
    and routing, the volume one up, the running total continued. Titles already on the new list
    are left as they are."""
    session.require(Permission.SERIALS)
    from_year = _year(from_year)
    to_year = _year(to_year if to_year is not None else from_year + 1)
    if to_year <= from_year:
        raise Invalid("serials.renew_forward", "Renew from one year to a later one.")
    rows = list(
        SerialSubscription.select(SerialSubscription, SerialTitle)
        .join(SerialTitle)
        .where(SerialSubscription.year == from_year, SerialSubscription.state == "active")
    )
    if not rows:
        raise Invalid("serials.nothing_to_renew", "No subscriptions are active in {year}.", year=from_year)
    copied = already = 0
    now = session.library.now_text()
    with session.write() as writer:
        for row in rows:
            sid = subscription_id(row.title_id, to_year)
            if SerialSubscription.get_or_none(SerialSubscription.id == sid) is not None:
                already += 1
                continue
            issues = expected_issues(row)
            total = (issues[-1].total + 1) if issues and issues[-1].total else None
            step = to_year - from_year
            SerialSubscription.insert(
                id=sid,
                title=row.title_id,
                year=to_year,
                supplier=row.supplier,
                supplier_name=row.supplier_name,
                price_issue_fen=row.price_issue_fen,
                price_year_fen=row.price_year_fen,
                copies=row.copies,
                routing=row.routing,
                volume=row.volume + step if row.volume else None,
                first_number=1,
                first_total=total if step == 1 else None,
                state="active",
                note=None,
                created_at=now,
                updated_at=now,
            ).execute()
            copied += 1
        writer.journal(
            "serials.renew",
            "serial_subscription",
            None,
            {"from_year": from_year, "to_year": to_year, "copied": copied, "already": already},
        )
    return Renewal(to_year, copied, already)


def list_subscriptions(year: int, *, kind: str | None = None, state: str | None = None) -> list[SubscriptionInfo]:
    query = (
        SerialSubscription.select(SerialSubscription, SerialTitle)
        .join(SerialTitle)
        .where(SerialSubscription.year == year)
        .order_by(SerialTitle.kind.desc(), SerialTitle.title)
    )
    if kind:
        query = query.where(SerialTitle.kind == kind)
    if state:
        query = query.where(SerialSubscription.state == state)
    return [info(row) for row in query]


@dataclass(frozen=True)
class SupplierTotal:
    supplier: str
    label: str
    titles: int
    copies: int
    total_fen: int


@dataclass(frozen=True)
class OrderList:
    year: int
    lines: tuple[SubscriptionInfo, ...]
    suppliers: tuple[SupplierTotal, ...]
    cancelled: tuple[SubscriptionInfo, ...]
    total_fen: int


def order_list(year: int) -> OrderList:
    """The year's order (征订单): active subscriptions by supplier with their totals, and what was cancelled."""
    every = list_subscriptions(_year(year))
    active = [s for s in every if s.state == "active"]
    active.sort(
        key=lambda s: (list(SUPPLIERS).index(s.supplier), s.supplier_name or "", s.kind != "newspaper", s.title)
    )
    totals: dict[tuple[str, str], list[int]] = {}
    for s in active:
        entry = totals.setdefault((s.supplier, s.supplier_text), [0, 0, 0])
        entry[0] += 1
        entry[1] += s.copies
        entry[2] += s.total_fen
    suppliers = tuple(SupplierTotal(k[0], k[1], *v) for k, v in totals.items())
    return OrderList(
        year,
        tuple(active),
        suppliers,
        tuple(s for s in every if s.state == "cancelled"),
        sum(s.total_fen for s in active),
    )
