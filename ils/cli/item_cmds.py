"""``ils items``, ``ils labels``, ``ils locations`` and the call-number commands of ``ils catalogue``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from ils import printouts
from ils.catalogue import book_numbers
from ils.catalogue import items as items_service
from ils.catalogue import labels as label_queue
from ils.catalogue import locations as location_service
from ils.catalogue.items import (
    CATALOGUING_STATUSES,
    ITEM_TYPES,
    ItemInfo,
    add_item,
    change_item,
    find_item,
    item_type_label,
)
from ils.catalogue.record_numbers import find_record_id
from ils.catalogue.records import view_record
from ils.cli.catalogue_group import catalogue, items, labels, locations
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _, ngettext

# --- items ----------------------------------------------------------------------------------


def _item_line(item: ItemInfo) -> str:
    place = " ".join(p for p in (item.branch_name, item.location_name) if p)
    return "  ".join((item.barcode, item.call_number or "-", place, item.status_label))


def _item_text(item: ItemInfo, title: str, record: str) -> str:
    rows = (
        (_("Barcode"), item.barcode),
        (_("Title"), title),
        (_("Call number"), item.call_number or ""),
        (_("Branch"), item.branch_name),
        (_("Location"), item.location_name or ""),
        (_("Status"), item.status_label),
        (_("Type"), item_type_label(item.item_type)),
        (_("Price"), item.price_text),
        (_("Acquired"), item.acquired_on or ""),
        (_("Source"), item.source or ""),
        (_("Note"), item.note or ""),
        (_("Record"), record),
    )
    return "\n".join(f"{name}: {value}" for name, value in rows)


@items.command(
    "add", help=N_("Add a copy of a record, with the barcode on its label or a new one from this desk's barcode range.")
)
@click.argument("record")
@click.argument("barcode", required=False)
@click.option("--new-barcode", is_flag=True, help=N_("Take the next barcode from this desk's barcode range."))
@click.option("--branch", help=N_("Owning branch code (default: this desk's branch)."))
@click.option("--location", help=N_("Shelving location code."))
@click.option("--call-number", help=N_("Call number (default: the record's)."))
@click.option("--price", help=N_("Price, e.g. 25.00."))
@click.option(
    "--type",
    "item_type",
    type=click.Choice(sorted(ITEM_TYPES)),
    default="book",
    show_default=True,
    help=N_("Kind of item."),
)
@click.option("--source", help=N_("Where the copy came from (supplier, gift)."))
@json_option
def add(record, barcode, new_barcode, branch, location, call_number, price, item_type, source, as_json) -> None:
    if bool(barcode) == new_barcode:
        raise click.UsageError(_("Give the item's BARCODE or --new-barcode, one of the two."))
    session = state().session()
    if new_barcode:
        (barcode,) = book_numbers.next_barcodes(session, 1)
    result = add_item(
        session,
        find_record_id(record),
        barcode,
        branch=branch,
        location=location,
        call_number=call_number,
        item_type=item_type,
        price=price,
        source=source,
    )
    emit(as_json, result, lambda: _item_line(result))


@items.command("show", help=N_("Show an item by its barcode."))
@click.argument("barcode")
@json_option
def show(barcode, as_json) -> None:
    state().library()
    item = find_item(barcode)
    summary = view_record(item.bib_id).summary
    emit(
        as_json,
        {**dataclasses.asdict(item), "title": summary.title, "record_number": summary.number},
        lambda: _item_text(item, summary.title, summary.label),
    )


@items.command("change", help=N_("Change an item: status, place, call number, price or note."))
@click.argument("barcode")
@click.option("--status", type=click.Choice(CATALOGUING_STATUSES), help=N_("New status."))
@click.option("--branch", help=N_("New owning branch code."))
@click.option("--location", help=N_("New shelving location code (empty to clear)."))
@click.option("--call-number", help=N_("New call number."))
@click.option("--price", help=N_("New price, e.g. 25.00."))
@click.option("--type", "item_type", type=click.Choice(sorted(ITEM_TYPES)), help=N_("New kind of item."))
@click.option("--source", help=N_("Where the copy came from."))
@click.option("--note", help=N_("A note on the copy (empty to clear)."))
@json_option
def change(barcode, status, branch, location, call_number, price, item_type, source, note, as_json) -> None:
    result = change_item(
        state().session(),
        barcode,
        status=status,
        branch=branch,
        location=location,
        call_number=call_number,
        price=price,
        item_type=item_type,
        source=source,
        note=note,
    )
    emit(as_json, result, lambda: _item_line(result))


@items.command(
    "barcode-format",
    help=N_("Show or set what this library's item barcodes look like; a scan that does not fit is refused."),
)
@click.option("--letters/--digits", default=None, help=N_("Capital letters, digits and '-', or digits only."))
@click.option("--min-length", type=click.IntRange(1), help=N_("Fewest characters, prefix included."))
@click.option("--max-length", type=click.IntRange(1), help=N_("Most characters, prefix included."))
@click.option("--prefix", help=N_("What every barcode starts with (empty: nothing)."))
@json_option
def barcode_format(letters, min_length, max_length, prefix, as_json) -> None:
    if letters is None and min_length is None and max_length is None and prefix is None:
        state().library()
        result = items_service.barcode_format()
    else:
        result = items_service.change_barcode_format(
            state().session(), letters=letters, min_length=min_length, max_length=max_length, prefix=prefix
        )
    emit(
        as_json,
        {**dataclasses.asdict(result), "description": str(result.describe())},
        lambda: _("Item barcodes: {format}").format(format=result.describe()),
    )


# --- labels ---------------------------------------------------------------------------------

kind_option = click.option(
    "--kind", type=click.Choice(sorted(label_queue.KINDS)), help=N_("Only this kind of label: spine or barcode.")
)


@labels.command("queue", help=N_("Queue spine and barcode labels for items, to print later on one sheet."))
@click.argument("barcodes", nargs=-1)
@click.option("--record", help=N_("Queue the labels of every copy of this record (its number or id)."))
@kind_option
@json_option
def queue(barcodes, record, kind, as_json) -> None:
    if not barcodes and not record:
        raise click.UsageError(_("Give item barcodes or --record."))
    session = state().session()
    kinds = (kind,) if kind else None
    added = label_queue.queue_record_labels(session, find_record_id(record), kinds) if record else 0
    if barcodes:
        added += label_queue.queue_labels(session, barcodes, kinds)
    waiting = len(label_queue.queued_labels())
    emit(
        as_json,
        {"queued": added, "waiting": waiting},
        lambda: ngettext(
            "Queued {count} label; {waiting} are waiting to be printed.",
            "Queued {count} labels; {waiting} are waiting to be printed.",
            added,
        ).format(count=added, waiting=waiting),
    )


@labels.command("list", help=N_("List the labels waiting to be printed."))
@kind_option
@json_option
def list_labels(kind, as_json) -> None:
    state().library()
    rows = label_queue.queued_labels(kind)
    emit(
        as_json,
        rows,
        lambda: table(
            [
                (
                    q.kind_label,
                    q.barcode,
                    q.call_number or "",
                    q.title,
                    " ".join(p for p in (q.branch_name, q.location_name) if p),
                )
                for q in rows
            ],
            (_("Label"), _("Barcode"), _("Call number"), _("Title"), _("Location")),
        ),
    )


@labels.command("print", help=N_("Print the waiting labels of one kind as a PDF sheet and take them off the queue."))
@click.option(
    "--kind",
    type=click.Choice(sorted(label_queue.KINDS)),
    default="spine",
    show_default=True,
    help=N_("Which labels to print: spine or barcode."),
)
@click.option(
    "--sheet",
    type=click.Choice(printouts.sheet_names()),
    help=N_("Label sheet layout (default: the kind's usual sheet)."),
)
@click.option(
    "--start-at",
    type=int,
    default=1,
    show_default=True,
    help=N_("First free label on a part-used sheet, counted row by row from the top left."),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("PDF file to write (default: the prints folder beside the database)."),
)
@json_option
def print_labels(kind, sheet, start_at, out, as_json) -> None:
    session = state().session()
    path = label_queue.print_queue_file(session, kind=kind, sheet=sheet, start_at=start_at, out=out)
    emit(as_json, {"file": path, "bytes": path.stat().st_size}, lambda: _("Wrote {path}.").format(path=path))


@labels.command("clear", help=N_("Empty the label queue without printing."))
@kind_option
@json_option
def clear(kind, as_json) -> None:
    dropped = label_queue.clear_queue(state().session(), [kind] if kind else None)
    emit(
        as_json,
        {"dropped": dropped},
        lambda: ngettext("Took {count} label off the queue.", "Took {count} labels off the queue.", dropped).format(
            count=dropped
        ),
    )


# --- locations ------------------------------------------------------------------------------


def _location_row(loc: location_service.LocationInfo) -> tuple[str, ...]:
    return (
        loc.code,
        loc.name,
        loc.branch_code,
        location_service.scheme_label(loc.book_number_scheme),
        _("yes") if loc.floating else _("no"),
        _("yes") if loc.loanable else _("no"),
        _("yes") if loc.active else _("no"),
    )


def _location_text(rows: list[location_service.LocationInfo]) -> str:
    headers = (_("Code"), _("Name"), _("Branch"), _("Book numbers"), _("Floating"), _("Loanable"), _("Open"))
    return table([_location_row(loc) for loc in rows], headers)


scheme_option = click.option(
    "--scheme",
    type=click.Choice(sorted(location_service.SCHEMES)),
    help=N_("How book numbers are given here: sequence (种次号) or author (著者号)."),
)


@locations.command("list", help=N_("List shelving locations."))
@click.option("--branch", help=N_("Only this branch's locations."))
@click.option("--all", "include_closed", is_flag=True, help=N_("Include closed locations."))
@json_option
def list_locations(branch, include_closed, as_json) -> None:
    state().library()
    rows = location_service.list_locations(branch, include_closed=include_closed)
    emit(as_json, rows, lambda: _location_text(rows))


@locations.command("add", help=N_("Add a shelving location to a branch."))
@click.argument("code")
@click.argument("name")
@click.option("--branch", required=True, help=N_("Branch code."))
@scheme_option
@click.option("--floating", is_flag=True, help=N_("Items stay where they are returned instead of going home."))
@click.option("--not-loanable", is_flag=True, help=N_("Items here are for reading in the room only."))
@json_option
def add_location(code, name, branch, scheme, floating, not_loanable, as_json) -> None:
    result = location_service.add_location(
        state().session(),
        branch=branch,
        code=code,
        name=name,
        book_number_scheme=scheme or "sequence",
        floating=floating,
        loanable=not not_loanable,
    )
    emit(as_json, result, lambda: _location_text([result]))


@locations.command("change", help=N_("Change a shelving location."))
@click.argument("code")
@click.option("--name", help=N_("New name."))
@scheme_option
@click.option("--floating/--not-floating", default=None, help=N_("Whether items float."))
@click.option("--loanable/--not-loanable", default=None, help=N_("Whether items here lend."))
@click.option("--open/--closed", "active", default=None, help=N_("Open or close the location."))
@json_option
def change_location(code, name, scheme, floating, loanable, active, as_json) -> None:
    result = location_service.change_location(
        state().session(),
        code,
        name=name,
        book_number_scheme=scheme,
        floating=floating,
        loanable=loanable,
        active=active,
    )
    emit(as_json, result, lambda: _location_text([result]))


# --- call numbers and ranges ----------------------------------------------------------------


@catalogue.command("callnumber", help=N_("Give a record its call number: its class and the next book number."))
@click.argument("record")
@click.option("--location", help=N_("Shelving location whose book-number scheme to use (default: the copies')."))
@click.option("--class", "clc_class", help=N_("CLC (中图法) class, if not the record's own."))
@click.option("--replace", is_flag=True, help=N_("Give a new call number to a record that has one."))
@json_option
def callnumber(record, location, clc_class, replace, as_json) -> None:
    session = state().session()
    bib_id = find_record_id(record)
    result = book_numbers.assign_call_number(session, bib_id, location=location, clc_class=clc_class, replace=replace)
    emit(as_json, {"bib_id": bib_id, "call_number": result}, lambda: result)


@catalogue.group(help=N_("Book-number and barcode ranges reserved for each desk."))
def ranges() -> None:
    """Group only: list and reserve are the subcommands."""


@ranges.command("list", help=N_("List the reserved ranges and how far each is used."))
@click.option("--kind", type=click.Choice(sorted(book_numbers.KINDS)), help=N_("Only ranges of this kind."))
@json_option
def list_ranges(kind, as_json) -> None:
    library = state().library()
    rows = book_numbers.list_ranges(state().library(), kind)

    def node_text(node_id: str) -> str:
        return _("this desk") if node_id == library.node_id else node_id

    emit(
        as_json,
        rows,
        lambda: table(
            [
                (
                    _(book_numbers.KINDS[r.kind]),
                    str(r.first),
                    str(r.last),
                    node_text(r.node_id),
                    str(r.used),
                    str(r.left),
                )
                for r in rows
            ],
            (_("Kind"), _("First"), _("Last"), _("Node"), _("Used"), _("Left")),
        ),
    )


@ranges.command("reserve", help=N_("Reserve a block of book numbers or barcodes for a desk."))
@click.argument("first", type=click.IntRange(min=1))
@click.argument("last", type=click.IntRange(min=1))
@click.option("--kind", type=click.Choice(sorted(book_numbers.KINDS)), required=True, help=N_("What the numbers are."))
@click.option("--node", "node_id", help=N_("The desk's node id (default: this desk)."))
@json_option
def reserve(first, last, kind, node_id, as_json) -> None:
    result = book_numbers.reserve_range(state().session(), kind=kind, first=first, last=last, node_id=node_id)
    emit(
        as_json,
        result,
        lambda: _("Reserved {first}–{last} ({kind}) for node {node}.").format(
            first=result.first, last=result.last, kind=_(book_numbers.KINDS[result.kind]), node=result.node_id
        ),
    )
