"""Lending at the blind room: devices with their accessories ticked out and back, sets with each
volume ticked, loans taken by a proxy.

Every loan is an ordinary circulation loan (``circulation.loans.checkout``, in the same write),
so the rules matrix decides the limit and the period (a device: one per reader, 90 days,
renewable, free) and the desk's other rules apply as everywhere. A device goes only to a reader
the room has found eligible. What the room adds goes in ``blind_loan``.

A set comes back volume by volume: each volume back is a ``blind_volume_return`` row; the loan
ends when every volume is back or written off, and until then the reader still has it.
A device or set returned at another desk (``return_item`` alone) ends the loan without the
checklist; the inventory lists such devices as not checked.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from db.ids import ILS_NAMESPACE
from db.models import BlindDevice, BlindLoan, BlindVolume, BlindVolumeReturn, Hold, Item, Loan
from ils.blind.eligibility import require_eligible
from ils.blind.proxies import current_proxy
from ils.blind.stock import (
    accessory_label,
    check_accessories,
    device_of,
    item_by_code,
    room_point,
)
from ils.circulation import loans
from ils.circulation.loans import LoanInfo, ReturnResult
from ils.circulation.places import place_of
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.readers.rows import reader_by_card
from ils.session import Session, writes

CONDITIONS: dict[str, str] = {
    "working": N_("Working"),
    "damaged": N_("Damaged"),
    "accessory_missing": N_("An accessory missing"),
}


@dataclass(frozen=True)
class Lent:
    loan: LoanInfo
    kind: str  # "device", "set" or "item"
    accessories: tuple[str, ...]
    volumes: int
    proxy: str | None  # the proxy's name when a proxy took it


@dataclass(frozen=True)
class GivenBack:
    barcode: str
    title: str
    kind: str
    ended: bool  # False: a set with volumes still out, the loan stays open
    condition: str | None
    missing_accessories: tuple[str, ...]
    volumes_back: tuple[int, ...]
    volumes_out: tuple[int, ...]
    returned: ReturnResult | None


def condition_label(code: str | None) -> str:
    return _(CONDITIONS[code]) if code in CONDITIONS else (code or "")


def volume_return_id(loan_id: str, volume_id: str) -> str:
    """Name-based, so one volume returned at two desks is one fact."""
    return str(uuid.uuid5(ILS_NAMESPACE, f"blind_volume_return:{loan_id}:{volume_id}"))


def _kind(item: Item) -> str:
    if item.item_type == "listening_device" and device_of(item) is not None:
        return "device"
    return "set" if BlindVolume.select().where(BlindVolume.item == item.id).exists() else "item"


def volumes_out(loan: Loan) -> tuple[BlindVolume, ...]:
    """The volumes of the set still with the reader: not returned for this loan, not written off."""
    back = BlindVolumeReturn.select(BlindVolumeReturn.volume).where(BlindVolumeReturn.loan == loan.id)
    return tuple(
        BlindVolume.select()
        .where(BlindVolume.item == loan.item_id, BlindVolume.state == "present", BlindVolume.id.not_in(back))
        .order_by(BlindVolume.number)
    )


@writes
def lend(
    session: Session,
    card_number: str,
    code: str,
    *,
    accessories=None,
    proxy_id: str | None = None,
    point: str | None = None,
    override: str | None = None,
) -> Lent:
    """Lend a device, a set or a copy to the card's reader (or to their proxy).

    ``accessories``: for a device, what goes out with it (default: its whole kit).
    """
    session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    item = item_by_code(code)
    kind = _kind(item)
    proxy = current_proxy(reader, proxy_id) if proxy_id else None
    out: tuple[str, ...] = ()
    if kind == "device":
        require_eligible(reader)
        kit = tuple(json.loads(device_of(item).accessories))  # type: ignore[union-attr]  # a device, just checked
        out = kit if accessories is None else check_accessories(accessories, kit)
    elif accessories:
        raise Invalid("blind.accessories_for_devices", "Only a listening device goes out with accessories.")
    result = loans.checkout(session, card_number, item.barcode, point=room_point(session, point), override=override)
    volumes = BlindVolume.select().where(BlindVolume.item == item.id, BlindVolume.state == "present").count()
    with session.write() as writer:
        BlindLoan.insert(
            loan=result.loan.id,
            proxy=proxy.id if proxy else None,
            accessories_out=json.dumps(list(out)),
            lent_at=session.library.now_text(),
        ).execute()
        writer.journal(
            "blind.lend",
            "blind_loan",
            result.loan.id,
            {
                "item_id": item.id,
                "barcode": item.barcode,
                "kind": kind,
                "accessories": list(out),
                "volumes": volumes,
                "proxy": proxy is not None,
            },
        )
    return Lent(result.loan, kind, out, volumes, proxy.name if proxy else None)


def _record_back(
    writer: Writer,
    loan: Loan,
    now: str,
    *,
    accessories: tuple[str, ...] | None,
    condition: str | None,
    note: str | None,
) -> None:
    row = BlindLoan.get_or_none(BlindLoan.loan == loan.id)
    values = {
        "returned_at": now,
        "accessories_back": json.dumps(list(accessories)) if accessories is not None else None,
        "condition": condition,
        "condition_note": note,
    }
    if row is None:
        BlindLoan.insert(loan=loan.id, accessories_out="[]", lent_at=loan.loaned_at, **values).execute()
    else:
        BlindLoan.update(**values).where(BlindLoan.loan == loan.id).execute()


def _release_trap(writer: Writer, item: Item) -> None:
    """A device that came back broken cannot wait on the hold shelf for the next reader."""
    hold = Hold.get_or_none(Hold.trapped_item == item.id, Hold.state.in_(("ready", "in_transit")))
    if hold is not None:
        Hold.update(state="waiting", trapped_item=None, trapped_at=None, ready_at=None, expires_on=None).where(
            Hold.id == hold.id
        ).execute()
        writer.journal("hold.release", "hold", hold.id, {"item_id": item.id, "barcode": item.barcode})


def _device_back(
    session: Session, item: Item, loan: Loan, *, accessories, condition: str | None, note: str | None, point: str | None
) -> GivenBack:
    device: BlindDevice = device_of(item)  # type: ignore[assignment]  # the caller checked
    row = BlindLoan.get_or_none(BlindLoan.loan == loan.id)
    out = (
        tuple(json.loads(row.accessories_out))
        if row and row.accessories_out != "[]"
        else tuple(json.loads(device.accessories))
    )
    back = out if accessories is None else check_accessories(accessories, out)
    missing = tuple(code for code in out if code not in back)
    if condition is not None and condition not in CONDITIONS:
        raise Invalid(
            "blind.unknown_condition", "The condition is one of: {conditions}.", conditions=", ".join(CONDITIONS)
        )
    state = condition or ("accessory_missing" if missing else "working")
    if state == "working" and missing:
        state = "accessory_missing"
    text = " ".join((note or "").split()) or None
    now = session.library.now_text()
    returned = loans.return_item(session, item.barcode, point=room_point(session, point))
    with session.write() as writer:
        _record_back(writer, loan, now, accessories=back, condition=state, note=text)
        if missing:
            kit = [code for code in json.loads(device.accessories) if code not in missing]
            BlindDevice.update(accessories=json.dumps(kit), updated_at=now).where(BlindDevice.id == device.id).execute()
        if state == "damaged":
            _release_trap(writer, item)
            Item.update(status="damaged", updated_at=now).where(Item.id == item.id).execute()
        writer.journal(
            "blind.device_back",
            "blind_loan",
            loan.id,
            {"item_id": item.id, "barcode": item.barcode, "condition": state, "missing": list(missing)},
        )
    return GivenBack(item.barcode, returned.title, "device", True, state, missing, (), (), returned)


def _set_back(
    session: Session, item: Item, loan: Loan, *, volumes, point: str | None, dispatch_id: str | None
) -> GivenBack:
    out = volumes_out(loan)
    by_number = {v.number: v for v in out}
    if volumes is None:
        coming = list(out)
    else:
        numbers = sorted(set(int(n) for n in volumes))
        strangers = [n for n in numbers if n not in by_number]
        if strangers:
            raise Invalid(
                "blind.volume_not_out",
                "Volume {numbers} of {barcode} is not out with this loan.",
                numbers=", ".join(str(n) for n in strangers),
                barcode=item.barcode,
            )
        if not numbers:
            raise Invalid("blind.no_volume_ticked", "Tick at least one volume that came back.")
        coming = [by_number[n] for n in numbers]
    point = room_point(session, point)
    here = place_of(session, point)
    now = session.library.now_text()
    with session.write() as writer:
        for volume in coming:
            BlindVolumeReturn.insert(
                id=volume_return_id(loan.id, volume.id),
                loan=loan.id,
                volume=volume.id,
                returned_at=now,
                branch=here.branch_id,
                dispatch=dispatch_id,
            ).execute()
        still = tuple(v.number for v in out if v not in coming)
        writer.journal(
            "blind.volumes_back",
            "loan",
            loan.id,
            {
                "item_id": item.id,
                "barcode": item.barcode,
                "volumes": [v.number for v in coming],
                "still_out": list(still),
            },
        )
        returned = None
        if not still:
            returned = loans.return_item(session, item.barcode, point=point)
            _record_back(writer, loan, now, accessories=None, condition=None, note=None)
    title = returned.title if returned else item.bib.title
    return GivenBack(item.barcode, title, "set", not still, None, (), tuple(v.number for v in coming), still, returned)


@writes
def give_back(
    session: Session,
    code: str,
    *,
    accessories=None,
    condition: str | None = None,
    note: str | None = None,
    volumes=None,
    point: str | None = None,
    dispatch_id: str | None = None,
) -> GivenBack:
    """Take back a device (the accessories that came back, its condition), a set (the volumes that
    came back: all still out by default) or a copy; ``dispatch_id``: it came back in that parcel."""
    session.require(Permission.BLIND_SERVICE)
    item = item_by_code(code)
    loan = Loan.get_or_none(Loan.item == item.id, Loan.ended_at.is_null())
    kind = _kind(item)
    if loan is not None and kind == "device":
        return _device_back(session, item, loan, accessories=accessories, condition=condition, note=note, point=point)
    if loan is not None and kind == "set":
        return _set_back(session, item, loan, volumes=volumes, point=point, dispatch_id=dispatch_id)
    returned = loans.return_item(session, item.barcode, point=room_point(session, point))
    return GivenBack(item.barcode, returned.title, kind, True, None, (), (), (), returned)


@writes
def write_off_volume(session: Session, code: str, number: int, *, note: str | None = None) -> GivenBack | None:
    """A volume lost for good: the set goes on without it, and a loan waiting only for it ends."""
    session.require(Permission.BLIND_SERVICE)
    item = item_by_code(code)
    volume = BlindVolume.get_or_none(BlindVolume.item == item.id, BlindVolume.number == number)
    if volume is None or volume.state != "present":
        raise NotFound(
            "blind.no_such_volume",
            "{barcode} has no volume {number} to write off.",
            barcode=item.barcode,
            number=number,
        )
    loan = Loan.get_or_none(Loan.item == item.id, Loan.ended_at.is_null())
    with session.write() as writer:
        BlindVolume.update(state="lost").where(BlindVolume.id == volume.id).execute()
        writer.journal(
            "blind.volume_lost",
            "blind_volume",
            volume.id,
            {"item_id": item.id, "barcode": item.barcode, "number": number, "note": " ".join((note or "").split())},
        )
        if loan is not None and not volumes_out(loan):
            returned = loans.return_item(session, item.barcode, point=room_point(session))
            _record_back(writer, loan, session.library.now_text(), accessories=None, condition=None, note=None)
            return GivenBack(item.barcode, returned.title, "set", True, None, (), (), (), returned)
    return None


@writes
def renew(session: Session, code: str, *, point: str | None = None, override: str | None = None) -> LoanInfo:
    """One more period for a device or set, by the loan rules (a scan of the serial works too)."""
    session.require(Permission.BLIND_SERVICE)
    return loans.renew(session, item_by_code(code).barcode, point=room_point(session, point), override=override)


def accessories_text(codes) -> str:
    return "、".join(accessory_label(code) for code in codes)
