"""``ils events ...`` and ``ils visits ...``: programmes, attendance, the ledgers and the year's
figures; gate counters, tallies, digital services and enquiries. One command per service, each
with ``--json``."""

from __future__ import annotations

from pathlib import Path

import click

from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.events import (
    attendance,
    enquiries,
    evidence,
    figures,
    gates,
    ledgers,
    printouts,
    programmes,
    registration,
    tallies,
    training,
)
from ils.events import vocabulary as v
from ils.i18n import N_, _, ngettext


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    return table(rows, headers)


def _choice(choices: dict[str, str]) -> click.Choice:
    return click.Choice(list(choices))


@cli.group(
    help=N_(
        "Events: programmes and sessions, registration and attendance, online reach, evidence, media "
        "reports, honours, the 大事记, training, volunteers and the year's figures."
    )
)
def events() -> None:
    """Group only: each action is a subcommand."""


@cli.group(help=N_("Visits: gate-counter files, daily tallies, digital services and the enquiry tally."))
def visits() -> None:
    """Group only: each action is a subcommand."""


# --- programmes and sessions ------------------------------------------------------------------


@events.command("add", help=N_("A new programme."))
@click.argument("title")
@click.option("--kind", required=True, type=_choice(v.PROGRAMME_KINDS), help=N_("The programme's type."))
@click.option("--brand", help=N_("Brand or series, e.g. 阅读悦好."))
@click.option("--audience", default="all", type=_choice(v.AUDIENCES), help=N_("Target group."))
@click.option("--partners", help=N_("Partners."))
@click.option("--branch", help=N_("Organising branch (default: this desk's)."))
@click.option("--reading-for-all", is_flag=True, help=N_("Part of 全民阅读."))
@json_option
def add(title, kind, brand, audience, partners, branch, reading_for_all, as_json) -> None:
    found = programmes.add_programme(
        state().session(),
        title=title,
        kind=kind,
        brand=brand,
        audience=audience,
        partners=partners,
        branch=branch,
        reading_for_all=reading_for_all,
    )
    emit(as_json, found, lambda: _("Programme {title}: {id}").format(title=found.title, id=found.id))


@events.command("list", help=N_("Programmes with a session in a year (all when no year is given)."))
@click.option("--year", type=int, help=N_("A calendar year."))
@json_option
def list_(year, as_json) -> None:
    found = programmes.list_programmes(state().session(), year)
    emit(
        as_json,
        found,
        lambda: _table(
            (_("Id"), _("Title"), _("Type"), _("Sessions")),
            [(p.id, p.title, p.kind_label, str(p.sessions)) for p in found],
        ),
    )


@events.command("session", help=N_("A session of a programme: a time, or a range of days, and a venue."))
@click.argument("programme")
@click.option("--starts", required=True, help=N_("Date and time, e.g. 2021-06-28 09:30."))
@click.option("--ends-on", help=N_("Last day, for an exhibition."))
@click.option("--venue-kind", default="room", type=_choice(v.VENUE_KINDS), help=N_("Kind of venue."))
@click.option("--venue", help=N_("A room's code, a branch's code, a place's name or the platform."))
@click.option("--capacity", type=int, help=N_("Places; turns on registration with a waiting list."))
@json_option
def session_(programme, starts, ends_on, venue_kind, venue, capacity, as_json) -> None:
    found = programmes.add_session(
        state().session(),
        programme,
        starts=starts,
        ends_on=ends_on,
        venue_kind=venue_kind,
        venue=venue,
        capacity=capacity,
    )
    emit(
        as_json,
        found,
        lambda: _("Session {id}: {title}, {when}, {venue}").format(
            id=found.id, title=found.title, when=found.starts_at, venue=found.venue_label
        ),
    )


@events.command("calendar", help=N_("Sessions from one day to another."))
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help=N_("First day."))
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help=N_("Last day."))
@json_option
def calendar(start, end, as_json) -> None:
    found = programmes.calendar(state().session(), start.date(), end.date())
    emit(
        as_json,
        found,
        lambda: _table(
            (_("Starts"), _("Until"), _("Title"), _("Venue"), _("Id")),
            [(s.starts_at, s.ends_on or "", s.title, s.venue_label, s.id) for s in found],
        ),
    )


@events.command("cancel", help=N_("Call off a programme and its sessions."))
@click.argument("programme")
@json_option
def cancel(programme, as_json) -> None:
    found = programmes.cancel_programme(state().session(), programme)
    emit(as_json, found, lambda: _("{title} is called off.").format(title=found.title))


# --- registration and attendance ----------------------------------------------------------------


@events.command("register", help=N_("Book places: by reader card, or by name and phone."))
@click.argument("session_id")
@click.option("--card", help=N_("The reader's card number."))
@click.option("--name", help=N_("Name of someone without a card."))
@click.option("--phone", help=N_("Their mobile phone."))
@click.option("--party", default=1, type=int, help=N_("How many places."))
@json_option
def register_(session_id, card, name, phone, party, as_json) -> None:
    found = registration.register(state().session(), session_id, card=card, name=name, phone=phone, party=party)
    emit(
        as_json,
        found,
        lambda: (
            _("{who} is registered; {left} places left.")
            if found.state == "registered"
            else _("{who} waits, number {position}.")
        ).format(who=found.who, left=found.places_left, position=found.position),
    )


@events.command("unregister", help=N_("Give a place back; the first who waits moves up."))
@click.argument("registration_id")
@json_option
def unregister(registration_id, as_json) -> None:
    moved = registration.cancel_registration(state().session(), registration_id)
    emit(as_json, moved, lambda: _("Cancelled. Moved up: {names}").format(names="、".join(r.who for r in moved) or "—"))


@events.command("scan", help=N_("A reader's card at a session's door."))
@click.argument("session_id")
@click.argument("card")
@json_option
def scan(session_id, card, as_json) -> None:
    found = attendance.scan_at_door(state().session(), session_id, card)
    emit(
        as_json,
        found,
        lambda: (
            _("Welcome, {name}: {count} in today.") if found.first_today else _("{name} was already counted today.")
        ).format(name=found.name, count=found.scans_today),
    )


@events.command("count", help=N_("A head count of a session, or an exhibition's count for a day."))
@click.argument("session_id")
@click.option("--total", help=N_("How many came."))
@click.option("--adults", help=N_("Of them adults."))
@click.option("--children", help=N_("Of them children."))
@click.option("--day", help=N_("The day (default: the session's, or today for an exhibition)."))
@json_option
def count(session_id, total, adults, children, day, as_json) -> None:
    found = attendance.record_count(
        state().session(), session_id, total=total, adults=adults, children=children, day=day
    )
    emit(as_json, found, lambda: _("{day}: {total} counted.").format(day=found.day, total=found.total))


@events.command("attendance", help=N_("A session's attendance, day by day."))
@click.argument("session_id")
@json_option
def attendance_(session_id, as_json) -> None:
    found = attendance.attendance_of(state().session(), session_id)
    emit(
        as_json,
        found,
        lambda: _table(
            (_("Day"), _("Total"), _("Adults"), _("Children")),
            [(d.day, str(d.total), str(d.adults or ""), str(d.children or "")) for d in found],
        ),
    )


# --- reach, evidence and the ledgers ------------------------------------------------------------


@events.command("reach", help=N_("An online item's views, clicks and pushes."))
@click.option("--channel", required=True, type=_choice(v.REACH_CHANNELS), help=N_("Where it was published."))
@click.option("--title", required=True, help=N_("Its title."))
@click.option("--published", help=N_("Published on (default: today)."))
@click.option("--views", default="0", help=N_("Views."))
@click.option("--clicks", default="0", help=N_("Clicks."))
@click.option("--pushes", default="0", help=N_("Pushes."))
@click.option("--programme", help=N_("The programme it is about."))
@json_option
def reach(channel, title, published, views, clicks, pushes, programme, as_json) -> None:
    found = ledgers.record_reach(
        state().session(),
        channel=channel,
        title=title,
        published_on=published,
        views=views,
        clicks=clicks,
        pushes=pushes,
        programme=programme,
    )
    emit(as_json, found, lambda: _("Recorded: {title}.").format(title=found.title))


@events.command("evidence", help=N_("Attach a file (photo, sign-in sheet, cutting) to a programme."))
@click.argument("programme")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", default="photo", type=_choice(v.EVIDENCE_KINDS), help=N_("Kind of evidence."))
@json_option
def evidence_(programme, path, kind, as_json) -> None:
    found = evidence.attach(state().session(), programme, path, kind=kind)
    emit(as_json, found, lambda: _("Kept {name} (SHA-256 {sha}).").format(name=found.name, sha=found.sha256[:16]))


@events.command("media", help=N_("A media report about the library."))
@click.option("--outlet", required=True, help=N_("Newspaper, station or account."))
@click.option("--title", required=True, help=N_("Its title."))
@click.option("--date", "day", help=N_("Reported on (default: today)."))
@click.option("--link", help=N_("Link or where the cutting is kept."))
@click.option("--programme", help=N_("The programme it covers."))
@json_option
def media(outlet, title, day, link, programme, as_json) -> None:
    found = ledgers.add_media_report(
        state().session(), outlet=outlet, title=title, reported_on=day, link=link, programme=programme
    )
    emit(as_json, found, lambda: _("Recorded: {title}.").format(title=found.title))


@events.command("honour", help=N_("An honour received."))
@click.option("--body", required=True, help=N_("Awarding body."))
@click.option("--title", required=True, help=N_("The honour's title."))
@click.option("--date", "day", help=N_("Awarded on (default: today)."))
@click.option("--recipient-kind", default="library", type=_choice(v.RECIPIENTS), help=N_("Who received it."))
@click.option("--recipient", help=N_("The recipient's name (not for the library)."))
@json_option
def honour(body, title, day, recipient_kind, recipient, as_json) -> None:
    found = ledgers.add_honour(
        state().session(), body=body, title=title, awarded_on=day, recipient_kind=recipient_kind, recipient=recipient
    )
    emit(as_json, found, lambda: _("Recorded: {title}.").format(title=found.title))


@events.command(
    "milestone", help=N_("A 大事记 entry: written here, or offered from a programme, honour or rotation batch.")
)
@click.argument("text", required=False)
@click.option("--date", "day", help=N_("Its date (default: today)."))
@click.option("--from-programme", help=N_("Offer the entry of this programme."))
@click.option("--from-honour", help=N_("Offer the entry of this honour."))
@click.option("--from-rotation", help=N_("Offer the entry of this rotation batch."))
@json_option
def milestone(text, day, from_programme, from_honour, from_rotation, as_json) -> None:
    session = state().session()
    sources = [
        (k, s) for k, s in (("programme", from_programme), ("honour", from_honour), ("rotation", from_rotation)) if s
    ]
    if sources:
        found = ledgers.offer_milestone(session, source_kind=sources[0][0], source_id=sources[0][1])
    else:
        found = ledgers.add_milestone(session, text=text or "", day=day)
    emit(as_json, found, lambda: f"{found.day} {found.text}")


@events.command("milestones", help=N_("The year's 大事记."))
@click.option("--year", type=int, required=True, help=N_("A calendar year."))
@json_option
def milestones(year, as_json) -> None:
    found = ledgers.milestones(state().session(), year)
    emit(as_json, found, lambda: "\n".join(f"{m.day} {m.text}" for m in found))


@events.command("training", help=N_("Training given to branch staff (基层辅导) or taken by our own staff."))
@click.option("--audience", required=True, type=_choice(v.TRAINING_AUDIENCES), help=N_("Who was trained."))
@click.option("--topic", required=True, help=N_("Topic."))
@click.option("--hours", required=True, help=N_("Hours, e.g. 1.5."))
@click.option("--attendees", required=True, help=N_("How many attended."))
@click.option("--branch", help=N_("The branch trained (基层辅导)."))
@click.option("--category", default="business", type=_choice(v.TRAINING_CATEGORIES), help=N_("Category."))
@click.option("--date", "day", help=N_("The day (default: today)."))
@json_option
def training_(audience, topic, hours, attendees, branch, category, day, as_json) -> None:
    found = training.record_training(
        state().session(),
        audience=audience,
        topic=topic,
        hours=hours,
        attendees=attendees,
        branch=branch,
        category=category,
        day=day,
    )
    emit(as_json, found, lambda: _("Recorded: {title}.").format(title=found.topic))


@events.command("volunteers", help=N_("Volunteers' service on a day."))
@click.option("--activity", required=True, help=N_("What they did."))
@click.option("--people", required=True, help=N_("How many volunteers."))
@click.option("--hours", required=True, help=N_("Hours each, e.g. 3."))
@click.option("--date", "day", help=N_("The day (default: today)."))
@json_option
def volunteers(activity, people, hours, day, as_json) -> None:
    found = training.record_volunteers(state().session(), activity=activity, people=people, hours=hours, day=day)
    emit(as_json, found, lambda: _("Recorded: {title}.").format(title=found.activity))


# --- figures and the ledger ---------------------------------------------------------------------


@events.command("figures", help=N_("The year's figures, or the 4-year window with averages."))
@click.option("--year", type=int, required=True, help=N_("A calendar year (the window's last)."))
@click.option("--branch", help=N_("One branch only."))
@click.option("--window", "as_window", is_flag=True, help=N_("The 4 years up to --year, with averages."))
@json_option
def figures_(year, branch, as_window, as_json) -> None:
    session = state().session()
    if as_window:
        found = figures.window(session, year, branch=branch)
        emit(
            as_json,
            found,
            lambda: _table(
                (_("Indicator"), *map(str, found.years), _("Average")),
                [(printouts.window_label(r.code), *map(str, r.values), str(r.average)) for r in found.rows],
            ),
        )
        return
    f = figures.year_figures(session, year, branch=branch)
    emit(as_json, {**f.__dict__, "visits": f.visits}, lambda: "\n".join(figures.summary_lines(f)))


@events.command("ledger", help=N_("Write the year's ledger (台账) as a PDF, with the evidence files beside it."))
@click.option("--year", type=int, required=True, help=N_("A calendar year."))
@click.option(
    "--out", "folder", required=True, type=click.Path(file_okay=False, path_type=Path), help=N_("Folder to write into.")
)
@json_option
def ledger(year, folder, as_json) -> None:
    found = printouts.export_ledger(state().session(), year, folder)
    emit(
        as_json,
        found,
        lambda: _("Wrote {path} and {count} evidence files.").format(path=found.pdf, count=found.evidence_files),
    )


# --- visits -------------------------------------------------------------------------------------


@visits.command("site", help=N_("A site with a gate counter."))
@click.argument("code")
@click.argument("name")
@click.option("--branch", help=N_("Its branch (default: this desk's)."))
@json_option
def site(code, name, branch, as_json) -> None:
    found = gates.add_site(state().session(), code=code, name=name, branch=branch)
    emit(as_json, found, lambda: _("Site {code}: {name}").format(code=found.code, name=found.name))


@visits.command("import", help=N_("Import a gate counter's CSV file; name the columns on a site's first file."))
@click.argument("site_code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--date-column", help=N_("The column with the date (or date and time)."))
@click.option("--time-column", help=N_("The column with the time, if apart."))
@click.option("--gate-column", help=N_("The column naming the gate, if any."))
@click.option("--in-column", help=N_("The column counting entries."))
@click.option("--preview", is_flag=True, help=N_("Show the header, first rows and the mapping; import nothing."))
@json_option
def import_(site_code, path, date_column, time_column, gate_column, in_column, preview, as_json) -> None:
    session = state().session()
    if preview:
        seen = gates.preview(session, site_code, path)
        emit(
            as_json,
            seen,
            lambda: "\n".join(
                [
                    seen.encoding,
                    ", ".join(seen.header),
                    *(", ".join(r) for r in seen.rows),
                    _("Mapping: {mapping}").format(mapping=seen.mapping),
                ]
            ),
        )
        return
    given = {"date": date_column, "time": time_column, "gate": gate_column, "entries": in_column}
    mapping = {k: c for k, c in given.items() if c} or None
    found = gates.import_gate_file(session, site_code, path, mapping=mapping)
    bad = [_("line {line}: {why}").format(line=line, why=why) for line, why in found.bad_lines]
    emit(
        as_json,
        {**found.__dict__, "bad_lines": [(line, why.code, str(why)) for line, why in found.bad_lines]},
        lambda: "\n".join(
            [
                _(
                    "{rows} rows: {added} added ({entries} entries), {already} already there, {differing} differing."
                ).format(
                    rows=found.rows,
                    added=found.added,
                    entries=found.entries_added,
                    already=found.already,
                    differing=found.differing,
                ),
                *bad,
                *([_("Days without readings: {days}").format(days=", ".join(found.gaps))] if found.gaps else []),
            ]
        ),
    )


@visits.command("tally", help=N_("A day's count of visits (or e-reading sessions) at a site."))
@click.option(
    "--site-kind",
    default="branch",
    type=click.Choice(["branch", "point", "room"]),
    help=N_("A branch, a service point (a van stop) or a room."),
)
@click.option("--site", help=N_("Its code (a room: e_reading, children …)."))
@click.option("--count", "number", required=True, help=N_("The count."))
@click.option("--measure", default="visits", type=_choice(v.MEASURES), help=N_("What is counted."))
@click.option("--date", "day", help=N_("The day (default: today)."))
@json_option
def tally(site_kind, site, number, measure, day, as_json) -> None:
    found = tallies.record_tally(
        state().session(), site_kind=site_kind, site=site, count=number, day=day, measure=measure
    )
    emit(
        as_json,
        found,
        lambda: _("{site} {day}: {count}").format(site=found.site_code, day=found.day, count=found.count),
    )


@visits.command("digital", help=N_("A month's figure of a digital service."))
@click.option("--month", required=True, help=N_("The month, e.g. 2021-06."))
@click.option("--platform", required=True, help=N_("The platform or account."))
@click.option("--measure", required=True, type=_choice(v.DIGITAL_MEASURES), help=N_("What is counted."))
@click.option("--value", required=True, help=N_("The figure."))
@json_option
def digital(month, platform, measure, value, as_json) -> None:
    found = tallies.record_digital(state().session(), month=month, platform=platform, measure=measure, value=value)
    emit(
        as_json,
        found,
        lambda: _("{platform} {month}: {value}").format(platform=found.platform, month=found.month, value=found.value),
    )


@visits.command("enquiry", help=N_("Count one enquiry answered."))
@click.option("--channel", default="in_person", type=_choice(v.ENQUIRY_CHANNELS), help=N_("How it came."))
@click.option("--kind", default="lookup", type=_choice(v.ENQUIRY_KINDS), help=N_("What it was about."))
@json_option
def enquiry(channel, kind, as_json) -> None:
    found = enquiries.tally_enquiry(state().session(), channel=channel, kind=kind)
    emit(
        as_json,
        found,
        lambda: ngettext("{count} enquiry today.", "{count} enquiries today.", found.today).format(count=found.today),
    )
