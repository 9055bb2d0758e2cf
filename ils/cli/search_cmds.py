"""``ils catalogue search``: the desk's search box on the command line."""

from __future__ import annotations

import click

from ils.catalogue.record_numbers import record_label
from ils.catalogue.search import FIELDS, MAX_LIMIT, SORTS, Hit, SearchResult, search
from ils.cli.catalogue_group import catalogue
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _


def _availability_text(hit: Hit) -> str:
    return "  ".join(f"{a.branch_name} {a.available}/{a.total}" for a in hit.availability)


def _result_text(result: SearchResult) -> str:
    lines = []
    if result.hits:
        lines.append(
            table(
                [
                    (
                        record_label(h.number, h.bib_id),
                        h.title,
                        h.responsibility or "",
                        h.year or "",
                        h.call_number or "",
                        _availability_text(h),
                    )
                    for h in result.hits
                ],
                (
                    _("Record no."),
                    _("Title"),
                    _("Responsibility"),
                    _("Year"),
                    _("Call number"),
                    _("On the shelf / copies"),
                ),
            )
        )
    if result.message:
        lines.append(str(result.message))
    if result.more:
        lines.append(_("There are more hits; raise --limit or add a word to narrow the search."))
    return "\n".join(lines)


@catalogue.command(
    "search",
    help=N_(
        "Search the catalogue by title, author, publisher or subject word, pinyin "
        "(hongloumeng, hlm), ISBN, call number or item barcode."
    ),
)
@click.argument("text")
@click.option(
    "--field",
    type=click.Choice(FIELDS),
    default="any",
    show_default=True,
    help=N_('Where to look; "any" decides from the text.'),
)
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help=N_("Order of the hits: relevance, title (pinyin), year (newest first) or call number."),
)
@click.option("--branch", help=N_("Only records with a copy in this branch (code)."))
@click.option(
    "--limit", type=click.IntRange(1, MAX_LIMIT), default=20, show_default=True, help=N_("How many hits to show.")
)
@json_option
def search_(text, field, sort, branch, limit, as_json) -> None:
    state().session()  # any staff member may search, but only a logged-in one
    result = search(text, field=field, sort=sort, branch=branch, limit=limit)
    emit(as_json, result, lambda: _result_text(result))
