"""The room's stock: listening devices with their accessories, and sets lent as one copy with
their volumes tracked.

A device (智能听书机) is a copy of its model's record (item type ``listening_device``) with a
``blind_device`` row: serial number, model, the programme batch it came in, the date it came,
and the accessories its kit holds now. Its barcode is its serial number unless a label says
otherwise, so the desk can scan either. Its state comes from the facts: on loan, in repair
(a repair not yet back), damaged (returned broken), lost, retired, otherwise in stock.

A set (a braille novel in 17 volumes, a DAISY book on 3 discs) is one copy with a
``blind_volume`` row per volume, numbered from 1. It lends as one copy; each volume is ticked
when it comes back, and a volume lost for good is written off (``state = 'lost'``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

from db.ids import ILS_NAMESPACE
from db.models import BibRecord, BlindDevice, BlindRepair, BlindVolume, Branch, Item, Location, ServicePoint
from ils.blind.records import device_record
from ils.catalogue.items import get_item, insert_item, normalise_barcode, parse_price
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text import code_text, one_line

ACCESSORIES: dict[str, str] = {
    "charger": N_("Charger"),
    "earphones": N_("Earphones"),
    "cable": N_("Cable"),
    "manual": N_("Manual"),
    "bag": N_("Carry bag"),
}
DEVICE_STATES: dict[str, str] = {
    "in_stock": N_("In stock"),
    "on_loan": N_("On loan"),
    "damaged": N_("Damaged, waiting for repair"),
    "in_repair": N_("In repair"),
    "lost": N_("Lost"),
    "retired": N_("Retired"),
}
SET_TYPES = ("braille", "audiobook", "large_print")
MAX_VOLUMES = 60
_SERIAL_CHARS = 32


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    item_id: str
    barcode: str
    serial: str
    model: str
    batch: str
    received_on: str
    accessories: tuple[str, ...]
    state: str
    state_label: str
    note: str | None


@dataclass(frozen=True)
class VolumeInfo:
    id: str
    number: int
    label: str
    state: str


@dataclass(frozen=True)
class SetInfo:
    item_id: str
    barcode: str
    title: str
    item_type: str
    volumes: tuple[VolumeInfo, ...]


def accessory_label(code: str) -> str:
    return _(ACCESSORIES[code]) if code in ACCESSORIES else code


def device_state_label(state: str) -> str:
    return _(DEVICE_STATES[state]) if state in DEVICE_STATES else state


def device_id(serial: str) -> str:
    """Name-based on the serial, so two desks that register one device make one row."""
    return str(uuid.uuid5(ILS_NAMESPACE, f"blind_device:{serial}"))


def volume_id(item_id: str, number: int) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"blind_volume:{item_id}:{number}"))


def clean_serial(text: str) -> str:
    serial = code_text(text)
    if not serial or len(serial) > _SERIAL_CHARS or not all(ch.isalnum() or ch == "-" for ch in serial):
        raise Invalid("blind.serial", "A serial number has 1 to {count} letters, digits or '-'.", count=_SERIAL_CHARS)
    return serial


def check_accessories(codes, within: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Accessory codes in the checklist's order; refused when unknown or not in ``within``."""
    chosen = set(codes)
    unknown = chosen - set(ACCESSORIES)
    if unknown:
        raise Invalid(
            "blind.unknown_accessory",
            "Unknown accessory {code}; accessories are: {codes}.",
            code=", ".join(sorted(unknown)),
            codes=", ".join(ACCESSORIES),
        )
    if within is not None and chosen - set(within):
        raise Invalid(
            "blind.accessory_not_in_kit",
            "{names} did not go out with the device.",
            names=", ".join(accessory_label(c) for c in sorted(chosen - set(within))),
        )
    return tuple(code for code in ACCESSORIES if code in chosen)


def state_of(item_status: str, in_repair: bool) -> str:
    if in_repair:
        return "in_repair"
    if item_status == "on_loan":
        return "on_loan"
    if item_status in ("lost", "missing"):
        return "lost"
    if item_status == "withdrawn":
        return "retired"
    if item_status in ("damaged", "processing"):
        return "damaged"
    return "in_stock"


def device_info(device: BlindDevice, item: Item, in_repair: bool) -> DeviceInfo:
    state = state_of(item.status, in_repair)
    return DeviceInfo(
        device.id,
        item.id,
        item.barcode,
        device.serial,
        device.model,
        device.batch,
        device.received_on,
        tuple(json.loads(device.accessories)),
        state,
        device_state_label(state),
        device.note,
    )


def open_repair(device: BlindDevice) -> BlindRepair | None:
    return BlindRepair.get_or_none(BlindRepair.device == device.id, BlindRepair.back_at.is_null())


def item_by_code(code: str) -> Item:
    """The copy a scan names: its barcode, or a device's serial number."""
    try:
        return get_item(code)
    except NotFound:
        device = BlindDevice.get_or_none(BlindDevice.serial == code_text(code))
        if device is None:
            raise
        return get_item(device.item.barcode)


def device_of(item: Item) -> BlindDevice | None:
    return BlindDevice.get_or_none(BlindDevice.item == item.id)


def find_device(code: str) -> BlindDevice:
    device = device_of(item_by_code(code))
    if device is None:
        raise NotFound("blind.not_a_device", "{code} is not a listening device.", code=code.strip())
    return device


def get_device(session: Session, code: str) -> DeviceInfo:
    session.require(Permission.BLIND_SERVICE)
    device = find_device(code)
    return device_info(device, device.item, open_repair(device) is not None)


def room_point(session: Session, point: str | None = None) -> str | None:
    """Where the room's loans are made: the given service point, else the branch's ``…-MR`` one (盲人阅览室)."""
    if point:
        return point
    row = (
        ServicePoint.select(ServicePoint.code)
        .where(
            ServicePoint.branch == session.library.node.branch_id,
            ServicePoint.code.endswith("-MR"),
            ServicePoint.active == True,
        )
        .first()
    )  # noqa: E712
    return row.code if row is not None else None


def room_location(branch_id: str) -> Location | None:
    """Where the room shelves its stock at a branch: the location coded ``…-MR`` (盲人阅览室)."""
    return (
        Location.select()
        .where(Location.branch == branch_id, Location.code.endswith("-MR"), Location.active == True)  # noqa: E712
        .first()
    )


def _new_copy(
    writer: Writer,
    session: Session,
    *,
    bib_id: str,
    barcode: str,
    item_type: str,
    price: str | None,
    acquired_on: str,
    source: str | None,
) -> str:
    code = normalise_barcode(barcode)
    if Item.get_or_none(Item.barcode == code) is not None:
        raise Invalid("blind.barcode_taken", "The barcode {barcode} is already on another item.", barcode=code)
    branch = Branch.get_by_id(session.library.node.branch_id)
    location = room_location(branch.id)
    return insert_item(
        writer,
        bib_id=bib_id,
        barcode=code,
        branch_id=branch.id,
        location_id=location.id if location else None,
        call_number=None,
        shelf_key=None,
        now=session.library.now_text(),
        item_type=item_type,
        price_fen=parse_price(price),
        acquired_on=acquired_on,
        source=source,
    )


@writes
def add_device(
    session: Session,
    *,
    serial: str,
    model: str,
    batch: str,
    received_on: dt.date | None = None,
    accessories=tuple(ACCESSORIES),
    barcode: str | None = None,
    price: str | None = None,
) -> DeviceInfo:
    """Register a device as it comes from the programme: a copy of its model, ready to lend.

    A listening device catalogued before as a plain copy is registered by giving its barcode.
    """
    session.require(Permission.BLIND_SERVICE)
    serial = clean_serial(serial)
    model = one_line(model)
    batch = one_line(batch)
    if not model or not batch or len(model) > 60 or len(batch) > 60:
        raise Invalid(
            "blind.model_and_batch",
            "A device needs its model and the programme batch it came in (at most 60 characters each).",
        )
    kit = check_accessories(accessories)
    if BlindDevice.get_or_none(BlindDevice.id == device_id(serial)) is not None:
        raise Invalid(
            "blind.device_known", "A device with the serial number {serial} is already registered.", serial=serial
        )
    day = (received_on or session.now().date()).isoformat()
    now = session.library.now_text()
    known = Item.get_or_none(Item.barcode == normalise_barcode(barcode)) if barcode else None
    if known is not None and (known.item_type != "listening_device" or device_of(known) is not None):
        raise Invalid("blind.barcode_taken", "The barcode {barcode} is already on another item.", barcode=known.barcode)
    with session.write() as writer:
        if known is not None:
            item_id = known.id
        else:
            item_id = _new_copy(
                writer,
                session,
                bib_id=device_record(writer, session, model),
                barcode=barcode or serial,
                item_type="listening_device",
                price=price,
                acquired_on=day,
                source=batch,
            )
        row_id = device_id(serial)
        BlindDevice.insert(
            id=row_id,
            item=item_id,
            serial=serial,
            model=model,
            batch=batch,
            received_on=day,
            accessories=json.dumps(list(kit)),
            created_at=now,
            updated_at=now,
        ).execute()
        writer.journal(
            "blind.device_add",
            "blind_device",
            row_id,
            {"item_id": item_id, "serial": serial, "model": model, "batch": batch, "accessories": list(kit)},
        )
    device = BlindDevice.get_by_id(row_id)
    return device_info(device, device.item, False)


@writes
def set_accessories(session: Session, code: str, accessories) -> DeviceInfo:
    """What the kit holds now: a replacement charger added, a lost cable taken off."""
    session.require(Permission.BLIND_SERVICE)
    device = find_device(code)
    kit = check_accessories(accessories)
    with session.write() as writer:
        BlindDevice.update(accessories=json.dumps(list(kit)), updated_at=session.library.now_text()).where(
            BlindDevice.id == device.id
        ).execute()
        writer.journal("blind.device_kit", "blind_device", device.id, {"accessories": list(kit)})
    device = BlindDevice.get_by_id(device.id)
    return device_info(device, device.item, open_repair(device) is not None)


def _volumes(item_id: str) -> tuple[VolumeInfo, ...]:
    rows = BlindVolume.select().where(BlindVolume.item == item_id).order_by(BlindVolume.number)
    return tuple(VolumeInfo(v.id, v.number, v.label or str(v.number), v.state) for v in rows)


def set_of(item: Item) -> SetInfo | None:
    volumes = _volumes(item.id)
    if not volumes:
        return None
    title = BibRecord.select(BibRecord.title).where(BibRecord.id == item.bib_id).scalar() or ""
    return SetInfo(item.id, item.barcode, title, item.item_type, volumes)


def get_set(session: Session, barcode: str) -> SetInfo:
    session.require(Permission.BLIND_SERVICE)
    item = item_by_code(barcode)
    found = set_of(item)
    if found is None:
        raise NotFound("blind.not_a_set", "{barcode} is not a set of volumes.", barcode=item.barcode)
    return found


def insert_volumes(writer: Writer, item_id: str, labels: list[str], now: str) -> None:
    for number, label in enumerate(labels, start=1):
        BlindVolume.insert(
            id=volume_id(item_id, number), item=item_id, number=number, label=label, created_at=now
        ).execute()
    writer.journal("blind.volumes", "item", item_id, {"volumes": len(labels)})


def volume_labels(volumes: int, labels: list[str] | None, item_type: str) -> list[str]:
    if not 2 <= volumes <= MAX_VOLUMES:
        raise Invalid("blind.volume_count", "A set has 2 to {count} volumes.", count=MAX_VOLUMES)
    if labels:
        if len(labels) != volumes:
            raise Invalid("blind.volume_labels", "Give one label per volume ({count}).", count=volumes)
        return [" ".join(label.split())[:20] or str(n) for n, label in enumerate(labels, start=1)]
    word = "光盘" if item_type == "audiobook" else "册"
    return [f"第{n}{word}" if word == "册" else f"{word}{n}" for n in range(1, volumes + 1)]


@writes
def add_set(
    session: Session,
    bib_id: str,
    *,
    barcode: str,
    volumes: int,
    item_type: str = "braille",
    labels: list[str] | None = None,
    price: str | None = None,
) -> SetInfo:
    """A new copy of a record lent as one set of ``volumes`` volumes (braille volumes, discs)."""
    session.require(Permission.BLIND_SERVICE)
    if item_type not in SET_TYPES:
        raise Invalid("blind.set_type", "A set is one of: {types}.", types=", ".join(SET_TYPES))
    if BibRecord.get_or_none((BibRecord.id == bib_id) & (BibRecord.deleted == False)) is None:  # noqa: E712
        raise NotFound("blind.no_record", "There is no such catalogue record.")
    names = volume_labels(volumes, labels, item_type)
    now = session.library.now_text()
    with session.write() as writer:
        item_id = _new_copy(
            writer,
            session,
            bib_id=bib_id,
            barcode=barcode,
            item_type=item_type,
            price=price,
            acquired_on=session.now().date().isoformat(),
            source="blind-room",
        )
        insert_volumes(writer, item_id, names, now)
    return set_of(Item.get_by_id(item_id))  # type: ignore[return-value]  # just made with its volumes


@writes
def add_copy(
    session: Session, bib_id: str, *, barcode: str, item_type: str = "audiobook", price: str | None = None
) -> str:
    """A single copy of the room's stock (an MP3 card, a large-print book); its item id."""
    session.require(Permission.BLIND_SERVICE)
    if item_type not in SET_TYPES:
        raise Invalid("blind.set_type", "A set is one of: {types}.", types=", ".join(SET_TYPES))
    if BibRecord.get_or_none((BibRecord.id == bib_id) & (BibRecord.deleted == False)) is None:  # noqa: E712
        raise NotFound("blind.no_record", "There is no such catalogue record.")
    with session.write() as writer:
        return _new_copy(
            writer,
            session,
            bib_id=bib_id,
            barcode=barcode,
            item_type=item_type,
            price=price,
            acquired_on=session.now().date().isoformat(),
            source="blind-room",
        )
