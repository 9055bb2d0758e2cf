"""Where a copy goes after it comes back to a desk, and its journey there.

After a return (or the arrival of a transit, a cancelled or expired hold) a copy goes, in
this order: to the next reader waiting for it (trapped for a hold, on this hold shelf or in
transit to the pickup branch); to the branch it was sent to on rotation; stays where it is
if its collection floats; else home. The desk is told which, in words, and a transit slip
goes with every copy that travels, so the desk always knows where each copy is expected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db import prepared
from db.models import BibRecord, Branch, Hold, Item, Transit
from ils.branches import get_branch
from ils.catalogue.items import get_item
from ils.circulation.calendar import next_open_day
from ils.circulation.places import Place, branch_name, place_of
from ils.circulation.settings import circulation_settings
from ils.errors import Invalid
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.session import Session, writes

REASONS: dict[str, str] = {
    "home": N_("back to its home branch"),
    "hold": N_("for a hold"),
    "rotation": N_("on rotation"),
    "rotation_return": N_("back from rotation"),
}
SHELVE, HOLD_SHELF, TRANSIT = "shelve", "hold_shelf", "transit"


@dataclass(frozen=True)
class Disposition:
    """What the desk does with the copy in its hand now."""

    action: str  # SHELVE, HOLD_SHELF or TRANSIT
    message: str
    to_branch_code: str | None = None
    to_branch_name: str | None = None
    transit_id: str | None = None
    hold_id: str | None = None
    hold_expires_on: str | None = None


@dataclass(frozen=True)
class TransitInfo:
    id: str
    barcode: str
    title: str
    from_branch: str
    to_branch: str
    reason: str
    reason_label: str
    sent_at: str
    received_at: str | None


def expected_branch(item: Item) -> str:
    """The branch a copy belongs at now: its rotation point, where it floated to, or home."""
    if item.rotation_batch_id is not None:
        return item.rotation_batch.to_branch_id
    return item.at_branch_id or item.branch_id


def send(
    writer: Writer,
    item: Item,
    here: Place,
    to_branch_id: str,
    reason: str,
    *,
    hold: Hold | None = None,
    batch_id: str | None = None,
    now: str,
) -> Transit:
    row = Transit.create(
        item=item.id,
        from_branch=here.branch_id,
        to_branch=to_branch_id,
        reason=reason,
        hold=hold.id if hold else None,
        rotation_batch=batch_id,
        sent_at=now,
    )
    Item.update(status="in_transit", updated_at=now).where(Item.id == item.id).execute()
    writer.journal(
        "transit.send",
        "transit",
        row.id,
        {"item_id": item.id, "barcode": item.barcode, "from": here.branch_code, "to": to_branch_id, "reason": reason},
    )
    return row


_NEXT_HOLD = (
    f"SELECT {prepared.columns(Hold, 'h')} FROM hold h WHERE h.bib_id = ? AND h.state = 'waiting'"
    " AND (h.item_id IS NULL OR h.item_id = ?) ORDER BY h.placed_at LIMIT 1"
)


def _next_hold(item: Item) -> Hold | None:
    """The longest-waiting hold this copy can fill: one on this copy, or on its record (asked at
    every return, so in plain SQL on the queue's index)."""
    row = Hold._meta.database.execute_sql(_NEXT_HOLD, (item.bib_id, item.id)).fetchone()
    return prepared.model_at(Hold, row) if row is not None else None


def hold_shelf_until(branch_id: str, today: dt.date) -> str:
    days = circulation_settings().hold_shelf_days
    return next_open_day(branch_id, today + dt.timedelta(days=days)).isoformat()


def put_on_hold_shelf(writer: Writer, item: Item, hold: Hold, today: dt.date, now: str) -> str:
    until = hold_shelf_until(hold.pickup_branch_id, today)
    Hold.update(
        state="ready", trapped_item=item.id, trapped_at=hold.trapped_at or now, ready_at=now, expires_on=until
    ).where(Hold.id == hold.id).execute()
    Item.update(status="on_hold_shelf", updated_at=now).where(Item.id == item.id).execute()
    writer.journal("hold.ready", "hold", hold.id, {"item_id": item.id, "barcode": item.barcode, "until": until})
    return until


def route(writer: Writer, item: Item, here: Place, today: dt.date, now: str) -> Disposition:
    """Decide and record where the copy goes from this desk (see the module docstring).

    ``item`` must be as stored now (its rotation batch, where it lives): callers read it
    within the same call.
    """
    hold = _next_hold(item)
    if hold is not None:
        writer.journal("hold.trap", "hold", hold.id, {"item_id": item.id, "barcode": item.barcode})
        Hold.update(trapped_item=item.id, trapped_at=now).where(Hold.id == hold.id).execute()
        if hold.pickup_branch_id == here.branch_id:
            until = put_on_hold_shelf(writer, item, hold, today, now)
            return Disposition(
                HOLD_SHELF,
                _("Put it on the hold shelf, kept until {date}.").format(date=until),
                hold_id=hold.id,
                hold_expires_on=until,
            )
        Hold.update(state="in_transit").where(Hold.id == hold.id).execute()
        row = send(writer, item, here, hold.pickup_branch_id, "hold", hold=hold, now=now)
        name = branch_name(hold.pickup_branch_id)
        return Disposition(
            TRANSIT,
            _("Hold for a reader: send it to {branch}.").format(branch=name),
            hold.pickup_branch.code,
            name,
            row.id,
            hold.id,
        )
    target = expected_branch(item)
    floating = item.location_id is not None and bool(item.location.floating)
    if target != here.branch_id and floating and item.rotation_batch_id is None:
        Item.update(
            status="available", at_branch=None if here.branch_id == item.branch_id else here.branch_id, updated_at=now
        ).where(Item.id == item.id).execute()
        writer.journal("item.float", "item", item.id, {"barcode": item.barcode, "at": here.branch_code})
        return Disposition(SHELVE, _("Floating collection: shelve it here."))
    if target != here.branch_id:
        reason = "rotation" if item.rotation_batch_id is not None else "home"
        row = send(writer, item, here, target, reason, batch_id=item.rotation_batch_id, now=now)
        name = branch_name(target)
        return Disposition(
            TRANSIT,
            _("Send it to {branch} ({reason}).").format(branch=name, reason=_(REASONS[reason])),
            Branch.get_by_id(target).code,
            name,
            row.id,
        )
    Item._meta.database.execute_sql("UPDATE item SET status = 'available', updated_at = ? WHERE id = ?", (now, item.id))
    return Disposition(SHELVE, _("Shelve it."))


def _info(row: Transit) -> TransitInfo:
    return TransitInfo(
        row.id,
        row.item.barcode,
        row.item.bib.title,
        row.from_branch.name,
        row.to_branch.name,
        row.reason,
        _(REASONS[row.reason]),
        row.sent_at,
        row.received_at,
    )


def arrive(writer: Writer, item: Item, here: Place, today: dt.date, now: str) -> Disposition | None:
    """Close the copy's open transit if it was coming here; None when it had none.

    A copy that reaches the wrong branch keeps its transit open and is sent on.
    """
    transit = Transit.get_or_none(Transit.item == item.id, Transit.received_at.is_null())
    if transit is None:
        return None
    if transit.to_branch_id != here.branch_id:
        return Disposition(
            TRANSIT,
            _("This copy is on its way to {branch}, not here: send it on.").format(branch=transit.to_branch.name),
            transit.to_branch.code,
            transit.to_branch.name,
            transit.id,
        )
    Transit.update(received_at=now, received_branch=here.branch_id).where(Transit.id == transit.id).execute()
    writer.journal(
        "transit.receive", "transit", transit.id, {"item_id": item.id, "barcode": item.barcode, "at": here.branch_code}
    )
    if transit.hold_id is not None:
        hold = Hold.get_by_id(transit.hold_id)
        if hold.state == "in_transit":
            until = put_on_hold_shelf(writer, item, hold, today, now)
            return Disposition(
                HOLD_SHELF,
                _("Put it on the hold shelf, kept until {date}.").format(date=until),
                hold_id=hold.id,
                hold_expires_on=until,
            )
    return route(writer, item, here, today, now)


@writes
def receive(session: Session, barcode: str, *, point: str | None = None) -> Disposition:
    """A copy arrived by the library's van or courier: close its transit and say where it goes."""
    session.require(Permission.CIRCULATE)
    item = get_item(barcode)
    here = place_of(session, point)
    transit = Transit.get_or_none(Transit.item == item.id, Transit.received_at.is_null())
    if transit is None:
        raise Invalid("circ.not_in_transit", "{barcode} is not in transit.", barcode=item.barcode)
    if transit.to_branch_id != here.branch_id:
        raise Invalid(
            "circ.transit_elsewhere",
            "This copy is on its way to {branch}, not here: send it on.",
            branch=transit.to_branch.name,
        )
    with session.write() as writer:
        arrived = arrive(writer, item, here, session.now().date(), session.library.now_text())
    assert arrived is not None  # its open transit comes here, checked above
    return arrived


def transits(session: Session, *, branch: str | None = None, incoming: bool = True) -> list[TransitInfo]:
    """Open transits coming to (or leaving) a branch, oldest first: what the van should carry."""
    session.require(Permission.CIRCULATE)
    branch_id = get_branch(branch).id if branch else place_of(session).branch_id
    column = Transit.to_branch if incoming else Transit.from_branch
    query = (
        Transit.select(Transit, Item, BibRecord)
        .join(Item)
        .join(BibRecord)
        .where(Transit.received_at.is_null(), column == branch_id)
        .order_by(Transit.sent_at)
    )
    return [_info(row) for row in query]
