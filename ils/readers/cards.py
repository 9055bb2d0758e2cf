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
is a setting; changing it affects new cards only. Which numbers the desk accepts at all
(pre-printed cards of another shape, say) is the library's card format
(``code_formats``, ``readers.card_format``): a scan that does not fit it is refused with
the shape it should have had.
"""

from __future__ import annotations

import random
import re
import secrets

from stdnum import luhn

from ils.code_formats import CARD_NUMBERS, CodeFormat, code_format, read_code, reading
from ils.errors import Invalid
from ils.i18n import N_
from ils.text_input import clean_input

RANDOM_DIGITS = 9
CARD_FIELD = N_("Card number")
_PREFIX = re.compile(r"^[0-9]{0,8}$")


def check_prefix(prefix: str) -> str:
    cleaned = clean_input(prefix, N_("Card number prefix"), required=False, fold=True)
    if not _PREFIX.match(cleaned):
        raise Invalid("readers.card_prefix_invalid", "A card number prefix has up to 8 digits.")
    return cleaned


def new_card_number(prefix: str, rng: random.Random | None = None) -> str:
    """A fresh number; ``rng`` only for the demo, which must come out the same for one seed."""
    draw = rng.randrange if rng is not None else secrets.randbelow
    body = prefix + str(draw(10**RANDOM_DIGITS)).zfill(RANDOM_DIGITS)
    return body + luhn.calc_check_digit(body)


def card_format() -> CodeFormat:
    """What this library's reader card numbers look like (``code_formats``)."""
    return code_format(CARD_NUMBERS)


def normalise_card_number(text: str) -> str:
    """A scanned or typed card number as it is looked up: read faithfully, not yet checked.

    The scanner's Enter dropped and full-width digits folded; nothing taken out of it,
    so ``4302 8100`` stays two groups and finds no card.
    """
    return reading(text, CARD_FIELD)


def check_card_number(text: str) -> str:
    """A card number that has this library's card format and, if the format says so, a valid check digit."""
    shape = card_format()
    number = read_code(
        text,
        shape,
        CARD_FIELD,
        code="readers.card_number_format",
        template=N_("{code} is not a reader card number of this library: a card number has {format}."),
    )
    if shape.check_digit and not luhn.is_valid(number):
        raise Invalid("readers.card_check_digit", "The card number {number} has a wrong check digit.", number=number)
    return number
