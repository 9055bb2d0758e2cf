"""What a library's item barcodes and reader card numbers look like, and reading a scan against it.

Each library labels its books and prints its cards its own way: digits only or
letters too, a length, sometimes a prefix shared by every label. That shape is a
library setting (``barcode.format``, ``readers.card_format``), so a scan that does
not fit is refused with the shape it should have had, instead of being bent into
something that fits. The defaults accept every barcode and card this program has
made or imported so far.

Reading a scan is faithful, not forgiving. What is kept: the Enter or Tab a scanner
adds is dropped; full-width letters and digits (an IME left in full-width mode) are
the ASCII ones they show; letters are capitals, because Code 39 labels carry only
capitals and a keyboard-wedge scanner sends lower case when Caps Lock is on. What
is refused: a space or any other character inside the code (``abc 12`` is two
things, not ``ABC12``), a code too short or too long, a missing prefix, a wrong
check digit.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace

from peewee import Field, fn

from db.models import Setting
from ils.errors import Invalid, Message, message
from ils.text import code_text, fold
from ils.text_input import clean_input

ITEM_BARCODES = "barcode.format"
CARD_NUMBERS = "readers.card_format"
MAX_LENGTH = 32
_PREFIX = re.compile(r"^[A-Z0-9-]{0,16}$")


@dataclass(frozen=True)
class CodeFormat:
    """The shape of one kind of code: letters or digits only, lengths (prefix included), prefix.

    ``check_digit``: the last digit is a Luhn check digit (card numbers made here carry
    one, so a mistyped digit is caught at the desk); only for digits-only codes.
    """

    letters: bool
    min_length: int
    max_length: int
    prefix: str = ""
    check_digit: bool = False

    def describe(self) -> Message:
        """The shape in words, for the refusal of a code that does not fit it."""
        if self.letters:
            shape = (
                message("codes.letters_exactly", "{count} capital letters, digits or '-'", count=self.min_length)
                if self.min_length == self.max_length
                else message(
                    "codes.letters_range",
                    "{min} to {max} capital letters, digits or '-'",
                    min=self.min_length,
                    max=self.max_length,
                )
            )
        else:
            shape = (
                message("codes.digits_exactly", "{count} digits", count=self.min_length)
                if self.min_length == self.max_length
                else message("codes.digits_range", "{min} to {max} digits", min=self.min_length, max=self.max_length)
            )
        if self.prefix:
            shape = message("codes.with_prefix", "{shape}, starting with {prefix}", shape=shape, prefix=self.prefix)
        if self.check_digit:
            shape = message("codes.with_check_digit", "{shape}, the last one a check digit", shape=shape)
        return shape

    def fits(self, code: str) -> bool:
        """Whether ``code`` has this shape (the check digit is the caller's to check: it has its own refusal)."""
        allowed = r"[A-Z0-9][A-Z0-9-]*" if self.letters else r"[0-9]+"
        return (
            self.min_length <= len(code) <= self.max_length
            and code.startswith(self.prefix)
            and re.fullmatch(allowed, code) is not None
        )

    def check(self) -> CodeFormat:
        """Refuse a format that could never be met, or that would read a code wrongly."""
        prefix = code_text(self.prefix)
        if not _PREFIX.match(prefix) or (prefix and not self.letters and not prefix.isdigit()):
            raise Invalid(
                "codes.prefix",
                "{prefix} cannot start these codes: a prefix has up to 16 of the "
                "characters the codes themselves may have.",
                prefix=self.prefix,
            )
        if not 1 <= self.min_length <= self.max_length <= MAX_LENGTH:
            raise Invalid(
                "codes.lengths",
                "A code is 1 to {most} characters long, the shortest no longer than the longest (got {min} to {max}).",
                most=MAX_LENGTH,
                min=self.min_length,
                max=self.max_length,
            )
        if len(prefix) >= self.max_length:
            raise Invalid(
                "codes.prefix_too_long",
                "The prefix {prefix} leaves no room in a code of at most {max} characters.",
                prefix=prefix,
                max=self.max_length,
            )
        if self.check_digit and self.letters:
            raise Invalid("codes.check_digit_needs_digits", "A check digit needs codes of digits only.")
        return replace(self, prefix=prefix)


DEFAULTS: dict[str, CodeFormat] = {
    ITEM_BARCODES: CodeFormat(letters=True, min_length=1, max_length=MAX_LENGTH),
    CARD_NUMBERS: CodeFormat(letters=False, min_length=6, max_length=24, check_digit=True),
}


def code_format(key: str) -> CodeFormat:
    """The library's format for ``key`` (``ITEM_BARCODES`` or ``CARD_NUMBERS``), or the default."""
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return DEFAULTS[key]
    return CodeFormat(**{**asdict(DEFAULTS[key]), **json.loads(row.value)})


def misfits(column: Field, shape: CodeFormat) -> tuple[int, str | None]:
    """How many codes already stored in ``column`` the format would refuse, and the first of them.

    A library changing its format is refused while any are left: those books or cards
    could no longer be scanned.
    """
    refused = ("*[^A-Z0-9-]*", "-*") if shape.letters else ("*[^0-9]*",)
    outside = (fn.length(column) < shape.min_length) | (fn.length(column) > shape.max_length)
    if shape.prefix:
        outside |= fn.substr(column, 1, len(shape.prefix)) != shape.prefix
    for pattern in refused:
        outside |= fn.glob(pattern, column)
    query = column.model.select(column).where(outside)
    first = query.order_by(column).limit(1).tuples().first()
    return query.count(), first[0] if first else None


def format_text(shape: CodeFormat) -> str:
    """The stored form of a format: the setting's value."""
    return json.dumps(asdict(shape), sort_keys=True)


def reading(text: str | None, field: str) -> str:
    """What the person scanned or typed, read faithfully (see the module's docstring); not yet checked."""
    return _folded(clean_input(text, field))


def _folded(typed: str) -> str:
    return fold(typed).upper()


def read_code(text: str | None, shape: CodeFormat, field: str, *, code: str, template: str) -> str:
    """The code in ``text`` if it fits ``shape``; else ``Invalid(code, template)`` naming the shape.

    ``template`` has ``{code}`` (what was typed, as it was typed) and ``{format}`` (the shape in words).
    """
    typed = clean_input(text, field)
    read = _folded(typed)
    if not shape.fits(read):
        raise Invalid(code, template, code=typed, format=shape.describe())
    return read
