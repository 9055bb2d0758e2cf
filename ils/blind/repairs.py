"""Devices sent to the repairer and back, and devices taken out of service for good.

While a repair is open (``blind_repair.back_at`` empty) the copy is ``processing``, which no
desk lends or takes back as a loan. Back repaired, it is on the shelf again; back beyond
repair, it is retired (``withdrawn``). A device that is lost is reported lost at the desk like
any copy (``circulation.losses``).
"""

from __future__ import annotations

from db.models import BlindDevice, BlindRepair, Item
from ils.blind.stock import DeviceInfo, device_info, find_device, open_repair
from ils.errors import Invalid
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.session import Session, writes

OUTCOMES: dict[str, str] = {
    "repaired": N_("Repaired"),
    "unrepairable": N_("Beyond repair"),
}
MAX_TEXT = 200


def outcome_label(code: str | None) -> str:
    return _(OUTCOMES[code]) if code in OUTCOMES else (code or "")


def _text(value: str | None) -> str | None:
    cleaned = " ".join((value or "").split())
    if len(cleaned) > MAX_TEXT:
        raise Invalid("blind.text_too_long", "At most {count} characters.", count=MAX_TEXT)
    return cleaned or None


def _info(device: BlindDevice) -> DeviceInfo:
    device = BlindDevice.get_by_id(device.id)
    return device_info(device, device.item, open_repair(device) is not None)


@writes
def send_to_repair(session: Session, code: str, *, repairer: str, fault: str | None = None) -> DeviceInfo:
    """The device goes to the repairer (the programme's service centre, a local shop)."""
    session.require(Permission.BLIND_SERVICE)
    device = find_device(code)
    item = device.item
    if open_repair(device) is not None:
        raise Invalid("blind.already_in_repair", "{serial} is already in repair.", serial=device.serial)
    if item.status not in ("available", "damaged", "processing"):
        raise Invalid(
            "blind.not_here_to_repair",
            "{serial} is not here to send: it is {state}.",
            serial=device.serial,
            state=device_info(device, item, False).state_label,
        )
    who = _text(repairer)
    if who is None:
        raise Invalid("blind.repairer_needed", "Say who repairs the device.")
    now = session.library.now_text()
    with session.write() as writer:
        row = BlindRepair.create(
            device=device.id, sent_at=now, sent_by=session.staff.id, repairer=who, fault=_text(fault)
        )
        Item.update(status="processing", updated_at=now).where(Item.id == item.id).execute()
        writer.journal(
            "blind.repair_send",
            "blind_repair",
            row.id,
            {"device_id": device.id, "serial": device.serial, "repairer": who, "fault": row.fault},
        )
    return _info(device)


@writes
def back_from_repair(session: Session, code: str, *, outcome: str = "repaired", note: str | None = None) -> DeviceInfo:
    session.require(Permission.BLIND_SERVICE)
    if outcome not in OUTCOMES:
        raise Invalid("blind.unknown_outcome", "The outcome is one of: {outcomes}.", outcomes=", ".join(OUTCOMES))
    device = find_device(code)
    repair = open_repair(device)
    if repair is None:
        raise Invalid("blind.not_in_repair", "{serial} is not in repair.", serial=device.serial)
    now = session.library.now_text()
    status = "available" if outcome == "repaired" else "withdrawn"
    with session.write() as writer:
        BlindRepair.update(back_at=now, outcome=outcome, back_note=_text(note)).where(
            BlindRepair.id == repair.id
        ).execute()
        Item.update(status=status, updated_at=now).where(Item.id == device.item_id).execute()
        writer.journal(
            "blind.repair_back",
            "blind_repair",
            repair.id,
            {"device_id": device.id, "serial": device.serial, "outcome": outcome},
        )
    return _info(device)


@writes
def retire_device(session: Session, code: str, *, note: str | None = None) -> DeviceInfo:
    """Take a device out of service (worn out, replaced by the programme)."""
    session.require(Permission.BLIND_SERVICE)
    device = find_device(code)
    if device.item.status == "on_loan" or open_repair(device) is not None:
        raise Invalid(
            "blind.retire_here_only",
            "{serial} must be back and out of repair before it is retired.",
            serial=device.serial,
        )
    now = session.library.now_text()
    with session.write() as writer:
        Item.update(status="withdrawn", updated_at=now, note=_text(note)).where(Item.id == device.item_id).execute()
        writer.journal("blind.device_retire", "blind_device", device.id, {"serial": device.serial})
    return _info(device)
