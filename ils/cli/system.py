"""``ils init``, ``ils demo``, ``ils backup``, ``ils restore``, ``ils check``."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from ils import maintenance
from ils.cli.group import cli
from ils.cli.output import emit, node_text
from ils.cli.state import json_option, state
from ils.demo import ADMIN, DEMO_PASSWORD, Progress, build_demo
from ils.errors import DatabaseProblem, Invalid
from ils.i18n import N_, _
from ils.initialise import initialise
from ils.library import is_initialised
from ils.permissions import Permission


@cli.command(help=N_("Create a new library database with its branches and the first administrator."))
@click.option("--library-name", default="醴陵市图书馆", show_default=True, help=N_("The library's name."))
@click.option(
    "--branch", "branch_code", default="ZG", show_default=True, help=N_("Code of the branch this desk serves.")
)
@click.option("--node-name", default="", help=N_("A name for this desk, e.g. 总馆-流通台1."))
@click.option(
    "--admin", "admin_username", default="admin", show_default=True, help=N_("User name of the first administrator.")
)
@click.option("--admin-name", default="", help=N_("Display name of the first administrator."))
@click.option("--admin-password", help=N_("Password of the first administrator (asked for when left out)."))
@json_option
def init(library_name, branch_code, node_name, admin_username, admin_name, admin_password, as_json) -> None:
    st = state()
    if is_initialised(st.path):
        raise DatabaseProblem(
            "cli.library_database_already_exists", "A library database already exists at {path}.", path=st.path
        )
    if admin_password is None:
        admin_password = click.prompt(
            _("Password for {name}").format(name=admin_username), hide_input=True, confirmation_prompt=True
        )
    library = initialise(
        st.path,
        library_name=library_name,
        branch_code=branch_code,
        node_name=node_name,
        admin_username=admin_username,
        admin_display_name=admin_name,
        admin_password=admin_password,
    )
    node = library.node
    library.close()
    emit(
        as_json,
        {"db": st.path, **node.__dict__},
        lambda: _("Created {path}").format(path=st.path) + "\n" + node_text(node),
    )


@cli.command(help=N_("Create a demo library with realistic Chinese data (demo passwords in the user guide)."))
@click.option("--seed", default=2021, show_default=True, type=int, help=N_("Seed for the random data."))
@click.option(
    "--year",
    type=int,
    help=N_("Instead: a full year shaped like the 2021 annual report (large; takes many minutes)."),
)
@click.option("--scale", default=1.0, show_default=True, type=float, help=N_("With --year: 0.01 builds a hundredth."))
@json_option
def demo(seed: int, year: int | None, scale: float, as_json: bool) -> None:
    st = state()
    if is_initialised(st.path):
        raise DatabaseProblem(
            "cli.library_database_already_exists", "A library database already exists at {path}.", path=st.path
        )
    progress = _progress_lines()
    if year is not None:
        from ils.demo.year2021 import build_year

        library = build_year(st.path, year=year, seed=seed, scale=scale, progress=progress)
    else:
        library = build_demo(st.path, seed=seed, progress=progress)
    node = library.node
    library.close()
    emit(
        as_json,
        {"db": st.path, "admin": ADMIN, "password": DEMO_PASSWORD, **node.__dict__},
        lambda: (
            _("Created the demo library at {path}; log in as {user} with the password {password}.").format(
                path=st.path, user=ADMIN, password=DEMO_PASSWORD
            )
            + "\n"
            + node_text(node)
        ),
    )


def _progress_lines() -> Progress:
    """A line on stderr as each step of building the demo starts, with the time so far, so a
    long build (the 2021 year takes many minutes) shows it is working and where the time goes."""
    started = time.monotonic()

    def progress(done: int, total: int, step: str) -> None:
        elapsed = round(time.monotonic() - started)
        if step:
            line = _("[{done}/{total}] {step}… ({seconds} s so far)")
            click.echo(line.format(done=done + 1, total=total, step=_(step), seconds=elapsed), err=True)
        else:
            click.echo(_("[{total}/{total}] Done in {seconds} s.").format(total=total, seconds=elapsed), err=True)

    return progress


def _passphrase(confirm: bool) -> str:
    """``ILS_BACKUP_PASSPHRASE``, else asked for in the terminal (twice when sealing)."""
    passphrase = os.environ.get("ILS_BACKUP_PASSPHRASE")
    if passphrase is not None:
        return passphrase
    if not sys.stdin or not sys.stdin.isatty():
        raise Invalid(
            "cli.passphrase_needed", "No passphrase: set ILS_BACKUP_PASSPHRASE or run the command in a terminal."
        )
    return click.prompt(_("Passphrase for the reader key file"), hide_input=True, confirmation_prompt=confirm)


@cli.command(help=N_("Back up the database while desks keep working (SQLite online backup)."))
@click.argument("out", required=False, type=click.Path(path_type=Path))
@click.option(
    "--with-keys",
    is_flag=True,
    help=N_(
        "Also seal the reader key file with a passphrase beside the backup (FILE.keys.sealed); "
        "the passphrase comes from ILS_BACKUP_PASSPHRASE or is asked for."
    ),
)
@json_option
def backup(out: Path | None, with_keys: bool, as_json: bool) -> None:
    session = state().session()
    passphrase = _passphrase(confirm=True) if with_keys else None
    result = maintenance.backup(session, out, passphrase=passphrase)

    def text() -> str:
        lines = [_("Backed up to {path} ({size} bytes).").format(path=result.path, size=result.size_bytes)]
        if result.sealed_keys:
            lines.append(_("The reader key file is sealed beside it: {path}").format(path=result.sealed_keys))
        lines += [_("Removed a leftover of an interrupted backup: {path}").format(path=p) for p in result.removed]
        return "\n".join(lines)

    warning = result.warning
    emit(
        as_json,
        {
            **result.__dict__,
            "keys_included": result.sealed_keys is not None,
            "warning": {"code": warning.code, "message": warning.render()} if warning else None,
        },
        text,
    )
    if warning is not None:
        click.echo(warning.render(), err=True)


@cli.command(help=N_("Replace the database with a backup, after checking the backup's integrity."))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--keys",
    "keys",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_(
        "The sealed reader key file to put back (default: FILE.keys.sealed, when it is there); "
        "the passphrase comes from ILS_BACKUP_PASSPHRASE or is asked for."
    ),
)
@click.option(
    "--without-keys",
    is_flag=True,
    help=N_("Leave the reader key file as it is, even if a sealed one is beside the backup."),
)
@json_option
def restore(file: Path, keys: Path | None, without_keys: bool, as_json: bool) -> None:
    st = state()
    maintenance.verify_backup_file(file)
    if without_keys:
        keys = None
    elif keys is None:
        keys = maintenance.sealed_keys_of(file)
    staff_id = None
    if is_initialised(st.path):
        try:
            st.library()
        except DatabaseProblem:
            pass  # the current file is unusable: nothing there to protect, nobody to ask
        else:
            session = st.session()
            session.require(Permission.RESTORE)
            staff_id = session.staff.id
            st.close()
    passphrase = _passphrase(confirm=False) if keys is not None else None
    result = maintenance.restore(st.path, file, staff_id, keys=keys, passphrase=passphrase)

    def text() -> str:
        lines = [_("Restored {path} from {file}.").format(path=st.path, file=file)]
        if result.previous_saved_as:
            lines.append(_("The previous database was saved as {safety}.").format(safety=result.previous_saved_as))
        if result.keys_restored:
            lines.append(_("The reader key file was put back: {path}").format(path=result.keys_restored))
        return "\n".join(lines)

    emit(as_json, {"db": st.path, "restored_from": file, **result.__dict__}, text)
    if result.key_file_missing is not None:
        click.echo(
            _(
                "WARNING: this library's reader key file is not at {path}: no ID or phone number can be read or "
                "looked up until it is put back (ils restore --keys FILE.keys.sealed, or a copy of the key "
                "file)."
            ).format(path=result.key_file_missing),
            err=True,
        )


@cli.command(
    help=N_(
        "Check the database: integrity, foreign keys, and journal against tables. With FILE (a backup), "
        "check that file read-only, without logging in; nothing in it changes."
    )
)
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@json_option
def check(file: Path | None, as_json: bool) -> None:
    report = maintenance.check_file(file) if file is not None else maintenance.check(state().session())
    emit(as_json, {"ok": report.ok, **report.__dict__}, lambda: "\n".join(report.lines()))
    if not report.ok:
        raise click.exceptions.Exit(1)
