"""The ``ils`` command group. ``ils`` alone starts the desk application."""

from __future__ import annotations

from pathlib import Path

import click

from ils import __version__
from ils.cli.state import CliState
from ils.i18n import LANGUAGES, N_, set_language
from ils.paths import default_db_path


@click.group(invoke_without_command=True, help=N_("ils: the library system for the front desk, cataloguing and the branches."))
@click.version_option(__version__, "--version", prog_name="ils", message="%(prog)s %(version)s",
                      help=N_("Show the version and exit."))
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="ILS_DB",
              help=N_("Database file (default: ILS_DB, else the user data folder)."))
@click.option("--staff", envvar="ILS_STAFF", help=N_("Act as this staff member (or ILS_STAFF)."))
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), envvar="ILS_LANG",
              help=N_("Language: zh_CN (default) or en (or ILS_LANG)."))
@click.help_option("--help", "-h", help=N_("Show this message and exit."))
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, staff: str | None, lang: str | None) -> None:
    if lang:
        set_language(lang)
    state = CliState(db_path=db_path or default_db_path(), staff=staff)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        from ils.tui import run_desk

        run_desk(state.db_path)
