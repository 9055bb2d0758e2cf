"""Reader types (成人, 少儿, 视障, 团体, 临时 and any a library adds): a table, not constants.

A type says how long its cards last (``validity_months``; none for the free cards, which
are not renewed yearly) and whether its readers use the blind reading room, which needs
the reader's separate consent to record disability status. Loan rules per type come with
circulation. Codes are the same on every desk (the five defaults come with the schema),
so readers keep their type across sync.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from db.models import ReaderType
from ils.errors import Invalid, NotFound
from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text_input import clean_input

MAX_VALIDITY_MONTHS = 120
MAX_NAME_CHARS = 30


@dataclass(frozen=True)
class ReaderTypeInfo:
    code: str
    name: str
    validity_months: int | None
    blind_service: bool
    active: bool


def _info(row: ReaderType) -> ReaderTypeInfo:
    return ReaderTypeInfo(row.code, row.name, row.validity_months, row.blind_service, row.active)


def list_reader_types(*, include_inactive: bool = False) -> list[ReaderTypeInfo]:
    query = ReaderType.select().order_by(ReaderType.sort_order, ReaderType.code)
    return [_info(row) for row in query if row.active or include_inactive]


def get_reader_type(code: str) -> ReaderType:
    row = ReaderType.get_or_none(ReaderType.code == clean_input(code, N_("Reader type"), fold=True).lower())
    if row is None:
        codes = ", ".join(t.code for t in list_reader_types())
        raise NotFound(
            "readers.unknown_reader_type", "Unknown reader type {code}; types are: {codes}.", code=code, codes=codes
        )
    return row


def _validity(months: int | None) -> int | None:
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        raise Invalid(
            "readers.card_validity_out_of_range",
            "A card lasts 1 to {max} months, or has no end date.",
            max=MAX_VALIDITY_MONTHS,
        )
    return months


@writes
def add_reader_type(
    session: Session, *, code: str, name: str, validity_months: int | None = None, blind_service: bool = False
) -> ReaderTypeInfo:
    session.require(Permission.CONFIGURE_READERS)
    code = clean_input(code, N_("Code"), fold=True).lower()
    if not code.isascii() or not code.replace("_", "").isalnum() or len(code) > 16:
        raise Invalid("readers.reader_type_code_invalid", "A reader type code has 1 to 16 letters, digits or '_'.")
    if ReaderType.get_or_none(ReaderType.code == code) is not None:
        raise Invalid("readers.reader_type_code_taken", "The reader type code {code} is taken.", code=code)
    name = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    order = (ReaderType.select(fn.MAX(ReaderType.sort_order)).scalar() or 0) + 1
    with session.write() as writer:
        row = ReaderType.create(
            code=code,
            name=name,
            sort_order=order,
            validity_months=_validity(validity_months),
            blind_service=blind_service,
            created_at=session.library.now_text(),
        )
        writer.journal(
            "reader_type.add",
            "reader_type",
            code,
            {"name": name, "validity_months": validity_months, "blind_service": blind_service},
        )
    return _info(row)


@writes
def change_reader_type(
    session: Session,
    code: str,
    *,
    name: str | None = None,
    validity_months: int | None = None,
    no_end_date: bool = False,
    active: bool | None = None,
) -> ReaderTypeInfo:
    """Rename a type, change how long its new and renewed cards last, or retire it for new readers."""
    session.require(Permission.CONFIGURE_READERS)
    row = get_reader_type(code)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    if no_end_date:
        changes["validity_months"] = None
    elif validity_months is not None:
        changes["validity_months"] = _validity(validity_months)
    if active is not None:
        changes["active"] = active
    if not changes:
        return _info(row)
    with session.write() as writer:
        ReaderType.update(**changes).where(ReaderType.code == row.code).execute()
        writer.journal("reader_type.change", "reader_type", row.code, changes)
    return _info(ReaderType.get_by_id(row.code))
