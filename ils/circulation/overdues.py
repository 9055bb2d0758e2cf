"""Overdue loans per branch, and the file of SMS notices for readers who asked for them.

The list is for the branch that lent the copies (a loan counts where it happened), most
overdue first, with the reader's phone masked (``138****5678``): enough to see who has one
without reading it out. Full numbers leave the system only with the permission to export
reader data (DOMAIN 5.2.8: personal-data exports need a supervisor), each time journaled
with a count and never the numbers:

- ``overdue_list(..., reveal_contact=True)`` shows them, for phoning readers from the desk;
- ``sms_export`` writes the notices for an SMS gateway or Excel (UTF-8 with a BOM, which
  Excel needs to read Chinese), only for readers with a current SMS consent and a phone
  (PIPL: the number was given for these notices and nothing else). The others are counted
  as skipped, so the desk knows whom to call or write to instead.

A loan the reader says was returned is looked for, not chased: it is on neither list.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from db.models import BibRecord, Branch, Item, Loan, Reader, ReaderConsent, ReaderType
from ils.branches import get_branch
from ils.circulation.places import place_of
from ils.circulation.standing import days_late
from ils.errors import DatabaseProblem
from ils.i18n import _
from ils.permissions import Permission
from ils.readers.consents import SMS
from ils.readers.keys import keys_if_any
from ils.readers.readers import PHONE_FIELD, mask_phone
from ils.readers.rows import display_name
from ils.session import Session, serving_may


@dataclass(frozen=True)
class OverdueLoan:
    loan_id: str
    barcode: str
    title: str
    call_number: str
    due_on: str
    days_overdue: int
    branch_code: str  # the lending branch
    branch_name: str
    card_number: str
    reader_name: str
    phone: str | None  # masked unless revealed; None when the reader gave none


@dataclass(frozen=True)
class SmsNotice:
    """One text message to one reader, about all their overdue copies at once."""

    card_number: str
    name: str
    phone: str
    items: int
    due_on: str  # the earliest due date among them
    message: str


@dataclass(frozen=True)
class SmsExport:
    path: Path
    notices: tuple[SmsNotice, ...]
    skipped: int  # readers with overdue copies but no SMS consent or no phone


def _branch_id(session: Session, branch: str | None, all_branches: bool) -> str | None:
    if all_branches:
        return None
    return get_branch(branch).id if branch else place_of(session).branch_id


def _overdue_rows(branch_id: str | None, today: dt.date) -> list[Loan]:
    query = (
        Loan.select(Loan, Item, BibRecord, Reader, Branch)
        .join(Item)
        .join(BibRecord)
        .switch(Loan)
        .join(Reader)
        .switch(Loan)
        .join(Branch, on=Loan.branch)
        .where(Loan.ended_at.is_null(), Loan.claimed_returned_at.is_null(), Loan.due_on < today.isoformat())
    )
    if branch_id is not None:
        query = query.where(Loan.branch == branch_id)
    return list(query.order_by(Loan.due_on, BibRecord.title_sort, Item.barcode))


def _phones(session: Session, readers: list[Reader]) -> dict[str, str]:
    """Each reader's phone number, decrypted with the library's key file."""
    with_phone = [reader for reader in readers if reader.phone_cipher is not None]
    keys = keys_if_any(session.library) if with_phone else None
    if keys is None:
        return {}
    return {reader.id: keys.open(reader.id, PHONE_FIELD, bytes(reader.phone_cipher)) for reader in with_phone}


def overdue_list(
    session: Session, branch: str | None = None, *, all_branches: bool = False, reveal_contact: bool = False
) -> list[OverdueLoan]:
    """Open loans past their due date lent at ``branch`` (code; the desk's branch when None, every
    branch with ``all_branches``), most overdue first; phones masked unless ``reveal_contact``."""
    session.require(Permission.CIRCULATE)
    session.require(Permission.VIEW_READERS)
    if reveal_contact:
        session.require(Permission.EXPORT_READER_DATA)
    branch_id = _branch_id(session, branch, all_branches)
    today = session.now().date()
    rows = _overdue_rows(branch_id, today)
    if not serving_may(Permission.BLIND_SERVICE):  # the blind room follows its readers up itself (its call list)
        blind = {
            code
            for (code,) in ReaderType.select(ReaderType.code)
            .where(ReaderType.blind_service == True)  # noqa: E712
            .tuples()
        }
        rows = [loan for loan in rows if loan.reader_type not in blind]
    phones = _phones(session, list({loan.reader.id: loan.reader for loan in rows}.values()))
    if reveal_contact and phones:
        with session.write() as writer:
            writer.journal("overdue.reveal_contact", "branch", branch_id, {"readers": len(phones)})
    return [
        OverdueLoan(
            loan_id=loan.id,
            barcode=loan.item.barcode,
            title=loan.item.bib.title or "",
            call_number=loan.item.call_number or "",
            due_on=loan.due_on,
            days_overdue=days_late(loan.due_on, today),
            branch_code=loan.branch.code,
            branch_name=loan.branch.name,
            card_number=loan.reader.card_number,
            reader_name=display_name(loan.reader),
            phone=(phones[loan.reader.id] if reveal_contact else mask_phone(phones[loan.reader.id]))
            if loan.reader.id in phones
            else None,
        )
        for loan in rows
    ]


def sms_text(library_name: str, name: str, title: str, items: int, due_on: str) -> str:
    """The notice a reader receives: the library, their name, the first title, how many, since when."""
    if items == 1:
        return _("[{library}] {name}, {title}, which you borrowed, was due on {due}: please return it soon.").format(
            library=library_name, name=name, title=title, due=due_on
        )
    return _(
        "[{library}] {name}, {title} and the other items you borrowed, {count} in all, were due on {due}: "
        "please return them soon."
    ).format(library=library_name, name=name, title=title, count=items, due=due_on)


def sms_export(session: Session, out: Path, branch: str | None = None, *, all_branches: bool = False) -> SmsExport:
    """Write one SMS notice per consenting reader with overdue copies lent at ``branch`` to ``out``
    (CSV: phone, name, text); the export is journaled with counts only."""
    session.require(Permission.CIRCULATE)
    session.require(Permission.EXPORT_READER_DATA)
    branch_id = _branch_id(session, branch, all_branches)
    rows = _overdue_rows(branch_id, session.now().date())
    by_reader: dict[str, list[Loan]] = {}
    for loan in rows:  # earliest due first, so each reader's first loan is the one named
        by_reader.setdefault(loan.reader.id, []).append(loan)
    consenting = {
        reader_id
        for (reader_id,) in ReaderConsent.select(ReaderConsent.reader)
        .where(
            ReaderConsent.kind == SMS, ReaderConsent.withdrawn_at.is_null(), ReaderConsent.reader.in_(list(by_reader))
        )
        .tuples()
    }
    readers = [loans[0].reader for reader_id, loans in by_reader.items() if reader_id in consenting]
    phones = _phones(session, readers)
    library_name = session.library.node.library_name
    notices = []
    for reader in readers:
        if reader.id not in phones:
            continue
        loans = by_reader[reader.id]
        name = display_name(reader)
        first = loans[0]
        notices.append(
            SmsNotice(
                card_number=reader.card_number,
                name=name,
                phone=phones[reader.id],
                items=len(loans),
                due_on=first.due_on,
                message=sms_text(library_name, name, first.item.bib.title or "", len(loans), first.due_on),
            )
        )
    _write_csv(out, notices)
    skipped = len(by_reader) - len(notices)
    with session.write() as writer:
        writer.journal("overdue.sms_export", "branch", branch_id, {"notices": len(notices), "skipped": skipped})
    return SmsExport(out, tuple(notices), skipped)


def _write_csv(path: Path, notices: list[SmsNotice]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow((_("Mobile phone"), _("Reader name"), _("SMS text")))
            writer.writerows((notice.phone, notice.name, notice.message) for notice in notices)
    except OSError as error:
        raise DatabaseProblem(
            "circ.export_unwritable", "Cannot write to {path}: check the folder's permissions.", path=path
        ) from error
