"""System desk, Self-service tab: the 24-hour room's SIP2 machines and what each speaks.

The same settings as ``ils sip2 terminals``: the account and password, the service point its
loans count at, encoding, terminator, checksums, idle timeout and the addresses it may
connect from. Administrators only (the services refuse anyone else).
"""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button

from ils.i18n import N_, _
from ils.sip2 import terminals
from ils.sip2.terminals import Terminal
from screens.base import DeskPane
from screens.dialogs import Field, FormDialog, Values
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

_YES_NO = ((N_("yes"), "yes"), (N_("no"), "no"))


def _settings(terminal: Terminal | None) -> list[Field]:
    """The fields every machine has, filled in with ``terminal``'s settings (or the defaults)."""
    return [
        Field("name", N_("Name"), value=terminal.name if terminal else ""),
        Field("point", N_("Service point"), value=terminal.point_code if terminal else "ZZ24-ZZ"),
        Field(
            "encoding",
            N_("Encoding"),
            "select",
            value=terminal.encoding if terminal else "utf-8",
            options=tuple((e, e) for e in terminals.ENCODINGS),
        ),
        Field(
            "terminator",
            N_("Terminator"),
            "select",
            value=terminal.terminator if terminal else "cr",
            options=(("CR", "cr"), ("CR LF", "crlf")),
        ),
        Field(
            "checksums",
            N_("Checksums"),
            "select",
            value="yes" if terminal is None or terminal.error_detection else "no",
            options=_YES_NO,
            translate_options=True,
        ),
        Field("idle", N_("Idle (s)"), value=str(terminal.idle_timeout_s if terminal else 900)),
        Field("allow", N_("Addresses"), value=",".join(terminal.allowed_addresses) if terminal else "127.0.0.1,::1"),
    ]


def _changes(values: Values) -> dict[str, object]:
    """Every setting of the form but the service point (``point``), by the services' names."""
    return {
        "name": values["name"],
        "encoding": values["encoding"],
        "terminator": values["terminator"],
        "error_detection": values["checksums"] == "yes",
        "idle_timeout_s": values["idle"],
        "allowed_addresses": values["allow"],
    }


class TerminalsPane(DeskPane):
    """List the self-service machines; add one, change its settings or password, switch it off."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._terminals: dict[str, Terminal] = {}

    def compose(self) -> ComposeResult:
        yield ListTable(
            N_("Account"),
            N_("Name"),
            N_("Service point"),
            N_("Encoding"),
            N_("Checksums"),
            N_("Addresses"),
            N_("State"),
            id="terminals-table",
        )
        with Grid(classes="pane-buttons"):
            yield Button(_("Add terminal"), id="terminal-add", compact=True)
            yield Button(_("Settings"), id="terminal-change", compact=True)
            yield Button(_("New password"), id="terminal-password", compact=True)
            yield Button(_("Switch on/off"), id="terminal-toggle", compact=True)
        yield StatusLine(id="terminals-status")

    def on_mount(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        session = self.session
        call_service(self, "terminals", lambda: terminals.list_terminals(session), partial(self._fill, select))

    def _fill(self, select: str | None, found: list[Terminal]) -> None:
        self._terminals = {terminal.account: terminal for terminal in found}
        rows = [
            (
                terminal.account,
                (
                    terminal.account,
                    terminal.name,
                    terminal.point_code,
                    terminal.encoding,
                    _("yes") if terminal.error_detection else _("no"),
                    ",".join(terminal.allowed_addresses),
                    _("locked") if terminal.locked else (_("active") if terminal.active else _("off")),
                ),
            )
            for terminal in found
        ]
        self.query_one("#terminals-table", ListTable).show_rows(rows, select)

    def _selected(self) -> Terminal | None:
        key = self.query_one("#terminals-table", ListTable).selected_key
        terminal = self._terminals.get(key or "")
        if terminal is None:
            self.show_error(_("Choose a terminal in the list first."))
        return terminal

    def _done(self, text: str, account: str) -> None:
        self.status().info(text)
        self.reload(account)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "terminal-add": self._add,
            "terminal-change": self._change,
            "terminal-password": self._password,
            "terminal-toggle": self._toggle,
        }
        actions[event.button.id or ""]()

    def _add(self) -> None:
        session = self.session
        dialog = FormDialog(
            N_("Add a self-service terminal"),
            [
                Field("account", N_("Account")),
                Field("password", N_("Password"), "password"),
                Field("again", N_("Password again"), "password", repeat_of="password"),
                *_settings(None),
            ],
            lambda v: terminals.add_terminal(
                session, account=v["account"], password=v["password"], service_point=v["point"], **_changes(v)
            ),
            submit_label=N_("Add"),
        )
        self.ask(
            dialog,
            lambda pane, t: pane._done(_("Terminal {account} added.").format(account=t.account), t.account),
        )

    def _change(self) -> None:
        session, terminal = self.session, self._selected()
        if terminal is None:
            return
        dialog = FormDialog(
            N_("Settings of {account}"),
            _settings(terminal),
            lambda v: terminals.change_terminal(session, terminal.account, service_point=v["point"], **_changes(v)),
            submit_label=N_("Save"),
            title_args={"account": terminal.account},
        )
        self.ask(
            dialog,
            lambda pane, t: pane._done(_("Saved the settings of {account}.").format(account=t.account), t.account),
        )

    def _password(self) -> None:
        session, terminal = self.session, self._selected()
        if terminal is None:
            return
        dialog = FormDialog(
            N_("New password for {account}"),
            [
                Field("password", N_("Password"), "password"),
                Field("again", N_("Password again"), "password", repeat_of="password"),
            ],
            lambda v: terminals.set_terminal_password(session, terminal.account, v["password"]),
            submit_label=N_("Save"),
            title_args={"account": terminal.account},
        )
        self.ask(
            dialog,
            lambda pane, t: pane._done(_("New password set for {account}.").format(account=t.account), t.account),
        )

    def _toggle(self) -> None:
        session, terminal = self.session, self._selected()
        if terminal is None:
            return
        call_service(
            self,
            "terminal-toggle",
            lambda: terminals.change_terminal(session, terminal.account, active=not terminal.active),
            lambda t: self._done(
                (_("{account} may log in.") if t.active else _("{account} is switched off.")).format(account=t.account),
                t.account,
            ),
        )
