"""What the blind room's desk shows and what a scan there means.

``open_reader`` gathers a reader as the room works with them: eligibility, how to reach them
(address, phone, route), proxies, loans with each device's accessories and each set's volumes
still out, open requests and parcels. Opening a reader is journaled, as every full view of a
reader is. ``identify`` says what a scanned or typed code is (a reader's card, a device, a set,
a copy, a parcel's return card), so the desk can ask what it needs (the accessory checklist,
the volumes) before it lends or takes back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from db.models import BlindDispatchItem, BlindLoan, BlindProfile, BlindVolume, Loan
from ils.blind.dispatch import DispatchInfo, dispatch_info, dispatches_of, method_label
from ils.blind.eligibility import Eligibility, eligibility_of
from ils.blind.lending import volumes_out
from ils.blind.printouts import dispatch_by_reference, parcel_reference
from ils.blind.profiles import Profile, profile_of
from ils.blind.proxies import ProxyInfo, proxies_of
from ils.blind.requests import RequestInfo, requests_of
from ils.blind.stock import DeviceInfo, SetInfo, device_info, device_of, item_by_code, open_repair, set_of
from ils.circulation.loans import LoanInfo, open_loans
from ils.errors import IlsError, NotFound
from ils.permissions import Permission
from ils.readers.keys import keys_if_any
from ils.readers.readers import PHONE_FIELD
from ils.readers.rows import ReaderSummary, card_of, summary
from ils.session import Session


@dataclass(frozen=True)
class LoanLine:
    loan: LoanInfo
    kind: str  # "device", "set" or "item"
    accessories: tuple[str, ...]  # a device's, as they went out
    volumes: int  # a set's volumes
    volumes_out: tuple[int, ...]  # a set's volumes still with the reader
    proxy: str | None
    parcel: str | None  # how it went out, when by post or delivery ("By post · 3F2A…")


@dataclass(frozen=True)
class BlindReader:
    summary: ReaderSummary
    eligibility: Eligibility
    profile: Profile
    phone: str | None
    proxies: tuple[ProxyInfo, ...]
    loans: tuple[LoanLine, ...]
    requests: tuple[RequestInfo, ...]
    parcels: tuple[DispatchInfo, ...]


@dataclass(frozen=True)
class Identified:
    """What a code names: ``kind`` is reader, device, set, item or parcel."""

    kind: str
    code: str
    device: DeviceInfo | None = None
    set: SetInfo | None = None
    on_loan: bool = False  # the copy is out now (a scan in lend mode would be refused)
    accessories_out: tuple[str, ...] = ()  # what went out with a device on loan now
    volumes_out: tuple[int, ...] = ()  # a set's volumes still out on its loan
    parcel: DispatchInfo | None = None


def _line(info: LoanInfo, names: dict[str, str]) -> LoanLine:
    loan = Loan.get_by_id(info.id)
    row = BlindLoan.get_or_none(BlindLoan.loan == info.id)
    device = device_of(loan.item)
    volumes = BlindVolume.select().where(BlindVolume.item == loan.item_id, BlindVolume.state == "present").count()
    kind = "device" if device is not None else "set" if volumes else "item"
    accessories = tuple(json.loads(row.accessories_out)) if row is not None else ()
    if device is not None and not accessories:
        accessories = tuple(json.loads(device.accessories))
    entry = BlindDispatchItem.get_or_none(BlindDispatchItem.loan == info.id)
    parcel = f"{method_label(entry.dispatch.method)} · {parcel_reference(entry.dispatch_id)}" if entry else None
    out = tuple(v.number for v in volumes_out(loan)) if kind == "set" else ()
    return LoanLine(
        info, kind, accessories, volumes, out, names.get(row.proxy_id) if row and row.proxy_id else None, parcel
    )


def open_reader(session: Session, card_number: str) -> BlindReader:
    """The reader as the room sees them; the view is journaled."""
    session.require(Permission.BLIND_SERVICE)
    card = card_of(card_number)
    reader = card.reader
    keys = keys_if_any(session.library)
    today = session.now().date()
    proxies = proxies_of(reader, keys, current_only=False)
    names = {p.id: p.name for p in proxies}
    phone = (
        keys.open(reader.id, PHONE_FIELD, bytes(reader.phone_cipher))
        if reader.phone_cipher is not None and keys is not None
        else None
    )
    found = BlindReader(
        summary=summary(reader, today, card),
        eligibility=eligibility_of(reader),
        profile=profile_of(BlindProfile.get_or_none(BlindProfile.reader == reader.id), reader, keys),
        phone=phone,
        proxies=tuple(p for p in proxies if p.ended_at is None),
        loans=tuple(_line(info, names) for info in open_loans(reader.id, today)),
        requests=tuple(requests_of(reader)),
        parcels=tuple(dispatches_of(reader)),
    )
    with session.write() as writer:
        writer.journal("blind.view", "reader", reader.id, {"card_number": reader.card_number})
    return found


def identify(session: Session, code: str) -> Identified:
    """What ``code`` names at the blind desk: a card, a device, a set, a copy, or a parcel."""
    session.require(Permission.BLIND_SERVICE)
    text = code.strip()
    try:
        item = item_by_code(text)
    except IlsError:
        item = None
    if item is not None:
        loan = Loan.get_or_none(Loan.item == item.id, Loan.ended_at.is_null())
        device = device_of(item)
        if device is not None:
            row = BlindLoan.get_or_none(BlindLoan.loan == loan.id) if loan else None
            out = tuple(json.loads(row.accessories_out)) if row is not None else tuple(json.loads(device.accessories))
            return Identified(
                "device",
                item.barcode,
                device=device_info(device, item, open_repair(device) is not None),
                on_loan=loan is not None,
                accessories_out=out if loan else (),
            )
        found_set = set_of(item)
        if found_set is not None:
            still = tuple(v.number for v in volumes_out(loan)) if loan else ()
            return Identified("set", item.barcode, set=found_set, on_loan=loan is not None, volumes_out=still)
        return Identified("item", item.barcode, on_loan=loan is not None)
    try:
        card = card_of(text)
    except IlsError:
        card = None
    if card is not None:
        return Identified("reader", card.card_number)
    try:
        parcel = dispatch_by_reference(text)
    except NotFound:
        raise NotFound(
            "blind.unknown_code", "{code} is no card, copy, device or parcel known here.", code=text
        ) from None
    return Identified("parcel", parcel_reference(parcel.id), parcel=dispatch_info(parcel))
