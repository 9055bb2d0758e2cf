"""The events desk (活动与到馆), for the ``events`` role: the calendar of sessions with the
programme form, the door (registration and card scanning), counts, the gate-counter import,
the ledgers (media reports, honours, 大事记) and the year's figures, one tab each.

Keys: F4 a new programme (then its first session), F5 another session of the highlighted
programme, F6 the head count of the highlighted session (or an exhibition's count for today),
F7 the highlighted session at the door, F8 count an enquiry, F9 offer the highlighted
programme to the 大事记.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import Button, Input, Label, TabbedContent, TabPane

from ils.events import attendance, evidence, ledgers, programmes, registration
from ils.events import vocabulary as v
from ils.i18n import N_, _
from screens.base import DeskPane, TabbedDeskScreen
from screens.dialogs import Field, FormDialog
from screens.events_enquiry import EnquiryDialog, tallied_text
from screens.events_panes import CountsPane, FiguresPane, GatePane, LedgersPane
from screens.widgets import ListTable, StatusLine
from screens.work import call_service


def _options(choices: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, code) for code, label in choices.items())


def session_fields(starts: str = "") -> list[Field]:
    return [
        Field("starts", N_("Starts"), value=starts, placeholder=N_("2021-06-28 09:30")),
        Field("ends_on", N_("Last day"), placeholder=N_("for an exhibition")),
        Field(
            "venue_kind",
            N_("Kind of venue"),
            "select",
            value="room",
            options=_options(v.VENUE_KINDS),
            translate_options=True,
        ),
        Field("room", N_("Room"), "select", value="hall", options=_options(v.ROOMS), translate_options=True),
        Field("place", N_("Place outside"), placeholder=N_("school, village, branch code, platform")),
        Field("capacity", N_("Capacity"), placeholder=N_("empty: no registration")),
    ]


def add_session_from(session, programme_id: str, values: dict[str, Any]) -> programmes.SessionInfo:
    kind = values["venue_kind"] or "room"
    return programmes.add_session(
        session,
        programme_id,
        starts=values["starts"],
        ends_on=values["ends_on"],
        venue_kind=kind,
        venue=values["room"] if kind == "room" else values["place"],
        capacity=values["capacity"] or None,
    )


class CalendarPane(DeskPane):
    """The month's sessions; the programme and session forms; the head count."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.month: dt.date | None = None
        self.sessions: dict[str, programmes.SessionInfo] = {}

    def compose(self) -> ComposeResult:
        yield Label("", id="calendar-month", markup=False)
        yield ListTable(
            N_("Starts"), N_("Title"), N_("Count"), N_("Venue"), N_("Type"), N_("Shown until"), id="calendar-list"
        )
        with Grid(classes="pane-buttons"):
            yield Button(_("◀ Month"), id="calendar-previous", compact=True)
            yield Button(_("Month ▶"), id="calendar-next", compact=True)
            yield Button(_("Programme"), id="calendar-programme", compact=True)
            yield Button(_("Head count"), id="calendar-count", compact=True)
            yield Button(_("At the door"), id="calendar-door", compact=True)
            yield Button(_("Evidence"), id="calendar-evidence", compact=True)
        yield StatusLine(id="calendar-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        session = self.session
        if self.month is None:
            self.month = session.now().date().replace(day=1)
        first = self.month
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)

        def load() -> list[tuple[programmes.SessionInfo, int]]:
            found = programmes.calendar(session, first, last)
            counts = attendance.day_counts([s.id for s in found]) if found else {}
            return [(s, sum(d.total for (sid, _day), d in counts.items() if sid == s.id)) for s in found]

        call_service(self, "calendar", load, lambda found: self._fill(found, select), self.show_error)

    def _fill(self, found: list[tuple[programmes.SessionInfo, int]], select: str | None) -> None:
        assert self.month is not None
        self.sessions = {s.id: s for s, _n in found}
        self.query_one("#calendar-month", Label).update(
            _("{year}-{month:02d}: {count} sessions").format(
                year=self.month.year, month=self.month.month, count=len(found)
            )
        )
        self.query_one("#calendar-list", ListTable).show_rows(
            [
                (
                    s.id,
                    (
                        s.starts_at,
                        ("✕ " if s.cancelled else "") + s.title,
                        str(n),
                        s.venue_label,
                        s.kind_label,
                        s.ends_on or "",
                    ),
                )
                for s, n in found
            ],
            select,
        )

    def selected(self) -> programmes.SessionInfo | None:
        key = self.query_one("#calendar-list", ListTable).selected_key
        found = self.sessions.get(key) if key else None
        if found is None:
            self.show_error(_("Choose a session in the list first."))
        return found

    def step(self, months: int) -> None:
        assert self.month is not None
        index = self.month.year * 12 + self.month.month - 1 + months
        self.month = dt.date(index // 12, index % 12 + 1, 1)
        self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "calendar-previous": lambda: self.step(-1),
            "calendar-next": lambda: self.step(1),
            "calendar-programme": self.new_programme,
            "calendar-count": self.head_count,
            "calendar-door": self.to_door,
            "calendar-evidence": self.add_evidence,
        }
        actions[event.button.id or ""]()

    def new_programme(self) -> None:
        session = self.session
        fields = [
            Field("title", N_("Title")),
            Field(
                "kind",
                N_("Type"),
                "select",
                value="lecture",
                options=_options(v.PROGRAMME_KINDS),
                translate_options=True,
            ),
            Field(
                "audience",
                N_("Target group"),
                "select",
                value="all",
                options=_options(v.AUDIENCES),
                translate_options=True,
            ),
            Field("brand", N_("Brand or series"), placeholder=N_("e.g. 阅读悦好")),
            Field("partners", N_("Partners")),
            Field(
                "reading_for_all",
                N_("Reading for all (全民阅读)"),
                "select",
                value="no",
                options=((N_("yes"), "yes"), (N_("no"), "no")),
                translate_options=True,
            ),
        ]

        def add(values: dict[str, Any]) -> programmes.ProgrammeInfo:
            return programmes.add_programme(
                session,
                title=values["title"],
                kind=values["kind"],
                audience=values["audience"] or "all",
                brand=values["brand"],
                partners=values["partners"],
                reading_for_all=values["reading_for_all"] == "yes",
            )

        self.ask(
            FormDialog(N_("A new programme"), fields, add, submit_label=N_("Add")),
            lambda pane, p: pane.new_session(p.id, p.title),
        )

    def new_session(self, programme_id: str | None = None, title: str | None = None) -> None:
        if programme_id is None:
            chosen = self.selected()
            if chosen is None:
                return
            programme_id, title = chosen.programme_id, chosen.title
        session, pid = self.session, programme_id
        start = session.now().strftime("%Y-%m-%d 09:30")
        self.ask(
            FormDialog(
                N_("A session of {title}"),
                session_fields(start),
                lambda values: add_session_from(session, pid, values),
                submit_label=N_("Add"),
                title_args={"title": title or ""},
            ),
            lambda pane, s: pane._added(s),
        )

    def _added(self, found: programmes.SessionInfo) -> None:
        self.month = dt.date.fromisoformat(found.starts_at[:10]).replace(day=1)
        self.status().info(_("Session added: {title}, {when}.").format(title=found.title, when=found.starts_at))
        self.reload(select=found.id)

    def head_count(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        session, sid = self.session, chosen.id
        fields = [
            Field("total", N_("Attendance")),
            Field("adults", N_("Adults")),
            Field("children", N_("Children")),
            Field("day", N_("Day"), placeholder=N_("the session's day, or today")),
        ]

        def count(values: dict[str, Any]) -> attendance.DayCount:
            return attendance.record_count(
                session,
                sid,
                total=values["total"],
                adults=values["adults"],
                children=values["children"],
                day=values["day"],
            )

        self.ask(
            FormDialog(
                N_("Head count: {title}"), fields, count, submit_label=N_("Save"), title_args={"title": chosen.title}
            ),
            lambda pane, d: pane._counted(d, sid),
        )

    def _counted(self, day: attendance.DayCount, session_id: str) -> None:
        self.status().info(_("{day}: {total} counted.").format(day=day.day, total=day.total))
        self.reload(select=session_id)

    def to_door(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.screen.query_one(TabbedContent).active = "tab-door"
            self.screen.query_one(DoorPane).open_session(chosen)

    def add_evidence(self) -> None:
        """A file (photo, sign-in sheet, cutting) kept as evidence of the highlighted session's programme."""
        chosen = self.selected()
        if chosen is None:
            return
        session, pid = self.session, chosen.programme_id
        fields = [
            Field("path", N_("File"), placeholder=N_("path of the photo, scan or cutting")),
            Field(
                "kind",
                N_("Kind of evidence"),
                "select",
                value="photo",
                options=_options(v.EVIDENCE_KINDS),
                translate_options=True,
            ),
        ]
        self.ask(
            FormDialog(
                N_("Evidence of {title}"),
                fields,
                lambda x: evidence.attach(session, pid, x["path"], kind=x["kind"] or "photo"),
                submit_label=N_("Keep"),
                title_args={"title": chosen.title},
            ),
            lambda pane, e: pane.status().info(
                _("Kept {name} (SHA-256 {sha}).").format(name=e.name, sha=e.sha256[:16])
            ),
        )

    def to_milestones(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        session, pid = self.session, chosen.programme_id
        call_service(
            self,
            "offer",
            lambda: ledgers.offer_milestone(session, source_kind="programme", source_id=pid),
            lambda m: self.status().info(_("In the 大事记: {text}").format(text=m.text)),
            self.show_error,
        )


class DoorPane(DeskPane):
    """A session at the door: cards scanned, registrations taken and given back."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current: programmes.SessionInfo | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("No session chosen: choose one in the calendar and press F7."), id="door-session", markup=False)
        yield Input(placeholder=_("Scan a reader card at the door"), id="door-scan", compact=True)
        yield StatusLine(id="door-status")
        yield ListTable(N_("Name"), N_("Phone"), N_("Places"), N_("State"), id="door-list")
        with Grid(classes="pane-buttons"):
            yield Button(_("Register"), id="door-register", compact=True)
            yield Button(_("Give back"), id="door-cancel", compact=True)

    def open_session(self, chosen: programmes.SessionInfo) -> None:
        self.current = chosen
        self.query_one("#door-session", Label).update(f"{chosen.starts_at} {chosen.title} · {chosen.venue_label}")
        self.query_one("#door-scan", Input).focus()
        self.reload()

    def reload(self) -> None:
        if self.current is None:
            return
        session, sid = self.session, self.current.id
        call_service(self, "door", lambda: registration.registrations(session, sid), self._fill, self.show_error)

    def _fill(self, found: list[registration.Registered]) -> None:
        states = {"registered": N_("Registered"), "waiting": N_("Waiting"), "cancelled": N_("Cancelled")}
        self.query_one("#door-list", ListTable).show_rows(
            [
                (
                    r.id,
                    (
                        r.who,
                        r.phone or "",
                        str(r.party),
                        v.label(states, r.state) + (f" {r.position}" if r.position else ""),
                    ),
                )
                for r in found
            ]
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        code, event.input.value = event.value.strip(), ""
        if not code:
            return
        if self.current is None:
            self.show_error(_("Choose a session in the calendar first (F7)."))
            return
        session, sid = self.session, self.current.id
        call_service(
            self, "door-scan", lambda: attendance.scan_at_door(session, sid, code), self._scanned, self._refused
        )

    def _refused(self, text: str) -> None:
        self.show_error(text)
        self.app.bell()

    def _scanned(self, found: attendance.Scanned) -> None:
        words = (
            _("Welcome, {name}: {count} in today.") if found.first_today else _("{name} was already counted today.")
        ).format(name=found.name, count=found.scans_today)
        self.status().info(words)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.current is None:
            self.show_error(_("Choose a session in the calendar first (F7)."))
            return
        session, sid = self.session, self.current.id
        if event.button.id == "door-register":
            fields = [
                Field("card", N_("Reader card"), placeholder=N_("or leave empty and give a name")),
                Field("name", N_("Name")),
                Field("phone", N_("Mobile phone")),
                Field("party", N_("Places"), value="1"),
            ]
            self.ask(
                FormDialog(
                    N_("Register for {title}"),
                    fields,
                    lambda x: registration.register(
                        session,
                        sid,
                        card=x["card"] or None,
                        name=x["name"] or None,
                        phone=x["phone"] or None,
                        party=x["party"] or 1,
                    ),
                    submit_label=N_("Register"),
                    title_args={"title": self.current.title},
                ),
                lambda pane, r: pane._registered(r),
            )
        else:
            key = self.query_one("#door-list", ListTable).selected_key
            if key is None:
                self.show_error(_("Choose a registration in the list first."))
                return
            call_service(
                self,
                "door-cancel",
                lambda: registration.cancel_registration(session, key),
                self._given_back,
                self.show_error,
            )

    def _registered(self, found: registration.Registered) -> None:
        words = (
            _("{who} is registered; {left} places left.")
            if found.state == "registered"
            else _("{who} waits, number {position}.")
        ).format(who=found.who, left=found.places_left, position=found.position)
        self.status().info(words)
        self.reload()

    def _given_back(self, moved: list[registration.Registered]) -> None:
        self.status().info(_("Cancelled. Moved up: {names}").format(names="、".join(r.who for r in moved) or "—"))
        self.reload()


class EventsScreen(TabbedDeskScreen):
    """The events desk."""

    TITLE_ID: ClassVar[str] = N_("Events and visits")
    CSS_PATH: ClassVar[str] = "events_desk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "calendar('new_programme')", N_("New programme"), key_display="F4"),
        Binding("f5", "calendar('new_session')", N_("New session"), key_display="F5"),
        Binding("f6", "calendar('head_count')", N_("Head count"), key_display="F6"),
        Binding("f7", "calendar('to_door')", N_("At the door"), key_display="F7"),
        Binding("f8", "enquiry", N_("Enquiry"), key_display="F8"),
        Binding("f9", "calendar('to_milestones')", N_("To the 大事记"), show=False, key_display="F9"),
    ]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="events-tabs"):
            with TabPane(_("Calendar"), id="tab-calendar"):
                yield CalendarPane(id="calendar-pane")
            with TabPane(_("Door"), id="tab-door"):
                yield DoorPane(id="door-pane")
            with TabPane(_("Counts"), id="tab-counts"):
                yield CountsPane(id="counts-pane")
            with TabPane(_("Gate counters"), id="tab-gates"):
                yield GatePane(id="gates-pane")
            with TabPane(_("Ledgers"), id="tab-ledgers"):
                yield LedgersPane(id="ledgers-pane")
            with TabPane(_("Figures"), id="tab-figures"):
                yield FiguresPane(id="figures-pane")

    def action_calendar(self, method: str) -> None:
        """The calendar's keys work from every tab: F7 then opens the door tab."""
        if method != "to_door":
            self.query_one(TabbedContent).active = "tab-calendar"
        getattr(self.query_one(CalendarPane), method)()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab brought forward shows what is recorded now: every other tab's work changes it."""
        for pane in event.pane.query(DeskPane):
            reload = getattr(pane, "reload", None)
            if reload is not None:
                reload()

    def action_enquiry(self) -> None:
        self.app.push_screen(EnquiryDialog(), self._tallied)

    def _tallied(self, tally: Any) -> None:
        if tally is not None:
            self.notify(tallied_text(tally))
