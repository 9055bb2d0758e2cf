"""The ``ils`` command group. ``ils`` alone starts the desk application."""

from __future__ import annotations

from pathlib import Path

import click

from ils import __version__
from ils.cli.state import CliState
from ils.i18n import LANGUAGES, N_, set_language


@click.group(
    invoke_without_command=True, help=N_("ils: the library system for the front desk, cataloguing and the branches.")
)
@click.version_option(
    __version__, "--version", prog_name="ils", message="%(prog)s %(version)s", help=N_("Show the version and exit.")
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ILS_DB",
    help=N_("Database file (default: ILS_DB, else the user data folder)."),
)
@click.option("--staff", envvar="ILS_STAFF", help=N_("Act as this staff member (or ILS_STAFF)."))
@click.option(
    "--lang",
    type=click.Choice(sorted(LANGUAGES)),
    envvar="ILS_LANG",
    help=N_("Language: zh_CN (default) or en (or ILS_LANG)."),
)
@click.option(
    "--read-only",
    "read_only",
    is_flag=True,
    envvar="ILS_READ_ONLY",
    help=N_(
        "Open the database read-only (an archived copy, read-only media): search and reports work, "
        "changes are refused. A file that cannot be written is opened read-only anyway."
    ),
)
@click.help_option("--help", "-h", help=N_("Show this message and exit."))
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, staff: str | None, lang: str | None, read_only: bool) -> None:
    if lang:
        set_language(lang)
    state = ctx.ensure_object(CliState)
    state.db_path, state.staff, state.read_only = db_path, staff, read_only
    state.command = ctx.invoked_subcommand or ""
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        from ils.tui import run_desk

        run_desk(state.path, read_only=True if read_only else None)
