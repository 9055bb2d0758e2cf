"""The command groups of the cataloguing desk; their commands live in the modules beside this one."""

from __future__ import annotations

from ils.cli.group import cli
from ils.i18n import N_


@cli.group(help=N_("Catalogue records: import, export, search, call numbers."))
def catalogue() -> None:
    """Group only: each catalogue action is a subcommand."""


@cli.group(help=N_("Items (copies): add, show and change them by barcode."))
def items() -> None:
    """Group only: each item action is a subcommand."""


@cli.group(help=N_("Spine and barcode labels: queue them and print a sheet."))
def labels() -> None:
    """Group only: each label action is a subcommand."""


@cli.group(help=N_("Shelving locations in the branches."))
def locations() -> None:
    """Group only: each location action is a subcommand."""
