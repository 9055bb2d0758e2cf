"""``ils staff ...``: accounts and roles, run as an administrator."""

from __future__ import annotations

import click

from ils import staff as service
from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _


def _summary_text(s: service.StaffSummary) -> str:
    flags = [] if s.active else [_("deactivated")]
    if s.locked:
        flags.append(_("locked"))
    return (
        f"{s.username}  {s.display_name}  {'、'.join(s.role_labels)}  {s.branch_code or ''}  {' '.join(flags)}".rstrip()
    )


@cli.group(help=N_("Staff accounts, roles and passwords."))
def staff() -> None:
    """Group only: each account action is a subcommand."""


@staff.command("list", help=N_("List staff accounts."))
@json_option
def list_(as_json: bool) -> None:
    rows = service.list_staff(state().session())
    emit(
        as_json,
        rows,
        lambda: table(
            [
                (
                    s.username,
                    s.display_name,
                    "、".join(s.role_labels),
                    s.branch_code or "",
                    _("yes") if s.active else _("no"),
                    _("yes") if s.locked else "",
                )
                for s in rows
            ],
            (_("User"), _("Full name"), _("Roles"), _("Branch"), _("Active"), _("Locked")),
        ),
    )


@staff.command(help=N_("Add a staff account."))
@click.argument("username")
@click.option("--name", "display_name", default="", help=N_("Display name."))
@click.option(
    "--roles",
    required=True,
    help=N_("Comma-separated roles: admin, circulation, cataloguing, blind_room, events, statistics."),
)
@click.option("--branch", help=N_("Home branch code."))
@click.option("--password", help=N_("Initial password (asked for when left out)."))
@json_option
def add(username, display_name, roles, branch, password, as_json) -> None:
    session = state().session()
    if password is None:
        password = click.prompt(
            _("Password for {name}").format(name=username), hide_input=True, confirmation_prompt=True
        )
    result = service.add_staff(
        session, username=username, display_name=display_name, password=password, roles=roles, branch=branch
    )
    emit(as_json, result, lambda: _summary_text(result))


@staff.command(help=N_("Set a staff member's roles."))
@click.argument("username")
@click.argument("roles")
@json_option
def roles(username, roles, as_json) -> None:
    result = service.set_roles(state().session(), username, roles)
    emit(as_json, result, lambda: _summary_text(result))


@staff.command(help=N_("Set a new password for a staff member; this also unlocks the account."))
@click.argument("username")
@click.option("--password", help=N_("The new password (asked for when left out)."))
@json_option
def password(username, password, as_json) -> None:
    session = state().session()
    if password is None:
        password = click.prompt(
            _("Password for {name}").format(name=username), hide_input=True, confirmation_prompt=True
        )
    result = service.reset_password(session, username, password)
    emit(as_json, result, lambda: _summary_text(result))


@staff.command(help=N_("Unlock an account locked after wrong passwords."))
@click.argument("username")
@json_option
def unlock(username, as_json) -> None:
    result = service.unlock(state().session(), username)
    emit(as_json, result, lambda: _summary_text(result))


@staff.command(help=N_("Deactivate an account (it can no longer log in)."))
@click.argument("username")
@json_option
def deactivate(username, as_json) -> None:
    result = service.set_active(state().session(), username, False)
    emit(as_json, result, lambda: _summary_text(result))


@staff.command(help=N_("Reactivate a deactivated account."))
@click.argument("username")
@json_option
def activate(username, as_json) -> None:
    result = service.set_active(state().session(), username, True)
    emit(as_json, result, lambda: _summary_text(result))
