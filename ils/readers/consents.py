"""Consents and the privacy notice they were given under.

PIPL asks for separate consent (单独同意) to give personal information to another
processor (Art. 23: the union catalogue centre, for borrow-anywhere) and to process
sensitive information (Art. 29: disability status); a child under 14 needs a parent's
or guardian's consent for all of it (Art. 31). SMS notices are optional too. Each consent
is its own row: when, which staff member recorded it, which version of the notice the
reader was shown, and for a child which guardian gave it. Withdrawing keeps the row and
stamps it, so the record shows what held when.

``shareable`` is what sync asks before a reader's data leaves this desk: without the
sharing consent, it never does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from db.models import PrivacyNotice, Reader, ReaderConsent, Staff
from ils.errors import Invalid, Message
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.readers import ages
from ils.readers.rows import date_of, reader_by_card
from ils.session import Session, serving_may, writes
from ils.text_input import clean_input

UNION_SHARING = "union_sharing"
DISABILITY = "disability"
SMS = "sms"
GUARDIAN = "guardian"
MAX_NOTICE_CHARS = 20_000

CONSENT_KINDS: dict[str, str] = {
    UNION_SHARING: N_("Share with the union catalogue for borrow-anywhere"),
    DISABILITY: N_("Record disability status (blind reading room)"),
    SMS: N_("SMS notices"),
    GUARDIAN: N_("Guardian's consent for a child under 14"),
}


@dataclass(frozen=True)
class NoticeInfo:
    version: int
    text: str
    published_at: str


@dataclass(frozen=True)
class ConsentInfo:
    kind: str
    kind_label: str
    notice_version: int
    granted_at: str
    granted_by: str
    guardian_card: str | None
    withdrawn_at: str | None

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None


def consent_text(consent: ConsentInfo) -> str:
    """When and under which notice a consent was given, by whom for a child, and whether it was withdrawn."""
    text = _("given {date} under notice version {version}").format(
        date=date_of(consent.granted_at), version=consent.notice_version
    )
    if consent.guardian_card:
        text += _(", by the guardian (card {card})").format(card=consent.guardian_card)
    if consent.withdrawn_at:
        text += _("; withdrawn {date}").format(date=date_of(consent.withdrawn_at))
    return text


def consent_label(kind: str) -> str:
    return _(CONSENT_KINDS[kind]) if kind in CONSENT_KINDS else kind


def consent_kind(kind: str) -> Message:
    """A consent's kind as a refusal's parameter, rendered in the language the refusal is shown in."""
    return Message(f"consent.{kind}", CONSENT_KINDS.get(kind, kind))


def check_kinds(kinds) -> frozenset[str]:
    unknown = sorted(set(kinds) - set(CONSENT_KINDS))
    if unknown:
        raise Invalid(
            "readers.unknown_consent_kind",
            "Unknown consent {kind}; kinds are: {kinds}.",
            kind=", ".join(unknown),
            kinds=", ".join(CONSENT_KINDS),
        )
    return frozenset(kinds)


def current_notice() -> NoticeInfo:
    row = PrivacyNotice.select().order_by(PrivacyNotice.version.desc()).get()
    return NoticeInfo(row.version, row.text, row.published_at)


@writes
def publish_notice(session: Session, text: str) -> NoticeInfo:
    """A new version of the notice; consents given from now on name it, earlier ones keep theirs."""
    session.require(Permission.CONFIGURE_READERS)
    text = clean_input(text, N_("Privacy notice"), multiline=True, max_length=MAX_NOTICE_CHARS)
    version = (PrivacyNotice.select(fn.MAX(PrivacyNotice.version)).scalar() or 0) + 1
    with session.write() as writer:
        PrivacyNotice.create(
            version=version, text=text, published_at=session.library.now_text(), published_by=session.staff.id
        )
        writer.journal("privacy_notice.publish", "privacy_notice", str(version), {"version": version})
    return current_notice()


def is_child(reader: Reader, today: dt.date) -> bool:
    return ages.is_child(dt.date.fromisoformat(reader.birth_date) if reader.birth_date else None, today)


def active_consent(reader: Reader, kind: str) -> ReaderConsent | None:
    return reader.consents.where(ReaderConsent.kind == kind, ReaderConsent.withdrawn_at.is_null()).first()


def insert_consent(writer: Writer, session: Session, reader: Reader, kind: str, notice_version: int) -> ReaderConsent:
    """Record one consent; for a child it is the guardian's, so the guardian is named on it."""
    if kind == SMS and reader.phone_hash is None:
        raise Invalid("readers.sms_needs_phone", "SMS notices need a mobile phone number.")
    if kind == GUARDIAN and reader.guardian_id is None:
        raise Invalid(
            "readers.guardian_consent_without_guardian",
            "A guardian's consent needs the guardian's card: register the guardian first.",
        )
    row = ReaderConsent.create(
        reader=reader,
        kind=kind,
        notice_version=notice_version,
        guardian=reader.guardian_id,
        granted_at=session.library.now_text(),
        granted_by=session.staff.id,
    )
    writer.journal(
        "reader_consent.grant",
        "reader_consent",
        row.id,
        {"reader_id": reader.id, "kind": kind, "notice_version": notice_version},
    )
    return row


@writes
def grant_consent(session: Session, card_number: str, kind: str) -> tuple[ConsentInfo, ...]:
    """Record a consent given after registration (the reader ticks SMS notices later, say)."""
    session.require(Permission.REGISTER_READERS)
    (kind,) = check_kinds([kind])
    if kind == DISABILITY:
        session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    if reader.cancelled_at:
        raise Invalid(
            "readers.card_returned_no_consents",
            "Card {number} was returned; nothing more can be recorded for it.",
            number=reader.card_number,
        )
    if active_consent(reader, kind) is not None:
        raise Invalid(
            "readers.consent_already_given",
            "{reader} has already given this consent: {kind}.",
            reader=reader.name,
            kind=consent_kind(kind),
        )
    if is_child(reader, session.now().date()) and kind != GUARDIAN and active_consent(reader, GUARDIAN) is None:
        raise Invalid(
            "readers.child_guardian_consent_first",
            "{reader} is under 14: record the guardian's consent first.",
            reader=reader.name,
        )
    with session.write() as writer:
        insert_consent(writer, session, reader, kind, current_notice().version)
    return consents_of(reader)


@writes
def withdraw_consent(session: Session, card_number: str, kind: str) -> tuple[ConsentInfo, ...]:
    """Withdraw a consent; where the service depends on it, say what has to change first."""
    session.require(Permission.REGISTER_READERS)
    (kind,) = check_kinds([kind])
    if kind == DISABILITY:
        session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    row = active_consent(reader, kind)
    if row is None:
        raise Invalid(
            "readers.consent_not_given",
            "{reader} has not given this consent: {kind}.",
            reader=reader.name,
            kind=consent_kind(kind),
        )
    if kind == DISABILITY and reader.reader_type.blind_service:
        raise Invalid(
            "readers.consent_needed_by_reader_type",
            "{reader} is a {type} reader: change the reader type first, then withdraw.",
            reader=reader.name,
            type=reader.reader_type.name,
        )
    if kind == GUARDIAN and not reader.cancelled_at and is_child(reader, session.now().date()):
        raise Invalid(
            "readers.child_guardian_consent_withdrawn",
            "{reader} is under 14: without the guardian's consent the card must be returned.",
            reader=reader.name,
        )
    with session.write() as writer:
        ReaderConsent.update(withdrawn_at=session.library.now_text(), withdrawn_by=session.staff.id).where(
            ReaderConsent.id == row.id
        ).execute()
        writer.journal("reader_consent.withdraw", "reader_consent", row.id, {"reader_id": reader.id, "kind": kind})
    return consents_of(reader)


def shareable(reader_id: str) -> bool:
    """May this reader's data leave this desk for the union catalogue (borrow-anywhere)?"""
    reader = Reader.get_or_none(Reader.id == reader_id)
    return reader is not None and not reader.anonymised_at and active_consent(reader, UNION_SHARING) is not None


def consents_of(reader: Reader) -> tuple[ConsentInfo, ...]:
    """The reader's consents as this call may show them: the disability consent says the reader is
    visually impaired, so only staff who may see that are shown it (DOMAIN 5.2.3)."""
    rows = reader.consents.order_by(ReaderConsent.granted_at, ReaderConsent.id)
    if not serving_may(Permission.BLIND_SERVICE):
        rows = rows.where(ReaderConsent.kind != DISABILITY)
    staff = {s.id: s.display_name for s in Staff.select(Staff.id, Staff.display_name)}
    return tuple(
        ConsentInfo(
            kind=row.kind,
            kind_label=consent_label(row.kind),
            notice_version=row.notice_version_id,
            granted_at=row.granted_at,
            granted_by=staff.get(row.granted_by, ""),
            guardian_card=row.guardian.card_number if row.guardian_id else None,
            withdrawn_at=row.withdrawn_at,
        )
        for row in rows
    )
