"""Book rotation (图书流转): a batch of copies lent by one branch to another branch, a service
point or a van stop for a period, then brought back.

A batch is packed (created, copies scanned into it), sent, and brought back. While it is
out, each copy's ``rotation_batch`` names it and ``at_branch`` says where the copy lives:
a return anywhere routes the copy to the batch's branch (``transit.route``), and a loan
there carries the batch (``loans.checkout``), so loans of rotated stock count for the batch
and, through ``point=``, for the service point or stop. Bringing the batch back clears
both: copies on the shelf travel home, copies on loan go home when they are returned.

The schema's ``rotation_batch.sent_at`` and ``rotation_item.sent_at`` cannot be NULL, so a
batch (and a copy in it) still being packed has them empty until the batch is sent.
The annual report's figure (流转图书 9,500 册) is ``rotation_year``: the copies of the
batches sent in the year, per receiving branch.

Packing, sending and bringing back read the batch and its copies inside the write
(``@writes``): a copy lent at the desk while the batch is sent is either lent or sent, never
both. A copy refused or left behind is named with a reason that carries its code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from peewee import fn

from db.models import BibRecord, Branch, Item, Loan, RotationBatch, RotationItem, ServicePoint
from ils.branches import get_branch
from ils.catalogue.items import get_item, status_label
from ils.circulation.places import Place, place_of
from ils.circulation.refusals import Refused
from ils.circulation.transit import send
from ils.errors import Invalid, Message, NotFound, message
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.session import Session, writes
from ils.validation import clean_code

NOT_SENT = ""  # sent_at of a batch, and of its copies, while it is being packed
PACKING, OUT, BACK = "packing", "out", "back"
STATES: dict[str, str] = {
    PACKING: N_("Being packed"),
    OUT: N_("Out on rotation"),
    BACK: N_("Brought back"),
}


@dataclass(frozen=True)
class BatchInfo:
    id: str
    code: str
    state: str
    state_label: str
    from_branch_code: str
    from_branch_name: str
    to_branch_code: str
    to_branch_name: str
    to_point_code: str | None
    to_point_name: str | None
    sent_at: str | None
    due_back_on: str
    returned_at: str | None
    note: str | None
    items: int  # copies in the batch
    on_loan: int  # of them, on loan now
    loans: int  # loans made of the batch's copies while it was out
    late: bool  # out after its due-back date

    @property
    def destination(self) -> str:
        return f"{self.to_branch_name} · {self.to_point_name}" if self.to_point_name else self.to_branch_name


@dataclass(frozen=True)
class ItemNote:
    """A copy the desk is told about in words: refused, left behind, or not on the shelf."""

    barcode: str
    note: Message


@dataclass(frozen=True)
class AddResult:
    batch: BatchInfo
    added: tuple[str, ...]
    refused: tuple[ItemNote, ...]


@dataclass(frozen=True)
class SendResult:
    batch: BatchInfo
    sent: tuple[str, ...]
    in_transit: bool  # the copies travel (False when the batch stays in its own branch)
    left_behind: tuple[ItemNote, ...]


@dataclass(frozen=True)
class BringBackResult:
    batch: BatchInfo
    sent_home: tuple[str, ...]  # on the shelf at the batch's place, now in transit home
    shelved: tuple[str, ...]  # back on the home shelves at once (a batch within its own branch)
    elsewhere: tuple[ItemNote, ...]  # on loan, in transit or kept for a hold: they go home later


@dataclass(frozen=True)
class BatchItem:
    barcode: str
    title: str
    call_number: str
    status: str
    status_label: str
    loans: int
    returned_at: str | None


@dataclass(frozen=True)
class BatchDetail:
    batch: BatchInfo
    items: tuple[BatchItem, ...]


@dataclass(frozen=True)
class RotationFigure:
    """One receiving branch's rotation in a year."""

    branch_code: str
    branch_name: str
    batches: int
    volumes: int  # copies in the batches sent that year
    returned: int  # copies brought back that year
    loans: int  # loans of rotated copies made that year


@dataclass(frozen=True)
class RotationYear:
    year: int
    batches: int
    volumes: int
    returned: int
    loans: int
    branches: tuple[RotationFigure, ...]


def _state(batch: RotationBatch) -> str:
    if batch.returned_at:
        return BACK
    return PACKING if batch.sent_at == NOT_SENT else OUT


def _infos(batches: list[RotationBatch], today: dt.date) -> list[BatchInfo]:
    """Batches with their counts, three grouped queries for the whole list."""
    ids = [b.id for b in batches]
    if not ids:
        return []
    items = dict(
        RotationItem.select(RotationItem.batch, fn.COUNT(RotationItem.id))
        .where(RotationItem.batch.in_(ids))
        .group_by(RotationItem.batch)
        .tuples()
    )
    loans = Loan.select(Loan.rotation_batch, fn.COUNT(Loan.id)).where(Loan.rotation_batch.in_(ids))
    made = dict(loans.group_by(Loan.rotation_batch).tuples())
    out = dict(loans.where(Loan.ended_at.is_null()).group_by(Loan.rotation_batch).tuples())
    branches = {b.id: b for b in Branch.select()}
    points = {
        p.id: p
        for p in ServicePoint.select().where(
            ServicePoint.id.in_([b.to_service_point_id for b in batches if b.to_service_point_id])
        )
    }
    result = []
    for batch in batches:
        state = _state(batch)
        origin, target = branches[batch.from_branch_id], branches[batch.to_branch_id]
        point = points.get(batch.to_service_point_id)
        result.append(
            BatchInfo(
                id=batch.id,
                code=batch.code,
                state=state,
                state_label=_(STATES[state]),
                from_branch_code=origin.code,
                from_branch_name=origin.name,
                to_branch_code=target.code,
                to_branch_name=target.name,
                to_point_code=point.code if point else None,
                to_point_name=point.name if point else None,
                sent_at=batch.sent_at or None,
                due_back_on=batch.due_back_on,
                returned_at=batch.returned_at,
                note=batch.note,
                items=items.get(batch.id, 0),
                on_loan=out.get(batch.id, 0),
                loans=made.get(batch.id, 0),
                late=state == OUT and batch.due_back_on < today.isoformat(),
            )
        )
    return result


def _info(batch_id: str, today: dt.date) -> BatchInfo:
    return _infos([RotationBatch.get_by_id(batch_id)], today)[0]


def get_batch(code: str) -> RotationBatch:
    batch = RotationBatch.get_or_none(RotationBatch.code == code.strip().upper())
    if batch is None:
        raise NotFound("circ.batch_not_found", "There is no rotation batch {code}.", code=code.strip())
    return batch


def _place(branch: Branch) -> Place:
    return Place(branch.id, branch.code, branch.name)


def _target(to: str) -> tuple[Branch, ServicePoint | None]:
    """A branch code, or the code of a service point or van stop (its branch is the target)."""
    code = to.strip().upper()
    branch = Branch.get_or_none(Branch.code == code)
    if branch is not None:
        return branch, None
    point = ServicePoint.get_or_none(ServicePoint.code == code)
    if point is None:
        raise NotFound(
            "circ.unknown_destination",
            "There is no branch, service point or van stop with the code {code}.",
            code=to.strip(),
        )
    if not point.active:
        raise Invalid("circ.batch_target_closed", "{name} is closed: a batch cannot go there.", name=point.name)
    return point.branch, point


def _next_code(origin: Branch, year: int) -> str:
    """``ZG-LZ2026-001``: numbered per sending branch and year, so offline branches never collide."""
    prefix = f"{origin.code}-LZ{year}-"
    taken = [
        code.removeprefix(prefix)
        for (code,) in RotationBatch.select(RotationBatch.code).where(RotationBatch.code.startswith(prefix)).tuples()
    ]
    number = max((int(n) for n in taken if n.isdigit()), default=0) + 1
    return f"{prefix}{number:03d}"


@writes
def create_batch(
    session: Session,
    to: str,
    *,
    due_back: dt.date,
    code: str | None = None,
    note: str | None = None,
    point: str | None = None,
) -> BatchInfo:
    """Start packing a batch at this desk's branch for a branch, a service point or a van stop."""
    session.require(Permission.ROTATE_STOCK)
    origin = Branch.get_by_id(place_of(session, point).branch_id)
    target, target_point = _target(to)
    today = session.now().date()
    if not target.active:
        raise Invalid("circ.batch_target_closed", "{name} is closed: a batch cannot go there.", name=target.name)
    if target.id == origin.id and target_point is None:
        raise Invalid("circ.batch_to_own_branch", "A batch goes to another branch, or to a service point or van stop.")
    if due_back <= today:
        raise Invalid(
            "circ.batch_due_back_past",
            "The batch must be due back after today, not on {date}.",
            date=due_back.isoformat(),
        )
    code = clean_code(code) if code else _next_code(origin, today.year)
    if RotationBatch.get_or_none(RotationBatch.code == code) is not None:
        raise Invalid("circ.batch_code_taken", "The batch code {code} is taken.", code=code)
    note = (note or "").strip() or None
    with session.write() as writer:
        batch = RotationBatch.create(
            code=code,
            from_branch=origin.id,
            to_branch=target.id,
            to_service_point=target_point.id if target_point else None,
            sent_at=NOT_SENT,
            due_back_on=due_back.isoformat(),
            note=note,
        )
        writer.journal(
            "rotation.create",
            "rotation_batch",
            batch.id,
            {
                "code": code,
                "from": origin.code,
                "to": target.code,
                "point": target_point.code if target_point else None,
                "due_back_on": batch.due_back_on,
                "note": note,
            },
        )
    return _info(batch.id, today)


def _other_batch(item: Item, batch: RotationBatch) -> RotationBatch | None:
    """A batch, packing or out, that already holds the copy."""
    row = (
        RotationItem.select(RotationItem, RotationBatch)
        .join(RotationBatch)
        .where(
            RotationItem.item == item.id,
            RotationItem.batch != batch.id,
            RotationItem.returned_at.is_null(),
            RotationBatch.returned_at.is_null(),
        )
        .first()
    )
    return row.batch if row else None


def _refusal(item: Item, batch: RotationBatch) -> Message | None:
    """Why the copy cannot go in (or out with) the batch; None when it can."""
    other = _other_batch(item, batch)
    if other is not None:
        return message(
            "circ.batch_copy_in_other_batch",
            "{barcode} is already in batch {batch}.",
            barcode=item.barcode,
            batch=other.code,
        )
    if item.status == "on_loan":
        return message("circ.batch_copy_on_loan", "{barcode} is on loan: add it once it is back.", barcode=item.barcode)
    if item.status != "available":
        return message(
            "circ.batch_copy_not_on_shelf",
            "{barcode} is not on the shelf ({status}): only copies on the shelf can go on rotation.",
            barcode=item.barcode,
            status=status_label(item.status),
        )
    if (item.at_branch_id or item.branch_id) != batch.from_branch_id:
        return message(
            "circ.batch_copy_elsewhere",
            "{barcode} is at {branch}, not at {origin}: it can only be sent from where it is.",
            barcode=item.barcode,
            branch=Branch.get_by_id(item.at_branch_id or item.branch_id).name,
            origin=batch.from_branch.name,
        )
    return None


def _packing(code: str) -> RotationBatch:
    batch = get_batch(code)
    if _state(batch) != PACKING:
        raise Invalid(
            "circ.batch_already_sent",
            "Batch {code} has already been sent: start a new batch for more copies.",
            code=batch.code,
        )
    return batch


@writes
def add_items(session: Session, code: str, barcodes: Iterable[str]) -> AddResult:
    """Scan copies into a batch being packed; each copy refused is named with the reason."""
    session.require(Permission.ROTATE_STOCK)
    batch = _packing(code)
    in_batch = {
        item_id for (item_id,) in RotationItem.select(RotationItem.item).where(RotationItem.batch == batch.id).tuples()
    }
    accepted: list[Item] = []
    refused: list[ItemNote] = []
    for typed in barcodes:
        if not typed.strip():
            continue
        try:
            item = get_item(typed)
        except (NotFound, Invalid) as error:
            refused.append(ItemNote(typed.strip(), error.message))
            continue
        reason = (
            message("circ.batch_copy_already_in", "{barcode} is already in this batch.", barcode=item.barcode)
            if item.id in in_batch
            else _refusal(item, batch)
        )
        if reason:
            refused.append(ItemNote(item.barcode, reason))
            continue
        in_batch.add(item.id)
        accepted.append(item)
    if accepted:
        with session.write() as writer:
            for item in accepted:
                row = RotationItem.create(batch=batch.id, item=item.id, sent_at=NOT_SENT)
                writer.journal(
                    "rotation.add",
                    "rotation_item",
                    row.id,
                    {"batch": batch.code, "item_id": item.id, "barcode": item.barcode},
                )
    return AddResult(_info(batch.id, session.now().date()), tuple(i.barcode for i in accepted), tuple(refused))


@writes
def send_batch(session: Session, code: str) -> SendResult:
    """Send the packed batch: each copy goes in transit to the batch's branch (or straight onto
    the shelves of a service point in the sending branch). A copy that is no longer on the
    shelf here (lent meanwhile) is left behind and taken out of the batch, and named."""
    session.require(Permission.ROTATE_STOCK)
    batch = _packing(code)
    rows = list(
        RotationItem.select(RotationItem, Item).join(Item).where(RotationItem.batch == batch.id).order_by(Item.barcode)
    )
    if not rows:
        raise Invalid("circ.batch_empty", "Batch {code} is empty: add copies before sending it.", code=batch.code)
    going: list[tuple[RotationItem, Item]] = []
    staying: list[tuple[RotationItem, ItemNote]] = []
    for row in rows:
        reason = _refusal(row.item, batch)
        if reason:
            staying.append((row, ItemNote(row.item.barcode, reason)))
        else:
            going.append((row, row.item))
    if not going:
        raise Refused(
            "circ.rotation_nothing_to_send",
            N_("Nothing in batch {code} can be sent: {reasons}"),
            [note.note for _row, note in staying],
            code=batch.code,
        )
    now = session.library.now_text()
    travels = batch.to_branch_id != batch.from_branch_id
    origin = _place(batch.from_branch)
    with session.write() as writer:
        for row, note in staying:
            row.delete_instance()
            writer.journal(
                "rotation.leave_behind",
                "rotation_item",
                row.id,
                {"batch": batch.code, "barcode": note.barcode, "reason": note.note.code},
            )
        for row, item in going:
            RotationItem.update(sent_at=now).where(RotationItem.id == row.id).execute()
            Item.update(
                rotation_batch=batch.id,
                updated_at=now,
                at_branch=None if batch.to_branch_id == item.branch_id else batch.to_branch_id,
            ).where(Item.id == item.id).execute()
            if travels:
                send(writer, item, origin, batch.to_branch_id, "rotation", batch_id=batch.id, now=now)
        RotationBatch.update(sent_at=now).where(RotationBatch.id == batch.id).execute()
        writer.journal(
            "rotation.send",
            "rotation_batch",
            batch.id,
            {
                "code": batch.code,
                "to": batch.to_branch.code,
                "items": [item.barcode for _row, item in going],
                "left_behind": [note.barcode for _row, note in staying],
            },
        )
    return SendResult(
        _info(batch.id, session.now().date()),
        tuple(item.barcode for _row, item in going),
        travels,
        tuple(note for _row, note in staying),
    )


def _elsewhere_note(item: Item, home: str) -> Message:
    if item.status == "on_loan":
        loan = Loan.get_or_none(Loan.item == item.id, Loan.ended_at.is_null())
        due = loan.due_on if loan else "?"
        return message(
            "circ.batch_back_on_loan",
            "{barcode} is on loan until {due}: when it is returned it goes to {home}.",
            barcode=item.barcode,
            due=due,
            home=home,
        )
    if item.status == "in_transit":
        return message(
            "circ.batch_back_in_transit",
            "{barcode} is in transit: on arrival it will be sent on to {home}.",
            barcode=item.barcode,
            home=home,
        )
    if item.status == "on_hold_shelf":
        return message(
            "circ.batch_back_on_hold_shelf",
            "{barcode} is kept for a reader's hold: after that it goes to {home}.",
            barcode=item.barcode,
            home=home,
        )
    return message(
        "circ.batch_back_not_here",
        "{barcode} is marked {status}: if it turns up, it goes to {home}.",
        barcode=item.barcode,
        status=status_label(item.status),
        home=home,
    )


@writes
def bring_back(session: Session, code: str) -> BringBackResult:
    """End the batch's period: copies on the shelf at its place travel home now (or are home at
    once, within one branch); the others are no longer rotated and go home when they come back."""
    session.require(Permission.ROTATE_STOCK)
    batch = get_batch(code)
    state = _state(batch)
    if state == PACKING:
        raise Invalid("circ.batch_not_sent", "Batch {code} has not been sent yet.", code=batch.code)
    if state == BACK:
        raise Invalid(
            "circ.batch_already_back",
            "Batch {code} was already brought back on {date}.",
            code=batch.code,
            date=batch.returned_at[:10],
        )
    rows = list(
        RotationItem.select(RotationItem, Item)
        .join(Item)
        .where(RotationItem.batch == batch.id, RotationItem.returned_at.is_null())
        .order_by(Item.barcode)
    )
    now = session.library.now_text()
    travels = batch.to_branch_id != batch.from_branch_id
    here = _place(batch.to_branch)
    sent_home: list[str] = []
    shelved: list[str] = []
    elsewhere: list[ItemNote] = []
    with session.write() as writer:
        RotationItem.update(returned_at=now).where(RotationItem.id.in_([r.id for r in rows])).execute()
        for row in rows:
            item = row.item
            Item.update(
                rotation_batch=None,
                updated_at=now,
                at_branch=None if batch.from_branch_id == item.branch_id else batch.from_branch_id,
            ).where(Item.id == item.id).execute()
            if item.status != "available":
                elsewhere.append(ItemNote(item.barcode, _elsewhere_note(item, batch.from_branch.name)))
            elif travels:
                send(writer, item, here, batch.from_branch_id, "rotation_return", batch_id=batch.id, now=now)
                sent_home.append(item.barcode)
            else:
                shelved.append(item.barcode)
        RotationBatch.update(returned_at=now).where(RotationBatch.id == batch.id).execute()
        writer.journal(
            "rotation.return",
            "rotation_batch",
            batch.id,
            {
                "code": batch.code,
                "sent_home": sent_home,
                "shelved": shelved,
                "elsewhere": [note.barcode for note in elsewhere],
            },
        )
    return BringBackResult(_info(batch.id, session.now().date()), tuple(sent_home), tuple(shelved), tuple(elsewhere))


def list_batches(session: Session, *, state: str | None = None, branch: str | None = None) -> list[BatchInfo]:
    """Batches being packed, then those out, then those back, newest first; ``branch`` is the
    sending or receiving branch's code."""
    session.require(Permission.ROTATE_STOCK)
    if state is not None and state not in STATES:
        raise Invalid("circ.unknown_batch_state", "A batch is one of: {states}.", states=", ".join(STATES))
    query = RotationBatch.select()
    if branch:
        row = get_branch(branch)
        query = query.where((RotationBatch.from_branch == row.id) | (RotationBatch.to_branch == row.id))
    batches = [b for b in query.order_by(RotationBatch.code) if state is None or _state(b) == state]
    batches.sort(key=lambda b: b.sent_at, reverse=True)  # stable: equal times keep the code order
    batches.sort(key=lambda b: list(STATES).index(_state(b)))
    return _infos(batches, session.now().date())


def batch_detail(session: Session, code: str) -> BatchDetail:
    """The batch and its copies: where each is now and how often it was lent on rotation."""
    session.require(Permission.ROTATE_STOCK)
    batch = get_batch(code)
    loans = dict(
        Loan.select(Loan.item, fn.COUNT(Loan.id)).where(Loan.rotation_batch == batch.id).group_by(Loan.item).tuples()
    )
    rows = (
        RotationItem.select(RotationItem, Item, BibRecord)
        .join(Item)
        .join(BibRecord)
        .where(RotationItem.batch == batch.id)
        .order_by(Item.shelf_key, Item.barcode)
    )
    items = tuple(
        BatchItem(
            row.item.barcode,
            row.item.bib.title or "",
            row.item.call_number or "",
            row.item.status,
            status_label(row.item.status),
            loans.get(row.item_id, 0),
            row.returned_at,
        )
        for row in rows
    )
    return BatchDetail(_info(batch.id, session.now().date()), items)


def rotation_year(session: Session, year: int) -> RotationYear:
    """The year's rotation per receiving branch: batches and copies sent (the annual report's
    流转图书 figure), copies brought back, and loans of rotated copies."""
    session.require(Permission.ROTATE_STOCK)
    start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    sent_in_year = (RotationBatch.sent_at >= start) & (RotationBatch.sent_at < end)
    batches = dict(
        RotationBatch.select(RotationBatch.to_branch, fn.COUNT(RotationBatch.id))
        .where(sent_in_year)
        .group_by(RotationBatch.to_branch)
        .tuples()
    )
    volumes = dict(
        RotationItem.select(RotationBatch.to_branch, fn.COUNT(RotationItem.id))
        .join(RotationBatch)
        .where(sent_in_year)
        .group_by(RotationBatch.to_branch)
        .tuples()
    )
    returned = dict(
        RotationItem.select(RotationBatch.to_branch, fn.COUNT(RotationItem.id))
        .join(RotationBatch)
        .where(RotationItem.returned_at >= start, RotationItem.returned_at < end)
        .group_by(RotationBatch.to_branch)
        .tuples()
    )
    loans = dict(
        Loan.select(RotationBatch.to_branch, fn.COUNT(Loan.id))
        .join(RotationBatch, on=Loan.rotation_batch == RotationBatch.id)
        .where(Loan.loaned_at >= start, Loan.loaned_at < end)
        .group_by(RotationBatch.to_branch)
        .tuples()
    )
    figures = []
    for branch in Branch.select().order_by(Branch.sort_order, Branch.code):
        counts = [d.get(branch.id, 0) for d in (batches, volumes, returned, loans)]
        if any(counts):
            figures.append(RotationFigure(branch.code, branch.name, *counts))
    return RotationYear(
        year,
        sum(f.batches for f in figures),
        sum(f.volumes for f in figures),
        sum(f.returned for f in figures),
        sum(f.loans for f in figures),
        tuple(figures),
    )
