"""The ``ils`` command line: a thin wrapper over the services of the same names."""

from __future__ import annotations

from ils.cli import (  # noqa: F401  (register commands)
    blind_cmds,
    branch_cmds,
    catalogue_group,
    catalogue_io_cmds,
    circ_cmds,
    circ_group,
    circ_money_cmds,
    circ_setup_cmds,
    events_cmds,
    item_cmds,
    print_cmds,
    reader_cmds,
    search_cmds,
    serials_cmds,
    sip2_cmds,
    staff_cmds,
    stats_cmds,
    sync_cmds,
    system,
    union_cmds,
)
from ils.cli.group import cli

__all__ = ["cli"]
