"""What every command shares: the database path, the acting staff member, how to answer."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ils.errors import LoginFailed
from ils.i18n import N_, _
from ils.library import Library, open_library
from ils.paths import default_db_path
from ils.session import Session
from ils.staff import log_in


@dataclass
class CliState:
    """Made by ``ils.__main__`` before the command line is parsed, so a failure can still be
    answered the way the command asked (``--json``) and logged beside the right database."""

    db_path: Path | None = None
    staff: str | None = None
    read_only: bool = False
    """``--read-only``; a file that cannot be written is opened read-only anyway."""
    as_json: bool = False
    """Set while parsing, by ``--json`` of whichever command has it."""
    command: str = ""
    """The command group or command run (``readers``), for the log; never its arguments."""
    _library: Library | None = None

    @property
    def path(self) -> Path:
        return self.db_path or default_db_path()

    def library(self) -> Library:
        if self._library is None:
            self._library = open_library(self.path, read_only=True if self.read_only else None)
        return self._library

    def session(self) -> Session:
        """Log in as ``--staff`` / ``ILS_STAFF``; the password comes from ``ILS_PASSWORD`` or a prompt."""
        if not self.staff:
            raise LoginFailed("cli.say_who_you_staff", "Say who you are with --staff NAME or ILS_STAFF.")
        password = os.environ.get("ILS_PASSWORD")
        if password is None:
            if not sys.stdin or not sys.stdin.isatty():
                raise LoginFailed(
                    "cli.password_set_ils_password", "No password: set ILS_PASSWORD or run the command in a terminal."
                )
            password = click.prompt(_("Password for {name}").format(name=self.staff), hide_input=True)
        return log_in(self.library(), self.staff, password)

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


def state() -> CliState:
    found = click.get_current_context().find_object(CliState)
    assert found is not None, "the ils command group makes the state before any subcommand runs"
    return found


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.ensure_object(CliState).as_json = True
    return value


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    callback=_remember_json,
    help=N_('Print the result as JSON (a refusal as {"error": ...} on standard error).'),
)
