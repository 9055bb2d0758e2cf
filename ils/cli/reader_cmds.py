"""``ils readers ...``: registration, the card's lifecycle, consents, printouts and the privacy jobs.

ID numbers are never taken from the screen's echo: left out, they are asked for with
hidden input, or read from standard input when that is not a terminal (so a script
can pipe one in without it showing in the process list).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from ils import printouts as print_files
from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _, ngettext
from ils.readers import cards, consents, lifecycle, privacy, settings
from ils.readers import printouts as reader_printouts
from ils.readers import readers as service
from ils.readers.idnumbers import ID_TYPES
from ils.readers.rows import ReaderSummary
from ils.readers.types import ReaderTypeInfo, add_reader_type, change_reader_type, list_reader_types


def _secret_id_number(given: str | None) -> str:
    if given is not None:
        return given
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt(_("ID number"), hide_input=True)
    line = sys.stdin.readline().strip() if sys.stdin is not None else ""
    if not line:
        raise click.UsageError(_("Give the ID number on standard input or with --id-number."))
    return line


def _blocks_text(summary: ReaderSummary) -> str:
    return "\n".join(f"  {b.label} ({b.since}): {b.detail}" for b in summary.blocks) or "  " + _("none")


def _summary_line(s: ReaderSummary) -> tuple[str, ...]:
    blocks = "、".join(b.label for b in s.blocks)
    return (s.card_number, s.name, s.reader_type_name, s.branch_name, s.status_label, blocks)


def _record_text(record: service.ReaderRecord) -> str:
    s = record.summary
    rows = [
        (_("Card number"), s.card_number),
        (_("Full name"), f"{s.name} ({record.name_pinyin})"),
        (_("ID document"), f"{record.id_type_label} {record.id_masked}".strip()),
        (_("Birth date"), record.birth_date or ""),
        (_("Mobile phone"), record.phone_masked or ""),
        (_("Reader type"), s.reader_type_name),
        (_("Home branch"), s.branch_name),
        (_("Status"), s.status_label),
        (_("Card valid until"), s.expires_on or _("no end date")),
    ]
    if record.guardian:
        rows.append((_("Guardian"), f"{record.guardian.name} ({record.guardian.card_number})"))
    rows += [(_("Child in your care"), f"{w.name} ({w.card_number})") for w in record.wards]
    rows += [(_("Consent"), c.kind_label) for c in record.consents if c.current]
    if record.notes:
        rows.append((_("Notes"), record.notes))
    lines = [f"{name}: {value}" for name, value in rows]
    return "\n".join([*lines, _("Blocks:"), _blocks_text(s)])


def _show(record: service.ReaderRecord, as_json: bool) -> None:
    emit(as_json, record, lambda: _record_text(record))


card_argument = click.argument("card")
id_number_option = click.option(
    "--id-number", help=N_("ID number (asked for with hidden input when left out; never shown).")
)
out_option = click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help=N_("PDF file to write.")
)


@cli.group(help=N_("Readers and their cards: register, find, report lost, replace, return; consents and privacy."))
def readers() -> None:
    """Group only: each desk action is a subcommand."""


@readers.command(help=N_("Register a reader and issue a card."))
@click.argument("name")
@click.option(
    "--id-type",
    type=click.Choice(list(ID_TYPES)),
    default="resident",
    show_default=True,
    help=N_("Kind of ID document."),
)
@id_number_option
@click.option(
    "--type", "reader_type", default="adult", show_default=True, help=N_("Reader type code (ils readers types).")
)
@click.option("--branch", help=N_("Home branch code (default: this desk's branch)."))
@click.option("--phone", help=N_("Mobile phone for SMS notices (optional)."))
@click.option("--guardian", help=N_("Card number of the guardian (needed under 14)."))
@click.option(
    "--birth-date",
    type=click.DateTime(["%Y-%m-%d"]),
    help=N_("Birth date, YYYY-MM-DD (taken from a resident ID number)."),
)
@click.option(
    "--consent",
    "consent_kinds",
    multiple=True,
    type=click.Choice(list(consents.CONSENT_KINDS)),
    help=N_("A consent the reader (or guardian) gives; repeat for each."),
)
@click.option("--card-number", help=N_("Number of a pre-printed card (default: a new random number)."))
@click.option("--notes", help=N_("A note on the reader."))
@json_option
def add(
    name,
    id_type,
    id_number,
    reader_type,
    branch,
    phone,
    guardian,
    birth_date,
    consent_kinds,
    card_number,
    notes,
    as_json,
) -> None:
    session = state().session()
    form = service.Registration(
        name=name,
        id_type=id_type,
        id_number=_secret_id_number(id_number),
        reader_type=reader_type,
        birth_date=birth_date.date() if birth_date else None,
        phone=phone,
        branch=branch,
        guardian_card=guardian,
        notes=notes,
        consents=frozenset(consent_kinds),
        card_number=card_number,
    )
    _show(service.register_reader(session, form), as_json)


@readers.command(help=N_("Find readers by card number, name, pinyin, phone or ID number."))
@click.argument("text")
@json_option
def find(text, as_json) -> None:
    rows = service.find_readers(state().session(), text)
    emit(
        as_json,
        rows,
        lambda: (
            table(
                [_summary_line(r) for r in rows],
                (_("Card number"), _("Full name"), _("Reader type"), _("Home branch"), _("Status"), _("Blocks")),
            )
            if rows
            else _("No reader found.")
        ),
    )


@readers.command(help=N_("Show a reader's record (numbers masked); the view is recorded."))
@card_argument
@json_option
def show(card, as_json) -> None:
    _show(service.view_reader(state().session(), card), as_json)


@readers.command(help=N_("Check an ID number against a card (验证)."))
@card_argument
@id_number_option
@json_option
def verify(card, id_number, as_json) -> None:
    session = state().session()
    result = lifecycle.verify(session, card, _secret_id_number(id_number))
    emit(
        as_json,
        result,
        lambda: (
            _("The ID number belongs to {name}, the holder of card {card}.")
            if result.matches
            else _("The ID number does NOT belong to the holder of card {card}.")
        ).format(name=result.name, card=result.card_number),
    )
    if not result.matches:
        raise click.exceptions.Exit(1)


@readers.command(help=N_("Report a card lost (挂失): it is blocked at once."))
@card_argument
@json_option
def lost(card, as_json) -> None:
    _show(lifecycle.report_lost(state().session(), card), as_json)


@readers.command(help=N_("Cancel a loss report (解挂) after checking the holder's ID number."))
@card_argument
@id_number_option
@json_option
def unlost(card, id_number, as_json) -> None:
    session = state().session()
    _show(lifecycle.cancel_loss(session, card, _secret_id_number(id_number)), as_json)


@readers.command(help=N_("Replace a card (补办): a new number for the same reader, the old one dead."))
@card_argument
@id_number_option
@click.option("--new-card", help=N_("Number of a pre-printed card (default: a new random number)."))
@json_option
def replace(card, id_number, new_card, as_json) -> None:
    session = state().session()
    _show(lifecycle.replace_card(session, card, _secret_id_number(id_number), new_card_number=new_card), as_json)


@readers.command(help=N_("Return a card (退证): only with nothing on loan and nothing owed."))
@card_argument
@json_option
def cancel(card, as_json) -> None:
    _show(lifecycle.cancel_card(state().session(), card), as_json)


@readers.command(help=N_("Suspend a reader, with the reason the desk will read."))
@card_argument
@click.option("--reason", required=True, help=N_("Why the reader is suspended."))
@json_option
def suspend(card, reason, as_json) -> None:
    _show(lifecycle.suspend(state().session(), card, reason), as_json)


@readers.command(help=N_("Lift a reader's suspensions."))
@card_argument
@json_option
def unsuspend(card, as_json) -> None:
    _show(lifecycle.unsuspend(state().session(), card), as_json)


@readers.command(help=N_("Renew a card of a type that expires."))
@card_argument
@json_option
def renew(card, as_json) -> None:
    _show(lifecycle.renew(state().session(), card), as_json)


@readers.command(help=N_("Record a consent the reader gives, or with --withdraw its withdrawal."))
@card_argument
@click.argument("kind", type=click.Choice(list(consents.CONSENT_KINDS)))
@click.option("--withdraw", is_flag=True, help=N_("Withdraw the consent instead."))
@json_option
def consent(card, kind, withdraw, as_json) -> None:
    session = state().session()
    result = (consents.withdraw_consent if withdraw else consents.grant_consent)(session, card, kind)
    emit(
        as_json,
        result,
        lambda: "\n".join(
            f"{c.kind_label}: {c.granted_at[:10]}" + (f" – {c.withdrawn_at[:10]}" if c.withdrawn_at else "")
            for c in result
        ),
    )


@readers.command(help=N_("Print a reader's card as a CR80 PDF."))
@card_argument
@out_option
@json_option
def card(card, out, as_json) -> None:
    pdf = reader_printouts.card_pdf(state().session(), card)
    print_files.write_pdf(pdf, out)
    emit(as_json, {"file": out, "bytes": len(pdf)}, lambda: _("Wrote {path}.").format(path=out))


@readers.command(help=N_("Export everything held about a reader, for the reader, as an A4 PDF."))
@card_argument
@out_option
@json_option
def export(card, out, as_json) -> None:
    pdf = reader_printouts.export_pdf(state().session(), card)
    print_files.write_pdf(pdf, out)
    emit(as_json, {"file": out, "bytes": len(pdf)}, lambda: _("Wrote {path}.").format(path=out))


@readers.command(help=N_("Run the privacy retention jobs (anonymise returned cards; de-identify loan history)."))
@json_option
def deidentify(as_json) -> None:
    results = privacy.run_retention_jobs(state().session())
    emit(as_json, results, lambda: "\n".join(f"{r.label}: {r.count}" for r in results))


@readers.command(help=N_("Anonymise readers whose card was returned: all that are due, or one at their request."))
@click.argument("card", required=False)
@json_option
def anonymise(card, as_json) -> None:
    session = state().session()
    if card:
        result = privacy.anonymise_reader(session, card)
        emit(as_json, result, lambda: _("Card {card}: the reader is anonymised.").format(card=result.card_number))
    else:
        count = privacy.anonymise_due(session)
        emit(
            as_json,
            {"anonymised": count},
            lambda: ngettext("Anonymised {count} reader.", "Anonymised {count} readers.", count).format(count=count),
        )


def _types_text(rows: list[ReaderTypeInfo]) -> str:
    return table(
        [
            (
                t.code,
                t.name,
                str(t.validity_months or "-"),
                _("yes") if t.blind_service else "",
                _("yes") if t.active else _("no"),
            )
            for t in rows
        ],
        (_("Code"), _("Name"), _("Months valid"), _("Blind reading room"), _("In use")),
    )


@readers.command(help=N_("List the reader types."))
@json_option
def types(as_json) -> None:
    state().library()
    rows = list_reader_types(include_inactive=True)
    emit(as_json, rows, lambda: _types_text(rows))


@readers.command("type-add", help=N_("Add a reader type."))
@click.argument("code")
@click.argument("name")
@click.option("--months", type=int, help=N_("How many months a card of this type lasts (default: no end date)."))
@click.option("--blind-service", is_flag=True, help=N_("Readers of this type use the blind reading room."))
@json_option
def type_add(code, name, months, blind_service, as_json) -> None:
    result = add_reader_type(
        state().session(), code=code, name=name, validity_months=months, blind_service=blind_service
    )
    emit(as_json, result, lambda: _types_text([result]))


@readers.command("type-change", help=N_("Rename a reader type, change how long its cards last, or retire it."))
@click.argument("code")
@click.option("--name", help=N_("New name."))
@click.option("--months", type=int, help=N_("How many months new and renewed cards last."))
@click.option("--no-end-date", is_flag=True, help=N_("Cards of this type no longer expire."))
@click.option("--in-use/--retired", "active", default=None, help=N_("Whether new readers may get this type."))
@json_option
def type_change(code, name, months, no_end_date, active, as_json) -> None:
    result = change_reader_type(
        state().session(), code, name=name, validity_months=months, no_end_date=no_end_date, active=active
    )
    emit(as_json, result, lambda: _types_text([result]))


@readers.command(
    "card-format",
    help=N_("Show or set which card numbers this library's desks accept; a card that does not fit is refused."),
)
@click.option("--letters/--digits", default=None, help=N_("Capital letters, digits and '-', or digits only."))
@click.option("--min-length", type=click.IntRange(1), help=N_("Fewest characters, prefix included."))
@click.option("--max-length", type=click.IntRange(1), help=N_("Most characters, prefix included."))
@click.option("--prefix", help=N_("What every card number starts with (empty: nothing)."))
@click.option("--check-digit/--no-check-digit", default=None, help=N_("Whether the last digit is a Luhn check digit."))
@json_option
def card_format(letters, min_length, max_length, prefix, check_digit, as_json) -> None:
    if all(value is None for value in (letters, min_length, max_length, prefix, check_digit)):
        state().library()
        result = cards.card_format()
    else:
        result = settings.change_card_format(
            state().session(),
            letters=letters,
            min_length=min_length,
            max_length=max_length,
            prefix=prefix,
            check_digit=check_digit,
        )
    emit(
        as_json,
        {**dataclasses.asdict(result), "description": str(result.describe())},
        lambda: _("Card numbers: {format}").format(format=result.describe()),
    )


@readers.command("settings", help=N_("Show or change the card number prefix and the retention periods."))
@click.option("--card-prefix", help=N_("Digits at the start of new card numbers."))
@click.option("--loan-history-days", type=int, help=N_("Days a returned loan stays linked to its reader."))
@click.option("--anonymise-after-days", type=int, help=N_("Days after a card is returned before anonymising."))
@json_option
def settings_(card_prefix, loan_history_days, anonymise_after_days, as_json) -> None:
    if card_prefix is None and loan_history_days is None and anonymise_after_days is None:
        result = settings.reader_settings(state().library())
    else:
        result = settings.change_reader_settings(
            state().session(),
            card_prefix=card_prefix,
            loan_history_days=loan_history_days,
            anonymise_after_days=anonymise_after_days,
        )
    emit(
        as_json,
        result,
        lambda: "\n".join(
            (
                _("Card number prefix: {prefix}").format(prefix=result.card_prefix or "-"),
                _("Loan history linked for {days} days after return").format(days=result.loan_history_days),
                _("Returned cards anonymised after {days} days").format(days=result.anonymise_after_days),
            )
        ),
    )
