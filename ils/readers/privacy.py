"""PIPL duties: a reader's own data for them (Art. 45), and keeping it no longer than needed (Art. 19, 47).

- ``export_reader_data``: everything held about one reader, as plain text values for the
  PDF (``printouts.export_pdf``); numbers masked, as on every screen. Journaled.
- ``anonymise_due``: readers who returned their card longer ago than the retention period
  (``readers.anonymise_after_days``, default a year for disputes) lose every personal value;
  what statistics need stays: reader type, branch, age band, dates. Idempotent.
- ``run_retention_jobs``: every retention job, as ``ils readers deidentify`` runs it.
  Loan history is de-identified after ``readers.loan_history_days`` (default 90) once loans
  exist: circulation (issue 6) adds that job here, using ``ages.age_band``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from db.models import BibRecord, Charge, Hold, Item, Journal, Loan, Reader, ReaderBlock, ReaderConsent, Staff
from ils.errors import Invalid
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.readers.ages import age_band
from ils.readers.consents import consent_label, consent_text, consents_of, current_notice, shareable
from ils.readers.readers import reader_record
from ils.readers.rows import ReaderSummary, block_label, date_of, reader_by_card, summary
from ils.readers.settings import reader_settings
from ils.retention import retention_job, retention_jobs
from ils.session import Session, writes
from ils.standing import obligations_of

# What each journaled action on a reader means, as the reader reads it in the export.
ACTION_LABELS: dict[str, str] = {
    "reader.register": N_("Registered"),
    "reader.view": N_("Record viewed by staff"),
    "reader.reveal": N_("Full ID number shown to staff"),
    "reader.change": N_("Details changed"),
    "reader.verify": N_("Card checked against an ID number"),
    "reader.renew": N_("Card renewed"),
    "reader.cancel": N_("Card returned"),
    "reader.export": N_("Personal data exported"),
    "reader.card_print": N_("Card printed"),
    "reader.anonymise": N_("Anonymised"),
    "reader_card.issue": N_("Card issued"),
    "reader_card.lost": N_("Card reported lost"),
    "reader_card.found": N_("Loss report cancelled"),
    "reader_card.replace": N_("Card replaced"),
    "reader_card.cancel": N_("Card returned"),
    "reader_consent.grant": N_("Consent given"),
    "reader_consent.withdraw": N_("Consent withdrawn"),
    "reader_block.place": N_("Suspended"),
    "reader_block.lift": N_("Suspension lifted"),
}


@dataclass(frozen=True)
class ExportPart:
    heading: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReaderExport:
    """A reader's data as plain text, ready for ``printing.reader_export`` or ``--json``."""

    card_number: str
    title: str
    subtitle: str
    sections: tuple[ExportPart, ...]
    footer: str


@dataclass(frozen=True)
class JobResult:
    job: str
    label: str
    count: int


def _details(record, reader: Reader) -> ExportPart:
    s = record.summary
    rows = [
        (_("Full name"), s.name),
        (_("Pinyin"), record.name_pinyin),
        (_("ID document"), record.id_type_label),
        (_("ID number"), record.id_masked),
        (_("Birth date"), record.birth_date or ""),
        (_("Mobile phone"), record.phone_masked or _("none")),
        (_("Reader type"), s.reader_type_name),
        (_("Home branch"), s.branch_name),
        (_("Card number"), s.card_number),
        (_("Status"), s.status_label),
        (_("Card valid until"), s.expires_on or _("no end date")),
        (_("Registered on"), date_of(record.created_at)),
    ]
    if record.guardian:
        rows.append((_("Guardian"), f"{record.guardian.name} ({record.guardian.card_number})"))
    rows += [(_("Child in your care"), f"{w.name} ({w.card_number})") for w in record.wards]
    if record.notes:
        rows.append((_("Notes"), record.notes))
    return ExportPart(_("Personal details"), tuple(rows))


def _cards(record) -> ExportPart:
    rows = []
    for card in record.cards:
        dates = [_("issued {date}").format(date=date_of(card.issued_at))]
        if card.lost_at:
            dates.append(_("reported lost {date}").format(date=date_of(card.lost_at)))
        if card.ended_at:
            dates.append(_("ended {date}").format(date=date_of(card.ended_at)))
        rows.append((card.card_number, f"{card.state_label}: {', '.join(dates)}"))
    return ExportPart(_("Cards"), tuple(rows))


def _consents(reader: Reader) -> ExportPart:
    rows = []
    for consent in consents_of(reader):
        rows.append((consent.kind_label, consent_text(consent)))
    return ExportPart(_("Consents"), tuple(rows) or ((_("Consents"), _("none")),))


def _blocks(reader: Reader) -> ExportPart:
    rows = []
    for block in reader.blocks.order_by(ReaderBlock.placed_at):
        text = _("from {date}: {reason}").format(date=date_of(block.placed_at), reason=block.reason)
        if block.lifted_at:
            text += _("; lifted {date}").format(date=date_of(block.lifted_at))
        rows.append((block_label(block.kind), text))
    return ExportPart(_("Suspensions"), tuple(rows) or ((_("Suspensions"), _("none")),))


def _loans(reader: Reader) -> ExportPart:
    """The loans still linked to the reader: open ones, and returned ones inside the retention period."""
    rows = []
    query = (
        Loan.select(Loan, Item.barcode, BibRecord.title)
        .join(Item)
        .join(BibRecord)
        .where(Loan.reader == reader.id)
        .order_by(Loan.loaned_at.desc())
    )
    for loan in query:
        if loan.ended_at:
            when = _("{start} to {end}").format(start=date_of(loan.loaned_at), end=date_of(loan.ended_at))
        else:
            when = _("since {start}, due {due}").format(start=date_of(loan.loaned_at), due=loan.due_on)
        rows.append((when, f"{loan.item.bib.title} ({loan.item.barcode})"))
    return ExportPart(_("Loans"), tuple(rows) or ((_("Loans"), _("none")),))


def _uses(reader: Reader) -> ExportPart:
    """Who did what with the reader's data, from the journal: every view, print and export."""
    ids = [reader.id, *(c.id for c in reader.cards), *(c.id for c in reader.consents), *(b.id for b in reader.blocks)]
    staff = {s.id: s.display_name for s in Staff.select(Staff.id, Staff.display_name)}
    rows = []
    for entry in Journal.select().where(Journal.entity_id.in_(ids)).order_by(Journal.rowid):
        what = _(ACTION_LABELS.get(entry.action, entry.action))
        kind = json.loads(entry.data).get("kind")
        if entry.entity_type == "reader_consent" and kind:
            what += f": {consent_label(kind)}"
        rows.append(
            (entry.wall_time[:16].replace("T", " "), " · ".join(p for p in (what, staff.get(entry.staff_id)) if p))
        )
    return ExportPart(_("Use of your data"), tuple(rows))


def _keeping(session: Session, reader: Reader) -> ExportPart:
    settings = reader_settings(session.library)
    shared = _("yes") if shareable(reader.id) else _("no: your data stays in this library")
    return ExportPart(
        _("How your data is kept"),
        (
            (_("ID and phone numbers"), _("encrypted; shown only masked")),
            (
                _("Loan history"),
                _("linked to you until {days} days after return, then kept only as statistics").format(
                    days=settings.loan_history_days
                ),
            ),
            (
                _("After the card is returned"),
                _("anonymised after {days} days").format(days=settings.anonymise_after_days),
            ),
            (_("Shared with the union catalogue"), shared),
        ),
    )


def _with_personal_data(card_number: str) -> Reader:
    """The card's reader, refused if anonymised: nothing personal is left to export or remove."""
    reader = reader_by_card(card_number)
    if reader.anonymised_at:
        raise Invalid(
            "readers.reader_anonymised",
            "Card {number} belonged to a reader who was anonymised: no personal data is left.",
            number=reader.card_number,
        )
    return reader


@writes
def export_reader_data(session: Session, card_number: str) -> ReaderExport:
    """Everything this library holds about one reader, for the reader (PIPL access right)."""
    session.require(Permission.EXPORT_READER_DATA)
    reader = _with_personal_data(card_number)
    record = reader_record(session, reader)
    node = session.library.node
    export = ReaderExport(
        card_number=reader.card_number,
        title=_("Your personal data held by the library"),
        subtitle=" · ".join((reader.name, reader.card_number, node.library_name, session.now().strftime("%Y-%m-%d"))),
        sections=(
            _details(record, reader),
            _cards(record),
            _consents(reader),
            _blocks(reader),
            _loans(reader),
            _uses(reader),
            _keeping(session, reader),
        ),
        footer=_("Printed by {staff} at {place}. Privacy notice version {version}.").format(
            staff=session.staff.display_name, place=node.branch_name, version=current_notice().version
        ),
    )
    with session.write() as writer:
        writer.journal("reader.export", "reader", reader.id, {"card_number": reader.card_number})
    return export


# --- anonymising ------------------------------------------------------------------------------


def _anonymise(writer: Writer, reader: Reader, now: str) -> None:
    """Empty every personal value; keep type, branch, dates, card numbers and the age band."""
    band = age_band(
        dt.date.fromisoformat(reader.birth_date) if reader.birth_date else None,
        dt.date.fromisoformat(reader.cancelled_at[:10]),
    )
    Reader.update(
        name="",
        name_pinyin="",
        name_initials="",
        id_cipher=None,
        id_hash=None,
        birth_date=None,
        age_band=band,
        phone_cipher=None,
        phone_hash=None,
        guardian=None,
        notes=None,
        anonymised_at=now,
        updated_at=now,
    ).where(Reader.id == reader.id).execute()
    ReaderBlock.update(reason="").where(ReaderBlock.reader == reader.id).execute()
    ReaderConsent.update(guardian=None).where(ReaderConsent.reader == reader.id).execute()
    writer.journal("reader.anonymise", "reader", reader.id, {"age_band": band})


@retention_job("deidentify_loan_history", N_("Loans, holds and charges no longer linked to a reader"))
@writes
def deidentify_history(session: Session) -> int:
    """Cut the link between readers and loans returned, holds ended and charges settled longer
    ago than the retention period; the reader type, age band and branch kept on each row keep
    every statistic. One journal row records the sweep; loan journal rows never named the reader.
    """
    session.require(Permission.RUN_PRIVACY_JOBS)
    days = reader_settings(session.library).loan_history_days
    cutoff = (session.now() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    now = session.library.now_text()
    with session.write() as writer:
        loans = (
            Loan.update(reader=None, deidentified_at=now)
            .where(Loan.reader.is_null(False), Loan.ended_at.is_null(False), Loan.ended_at <= cutoff)
            .execute()
        )
        holds = (
            Hold.update(reader=None, deidentified_at=now)
            .where(Hold.reader.is_null(False), Hold.ended_at.is_null(False), Hold.ended_at <= cutoff)
            .execute()
        )
        charges = (
            Charge.update(reader=None, deidentified_at=now)
            .where(Charge.reader.is_null(False), Charge.settled_at.is_null(False), Charge.settled_at <= cutoff)
            .execute()
        )
        if loans or holds or charges:
            writer.journal(
                "loan.deidentify", "loan", None, {"before": cutoff, "loans": loans, "holds": holds, "charges": charges}
            )
    return loans + holds + charges


@retention_job("anonymise_returned_cards", N_("Readers anonymised after returning their card"))
@writes
def anonymise_due(session: Session) -> int:
    """Anonymise every reader whose card was returned longer ago than the retention period."""
    session.require(Permission.RUN_PRIVACY_JOBS)
    days = reader_settings(session.library).anonymise_after_days
    cutoff = (session.now() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    due = Reader.select().where(
        Reader.cancelled_at.is_null(False), Reader.cancelled_at <= cutoff, Reader.anonymised_at.is_null()
    )
    today = session.now().date()
    settled = [reader for reader in due if not obligations_of(reader.id, today)]
    if settled:
        now = session.library.now_text()
        with session.write() as writer:
            for reader in settled:
                _anonymise(writer, reader, now)
    return len(settled)


@writes
def anonymise_reader(session: Session, card_number: str) -> ReaderSummary:
    """Anonymise one reader who returned the card, now, at their request (PIPL Art. 47)."""
    session.require(Permission.RUN_PRIVACY_JOBS)
    reader = _with_personal_data(card_number)
    if not reader.cancelled_at:
        raise Invalid(
            "readers.anonymise_card_in_use",
            "{reader} still holds card {number}: the card must be returned first.",
            reader=reader.name,
            number=reader.card_number,
        )
    owed = obligations_of(reader.id, session.now().date())
    if owed:
        raise Invalid(
            "readers.anonymise_obligations_open",
            "{reader} cannot be anonymised yet: {what}.",
            reader=reader.name,
            what="; ".join(str(o) for o in owed),
        )
    with session.write() as writer:
        _anonymise(writer, reader, session.library.now_text())
    return summary(Reader.get_by_id(reader.id), session.now().date())


def run_retention_jobs(session: Session) -> tuple[JobResult, ...]:
    """Every retention job once; running them again the same day changes nothing."""
    session.require(Permission.RUN_PRIVACY_JOBS)
    return tuple(JobResult(job.code, _(job.label), job.run(session)) for job in retention_jobs())
