"""``ils serials ...``: periodicals — titles, subscriptions and renewal, check-in, claims, binding,
figures and printouts, one command per service, each with ``--json``."""

from __future__ import annotations

from pathlib import Path

import click

from ils import printouts as files
from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.errors import Invalid
from ils.i18n import N_, _
from ils.money import yuan
from ils.serials import binding, checkin, claims, figures, printouts, subscriptions, titles
from ils.serials.patterns import FREQUENCIES

date_type = click.DateTime(formats=["%Y-%m-%d"])
out_option = click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help=N_("File to write.")
)


def _write(data: bytes, out: Path, as_json: bool) -> None:
    files.write_pdf(data, out)
    emit(as_json, {"file": out, "bytes": len(data)}, lambda: _("Wrote {path}.").format(path=out))


def _numbers(text: str | None, what: str) -> tuple[int, ...]:
    if not text:
        return ()
    try:
        return tuple(int(p) for p in text.replace("，", ",").split(",") if p.strip())
    except ValueError:
        raise Invalid(
            "serials.bad_number_list", "{what}: write numbers separated by commas, e.g. 1,16.", what=what
        ) from None


def _day(value):
    return value.date() if value else None


@cli.group(help=N_("Periodicals: subscriptions and renewal, check-in, claims, routing and binding."))
def serials() -> None:
    """Group only: each periodicals action is a subcommand."""


# --- titles and subscriptions -----------------------------------------------------------------


def _title_text(t: titles.TitleInfo) -> str:
    return table(
        [(t.title, t.kind_label, " ".join(t.codes), t.pattern_text, t.lending_label)],
        (_("Title"), _("Kind"), _("Numbers"), _("Comes out"), _("Lending")),
    )


@serials.command("title-add", help=N_("Enter a newspaper or magazine; its CNMARC record is made if none exists."))
@click.option("--title", required=True, help=N_("The title."))
@click.option("--kind", type=click.Choice(sorted(titles.KINDS)), required=True, help=N_("Newspaper or magazine."))
@click.option("--frequency", type=click.Choice(list(FREQUENCIES)), required=True, help=N_("How often it comes out."))
@click.option("--issn", help=N_("The ISSN."))
@click.option("--cn", help=N_("The CN serial number, e.g. CN 43-1234/G."))
@click.option("--post-code", help=N_("The China Post distribution code (邮发代号), e.g. 42-15."))
@click.option("--publisher", help=N_("The publisher."))
@click.option("--class", "clc", help=N_("The Chinese Library Classification class (default: from the CN number)."))
@click.option(
    "--weekdays", help=N_("Publishing weekdays, Monday = 0, comma-separated (daily: default all; weekly: one).")
)
@click.option("--days", help=N_("Days of the month it comes out, comma-separated."))
@click.option("--months", help=N_("Months it comes out (bimonthly, quarterly), comma-separated."))
@click.option("--pause", type=int, default=0, help=N_("Days without an edition from 春节 (daily and weekly papers)."))
@click.option(
    "--lending",
    type=click.Choice(sorted(titles.LENDING)),
    default="back_issues",
    show_default=True,
    help=N_("Which issues lend."),
)
@json_option
def title_add(
    title, kind, frequency, issn, cn, post_code, publisher, clc, weekdays, days, months, pause, lending, as_json
) -> None:
    form = titles.TitleForm(
        title,
        kind,
        frequency,
        issn,
        cn,
        post_code,
        publisher,
        clc,
        _numbers(weekdays, "weekdays"),
        _numbers(days, "days"),
        _numbers(months, "months"),
        pause,
        lending,
    )
    found = titles.add_title(state().session(), form)
    emit(as_json, found, lambda: _title_text(found))


@serials.command("titles", help=N_("The periodicals the library takes."))
@json_option
def titles_(as_json) -> None:
    state().session()
    found = titles.list_titles()
    emit(
        as_json,
        found,
        lambda: table(
            [(t.title, t.kind_label, " ".join(t.codes), t.pattern_text) for t in found],
            (_("Title"), _("Kind"), _("Numbers"), _("Comes out")),
        ),
    )


def _subscription_text(rows: list[subscriptions.SubscriptionInfo]) -> str:
    return table(
        [
            (
                s.title,
                str(s.year),
                s.supplier_text,
                str(s.copies),
                "、".join(f"{d.name}×{d.copies}" for d in s.routing),
                str(s.issues_expected),
                yuan(s.total_fen),
                s.state_label,
            )
            for s in rows
        ],
        (_("Title"), _("Year"), _("Supplier"), _("Copies"), _("Routing"), _("Issues"), _("Amount"), _("State")),
    )


@serials.command(help=N_("Take a title for a year (an addition to the year's list)."))
@click.argument("title")
@click.argument("year", type=int)
@click.option(
    "--supplier",
    type=click.Choice(list(subscriptions.SUPPLIERS)),
    default="post",
    show_default=True,
    help=N_("Who supplies it."),
)
@click.option("--supplier-name", help=N_("The agent's or giver's name."))
@click.option("--price-issue", help=N_("Price per issue, in yuan."))
@click.option("--price-year", help=N_("Price per copy for the year, in yuan."))
@click.option("--copies", type=int, default=1, show_default=True, help=N_("Copies taken."))
@click.option("--routing", help=N_("Where the copies go: location codes with copies, e.g. ZG-BK:1,YS:1."))
@click.option("--volume", type=int, help=N_("The year's volume (卷)."))
@click.option("--first-total", type=int, help=N_("The running number (总第N期) of the year's first issue."))
@json_option
def subscribe(
    title, year, supplier, supplier_name, price_issue, price_year, copies, routing, volume, first_total, as_json
) -> None:
    found = subscriptions.subscribe(
        state().session(),
        title,
        year,
        supplier=supplier,
        supplier_name=supplier_name,
        price_issue=price_issue,
        price_year=price_year,
        copies=copies,
        routing=subscriptions.parse_routing(routing),
        volume=volume,
        first_total=first_total,
    )
    emit(as_json, found, lambda: _subscription_text([found]))


@serials.command("list", help=N_("The subscriptions of a year."))
@click.argument("year", type=int)
@click.option("--kind", type=click.Choice(sorted(titles.KINDS)), help=N_("Only newspapers or only magazines."))
@json_option
def list_(year, kind, as_json) -> None:
    state().session()
    found = subscriptions.list_subscriptions(year, kind=kind)
    emit(as_json, found, lambda: _subscription_text(found))


@serials.command(help=N_("Cancel a title for a year (or take the cancellation back)."))
@click.argument("title")
@click.argument("year", type=int)
@click.option("--reinstate", is_flag=True, help=N_("Take the cancellation back."))
@json_option
def cancel(title, year, reinstate, as_json) -> None:
    found = subscriptions.cancel(state().session(), title, year, reinstate=reinstate)
    emit(as_json, found, lambda: _subscription_text([found]))


@serials.command(help=N_("Change a subscription's supplier, prices, copies or routing."))
@click.argument("title")
@click.argument("year", type=int)
@click.option("--supplier", type=click.Choice(list(subscriptions.SUPPLIERS)), help=N_("Who supplies it."))
@click.option("--supplier-name", help=N_("The agent's or giver's name."))
@click.option("--price-issue", help=N_("Price per issue, in yuan."))
@click.option("--price-year", help=N_("Price per copy for the year, in yuan."))
@click.option("--copies", type=int, help=N_("Copies taken."))
@click.option("--routing", help=N_("Where the copies go: location codes with copies, e.g. ZG-BK:1,YS:1."))
@json_option
def change(title, year, supplier, supplier_name, price_issue, price_year, copies, routing, as_json) -> None:
    found = subscriptions.change_subscription(
        state().session(),
        title,
        year,
        supplier=supplier,
        supplier_name=supplier_name,
        price_issue=price_issue,
        price_year=price_year,
        copies=copies,
        routing=subscriptions.parse_routing(routing) if routing else None,
    )
    emit(as_json, found, lambda: _subscription_text([found]))


@serials.command(help=N_("Renew: copy a year's subscriptions to the next year (征订)."))
@click.argument("from_year", type=int)
@click.option("--to", "to_year", type=int, help=N_("The year to renew for (default: the next)."))
@json_option
def renew(from_year, to_year, as_json) -> None:
    found = subscriptions.renew_year(state().session(), from_year, to_year)
    emit(
        as_json,
        found,
        lambda: _("Renewed for {year}: {copied} titles copied, {already} already on the list.").format(
            year=found.year, copied=found.copied, already=found.already
        ),
    )


@serials.command(help=N_("The year's order list with totals per supplier, as PDF and/or XLSX."))
@click.argument("year", type=int)
@click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False, path_type=Path), help=N_("PDF file to write."))
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False, path_type=Path), help=N_("XLSX file to write."))
@json_option
def order(year, pdf_out, xlsx_out, as_json) -> None:
    session = state().session()
    found = subscriptions.order_list(year)
    if pdf_out:
        files.write_pdf(printouts.order_list(session, year), pdf_out)
    if xlsx_out:
        files.write_pdf(printouts.order_list_xlsx(session, year), xlsx_out)
    emit(
        as_json,
        found,
        lambda: table(
            [(t.label, str(t.titles), str(t.copies), yuan(t.total_fen)) for t in found.suppliers]
            + [(_("Total"), str(len(found.lines)), "", yuan(found.total_fen))],
            (_("Supplier"), _("Titles"), _("Copies"), _("Amount")),
        ),
    )


# --- check-in ---------------------------------------------------------------------------------


def _checked_text(c: checkin.CheckedIn) -> str:
    words = _("{title} {issue}: copy {copy} of {copies}. {routing}").format(
        title=c.title, issue=c.issue_label, copy=c.copy, copies=c.copies, routing=c.routing_text
    )
    if c.unexpected:
        words += " " + _("(not expected: accepted with a note)")
    if c.claims_answered:
        words += " " + _("Its claim is answered.")
    return words


@serials.command(
    "check-in",
    help=N_(
        "Check in one copy per code scanned: a cover barcode (977…, with its add-on) "
        "or an ISSN, CN number or post code and an issue number."
    ),
)
@click.argument("codes", nargs=-1, required=True)
@click.option("--date", "day", type=date_type, help=N_("The day it arrived (default: today)."))
@json_option
def check_in(codes, day, as_json) -> None:
    session = state().session()
    found = [checkin.check_in_scan(session, code, day=_day(day)) for code in codes]
    emit(as_json, found, lambda: "\n".join(_checked_text(c) for c in found))


@serials.command(help=N_("Check in today's newspapers at once, except those that did not come."))
@click.option("--date", "day", type=date_type, help=N_("The day (default: today)."))
@click.option("--missing", help=N_("Titles that did not come, comma-separated."))
@json_option
def papers(day, missing, as_json) -> None:
    names = [m.strip() for m in (missing or "").replace("，", ",").split(",") if m.strip()]
    found = checkin.check_in_day(state().session(), _day(day), missing=names)

    def text() -> str:
        lines = [
            f"{line.title} {line.issue_label} ×{line.copies}: {'；'.join(line.routing)}" for line in found.received
        ]
        lines.append(
            _("All arrived.")
            if not found.missing
            else _("Not arrived: {titles}").format(titles="、".join(line.title for line in found.missing))
        )
        return "\n".join(lines)

    emit(as_json, found, text)


@serials.command(help=N_("The issues due today at this desk and how many copies are in."))
@click.option("--date", "day", type=date_type, help=N_("The day (default: today)."))
@json_option
def today(day, as_json) -> None:
    found = checkin.expected_on(state().session(), _day(day))
    emit(
        as_json,
        found,
        lambda: table(
            [(t.title, t.issue_label, f"{t.received}/{t.copies}") for t in found], (_("Title"), _("Issue"), _("In"))
        ),
    )


# --- claims -----------------------------------------------------------------------------------


@serials.command(help=N_("Late issues: expected, past their days of grace, not all copies in."))
@click.option("--date", "day", type=date_type, help=N_("Count from this day (default: today)."))
@json_option
def late(day, as_json) -> None:
    found = claims.late_issues(state().session(), _day(day))
    emit(
        as_json,
        found,
        lambda: table(
            [
                (
                    x.title,
                    x.issue_label,
                    x.date,
                    str(x.days_late),
                    str(x.missing),
                    x.supplier_text,
                    x.last_claimed or "",
                )
                for x in found
            ],
            (_("Title"), _("Issue"), _("Date"), _("Days late"), _("Copies missing"), _("Supplier"), _("Claimed")),
        ),
    )


def _claims_text(found: list[claims.ClaimInfo]) -> str:
    return table(
        [(c.title, c.issue_label, str(c.copies), c.supplier_text, c.claimed_at[:10], c.state, c.id) for c in found],
        (_("Title"), _("Issue"), _("Copies"), _("Supplier"), _("Claimed"), _("State"), "id"),
    )


@serials.command(help=N_("Claim a missing issue, or with --late every late issue not claimed recently."))
@click.argument("title", required=False)
@click.argument("year", type=int, required=False)
@click.argument("number", type=int, required=False)
@click.option("--late", "all_late", is_flag=True, help=N_("Claim every late issue."))
@json_option
def claim(title, year, number, all_late, as_json) -> None:
    session = state().session()
    if all_late:
        found = claims.claim_late(session)
    elif title and year and number:
        found = [claims.claim(session, title, year, number)]
    else:
        raise click.UsageError(_("Give a title, year and issue number, or --late."))
    emit(as_json, found, lambda: _claims_text(found))


@serials.command("claims", help=N_("Claims: the open ones, or all with --all."))
@click.option("--all", "every", is_flag=True, help=N_("Answered and cancelled claims too."))
@json_option
def claims_(every, as_json) -> None:
    found = claims.list_claims(state().session(), state=None if every else "open")
    emit(as_json, found, lambda: _claims_text(found))


@serials.command("claim-cancel", help=N_("Withdraw a claim."))
@click.argument("claim_id")
@json_option
def claim_cancel(claim_id, as_json) -> None:
    found = claims.cancel_claim(state().session(), claim_id)
    emit(as_json, found, lambda: _claims_text([found]))


@serials.command("claim-letters", help=N_("Print a claim letter per supplier for the open claims."))
@out_option
@json_option
def claim_letters(out, as_json) -> None:
    _write(printouts.claim_letters(state().session()), out, as_json)


@serials.command("routing-slips", help=N_("Print a routing slip per room or branch for a day's check-ins."))
@click.option("--date", "day", type=date_type, help=N_("The day (default: today)."))
@out_option
@json_option
def routing_slips(day, out, as_json) -> None:
    _write(printouts.routing_slips(state().session(), _day(day)), out, as_json)


# --- binding ----------------------------------------------------------------------------------


@serials.command("check-run", help=N_("Whether a run (q1–q4, h1, h2, m1–m12, year, n5-8) is complete for binding."))
@click.argument("title")
@click.argument("year", type=int)
@click.argument("run")
@json_option
def check_run(title, year, run, as_json) -> None:
    found = binding.check_run(state().session(), title, year, run)
    emit(
        as_json,
        found,
        lambda: _("{title} {run}: {present} of {expected} issues here; missing: {missing}").format(
            title=found.title,
            run=found.label,
            present=len(found.present),
            expected=found.expected,
            missing="、".join(str(n) for n in found.missing) or _("none"),
        ),
    )


def _volume_text(v: binding.VolumeInfo) -> str:
    return table(
        [(v.title, v.label, v.barcode, v.call_number or "", str(v.issues), "、".join(str(n) for n in v.missing))],
        (_("Title"), _("Run"), _("Barcode"), _("Call number"), _("Issues"), _("Missing issues")),
    )


@serials.command(
    help=N_("Bind a run into a volume: a new copy with a barcode and call number; its spine label is queued.")
)
@click.argument("title")
@click.argument("year", type=int)
@click.argument("run")
@click.option("--barcode", required=True, help=N_("The volume's barcode."))
@click.option("--call-number", help=N_("The call number (default: class/刊号:year+run)."))
@click.option("--accept-missing", is_flag=True, help=N_("Bind even though issues are missing (they are noted)."))
@json_option
def bind(title, year, run, barcode, call_number, accept_missing, as_json) -> None:
    found = binding.bind(
        state().session(), title, year, run, barcode=barcode, call_number=call_number, accept_missing=accept_missing
    )
    emit(as_json, found, lambda: _volume_text(found))


@serials.command("add-volume", help=N_("Enter a volume bound long ago (a historical run) directly."))
@click.argument("title")
@click.argument("year", type=int)
@click.argument("run")
@click.option("--barcode", required=True, help=N_("The volume's barcode."))
@click.option("--call-number", help=N_("The call number (default: class/刊号:year+run)."))
@json_option
def add_volume(title, year, run, barcode, call_number, as_json) -> None:
    found = binding.add_bound_volume(state().session(), title, year, run, barcode=barcode, call_number=call_number)
    emit(as_json, found, lambda: _volume_text(found))


@serials.command(help=N_("A title's bound volumes."))
@click.argument("title")
@json_option
def volumes(title, as_json) -> None:
    state().session()
    found = binding.volumes_of(title)
    emit(as_json, found, lambda: "\n".join(_volume_text(v) for v in found) or _("No bound volumes."))


@serials.command("binding-list", help=N_("Print the volumes bound in a period."))
@click.option("--from", "first", type=date_type, required=True, help=N_("First day."))
@click.option("--to", "last", type=date_type, required=True, help=N_("Last day."))
@out_option
@json_option
def binding_list(first, last, out, as_json) -> None:
    _write(printouts.binding_list(state().session(), first.date(), last.date()), out, as_json)


@serials.command("cover-barcodes", help=N_("Print a practice sheet of the subscribed magazines' cover barcodes."))
@click.argument("year", type=int)
@out_option
@json_option
def cover_barcodes(year, out, as_json) -> None:
    _write(printouts.cover_barcodes(state().session(), year), out, as_json)


@serials.command("figures", help=N_("The year's periodicals figures: titles, issues, claims, volumes, spending."))
@click.argument("year", type=int)
@json_option
def figures_(year, as_json) -> None:
    found = figures.figures(state().session(), year)
    emit(
        as_json,
        found,
        lambda: table(
            [
                (_("Titles subscribed"), str(found.titles)),
                (_("Newspapers"), str(found.newspapers)),
                (_("Magazines"), str(found.magazines)),
                (_("Issues expected"), str(found.issues_expected)),
                (_("Issues received"), str(found.issues_received)),
                (_("Copies received"), str(found.copies_received)),
                (_("Issues missing"), str(found.issues_missing)),
                (_("Claims"), str(found.claims)),
                (_("Claims open"), str(found.claims_open)),
                (_("Volumes bound"), str(found.volumes_bound)),
                (_("Bound volumes held"), str(found.volumes_held)),
                *((label, yuan(fen)) for label, fen in found.spending_fen.items()),
                (_("Spending"), yuan(found.spending_total_fen)),
            ],
            (_("Figure"), _("Value")),
        ),
    )
