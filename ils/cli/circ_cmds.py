"""``ils circ ...`` at the desk: checkout, return, renew, holds, transit and a reader's loans.

Each command calls one service with ``--point`` where the desk stands (a service point or van
stop code; by default this desk's branch). A refused loan prints each reason on its own line
and exits 1. Rules, the calendar, settings, van stops and rotation are in ``circ_setup_cmds``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from ils.circulation import holds, loans, transit
from ils.circulation.loans import LoanInfo, LoanRefused
from ils.cli.circ_group import circ
from ils.cli.output import emit, refusal_json, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _

point_option = click.option(
    "--point", help=N_("Service point or van stop code where this happens (default: this desk's branch).")
)
override_option = click.option(
    "--override",
    metavar="REASON",
    help=N_("Go ahead despite the rules, for this recorded reason (needs the right to override rules)."),
)


@contextmanager
def _reasons_on_refusal(as_json: bool) -> Iterator[None]:
    """A refused loan or renewal: every reason on its own line (with ``--json``, each with its code), then exit 1."""
    try:
        yield
    except LoanRefused as refused:
        if as_json:
            reasons = [{"code": reason.code, "message": reason.render()} for reason in refused.reasons]
            click.echo(refusal_json(refused, reasons=reasons, overridable=refused.overridable), err=True)
            raise click.exceptions.Exit(1) from None
        for reason in refused.reasons:
            click.echo(str(reason), err=True)
        if refused.overridable:
            click.echo(_("Staff allowed to override the rules may add --override REASON."), err=True)
        raise click.exceptions.Exit(1) from None


def _loan_rows(rows: list[LoanInfo]) -> str:
    if not rows:
        return _("No loans.")
    return table(
        [
            (
                r.barcode,
                r.title,
                r.loaned_at[:10],
                r.ended_at[:10] if r.ended_at else r.due_on,
                str(r.renewals) if r.ended_at else f"{r.renewals}/{r.renewals_allowed}",
                str(r.overdue_days or ""),
            )
            for r in rows
        ],
        (_("Barcode"), _("Title"), _("Lent on"), _("Due / returned"), _("Renewals"), _("Days overdue")),
    )


@circ.command(help=N_("Lend a copy to a reader (scan the card, then the copy)."))
@click.argument("card")
@click.argument("barcode")
@point_option
@override_option
@json_option
def checkout(card, barcode, point, override, as_json) -> None:
    with _reasons_on_refusal(as_json):
        result = loans.checkout(state().session(), card, barcode, point=point, override=override)
    loan, reader = result.loan, result.reader

    def text() -> str:
        lines = [
            _("{title} ({barcode}) lent to {name} ({card}), due {due}.").format(
                title=loan.title, barcode=loan.barcode, name=reader.name, card=reader.card_number, due=loan.due_on
            )
        ]
        if result.filled_hold:
            lines.append(_("The reader's hold on this title is fulfilled."))
        if result.override_reason:
            lines.append(_("Rules overridden: {reason}").format(reason=result.override_reason))
        return "\n".join(lines)

    emit(as_json, result, text)


@circ.command("return", help=N_("Take a copy back at any branch and say where it goes next."))
@click.argument("barcode")
@point_option
@json_option
def return_(barcode, point, as_json) -> None:
    result = loans.return_item(state().session(), barcode, point=point)
    emit(
        as_json,
        result,
        lambda: "\n".join(
            [
                _("Returned: {title} ({barcode}).").format(title=result.title, barcode=result.barcode),
                *result.notes,
                result.disposition.message,
            ]
        ),
    )


@circ.command(help=N_("Renew a loan from its due date."))
@click.argument("barcode")
@point_option
@override_option
@json_option
def renew(barcode, point, override, as_json) -> None:
    with _reasons_on_refusal(as_json):
        loan = loans.renew(state().session(), barcode, point=point, override=override)
    emit(
        as_json,
        loan,
        lambda: _("{title} ({barcode}) renewed: due {due} ({used} of {allowed} renewals).").format(
            title=loan.title, barcode=loan.barcode, due=loan.due_on, used=loan.renewals, allowed=loan.renewals_allowed
        ),
    )


@circ.command("loans", help=N_("A reader's loans now, or with --history those returned."))
@click.argument("card")
@click.option("--history", is_flag=True, help=N_("Returned loans still linked to the reader, newest first."))
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help=N_("How many returned loans to show.")
)
@json_option
def loans_(card, history, limit, as_json) -> None:
    session = state().session()
    rows = loans.loan_history(session, card, limit=limit) if history else loans.reader_loans(session, card)
    emit(as_json, rows, lambda: _loan_rows(rows))


def _hold_rows(rows: list[holds.HoldInfo]) -> str:
    if not rows:
        return _("No holds.")
    return table(
        [
            (
                h.id,
                h.title,
                h.barcode or "",
                h.card_number or "",
                h.pickup_branch_name,
                h.state_label,
                str(h.position or ""),
                h.expires_on or "",
            )
            for h in rows
        ],
        (
            _("Hold"),
            _("Title"),
            _("Barcode"),
            _("Card number"),
            _("Pickup at"),
            _("State"),
            _("Queue"),
            _("Kept until"),
        ),
    )


def _hold_text(h: holds.HoldInfo) -> str:
    line = _("Hold {id}: {title} for {name} ({card}), to collect at {branch}: {state}.").format(
        id=h.id,
        title=h.title,
        name=h.reader_name,
        card=h.card_number or "",
        branch=h.pickup_branch_name,
        state=h.state_label,
    )
    if h.position:
        line += " " + _("Number {position} in the queue.").format(position=h.position)
    return line


def _outcome_text(outcome: holds.HoldOutcome) -> str:
    lines = [_hold_text(outcome.hold)]
    if outcome.disposition is not None:
        lines.append(outcome.disposition.message)
    return "\n".join(lines)


@circ.command(help=N_("Place a hold (预约) on a title (record number or id, ISBN or a copy's barcode)."))
@click.argument("card")
@click.argument("record")
@click.option("--pickup", metavar="BRANCH", help=N_("Branch code where the reader collects (default: this desk's)."))
@click.option("--copy", "copy_only", is_flag=True, help=N_("Hold that one copy (RECORD is its barcode)."))
@json_option
def hold(card, record, pickup, copy_only, as_json) -> None:
    info = holds.place_hold(state().session(), card, record, pickup=pickup, copy_only=copy_only)
    emit(as_json, info, lambda: _hold_text(info))


@circ.command("holds", help=N_("A reader's holds, in queue order."))
@click.argument("card")
@json_option
def holds_(card, as_json) -> None:
    rows = holds.reader_holds(state().session(), card)
    emit(as_json, rows, lambda: _hold_rows(rows))


@circ.command("cancel-hold", help=N_("Cancel a hold; a copy kept for it goes to the next reader or home."))
@click.argument("hold_id")
@click.option("--by-staff", is_flag=True, help=N_("Staff cancel it (default: at the reader's request)."))
@point_option
@json_option
def cancel_hold(hold_id, by_staff, point, as_json) -> None:
    outcome = holds.cancel_hold(state().session(), hold_id, by_reader=not by_staff, point=point)
    emit(as_json, outcome, lambda: _outcome_text(outcome))


@circ.command(
    "hold-shelf",
    help=N_("What should be on a branch's hold shelf; with --expire, end the holds not collected in time."),
)
@click.option("--branch", help=N_("Branch code (default: this desk's)."))
@click.option("--expire", is_flag=True, help=N_("End this desk's holds past their date and say where each copy goes."))
@point_option
@json_option
def hold_shelf(branch, expire, point, as_json) -> None:
    session = state().session()
    if expire:
        outcomes = holds.expire_holds(session, point=point)
        emit(as_json, outcomes, lambda: "\n".join(_outcome_text(o) for o in outcomes) or _("No hold has expired."))
        return
    rows = holds.hold_shelf(session, branch=branch)
    emit(as_json, rows, lambda: _hold_rows(rows))


@circ.command(help=N_("Receive a copy that arrived in transit, and say where it goes."))
@click.argument("barcode")
@point_option
@json_option
def receive(barcode, point, as_json) -> None:
    disposition = transit.receive(state().session(), barcode, point=point)
    emit(as_json, disposition, lambda: disposition.message)


@circ.command("transit", help=N_("Copies in transit to a branch (or, with --outgoing, leaving it)."))
@click.option("--branch", help=N_("Branch code (default: this desk's)."))
@click.option("--outgoing", is_flag=True, help=N_("Copies sent from the branch instead of coming to it."))
@json_option
def transit_(branch, outgoing, as_json) -> None:
    rows = transit.transits(state().session(), branch=branch, incoming=not outgoing)
    emit(
        as_json,
        rows,
        lambda: (
            table(
                [
                    (t.barcode, t.title, t.from_branch, t.to_branch, t.reason_label, t.sent_at[:16].replace("T", " "))
                    for t in rows
                ],
                (_("Barcode"), _("Title"), _("From"), _("To"), _("Why"), _("Sent")),
            )
            if rows
            else _("Nothing in transit.")
        ),
    )
