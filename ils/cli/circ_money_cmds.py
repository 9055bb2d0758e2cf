"""``ils circ ...``: overdues and SMS notices, lost, damaged and claimed-returned copies,
charges and payments. Amounts are typed in yuan (12.50) and shown as ¥12.50."""

from __future__ import annotations

from pathlib import Path

import click

from ils.circulation import charges, losses, overdues
from ils.cli.circ_group import circ
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _
from ils.money import parse_yuan, yuan

barcode_argument = click.argument("barcode")
charge_argument = click.argument("charge_id")
point_option = click.option(
    "--point", help=N_("Service point or van stop code where this happens (default: this desk's branch).")
)
branch_option = click.option("--branch", help=N_("Branch code (default: this desk's)."))
all_option = click.option("--all", "all_branches", is_flag=True, help=N_("Every branch."))


def _overdue_text(rows: list[overdues.OverdueLoan], all_branches: bool) -> str:
    if not rows:
        return _("Nothing is overdue.")
    headers: tuple[str, ...] = (
        _("Days overdue"),
        _("Due"),
        _("Barcode"),
        _("Title"),
        _("Card number"),
        _("Reader name"),
        _("Mobile phone"),
    )
    lines: list[tuple[str, ...]] = [
        (str(r.days_overdue), r.due_on, r.barcode, r.title, r.card_number, r.reader_name, r.phone or "") for r in rows
    ]
    if all_branches:
        headers += (_("Branch"),)
        lines = [line + (row.branch_name,) for line, row in zip(lines, rows, strict=True)]
    return table(lines, headers)


@circ.command(help=N_("List overdue loans of a branch, most overdue first, phones masked."))
@branch_option
@all_option
@click.option("--reveal", is_flag=True, help=N_("Show full phone numbers (needs the export permission; recorded)."))
@json_option
def overdue(branch, all_branches, reveal, as_json) -> None:
    rows = overdues.overdue_list(state().session(), branch, all_branches=all_branches, reveal_contact=reveal)
    emit(as_json, rows, lambda: _overdue_text(rows, all_branches))


@circ.command("sms-export", help=N_("Write SMS overdue notices (CSV for Excel) for readers who consented to SMS."))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help=N_("CSV file to write."))
@branch_option
@all_option
@json_option
def sms_export(out, branch, all_branches, as_json) -> None:
    result = overdues.sms_export(state().session(), out, branch, all_branches=all_branches)
    emit(
        as_json,
        result,
        lambda: _("Wrote {count} notices to {path}; {skipped} readers have no SMS consent or no phone.").format(
            count=len(result.notices), path=result.path, skipped=result.skipped
        ),
    )


def _loss_text(outcome: losses.LossOutcome) -> str:
    lines = [outcome.message]
    lines += [
        _("Charge {id}: {kind} {amount}").format(id=c.id, kind=c.kind_label, amount=yuan(c.amount_fen))
        for c in outcome.charges
    ]
    return "\n".join(lines)


@circ.command(help=N_("Mark a copy on loan lost: the reader is charged its price times the lost-item factor."))
@barcode_argument
@point_option
@json_option
def lost(barcode, point, as_json) -> None:
    outcome = losses.mark_lost(state().session(), barcode, point=point)
    emit(as_json, outcome, lambda: _loss_text(outcome))


@circ.command(help=N_("Take a copy on loan back damaged and charge the reader the amount given."))
@barcode_argument
@click.option("--amount", required=True, help=N_("What the reader owes for the damage, in yuan (0 for nothing)."))
@click.option("--note", help=N_("What the damage is."))
@point_option
@json_option
def damaged(barcode, amount, note, point, as_json) -> None:
    fen = parse_yuan(amount, field=N_("Damage charge"))
    outcome = losses.mark_damaged(state().session(), barcode, fen, note=note, point=point)
    emit(as_json, outcome, lambda: _loss_text(outcome))


@circ.command(help=N_("The reader says a copy on loan was returned: mark it missing; it is no longer overdue."))
@barcode_argument
@point_option
@json_option
def claim(barcode, point, as_json) -> None:
    outcome = losses.claim_returned(state().session(), barcode, point=point)
    emit(as_json, outcome, lambda: _loss_text(outcome))


@circ.command(help=N_("Write off the loan of a claimed-returned copy that never turned up."))
@barcode_argument
@click.option("--reason", required=True, help=N_("Why the loan is written off."))
@point_option
@json_option
def writeoff(barcode, reason, point, as_json) -> None:
    outcome = losses.write_off(state().session(), barcode, reason, point=point)
    emit(as_json, outcome, lambda: _loss_text(outcome))


def _charges_text(rows: list[charges.ChargeInfo]) -> str:
    if not rows:
        return _("Nothing is owed.")
    return table(
        [
            (
                c.id,
                c.kind_label,
                c.barcode or "",
                c.title or "",
                yuan(c.amount_fen),
                yuan(c.paid_fen),
                yuan(c.owed_fen),
                c.created_at[:10],
            )
            for c in rows
        ],
        (_("Charge"), _("Kind"), _("Barcode"), _("Title"), _("Amount"), _("Paid"), _("Owed"), _("Date")),
    )


def _charge_text(charge: charges.ChargeInfo) -> str:
    if charge.settled:
        return _("Charge {id} ({kind}) is settled.").format(id=charge.id, kind=charge.kind_label)
    return _("Charge {id} ({kind}): {owed} still owed.").format(
        id=charge.id, kind=charge.kind_label, owed=yuan(charge.owed_fen)
    )


@circ.command("charges", help=N_("List what a reader owes (with --settled, what they paid too)."))
@click.argument("card")
@click.option("--settled", is_flag=True, help=N_("Include settled charges."))
@json_option
def charges_(card, settled, as_json) -> None:
    rows = charges.reader_charges(state().session(), card, include_settled=settled)
    emit(as_json, rows, lambda: _charges_text(rows))


@circ.command(help=N_("Take a payment against a charge; part of it is allowed."))
@charge_argument
@click.option("--amount", required=True, help=N_("Amount paid, in yuan, such as 12.50."))
@click.option("--note", help=N_("A note on the payment, such as a receipt number."))
@point_option
@json_option
def pay(charge_id, amount, note, point, as_json) -> None:
    fen = parse_yuan(amount, field=N_("Amount paid"))
    result = charges.pay(state().session(), charge_id, fen, note=note, point=point)
    emit(as_json, result, lambda: _charge_text(result))


@circ.command(help=N_("Waive what is still owed on a charge, with the reason."))
@charge_argument
@click.option("--reason", required=True, help=N_("Why the charge is waived."))
@point_option
@json_option
def waive(charge_id, reason, point, as_json) -> None:
    result = charges.waive(state().session(), charge_id, reason, point=point)
    emit(as_json, result, lambda: _charge_text(result))


@circ.command(help=N_("Settle a lost or damaged item's charge with a replacement copy the reader brought."))
@charge_argument
@click.option("--note", help=N_("Which copy was brought, such as its edition."))
@point_option
@json_option
def replacement(charge_id, note, point, as_json) -> None:
    result = charges.accept_replacement(state().session(), charge_id, note=note, point=point)
    emit(as_json, result, lambda: _charge_text(result))
