"""``ils print ...``: printer test pages written to PDF files."""

from __future__ import annotations

from pathlib import Path

import click

from ils import printouts
from ils.cli.group import cli
from ils.cli.output import emit
from ils.cli.state import json_option, state
from ils.i18n import N_, _


def _write(pdf: bytes, out: Path, as_json: bool) -> None:
    printouts.write_pdf(pdf, out)
    emit(as_json, {"file": out, "bytes": len(pdf)}, lambda: _("Wrote {path}.").format(path=out))


out_option = click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help=N_("PDF file to write.")
)


@cli.group("print", help=N_("Printer test pages."))
def print_() -> None:
    """Group only: the printouts are the subcommands."""


@print_.command("test-page", help=N_("An A4 test page with Chinese text, barcodes and a ruler."))
@out_option
@json_option
def test_page(out: Path, as_json: bool) -> None:
    _write(printouts.test_page(state().session()), out, as_json)


@print_.command(help=N_("A label-sheet calibration page."))
@click.option(
    "--sheet",
    type=click.Choice(printouts.sheet_names()),
    default="a4-3x8-70x37",
    show_default=True,
    help=N_("Label sheet layout."),
)
@out_option
@json_option
def calibration(sheet: str, out: Path, as_json: bool) -> None:
    _write(printouts.label_calibration(state().session(), sheet), out, as_json)


@print_.command("receipt-test", help=N_("A test strip for the 80 mm receipt printer."))
@out_option
@json_option
def receipt_test(out: Path, as_json: bool) -> None:
    _write(printouts.receipt_test(state().session()), out, as_json)
