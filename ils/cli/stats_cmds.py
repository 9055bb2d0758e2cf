"""``ils stats ...`` and ``ils report annual``: the indicators, their monthly figures and
breakdowns, the 4-year window, the manual inputs and report texts, the national return, the
ledgers and the annual report. One command per service, each with ``--json``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _
from ils.stats import annual, exports
from ils.stats import inputs as manual
from ils.stats.indicators import DIMENSIONS, REGISTRY, label, series


@cli.group(help=N_("Statistics: indicators by month and breakdown, the national return, ledgers and inputs."))
def stats() -> None:
    """Group only: each action is a subcommand."""


@cli.group(help=N_("Reports made from the statistics."))
def report() -> None:
    """Group only: each action is a subcommand."""


_YEAR = click.option("--year", required=True, type=int, help=N_("The year, e.g. 2021."))


@stats.command("list", help=N_("Every indicator: code, family, name, unit and breakdowns."))
@json_option
def list_(as_json) -> None:
    rows = [
        {
            "code": i.code,
            "family": i.family,
            "name": i.name,
            "unit": i.unit_name,
            "kind": i.kind,
            "dimensions": list(i.dimensions),
        }
        for i in REGISTRY.values()
    ]
    emit(
        as_json,
        rows,
        lambda: table(
            [(i.code, i.family, i.name, i.unit_name, ", ".join(i.dimensions)) for i in REGISTRY.values()],
            (_("Code"), _("Family"), _("Name"), _("Unit"), _("Breakdowns")),
        ),
    )


@stats.command("define", help=N_("What an indicator counts: its definition, unit and source."))
@click.argument("code", type=click.Choice(list(REGISTRY)))
@json_option
def define(code, as_json) -> None:
    i = REGISTRY[code]
    data = {
        "code": i.code,
        "zh": i.zh,
        "en": i.en,
        "unit": i.unit_name,
        "kind": i.kind,
        "definition_zh": i.definition_zh,
        "definition_en": i.definition_en,
        "source": i.source,
        "dimensions": list(i.dimensions),
    }
    emit(
        as_json,
        data,
        lambda: "\n".join(
            [f"{i.code}  {i.zh} / {i.en}", f"{_('Unit')}: {i.unit_name}", i.definition, f"{_('Source')}: {i.source}"]
        ),
    )


@stats.command("show", help=N_("An indicator's figures for a year, month by month, broken down if asked."))
@click.argument("code", type=click.Choice(list(REGISTRY)))
@_YEAR
@click.option("--by", "dimension", default="total", type=click.Choice(list(DIMENSIONS)), help=N_("Breakdown."))
@json_option
def show(code, year, dimension, as_json) -> None:
    found = series(state().session(), code, year, dimension)
    months = annual.month_labels()
    emit(
        as_json,
        found,
        lambda: (
            REGISTRY[code].name
            + f" {year}\n"
            + table(
                [(r.label, *map(str, r.months), str(r.total)) for r in found.rows],
                (label(DIMENSIONS, dimension), *months, label(DIMENSIONS, "total")),
            )
        ),
    )


@stats.command("window", help=N_("The evaluation's 4-year window ending in a year, with the averages."))
@_YEAR
@json_option
def window(year, as_json) -> None:
    years, lines = annual.window(state().session(), year)
    emit(
        as_json,
        {"years": years, "lines": lines},
        lambda: table(
            [(w.label, *map(str, w.values), str(w.average)) for w in lines],
            (_("Indicator"), *map(str, years), _("Average")),
        ),
    )


@stats.command("return", help=N_("The national return (文化和旅游统计) for a year, shown or written to .xlsx or .pdf."))
@_YEAR
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=N_("File to write (.xlsx or .pdf)."))
@json_option
def national_return(year, out, as_json) -> None:
    session = state().session()
    if out:
        path = exports.write_return(session, year, out)
        emit(as_json, {"path": path}, lambda: _("Wrote {path}").format(path=path))
        return
    lines = annual.national_return(annual.Year(session, year))
    emit(
        as_json,
        lines,
        lambda: table(
            [("  " * x.indent + x.label, x.code, x.unit, "" if x.value is None else f"{x.value:,}") for x in lines],
            (_("Item"), _("Code"), _("Unit"), _("Quantity")),
        ),
    )


@stats.command("ledgers", help=N_("Write the year's ledgers (台账): one workbook per indicator family."))
@_YEAR
@click.option("--out", "folder", required=True, type=click.Path(file_okay=False, path_type=Path), help=N_("Folder."))
@json_option
def ledgers(year, folder, as_json) -> None:
    paths = exports.write_ledgers(state().session(), year, folder)
    emit(as_json, {"paths": paths}, lambda: "\n".join(_("Wrote {path}").format(path=p) for p in paths))


@stats.command("inputs", help=N_("The year's manual inputs, with their sources and who entered them."))
@_YEAR
@json_option
def inputs_(year, as_json) -> None:
    found = manual.inputs(state().session(), year)
    emit(
        as_json,
        found,
        lambda: table(
            [(i.code, i.name, f"{i.value}", i.unit, i.source, i.entered_by or "", i.entered_at) for i in found],
            (_("Code"), _("Name"), _("Value"), _("Unit"), _("Source"), _("Entered by"), _("Entered at")),
        ),
    )


@stats.command("set-input", help=N_("Enter a figure no system records (population, floor area, seats …) for a year."))
@_YEAR
@click.argument("code", type=click.Choice(list(manual.INPUTS)))
@click.argument("value")
@click.option("--source", required=True, help=N_("Where the figure comes from."))
@json_option
def set_input(year, code, value, source, as_json) -> None:
    found = manual.set_input(state().session(), year=year, code=code, value=value, source=source)
    emit(as_json, found, lambda: f"{found.name} {year}: {found.value} {found.unit}")


@stats.command("set-text", help=N_("Save the year's work summary or work plan from a file (- for standard input)."))
@_YEAR
@click.argument("kind", type=click.Choice(list(manual.TEXTS)))
@click.argument("source", type=click.File("r", encoding="utf-8"), default=sys.stdin)
@json_option
def set_text(year, kind, source, as_json) -> None:
    found = manual.set_text(state().session(), year=year, kind=kind, body=source.read())
    emit(as_json, found, lambda: _("Saved {count} characters.").format(count=len(found.body)))


@stats.command("set-overview", help=N_("Save a paragraph of the annual report's overview from a file."))
@click.argument("part", type=click.Choice(list(manual.OVERVIEW)))
@click.argument("source", type=click.File("r", encoding="utf-8"), default=sys.stdin)
@json_option
def set_overview(part, source, as_json) -> None:
    text = manual.set_overview(state().session(), part=part, text=source.read())
    emit(as_json, {"part": part, "text": text}, lambda: _("Saved {count} characters.").format(count=len(text)))


@report.command("annual", help=N_("The annual report for a year, written to .pdf, .xlsx or .docx."))
@_YEAR
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help=N_("File to write."))
@json_option
def annual_report(year, out, as_json) -> None:
    path = exports.write_report(state().session(), year, out)
    emit(as_json, {"path": path}, lambda: _("Wrote {path}").format(path=path))
