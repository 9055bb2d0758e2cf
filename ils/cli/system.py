"""``ils init``, ``ils demo``, ``ils backup``, ``ils restore``, ``ils check``."""

from __future__ import annotations

from pathlib import Path

import click

from ils import maintenance
from ils.cli.group import cli
from ils.cli.output import emit, node_text
from ils.cli.state import json_option, state
from ils.demo import ADMIN, DEMO_PASSWORD, build_demo
from ils.errors import DatabaseProblem
from ils.i18n import N_, _
from ils.initialise import initialise
from ils.library import is_initialised
from ils.permissions import Permission


@cli.command(help=N_("Create a new library database with its branches and the first administrator."))
@click.option("--library-name", default="醴陵市图书馆", show_default=True, help=N_("The library's name."))
@click.option("--branch", "branch_code", default="ZG", show_default=True, help=N_("Code of the branch this desk serves."))
@click.option("--node-name", default="", help=N_("A name for this desk, e.g. 总馆-流通台1."))
@click.option("--admin", "admin_username", default="admin", show_default=True, help=N_("User name of the first administrator."))
@click.option("--admin-name", default="", help=N_("Display name of the first administrator."))
@click.option("--admin-password", help=N_("Password of the first administrator (asked for when left out)."))
@json_option
def init(library_name, branch_code, node_name, admin_username, admin_name, admin_password, as_json) -> None:
    st = state()
    if is_initialised(st.db_path):
        raise DatabaseProblem("cli.library_database_already_exists", "A library database already exists at {path}.", path=st.db_path)
    if admin_password is None:
        admin_password = click.prompt(
            _("Password for {name}").format(name=admin_username), hide_input=True, confirmation_prompt=True
        )
    library = initialise(
        st.db_path,
        library_name=library_name,
        branch_code=branch_code,
        node_name=node_name,
        admin_username=admin_username,
        admin_display_name=admin_name,
        admin_password=admin_password,
    )
    node = library.node
    library.close()
    emit(as_json, {"db": st.db_path, **node.__dict__},
         lambda: _("Created {path}").format(path=st.db_path) + "\n" + node_text(node))


@cli.command(help=N_("Create a demo library with realistic Chinese data (demo passwords in the user guide)."))
@click.option("--seed", default=2021, show_default=True, type=int, help=N_("Seed for the random data."))
@json_option
def demo(seed: int, as_json: bool) -> None:
    st = state()
    if is_initialised(st.db_path):
        raise DatabaseProblem("cli.library_database_already_exists", "A library database already exists at {path}.", path=st.db_path)
    library = build_demo(st.db_path, seed=seed)
    node = library.node
    library.close()
    emit(as_json, {"db": st.db_path, "admin": ADMIN, "password": DEMO_PASSWORD, **node.__dict__},
         lambda: _("Created the demo library at {path}; log in as {user} with the password {password}.").format(
             path=st.db_path, user=ADMIN, password=DEMO_PASSWORD) + "\n" + node_text(node))


@cli.command(help=N_("Back up the database while desks keep working (SQLite online backup)."))
@click.argument("out", required=False, type=click.Path(path_type=Path))
@json_option
def backup(out: Path | None, as_json: bool) -> None:
    result = maintenance.backup(state().session(), out)
    emit(as_json, result, lambda: _("Backed up to {path} ({size} bytes).").format(
        path=result.path, size=result.size_bytes))


@cli.command(help=N_("Replace the database with a backup, after checking the backup's integrity."))
@click.argument("file", type=click.Path(path_type=Path))
@json_option
def restore(file: Path, as_json: bool) -> None:
    st = state()
    maintenance.verify_backup_file(file)
    staff_id = None
    if is_initialised(st.db_path):
        try:
            st.library()
        except DatabaseProblem:
            pass  # the current file is unusable: nothing there to protect, nobody to ask
        else:
            session = st.session()
            session.require(Permission.RESTORE)
            staff_id = session.staff.id
            st.close()
    safety = maintenance.restore(st.db_path, file, staff_id)
    emit(as_json, {"db": st.db_path, "restored_from": file, "previous_saved_as": safety},
         lambda: _("Restored {path} from {file}.").format(path=st.db_path, file=file)
         + ("\n" + _("The previous database was saved as {safety}.").format(safety=safety) if safety else ""))


@cli.command(help=N_("Check the database: integrity, foreign keys, and journal against tables."))
@json_option
def check(as_json: bool) -> None:
    report = maintenance.check(state().session())
    emit(as_json, {"ok": report.ok, **report.__dict__}, lambda: "\n".join(report.lines()))
    if not report.ok:
        raise click.exceptions.Exit(1)
