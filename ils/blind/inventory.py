"""The devices as the programme asks the room to keep them: inventory by state, batch and age,
the 循环出借 view (lend devices out again in rotation), the waiting list, and the call list.

- Inventory: every device by state, by programme batch and by age; and loans that ended at
  another desk without the accessory check ("not checked").
- Rotation: the devices out longest (ask for them back when someone waits), the readers who
  have waited longest (a hold on a device model's record), and the devices idle longest on
  the shelf (lend those first).
- Call list: readers whose device loan is long overdue (``blind.call_after_days``), with the
  phone number, which only the blind room sees, and the last call made about it. A call is
  recorded in ``blind_call``, desk-local.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from peewee import JOIN, fn

from db.models import (
    BibRecord,
    BlindCall,
    BlindDevice,
    BlindLoan,
    BlindRepair,
    Hold,
    Item,
    Loan,
    Reader,
    Staff,
)
from ils.blind.eligibility import require_eligible
from ils.blind.settings import blind_settings
from ils.blind.stock import DEVICE_STATES, device_state_label, state_of
from ils.circulation.holds import HoldInfo, place_hold
from ils.circulation.standing import days_late
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.readers.keys import keys_if_any
from ils.readers.readers import PHONE_FIELD
from ils.readers.rows import display_name, reader_by_card
from ils.session import Session, writes

AGE_BANDS = (
    (0, 1, N_("under 1 year")),
    (1, 3, N_("1 to 3 years")),
    (3, 5, N_("3 to 5 years")),
    (5, 100, N_("5 years or more")),
)
CALL_OUTCOMES: dict[str, str] = {
    "reached": N_("Reached the reader"),
    "no_answer": N_("No answer"),
    "will_return": N_("Will bring it back"),
    "lost": N_("The reader has lost it"),
}


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Inventory:
    total: int
    by_state: tuple[Count, ...]
    by_batch: tuple[tuple[str, tuple[Count, ...]], ...]
    by_age: tuple[Count, ...]
    not_checked: tuple[str, ...]  # serials of devices back from another desk without the accessory check


@dataclass(frozen=True)
class DeviceOut:
    loan_id: str
    serial: str
    barcode: str
    model: str
    card_number: str | None
    reader_name: str | None
    loaned_at: str
    due_on: str
    days_out: int
    renewals: int


@dataclass(frozen=True)
class Waiting:
    hold_id: str
    card_number: str | None
    reader_name: str | None
    model: str
    placed_at: str
    days_waiting: int


@dataclass(frozen=True)
class Idle:
    serial: str
    barcode: str
    model: str
    last_returned: str | None  # None: never lent
    days_idle: int


@dataclass(frozen=True)
class Rotation:
    out_longest: tuple[DeviceOut, ...]
    waiting_longest: tuple[Waiting, ...]
    idle_longest: tuple[Idle, ...]


@dataclass(frozen=True)
class CallEntry:
    loan_id: str
    card_number: str | None
    reader_name: str | None
    phone: str | None
    serial: str
    model: str
    due_on: str
    days_overdue: int
    last_call: str | None
    last_outcome: str | None
    calls: int


def call_outcome_label(code: str | None) -> str:
    return _(CALL_OUTCOMES[code]) if code in CALL_OUTCOMES else (code or "")


def _days(since: str, today: dt.date) -> int:
    return max(0, (today - dt.date.fromisoformat(since[:10])).days)


def _devices():
    return BlindDevice.select(BlindDevice, Item).join(Item, on=(BlindDevice.item == Item.id))


def _in_repair() -> set[str]:
    return {d for (d,) in BlindRepair.select(BlindRepair.device).where(BlindRepair.back_at.is_null()).tuples()}


def inventory(session: Session) -> Inventory:
    session.require(Permission.BLIND_SERVICE)
    today = session.now().date()
    repairing = _in_repair()
    states: Counter[str] = Counter()
    batches: dict[str, Counter[str]] = {}
    ages: Counter[str] = Counter()
    devices = list(_devices())
    for device in devices:
        state = state_of(device.item.status, device.id in repairing)
        states[state] += 1
        batches.setdefault(device.batch, Counter())[state] += 1
        years = _days(device.received_on, today) / 365.25
        ages[next(label for low, high, label in AGE_BANDS if low <= years < high)] += 1
    last: dict[str, tuple[str, str | None]] = {}
    since = {d.item_id: d.created_at for d in devices}
    for item_id, ended_at, ended_as, condition in (
        Loan.select(Loan.item, Loan.ended_at, Loan.ended_as, BlindLoan.condition)
        .join(BlindLoan, JOIN.LEFT_OUTER, on=(BlindLoan.loan == Loan.id))
        .where(Loan.item.in_(list(since)), Loan.ended_at.is_null(False))
        .order_by(Loan.ended_at, Loan.id)
        .tuples()
    ):
        if ended_at >= since[item_id]:  # loans that ended before the room registered the device are not its concern
            last[item_id] = (ended_as, condition)
    not_checked = [
        d.serial
        for d in devices
        if d.item.status != "on_loan" and last.get(d.item_id, ("", "checked")) == ("returned", None)
    ]

    def counts(counter: Counter[str]) -> tuple[Count, ...]:
        return tuple(Count(state, device_state_label(state), counter[state]) for state in DEVICE_STATES)

    return Inventory(
        total=len(devices),
        by_state=counts(states),
        by_batch=tuple((batch, counts(counter)) for batch, counter in sorted(batches.items())),
        by_age=tuple(Count(label, _(label), ages[label]) for _low, _high, label in AGE_BANDS),
        not_checked=tuple(sorted(set(not_checked))),
    )


def _device_records() -> list[str]:
    return [
        bib
        for (bib,) in Item.select(fn.DISTINCT(Item.bib)).join(BlindDevice, on=(BlindDevice.item == Item.id)).tuples()
    ]


def rotation(session: Session, *, limit: int = 20) -> Rotation:
    """The 循环出借 view: who has had a device longest, who has waited longest, what sat idle longest."""
    session.require(Permission.BLIND_SERVICE)
    today = session.now().date()
    out = (
        Loan.select(
            Loan,
            BlindDevice.serial,
            BlindDevice.model,
            Item.barcode,
            Reader.id,
            Reader.card_number,
            Reader.name,
            Reader.anonymised_at,
        )
        .join(Item, on=(Loan.item == Item.id))
        .join(BlindDevice, on=(BlindDevice.item == Item.id), attr="device")
        .switch(Loan)
        .join(Reader, JOIN.LEFT_OUTER, on=(Loan.reader == Reader.id))
        .where(Loan.ended_at.is_null())
        .order_by(Loan.loaned_at)
        .limit(limit)
    )
    out_longest = tuple(
        DeviceOut(
            loan.id,
            loan.item.device.serial,
            loan.item.barcode,
            loan.item.device.model,
            loan.reader.card_number if loan.reader_id else None,
            display_name(loan.reader) if loan.reader_id else None,
            loan.loaned_at,
            loan.due_on,
            _days(loan.loaned_at, today),
            loan.renewals,
        )
        for loan in out
    )
    waiting = (
        Hold.select(Hold, BibRecord.title, Reader.id, Reader.card_number, Reader.name, Reader.anonymised_at)
        .join(BibRecord, on=(Hold.bib == BibRecord.id))
        .switch(Hold)
        .join(Reader, JOIN.LEFT_OUTER, on=(Hold.reader == Reader.id))
        .where(Hold.bib.in_(_device_records()), Hold.state == "waiting")
        .order_by(Hold.placed_at)
        .limit(limit)
    )
    waiting_longest = tuple(
        Waiting(
            hold.id,
            hold.reader.card_number if hold.reader_id else None,
            display_name(hold.reader) if hold.reader_id else None,
            hold.bib.title,
            hold.placed_at,
            _days(hold.placed_at, today),
        )
        for hold in waiting
    )
    last = fn.MAX(Loan.ended_at)
    shelf = (
        BlindDevice.select(
            BlindDevice.serial, BlindDevice.model, BlindDevice.received_on, Item.barcode, last.alias("last")
        )
        .join(Item, on=(BlindDevice.item == Item.id))
        .join(Loan, JOIN.LEFT_OUTER, on=(Loan.item == Item.id))
        .where(Item.status == "available")
        .group_by(BlindDevice.id)
        .order_by(fn.IFNULL(last, BlindDevice.received_on))
        .limit(limit)
        .tuples()
    )
    idle_longest = tuple(
        Idle(serial, barcode, model, ended, _days(ended or received, today))
        for serial, model, received, barcode, ended in shelf
    )
    return Rotation(out_longest, waiting_longest, idle_longest)


@writes
def wait_for_device(session: Session, card_number: str, *, model: str | None = None) -> HoldInfo:
    """Put an eligible reader on the waiting list: a hold on the model's record (the model with
    most devices by default), so the next device of it that comes back is kept for them."""
    session.require(Permission.BLIND_SERVICE)
    require_eligible(reader_by_card(card_number))
    counts = (
        BibRecord.select(BibRecord.id, BibRecord.title, fn.COUNT(Item.id).alias("n"))
        .join(Item, on=(Item.bib == BibRecord.id))
        .join(BlindDevice, on=(BlindDevice.item == Item.id))
        .group_by(BibRecord.id)
        .order_by(fn.COUNT(Item.id).desc(), BibRecord.title)
    )
    if model:
        counts = counts.where(BibRecord.title == model)
    record = counts.first()
    if record is None and model:
        raise NotFound(
            "blind.no_device_of_model", "The room has no listening devices of the model {model}.", model=model
        )
    if record is None:
        raise NotFound("blind.no_device_model", "The room has no listening devices.")
    return place_hold(session, card_number, record.id)


def call_list(session: Session, *, days: int | None = None) -> list[CallEntry]:
    """Device loans overdue by ``days`` or more (the setting by default), longest first, with phones."""
    session.require(Permission.BLIND_SERVICE)
    today = session.now().date()
    threshold = days if days is not None else blind_settings(session.library).call_after_days
    cutoff = (today - dt.timedelta(days=threshold)).isoformat()
    keys = keys_if_any(session.library)
    rows = (
        Loan.select(Loan, Item.barcode, BlindDevice.serial, BlindDevice.model, Reader)
        .join(Item, on=(Loan.item == Item.id))
        .join(BlindDevice, on=(BlindDevice.item == Item.id), attr="device")
        .switch(Loan)
        .join(Reader, JOIN.LEFT_OUTER, on=(Loan.reader == Reader.id))
        .where(Loan.ended_at.is_null(), Loan.due_on <= cutoff, Loan.claimed_returned_at.is_null())
        .order_by(Loan.due_on)
    )
    calls: dict[str, list[BlindCall]] = {}
    for call in BlindCall.select().order_by(BlindCall.called_at):
        calls.setdefault(call.loan_id, []).append(call)
    entries = []
    for loan in rows:
        reader = loan.reader if loan.reader_id else None
        phone = None
        if reader is not None and reader.phone_cipher is not None and keys is not None:
            phone = keys.open(reader.id, PHONE_FIELD, bytes(reader.phone_cipher))
        made = calls.get(loan.id, [])
        entries.append(
            CallEntry(
                loan.id,
                reader.card_number if reader else None,
                display_name(reader) if reader else None,
                phone,
                loan.item.device.serial,
                loan.item.device.model,
                loan.due_on,
                days_late(loan.due_on, today),
                made[-1].called_at if made else None,
                made[-1].outcome if made else None,
                len(made),
            )
        )
    if entries:
        with session.write() as writer:
            writer.journal(
                "blind.call_list", "loan", None, {"entries": len(entries), "phones": sum(1 for e in entries if e.phone)}
            )
    return entries


@dataclass(frozen=True)
class CallInfo:
    id: str
    loan_id: str
    called_at: str
    outcome: str
    outcome_label: str
    note: str | None


@writes
def record_call(session: Session, loan_id: str, outcome: str, *, note: str | None = None) -> CallInfo:
    """What came of a call about a late device."""
    session.require(Permission.BLIND_SERVICE)
    if outcome not in CALL_OUTCOMES:
        raise Invalid(
            "blind.unknown_call_outcome",
            "The outcome of a call is one of: {outcomes}.",
            outcomes=", ".join(CALL_OUTCOMES),
        )
    loan = Loan.get_or_none(Loan.id == loan_id)
    if loan is None or BlindDevice.get_or_none(BlindDevice.item == loan.item_id) is None:
        raise NotFound("blind.no_device_loan", "There is no device loan {loan}.", loan=loan_id)
    text = " ".join((note or "").split())[:200] or None
    with session.write() as writer:
        row = BlindCall.create(
            loan=loan.id, called_at=session.library.now_text(), called_by=session.staff.id, outcome=outcome, note=text
        )
        writer.journal("blind.call", "blind_call", row.id, {"loan_id": loan.id, "outcome": outcome})
    return CallInfo(row.id, loan.id, row.called_at, outcome, call_outcome_label(outcome), text)


def staff_name(staff_id: str | None) -> str:
    row = Staff.get_or_none(Staff.id == staff_id) if staff_id else None
    return row.display_name if row else ""
