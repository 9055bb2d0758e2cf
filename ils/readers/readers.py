"""Registering readers, finding them, viewing their records and changing their details.

Collect nothing more than the card needs (PIPL minimum necessary, DOMAIN 5.2.1): name,
ID document, birth date, reader type, home branch, a guardian for children under 14;
a mobile phone only if the reader wants SMS notices. No address, photo or occupation.

Every full view is journaled ("reader.view"), and so is every reveal of a full ID
number, which needs its own permission. A search returns summaries without any number.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from db.ids import new_id
from db.models import Branch, Reader, ReaderCard
from ils.branches import get_branch
from ils.errors import Invalid, Message, NotFound
from ils.i18n import N_
from ils.library import NODE_BRANCH, Writer
from ils.permissions import Permission
from ils.readers import consents as consent_rules
from ils.readers.ages import ADULT_AGE, age_on
from ils.readers.cards import check_card_number, new_card_number, normalise_card_number
from ils.readers.consents import ConsentInfo, check_kinds, consents_of, current_notice, insert_consent
from ils.readers.idnumbers import (
    IdNumber,
    check_id_number,
    id_type_label,
    lookup_candidates,
    mask,
)
from ils.readers.keys import ReaderKeys, ensure_keys, keys_if_any, load_keys
from ils.readers.requirements import birth_date_asked, refuse_missing_consents, refuse_missing_guardian, requirements
from ils.readers.rows import (
    CardInfo,
    ReaderSummary,
    card_history,
    card_of,
    card_state,
    date_of,
    display_name,
    reader_by_card,
    summaries,
    summary,
)
from ils.readers.settings import reader_settings
from ils.readers.types import get_reader_type
from ils.session import Session, writes
from ils.text import name_keys
from ils.text_input import clean_input
from ils.validation import typed_number

MAX_NAME_CHARS = 50
MAX_NOTES_CHARS = 500
MAX_SEARCH_CHARS = 100
MAX_FOUND = 50
NAME_FIELD = N_("Name")
SEARCH_FIELD = N_("Search text")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
ID_FIELD = "id_number"
PHONE_FIELD = "phone"


@dataclass(frozen=True)
class Registration:
    """What the desk fills in. The numbers stay out of ``repr`` so no traceback or log shows them."""

    name: str
    id_type: str
    id_number: str = field(repr=False)
    reader_type: str = "adult"
    birth_date: dt.date | None = None
    phone: str | None = field(default=None, repr=False)
    branch: str | None = None
    guardian_card: str | None = None
    notes: str | None = None
    consents: frozenset[str] = frozenset()
    card_number: str | None = None  # a pre-printed card's number; a new random one otherwise


@dataclass(frozen=True)
class PersonLink:
    card_number: str
    name: str


@dataclass(frozen=True)
class ReaderRecord:
    """The full record as the desk shows it: numbers masked, history and consents included."""

    summary: ReaderSummary
    name_pinyin: str
    id_type: str
    id_type_label: str
    id_masked: str
    birth_date: str | None
    age: int | None
    phone_masked: str | None
    guardian: PersonLink | None
    wards: tuple[PersonLink, ...]
    notes: str | None
    created_at: str
    updated_at: str
    cancelled_at: str | None
    cards: tuple[CardInfo, ...]
    consents: tuple[ConsentInfo, ...]


# --- cleaning what the desk typed ---------------------------------------------------------


def clean_reader_name(name: str) -> str:
    """A name as typed, full-width letters folded and runs of spaces made one."""
    return clean_input(name, NAME_FIELD, fold=True, max_length=MAX_NAME_CHARS)


def clean_notes(notes: str | None) -> str | None:
    return clean_input(notes, N_("Notes"), multiline=True, required=False, max_length=MAX_NOTES_CHARS) or None


def clean_phone(phone: str) -> str:
    digits = typed_number(clean_input(phone, N_("Mobile phone"), fold=True))
    digits = digits.removeprefix("+86")
    if not _MOBILE.match(digits):
        raise Invalid("readers.phone_invalid", "A mobile phone number has 11 digits and starts with 1.")
    return digits


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def _birth_date(number: IdNumber, given: dt.date | None, today: dt.date) -> dt.date | None:
    """The birth date the ID number carries; a different one typed beside it is a typing error."""
    if number.birth_date is not None:
        if given is not None and given != number.birth_date:
            raise Invalid(
                "readers.birth_date_typed_differs", "The birth date typed differs from the one in the ID number."
            )
        return number.birth_date
    if given is None and birth_date_asked(number.id_type):
        raise Invalid("readers.birth_date_needed", "This document carries no birth date: type the reader's birth date.")
    if given is not None and (given > today or given.year < 1900):
        raise Invalid("readers.birth_date_impossible", "The birth date {date} is impossible.", date=given.isoformat())
    return given


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def expiry_after(months: int | None, start: dt.date) -> str | None:
    return _add_months(start, months).isoformat() if months else None


def _guardian(card_number: str, today: dt.date) -> Reader:
    """The guardian: an adult reader whose card is in use."""
    card = card_of(card_number)
    guardian = card.reader
    if card.state != "active" or guardian.cancelled_at:
        raise Invalid(
            "readers.guardian_card_not_in_use",
            "The guardian's card {number} is not in use: {state}.",
            number=card.card_number,
            state=card_state("cancelled" if guardian.cancelled_at else card.state),
        )
    if guardian.birth_date and age_on(dt.date.fromisoformat(guardian.birth_date), today) < ADULT_AGE:
        raise Invalid("readers.guardian_too_young", "A guardian must be at least {age} years old.", age=ADULT_AGE)
    return guardian


def _duplicate_check(id_hash: str, reader_id: str | None = None) -> None:
    """One card per person: refuse a second reader with the same document number.

    Decided on a read, so it must run inside the write that stores the reader: two
    desks registering the same person at once are served one after the other.
    """
    query = Reader.select().where(Reader.id_hash == id_hash, Reader.cancelled_at.is_null())
    if reader_id is not None:
        query = query.where(Reader.id != reader_id)
    other = query.first()
    if other is not None:
        raise Invalid(
            "readers.one_card_per_person",
            "This person already has card {number} ({name}, registered on {date}); one card per person.",
            number=other.card_number,
            name=other.name,
            date=date_of(other.created_at),
        )


def unused_card_number(prefix: str, rng: random.Random | None = None) -> str:
    while True:
        number = new_card_number(prefix, rng)
        if ReaderCard.get_or_none(ReaderCard.card_number == number) is None:
            return number


def chosen_card_number(text: str) -> str:
    number = check_card_number(text)
    existing = ReaderCard.get_or_none(ReaderCard.card_number == number)
    if existing is not None:
        raise Invalid("readers.card_number_taken", "Card number {number} is already used.", number=number)
    return number


def issue_card_row(writer: Writer, reader: Reader, number: str, now: str) -> ReaderCard:
    card = ReaderCard.create(reader=reader, card_number=number, state="active", issued_at=now)
    writer.journal("reader_card.issue", "reader_card", card.id, {"reader_id": reader.id, "card_number": number})
    return card


# --- registering --------------------------------------------------------------------------


def insert_reader(
    writer: Writer, session: Session, keys: ReaderKeys, form: Registration, *, rng: random.Random | None = None
) -> Reader:
    """Check, store and journal one reader with its card and consents; the caller holds the write.

    ``register_reader`` calls it for one reader; the demo and bulk loads call it in one
    write for many. Anything wrong raises before a row is written, so the write rolls back.
    """
    today = session.now().date()
    now = session.library.now_text()
    name = clean_reader_name(form.name)
    notes = clean_notes(form.notes)
    reader_type = get_reader_type(form.reader_type)
    if not reader_type.active:
        raise Invalid(
            "readers.reader_type_retired",
            "The reader type {name} is no longer used for new readers.",
            name=reader_type.name,
        )
    number = check_id_number(form.id_type, form.id_number, today)
    birth_date = _birth_date(number, form.birth_date, today)
    kinds = check_kinds(form.consents)
    guardian = _guardian(form.guardian_card, today) if form.guardian_card else None
    needs = requirements(
        id_type=number.id_type, birth_date=birth_date, blind_service=reader_type.blind_service, today=today
    )
    refuse_missing_guardian(birth_date, today, guardian is not None)
    if reader_type.blind_service or consent_rules.DISABILITY in kinds:
        session.require(Permission.BLIND_SERVICE)  # only the blind reading room learns who is visually impaired
    refuse_missing_consents(needs, kinds, reader_type.name)
    phone = clean_phone(form.phone) if form.phone else None
    branch = get_branch(form.branch) if form.branch else Branch.get_by_id(session.library.setting(NODE_BRANCH))
    id_hash = keys.digest(number.namespace, number.number)
    _duplicate_check(id_hash)
    if guardian is not None and guardian.id_hash == id_hash:
        raise Invalid("readers.own_guardian", "A reader cannot be their own guardian.")
    prefix = reader_settings(session.library).card_prefix
    card_number = chosen_card_number(form.card_number) if form.card_number else unused_card_number(prefix, rng)
    reader_id = new_id()
    full, initials = name_keys(name)
    reader = Reader.create(
        id=reader_id,
        card_number=card_number,
        name=name,
        name_pinyin=full,
        name_initials=initials,
        id_type=number.id_type,
        id_cipher=keys.seal(reader_id, ID_FIELD, number.number),
        id_hash=id_hash,
        birth_date=birth_date.isoformat() if birth_date else None,
        phone_cipher=keys.seal(reader_id, PHONE_FIELD, phone) if phone else None,
        phone_hash=keys.digest(PHONE_FIELD, phone) if phone else None,
        reader_type=reader_type.code,
        branch=branch,
        guardian=guardian,
        notes=notes,
        expires_on=expiry_after(reader_type.validity_months, today),
        created_at=now,
        updated_at=now,
    )
    given = [
        f
        for f, present in (
            ("phone", phone is not None),
            ("guardian", guardian is not None),
            ("notes", reader.notes is not None),
        )
        if present
    ]
    writer.journal(
        "reader.register",
        "reader",
        reader_id,
        {
            "card_number": card_number,
            "reader_type": reader_type.code,
            "branch_id": branch.id,
            "id_type": number.id_type,
            "fields": given,
        },
    )
    issue_card_row(writer, reader, card_number, now)
    notice = current_notice().version
    for kind in sorted(kinds, key=lambda k: k != consent_rules.GUARDIAN):  # the guardian's first
        insert_consent(writer, session, reader, kind, notice)
    return reader


@writes
def register_reader(session: Session, form: Registration) -> ReaderRecord:
    """Register a reader and issue the card: one write, or nothing at all.

    Everything it decides on (one card per person, the guardian's card, the card number
    being free) is read inside the write lock.
    """
    session.require(Permission.REGISTER_READERS)
    with session.write() as writer:
        keys = ensure_keys(writer, session.library)
        reader = insert_reader(writer, session, keys, form)
    return _record(Reader.get_by_id(reader.id), keys, session.now().date())


# --- finding ------------------------------------------------------------------------------


def _prefix(column, text: str):
    return (column >= text) & (column < text + "\U0010ffff")


def find_readers(session: Session, text: str, *, limit: int = MAX_FOUND) -> list[ReaderSummary]:
    """Readers by card number (old cards too), ID number or phone (through the keyed hash),
    name or pinyin (full or initials, from the start). Exact matches come first.

    Anonymised readers are never found: there is nothing left to find them by.
    """
    session.require(Permission.VIEW_READERS)
    typed = clean_input(text, SEARCH_FIELD, fold=True, max_length=MAX_SEARCH_CHARS)
    today = session.now().date()
    exact: list[Reader] = []
    card = ReaderCard.get_or_none(ReaderCard.card_number == normalise_card_number(typed))
    if card is not None:
        exact.append(card.reader)
    keys = keys_if_any(session.library)
    if keys is not None:
        hashes = [keys.digest(n.namespace, n.number) for n in lookup_candidates(typed, today)]
        digits = re.sub(r"[\s\-]", "", typed).removeprefix("+86")
        if _MOBILE.match(digits):
            hashes.append(keys.digest(PHONE_FIELD, digits))
        if hashes:
            exact.extend(Reader.select().where(Reader.id_hash.in_(hashes) | Reader.phone_hash.in_(hashes)))
    lowered = typed.lower().replace(" ", "")
    named = _prefix(Reader.name, typed)
    if lowered.isascii() and lowered.isalpha():
        named = named | _prefix(Reader.name_pinyin, lowered) | _prefix(Reader.name_initials, lowered)
    by_name = Reader.select().where(named)
    found: dict[str, Reader] = {}
    for reader in [*exact, *by_name.order_by(Reader.name_pinyin, Reader.name).limit(limit)]:
        if not reader.anonymised_at:
            found.setdefault(reader.id, reader)
    return summaries(list(found.values())[:limit], today)


@dataclass(frozen=True)
class LookUp:
    """What the desk's one search line led to: one card in use (``opened``), or a list of
    readers found, with the refusal of a card that no longer serves anyone."""

    text: str
    opened: ReaderSummary | None = None
    found: tuple[ReaderSummary, ...] = ()
    refusal: Message | None = None


def look_up(session: Session, text: str) -> LookUp:
    """Whatever the reader desk scans or types: a card number in use opens its reader; a dead
    card is refused, its reader still listed; anything else is searched for."""
    try:
        check_card_number(text)
    except Invalid:  # not a card number of this library: a name, a phone, an ID number
        return LookUp(text, found=tuple(find_readers(session, text)))
    try:
        return LookUp(text, opened=scan_card(session, text))
    except NotFound:
        return LookUp(text, found=tuple(find_readers(session, text)))
    except Invalid as refusal:
        return LookUp(text, found=tuple(find_readers(session, text)), refusal=refusal.message)


def scan_card(session: Session, card_number: str) -> ReaderSummary:
    """A card presented at the desk: the reader it serves, or why it serves no one.

    A lost, replaced or returned card is refused with the date and what to do; a card in
    use comes back with every block on the reader, for the desk to read out.
    """
    return presented_reader(session, card_number)[1]


def presented_reader(session: Session, card_number: str) -> tuple[Reader, ReaderSummary]:
    """``scan_card`` with the reader's row, for services that go on to write about the reader."""
    session.require(Permission.VIEW_READERS)
    card = card_of(card_number)
    reader = card.reader
    if card.state == "lost":
        raise Invalid(
            "readers.card_lost",
            "Card {number} was reported lost on {date}: check the holder's ID before cancelling the loss report.",
            number=card.card_number,
            date=date_of(card.lost_at),
        )
    if card.state == "replaced":
        raise Invalid(
            "readers.card_replaced",
            "Card {number} was replaced on {date}; the reader's card is now {current}.",
            number=card.card_number,
            date=date_of(card.ended_at),
            current=reader.card_number,
        )
    if card.state == "cancelled":
        raise Invalid(
            "readers.card_returned",
            "Card {number} was returned on {date}; it is no longer valid.",
            number=card.card_number,
            date=date_of(card.ended_at),
        )
    return reader, summary(reader, session.now().date(), card)


# --- viewing ------------------------------------------------------------------------------


def _record(reader: Reader, keys: ReaderKeys | None, today: dt.date) -> ReaderRecord:
    id_masked = ""
    phone_masked = None
    if reader.id_cipher is not None and keys is not None:
        id_masked = mask(keys.open(reader.id, ID_FIELD, bytes(reader.id_cipher)))
    if reader.phone_cipher is not None and keys is not None:
        phone_masked = mask_phone(keys.open(reader.id, PHONE_FIELD, bytes(reader.phone_cipher)))
    birth = dt.date.fromisoformat(reader.birth_date) if reader.birth_date else None
    guardian = reader.guardian
    wards = Reader.select().where(Reader.guardian == reader.id, Reader.cancelled_at.is_null())
    return ReaderRecord(
        summary=summary(reader, today),
        name_pinyin=reader.name_pinyin,
        id_type=reader.id_type,
        id_type_label=id_type_label(reader.id_type),
        id_masked=id_masked,
        birth_date=reader.birth_date,
        age=age_on(birth, today) if birth else None,
        phone_masked=phone_masked,
        guardian=PersonLink(guardian.card_number, display_name(guardian)) if guardian else None,
        wards=tuple(PersonLink(w.card_number, w.name) for w in wards.order_by(Reader.name_pinyin)),
        notes=reader.notes,
        created_at=reader.created_at,
        updated_at=reader.updated_at,
        cancelled_at=reader.cancelled_at,
        cards=card_history(reader),
        consents=consents_of(reader),
    )


def reader_record(session: Session, reader: Reader) -> ReaderRecord:
    """The full record without journaling, for services that just journaled what they did."""
    keys = load_keys(session.library) if reader.id_cipher is not None else None
    return _record(Reader.get_by_id(reader.id), keys, session.now().date())


@writes
def view_reader(session: Session, card_number: str) -> ReaderRecord:
    """The full record (numbers masked); the view itself is journaled."""
    session.require(Permission.VIEW_READERS)
    reader = reader_by_card(card_number)
    record = reader_record(session, reader)
    with session.write() as writer:
        writer.journal("reader.view", "reader", reader.id, {"card_number": reader.card_number})
    return record


@writes
def reveal_id_number(session: Session, card_number: str) -> str:
    """The full ID number, for staff allowed to see it; each reveal is journaled."""
    session.require(Permission.REVEAL_ID_NUMBERS)
    reader = reader_by_card(card_number)
    if reader.id_cipher is None:
        raise NotFound(
            "readers.id_number_gone",
            "Card {number} has no ID number any more: the reader was anonymised.",
            number=reader.card_number,
        )
    number = load_keys(session.library).open(reader.id, ID_FIELD, bytes(reader.id_cipher))
    with session.write() as writer:
        writer.journal("reader.reveal", "reader", reader.id, {"card_number": reader.card_number, "fields": [ID_FIELD]})
    return number


# --- changing -----------------------------------------------------------------------------


@writes
def change_reader(
    session: Session,
    card_number: str,
    *,
    name: str | None = None,
    id_type: str | None = None,
    id_number: str | None = None,
    birth_date: dt.date | None = None,
    phone: str | None = None,
    reader_type: str | None = None,
    branch: str | None = None,
    guardian_card: str | None = None,
    notes: str | None = None,
) -> ReaderRecord:
    """Correct or update a reader's details; ``""`` clears the phone, the guardian or the notes.

    A corrected ID number is checked like a new one (check digit, one card per person);
    its birth date replaces the stored one. The journal names the fields, not the values.
    """
    session.require(Permission.REGISTER_READERS)
    reader = reader_by_card(card_number)
    if reader.cancelled_at:
        raise Invalid(
            "readers.card_returned_no_changes",
            "Card {number} was returned; its details can no longer be changed.",
            number=reader.card_number,
        )
    today = session.now().date()
    changes: dict[str, object] = {}
    if name is not None:
        cleaned_name = clean_reader_name(name)
        changes["name"] = cleaned_name
        changes["name_pinyin"], changes["name_initials"] = name_keys(cleaned_name)
    if reader_type is not None:
        new_type = get_reader_type(reader_type)
        if new_type.blind_service:
            session.require(Permission.BLIND_SERVICE)
        if not new_type.active:
            raise Invalid(
                "readers.reader_type_retired",
                "The reader type {name} is no longer used for new readers.",
                name=new_type.name,
            )
        # Only the disability consent can be newly required here; a child's guardian consented at registration.
        consented = (
            frozenset({consent_rules.DISABILITY})
            if consent_rules.active_consent(reader, consent_rules.DISABILITY) is not None
            else frozenset()
        )
        refuse_missing_consents(
            requirements(id_type=reader.id_type, birth_date=None, blind_service=True, today=today),
            consented,
            new_type.name,
        )
        changes["reader_type"] = new_type.code
    if branch is not None:
        changes["branch"] = get_branch(branch)
    if notes is not None:
        changes["notes"] = clean_notes(notes)
    with session.write() as writer:
        keys = ensure_keys(writer, session.library)
        if id_number is not None or id_type is not None:
            if id_number is None:
                raise Invalid("readers.id_type_without_number", "Give the ID number with its new type.")
            number = check_id_number(id_type or reader.id_type, id_number, today)
            id_hash = keys.digest(number.namespace, number.number)
            _duplicate_check(id_hash, reader.id)
            born = _birth_date(number, birth_date, today)
            changes.update(
                id_type=number.id_type,
                id_cipher=keys.seal(reader.id, ID_FIELD, number.number),
                id_hash=id_hash,
                birth_date=born.isoformat() if born else None,
            )
        elif birth_date is not None:
            if reader.id_cipher is not None:
                stored = check_id_number(reader.id_type, keys.open(reader.id, ID_FIELD, bytes(reader.id_cipher)), today)
                born = _birth_date(stored, birth_date, today)
            else:
                born = birth_date
            changes["birth_date"] = born.isoformat() if born else None
        if phone is not None:
            cleaned = clean_phone(phone) if clean_input(phone, N_("Mobile phone"), required=False) else None
            changes["phone_cipher"] = keys.seal(reader.id, PHONE_FIELD, cleaned) if cleaned else None
            changes["phone_hash"] = keys.digest(PHONE_FIELD, cleaned) if cleaned else None
        if guardian_card is not None:
            given = clean_input(guardian_card, N_("Guardian's card number"), required=False)
            new_guardian = _guardian(given, today) if given else None
            if new_guardian is not None and new_guardian.id == reader.id:
                raise Invalid("readers.own_guardian", "A reader cannot be their own guardian.")
            changes["guardian"] = new_guardian
        born_text = changes.get("birth_date", reader.birth_date)
        guardian = changes.get("guardian", reader.guardian)
        refuse_missing_guardian(
            dt.date.fromisoformat(str(born_text)) if born_text else None, today, guardian is not None
        )
        if not changes:
            return reader_record(session, reader)
        changes["updated_at"] = session.library.now_text()
        Reader.update(**changes).where(Reader.id == reader.id).execute()
        fields = sorted(
            {
                "id_number"
                if k in ("id_cipher", "id_hash")
                else "phone"
                if k.startswith("phone")
                else "name"
                if k.startswith("name")
                else k
                for k in changes
            }
            - {"updated_at"}
        )
        writer.journal("reader.change", "reader", reader.id, {"card_number": reader.card_number, "fields": fields})
    return reader_record(session, reader)
