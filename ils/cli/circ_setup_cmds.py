"""``ils circ ...`` behind the desk: loan rules, the calendar, circulation settings, the van's
stops and book rotation (图书流转)."""

from __future__ import annotations

import click

from ils.circulation import calendar, rotation, rules, settings, van
from ils.cli.circ_group import circ
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _, ngettext
from ils.money import parse_yuan, yuan

AMOUNT_FIELDS = {
    "fine_fen_per_day": N_("Fine per day"),
    "fine_block_fen": N_("Borrowing stops at a debt of"),
    "lost_default_fen": N_("Lost copy without a price"),
}
"""The box each amount option fills, named in a refusal of what was typed."""


def _amount(_ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """An amount typed in yuan (30, 0.10, ¥30) as fen; anything else is refused (``money.*``), nothing stored."""
    if value is None:
        return None
    return parse_yuan(value, field=AMOUNT_FIELDS[param.name or ""])


date_type = click.DateTime(["%Y-%m-%d"])


# Loan rules


@circ.group("rules", help=N_("The loan rules: reader type x item type (x branch)."))
def rules_group() -> None:
    """Group only: list, set and remove rules."""


def _rules_text(rows: list[rules.Rule]) -> str:
    return table(
        [
            (
                r.id,
                str(r.loan_limit),
                str(r.loan_days),
                f"{r.renewals} x {r.renew_days}",
                _("yes") if r.holds_allowed else _("no"),
                yuan(r.fine_fen_per_day),
            )
            for r in rows
        ],
        (_("Rule"), _("Loan limit"), _("Loan days"), _("Renewals x days"), _("Holds"), _("Fine per day")),
    )


@rules_group.command("list", help=N_("List the loan rules; a loan takes the most specific one."))
@json_option
def rules_list(as_json) -> None:
    rows = rules.list_rules(state().session())
    emit(as_json, rows, lambda: _rules_text(rows))


@rules_group.command("set", help=N_("Add a rule or change some of its values (* means any)."))
@click.argument("reader_type")
@click.argument("item_type")
@click.option("--branch", help=N_("Only at this branch (default: every branch)."))
@click.option("--limit", "loan_limit", type=int, help=N_("How many such items a reader may have out."))
@click.option("--days", "loan_days", type=int, help=N_("Loan period in days."))
@click.option("--renewals", type=int, help=N_("How many renewals are allowed."))
@click.option("--renew-days", type=int, help=N_("Days each renewal adds."))
@click.option("--holds/--no-holds", "holds_allowed", default=None, help=N_("Whether holds may be placed."))
@click.option(
    "--fine",
    "fine_fen_per_day",
    callback=_amount,
    metavar="YUAN",
    help=N_("Overdue fine per item per day in yuan, e.g. 0.10 (when fines are on)."),
)
@json_option
def rules_set(
    reader_type,
    item_type,
    branch,
    loan_limit,
    loan_days,
    renewals,
    renew_days,
    holds_allowed,
    fine_fen_per_day,
    as_json,
) -> None:
    rule = rules.set_rule(
        state().session(),
        reader_type,
        item_type,
        branch=branch,
        loan_limit=loan_limit,
        loan_days=loan_days,
        renewals=renewals,
        renew_days=renew_days,
        holds_allowed=holds_allowed,
        fine_fen_per_day=fine_fen_per_day,
    )
    emit(as_json, rule, lambda: _rules_text([rule]))


@rules_group.command("remove", help=N_("Remove a rule; its loans fall to the next less specific one."))
@click.argument("rule_id")
def rules_remove(rule_id) -> None:
    rules.remove_rule(state().session(), rule_id)
    click.echo(_("Rule {rule} removed.").format(rule=rule_id))


# The calendar


@circ.group("calendar", help=N_("Opening days: weekly closing days, holidays, closings, adjusted working days."))
def calendar_group() -> None:
    """Group only: each calendar action is a subcommand."""


def _days_text(rows: list[calendar.CalendarEntry]) -> str:
    return (
        table(
            [(d.day, d.branch_code or _("all"), d.kind_label, d.name) for d in rows],
            (_("Day"), _("Branch"), _("Kind"), _("Name")),
        )
        if rows
        else _("No days recorded.")
    )


@calendar_group.command(
    "closed-weekdays", help=N_('A branch\'s weekly closing days, e.g. 1 for Monday ("" opens every day).')
)
@click.argument("branch")
@click.argument("days")
@json_option
def closed_weekdays(branch, days, as_json) -> None:
    value = calendar.set_closed_weekdays(state().session(), branch, days)
    emit(
        as_json,
        {"branch": branch.upper(), "closed_weekdays": value},
        lambda: _("{branch} is closed on weekdays: {days}").format(branch=branch.upper(), days=value or _("none")),
    )


@calendar_group.command("add", help=N_("Record a day: holiday (休), workday (班) or emergency (闭馆)."))
@click.argument("day")
@click.argument("kind")
@click.argument("name")
@click.option("--branch", help=N_("Only this branch (default: every branch)."))
@json_option
def calendar_add(day, kind, name, branch, as_json) -> None:
    entry = calendar.add_day(state().session(), day, kind, name, branch=branch)
    emit(as_json, entry, lambda: _days_text([entry]))


@calendar_group.command(
    "import", help=N_("Import the year's list: one day or range per line, e.g. 2026-10-01..2026-10-07 休 国庆节.")
)
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--branch", help=N_("Only this branch (default: every branch)."))
@json_option
def calendar_import(file, branch, as_json) -> None:
    entries = calendar.import_days(state().session(), file.read(), branch=branch)
    emit(as_json, entries, lambda: _days_text(entries))


@calendar_group.command("list", help=N_("The days recorded for a year."))
@click.argument("year", type=click.IntRange(1900, 2999))
@click.option("--branch", help=N_("Include this branch's own days."))
@json_option
def calendar_list(year, branch, as_json) -> None:
    entries = calendar.list_days(state().session(), year, branch=branch)
    emit(as_json, entries, lambda: _days_text(entries))


@calendar_group.command("remove", help=N_("Remove a recorded day."))
@click.argument("day")
@click.option("--branch", help=N_("The branch's own day (default: the day for every branch)."))
def calendar_remove(day, branch) -> None:
    calendar.remove_day(state().session(), day, branch=branch)
    click.echo(_("{day} removed.").format(day=day))


# Settings


def _settings_text(s: settings.CirculationSettings) -> str:
    rows = [
        (_("Overdue policy"), f"{s.overdue_mode}: {_(settings.OVERDUE_MODES[s.overdue_mode])}"),
        (_("Borrowing stops at a debt of"), yuan(s.fine_block_fen)),
        (_("Holds per reader"), str(s.hold_limit)),
        (_("Days on the hold shelf"), str(s.hold_shelf_days)),
        (_("Lost copy charged at % of its price"), str(s.lost_price_percent)),
        (_("Lost copy without a price"), yuan(s.lost_default_fen)),
        (_("Receipt printer"), s.receipt_printer or _("none")),
    ]
    return "\n".join(f"{name}: {value}" for name, value in rows)


@circ.command("settings", help=N_("Show the circulation settings, or change those given."))
@click.option(
    "--overdue-mode",
    type=click.Choice(sorted(settings.OVERDUE_MODES)),
    help=N_("block: no fines, overdue items stop borrowing; fines: a fine per day."),
)
@click.option(
    "--fine-block",
    "fine_block_fen",
    callback=_amount,
    metavar="YUAN",
    help=N_("With fines, borrowing stops from this debt in yuan."),
)
@click.option("--hold-limit", type=int, help=N_("Holds a reader may have at once."))
@click.option("--hold-shelf-days", type=int, help=N_("Days a copy waits on the hold shelf."))
@click.option("--lost-price-percent", type=int, help=N_("A lost copy costs this percentage of its price."))
@click.option(
    "--lost-default",
    "lost_default_fen",
    callback=_amount,
    metavar="YUAN",
    help=N_("What a lost copy without a price costs, in yuan."),
)
@click.option("--receipt-printer", help=N_('CUPS printer for receipts ("" for none).'))
@json_option
def settings_(as_json, **changes) -> None:
    session = state().session()  # logs in, and opens the database, even just to show them
    given = {name: value for name, value in changes.items() if value is not None}
    result = settings.change_circulation_settings(session, **given) if given else settings.circulation_settings()
    emit(as_json, result, lambda: _settings_text(result))


# The van's stops


@circ.group("stops", help=N_("The mobile library van's stops, per route (停靠点名录)."))
def stops() -> None:
    """Group only: each stop action is a subcommand."""


van_option = click.option("--van", "van_code", help=N_("The van's branch code (needed only when there are several)."))


def _stop_line(s: van.StopInfo) -> str:
    return f"{s.code}  {s.name}" + ("" if s.active else "  " + _("closed"))


def _stop_text(s: van.StopInfo) -> str:
    return f"{s.route}: {_stop_line(s)}"


@stops.command("add", help=N_("Add a stop on a route."))
@click.argument("code")
@click.argument("name")
@click.option("--route", required=True, help=N_("The route's name (a new name starts a new route)."))
@van_option
@json_option
def stops_add(code, name, route, van_code, as_json) -> None:
    stop = van.add_stop(state().session(), code, name, route, van=van_code)
    emit(as_json, stop, lambda: _stop_text(stop))


@stops.command("list", help=N_("The stop list, per route."))
@click.option("--route", help=N_("Only this route."))
@van_option
@json_option
def stops_list(route, van_code, as_json) -> None:
    routes = van.list_stops(state().session(), route=route, van=van_code)
    emit(
        as_json,
        routes,
        lambda: (
            "\n".join(line for r in routes for line in (r.name, *("  " + _stop_line(s) for s in r.stops)))
            or _("The van has no stops yet.")
        ),
    )


@stops.command("move", help=N_("Put a stop on another route."))
@click.argument("code")
@click.argument("route")
@json_option
def stops_move(code, route, as_json) -> None:
    stop = van.move_stop(state().session(), code, route)
    emit(as_json, stop, lambda: _stop_text(stop))


@stops.command("rename", help=N_("Rename a stop."))
@click.argument("code")
@click.argument("name")
@json_option
def stops_rename(code, name, as_json) -> None:
    stop = van.rename_stop(state().session(), code, name)
    emit(as_json, stop, lambda: _stop_text(stop))


@stops.command("close", help=N_("Close a stop the van no longer serves (its loans stay counted)."))
@click.argument("code")
@json_option
def stops_close(code, as_json) -> None:
    stop = van.set_stop_active(state().session(), code, False)
    emit(as_json, stop, lambda: _stop_text(stop))


@stops.command("reopen", help=N_("Reopen a closed stop."))
@click.argument("code")
@json_option
def stops_reopen(code, as_json) -> None:
    stop = van.set_stop_active(state().session(), code, True)
    emit(as_json, stop, lambda: _stop_text(stop))


# Rotation


@circ.group("rotation", help=N_("Book rotation (图书流转): batches sent to a branch, service point or van stop."))
def rotation_group() -> None:
    """Group only: create, add, send, return, list, show, stats."""


def _batch_text(b: rotation.BatchInfo) -> str:
    lines = [
        f"{b.code}  {b.state_label}" + ("  " + _("late") if b.late else ""),
        _("From {origin} to {destination}, due back {due}.").format(
            origin=b.from_branch_name, destination=b.destination, due=b.due_back_on
        ),
        _("Copies: {items}; on loan now: {on_loan}; loans made: {loans}.").format(
            items=b.items, on_loan=b.on_loan, loans=b.loans
        ),
    ]
    if b.sent_at:
        lines.append(_("Sent: {at}").format(at=b.sent_at[:16].replace("T", " ")))
    if b.returned_at:
        lines.append(_("Brought back: {at}").format(at=b.returned_at[:16].replace("T", " ")))
    if b.note:
        lines.append(_("Note: {note}").format(note=b.note))
    return "\n".join(lines)


def _notes(notes: tuple[rotation.ItemNote, ...]) -> list[str]:
    return [str(note.note) for note in notes]


@rotation_group.command(
    "create", help=N_("Start a batch at this desk's branch for a branch, service point or van stop (TO is its code).")
)
@click.argument("to")
@click.option("--due", "due_back", type=date_type, required=True, help=N_("Date the batch is due back, YYYY-MM-DD."))
@click.option("--code", help=N_("The batch's code (default: e.g. ZG-LZ2026-001)."))
@click.option("--note", help=N_("A note on the batch."))
@click.option("--point", help=N_("Service point code of this desk (default: this desk's branch)."))
@json_option
def rotation_create(to, due_back, code, note, point, as_json) -> None:
    batch = rotation.create_batch(state().session(), to, due_back=due_back.date(), code=code, note=note, point=point)
    emit(as_json, batch, lambda: _batch_text(batch))


@rotation_group.command("add", help=N_("Scan copies into a batch being packed; exits 1 if any was refused."))
@click.argument("code")
@click.argument("barcodes", nargs=-1)
@click.option(
    "--file",
    "barcode_file",
    type=click.File("r", encoding="utf-8"),
    help=N_("A file of barcodes, one per line (- for standard input)."),
)
@json_option
def rotation_add(code, barcodes, barcode_file, as_json) -> None:
    typed = [*barcodes, *(barcode_file.read().split() if barcode_file else [])]
    if not typed:
        raise click.UsageError(_("Give the barcodes, or --file with one per line."))
    result = rotation.add_items(state().session(), code, typed)
    emit(
        as_json,
        result,
        lambda: ngettext(
            "{count} copy added to {code}; {total} in the batch.",
            "{count} copies added to {code}; {total} in the batch.",
            len(result.added),
        ).format(count=len(result.added), code=result.batch.code, total=result.batch.items),
    )
    if result.refused:
        if not as_json:
            click.echo("\n".join(_notes(result.refused)), err=True)
        raise click.exceptions.Exit(1)


@rotation_group.command("send", help=N_("Send a packed batch: its copies go in transit to the batch's branch."))
@click.argument("code")
@json_option
def rotation_send(code, as_json) -> None:
    result = rotation.send_batch(state().session(), code)
    b = result.batch
    said = (
        ngettext(
            "Batch {code} sent: {count} copy in transit to {destination}.",
            "Batch {code} sent: {count} copies in transit to {destination}.",
            len(result.sent),
        )
        if result.in_transit
        else ngettext(
            "Batch {code} sent: {count} copy now on the shelves of {destination}.",
            "Batch {code} sent: {count} copies now on the shelves of {destination}.",
            len(result.sent),
        )
    )
    emit(
        as_json,
        result,
        lambda: "\n".join(
            [said.format(code=b.code, count=len(result.sent), destination=b.destination)]
            + [_("Left behind: {why}").format(why=n) for n in _notes(result.left_behind)]
        ),
    )


@rotation_group.command(
    "return",
    help=N_("Bring a batch back: copies on the shelf there travel home, copies on loan go home when returned."),
)
@click.argument("code")
@json_option
def rotation_return(code, as_json) -> None:
    result = rotation.bring_back(state().session(), code)
    b = result.batch
    lines = [_("Batch {code} brought back.").format(code=b.code)]
    if result.sent_home:
        lines.append(
            ngettext(
                "{count} copy in transit to {branch}: {barcodes}",
                "{count} copies in transit to {branch}: {barcodes}",
                len(result.sent_home),
            ).format(count=len(result.sent_home), branch=b.from_branch_name, barcodes=", ".join(result.sent_home))
        )
    if result.shelved:
        lines.append(
            _("{count} copies back on the shelves: {barcodes}").format(
                count=len(result.shelved), barcodes=", ".join(result.shelved)
            )
        )
    emit(as_json, result, lambda: "\n".join(lines + _notes(result.elsewhere)))


def _batches_text(rows: list[rotation.BatchInfo]) -> str:
    if not rows:
        return _("No rotation batches.")
    return table(
        [
            (
                b.code,
                b.state_label + (" " + _("late") if b.late else ""),
                b.destination,
                (b.sent_at or "")[:10],
                b.due_back_on,
                str(b.items),
                str(b.on_loan),
                str(b.loans),
            )
            for b in rows
        ],
        (_("Batch"), _("State"), _("To"), _("Sent"), _("Due back"), _("Copies"), _("On loan"), _("Loans")),
    )


@rotation_group.command("list", help=N_("Rotation batches with their copies and loans."))
@click.option(
    "--state", "batch_state", type=click.Choice(list(rotation.STATES)), help=N_("Only batches in this state.")
)
@click.option("--branch", help=N_("Only batches from or to this branch."))
@json_option
def rotation_list(batch_state, branch, as_json) -> None:
    rows = rotation.list_batches(state().session(), state=batch_state, branch=branch)
    emit(as_json, rows, lambda: _batches_text(rows))


@rotation_group.command("show", help=N_("A batch and its copies."))
@click.argument("code")
@json_option
def rotation_show(code, as_json) -> None:
    detail = rotation.batch_detail(state().session(), code)
    emit(
        as_json,
        detail,
        lambda: (
            _batch_text(detail.batch)
            + "\n\n"
            + table(
                [(i.barcode, i.title, i.call_number, i.status_label, str(i.loans)) for i in detail.items],
                (_("Barcode"), _("Title"), _("Call number"), _("Status"), _("Loans")),
            )
        ),
    )


@rotation_group.command(
    "stats", help=N_("The year's rotation per receiving branch: the annual report's rotated volumes (流转图书册数).")
)
@click.argument("year", type=click.IntRange(1900, 2999))
@json_option
def rotation_stats(year, as_json) -> None:
    figures = rotation.rotation_year(state().session(), year)
    rows = [
        (f.branch_code, f.branch_name, str(f.batches), str(f.volumes), str(f.returned), str(f.loans))
        for f in figures.branches
    ]
    rows.append(("", _("Total"), str(figures.batches), str(figures.volumes), str(figures.returned), str(figures.loans)))
    emit(
        as_json,
        figures,
        lambda: table(rows, (_("Code"), _("Branch"), _("Batches"), _("Volumes sent"), _("Brought back"), _("Loans"))),
    )
