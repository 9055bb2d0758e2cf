"""The periodicals desk (报刊): check-in by scan, today's issues, claims, binding and the
subscriptions with their yearly renewal, one tab each, for the ``periodicals`` role.

The first tab is driven by the scanner: a magazine's cover barcode (977… with its add-on)
checks in one copy and shows at once where it goes ("送少儿阅览室 1 份"); F5 checks in the
day's newspapers, naming those that did not come; F6 prints the routing slips.

Keys: F5 today's papers, F6 routing slips, Ctrl+PgDn / Ctrl+PgUp next and previous tab.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Button, Input, Label, Static, TabbedContent, TabPane

from ils import printouts as files
from ils.catalogue import labels
from ils.errors import Invalid
from ils.i18n import N_, _, ngettext
from ils.money import yuan
from ils.serials import binding, checkin, claims, printouts, subscriptions
from screens.base import DeskPane, TabbedDeskScreen
from screens.dialogs import Field, FormDialog
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

YES_NO = ((N_("No"), "no"), (N_("Yes"), "yes"))


class SerialScanLine(Input):
    """The scanner's line: Enter takes the code at once, so fast scans never run together."""

    class Scanned(Message):
        """A code and Enter came from the scanner or the keyboard."""

        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            code, self.value = self.value, ""
            self.post_message(self.Scanned(code))


def _year(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid("screens.serials_year", "Type a year, e.g. 2026.") from None


def _buttons(*pairs: tuple[str, str]) -> Grid:
    return Grid(*(Button(_(label), id=button_id, compact=True) for label, button_id in pairs), classes="pane-buttons")


class CheckInPane(DeskPane):
    """Scan the covers as the post comes; each copy says where it goes."""

    def compose(self) -> ComposeResult:
        yield Label(
            _(" Scan a cover barcode, or type an ISSN, CN number or post code and the issue number"),
            id="serial-hint",
            markup=False,
        )
        yield SerialScanLine(placeholder=_("Scan a cover barcode"), id="serial-scan", compact=True)
        yield Static("", id="serial-routing", markup=False)
        yield StatusLine(id="checkin-status")
        yield ListTable(N_("Title"), N_("Issue"), N_("Copy"), N_("Goes to"), id="checkin-table")

    def on_mount(self) -> None:
        self.query_one("#checkin-table", ListTable).can_focus = False
        self.reload()

    def focus_scan(self) -> None:
        self.query_one("#serial-scan", SerialScanLine).focus()

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.query_one("#serial-routing", Static).update("")
        self.app.bell()
        self.focus_scan()

    def reload(self) -> None:
        session = self.session
        call_service(self, "checkin-list", lambda: checkin.received_on(session), self._fill, self.show_error)

    def _fill(self, rows: list[checkin.ReceivedLine]) -> None:
        self.query_one("#checkin-table", ListTable).show_rows(
            [(str(i), (r.title, r.issue_label, str(r.copy), r.place or "")) for i, r in enumerate(rows)]
        )

    def on_serial_scan_line_scanned(self, event: SerialScanLine.Scanned) -> None:
        event.stop()
        code = event.code.strip()
        if not code:
            return
        session = self.session
        call_service(self, "checkin-scan", lambda: checkin.check_in_scan(session, code), self._checked, self.show_error)

    def _checked(self, c: checkin.CheckedIn) -> None:
        self.query_one("#serial-routing", Static).update(c.routing_text)
        words = _("{title} {issue}: copy {copy} of {copies}.").format(
            title=c.title, issue=c.issue_label, copy=c.copy, copies=c.copies
        )
        if c.unexpected:
            words += " " + _("(not expected: accepted with a note)")
        if c.claims_answered:
            words += " " + _("Its claim is answered.")
        self.status().info(words + " " + c.lending_label)
        self.reload()
        self.focus_scan()

    def papers(self) -> None:
        session = self.session
        fields = [Field("missing", N_("Not arrived"), placeholder=N_("titles, comma-separated; empty: all came"))]

        def run(values: dict[str, Any]) -> checkin.DayCheckIn:
            names = [n.strip() for n in values["missing"].replace("，", ",").split(",") if n.strip()]
            return checkin.check_in_day(session, missing=names)

        self.ask(
            FormDialog(N_("Today's papers"), fields, run, submit_label=N_("Check in")),
            lambda pane, done: pane._papers_done(done),
        )

    def _papers_done(self, done: checkin.DayCheckIn) -> None:
        copies = sum(line.copies for line in done.received)
        words = _("Today's papers: {titles} titles, {copies} copies checked in.").format(
            titles=len(done.received), copies=copies
        )
        words += " " + (
            _("All arrived.")
            if not done.missing
            else _("Not arrived: {titles}").format(titles="、".join(line.title for line in done.missing))
        )
        self.status().info(words)
        self.reload()
        self.focus_scan()

    def slips(self) -> None:
        session = self.session
        call_service(
            self,
            "checkin-slips",
            lambda: files.save_pdf(session, "routing", printouts.routing_slips(session)),
            lambda path: self.status().info(_("Printed: {path}").format(path=path)),
            self.show_error,
        )


class TodayPane(DeskPane):
    """The issues dated today and how many of this desk's copies are in."""

    def compose(self) -> ComposeResult:
        yield ListTable(N_("Title"), N_("Issue"), N_("In"), id="today-table")
        yield _buttons((N_("Refresh"), "today-refresh"))
        yield StatusLine(id="today-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "today", lambda: checkin.expected_on(session), self._fill, self.show_error)

    def _fill(self, rows: list[checkin.TodayLine]) -> None:
        self.query_one("#today-table", ListTable).show_rows(
            [(str(i), (r.title, r.issue_label, f"{r.received}/{r.copies}")) for i, r in enumerate(rows)]
        )
        waiting = sum(1 for r in rows if r.received < r.copies)
        self.status().info(
            ngettext(
                "{count} issue due today, {waiting} not all in.",
                "{count} issues due today, {waiting} not all in.",
                len(rows),
            ).format(count=len(rows), waiting=waiting)
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.reload()


class ClaimsPane(DeskPane):
    """Late issues, claimed one by one or all at once; the claim letters per supplier."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.late: list[claims.LateIssue] = []

    def compose(self) -> ComposeResult:
        yield ListTable(
            N_("Title"),
            N_("Issue"),
            N_("Days late"),
            N_("Copies missing"),
            N_("Supplier"),
            N_("Claimed"),
            id="claims-table",
        )
        yield _buttons(
            (N_("Claim"), "claim-one"),
            (N_("Claim all late"), "claim-all"),
            (N_("Claim letters"), "claim-letters"),
            (N_("Refresh"), "claim-refresh"),
        )
        yield StatusLine(id="claims-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "claims", lambda: claims.late_issues(session), self._fill, self.show_error)

    def _fill(self, rows: list[claims.LateIssue]) -> None:
        self.late = rows
        self.query_one("#claims-table", ListTable).show_rows(
            [
                (
                    str(i),
                    (
                        r.title,
                        r.issue_label,
                        str(r.days_late),
                        str(r.missing),
                        r.supplier_text,
                        (r.last_claimed or "")[:10],
                    ),
                )
                for i, r in enumerate(rows)
            ]
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "claim-refresh":
            self.reload()
        elif event.button.id == "claim-all":
            call_service(
                self,
                "claim",
                lambda: claims.claim_late(session),
                lambda made: self._done(
                    ngettext("{count} claim recorded.", "{count} claims recorded.", len(made)).format(count=len(made))
                ),
                self.show_error,
            )
        elif event.button.id == "claim-letters":
            call_service(
                self,
                "claim-print",
                lambda: files.save_pdf(session, "claims", printouts.claim_letters(session)),
                lambda path: self.status().info(_("Printed: {path}").format(path=path)),
                self.show_error,
            )
        else:
            key = self.query_one("#claims-table", ListTable).selected_key
            if key is None:
                self.show_error(_("Choose a late issue in the list first."))
                return
            late = self.late[int(key)]
            call_service(
                self,
                "claim",
                lambda: claims.claim(session, late.title, late.year, late.number),
                lambda made: self._done(
                    _("Claimed: {title} {issue} from {supplier}.").format(
                        title=made.title, issue=made.issue_label, supplier=made.supplier_text
                    )
                ),
                self.show_error,
            )

    def _done(self, text: str) -> None:
        self.status().info(text)
        self.reload()


class BindingPane(DeskPane):
    """Check a run, bind it into a volume, print the spine labels; the volumes bound this year."""

    _last_checked: binding.RunCheck | None = None
    """The run last checked and not yet bound: the Bind dialog starts from it."""

    def compose(self) -> ComposeResult:
        yield ListTable(
            N_("Title"), N_("Run"), N_("Barcode"), N_("Call number"), N_("Missing issues"), id="binding-table"
        )
        yield _buttons(
            (N_("Check a run"), "bind-check"),
            (N_("Bind"), "bind-make"),
            (N_("Spine labels"), "bind-labels"),
            (N_("Binding list"), "bind-list"),
        )
        yield StatusLine(id="binding-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        today = self.session.now().date()
        call_service(
            self,
            "volumes",
            lambda: binding.bound_between(dt.date(today.year, 1, 1), today),
            self._fill,
            self.show_error,
        )

    def _fill(self, rows: list[binding.VolumeInfo]) -> None:
        self.query_one("#binding-table", ListTable).show_rows(
            [
                (v.id, (v.title, v.label, v.barcode, v.call_number or "", "、".join(str(n) for n in v.missing)))
                for v in rows
            ]
        )

    def _run_fields(self, *extra: Field) -> list[Field]:
        """The run to check or bind: the one last checked here, so Bind follows Check without retyping."""
        last = self._last_checked
        title, year, run = (last.title, str(last.year), last.run) if last else ("", str(self.session.now().year), "q1")
        return [
            Field("title", N_("Title"), value=title),
            Field("year", N_("Year"), value=year),
            Field("run", N_("Run"), value=run, placeholder=N_("q1–q4, h1, h2, m1–m12, year, n5-8")),
            *extra,
        ]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        today = session.now().date()
        if event.button.id == "bind-check":
            self.ask(
                FormDialog(
                    N_("Check a run"),
                    self._run_fields(),
                    lambda v: binding.check_run(session, v["title"], _year(v["year"]), v["run"]),
                    submit_label=N_("Check"),
                ),
                lambda pane, found: pane._checked(found),
            )
        elif event.button.id == "bind-make":
            fields = self._run_fields(
                Field("barcode", N_("Barcode")),
                Field("call", N_("Call number"), placeholder=N_("empty: class/刊号:year+run")),
                Field(
                    "missing",
                    N_("Bind with issues missing"),
                    "select",
                    value="no",
                    options=YES_NO,
                    translate_options=True,
                ),
            )
            self.ask(
                FormDialog(
                    N_("Bind a volume"),
                    fields,
                    lambda v: binding.bind(
                        session,
                        v["title"],
                        _year(v["year"]),
                        v["run"],
                        barcode=v["barcode"],
                        call_number=v["call"] or None,
                        accept_missing=v["missing"] == "yes",
                    ),
                    submit_label=N_("Bind"),
                ),
                lambda pane, made: pane._bound(made),
            )
        elif event.button.id == "bind-labels":
            call_service(
                self,
                "bind-print",
                lambda: files.save_pdf(session, "spine", labels.print_queue(session, kind="spine")),
                lambda path: self.status().info(_("Printed: {path}").format(path=path)),
                self.show_error,
            )
        else:
            call_service(
                self,
                "bind-print",
                lambda: files.save_pdf(
                    session, "binding", printouts.binding_list(session, dt.date(today.year, 1, 1), today)
                ),
                lambda path: self.status().info(_("Printed: {path}").format(path=path)),
                self.show_error,
            )

    def _checked(self, found: binding.RunCheck) -> None:
        self._last_checked = found
        self.status().info(
            _("{title} {run}: {present} of {expected} issues here; missing: {missing}").format(
                title=found.title,
                run=found.label,
                present=len(found.present),
                expected=found.expected,
                missing="、".join(str(n) for n in found.missing) or _("none"),
            )
        )

    def _bound(self, made: binding.VolumeInfo) -> None:
        self._last_checked = None
        self.status().info(
            _("Bound: {title} {run}, {barcode}, {call}; its spine label is queued.").format(
                title=made.title, run=made.label, barcode=made.barcode, call=made.call_number or ""
            )
        )
        self.reload()


class SubscriptionsPane(DeskPane):
    """The year's list: renew for next year, cancel or take back, print and export the order list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.year = 0
        self.rows: dict[str, subscriptions.SubscriptionInfo] = {}

    def compose(self) -> ComposeResult:
        yield Label("", id="subs-year", markup=False)
        yield ListTable(N_("Title"), N_("Supplier"), N_("Copies"), N_("Amount"), N_("State"), id="subs-table")
        yield _buttons(
            (N_("Other year"), "subs-year-next"),
            (N_("Renew for next year"), "subs-renew"),
            (N_("Cancel / take back"), "subs-cancel"),
            (N_("Order list"), "subs-order"),
            (N_("Export XLSX"), "subs-xlsx"),
        )
        yield StatusLine(id="subs-status")

    def on_mount(self) -> None:
        self.year = self.year or self.session.now().year
        self.reload()

    def reload(self) -> None:
        year = self.year
        self.query_one("#subs-year", Label).update(" " + _("Subscriptions for {year}").format(year=year))
        call_service(self, "subs", lambda: subscriptions.list_subscriptions(year), self._fill, self.show_error)

    def _fill(self, rows: list[subscriptions.SubscriptionInfo]) -> None:
        self.rows = {s.title_id: s for s in rows}
        self.query_one("#subs-table", ListTable).show_rows(
            [(s.title_id, (s.title, s.supplier_text, str(s.copies), yuan(s.total_fen), s.state_label)) for s in rows]
        )
        total = sum(s.total_fen for s in rows)
        active = sum(1 for s in rows if s.state == "active")
        self.status().info(
            ngettext("{count} title, {amount}.", "{count} titles, {amount}.", active).format(
                count=active, amount=yuan(total)
            )
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session, year = self.session, self.year
        button = event.button.id
        if button == "subs-year-next":
            this = session.now().year
            self.year = this + 1 if self.year == this else this
            self.reload()
        elif button == "subs-renew":
            call_service(
                self, "subs-renew", lambda: subscriptions.renew_year(session, year), self._renewed, self.show_error
            )
        elif button == "subs-order":
            call_service(
                self,
                "subs-print",
                lambda: files.save_pdf(session, "order", printouts.order_list(session, year)),
                lambda path: self.status().info(_("Printed: {path}").format(path=path)),
                self.show_error,
            )
        elif button == "subs-xlsx":
            call_service(
                self,
                "subs-print",
                lambda: printouts.save_order_xlsx(session, year),
                lambda path: self.status().info(_("Wrote {path}.").format(path=path)),
                self.show_error,
            )
        else:
            table = self.query_one("#subs-table", ListTable)
            key = table.selected_key
            if key is None:
                self.show_error(_("Choose a title in the list first."))
                return
            reinstate = self.rows[key].state == "cancelled"
            call_service(
                self,
                "subs-cancel",
                lambda: subscriptions.cancel(session, key, year, reinstate=reinstate),
                lambda s: self._changed(_("{title}: {state}.").format(title=s.title, state=s.state_label)),
                self.show_error,
            )

    def _renewed(self, done: subscriptions.Renewal) -> None:
        self.year = done.year
        self._changed(
            _("Renewed for {year}: {copied} titles copied, {already} already on the list.").format(
                year=done.year, copied=done.copied, already=done.already
            )
        )

    def _changed(self, text: str) -> None:
        self.reload()
        self.status().info(text)


class PeriodicalsScreen(TabbedDeskScreen):
    """The periodicals desk."""

    TITLE_ID: ClassVar[str] = N_("Periodicals")
    CSS_PATH: ClassVar[str] = "periodicals_desk.tcss"
    AUTO_FOCUS: ClassVar[str] = "#serial-scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "checkin('papers')", N_("Today's papers"), key_display="F5"),
        Binding("f6", "checkin('slips')", N_("Routing slips"), key_display="F6"),
    ]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="serials-tabs"):
            with TabPane(_("Check-in"), id="tab-checkin"):
                yield CheckInPane(id="checkin-pane")
            with TabPane(_("Today"), id="tab-today"):
                yield TodayPane(id="today-pane")
            with TabPane(_("Claims"), id="tab-claims"):
                yield ClaimsPane(id="claims-pane")
            with TabPane(_("Binding"), id="tab-binding"):
                yield BindingPane(id="binding-pane")
            with TabPane(_("Subscriptions"), id="tab-subs"):
                yield SubscriptionsPane(id="subs-pane")

    def action_checkin(self, method: str) -> None:
        """The check-in keys work from every tab: they bring the check-in tab forward first."""
        self.query_one(TabbedContent).active = "tab-checkin"
        getattr(self.query_one(CheckInPane), method)()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab brought forward shows the desk as it is now."""
        for pane in event.pane.query(DeskPane):
            reload = getattr(pane, "reload", None)
            if reload is not None:
                reload()
