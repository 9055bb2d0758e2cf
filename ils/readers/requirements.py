"""What registering a reader asks for, decided once: the form at the desk shows it as the clerk
types, and registering and changing a reader enforce it.

The rules (DOMAIN 5.2, PIPL Art. 31):

- a document that carries no birth date (a passport, a permit) asks for the birth date typed;
  an organisation's has none and is asked none;
- a reader under ``CHILD_AGE`` registers with a guardian, who consents for the child;
- a blind-service reader type records disability status, which needs the reader's separate consent;
- every reader is offered the union sharing and SMS consents.

Pure functions of plain values, safe to call on every key press.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ils.errors import Invalid
from ils.readers.ages import CHILD_AGE, age_on, is_child
from ils.readers.consents import DISABILITY, GUARDIAN, SMS, UNION_SHARING
from ils.readers.idnumbers import ORGANISATION_TYPES


@dataclass(frozen=True)
class Requirements:
    """What a reader of one type, with one document, born on one date, must give."""

    birth_date_asked: bool
    """The birth date is asked (the document does not say it; an organisation has none)."""
    age: int | None
    guardian: bool
    """Under ``child_age``: a guardian's card and the guardian's consent."""
    child_age: int
    consents: tuple[str, ...]
    """The consents offered, in the order the form lists them."""
    required_consents: frozenset[str]
    """Those of ``consents`` without which the reader is not registered."""


def birth_date_asked(id_type: str) -> bool:
    """An organisation's document has no birth date; every other document either carries one or
    the birth date is typed beside it."""
    return id_type not in ORGANISATION_TYPES


def requirements(*, id_type: str, birth_date: dt.date | None, blind_service: bool, today: dt.date) -> Requirements:
    """What registering asks for, given what is known so far (``birth_date`` None: not yet known)."""
    child = is_child(birth_date, today)
    consents = ((GUARDIAN,) if child else ()) + (UNION_SHARING, SMS) + ((DISABILITY,) if blind_service else ())
    required = ({GUARDIAN} if child else set()) | ({DISABILITY} if blind_service else set())
    return Requirements(
        birth_date_asked=birth_date_asked(id_type),
        age=age_on(birth_date, today) if birth_date is not None else None,
        guardian=child,
        child_age=CHILD_AGE,
        consents=consents,
        required_consents=frozenset(required),
    )


def refuse_missing_guardian(birth_date: dt.date | None, today: dt.date, has_guardian: bool) -> None:
    """``Invalid`` when a child would be left without a guardian."""
    if is_child(birth_date, today) and not has_guardian:
        raise Invalid(
            "readers.child_needs_guardian",
            "A reader under {age} registers with a guardian: give the guardian's card number.",
            age=CHILD_AGE,
        )


def refuse_missing_consents(needs: Requirements, given: frozenset[str], type_name: str) -> None:
    """``Invalid`` naming the first required consent not given: the guardian's, then disability's."""
    if GUARDIAN in needs.required_consents and GUARDIAN not in given:
        raise Invalid(
            "readers.child_needs_guardian_consent", "A reader under {age} needs the guardian's consent.", age=CHILD_AGE
        )
    if DISABILITY in needs.required_consents and DISABILITY not in given:
        raise Invalid(
            "readers.disability_consent_needed",
            "A {type} reader needs the reader's separate consent to record disability status.",
            type=type_name,
        )
