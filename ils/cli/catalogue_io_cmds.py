"""``ils catalogue import`` and ``ils catalogue export``: MARC files in and out."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from ils.catalogue import records
from ils.catalogue.marc_export import (
    ENCODINGS,
    SERIALISATIONS,
    UTF8,
    all_bib_ids,
    bib_ids_for_barcodes,
    export_records,
    write_export,
)
from ils.catalogue.marc_import import (
    DECISIONS,
    MERGE,
    Batch,
    ImportResult,
    StagedRecord,
    apply,
    decision_label,
    stage,
    unbarcoded_note,
)
from ils.catalogue.marc_read import ISO2709
from ils.catalogue.record_numbers import find_record_id, record_labels
from ils.cli.catalogue_group import catalogue
from ils.cli.output import emit
from ils.cli.state import json_option, state
from ils.errors import Invalid, Message
from ils.i18n import N_, _, ngettext


def _duplicate_text(record: StagedRecord, labels: dict[str, str]) -> str:
    if record.duplicate_of:
        what = _("catalogue record {id}").format(id=labels.get(record.duplicate_of, record.duplicate_of))
    else:
        what = _("record {number} of this file").format(number=record.duplicate_in_batch)
    how = str(record.reason)
    return _("record {number} 《{title}》: {how} as {what}; {decision}").format(
        number=record.number, title=record.title, how=how, what=what, decision=decision_label(record.decision)
    )


def _batch_text(batch: Batch, result: ImportResult | None) -> str:
    counts = batch.counts
    lines = [
        _(
            "{source}: {total} records, {new} new, {duplicates} duplicates, {rejects} refused; {holdings} copies."
        ).format(source=batch.source_name, **counts.__dict__)
    ]
    if counts.without_barcode:
        lines.append(str(unbarcoded_note(counts.without_barcode)))
    if batch.rejects:
        lines.append(_("Refused:"))
        lines += [f"  {reject.reason}" for reject in batch.rejects]
    duplicates = [r for r in batch.records if r.is_duplicate]
    if duplicates:
        lines.append(_("Duplicates:"))
        labels = record_labels(r.duplicate_of for r in duplicates if r.duplicate_of)
        lines += [f"  {_duplicate_text(r, labels)}" for r in duplicates]
    if result is None:
        lines.append(_("Dry run: nothing was stored."))
        return "\n".join(lines)
    lines.append(
        _(
            "Stored: {added} records added, {merged} merged into existing records, {skipped} skipped; "
            "{items} copies added."
        ).format(added=result.added, merged=result.merged, skipped=result.skipped, items=result.items_added)
    )
    if result.item_problems:
        lines.append(_("Copies not added:"))
        lines += [f"  {problem}" for problem in result.item_problems]
    return "\n".join(lines)


def _batch_json(batch: Batch, result: ImportResult | None) -> dict:
    return {
        "source": batch.source_name,
        "format": batch.format,
        "serialisation": batch.serialisation,
        "counts": batch.counts,
        "rejects": [
            {"number": r.number, "offset": r.offset, "code": _problem_code(r.reason), "reason": str(r.reason)}
            for r in batch.rejects
        ],
        "duplicates": [
            {
                "number": r.number,
                "title": r.title,
                "duplicate_of": r.duplicate_of,
                "duplicate_in_batch": r.duplicate_in_batch,
                "match": r.match,
                "decision": r.decision,
            }
            for r in batch.records
            if r.is_duplicate
        ],
        "dry_run": result is None,
        "result": None
        if result is None
        else {
            **dataclasses.asdict(result),
            "item_problems": [{"code": _problem_code(p), "reason": str(p)} for p in result.item_problems],
        },
    }


def _problem_code(reason: Message) -> str:
    """What is wrong, for a script: the code of the problem a record's or copy's reason names."""
    problem = reason.params.get("problem")
    return problem.code if isinstance(problem, Message) else reason.code


@catalogue.command(
    "import",
    help=N_(
        "Read a MARC file (ISO 2709 or MARCXML; CNMARC or MARC21), report its records, "
        "duplicates and refusals, and store it in one go."
    ),
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=N_("Only read and check the file; store nothing."))
@click.option(
    "--encoding", help=N_("The file's character set when detection gets it wrong: utf-8, gbk, gb18030 or marc-8.")
)
@click.option(
    "--on-duplicate",
    type=click.Choice(DECISIONS),
    default=MERGE,
    show_default=True,
    help=N_(
        "For a record the catalogue or the file already has: merge its copies into that record, "
        "skip it, or accept it as a new record."
    ),
)
@click.option("--branch", help=N_("Branch (code) for copies whose holding names no known branch."))
@click.option("--location", help=N_("Shelving location (code) for copies whose holding names none in their branch."))
@json_option
def import_(
    path: Path,
    dry_run: bool,
    encoding: str | None,
    on_duplicate: str,
    branch: str | None,
    location: str | None,
    as_json: bool,
) -> None:
    session = state().session()
    try:
        data = path.read_bytes()
    except OSError:
        raise Invalid("cli.file_unreadable", "Cannot read {path}.", path=path) from None
    batch = stage(session, data, source_name=path.name, encoding=encoding)
    if not batch.records:
        reasons = "; ".join(str(reject.reason) for reject in batch.rejects)
        raise Invalid(
            "cli.nothing_imported", "Nothing in {path} can be imported: {reasons}", path=path.name, reasons=reasons
        )
    batch.decide_all_duplicates(on_duplicate)
    result = None if dry_run else apply(session, batch, branch=branch, location=location)
    emit(as_json, _batch_json(batch, result), lambda: _batch_text(batch, result))


@catalogue.command("export", help=N_("Write catalogue records with their copies (905 / 852) to a MARC file."))
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--format",
    "serialisation",
    type=click.Choice(SERIALISATIONS),
    default=ISO2709,
    show_default=True,
    help=N_("ISO 2709 (what most library systems read) or MARCXML."),
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS, case_sensitive=False),
    default=UTF8,
    show_default=True,
    help=N_("Character set of the file."),
)
@click.option("--all", "everything", is_flag=True, help=N_("Export every record in the catalogue."))
@click.option("--id", "bib_ids", multiple=True, help=N_("A record to export, by its number or id (repeat for more)."))
@click.option(
    "--barcode",
    "barcodes",
    multiple=True,
    help=N_("Export the record of the item with this barcode (repeat for more)."),
)
@json_option
def export(
    out: Path,
    serialisation: str,
    encoding: str,
    everything: bool,
    bib_ids: tuple[str, ...],
    barcodes: tuple[str, ...],
    as_json: bool,
) -> None:
    if sum(1 for chosen in (everything, bib_ids, barcodes) if chosen) != 1:
        raise Invalid("cli.export_nothing_chosen", "Say which records to export with one of --all, --id or --barcode.")
    session = state().session()
    wanted = (
        all_bib_ids()
        if everything
        else [find_record_id(b) for b in bib_ids]
        if bib_ids
        else bib_ids_for_barcodes(barcodes)
    )
    data = export_records(session, wanted, serialisation=serialisation, encoding=encoding)
    write_export(data, out)
    count = len(dict.fromkeys(wanted))
    emit(
        as_json,
        {"file": out, "records": count, "bytes": len(data), "format": serialisation, "encoding": encoding.lower()},
        lambda: ngettext(
            "Wrote {count} record to {path} ({size} bytes).", "Wrote {count} records to {path} ({size} bytes).", count
        ).format(count=count, path=out, size=len(data)),
    )


@catalogue.command(
    "reindex",
    help=N_(
        "Rebuild the search index from the stored records (after damage or an upgrade "
        "that changes how text is indexed)."
    ),
)
@json_option
def reindex(as_json: bool) -> None:
    count = records.reindex(state().session())
    emit(
        as_json,
        {"records": count},
        lambda: ngettext("Indexed {count} record.", "Indexed {count} records.", count).format(count=count),
    )
