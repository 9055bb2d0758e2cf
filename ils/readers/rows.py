"""Reading readers and cards: look-ups by card number, the blocks on a reader, summaries.

Shared by every reader service; nothing here writes. Results are frozen dataclasses so
a screen never holds a live row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db import prepared
from db.models import Branch, Reader, ReaderBlock, ReaderCard, ReaderType
from ils.errors import Message, NotFound, message
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.readers.ages import CHILD_AGE, age_on
from ils.readers.cards import check_card_number, normalise_card_number
from ils.session import serving_may
from ils.standing import block_kinds
from ils.standing import blocks_of as contributed_blocks

CARD_STATES: dict[str, str] = {
    "active": N_("In use"),
    "lost": N_("Reported lost"),
    "replaced": N_("Replaced"),
    "cancelled": N_("Cancelled"),
}
READER_STATUSES: dict[str, str] = {
    "active": N_("Active"),
    "cancelled": N_("Card returned"),
    "anonymised": N_("Anonymised"),
}
BLOCK_KINDS: dict[str, str] = {
    "cancelled": N_("Card returned"),
    "lost": N_("Card reported lost"),
    "suspended": N_("Suspended"),
    "expired": N_("Card expired"),
}
SUSPENDED = "suspended"


@dataclass(frozen=True)
class Block:
    """One reason the reader cannot borrow now; several may stand at once.

    ``kind`` is the stable code a terminal maps (SIP2's patron-status bits): the keys of
    ``BLOCK_KINDS``, and the kinds other domains contribute (``ils.standing``). ``detail``
    says what to do about it, as a ``Message`` rendered in the reader's-desk language; a
    suspension's detail is the reason staff typed.
    """

    kind: str
    label: str
    since: str | None
    detail: Message | str
    block_id: str | None = None


@dataclass(frozen=True)
class CardInfo:
    card_number: str
    state: str
    state_label: str
    issued_at: str
    lost_at: str | None
    ended_at: str | None


@dataclass(frozen=True)
class ReaderSummary:
    id: str
    card_number: str
    name: str
    reader_type: str
    reader_type_name: str
    branch_code: str
    branch_name: str
    status: str
    status_label: str
    expires_on: str | None
    blocks: tuple[Block, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.blocks)


def card_state_label(state: str) -> str:
    return _(CARD_STATES[state]) if state in CARD_STATES else state


def card_state(state: str) -> Message:
    """A card's state as a refusal's parameter, rendered in the language the refusal is shown in."""
    return Message(f"card_state.{state}", CARD_STATES.get(state, state))


def block_label(kind: str) -> str:
    label = BLOCK_KINDS.get(kind) or block_kinds().get(kind)
    return _(label) if label else kind


def date_of(moment: str | None) -> str:
    """The date part of a stored time, as the desk shows it."""
    return (moment or "")[:10]


def card_of(number: str) -> ReaderCard:
    """The card with this number, in whatever state; ``NotFound`` when no card has it, ``Invalid``
    when the number does not have the library's card format (checked only then: a stored
    card fitted when it was issued).

    Read with its reader, the reader's type and branch in one query: every scan at the
    desk starts here and shows all of them.
    """
    cleaned = normalise_card_number(number)
    found = ReaderCard._meta.database.execute_sql(_CARD_SQL, (cleaned,)).fetchone()
    if found is None:
        raise NotFound(
            "readers.no_such_card", "No reader card has the number {number}.", number=check_card_number(number)
        )
    card = prepared.model_at(ReaderCard, found)
    reader = card.__rel__["reader"] = prepared.model_at(Reader, found, _CARD_WIDTH)
    reader.__rel__["reader_type"] = prepared.model_at(ReaderType, found, _CARD_WIDTH + prepared.width(Reader))
    reader.__rel__["branch"] = prepared.model_at(
        Branch, found, _CARD_WIDTH + prepared.width(Reader) + prepared.width(ReaderType)
    )
    return card


# In plain SQL: peewee's building of this four-table select cost more than the rest of a checkout.
_CARD_SQL = (
    f"SELECT {prepared.columns(ReaderCard, 'c')}, {prepared.columns(Reader, 'r')},"
    f" {prepared.columns(ReaderType, 't')}, {prepared.columns(Branch, 'b')} FROM reader_card c"
    " JOIN reader r ON r.id = c.reader_id JOIN reader_type t ON t.code = r.reader_type"
    " JOIN branch b ON b.id = r.branch_id WHERE c.card_number = ?"
)
_CARD_WIDTH = prepared.width(ReaderCard)


def reader_by_card(number: str) -> Reader:
    return card_of(number).reader


def current_card(reader: Reader) -> ReaderCard:
    return ReaderCard.get(ReaderCard.card_number == reader.card_number)


def status_of(reader: Reader) -> str:
    if reader.anonymised_at:
        return "anonymised"
    return "cancelled" if reader.cancelled_at else "active"


def display_name(reader: Reader) -> str:
    return reader.name if not reader.anonymised_at else _("(anonymised)")


def _blocks(
    reader: Reader,
    card: ReaderCard,
    staff_blocks: list[ReaderBlock],
    contributed: list[tuple[str, Message]],
    today: dt.date,
) -> tuple[Block, ...]:
    """The blocks in the order the desk should read them, from what was read for the reader."""
    if reader.cancelled_at:
        return (
            Block(
                "cancelled",
                block_label("cancelled"),
                date_of(reader.cancelled_at),
                message("readers.block_cancelled", "The reader returned the card; register again to borrow."),
            ),
        )
    blocks = []
    if card.state == "lost":
        blocks.append(
            Block(
                "lost",
                block_label("lost"),
                date_of(card.lost_at),
                message("readers.block_lost", "Cancel the loss report when the card is found, or replace the card."),
            )
        )
    for row in sorted(staff_blocks, key=lambda b: b.placed_at):
        blocks.append(Block(row.kind, block_label(row.kind), date_of(row.placed_at), row.reason, row.id))
    if reader.expires_on and reader.expires_on < today.isoformat():
        blocks.append(
            Block(
                "expired",
                block_label("expired"),
                reader.expires_on,
                message("readers.block_expired", "Renew the card."),
            )
        )
    blocks.extend(Block(kind, block_label(kind), None, detail) for kind, detail in contributed)
    return tuple(blocks)


def blocks_of(reader: Reader, today: dt.date, card: ReaderCard | None = None) -> tuple[Block, ...]:
    """Every block on the reader, each with its reason.

    ``card`` is the reader's current card when the caller has it already.
    """
    if card is None or card.card_number != reader.card_number:
        card = current_card(reader)
    staff_blocks = list(reader.blocks.where(ReaderBlock.lifted_at.is_null()))
    contributed = [] if reader.cancelled_at else contributed_blocks([reader.id], today)[reader.id]
    return _blocks(reader, card, staff_blocks, contributed, today)


def shown_type(reader: Reader, reader_type: ReaderType, today: dt.date) -> tuple[str, str]:
    """(code, name) of the reader's type as this call may show it.

    A blind-service type says the reader is visually impaired, which only staff who may see that
    are shown (DOMAIN 5.2.3). Others see the type the reader would have otherwise, by age (少儿
    under 14, 成人 from then on), so nothing on their screen or in their output tells the reader
    apart from any other.
    """
    if not reader_type.blind_service or serving_may(Permission.BLIND_SERVICE):
        return reader_type.code, reader_type.name
    born = dt.date.fromisoformat(reader.birth_date) if reader.birth_date else None
    code = "child" if born is not None and age_on(born, today) < CHILD_AGE else "adult"
    row = ReaderType.get_or_none(ReaderType.code == code)
    return code, row.name if row is not None else _("Reader")


def _summary(
    reader: Reader, reader_type: ReaderType, branch: Branch, blocks: tuple[Block, ...], today: dt.date
) -> ReaderSummary:
    status = status_of(reader)
    type_code, type_name = shown_type(reader, reader_type, today)
    return ReaderSummary(
        id=reader.id,
        card_number=reader.card_number,
        name=display_name(reader),
        reader_type=type_code,
        reader_type_name=type_name,
        branch_code=branch.code,
        branch_name=branch.name,
        status=status,
        status_label=_(READER_STATUSES[status]),
        expires_on=reader.expires_on,
        blocks=blocks,
    )


def summary(reader: Reader, today: dt.date, card: ReaderCard | None = None) -> ReaderSummary:
    return _summary(reader, reader.reader_type, reader.branch, blocks_of(reader, today, card), today)


def summaries(readers: list[Reader], today: dt.date) -> list[ReaderSummary]:
    """Summaries of a list of readers found at the desk, read together: a handful of queries for
    the whole list instead of several for each reader."""
    if not readers:
        return []
    ids = [reader.id for reader in readers]
    cards = {
        c.card_number: c
        for c in ReaderCard.select().where(ReaderCard.card_number.in_([reader.card_number for reader in readers]))
    }
    staff_blocks: dict[str, list[ReaderBlock]] = {}
    for row in ReaderBlock.select().where(ReaderBlock.reader.in_(ids), ReaderBlock.lifted_at.is_null()):
        staff_blocks.setdefault(row.reader_id, []).append(row)
    types = {row.code: row for row in ReaderType.select()}
    branches = {b.id: b for b in Branch.select()}
    contributed = contributed_blocks([reader.id for reader in readers if not reader.cancelled_at], today)
    return [
        _summary(
            reader,
            types[reader.reader_type_id],
            branches[reader.branch_id],
            _blocks(
                reader,
                cards[reader.card_number],
                staff_blocks.get(reader.id, []),
                contributed.get(reader.id, []),
                today,
            ),
            today,
        )
        for reader in readers
    ]


def card_history(reader: Reader) -> tuple[CardInfo, ...]:
    return tuple(
        CardInfo(c.card_number, c.state, card_state_label(c.state), c.issued_at, c.lost_at, c.ended_at)
        for c in reader.cards.order_by(ReaderCard.issued_at, ReaderCard.id)
    )
