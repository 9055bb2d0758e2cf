"""ID document numbers: what each type looks like, how it is cleaned, checked and masked.

A resident ID number (GB 11643, 18 characters) is checked for its check digit and birth
date with ``stdnum.cn.ric``, but not with ``ric.validate()``: that also looks the region
code up in python-stdnum's historical table, which lacks current codes such as 430281
(醴陵市), and would refuse real Liling residents. Only the province (first two digits) is
checked here. The household register (户口簿) carries the same citizen number, and so do
the residence permits of Hong Kong, Macao and Taiwan residents (810000/820000/830000).

Error messages never contain the number itself: they may be shown on a screen others see.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from ils.errors import Invalid
from ils.i18n import N_, _
from ils.text_input import clean_input
from ils.validation import typed_number

RESIDENT = "resident"
HOUSEHOLD = "household"
PASSPORT = "passport"
HK_MACAO = "hk_macao"
TAIWAN = "taiwan"
FOREIGN_PERMANENT = "foreign_permanent"
ORGANISATION = "organisation"
OTHER = "other"

ID_TYPES: dict[str, str] = {
    RESIDENT: N_("Resident ID card"),
    HOUSEHOLD: N_("Household register"),
    PASSPORT: N_("Passport"),
    HK_MACAO: N_("Mainland travel permit for Hong Kong and Macao residents"),
    TAIWAN: N_("Mainland travel permit for Taiwan residents"),
    FOREIGN_PERMANENT: N_("Foreigner's permanent residence ID card"),
    ORGANISATION: N_("Unified social credit code (organisations)"),
    OTHER: N_("Other document"),
}

# Types that name an organisation, not a person: no birth date, no guardian.
ORGANISATION_TYPES = frozenset({ORGANISATION})
ID_NUMBER_LABEL = N_("ID number")

# Provinces and the special regions (GB/T 2260 first two digits; 81-83 on residence permits).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_CITIZEN = re.compile(r"^\d{17}[\dX]$")
_PATTERNS: dict[str, re.Pattern[str]] = {
    PASSPORT: re.compile(r"^[A-Z0-9]{5,20}$"),
    HK_MACAO: re.compile(r"^[HM]\d{8}(\d{2})?$"),
    TAIWAN: re.compile(r"^\d{8}(\d{2})?$"),
    OTHER: re.compile(r"^[A-Z0-9]{2,30}$"),
}
_FOREIGN_OLD = re.compile(r"^[A-Z]{3}\d{12}$")  # 2004 card: nationality letters, then 12 digits


@dataclass(frozen=True)
class IdNumber:
    """A checked number: its type, the cleaned number, and the birth date it carries (if any)."""

    id_type: str
    number: str = field(repr=False)
    birth_date: dt.date | None = None

    @property
    def namespace(self) -> str:
        """What the keyed hash is taken over, so the same person on two documents of one number meets."""
        return "cn" if self.id_type in (RESIDENT, HOUSEHOLD) else self.id_type

    @property
    def masked(self) -> str:
        return mask(self.number)


def id_type_label(id_type: str) -> str:
    return _(ID_TYPES[id_type]) if id_type in ID_TYPES else id_type


def normalise(text: str) -> str:
    """Full-width digits and letters folded (NFKC), upper case, spaces and hyphens dropped: an ID
    number is printed and read out in groups, so typing it in groups is a faithful reading."""
    return typed_number(clean_input(text, ID_NUMBER_LABEL, fold=True)).upper()


def check_id_number(id_type: str, text: str, today: dt.date) -> IdNumber:
    """The cleaned and checked number, or ``Invalid`` saying what is wrong (never echoing it)."""
    if id_type not in ID_TYPES:
        raise Invalid(
            "readers.unknown_id_type",
            "Unknown ID type {type}; types are: {types}.",
            type=id_type,
            types=", ".join(ID_TYPES),
        )
    number = normalise(text)
    if id_type in (RESIDENT, HOUSEHOLD):
        return IdNumber(id_type, number, _citizen_birth_date(number, today))
    if id_type == FOREIGN_PERMANENT:
        return IdNumber(id_type, number, _foreign_birth_date(number, today))
    if id_type == ORGANISATION:
        if not uscc.is_valid(number):
            raise Invalid(
                "readers.organisation_code_invalid",
                "This is not a valid unified social credit code: check its 18 characters.",
            )
        return IdNumber(id_type, number, None)
    if not _PATTERNS[id_type].match(number):
        raise Invalid(f"readers.id_format_{id_type}", _FORMAT_MESSAGES[id_type])
    return IdNumber(id_type, number, None)


_FORMAT_MESSAGES = {
    PASSPORT: N_("A passport number has 5 to 20 letters and digits."),
    HK_MACAO: N_("A Hong Kong or Macao permit number is H or M followed by 8 or 10 digits."),
    TAIWAN: N_("A Taiwan resident's permit number has 8 or 10 digits."),
    OTHER: N_("A document number has 2 to 30 letters and digits."),
}


def _citizen_birth_date(number: str, today: dt.date) -> dt.date:
    """Length, province, check digit and birth date of an 18-character citizen number."""
    if len(number) == 15 and number.isdigit():
        raise Invalid(
            "readers.id_number_first_generation",
            "This is a 15-digit first-generation ID number, no longer valid; ask for the 18-digit one.",
        )
    if len(number) != 18:
        raise Invalid(
            "readers.id_number_length",
            "A resident ID number has 18 characters; this one has {count}.",
            count=len(number),
        )
    if not _CITIZEN.match(number):
        raise Invalid("readers.id_number_characters", "A resident ID number is 17 digits and a final digit or X.")
    if number[:2] not in _PROVINCES:
        raise Invalid("readers.id_number_province", "The first two digits of this ID number are not a province code.")
    if ric.calc_check_digit(number) != number[-1]:
        raise Invalid(
            "readers.id_number_check_digit", "This ID number has a wrong check digit: a digit was mistyped or swapped."
        )
    return _birth_date(number, today)


def _foreign_birth_date(number: str, today: dt.date) -> dt.date | None:
    """The 2004 card (3 letters, 12 digits) or the 2017 card (18 characters starting 9, GB 11643 check)."""
    if _FOREIGN_OLD.match(number):
        return None
    if not (_CITIZEN.match(number) and number.startswith("9")):
        raise Invalid(
            "readers.permanent_residence_format",
            "A permanent residence ID number is 18 characters starting with 9, or 3 letters and 12 digits.",
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise Invalid(
            "readers.id_number_check_digit", "This ID number has a wrong check digit: a digit was mistyped or swapped."
        )
    return _birth_date(number, today)


def _birth_date(number: str, today: dt.date) -> dt.date:
    try:
        born = ric.get_birth_date(number)
    except ValidationError as error:
        raise Invalid(
            "readers.id_number_birth_date_unreal", "The birth date in this ID number is not a real date."
        ) from error
    if born > today or born.year < 1900:
        raise Invalid(
            "readers.id_number_birth_date_impossible",
            "The birth date in this ID number is impossible: {date}.",
            date=born.isoformat(),
        )
    return born


def mask(number: str) -> str:
    """What the desk shows: a citizen number as ``430281********1234``, others keep their ends.

    Made from the decrypted number when shown, never stored (see m0003_readers).
    """
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    keep = 2 if len(number) >= 8 else 1 if len(number) >= 4 else 0
    return number[:keep] + "*" * (len(number) - 2 * keep) + (number[-keep:] if keep else "")


def lookup_candidates(text: str, today: dt.date) -> list[IdNumber]:
    """Every reading of typed text as an ID number, for finding a reader by it.

    A valid citizen number is that and nothing else; otherwise the text may be any
    document whose format it fits (a passport and a permit can look alike).
    """
    cleaned = normalise(text)
    found = []
    for id_type in (RESIDENT, PASSPORT, HK_MACAO, TAIWAN, FOREIGN_PERMANENT, ORGANISATION, OTHER):
        try:
            found.append(check_id_number(id_type, cleaned, today))
        except Invalid:
            continue
        if id_type == RESIDENT:
            break
    return found
