"""Blind room desk, Devices, Call list and Figures tabs: the devices by state with the 循环出借
view, repairs, the call list with phones, and the room's figures for today and the year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Static

from ils.blind import inventory, repairs, stats, stock
from ils.i18n import N_, _, ngettext
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog
from screens.widgets import ListTable, StatusLine
from screens.work import call_service


class DevicesPane(DeskPane):
    """Devices by state and batch; those out longest, readers waiting, devices idle; repairs."""

    def compose(self) -> ComposeResult:
        yield Static("", id="devices-summary", markup=False)
        yield ListTable(N_("Serial"), N_("Model"), N_("Reader"), N_("Days out"), N_("Due"), id="devices-out")
        with Grid(classes="pane-buttons"):
            yield Button(_("Add device"), id="device-add", compact=True)
            yield Button(_("To repair"), id="device-repair", compact=True)
            yield Button(_("Back from repair"), id="device-repaired", compact=True)
            yield Button(_("Refresh"), id="device-refresh", compact=True)
        yield StatusLine(id="devices-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(
            self,
            "devices",
            lambda: (inventory.inventory(session), inventory.rotation(session, limit=10)),
            self._fill,
            self.show_error,
        )

    def _fill(self, found: tuple[inventory.Inventory, inventory.Rotation]) -> None:
        counts, rotation = found
        states = "  ".join(f"{c.label} {c.count}" for c in counts.by_state if c.count)
        waiting = "、".join(f"{w.reader_name}({w.days_waiting})" for w in rotation.waiting_longest[:4])
        idle = "、".join(f"{i.serial}({i.days_idle})" for i in rotation.idle_longest[:3])
        lines = [
            ngettext("{count} device: {states}", "{count} devices: {states}", counts.total).format(
                count=counts.total, states=states
            )
        ]
        if waiting:
            lines.append(_("Waiting longest (days): {names}").format(names=waiting))
        if idle:
            lines.append(_("Idle longest (days): {serials}").format(serials=idle))
        if counts.not_checked:
            lines.append(_("Back without the accessory check: {serials}").format(serials=", ".join(counts.not_checked)))
        self.query_one("#devices-summary", Static).update("\n".join(lines))
        self.query_one("#devices-out", ListTable).show_rows(
            [
                (d.serial, (d.serial, d.model, d.reader_name or "", str(d.days_out), d.due_on))
                for d in rotation.out_longest
            ]
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        session = self.session
        if event.button.id == "device-refresh":
            self.reload()
        elif event.button.id == "device-add":
            fields = [
                Field("serial", N_("Serial number")),
                Field("model", N_("Model"), value="智能听书机"),
                Field("batch", N_("Programme batch")),
                Field(
                    "kit",
                    N_("Kit"),
                    "checks",
                    value=tuple(stock.ACCESSORIES),
                    options=tuple((label, code) for code, label in stock.ACCESSORIES.items()),
                    translate_options=True,
                ),
            ]

            def add(v: dict[str, Any]) -> stock.DeviceInfo:
                return stock.add_device(
                    session, serial=v["serial"], model=v["model"], batch=v["batch"], accessories=v["kit"]
                )

            self.ask(
                FormDialog(N_("A device from the programme"), fields, add, submit_label=N_("Add")),
                lambda pane, d: pane._done(_("{serial} added.").format(serial=d.serial)),
            )
        elif event.button.id == "device-repair":
            fields = [
                Field("code", N_("Serial or barcode")),
                Field("repairer", N_("Repairer")),
                Field("fault", N_("Fault")),
            ]
            self.ask(
                FormDialog(
                    N_("Send a device to repair"),
                    fields,
                    lambda v: repairs.send_to_repair(
                        session, v["code"], repairer=v["repairer"], fault=v["fault"] or None
                    ),
                    submit_label=N_("Send"),
                ),
                lambda pane, d: pane._done(_("{serial} is in repair.").format(serial=d.serial)),
            )
        elif event.button.id == "device-repaired":
            fields = [
                Field("code", N_("Serial or barcode")),
                Field(
                    "outcome",
                    N_("Outcome"),
                    "select",
                    value="repaired",
                    options=tuple((label, code) for code, label in repairs.OUTCOMES.items()),
                    translate_options=True,
                ),
                Field("note", N_("Note")),
            ]
            self.ask(
                FormDialog(
                    N_("A device back from repair"),
                    fields,
                    lambda v: repairs.back_from_repair(
                        session, v["code"], outcome=v["outcome"], note=v["note"] or None
                    ),
                    submit_label=N_("Save"),
                ),
                lambda pane, d: pane._done(_("{serial}: {state}.").format(serial=d.serial, state=d.state_label)),
            )

    def _done(self, text: str) -> None:
        self.status().info(text)
        self.reload()


class CallsPane(DeskPane):
    """Readers whose device is long overdue, with their phone; what came of each call."""

    def compose(self) -> ComposeResult:
        yield ListTable(N_("Reader"), N_("Phone"), N_("Serial"), N_("Days overdue"), N_("Last call"), id="calls-table")
        with Grid(classes="pane-buttons"):
            yield Button(_("Record a call"), id="call-record", compact=True)
            yield Button(_("Refresh"), id="call-refresh", compact=True)
        yield StatusLine(id="calls-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.session
        call_service(self, "calls", lambda: inventory.call_list(session), self._fill, self.show_error)

    def _fill(self, rows: list[inventory.CallEntry]) -> None:
        self.query_one("#calls-table", ListTable).show_rows(
            [
                (
                    r.loan_id,
                    (
                        r.reader_name or "",
                        r.phone or "",
                        r.serial,
                        str(r.days_overdue),
                        inventory.call_outcome_label(r.last_outcome),
                    ),
                )
                for r in rows
            ]
        )
        if not rows:
            self.status().info(_("Nobody to call."))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "call-refresh":
            self.reload()
            return
        loan = self.query_one("#calls-table", ListTable).selected_key
        if loan is None:
            self.show_error(_("Choose a reader in the list first."))
            return
        session = self.session
        fields = [
            Field(
                "outcome",
                N_("Outcome"),
                "select",
                value="reached",
                options=tuple((label, code) for code, label in inventory.CALL_OUTCOMES.items()),
                translate_options=True,
            ),
            Field("note", N_("Note")),
        ]
        self.ask(
            FormDialog(
                N_("A follow-up call"),
                fields,
                lambda v: inventory.record_call(session, loan, v["outcome"], note=v["note"] or None),
                submit_label=N_("Save"),
            ),
            lambda pane, made: pane._done(_("Call recorded: {outcome}.").format(outcome=made.outcome_label)),
        )

    def _done(self, text: str) -> None:
        self.status().info(text)
        self.reload()


def figures_text(today: stats.BlindFigures, year: stats.BlindFigures) -> str:
    names = {"device": _("Devices"), "audio": _("Audio"), "braille": _("Braille"), "large_print": _("Large print")}

    def column(f: stats.BlindFigures) -> list[str]:
        return [
            str(f.visits),
            *(f"{m.loans}" for m in f.loans),
            str(f.postal_dispatches),
            str(f.home_deliveries),
            str(f.requests),
        ]

    labels = [
        _("Visits"),
        *(_("Loans: {medium}").format(medium=names[m.medium]) for m in today.loans),
        _("Parcels posted"),
        _("Home deliveries"),
        _("Requests"),
    ]
    width = max(cell_len(label) for label in labels) + 2

    def row(label: str, a: str, b: str) -> str:
        return label + " " * (width - cell_len(label)) + " " * (10 - cell_len(a)) + a + " " * (10 - cell_len(b)) + b

    lines = [row("", _("Today"), _("This year"))]
    lines += [row(label, a, b) for label, a, b in zip(labels, column(today), column(year), strict=True)]
    lines.append(
        _("Visually impaired readers: {count} ({checked} checked)").format(
            count=year.registered_readers, checked=year.verified_readers
        )
    )
    lines.append(
        _("Devices: {out} out, {stock} in stock, {repair} in repair").format(
            out=year.devices_out, stock=year.devices_in_stock, repair=year.devices_in_repair
        )
    )
    return "\n".join(lines)


class FiguresPane(DeskPane):
    """Today's and this year's figures (the statistics issue gathers them for the annual report)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="figures-text", markup=False)
        with Grid(classes="pane-buttons"):
            yield Button(_("Refresh"), id="figures-refresh", compact=True)
        yield StatusLine(id="figures-status")

    def on_mount(self) -> None:
        self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.reload()

    def reload(self) -> None:
        session = self.session

        def load() -> tuple[stats.BlindFigures, stats.BlindFigures]:
            today = session.now().date()
            return (
                stats.blind_figures(session, today, today),
                stats.blind_figures(session, dt.date(today.year, 1, 1), today),
            )

        call_service(
            self,
            "figures",
            load,
            lambda found: self.query_one("#figures-text", Static).update(figures_text(*found)),
            self.show_error,
        )
