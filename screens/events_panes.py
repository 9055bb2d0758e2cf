"""Events desk, the other tabs: counts (tallies, digital figures, online reach, training,
volunteers), the gate-counter import with its column mapping and progress bar, the ledgers
(media reports, honours, 大事记) and the year's figures with the ledger PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from ils.events import enquiries, figures, gates, ledgers, printouts, tallies, training
from ils.events import vocabulary as v
from ils.i18n import N_, _
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

ROLES = (
    ("date", N_("Date column")),
    ("time", N_("Time column")),
    ("gate", N_("Gate column")),
    ("entries", N_("Entries column")),
)


def _options(choices: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, code) for code, label in choices.items())


class CountsPane(DeskPane):
    """Today's tallies, and the forms for every other count the desk keeps."""

    def compose(self) -> ComposeResult:
        yield Label("", id="counts-today", markup=False)
        yield ListTable(N_("Site"), N_("Measure"), N_("Day"), N_("Count"), id="counts-list")
        with Grid(classes="pane-buttons three"):
            yield Button(_("Day's visits"), id="counts-tally", compact=True)
            yield Button(_("Digital figures"), id="counts-digital", compact=True)
            yield Button(_("Online reach"), id="counts-reach", compact=True)
            yield Button(_("Training"), id="counts-training", compact=True)
            yield Button(_("Volunteers"), id="counts-volunteers", compact=True)
            yield Button(_("Refresh"), id="counts-refresh", compact=True)
        yield StatusLine(id="counts-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session

        def load() -> tuple[list[tallies.Tally], enquiries.EnquiryTally]:
            return tallies.tallies_on(session, session.now().date()), enquiries.enquiries_today(session)

        call_service(self, "counts", load, self._fill, self.show_error)

    def _fill(self, found: tuple[list[tallies.Tally], enquiries.EnquiryTally]) -> None:
        rows, asked = found
        self.query_one("#counts-today", Label).update(_("Today: {count} enquiries counted.").format(count=asked.today))
        self.query_one("#counts-list", ListTable).show_rows(
            [
                (
                    f"{t.site_kind}:{t.site_code}:{t.measure}",
                    (
                        t.site_code if t.site_kind != "room" else v.label(v.TALLY_ROOMS, t.site_code),
                        v.label(v.MEASURES, t.measure),
                        t.day,
                        str(t.count),
                    ),
                )
                for t in rows
            ]
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        forms: dict[str, tuple[str, list[Field], Any]] = {
            "counts-tally": (
                N_("A day's count"),
                [
                    Field(
                        "site_kind",
                        N_("Site"),
                        "select",
                        value="branch",
                        options=((N_("Branch"), "branch"), (N_("Service point"), "point"), (N_("Room"), "room")),
                        translate_options=True,
                    ),
                    Field("site", N_("Code"), placeholder=N_("branch or stop code; a room: e_reading …")),
                    Field(
                        "room",
                        N_("Room"),
                        "select",
                        value="e_reading",
                        options=_options(v.TALLY_ROOMS),
                        translate_options=True,
                    ),
                    Field(
                        "measure",
                        N_("Measure"),
                        "select",
                        value="visits",
                        options=_options(v.MEASURES),
                        translate_options=True,
                    ),
                    Field("count", N_("Count")),
                    Field("day", N_("Day"), placeholder=N_("today")),
                ],
                lambda x: tallies.record_tally(
                    session,
                    site_kind=x["site_kind"] or "branch",
                    site=x["room"] if x["site_kind"] == "room" else x["site"] or None,
                    count=x["count"],
                    day=x["day"],
                    measure=x["measure"] or "visits",
                ),
            ),
            "counts-digital": (
                N_("A month's digital figure"),
                [
                    Field("month", N_("Month"), placeholder=N_("2021-06")),
                    Field("platform", N_("Platform")),
                    Field(
                        "measure",
                        N_("Measure"),
                        "select",
                        value="clicks",
                        options=_options(v.DIGITAL_MEASURES),
                        translate_options=True,
                    ),
                    Field("value", N_("Value")),
                ],
                lambda x: tallies.record_digital(
                    session, month=x["month"], platform=x["platform"], measure=x["measure"], value=x["value"]
                ),
            ),
            "counts-reach": (
                N_("An online item"),
                [
                    Field(
                        "channel",
                        N_("Channel"),
                        "select",
                        value="wechat",
                        options=_options(v.REACH_CHANNELS),
                        translate_options=True,
                    ),
                    Field("title", N_("Title")),
                    Field("published", N_("Published on"), placeholder=N_("today")),
                    Field("views", N_("Views"), value="0"),
                    Field("clicks", N_("Clicks"), value="0"),
                    Field("pushes", N_("Pushes"), value="0"),
                ],
                lambda x: ledgers.record_reach(
                    session,
                    channel=x["channel"],
                    title=x["title"],
                    published_on=x["published"],
                    views=x["views"],
                    clicks=x["clicks"],
                    pushes=x["pushes"],
                ),
            ),
            "counts-training": (
                N_("Training"),
                [
                    Field(
                        "audience",
                        N_("Trained"),
                        "select",
                        value="branch_staff",
                        options=_options(v.TRAINING_AUDIENCES),
                        translate_options=True,
                    ),
                    Field(
                        "category",
                        N_("Category"),
                        "select",
                        value="business",
                        options=_options(v.TRAINING_CATEGORIES),
                        translate_options=True,
                    ),
                    Field("branch", N_("Branch"), placeholder=N_("branch code (基层辅导)")),
                    Field("topic", N_("Topic")),
                    Field("hours", N_("Hours")),
                    Field("attendees", N_("Attendees")),
                    Field("day", N_("Day"), placeholder=N_("today")),
                ],
                lambda x: training.record_training(
                    session,
                    audience=x["audience"],
                    category=x["category"],
                    branch=x["branch"] or None,
                    topic=x["topic"],
                    hours=x["hours"],
                    attendees=x["attendees"],
                    day=x["day"],
                ),
            ),
            "counts-volunteers": (
                N_("Volunteers' service"),
                [
                    Field("activity", N_("Activity")),
                    Field("people", N_("People")),
                    Field("hours", N_("Hours each")),
                    Field("day", N_("Day"), placeholder=N_("today")),
                ],
                lambda x: training.record_volunteers(
                    session, activity=x["activity"], people=x["people"], hours=x["hours"], day=x["day"]
                ),
            ),
        }
        if event.button.id == "counts-refresh":
            self.reload()
            return
        title, fields, submit = forms[event.button.id or ""]
        self.ask(FormDialog(title, fields, submit, submit_label=N_("Save")), lambda pane, _r: pane._recorded())

    def _recorded(self) -> None:
        self.status().info(_("Recorded."))
        self.reload()


class GatePane(DeskPane):
    """A gate counter's CSV file: the site, the file, which column is which, then the import."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="gate-line"):
            yield Select([], id="gate-site", prompt=_("Site…"), compact=True)
            yield Input(placeholder=_("Path of the CSV file"), id="gate-path", compact=True)
        with Grid(classes="pane-buttons"):
            yield Button(_("New site"), id="gate-new-site", compact=True)
            yield Button(_("Preview"), id="gate-preview", compact=True)
            yield Button(_("Import"), id="gate-import", compact=True)
        yield Static("", id="gate-sample", markup=False)
        with Grid(classes="gate-mapping"):
            for role, label in ROLES:
                yield Select([], id=f"gate-{role}", prompt=_(label), compact=True)
        yield ProgressBar(id="gate-progress", show_eta=False)
        yield StatusLine(id="gate-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "gate-sites", lambda: gates.list_sites(session), self._sites, self.show_error)

    def reload_choosing(self, code: str) -> None:
        session = self.session
        call_service(
            self,
            "gate-sites",
            lambda: gates.list_sites(session),
            lambda found: self._sites(found, code),
            self.show_error,
        )

    def _sites(self, found: list[gates.SiteInfo], want: str | None = None) -> None:
        select = self.query_one("#gate-site", Select)
        chosen = want or select.value
        select.set_options([(f"{s.code} {s.name}", s.code) for s in found])
        if chosen is not Select.NULL and any(s.code == chosen for s in found):
            select.value = chosen

    def _site_and_path(self) -> tuple[str, str] | None:
        site = self.query_one("#gate-site", Select).value
        path = self.query_one("#gate-path", Input).value.strip()
        if site is Select.NULL or not path:
            self.show_error(_("Choose a site and type the file's path."))
            return None
        return str(site), path

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "gate-new-site":
            fields = [
                Field("code", N_("Code")),
                Field("name", N_("Name")),
                Field("branch", N_("Branch"), placeholder=N_("branch code (default: this desk's)")),
            ]
            self.ask(
                FormDialog(
                    N_("A site with a gate counter"),
                    fields,
                    lambda x: gates.add_site(session, code=x["code"], name=x["name"], branch=x["branch"] or None),
                    submit_label=N_("Add"),
                ),
                lambda pane, s: pane._site_added(s),
            )
            return
        chosen = self._site_and_path()
        if chosen is None:
            return
        site, path = chosen
        if event.button.id == "gate-preview":
            call_service(
                self, "gate-preview", lambda: gates.preview(session, site, Path(path)), self._previewed, self.show_error
            )
            return
        mapping = {
            role: str(self.query_one(f"#gate-{role}", Select).value)
            for role, _label in ROLES
            if self.query_one(f"#gate-{role}", Select).value is not Select.NULL
        }
        bar = self.query_one("#gate-progress", ProgressBar)
        bar.update(total=None, progress=0)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        self.status().info(_("Importing…"))
        call_service(
            self,
            "gate-import",
            lambda: gates.import_gate_file(session, site, Path(path), mapping=mapping or None, progress=progress),
            self._imported,
            self.show_error,
        )

    def _site_added(self, site: gates.SiteInfo) -> None:
        self.status().info(_("Site {code}: {name}").format(code=site.code, name=site.name))
        self.reload_choosing(site.code)

    def _previewed(self, seen: gates.Preview) -> None:
        lines = [" | ".join(seen.header), *(" | ".join(row) for row in seen.rows[:3])]
        self.query_one("#gate-sample", Static).update("\n".join(lines))
        for role, _label in ROLES:
            select = self.query_one(f"#gate-{role}", Select)
            select.set_options([(column, column) for column in seen.header if column])
            if role in seen.mapping:
                select.value = seen.mapping[role]
        self.status().info(
            _("The site's remembered columns.") if seen.remembered else _("Check which column is which, then import.")
        )

    def _imported(self, found: gates.GateImport) -> None:
        words = [
            _("{rows} rows: {added} added ({entries} entries), {already} already there, {differing} differing.").format(
                rows=found.rows,
                added=found.added,
                entries=found.entries_added,
                already=found.already,
                differing=found.differing,
            )
        ]
        words += [_("line {line}: {why}").format(line=line, why=why) for line, why in found.bad_lines[:3]]
        if found.gaps:
            words.append(_("Days without readings: {days}").format(days=", ".join(found.gaps[:4])))
        (self.status().error if found.bad_lines else self.status().info)("\n".join(words))


LEDGER_KINDS = {"media": N_("Media report"), "honour": N_("Honour"), "milestone": N_("大事记")}


class LedgersPane(DeskPane):
    """This year's media reports, honours and 大事记."""

    def compose(self) -> ComposeResult:
        yield ListTable(N_("Kind"), N_("Date"), N_("Entry"), id="ledgers-list")
        with Grid(classes="pane-buttons"):
            yield Button(_("Media report"), id="ledgers-media", compact=True)
            yield Button(_("Honour"), id="ledgers-honour", compact=True)
            yield Button(_("大事记 entry"), id="ledgers-milestone", compact=True)
            yield Button(_("To the 大事记"), id="ledgers-offer", compact=True)
            yield Button(_("Withdraw"), id="ledgers-withdraw", compact=True)
        yield StatusLine(id="ledgers-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session

        def load() -> list[tuple[str, tuple[str, str, str]]]:
            year = session.now().year
            rows = [
                (f"media:{m.id}", (_(LEDGER_KINDS["media"]), m.reported_on, f"{m.outlet}：{m.title}"))
                for m in ledgers.media_reports(session, year)
            ]
            rows += [
                (f"honour:{h.id}", (_(LEDGER_KINDS["honour"]), h.awarded_on, f"{h.body}：{h.title}"))
                for h in ledgers.honours(session, year)
            ]
            rows += [
                (f"milestone:{m.id}", (_(LEDGER_KINDS["milestone"]), m.day, m.text))
                for m in ledgers.milestones(session, year)
            ]
            return sorted(rows, key=lambda r: r[1][1], reverse=True)

        call_service(
            self,
            "ledgers",
            load,
            lambda rows: self.query_one("#ledgers-list", ListTable).show_rows(rows),
            self.show_error,
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        key = self.query_one("#ledgers-list", ListTable).selected_key or ""
        kind, _sep, row_id = key.partition(":")
        if event.button.id == "ledgers-offer":
            if kind != "honour":
                self.show_error(_("Choose an honour in the list first."))
                return
            call_service(
                self,
                "ledgers-offer",
                lambda: ledgers.offer_milestone(session, source_kind="honour", source_id=row_id),
                lambda _m: self._recorded(),
                self.show_error,
            )
            return
        if event.button.id == "ledgers-withdraw":
            if kind != "milestone":
                self.show_error(_("Choose a 大事记 entry in the list first."))
                return
            call_service(
                self,
                "ledgers-withdraw",
                lambda: ledgers.withdraw_milestone(session, row_id),
                lambda _m: self._recorded(),
                self.show_error,
            )
            return
        forms: dict[str, tuple[str, list[Field], Any]] = {
            "ledgers-media": (
                N_("A media report"),
                [
                    Field("outlet", N_("Outlet")),
                    Field("title", N_("Title")),
                    Field("day", N_("Reported on"), placeholder=N_("today")),
                    Field("link", N_("Link or cutting")),
                ],
                lambda x: ledgers.add_media_report(
                    session, outlet=x["outlet"], title=x["title"], reported_on=x["day"], link=x["link"] or None
                ),
            ),
            "ledgers-honour": (
                N_("An honour"),
                [
                    Field("body", N_("Awarding body")),
                    Field("title", N_("Title")),
                    Field("day", N_("Awarded on"), placeholder=N_("today")),
                    Field(
                        "recipient_kind",
                        N_("Recipient"),
                        "select",
                        value="library",
                        options=_options(v.RECIPIENTS),
                        translate_options=True,
                    ),
                    Field("recipient", N_("Recipient's name")),
                ],
                lambda x: ledgers.add_honour(
                    session,
                    body=x["body"],
                    title=x["title"],
                    awarded_on=x["day"],
                    recipient_kind=x["recipient_kind"] or "library",
                    recipient=x["recipient"] or None,
                ),
            ),
            "ledgers-milestone": (
                N_("A 大事记 entry"),
                [Field("text", N_("Text")), Field("day", N_("Date"), placeholder=N_("today"))],
                lambda x: ledgers.add_milestone(session, text=x["text"], day=x["day"]),
            ),
        }
        title, fields, submit = forms[event.button.id or ""]
        self.ask(FormDialog(title, fields, submit, submit_label=N_("Save")), lambda pane, _r: pane._recorded())

    def _recorded(self) -> None:
        self.status().info(_("Recorded."))
        self.reload()


class FiguresPane(DeskPane):
    """A year's figures, counted from what was recorded, and its ledger as a PDF."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="gate-line"):
            yield Input(placeholder=_("Year"), id="figures-year", compact=True)
            yield Button(_("Show"), id="figures-show", compact=True)
            yield Button(_("Ledger PDF"), id="figures-ledger", compact=True)
        with VerticalScroll(id="figures-scroll"):
            yield Static("", id="figures-text", markup=False)
        yield StatusLine(id="figures-status")

    def on_mount(self) -> None:
        self.query_one("#figures-year", Input).value = str(self.session.now().year)
        self.reload()

    def _year(self) -> int | None:
        text = self.query_one("#figures-year", Input).value.strip()
        if not (text.isdigit() and 1900 < int(text) < 3000):
            self.show_error(_("Type a year such as 2021."))
            return None
        return int(text)

    def reload(self) -> None:
        year = self._year()
        if year is None:
            return
        session = self.session
        call_service(
            self,
            "figures",
            lambda: figures.year_figures(session, year),
            lambda f: self.query_one("#figures-text", Static).update("\n".join(figures.summary_lines(f))),
            self.show_error,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "figures-show":
            self.reload()
            return
        year = self._year()
        if year is None:
            return
        session = self.session
        folder = session.library.path.parent / "ledgers"
        call_service(
            self,
            "figures-ledger",
            lambda: printouts.export_ledger(session, year, folder),
            lambda out: self.status().info(
                _("Wrote {path} and {count} evidence files.").format(path=out.pdf, count=out.evidence_files)
            ),
            self.show_error,
        )
