"""Reader settings a library may change: the card number prefix and the retention periods.

Kept in the ``setting`` table; a key that was never set has the default below, so a
library that never touches them runs on the defaults the privacy notice announces.
After changing a retention period, publish a privacy notice that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Setting
from ils.errors import Invalid
from ils.i18n import _
from ils.library import Library
from ils.permissions import Permission
from ils.readers.cards import check_prefix
from ils.session import Session

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
        raise Invalid("readers.retention_period_days", "A retention period is 1 to {max} days.", max=MAX_DAYS)
    return str(value)


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
        changes[CARD_PREFIX] = check_prefix(card_prefix)
    if loan_history_days is not None:
        changes[LOAN_HISTORY_DAYS] = _days(loan_history_days)
    if anonymise_after_days is not None:
        changes[ANONYMISE_AFTER_DAYS] = _days(anonymise_after_days)
    with session.write() as writer:
        for key, value in changes.items():
            Setting.insert(key=key, value=value).on_conflict_replace().execute()
            writer.journal("setting.set", "setting", key, {"value": value})
    return reader_settings(session.library)
