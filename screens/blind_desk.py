"""The blind reading room's desk (盲人阅览室): lend and take back, requests, parcels, devices,
the call list and the room's figures, one tab each, for the ``blind_room`` role.

The first tab is the counter, driven by a scanner like the front desk: a reader's card opens
the reader (eligibility, phone, address, proxies, loans with each device's accessories and each
set's volumes still out); a device, a set or a copy scanned is lent to the open reader, or
taken back when no reader is open or in return mode (F4). A device asks for its accessory
checklist, a set for the volumes that came back, a parcel's return card opens the parcel check.

It is usable at 80×24 and in the large-text, high-contrast display (F3, remembered per staff
member): there the last due date also stands in large digits. With spoken feedback on
(Ctrl+T, this desk only) each outcome is said in Chinese through espeak-ng, for the reader at
the counter.

Keys: F4 return mode, F5 renew the highlighted loan, F6 waiting list for a device,
Ctrl+E eligibility check, Ctrl+A address and delivery, Ctrl+N a request for the open reader,
Ctrl+V a visit, Ctrl+T spoken feedback, Esc closes the reader, then the desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Digits, Input, Label, Static, TabbedContent, TabPane

from ils.blind import desk, eligibility, inventory, lending, profiles, proxies, speech, visits
from ils.blind.settings import change_blind_settings
from ils.errors import IlsError, Invalid
from ils.i18n import N_, _, use_language
from ils.session import Session
from screens.base import DeskPane, TabbedDeskScreen
from screens.blind_post import ParcelsPane, RequestsPane, request_dialog
from screens.blind_stock import CallsPane, DevicesPane, FiguresPane
from screens.blind_view import loan_rows, reader_text, spoken_date
from screens.dialogs import Field, FormDialog
from screens.theme import HIGH_CONTRAST_THEME
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

T = TypeVar("T")
LEND, RETURN = "lend", "return"
SELF = "self"  # the reader borrows in person, no proxy


class BlindScanLine(Input):
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


def speak_if(session: Session, sentence: Callable[[], str]) -> None:
    """In a worker: say ``sentence()`` in Chinese when this desk speaks. Never fails the call."""
    try:
        if speech.speaking(session.library):
            with use_language("zh_CN"):
                text = sentence()
            speech.speak(text)
    except (OSError, IlsError):
        pass


def spoken(session: Session, call: Callable[[], T], sentence: Callable[[T], str]) -> T:
    """Run ``call`` in a worker and say its outcome, or its refusal, in Chinese."""
    try:
        result = call()
    except IlsError as error:
        refusal = error  # the lambda may outlive the name ``error``, which the except clause unbinds
        speak_if(session, lambda: _("Refused: {reason}").format(reason=refusal.render("zh_CN")))
        raise
    speak_if(session, lambda: sentence(result))
    return result


def _date(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("screens.blind_date", "Type a date as 2026-03-02.") from None


class CounterPane(DeskPane):
    """Lend and take back at the room's counter."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = LEND
        self.reader: desk.BlindReader | None = None
        self.due: str = ""

    def compose(self) -> ComposeResult:
        yield Label("", id="blind-mode", markup=False)
        yield BlindScanLine(
            placeholder=_("Scan a reader card, a device, a set or a parcel's card"), id="blind-scan", compact=True
        )
        yield StatusLine(id="blind-status")
        yield Static("", id="blind-reader", markup=False)
        yield Digits("", id="blind-due")
        yield ListTable(N_("Barcode"), N_("Title"), N_("Due"), N_("With it"), id="blind-loans")

    def on_mount(self) -> None:
        self.query_one("#blind-loans", ListTable).can_focus = False
        self.draw()

    def status(self) -> StatusLine:
        return self.query_one("#blind-status", StatusLine)

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()
        self.focus_scan()

    def focus_scan(self) -> None:
        self.query_one("#blind-scan", BlindScanLine).focus()

    def draw(self) -> None:
        reader = self.reader
        hint = (
            _("an item scanned is lent to this reader; Esc closes the reader")
            if reader and self.mode == LEND
            else _("an item scanned is taken back")
            if self.mode == RETURN or reader is None
            else ""
        )
        mode = _("Lend") if self.mode == LEND else _("Take back")
        self.query_one("#blind-mode", Label).update(f" {mode} │ {hint}")
        self.query_one("#blind-mode", Label).set_class(self.mode == RETURN, "-return")
        self.query_one("#blind-reader", Static).update(reader_text(reader) if reader else _("No reader open."))
        self.query_one("#blind-loans", ListTable).show_rows(loan_rows(reader.loans) if reader else [])
        large = self.app.theme == HIGH_CONTRAST_THEME
        self.screen.set_class(large, "-high-contrast")
        digits = self.query_one("#blind-due", Digits)
        digits.update(self.due)
        digits.display = large and bool(self.due)

    # --- scanning -------------------------------------------------------------------------

    def on_blind_scan_line_scanned(self, event: BlindScanLine.Scanned) -> None:
        event.stop()
        code = event.code.strip()
        if not code:
            return
        session = self.session
        call_service(self, "blind-scan", lambda: desk.identify(session, code), self._identified, self.show_error)

    def _identified(self, found: desk.Identified) -> None:
        if found.kind == "reader":
            self.open(found.code)
        elif found.kind == "parcel":
            self.screen.query_one(ParcelsPane).check_parcel(found.parcel)
        elif self.mode == LEND and self.reader is not None:
            self._lend(found)
        else:
            self._take_back(found)

    def open(self, card: str, then: str | None = None) -> None:
        session = self.session

        def opened(found: desk.BlindReader) -> None:
            self.reader = found
            self.draw()
            self.status().info(then or _("{name} is open.").format(name=found.summary.name))
            self.focus_scan()

        call_service(
            self,
            "blind-open",
            lambda: spoken(
                session,
                lambda: desk.open_reader(session, card),
                lambda r: _("Hello, {name}.").format(name=r.summary.name),
            ),
            opened,
            self.show_error,
        )

    def _refresh(self, words: str) -> None:
        if self.reader is not None:
            self.open(self.reader.summary.card_number, words)
        else:
            self.status().info(words)
            self.focus_scan()

    def _lend(self, found: desk.Identified) -> None:
        reader = self.reader
        assert reader is not None  # noqa: S101  (checked by the caller)
        session, card = self.session, reader.summary.card_number
        who = ((SELF, _("The reader")),) + tuple((p.id, f"{p.name}（{p.relation}）") for p in reader.proxies)
        fields = []
        if found.kind == "device" and found.device is not None:
            kit = tuple((lending.accessory_label(a), a) for a in found.device.accessories)
            fields.append(
                Field("accessories", N_("Goes out with"), "checks", value=found.device.accessories, options=kit)
            )
        if reader.proxies:
            fields.append(Field("proxy", N_("Taken by"), "select", value=SELF, options=tuple((n, v) for v, n in who)))

        def lend(values: dict[str, Any]) -> lending.Lent:
            return spoken(
                session,
                lambda: lending.lend(
                    session,
                    card,
                    found.code,
                    accessories=values.get("accessories") if found.kind == "device" else None,
                    proxy_id=values.get("proxy") if values.get("proxy") not in (None, "", SELF) else None,
                ),
                lambda lent: _("{title} is lent. Please bring it back by {date}.").format(
                    title=lent.loan.title, date=spoken_date(lent.loan.due_on)
                ),
            )

        if not fields:
            call_service(self, "blind-lend", lambda: lend({}), self._lent, self.show_error)
            return
        self.ask(
            FormDialog(N_("Lend {code}"), fields, lend, submit_label=N_("Lend"), title_args={"code": found.code}),
            lambda pane, lent: pane._lent(lent),
        )

    def _lent(self, lent: lending.Lent) -> None:
        self.due = lent.loan.due_on
        self._refresh(
            _("Lent: {title} ({barcode}), due {due}.").format(
                title=lent.loan.title, barcode=lent.loan.barcode, due=lent.loan.due_on
            )
        )

    def _take_back(self, found: desk.Identified) -> None:
        session = self.session

        def back(values: dict[str, Any]) -> lending.GivenBack:
            volumes = [int(v) for v in values["volumes"]] if "volumes" in values else None
            return spoken(
                session,
                lambda: lending.give_back(
                    session,
                    found.code,
                    accessories=values.get("accessories"),
                    condition=values.get("condition") or None,
                    note=values.get("note"),
                    volumes=volumes,
                ),
                lambda b: (
                    _("{title} is back, thank you.") if b.ended else _("Thank you. Volumes {numbers} are still out.")
                ).format(title=b.title, numbers="、".join(str(n) for n in b.volumes_out)),
            )

        if found.kind == "device" and found.on_loan:
            kit = tuple((lending.accessory_label(a), a) for a in found.accessories_out)
            fields = [
                Field("accessories", N_("Came back with"), "checks", value=found.accessories_out, options=kit),
                Field(
                    "condition",
                    N_("Condition"),
                    "select",
                    value="",
                    options=tuple((label, code) for code, label in lending.CONDITIONS.items()),
                    translate_options=True,
                ),
                Field("note", N_("Note")),
            ]
            self.ask(
                FormDialog(
                    N_("Take back {code}"), fields, back, submit_label=N_("Take back"), title_args={"code": found.code}
                ),
                lambda pane, b: pane._back(b),
            )
        elif found.kind == "set" and found.on_loan and found.set is not None:
            out = tuple((v.label, str(v.number)) for v in found.set.volumes if v.number in found.volumes_out)
            fields = [Field("volumes", N_("Volumes back"), "checks", value=tuple(v for _l, v in out), options=out)]
            self.ask(
                FormDialog(
                    N_("Take back {code}"), fields, back, submit_label=N_("Take back"), title_args={"code": found.code}
                ),
                lambda pane, b: pane._back(b),
            )
        else:
            call_service(self, "blind-back", lambda: back({}), self._back, self.show_error)

    def _back(self, back: lending.GivenBack) -> None:
        if back.ended:
            words = _("Back: {title} ({barcode}).").format(title=back.title, barcode=back.barcode)
            if back.missing_accessories:
                words += " " + _("Missing: {names}").format(names=lending.accessories_text(back.missing_accessories))
            if back.returned is not None:
                words += " " + back.returned.disposition.message
        else:
            words = _("{title}: volumes {numbers} still out; the loan stays open.").format(
                title=back.title, numbers=", ".join(str(n) for n in back.volumes_out)
            )
        self._refresh(words)

    # --- keys (bound on the screen) ---------------------------------------------------------

    def toggle_mode(self) -> None:
        self.mode = LEND if self.mode == RETURN else RETURN
        self.draw()
        self.focus_scan()

    def renew(self) -> None:
        barcode = self.query_one("#blind-loans", ListTable).selected_key
        if self.reader is None or barcode is None:
            self.show_error(_("Open a reader and choose a loan to renew."))
            return
        session = self.session
        call_service(
            self,
            "blind-renew",
            lambda: spoken(
                session,
                lambda: lending.renew(session, barcode),
                lambda loan: _("Renewed. Please bring it back by {date}.").format(date=spoken_date(loan.due_on)),
            ),
            lambda loan: self._renewed(loan.title, loan.due_on),
            self.show_error,
        )

    def _renewed(self, title: str, due: str) -> None:
        self.due = due
        self._refresh(_("Renewed: {title}, due {due}.").format(title=title, due=due))

    def close_reader(self) -> bool:
        if self.reader is None:
            return False
        name = self.reader.summary.name
        self.reader, self.due = None, ""
        self.draw()
        self.status().info(_("{name} is closed.").format(name=name))
        self.focus_scan()
        return True

    def need_reader(self) -> desk.BlindReader | None:
        if self.reader is None:
            self.show_error(_("Open a reader first: scan their card."))
        return self.reader

    def check(self) -> None:
        reader = self.need_reader()
        if reader is None:
            return
        session, card = self.session, reader.summary.card_number
        fields = [
            Field(
                "document",
                N_("Document seen"),
                "select",
                value="disability_certificate",
                options=tuple((label, code) for code, label in eligibility.DOCUMENTS.items()),
                translate_options=True,
            ),
            Field("date", N_("Seen on"), placeholder=N_("today")),
            Field("certificate", N_("Certificate number"), placeholder=N_("only if the library keeps them")),
        ]

        def verify(values: dict[str, Any]) -> eligibility.Eligibility:
            return eligibility.verify(
                session,
                card,
                document=values["document"],
                verified_on=_date(values["date"]),
                certificate_number=values["certificate"] or None,
            )

        self.ask(
            FormDialog(
                N_("Eligibility check for {name}"),
                fields,
                verify,
                submit_label=N_("Save"),
                title_args={"name": reader.summary.name},
            ),
            lambda pane, _e: pane._refresh(_("The check is recorded.")),
        )

    def address(self) -> None:
        reader = self.need_reader()
        if reader is None:
            return
        session, card, p = self.session, reader.summary.card_number, reader.profile
        fields = [
            Field(
                "address",
                N_("Address"),
                value=" / ".join(p.address.lines()) if p.address else "",
                placeholder=N_("lines separated by /"),
            ),
            Field("postcode", N_("Postcode"), value=p.address.postcode if p.address else ""),
            Field(
                "delivery",
                N_("Items reach them"),
                "select",
                value=p.delivery,
                options=tuple((label, code) for code, label in profiles.DELIVERY.items()),
                translate_options=True,
            ),
            Field("route", N_("Delivery route"), value=p.route or ""),
        ]

        def save(values: dict[str, Any]) -> profiles.Profile:
            return profiles.set_profile(
                session,
                card,
                address=values["address"].replace("/", "\n"),
                postcode=values["postcode"],
                delivery=values["delivery"],
                route=values["route"],
            )

        self.ask(
            FormDialog(
                N_("Address and delivery for {name}"),
                fields,
                save,
                submit_label=N_("Save"),
                title_args={"name": reader.summary.name},
            ),
            lambda pane, _p: pane._refresh(_("Saved.")),
        )

    def proxy(self) -> None:
        reader = self.need_reader()
        if reader is None:
            return
        session, card = self.session, reader.summary.card_number
        fields = [
            Field("name", N_("Proxy's name")),
            Field("relation", N_("Relation"), placeholder=N_("家属, 护工 …")),
            Field("phone", N_("Phone")),
        ]
        self.ask(
            FormDialog(
                N_("A proxy for {name}, with their consent"),
                fields,
                lambda v: proxies.add_proxy(
                    session, card, name=v["name"], relation=v["relation"], phone=v["phone"] or None
                ),
                submit_label=N_("Save"),
                title_args={"name": reader.summary.name},
            ),
            lambda pane, x: pane._refresh(_("{name} may borrow for the reader.").format(name=x.name)),
        )

    def request(self) -> None:
        reader = self.need_reader()
        if reader is None:
            return
        self.ask(
            request_dialog(self.session, reader.summary.card_number, reader.profile.delivery),
            lambda pane, r: pane._refresh(
                _("Request queued: {wanted}.").format(wanted=r.wanted or _("the next volumes"))
            ),
        )

    def wait(self) -> None:
        reader = self.need_reader()
        if reader is None:
            return
        session, card = self.session, reader.summary.card_number
        call_service(
            self,
            "blind-wait",
            lambda: inventory.wait_for_device(session, card),
            lambda hold: self._refresh(
                _("{name} waits for a device, number {position} in the queue.").format(
                    name=hold.reader_name, position=hold.position or 1
                )
            ),
            self.show_error,
        )

    def visit(self) -> None:
        session = self.session
        call_service(
            self,
            "blind-visit",
            lambda: visits.record_visits(session),
            lambda total: self._refresh(_("Visit recorded: {count} today.").format(count=total)),
            self.show_error,
        )

    def toggle_speech(self) -> None:
        session = self.session

        def toggle() -> bool:
            on = not speech.speaking(session.library)
            if on:
                speech.check_available()
            change_blind_settings(session, speech=on)
            speak_if(session, lambda: _("Spoken feedback is on."))
            return on

        call_service(
            self,
            "blind-speech",
            toggle,
            lambda on: self._refresh(_("Spoken feedback is on.") if on else _("Spoken feedback is off.")),
            self.show_error,
        )


class BlindScreen(TabbedDeskScreen):
    """The blind reading room's desk."""

    TITLE_ID: ClassVar[str] = N_("Blind reading room")
    CSS_PATH: ClassVar[str] = "blind_desk.tcss"
    AUTO_FOCUS: ClassVar[str] = "#blind-scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "counter('toggle_mode')", N_("Take back mode"), key_display="F4"),
        Binding("f5", "counter('renew')", N_("Renew"), key_display="F5"),
        Binding("f6", "counter('wait')", N_("Wait for a device"), key_display="F6"),
        # Priority: the scanner's line (a text field) has the focus, and would take Ctrl+A and Ctrl+E
        # (start and end of the line) and Ctrl+V (paste) for itself.
        Binding("ctrl+e", "counter('check')", N_("Eligibility"), key_display="^E", priority=True),
        Binding("ctrl+a", "counter('address')", N_("Address"), key_display="^A", priority=True),
        Binding("ctrl+r", "counter('proxy')", N_("Proxy"), show=False, key_display="^R", priority=True),
        Binding("ctrl+n", "counter('request')", N_("Request"), key_display="^N", priority=True),
        Binding("ctrl+v", "counter('visit')", N_("Visit"), show=False, key_display="^V", priority=True),
        Binding("ctrl+t", "counter('toggle_speech')", N_("Speech"), key_display="^T", priority=True),
        Binding("escape", "close", N_("Close the reader"), show=False, key_display="Esc"),
    ]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="blind-tabs"):
            with TabPane(_("Counter"), id="tab-counter"):
                yield CounterPane(id="counter-pane")
            with TabPane(_("Requests"), id="tab-requests"):
                yield RequestsPane(id="requests-pane")
            with TabPane(_("Parcels"), id="tab-parcels"):
                yield ParcelsPane(id="parcels-pane")
            with TabPane(_("Devices"), id="tab-devices"):
                yield DevicesPane(id="devices-pane")
            with TabPane(_("Call list"), id="tab-calls"):
                yield CallsPane(id="calls-pane")
            with TabPane(_("Figures"), id="tab-figures"):
                yield FiguresPane(id="figures-pane")

    def counter(self) -> CounterPane:
        return self.query_one(CounterPane)

    def action_counter(self, method: str) -> None:
        """The counter's keys work from every tab: they bring the counter forward first."""
        self.query_one(TabbedContent).active = "tab-counter"
        getattr(self.counter(), method)()

    def action_close(self) -> None:
        if not self.counter().close_reader():
            self.app.pop_screen()

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self.counter().draw(), init=False)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab brought forward shows the room as it is now: the counter's work changes every list."""
        for pane in event.pane.query(DeskPane):
            reload = getattr(pane, "reload", None)
            if reload is not None:
                reload()
