"""Blind room desk, Requests and Parcels tabs: the requests queue, dispatch by post or home
delivery with the label and return card printed at once, parcels out, a parcel checked back
against what went out in it, and the day's home deliveries route by route."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Static, TabbedContent

from ils.blind import dispatch, printouts, profiles, requests
from ils.blind.dispatch import DispatchInfo
from ils.blind.stock import get_set
from ils.errors import IlsError, Invalid
from ils.i18n import N_, _
from ils.session import Session
from screens.base import DeskPane
from screens.circulation_view import clip
from screens.dialogs import Field, FormDialog
from screens.widgets import ListTable, StatusLine
from screens.work import call_service


def _day(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("screens.blind_date", "Type a date as 2026-03-02.") from None


def request_dialog(session: Session, card: str | None, how: str = "post") -> FormDialog[requests.RequestInfo]:
    """A request as the reader makes it; the card is asked for when no reader is open."""
    fields = [] if card else [Field("card", N_("Card number"))]
    fields += [
        Field(
            "channel",
            N_("Came by"),
            "select",
            value="phone",
            options=tuple((label, code) for code, label in requests.CHANNELS.items()),
            translate_options=True,
        ),
        Field("wanted", N_("Wanted"), placeholder=N_("titles, as the reader said them")),
        Field("next", N_("Also"), "checks", options=((N_("the next volumes"), "next"),), translate_options=True),
        Field(
            "how",
            N_("Reach them"),
            "select",
            value=how,
            options=tuple((label, code) for code, label in profiles.DELIVERY.items()),
            translate_options=True,
        ),
        Field("note", N_("Note")),
    ]

    def take(values: dict[str, Any]) -> requests.RequestInfo:
        return requests.take_request(
            session,
            card or values["card"],
            channel=values["channel"],
            wanted=values["wanted"],
            how=values["how"],
            next_volumes="next" in values["next"],
            note=values["note"] or None,
        )

    return FormDialog(N_("A request"), fields, take, submit_label=N_("Queue it"))


def print_parcel(session: Session, parcel: DispatchInfo) -> tuple[Path, Path]:
    return printouts.parcel_label(session, parcel.id), printouts.return_card(session, parcel.id)


class RequestsPane(DeskPane):
    """The queue, oldest first; dispatch the highlighted request."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, requests.RequestInfo] = {}

    def compose(self) -> ComposeResult:
        yield ListTable(N_("Asked"), N_("Reader"), N_("By"), N_("How"), N_("Wanted"), id="requests-table")
        with Grid(classes="pane-buttons"):
            yield Button(_("New request"), id="request-new", compact=True)
            yield Button(_("Dispatch"), id="request-dispatch", compact=True)
            yield Button(_("Collected"), id="request-collected", compact=True)
            yield Button(_("Cancel request"), id="request-cancel", compact=True)
        yield StatusLine(id="requests-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "requests", lambda: requests.request_queue(session), self._fill, self.show_error)

    def _fill(self, rows: list[requests.RequestInfo]) -> None:
        self._rows = {r.id: r for r in rows}
        self.query_one("#requests-table", ListTable).show_rows(
            [
                (
                    r.id,
                    (
                        r.received_at[5:16].replace("T", " "),
                        r.reader_name or "",
                        r.channel_label,
                        r.how_label,
                        clip(r.wanted or _("the next volumes"), 30),
                    ),
                )
                for r in rows
            ]
        )

    def _selected(self) -> requests.RequestInfo | None:
        key = self.query_one("#requests-table", ListTable).selected_key
        found = self._rows.get(key) if key else None
        if found is None:
            self.show_error(_("Choose a request in the list first."))
        return found

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "request-new":
            self.ask(request_dialog(session, None), lambda pane, r: pane._done(_("Request queued.")))
            return
        chosen = self._selected()
        if chosen is None:
            return
        if event.button.id == "request-dispatch":
            self._dispatch(chosen)
        elif event.button.id == "request-collected":
            call_service(
                self,
                "request",
                lambda: requests.hand_over(session, chosen.id),
                lambda _r: self._done(_("The reader collected it.")),
                self.show_error,
            )
        elif event.button.id == "request-cancel":
            call_service(
                self,
                "request",
                lambda: requests.cancel_request(session, chosen.id),
                lambda _r: self._done(_("Request cancelled.")),
                self.show_error,
            )

    def _dispatch(self, chosen: requests.RequestInfo) -> None:
        session = self.session
        method = chosen.how if chosen.how in dispatch.METHODS else "post"
        fields = [
            Field("barcodes", N_("Items"), placeholder=N_("barcodes, separated by spaces")),
            Field(
                "method",
                N_("Send"),
                "select",
                value=method,
                options=tuple((label, code) for code, label in dispatch.METHODS.items()),
                translate_options=True,
            ),
            Field("registered", N_("Registered mail no."), placeholder=N_("if it goes registered")),
            Field("day", N_("Delivery day"), placeholder=N_("today")),
            Field("route", N_("Route"), placeholder=N_("the reader's route")),
        ]

        def send(values: dict[str, Any]) -> tuple[DispatchInfo, tuple[Path, Path]]:
            parcel = dispatch.dispatch(
                session,
                request_id=chosen.id,
                barcodes=values["barcodes"].split(),
                method=values["method"],
                registered_number=values["registered"] or None,
                deliver_on=_day(values["day"]),
                route=values["route"] or None,
            )
            return parcel, print_parcel(session, parcel)

        self.ask(
            FormDialog(
                N_("Dispatch to {name}"),
                fields,
                send,
                submit_label=N_("Dispatch"),
                title_args={"name": chosen.reader_name or ""},
            ),
            lambda pane, done: pane._sent(*done),
        )

    def _sent(self, parcel: DispatchInfo, paths: tuple[Path, Path]) -> None:
        self._done(
            _("{method} {reference}: label and return card saved: {label}, {card}").format(
                method=parcel.method_label,
                reference=printouts.parcel_reference(parcel.id),
                label=paths[0].name,
                card=paths[1].name,
            )
        )
        self.screen.query_one(ParcelsPane).reload()

    def _done(self, text: str) -> None:
        self.status().info(text)
        self.reload()


class ParcelsPane(DeskPane):
    """Parcels and deliveries not back yet; a parcel checked back; the day's delivery rounds."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, DispatchInfo] = {}

    def compose(self) -> ComposeResult:
        yield ListTable(
            N_("Parcel"), N_("How"), N_("Reader"), N_("Sent"), N_("Items"), N_("Registered mail"), id="parcels-table"
        )
        with Grid(classes="pane-buttons"):
            yield Button(_("Came back"), id="parcel-back", compact=True)
            yield Button(_("Registered no."), id="parcel-registered", compact=True)
            yield Button(_("Delivered"), id="parcel-delivered", compact=True)
            yield Button(_("Print again"), id="parcel-print", compact=True)
            yield Button(_("Today's deliveries"), id="parcel-rounds", compact=True)
        yield Static("", id="parcel-rounds-text", markup=False)
        yield StatusLine(id="parcels-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "parcels", lambda: dispatch.parcels_out(session), self._fill, self.show_error)

    def _fill(self, rows: list[DispatchInfo]) -> None:
        self._rows = {r.id: r for r in rows}
        self.query_one("#parcels-table", ListTable).show_rows(
            [
                (
                    r.id,
                    (
                        printouts.parcel_reference(r.id),
                        r.method_label,
                        r.reader_name or "",
                        r.dispatched_at[5:10],
                        str(sum(1 for i in r.items if i.back_at is None)),
                        r.registered_number or "",
                    ),
                )
                for r in rows
            ]
        )

    def _selected(self) -> DispatchInfo | None:
        key = self.query_one("#parcels-table", ListTable).selected_key
        found = self._rows.get(key) if key else None
        if found is None:
            self.show_error(_("Choose a parcel in the list first."))
        return found

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "parcel-rounds":
            call_service(
                self,
                "rounds",
                lambda: dispatch.delivery_rounds(session, session.now().date()),
                self._rounds,
                self.show_error,
            )
            return
        chosen = self._selected()
        if chosen is None:
            return
        if event.button.id == "parcel-back":
            self.check_parcel(chosen)
        elif event.button.id == "parcel-registered":
            self.ask(
                FormDialog(
                    N_("Registered mail for {reference}"),
                    [Field("number", N_("Registered mail no."))],
                    lambda v: dispatch.set_registered_number(session, chosen.id, v["number"]),
                    title_args={"reference": printouts.parcel_reference(chosen.id)},
                ),
                lambda pane, _d: pane._done(_("Saved.")),
            )
        elif event.button.id == "parcel-delivered":
            self.ask(
                FormDialog(
                    N_("Delivered {reference}"),
                    [Field("by", N_("Delivered by"))],
                    lambda v: dispatch.mark_delivered(session, chosen.id, delivered_by=v["by"]),
                    title_args={"reference": printouts.parcel_reference(chosen.id)},
                ),
                lambda pane, _d: pane._done(_("Delivery recorded.")),
            )
        elif event.button.id == "parcel-print":
            call_service(
                self,
                "parcel-print",
                lambda: print_parcel(session, chosen),
                lambda paths: self._done(
                    _("Label and return card saved: {label}, {card}").format(label=paths[0].name, card=paths[1].name)
                ),
                self.show_error,
            )

    def check_parcel(self, parcel: DispatchInfo | None) -> None:
        """Tick what came back in the parcel: whole copies, and each volume of a set."""
        if parcel is None:
            return
        self.screen.query_one(TabbedContent).active = "tab-parcels"
        session = self.session

        def options() -> tuple[tuple[str, str], ...]:
            found = []
            for item in parcel.items:
                if item.back_at is not None:
                    continue
                try:
                    volumes = get_set(session, item.barcode).volumes
                except IlsError:  # not a set: ticked whole
                    volumes = ()
                if volumes:
                    found += [
                        (f"{clip(item.title, 16)} {v.label}", f"{item.barcode}:{v.number}")
                        for v in volumes
                        if v.state == "present"
                    ]
                else:
                    found.append((clip(item.title, 24), item.barcode))
            return tuple(found)

        def ask(choices: tuple[tuple[str, str], ...]) -> None:
            def receive(values: dict[str, Any]) -> dispatch.ParcelBack:
                contents: dict[str, list[int] | None] = {}
                for value in values["contents"]:
                    code, _sep, number = value.partition(":")
                    if number:
                        contents.setdefault(code, []).append(int(number))  # type: ignore[union-attr]
                    else:
                        contents[code] = None
                return dispatch.receive_parcel(session, parcel.id, contents)

            self.ask(
                FormDialog(
                    N_("What came back in parcel {reference}"),
                    [
                        Field(
                            "contents",
                            N_("In the parcel"),
                            "checks",
                            value=tuple(v for _l, v in choices),
                            options=choices,
                        )
                    ],
                    receive,
                    submit_label=N_("Take back"),
                    title_args={"reference": printouts.parcel_reference(parcel.id)},
                ),
                lambda pane, back: pane._parcel_back(back),
            )

        call_service(self, "parcel-options", options, ask, self.show_error)

    def _parcel_back(self, back: dispatch.ParcelBack) -> None:
        if back.still_out:
            self._done(
                _("Parcel {reference}: still out {barcodes}.").format(
                    reference=printouts.parcel_reference(back.dispatch.id), barcodes=", ".join(back.still_out)
                )
            )
        else:
            self._done(
                _("Parcel {reference} is back complete.").format(reference=printouts.parcel_reference(back.dispatch.id))
            )

    def _rounds(self, rounds: list[dispatch.Round]) -> None:
        lines = []
        for round_ in rounds:
            lines.append(f"{round_.route}:")
            for stop in round_.stops:
                where = " ".join(stop.address.lines()) if stop.address else ""
                done = f" ✓{stop.delivered_by}" if stop.delivered_at else ""
                lines.append(f"  {stop.reader_name or ''} {stop.phone or ''} {where} ({len(stop.titles)}){done}")
        self.query_one("#parcel-rounds-text", Static).update("\n".join(lines) or _("No deliveries today."))

    def _done(self, text: str) -> None:
        self.status().info(text)
        self.reload()
