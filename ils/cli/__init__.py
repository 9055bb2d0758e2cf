"""The ``ils`` command line: a thin wrapper over the services of the same names."""

from __future__ import annotations

from ils.cli import branch_cmds, print_cmds, staff_cmds, system  # noqa: F401  (register commands)
from ils.cli.group import cli

__all__ = ["cli"]
