"""Who the blind room serves: a reader of a blind-service type who gave the separate disability
consent and whose eligibility staff checked against a document, or an association of blind
people registered as a group reader.

A verification records the date, the staff member and the kind of document seen (残疾人证 or
another proof). The certificate number is not kept (DOMAIN 5.2.3): only when the library turns
``blind.store_certificate_number`` on is it kept, sealed with the reader key like an ID number,
in a desk-local column that never leaves the desk. Withdrawing a verification keeps the row
and stamps it, as consents are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models import BlindProfile, BlindVerification, Reader, Staff
from ils.blind.settings import blind_settings
from ils.errors import Invalid, Message, NotFound, message
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.readers.consents import DISABILITY, active_consent
from ils.readers.keys import ensure_keys, load_keys
from ils.readers.rows import reader_by_card
from ils.session import Session, writes
from ils.validation import typed_number

CERTIFICATE_FIELD = "disability_certificate"
DOCUMENTS: dict[str, str] = {
    "disability_certificate": N_("Disability certificate (残疾人证)"),
    "other": N_("Other proof of visual impairment"),
}


@dataclass(frozen=True)
class VerificationInfo:
    id: str
    verified_on: str
    verified_by: str
    document: str
    document_label: str
    certificate_kept: bool
    withdrawn_at: str | None


@dataclass(frozen=True)
class Eligibility:
    """Whether the room may lend the reader a listening device and post to them, and what is missing."""

    eligible: bool
    missing: tuple[Message, ...]
    blind_type: bool
    disability_consent: bool
    association: bool
    verification: VerificationInfo | None


def document_label(document: str) -> str:
    return _(DOCUMENTS[document]) if document in DOCUMENTS else document


def _info(row: BlindVerification, staff: dict[str, str]) -> VerificationInfo:
    return VerificationInfo(
        row.id,
        row.verified_on,
        staff.get(row.verified_by or "", ""),
        row.document,
        document_label(row.document),
        row.certificate_cipher is not None,
        row.withdrawn_at,
    )


def _staff_names() -> dict[str, str]:
    return dict(Staff.select(Staff.id, Staff.display_name).tuples())


def current_verification(reader_id: str) -> BlindVerification | None:
    return (
        BlindVerification.select()
        .where(BlindVerification.reader == reader_id, BlindVerification.withdrawn_at.is_null())
        .order_by(BlindVerification.verified_on.desc(), BlindVerification.id.desc())
        .first()
    )


def eligibility_of(reader: Reader) -> Eligibility:
    """Read inside the services that lend and post: the rule lives here once."""
    profile = BlindProfile.get_or_none(BlindProfile.reader == reader.id)
    association = bool(profile and profile.association)
    blind_type = bool(reader.reader_type.blind_service)
    consent = active_consent(reader, DISABILITY) is not None
    verification = current_verification(reader.id)
    missing: list[Message] = []
    if reader.cancelled_at:
        missing.append(message("blind.card_returned", "The reader returned the card."))
    elif not association:
        if not blind_type:
            missing.append(message("blind.not_blind_type", "The reader's type is not one the blind room serves."))
        if not consent:
            missing.append(
                message(
                    "blind.no_disability_consent",
                    "The reader has not given the separate consent to record disability status.",
                )
            )
        if verification is None:
            missing.append(message("blind.not_verified", "Eligibility has not been checked against a document."))
    info = _info(verification, _staff_names()) if verification is not None else None
    return Eligibility(not missing, tuple(missing), blind_type, consent, association, info)


def require_eligible(reader: Reader) -> Eligibility:
    found = eligibility_of(reader)
    if not found.eligible:
        raise Invalid(
            "blind.not_eligible",
            "{reader} cannot use the blind room's services yet: {missing}",
            reader=reader.name,
            missing=" ".join(str(m) for m in found.missing),
        )
    return found


def eligibility(session: Session, card_number: str) -> Eligibility:
    session.require(Permission.BLIND_SERVICE)
    return eligibility_of(reader_by_card(card_number))


def _certificate(text: str | None) -> str | None:
    """A certificate number as typed (残疾人证号: the ID number and two digits), or None."""
    if text is None or not text.strip():
        return None
    number = typed_number(text).upper()
    if not 6 <= len(number) <= 24 or not number.isalnum():
        raise Invalid("blind.certificate_number", "A certificate number has 6 to 24 letters and digits.")
    return number


@writes
def verify(
    session: Session,
    card_number: str,
    *,
    document: str = "disability_certificate",
    verified_on: dt.date | None = None,
    certificate_number: str | None = None,
) -> Eligibility:
    """Record that staff saw the document; a certificate number is refused unless the library keeps them."""
    session.require(Permission.BLIND_SERVICE)
    if document not in DOCUMENTS:
        raise Invalid(
            "blind.unknown_document",
            "Unknown document {document}; documents are: {documents}.",
            document=document,
            documents=", ".join(DOCUMENTS),
        )
    reader = reader_by_card(card_number)
    if reader.cancelled_at:
        raise Invalid(
            "blind.card_returned_verify",
            "Card {number} was returned; nothing more can be recorded for it.",
            number=reader.card_number,
        )
    number = _certificate(certificate_number)
    if number is not None and not blind_settings(session.library).store_certificate_number:
        raise Invalid(
            "blind.certificate_not_kept",
            "This library does not keep certificate numbers: record the check without the number.",
        )
    today = session.now().date()
    day = verified_on or today
    if day > today:
        raise Invalid("blind.verified_in_future", "A check cannot be dated after today.")
    now = session.library.now_text()
    with session.write() as writer:
        row = BlindVerification.create(
            reader=reader.id,
            verified_on=day.isoformat(),
            verified_by=session.staff.id,
            document=document,
            created_at=now,
        )
        if number is not None:
            keys = ensure_keys(writer, session.library)
            BlindVerification.update(certificate_cipher=keys.seal(row.id, CERTIFICATE_FIELD, number)).where(
                BlindVerification.id == row.id
            ).execute()
        writer.journal(
            "blind.verify",
            "blind_verification",
            row.id,
            {
                "reader_id": reader.id,
                "document": document,
                "verified_on": day.isoformat(),
                "certificate_kept": number is not None,
            },
        )
    return eligibility_of(Reader.get_by_id(reader.id))


@writes
def withdraw_verification(session: Session, card_number: str) -> Eligibility:
    """The check no longer stands (a mistaken record, a reader who is no longer served)."""
    session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    row = current_verification(reader.id)
    if row is None:
        raise NotFound("blind.no_verification", "{reader} has no eligibility check to withdraw.", reader=reader.name)
    with session.write() as writer:
        BlindVerification.update(
            withdrawn_at=session.library.now_text(), withdrawn_by=session.staff.id, certificate_cipher=None
        ).where(BlindVerification.id == row.id).execute()
        writer.journal("blind.verification_withdraw", "blind_verification", row.id, {"reader_id": reader.id})
    return eligibility_of(reader)


def verifications(session: Session, card_number: str) -> list[VerificationInfo]:
    session.require(Permission.BLIND_SERVICE)
    reader = reader_by_card(card_number)
    staff = _staff_names()
    rows = (
        BlindVerification.select()
        .where(BlindVerification.reader == reader.id)
        .order_by(BlindVerification.verified_on, BlindVerification.id)
    )
    return [_info(row, staff) for row in rows]


def reveal_certificate(session: Session, card_number: str) -> str:
    """The kept certificate number, for staff who may see full ID numbers; each reveal is journaled."""
    session.require(Permission.BLIND_SERVICE)
    session.require(Permission.REVEAL_ID_NUMBERS)
    reader = reader_by_card(card_number)
    row = current_verification(reader.id)
    if row is None or row.certificate_cipher is None:
        raise NotFound("blind.no_certificate", "No certificate number is kept for {reader}.", reader=reader.name)
    number = load_keys(session.library).open(row.id, CERTIFICATE_FIELD, bytes(row.certificate_cipher))
    with session.write() as writer:
        writer.journal("blind.certificate_reveal", "blind_verification", row.id, {"reader_id": reader.id})
    return number
