"""``ils branches ...`` and ``ils node ...``: places and this desk's identity."""

from __future__ import annotations

import click

from ils import branches as service
from ils import node as node_service
from ils.cli.group import cli
from ils.cli.output import emit, node_text, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _


def _branch_text(b: service.BranchInfo) -> str:
    lines = [f"{b.code}  {b.name}  {b.kind_label}" + ("" if b.active else "  " + _("closed"))]
    lines += [f"    {p.code}  {p.name}" for p in b.service_points]
    return "\n".join(lines)


@cli.group(help=N_("Branches and service points."))
def branches() -> None:
    """Group only: each branch action is a subcommand."""


@branches.command("list", help=N_("List branches and their service points."))
@json_option
def list_(as_json: bool) -> None:
    st = state()
    rows = service.list_branches(st.session())
    emit(
        as_json,
        rows,
        lambda: table(
            [
                (b.code, b.name, b.kind_label, str(len(b.service_points)), _("yes") if b.active else _("no"))
                for b in rows
            ],
            (_("Code"), _("Name"), _("Kind"), _("Service points"), _("Open")),
        ),
    )


@branches.command(help=N_("Add a branch."))
@click.argument("code")
@click.argument("name")
@click.option(
    "--kind", type=click.Choice(sorted(service.KINDS)), default="branch", show_default=True, help=N_("Kind of branch.")
)
@json_option
def add(code, name, kind, as_json) -> None:
    result = service.add_branch(state().session(), code=code, name=name, kind=kind)
    emit(as_json, result, lambda: _branch_text(result))


@branches.command(help=N_("Rename a branch."))
@click.argument("code")
@click.argument("name")
@json_option
def rename(code, name, as_json) -> None:
    result = service.rename_branch(state().session(), code, name)
    emit(as_json, result, lambda: _branch_text(result))


@branches.command(help=N_("Close a branch (no longer offered for new work)."))
@click.argument("code")
@json_option
def close(code, as_json) -> None:
    result = service.set_branch_active(state().session(), code, False)
    emit(as_json, result, lambda: _branch_text(result))


@branches.command(help=N_("Reopen a closed branch."))
@click.argument("code")
@json_option
def reopen(code, as_json) -> None:
    result = service.set_branch_active(state().session(), code, True)
    emit(as_json, result, lambda: _branch_text(result))


@branches.command("add-point", help=N_("Add a service point to a branch."))
@click.argument("branch")
@click.argument("code")
@click.argument("name")
@json_option
def add_point(branch, code, name, as_json) -> None:
    result = service.add_service_point(state().session(), branch=branch, code=code, name=name)
    emit(as_json, result, lambda: f"{result.branch_code}  {result.code}  {result.name}")


@branches.command("rename-point", help=N_("Rename a service point."))
@click.argument("code")
@click.argument("name")
@json_option
def rename_point(code, name, as_json) -> None:
    result = service.rename_service_point(state().session(), code, name)
    emit(as_json, result, lambda: f"{result.branch_code}  {result.code}  {result.name}")


@cli.group(help=N_("This desk: its library, branch and name."))
def node() -> None:
    """Group only: each node action is a subcommand."""


@node.command(help=N_("Show this desk's library, branch and node."))
@json_option
def show(as_json: bool) -> None:
    n = state().library().node
    emit(as_json, n, lambda: node_text(n))


@node.command("rename-library", help=N_("Change the library's name."))
@click.argument("name")
@json_option
def rename_library(name, as_json) -> None:
    n = node_service.set_library_name(state().session(), name)
    emit(as_json, n, lambda: node_text(n))


@node.command("rename", help=N_("Change this desk's name."))
@click.argument("name")
@json_option
def rename_node(name, as_json) -> None:
    n = node_service.set_node_name(state().session(), name)
    emit(as_json, n, lambda: node_text(n))


@node.command(help=N_("Say which branch this desk serves."))
@click.argument("branch")
@json_option
def move(branch, as_json) -> None:
    n = node_service.move_node(state().session(), branch)
    emit(as_json, n, lambda: node_text(n))
