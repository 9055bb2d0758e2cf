"""``ils union ...``: the county union catalogue's database and its side of the exchange."""

from __future__ import annotations

from pathlib import Path

import click

from ils.cli.group import cli
from ils.cli.output import emit
from ils.cli.state import json_option, state
from ils.cli.sync_cmds import (
    do_conflicts,
    do_import,
    do_release,
    do_resolve,
    do_state_hash,
    do_status,
    do_watch,
    report_text,
    watch_options,
)
from ils.errors import DatabaseProblem
from ils.i18n import N_, _
from ils.library import is_initialised
from ils.sync import exchange, peers
from ils.sync.union import init_union, locate, migrate_to
from ils.sync.watch import UnionExport, WatchSettings


def _use_database(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--db`` of the union: a SQLite file, or ``postgresql://…`` (reached through its locator file)."""
    if value:
        state().db_path = locate(value)
    return value


@cli.group("union", help=N_("The county union catalogue: enrol desks, exchange bundles, settle conflicts."))
@click.option(
    "--db",
    "db",
    envvar="ILS_UNION_DB",
    expose_value=False,
    is_eager=True,
    callback=_use_database,
    help=N_("The union's database: a SQLite file, or a PostgreSQL server as postgresql://USER@HOST:PORT/NAME."),
)
def union_group() -> None:
    """Group only: each union action is a subcommand."""


@union_group.command(
    "init", help=N_("Create the union catalogue's database (with the library's branches and an administrator).")
)
@click.option(
    "--admin", "admin_username", default="admin", show_default=True, help=N_("User name of the first administrator.")
)
@click.option("--admin-name", default="", help=N_("Display name of the first administrator."))
@click.option("--admin-password", help=N_("Password of the first administrator (asked for when left out)."))
@click.option("--library-name", default=None, help=N_("The library's name."))
@json_option
def init(
    admin_username: str, admin_name: str, admin_password: str | None, library_name: str | None, as_json: bool
) -> None:
    st = state()
    if is_initialised(st.path):
        raise DatabaseProblem(
            "cli.library_database_already_exists", "A library database already exists at {path}.", path=st.path
        )
    if admin_password is None:
        admin_password = click.prompt(
            _("Password for {name}").format(name=admin_username), hide_input=True, confirmation_prompt=True
        )
    made = init_union(
        st.path,
        admin_username=admin_username,
        admin_password=admin_password,
        admin_display_name=admin_name,
        library_name=library_name,
    )
    emit(
        as_json,
        made,
        lambda: _(
            "Created the union catalogue at {path}. Its key fingerprint is {fingerprint}: "
            "give it to every desk that enrols."
        ).format(path=made.db, fingerprint=made.fingerprint),
    )


@union_group.command(help=N_("Trust a desk's key from its enrolment request."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def trust(file: Path, as_json: bool) -> None:
    found = peers.trust(state().session(), file)
    emit(
        as_json,
        found,
        lambda: _(
            "Trusted {name} ({branch}, node {node}); its key fingerprint is {fingerprint}: "
            "check that the desk shows the same one."
        ).format(name=found.name, branch=found.branch_code, node=found.node_id, fingerprint=found.fingerprint),
    )


@union_group.command(help=N_("Stop trusting a desk's key: its bundles are refused from now on."))
@click.argument("node")
@json_option
def revoke(node: str, as_json: bool) -> None:
    found = peers.revoke(state().session(), node)
    emit(as_json, found, lambda: _("Revoked the key of {name} ({node}).").format(name=found.name, node=found.node_id))


@union_group.command("import", help=N_("Apply a desk's bundle (checked before anything is read)."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def import_(file: Path, as_json: bool) -> None:
    do_import(file, as_json)


@union_group.command("export", help=N_("Write one desk's bundle: everything it has not yet got."))
@click.option("--node", "node", required=True, help=N_("The desk: its node id, name or branch code."))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("Folder to write the bundle to."),
)
@json_option
def export_(node: str, out: Path, as_json: bool) -> None:
    report = exchange.export_union(state().session(), node, out)
    emit(as_json, report, lambda: report_text(report))


@union_group.command("status", help=N_("Show every enrolled desk, what it sent, gaps, quarantine and conflicts."))
@json_option
def status_(as_json: bool) -> None:
    do_status(as_json)


@union_group.command("conflicts", help=N_("List the conflicts found between desks."))
@click.option("--all", "show_all", is_flag=True, help=N_("Include resolved conflicts."))
@json_option
def conflicts_(show_all: bool, as_json: bool) -> None:
    do_conflicts(show_all, as_json)


@union_group.command(help=N_("Resolve a conflict (for a copy lent twice, say which loan to keep)."))
@click.argument("conflict")
@click.option("--keep", help=N_("The loan the copy is really with: its id or the code of the branch that lent it."))
@click.option("--note", default="", help=N_("What was decided, in words."))
@json_option
def resolve(conflict: str, keep: str | None, note: str, as_json: bool) -> None:
    do_resolve(conflict, keep, note, as_json)


@union_group.command(help=N_("Apply a quarantined bundle now, or drop it."))
@click.argument("bundle")
@click.option("--drop", is_flag=True, help=N_("Drop it instead of applying it."))
@json_option
def release(bundle: str, drop: bool, as_json: bool) -> None:
    do_release(bundle, drop, as_json)


@union_group.command(
    "state-hash", help=N_("One hash per replicated table: equal wherever the same changes were applied.")
)
@json_option
def state_hash(as_json: bool) -> None:
    do_state_hash(as_json)


@union_group.command(
    "migrate-to", help=N_("Move this union from its SQLite file to an empty PostgreSQL database, keeping its state.")
)
@click.argument("url")
@json_option
def migrate_to_(url: str, as_json: bool) -> None:
    moved = migrate_to(state().library(), url)
    emit(
        as_json,
        moved,
        lambda: _(
            "Moved the union to {target}: {rows} rows, state hash {hash} on both. "
            "From now on open it with: ils union --db {target}"
        ).format(target=moved.target, rows=sum(moved.rows.values()), hash=moved.state_hash[:16]),
    )


@union_group.command(
    help=N_("Watch an inbox for desks' bundles and write each desk's bundle to a folder of its own in the outbox.")
)
@watch_options
@json_option
def watch(
    inbox: Path, outbox: Path | None, polling: bool, settle: float, rescan: float, export_every: float, as_json: bool
) -> None:
    do_watch(WatchSettings(inbox, outbox, polling, settle, rescan, export_every), UnionExport(), as_json)
