"""What the room keeps to reach a reader: the postal address, how items should reach them, the
home-delivery route, and for an association of blind people its contact person.

The address and the contact are personal data a reader's card does not need, collected only
for postal loans and delivery (DOMAIN 5.2.1): sealed with the reader key like ID numbers, in
``blind_profile``, a desk-local table that never leaves the desk, and shown only to the blind
room. The journal names the fields changed, never their values.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from db.models import BlindProfile, Reader
from ils.errors import Invalid
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.readers.idnumbers import ORGANISATION_TYPES
from ils.readers.keys import ReaderKeys, ensure_keys, keys_if_any
from ils.readers.readers import clean_phone, clean_reader_name
from ils.readers.rows import reader_by_card
from ils.session import Session, writes
from ils.text import fold, one_line

ADDRESS_FIELD = "blind_address"
CONTACT_FIELD = "blind_contact"
MAX_ADDRESS_CHARS = 100
MAX_ROUTE_CHARS = 30
_POSTCODE = re.compile(r"^\d{6}$")

DELIVERY: dict[str, str] = {
    "post": N_("By post"),
    "delivery": N_("Home delivery"),
    "pickup": N_("Collects at the room"),
}


@dataclass(frozen=True)
class Address:
    """A postal address in China: the lines as written on an envelope, and the 6-digit postcode."""

    text: str
    postcode: str

    def lines(self) -> tuple[str, ...]:
        return tuple(line for line in self.text.split("\n") if line)


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None


@dataclass(frozen=True)
class Profile:
    reader_id: str
    address: Address | None
    delivery: str
    delivery_label: str
    route: str | None
    association: bool
    contact: Contact | None


def delivery_label(kind: str) -> str:
    return _(DELIVERY[kind]) if kind in DELIVERY else kind


def clean_address(text: str, postcode: str | None) -> Address:
    lines = [one_line(line) for line in (text or "").replace("\r", "").split("\n")]
    cleaned = "\n".join(line for line in lines if line)
    if not cleaned:
        raise Invalid("blind.address_empty", "An address cannot be empty.")
    if len(cleaned) > MAX_ADDRESS_CHARS or any(unicodedata.category(ch) == "Cc" for ch in cleaned.replace("\n", "")):
        raise Invalid(
            "blind.address_too_long",
            "An address has at most {count} characters and no control characters.",
            count=MAX_ADDRESS_CHARS,
        )
    code = fold(postcode).strip()
    if not _POSTCODE.match(code):
        raise Invalid("blind.postcode", "A postcode has 6 digits.")
    return Address(cleaned, code)


def _open(keys: ReaderKeys | None, reader_id: str, field: str, blob: bytes | None) -> dict | None:
    if blob is None or keys is None:
        return None
    return json.loads(keys.open(reader_id, field, bytes(blob)))


def profile_of(row: BlindProfile | None, reader: Reader, keys: ReaderKeys | None) -> Profile:
    """The profile with its address and contact opened: only blind-room services call this."""
    if row is None:
        return Profile(reader.id, None, "post", delivery_label("post"), None, False, None)
    address = _open(keys, reader.id, ADDRESS_FIELD, row.address_cipher)
    contact = _open(keys, reader.id, CONTACT_FIELD, row.contact_cipher)
    return Profile(
        reader.id,
        Address(**address) if address else None,
        row.delivery,
        delivery_label(row.delivery),
        row.route,
        bool(row.association),
        Contact(**contact) if contact else None,
    )


def reader_profile(session: Session, card_number: str) -> Profile:
    session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    return profile_of(BlindProfile.get_or_none(BlindProfile.reader == reader.id), reader, keys_if_any(session.library))


def _ensure_row(writer: Writer, reader: Reader, now: str) -> BlindProfile:
    row = BlindProfile.get_or_none(BlindProfile.reader == reader.id)
    if row is None:
        BlindProfile.insert(reader=reader.id, created_at=now, updated_at=now).execute()
        row = BlindProfile.get(BlindProfile.reader == reader.id)
    return row


@writes
def set_profile(
    session: Session,
    card_number: str,
    *,
    address: str | None = None,
    postcode: str | None = None,
    delivery: str | None = None,
    route: str | None = None,
    association: bool | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> Profile:
    """Change what is given; ``""`` clears the address, the route or the contact."""
    session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    if reader.cancelled_at:
        raise Invalid(
            "blind.card_returned_profile",
            "Card {number} was returned; its details can no longer be changed.",
            number=reader.card_number,
        )
    changes: dict[str, object] = {}
    fields: list[str] = []
    if delivery is not None:
        if delivery not in DELIVERY:
            raise Invalid("blind.unknown_delivery", "Items reach a reader {kinds}.", kinds=", ".join(DELIVERY))
        changes["delivery"] = delivery
    if route is not None:
        cleaned = one_line(route)
        if len(cleaned) > MAX_ROUTE_CHARS:
            raise Invalid("blind.route_too_long", "A route name has at most {count} characters.", count=MAX_ROUTE_CHARS)
        changes["route"] = cleaned or None
    if association is not None:
        if association and reader.id_type not in ORGANISATION_TYPES:
            raise Invalid(
                "blind.association_is_group",
                "Only a group registered with its organisation code can be an association of blind people.",
            )
        changes["association"] = association
    now = session.library.now_text()
    with session.write() as writer:
        keys = ensure_keys(writer, session.library)
        if address is not None:
            if address.strip():
                value = clean_address(address, postcode)
                changes["address_cipher"] = keys.seal(
                    reader.id,
                    ADDRESS_FIELD,
                    json.dumps({"text": value.text, "postcode": value.postcode}, ensure_ascii=False),
                )
            else:
                changes["address_cipher"] = None
            fields.append("address")
        if contact_name is not None:
            if contact_name.strip():
                contact = {
                    "name": clean_reader_name(contact_name),
                    "phone": clean_phone(contact_phone) if contact_phone else None,
                }
                changes["contact_cipher"] = keys.seal(reader.id, CONTACT_FIELD, json.dumps(contact, ensure_ascii=False))
            else:
                changes["contact_cipher"] = None
            fields.append("contact")
        _ensure_row(writer, reader, now)
        if changes:
            BlindProfile.update(**changes, updated_at=now).where(BlindProfile.reader == reader.id).execute()
        writer.journal(
            "blind.profile",
            "blind_profile",
            reader.id,
            {"fields": sorted({*fields, *(k for k in changes if not k.endswith("_cipher"))})},
        )
    return profile_of(BlindProfile.get(BlindProfile.reader == reader.id), reader, keys)
