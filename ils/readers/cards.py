"""Card numbers: a library prefix, nine random digits and a Luhn check digit.

Random because a card number must say nothing about its holder and must not be guessable
from a neighbour's (Hunan Library: "card numbers are random and cannot be chosen"); nine
digits give a billion numbers per prefix, so two desks working offline almost never draw
the same one, and the unique column catches it on this desk. Digits only, so a numeric
keypad and Code 128's compact digit mode both work.

Luhn (ISO/IEC 7812, the check digit on bank cards) catches every single mistyped digit
and every swap of two neighbouring digits except 09/90; ISO 7064 MOD 11-2 (the ID card's
scheme) catches those too but needs an ``X``, which a numeric keypad cannot type.

The prefix (default 430281, Liling's administrative code, as Zhuzhou's cards carry theirs)
is a setting; changing it affects new cards only.
"""

from __future__ import annotations

import random
import re
import secrets

from stdnum import luhn

from ils.errors import Invalid
from ils.i18n import _
from ils.validation import typed_number

RANDOM_DIGITS = 9
_PREFIX = re.compile(r"^\d{0,8}$")
_CARD = re.compile(r"^\d{6,24}$")


def check_prefix(prefix: str) -> str:
    cleaned = prefix.strip()
    if not _PREFIX.match(cleaned):
        raise Invalid("readers.card_number_prefix_up", "A card number prefix has up to 8 digits.")
    return cleaned


def new_card_number(prefix: str, rng: random.Random | None = None) -> str:
    """A fresh number; ``rng`` only for the demo, which must come out the same for one seed."""
    draw = rng.randrange if rng is not None else secrets.randbelow
    body = prefix + str(draw(10**RANDOM_DIGITS)).zfill(RANDOM_DIGITS)
    return body + luhn.calc_check_digit(body)


def normalise_card_number(text: str) -> str:
    """What a scanner or a typist sends, as stored: full-width folded, spaces and hyphens dropped."""
    return typed_number(text)


def check_card_number(text: str) -> str:
    """A card number from a pre-printed card: digits with a valid check digit."""
    number = normalise_card_number(text)
    if not _CARD.match(number):
        raise Invalid("readers.card_number_digits", "A card number has 6 to 24 digits.")
    if not luhn.is_valid(number):
        raise Invalid("readers.card_number_wrong_check", "The card number {number} has a wrong check digit.", number=number)
    return number
