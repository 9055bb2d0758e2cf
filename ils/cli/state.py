"""What every command shares: the database path, the acting staff member, the language."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ils.errors import LoginFailed
from ils.i18n import N_, _
from ils.library import Library, open_library
from ils.session import Session
from ils.staff import log_in


@dataclass
class CliState:
    db_path: Path
    staff: str | None
    _library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = open_library(self.db_path)
        return self._library

    def session(self) -> Session:
        """Log in as ``--staff`` / ``ILS_STAFF``; the password comes from ``ILS_PASSWORD`` or a prompt."""
        if not self.staff:
            raise LoginFailed("cli.say_who_you_staff", "Say who you are with --staff NAME or ILS_STAFF.")
        password = os.environ.get("ILS_PASSWORD")
        if password is None:
            if not sys.stdin or not sys.stdin.isatty():
                raise LoginFailed("cli.password_set_ils_password", "No password: set ILS_PASSWORD or run the command in a terminal.")
            password = click.prompt(_("Password for {name}").format(name=self.staff), hide_input=True)
        return log_in(self.library(), self.staff, password)

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


def state() -> CliState:
    return click.get_current_context().find_object(CliState)


json_option = click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
