"""The command group of the front desk; its commands live in the modules beside this one."""

from __future__ import annotations

from ils.cli.group import cli
from ils.i18n import N_


@cli.group(help=N_("Circulation: checkout, return, renew, holds, transit, overdues, rotation, rules, calendar."))
def circ() -> None:
    """Group only: each circulation action is a subcommand."""
