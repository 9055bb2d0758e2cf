"""Reader settings a library may change: card numbers (prefix, format) and the retention periods.

Kept in the ``setting`` table; a key that was never set has the default below, so a
library that never touches them runs on the defaults the privacy notice announces.
After changing a retention period, publish a privacy notice that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import ReaderCard, Setting
from ils.code_formats import CARD_NUMBERS, CodeFormat, format_text, misfits
from ils.errors import Invalid
from ils.library import Library
from ils.permissions import Permission
from ils.readers.cards import RANDOM_DIGITS, card_format, check_prefix
from ils.session import Session, writes

CARD_PREFIX = "readers.card_prefix"
LOAN_HISTORY_DAYS = "readers.loan_history_days"
ANONYMISE_AFTER_DAYS = "readers.anonymise_after_days"

DEFAULT_CARD_PREFIX = "430281"  # Liling's administrative code, as Zhuzhou's cards carry theirs
DEFAULT_LOAN_HISTORY_DAYS = 90  # then a returned loan keeps only type, age band and branch
DEFAULT_ANONYMISE_AFTER_DAYS = 365  # a cancelled reader is kept a year for disputes (DOMAIN 5.2.9)
MAX_DAYS = 3650


@dataclass(frozen=True)
class ReaderSettings:
    card_prefix: str
    loan_history_days: int
    anonymise_after_days: int


def reader_settings(library: Library) -> ReaderSettings:
    def number(key: str, default: int) -> int:
        value = library.setting(key)
        return int(value) if value is not None else default

    prefix = library.setting(CARD_PREFIX)
    return ReaderSettings(
        card_prefix=DEFAULT_CARD_PREFIX if prefix is None else prefix,
        loan_history_days=number(LOAN_HISTORY_DAYS, DEFAULT_LOAN_HISTORY_DAYS),
        anonymise_after_days=number(ANONYMISE_AFTER_DAYS, DEFAULT_ANONYMISE_AFTER_DAYS),
    )


def _days(value: int) -> str:
    if not 1 <= value <= MAX_DAYS:
        raise Invalid("readers.retention_out_of_range", "A retention period is 1 to {max} days.", max=MAX_DAYS)
    return str(value)


@writes
def change_reader_settings(
    session: Session,
    *,
    card_prefix: str | None = None,
    loan_history_days: int | None = None,
    anonymise_after_days: int | None = None,
) -> ReaderSettings:
    session.require(Permission.CONFIGURE_READERS)
    changes = {}
    if card_prefix is not None:
        changes[CARD_PREFIX] = _fitting_prefix(check_prefix(card_prefix), card_format())
    if loan_history_days is not None:
        changes[LOAN_HISTORY_DAYS] = _days(loan_history_days)
    if anonymise_after_days is not None:
        changes[ANONYMISE_AFTER_DAYS] = _days(anonymise_after_days)
    with session.write() as writer:
        for key, value in changes.items():
            Setting.insert(key=key, value=value).on_conflict_replace().execute()
            writer.journal("setting.set", "setting", key, {"value": value})
    return reader_settings(session.library)


def _fitting_prefix(prefix: str, shape: CodeFormat) -> str:
    """Refuse a prefix whose new card numbers (prefix, random digits, check digit) the format would refuse."""
    example = prefix + "0" * (RANDOM_DIGITS + 1)
    if not shape.fits(example):
        raise Invalid(
            "readers.card_prefix_misfits_format",
            "New cards with the prefix {prefix} would not have the library's card format ({format}).",
            prefix=prefix or "-",
            format=shape.describe(),
        )
    return prefix


@writes
def change_card_format(
    session: Session,
    *,
    letters: bool | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    prefix: str | None = None,
    check_digit: bool | None = None,
) -> CodeFormat:
    """Set which card numbers the desk accepts (pre-printed cards of another shape, say); ``None``
    keeps a part as it is.

    Refused while a card already issued, or the cards this desk makes, would not fit.
    """
    session.require(Permission.CONFIGURE_READERS)
    current = card_format()
    shape = CodeFormat(
        letters=current.letters if letters is None else letters,
        min_length=current.min_length if min_length is None else min_length,
        max_length=current.max_length if max_length is None else max_length,
        prefix=current.prefix if prefix is None else prefix,
        check_digit=current.check_digit if check_digit is None else check_digit,
    ).check()
    count, example = misfits(ReaderCard.card_number, shape)
    if count:
        raise Invalid(
            "readers.cards_misfit_format",
            "{count} cards already issued do not have the format {format} (e.g. {example}); choose a format they fit.",
            count=count,
            format=shape.describe(),
            example=example,
        )
    _fitting_prefix(reader_settings(session.library).card_prefix, shape)
    with session.write() as writer:
        Setting.insert(key=CARD_NUMBERS, value=format_text(shape)).on_conflict_replace().execute()
        writer.journal("setting.set", "setting", CARD_NUMBERS, {"value": format_text(shape)})
    return shape
