"""Proxies: a family member or carer who borrows on a reader's behalf, with the reader's consent.

The proxy's name and relation are recorded with when the reader consented and which staff
member recorded it; the phone, if given, is sealed with the reader key. Each loan taken by a
proxy names the proxy (``blind_loan.proxy_id``). Proxies are desk-local: they are people the
union has no business knowing. Ending a proxy keeps the row and stamps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import BlindProxy, Reader
from ils.errors import Invalid, NotFound
from ils.permissions import Permission
from ils.readers.keys import ReaderKeys, ensure_keys, keys_if_any
from ils.readers.readers import clean_phone, clean_reader_name
from ils.readers.rows import reader_by_card
from ils.session import Session, writes

PHONE_FIELD = "blind_proxy_phone"
MAX_RELATION_CHARS = 20


@dataclass(frozen=True)
class ProxyInfo:
    id: str
    name: str
    relation: str
    phone: str | None
    consented_at: str
    ended_at: str | None


def _info(row: BlindProxy, keys: ReaderKeys | None) -> ProxyInfo:
    phone = keys.open(row.id, PHONE_FIELD, bytes(row.phone_cipher)) if row.phone_cipher and keys else None
    return ProxyInfo(row.id, row.name, row.relation, phone, row.consented_at, row.ended_at)


def proxies_of(reader: Reader, keys: ReaderKeys | None, *, current_only: bool = True) -> tuple[ProxyInfo, ...]:
    rows = BlindProxy.select().where(BlindProxy.reader == reader.id).order_by(BlindProxy.consented_at, BlindProxy.id)
    if current_only:
        rows = rows.where(BlindProxy.ended_at.is_null())
    return tuple(_info(row, keys) for row in rows)


def current_proxy(reader: Reader, proxy_id: str) -> BlindProxy:
    row = BlindProxy.get_or_none(
        BlindProxy.id == proxy_id, BlindProxy.reader == reader.id, BlindProxy.ended_at.is_null()
    )
    if row is None:
        raise NotFound(
            "blind.no_such_proxy",
            "{reader} has no proxy {proxy} who may borrow now.",
            reader=reader.name,
            proxy=proxy_id,
        )
    return row


@writes
def add_proxy(session: Session, card_number: str, *, name: str, relation: str, phone: str | None = None) -> ProxyInfo:
    """Record a proxy the reader consents to, here and now."""
    session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    if reader.cancelled_at:
        raise Invalid(
            "blind.card_returned_proxy",
            "Card {number} was returned; nothing more can be recorded for it.",
            number=reader.card_number,
        )
    cleaned = clean_reader_name(name)
    kin = " ".join(relation.split())
    if not kin or len(kin) > MAX_RELATION_CHARS:
        raise Invalid(
            "blind.proxy_relation",
            "Say how the proxy is related to the reader, in at most {count} characters.",
            count=MAX_RELATION_CHARS,
        )
    number = clean_phone(phone) if phone and phone.strip() else None
    with session.write() as writer:
        keys = ensure_keys(writer, session.library)
        row = BlindProxy.create(
            reader=reader.id,
            name=cleaned,
            relation=kin,
            consented_at=session.library.now_text(),
            consented_by=session.staff.id,
        )
        if number:
            BlindProxy.update(phone_cipher=keys.seal(row.id, PHONE_FIELD, number)).where(
                BlindProxy.id == row.id
            ).execute()
        writer.journal(
            "blind.proxy_add",
            "blind_proxy",
            row.id,
            {
                "reader_id": reader.id,
                "fields": [
                    f for f, given in (("name", True), ("relation", True), ("phone", number is not None)) if given
                ],
            },
        )
    return _info(BlindProxy.get_by_id(row.id), keys)


@writes
def end_proxy(session: Session, card_number: str, proxy_id: str) -> ProxyInfo:
    """The reader no longer wants this person to borrow for them."""
    session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    row = current_proxy(reader, proxy_id)
    with session.write() as writer:
        BlindProxy.update(ended_at=session.library.now_text(), ended_by=session.staff.id).where(
            BlindProxy.id == row.id
        ).execute()
        writer.journal("blind.proxy_end", "blind_proxy", row.id, {"reader_id": reader.id})
    return _info(BlindProxy.get_by_id(row.id), keys_if_any(session.library))


def list_proxies(session: Session, card_number: str) -> tuple[ProxyInfo, ...]:
    session.require(Permission.BLIND_SERVICE)
    return proxies_of(reader_by_card(card_number), keys_if_any(session.library), current_only=False)
