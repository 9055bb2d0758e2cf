"""``ils sip2 ...`` (the self-service server and its terminals) and ``ils kiosk``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import click

from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.errors import LoginFailed
from ils.i18n import N_, _
from ils.logs import start_log
from ils.sip2 import selfcheck, terminals
from ils.sip2.terminals import Terminal


@cli.group(help=N_("Self-service: the SIP2 server for self-check machines and its terminals."))
def sip2() -> None:
    """Group only: each action is a subcommand."""


@sip2.command("serve", help=N_("Serve the self-check machines (SIP2 2.00) until stopped with Ctrl+C."))
@click.option("--host", default="0.0.0.0", show_default=True, help=N_("Address to listen on."))
@click.option("--port", default=6001, show_default=True, type=int, help=N_("TCP port to listen on."))
@click.option(
    "--tls-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path), help=N_("TLS certificate (PEM).")
)
@click.option(
    "--tls-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help=N_("TLS private key (PEM).")
)
def serve(host: str, port: int, tls_cert: Path | None, tls_key: Path | None) -> None:
    from ils.sip2.server import Sip2Server, tls_context

    path = state().path
    state().library()  # refuse a missing or unusable database before listening
    start_log(path)
    tls = tls_context(tls_cert, tls_key) if tls_cert and tls_key else None
    server = Sip2Server(path, host=host, port=port, tls=tls)

    async def run() -> None:
        await server.start()
        click.echo(_("SIP2 server listening on {host}:{port}.").format(host=host, port=server.port))
        stopping = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
        try:
            await stopping.wait()
        finally:
            await server.stop()
        click.echo(_("SIP2 server stopped."))

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        click.echo(_("SIP2 server stopped."))


@sip2.group("terminals", help=N_("The self-service machines: their accounts and what each speaks."))
def terminals_group() -> None:
    """Group only: each action is a subcommand."""


def _line(terminal: Terminal) -> tuple[str, ...]:
    state_text = _("locked") if terminal.locked else (_("active") if terminal.active else _("off"))
    return (
        terminal.account,
        terminal.name,
        terminal.point_code,
        terminal.encoding,
        terminal.terminator,
        _("yes") if terminal.error_detection else _("no"),
        terminal.delimiter,
        terminal.language,
        str(terminal.idle_timeout_s),
        ",".join(terminal.allowed_addresses),
        state_text,
    )


_HEADERS = (
    N_("Account"),
    N_("Name"),
    N_("Service point"),
    N_("Encoding"),
    N_("Terminator"),
    N_("Checksums"),
    N_("Delimiter"),
    N_("Language"),
    N_("Idle (s)"),
    N_("Addresses"),
    N_("State"),
)


def _show(terminals_: list[Terminal]) -> str:
    return table([_line(t) for t in terminals_], tuple(_(h) for h in _HEADERS))


def _password(*, new: bool) -> str:
    """The terminal's password from ILS_TERMINAL_PASSWORD, else asked (twice when it is a new one)."""
    password = os.environ.get("ILS_TERMINAL_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise LoginFailed(
            "sip2.password_needed", "No terminal password: set ILS_TERMINAL_PASSWORD or run the command in a terminal."
        )
    return click.prompt(_("Terminal password"), hide_input=True, confirmation_prompt=new)


_SETTINGS = [
    click.option("--name", help=N_("What the machine is called (e.g. 自助借还机1).")),
    click.option("--encoding", type=click.Choice(terminals.ENCODINGS), help=N_("Encoding: utf-8 or gbk.")),
    click.option(
        "--terminator", type=click.Choice(list(terminals.TERMINATORS)), help=N_("Answers end with CR or CR LF.")
    ),
    click.option("--checksums/--no-checksums", "error_detection", default=None, help=N_("Error detection (AY/AZ).")),
    click.option("--delimiter", help=N_("Field delimiter (default |).")),
    click.option("--language", help=N_("Language of its screen messages: zh_CN or en.")),
    click.option("--idle-timeout", "idle_timeout_s", type=int, help=N_("Seconds of silence before it is logged out.")),
    click.option(
        "--allow", "allowed_addresses", help=N_("Addresses or networks it may connect from, comma-separated.")
    ),
]


def _with_settings(command):
    for option in reversed(_SETTINGS):
        command = option(command)
    return command


@terminals_group.command(
    "add", help=N_("A new self-service machine (password from ILS_TERMINAL_PASSWORD or a prompt).")
)
@click.argument("account")
@click.option("--point", "service_point", required=True, help=N_("Service point its loans count at (e.g. ZZ24-ZZ)."))
@_with_settings
@json_option
def add(account: str, service_point: str, as_json: bool, **settings) -> None:
    found = terminals.add_terminal(
        state().session(), account=account, password=_password(new=True), service_point=service_point, **settings
    )
    emit(as_json, found, lambda: _("Terminal {account} added.").format(account=found.account))


@terminals_group.command("set", help=N_("Change a machine's settings."))
@click.argument("account")
@click.option("--point", "service_point", help=N_("Service point its loans count at."))
@click.option("--active/--off", "active", default=None, help=N_("Let it log in, or not."))
@_with_settings
@json_option
def change(account: str, as_json: bool, **settings) -> None:
    found = terminals.change_terminal(state().session(), account, **settings)
    emit(as_json, found, lambda: _show([found]))


@terminals_group.command("password", help=N_("A new password for a machine (also unlocks it)."))
@click.argument("account")
@json_option
def password(account: str, as_json: bool) -> None:
    found = terminals.set_terminal_password(state().session(), account, _password(new=True))
    emit(as_json, found, lambda: _("New password set for {account}.").format(account=found.account))


@terminals_group.command("list", help=N_("Every self-service machine with its settings."))
@json_option
def list_(as_json: bool) -> None:
    found = terminals.list_terminals(state().session())
    emit(as_json, found, lambda: _show(found))


@sip2.command("offline", help=N_("The offline policy: after how long without the union, and the smaller loan limit."))
@click.option("--after-hours", type=int, help=N_("Hours without hearing from the union."))
@click.option("--loan-limit", type=int, help=N_("Items a reader of another branch may have out from here."))
@json_option
def offline(after_hours: int | None, loan_limit: int | None, as_json: bool) -> None:
    session = state().session()
    if after_hours is None and loan_limit is None:
        policy = selfcheck.offline_policy(session)
    else:
        policy = selfcheck.change_offline_policy(session, after_hours=after_hours, loan_limit=loan_limit)
    emit(
        as_json,
        policy,
        lambda: _("After {hours} hours without the union: {limit} items for readers of other branches.").format(
            hours=policy.after_hours, limit=policy.loan_limit
        ),
    )


@cli.command(
    "kiosk", help=N_("The reader-facing self-service screen (log in as a terminal; leave with a staff password).")
)
@click.option("--terminal", "account", required=True, help=N_("The terminal account the kiosk works as."))
@click.option("--speech/--no-speech", default=False, help=N_("Say the prompts aloud (espeak-ng)."))
def kiosk(account: str, speech: bool) -> None:
    from ils.tui import run_kiosk

    library = state().library()
    secret = _password(new=False)
    stored = terminals.password_hash_of(account)
    matches = terminals.check_password(secret, stored)
    session = terminals.log_in_terminal(library, account, matches, "127.0.0.1", stored)
    run_kiosk(session, terminals.terminal_of(library, account), speech=speech)
