"""The card's life at the desk: verify, report lost, cancel the report, replace, renew,
suspend, lift a suspension, and return the card (退证). Each step is one journaled write,
refused with the reason when it does not apply.

As Chaling County Library does it: reporting a loss blocks the card at once and needs no
proof (any misuse before the report is the reader's); cancelling the report (解挂) and
replacing the card (补办) need the holder's ID number, or the guardian's for a child, so
nobody takes over a card by saying it was found. A replaced card is dead for good: scanned,
it says when it was replaced and which card took its place. Returning the card needs every
loan back and nothing owed.

Each step reads the card, decides and writes inside one write lock (``@writes``): two
desks acting on one card at once are served one after the other, and the second one
sees what the first did (a card replaced a moment ago cannot be reported lost).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models import Reader, ReaderBlock, ReaderCard
from ils.errors import Invalid
from ils.i18n import N_
from ils.permissions import Permission
from ils.readers.idnumbers import lookup_candidates
from ils.readers.keys import ReaderKeys, load_keys
from ils.readers.readers import (
    ReaderRecord,
    chosen_card_number,
    expiry_after,
    issue_card_row,
    reader_record,
    unused_card_number,
)
from ils.readers.rows import SUSPENDED, card_of, date_of
from ils.readers.settings import reader_settings
from ils.session import Session, writes
from ils.standing import obligations_of
from ils.text_input import clean_input

MAX_REASON_CHARS = 200


@dataclass(frozen=True)
class Verification:
    card_number: str
    name: str
    matches: bool


def _current(card_number: str) -> tuple[ReaderCard, Reader]:
    """The card, refused unless it is the reader's current card and the reader has not returned it."""
    card = card_of(card_number)
    reader = card.reader
    if card.state == "replaced":
        raise Invalid(
            "readers.card_replaced",
            "Card {number} was replaced on {date}; the reader's card is now {current}.",
            number=card.card_number,
            date=date_of(card.ended_at),
            current=reader.card_number,
        )
    if card.state == "cancelled" or reader.cancelled_at:
        raise Invalid(
            "readers.card_returned",
            "Card {number} was returned on {date}; it is no longer valid.",
            number=card.card_number,
            date=date_of(card.ended_at or reader.cancelled_at),
        )
    return card, reader


def _matches(keys: ReaderKeys, reader: Reader, id_number: str, today: dt.date) -> bool:
    hashes = {keys.digest(n.namespace, n.number) for n in lookup_candidates(id_number, today)}
    return reader.id_hash in hashes


def _confirm_identity(session: Session, reader: Reader, id_number: str) -> None:
    """The holder's ID number, or for a reader with a guardian the guardian's, must match."""
    keys = load_keys(session.library)
    today = session.now().date()
    if _matches(keys, reader, id_number, today):
        return
    if reader.guardian_id is not None and _matches(keys, reader.guardian, id_number, today):
        return
    raise Invalid(
        "readers.id_number_not_holders",
        "This ID number is not the card holder's (nor the guardian's): nothing was changed.",
    )


@writes
def verify(session: Session, card_number: str, id_number: str) -> Verification:
    """验证: does this ID number belong to the holder of this card? The check is journaled."""
    session.require(Permission.VIEW_READERS)
    card = card_of(card_number)
    reader = card.reader
    matches = reader.id_hash is not None and _matches(
        load_keys(session.library), reader, id_number, session.now().date()
    )
    with session.write() as writer:
        writer.journal("reader.verify", "reader", reader.id, {"card_number": card.card_number, "matches": matches})
    return Verification(card.card_number, reader.name, matches)


@writes
def report_lost(session: Session, card_number: str) -> ReaderRecord:
    """挂失: the card is blocked from now on; no proof needed, so a loss is reported at once."""
    session.require(Permission.MANAGE_CARDS)
    card, reader = _current(card_number)
    if card.state == "lost":
        raise Invalid(
            "readers.card_already_reported_lost",
            "Card {number} was already reported lost on {date}.",
            number=card.card_number,
            date=date_of(card.lost_at),
        )
    with session.write() as writer:
        ReaderCard.update(state="lost", lost_at=session.library.now_text()).where(ReaderCard.id == card.id).execute()
        writer.journal(
            "reader_card.lost", "reader_card", card.id, {"reader_id": reader.id, "card_number": card.card_number}
        )
    return reader_record(session, reader)


@writes
def cancel_loss(session: Session, card_number: str, id_number: str) -> ReaderRecord:
    """解挂: the card was found; the holder proves who they are and the card works again."""
    session.require(Permission.MANAGE_CARDS)
    card, reader = _current(card_number)
    if card.state != "lost":
        raise Invalid("readers.card_not_lost", "Card {number} is not reported lost.", number=card.card_number)
    _confirm_identity(session, reader, id_number)
    with session.write() as writer:
        ReaderCard.update(state="active", lost_at=None).where(ReaderCard.id == card.id).execute()
        writer.journal(
            "reader_card.found", "reader_card", card.id, {"reader_id": reader.id, "card_number": card.card_number}
        )
    return reader_record(session, reader)


@writes
def replace_card(
    session: Session, card_number: str, id_number: str, *, new_card_number: str | None = None
) -> ReaderRecord:
    """补办: a new card number for the same reader; the old number is dead from now on."""
    session.require(Permission.MANAGE_CARDS)
    card, reader = _current(card_number)
    _confirm_identity(session, reader, id_number)
    now = session.library.now_text()
    if new_card_number is not None:
        number = chosen_card_number(new_card_number)
    else:
        number = unused_card_number(reader_settings(session.library).card_prefix)
    with session.write() as writer:
        ReaderCard.update(state="replaced", ended_at=now).where(ReaderCard.id == card.id).execute()
        writer.journal(
            "reader_card.replace",
            "reader_card",
            card.id,
            {"reader_id": reader.id, "card_number": card.card_number, "new_card_number": number},
        )
        issue_card_row(writer, reader, number, now)
        Reader.update(card_number=number, updated_at=now).where(Reader.id == reader.id).execute()
    return reader_record(session, reader)


@writes
def renew(session: Session, card_number: str) -> ReaderRecord:
    """Extend a card of a type that expires by that type's period, from today or from its end date."""
    session.require(Permission.MANAGE_CARDS)
    _card, reader = _current(card_number)
    months = reader.reader_type.validity_months
    if not months:
        raise Invalid(
            "readers.card_never_expires",
            "{type} cards do not expire; there is nothing to renew.",
            type=reader.reader_type.name,
        )
    today = session.now().date()
    start = max(today, dt.date.fromisoformat(reader.expires_on)) if reader.expires_on else today
    expires_on = expiry_after(months, start)
    with session.write() as writer:
        Reader.update(expires_on=expires_on, updated_at=session.library.now_text()).where(
            Reader.id == reader.id
        ).execute()
        writer.journal(
            "reader.renew", "reader", reader.id, {"card_number": reader.card_number, "expires_on": expires_on}
        )
    return reader_record(session, reader)


@writes
def suspend(session: Session, card_number: str, reason: str) -> ReaderRecord:
    """停借: block the reader with a reason the desk will read; suspensions stack.

    The reason stays in the block row (emptied when the reader is anonymised), not in the
    append-only journal, since it may say something about the person.
    """
    session.require(Permission.MANAGE_CARDS)
    _card, reader = _current(card_number)
    reason = clean_input(reason, N_("Reason for the suspension"), max_length=MAX_REASON_CHARS)
    with session.write() as writer:
        block = ReaderBlock.create(
            reader=reader,
            kind=SUSPENDED,
            reason=reason,
            placed_at=session.library.now_text(),
            placed_by=session.staff.id,
        )
        writer.journal("reader_block.place", "reader_block", block.id, {"reader_id": reader.id, "kind": SUSPENDED})
    return reader_record(session, reader)


@writes
def unsuspend(session: Session, card_number: str, *, block_id: str | None = None) -> ReaderRecord:
    """Lift one suspension (``block_id``) or, without it, every suspension on the reader."""
    session.require(Permission.MANAGE_CARDS)
    _card, reader = _current(card_number)
    query = reader.blocks.where(ReaderBlock.kind == SUSPENDED, ReaderBlock.lifted_at.is_null())
    if block_id is not None:
        query = query.where(ReaderBlock.id == block_id)
    blocks = list(query)
    if not blocks:
        raise Invalid("readers.not_suspended", "{reader} is not suspended.", reader=reader.name)
    now = session.library.now_text()
    with session.write() as writer:
        for block in blocks:
            ReaderBlock.update(lifted_at=now, lifted_by=session.staff.id).where(ReaderBlock.id == block.id).execute()
            writer.journal("reader_block.lift", "reader_block", block.id, {"reader_id": reader.id, "kind": SUSPENDED})
    return reader_record(session, reader)


@writes
def cancel_card(session: Session, card_number: str) -> ReaderRecord:
    """退证: the reader returns the card; only with nothing on loan, nothing owed and no child in their care.

    The record is kept for disputes and anonymised after the retention period
    (``readers.anonymise_after_days``), or at once on the reader's request.
    """
    session.require(Permission.MANAGE_CARDS)
    card, reader = _current(card_number)
    owed = obligations_of(reader.id, session.now().date())
    if owed:
        raise Invalid(
            "readers.cancel_obligations_open",
            "{reader} cannot return the card yet: {what}.",
            reader=reader.name,
            what="; ".join(str(o) for o in owed),
        )
    wards = list(Reader.select().where(Reader.guardian == reader.id, Reader.cancelled_at.is_null()))
    if wards:
        raise Invalid(
            "readers.cancel_guardian_of_wards",
            "{reader} is the guardian of {names}: give them another guardian first.",
            reader=reader.name,
            names="、".join(w.name for w in wards),
        )
    now = session.library.now_text()
    with session.write() as writer:
        ReaderCard.update(state="cancelled", ended_at=now).where(ReaderCard.id == card.id).execute()
        writer.journal(
            "reader_card.cancel", "reader_card", card.id, {"reader_id": reader.id, "card_number": card.card_number}
        )
        Reader.update(cancelled_at=now, updated_at=now).where(Reader.id == reader.id).execute()
        writer.journal("reader.cancel", "reader", reader.id, {"card_number": card.card_number})
    return reader_record(session, reader)
