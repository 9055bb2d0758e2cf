"""The label print queue: spine and barcode labels collected while cataloguing, printed a sheet at a time.

Label stock is sold in sheets of 24 to 65, and feeding a sheet for each book wastes the
rest of it, so labels wait in a queue shared by the desks of this database until the
cataloguer prints a batch. The queue holds items, not text: a label shows the item's
call number and location as they are when it is printed, so a call number corrected
after queuing is printed corrected.

Labels come off the sheet in shelf order (call number, then barcode): the order the
books stand in once sorted on the trolley, so each label goes on the next book.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peewee import JOIN

from db.ids import new_id
from db.models import BibRecord, Branch, Item, LabelQueue, Location
from ils.catalogue.callnumbers import VOLUME_MARK, parse_call_number
from ils.catalogue.items import get_item
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.printouts import save_pdf, sheet_named, write_pdf
from ils.session import Session, writes
from printing.labels import BarcodeLabel, SpineLabel, render_barcode_labels, render_spine_labels
from printing.pages import LabelSheet

KINDS: dict[str, str] = {"spine": N_("spine label"), "barcode": N_("barcode label")}
_NOTHING_WAITING: dict[str, str] = {
    "spine": N_("No spine labels are waiting to be printed."),
    "barcode": N_("No barcode labels are waiting to be printed."),
}
#: The sheet each kind is printed on unless another is chosen: small spine labels, many to a sheet;
#: barcode labels wide enough for a scanner to read.
DEFAULT_SHEETS: dict[str, str] = {"spine": "a4-4x10-48.5x25.4", "barcode": "a4-5x13-38.1x21.2"}
#: A barcode label's title line is shrunk to fit; past this length it would be unreadable.
_TITLE_CHARS = 16


@dataclass(frozen=True)
class QueuedLabel:
    id: str
    kind: str
    barcode: str
    call_number: str | None
    title: str
    branch_name: str
    location_name: str | None
    queued_at: str

    @property
    def kind_label(self) -> str:
        return _(KINDS[self.kind])


def _check_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    for kind in kinds:
        if kind not in KINDS:
            raise Invalid(
                "catalogue.label_unknown_kind",
                "Unknown kind of label {kind}; kinds are: {kinds}.",
                kind=kind,
                kinds=", ".join(KINDS),
            )
    if not kinds:
        raise Invalid("catalogue.label_kinds_missing", "Say which labels: spine, barcode or both.")
    return tuple(dict.fromkeys(kinds))


def _no_call_number(barcode: str) -> Invalid:
    return Invalid(
        "catalogue.label_needs_call_number",
        "The item {barcode} has no call number yet, so it has no spine label; give its record a call number first.",
        barcode=barcode,
    )


def _wanted(items: Sequence[Item], kinds: Sequence[str] | None) -> list[tuple[str, str]]:
    """(item id, kind) of each label asked for.

    With no kinds given, each item gets the labels it can have: its barcode label, and
    its spine label once it has a call number (copies are often scanned in before the
    record gets one; queuing the record again afterwards adds the spine labels).
    Asking for a spine label of an item without a call number is refused.
    """
    items = list(dict.fromkeys(items))
    if kinds is None:
        return [(item.id, kind) for item in items for kind in KINDS if kind == "barcode" or item.call_number]
    kinds = _check_kinds(kinds)
    if "spine" in kinds:
        for item in items:
            if not item.call_number:
                raise _no_call_number(item.barcode)
    return [(item.id, kind) for item in items for kind in kinds]


def _queue(session: Session, items: Sequence[Item], kinds: Sequence[str] | None) -> int:
    """Queue labels for ``items``; what is already queued is left as it is."""
    wanted = _wanted(items, kinds)
    with session.write() as writer:
        waiting = {
            (row.item_id, row.kind)
            for row in LabelQueue.select(LabelQueue.item, LabelQueue.kind).where(
                LabelQueue.item.in_([item.id for item in items])
            )
        }
        new = [label for label in wanted if label not in waiting]
        if not new:
            return 0
        now = session.library.now_text()
        LabelQueue.insert_many(
            [(new_id(), item_id, kind, session.staff.id, now) for item_id, kind in new],
            fields=[LabelQueue.id, LabelQueue.item, LabelQueue.kind, LabelQueue.staff_id, LabelQueue.queued_at],
        ).execute()
        writer.journal(
            "labels.queue",
            "label_queue",
            None,
            {"labels": [{"item_id": item_id, "kind": kind} for item_id, kind in new]},
        )
    return len(new)


@writes
def queue_labels(session: Session, barcodes: Sequence[str], kinds: Sequence[str] | None = None) -> int:
    """Queue labels for the items with these barcodes; returns how many labels were added.

    ``kinds`` is "spine", "barcode" or both; left out, every label the item can have.
    """
    session.require(Permission.PRINT_LABELS)
    items = [get_item(barcode) for barcode in barcodes]
    if not items:
        raise Invalid("catalogue.label_barcodes_missing", "Scan or type at least one item barcode.")
    return _queue(session, items, kinds)


@writes
def queue_record_labels(session: Session, bib_id: str, kinds: Sequence[str] | None = None) -> int:
    """Queue labels for every copy of a record, as the cataloguer wants after giving it a
    call number or adding its copies."""
    session.require(Permission.PRINT_LABELS)
    bib = BibRecord.get_or_none((BibRecord.id == bib_id) & (BibRecord.deleted == False))  # noqa: E712
    if bib is None:
        raise NotFound("catalogue.no_such_record", "There is no such catalogue record.")
    items = list(Item.select().where((Item.bib == bib.id) & (Item.status != "withdrawn")))
    if not items:
        raise Invalid("catalogue.record_has_no_copies", "The record has no copies to label yet.")
    return _queue(session, items, kinds)


def record_labels_waiting(bib_id: str) -> int:
    """Labels of the record's copies in the queue now, whoever queued them (F7 queues as it adds copies)."""
    return LabelQueue.select().join(Item).where(Item.bib == bib_id).count()


def _waiting(kinds: Sequence[str]):
    return (
        LabelQueue.select(LabelQueue, Item, BibRecord, Branch, Location)
        .join(Item)
        .join(BibRecord)
        .switch(Item)
        .join(Branch)
        .switch(Item)
        .join(Location, JOIN.LEFT_OUTER)
        .where(LabelQueue.kind.in_(list(kinds)))
        .order_by(LabelQueue.kind.desc(), Item.shelf_key.is_null(), Item.shelf_key, Item.barcode)
    )


def _queued(row: LabelQueue) -> QueuedLabel:
    item = row.item
    return QueuedLabel(
        id=row.id,
        kind=row.kind,
        barcode=item.barcode,
        call_number=item.call_number,
        title=item.bib.title,
        branch_name=item.branch.name,
        location_name=item.location.name if item.location_id else None,
        queued_at=row.queued_at,
    )


def queued_labels(kind: str | None = None) -> list[QueuedLabel]:
    """The labels waiting, spine labels first, each kind in the order it will print."""
    return [_queued(row) for row in _waiting(_check_kinds([kind] if kind else list(KINDS)))]


@writes
def clear_queue(session: Session, kinds: Sequence[str] | None = None) -> int:
    """Empty the queue (of the given kinds only); returns how many labels were dropped."""
    session.require(Permission.PRINT_LABELS)
    kinds = _check_kinds(kinds if kinds is not None else list(KINDS))
    with session.write() as writer:
        dropped = LabelQueue.delete().where(LabelQueue.kind.in_(list(kinds))).execute()
        if dropped:
            writer.journal("labels.clear", "label_queue", None, {"kinds": list(kinds), "count": dropped})
    return dropped


# --- printing ---------------------------------------------------------------------------------


def spine_lines(call_number: str) -> tuple[str, ...]:
    """A call number as the spine label stacks it: class, book number, then volume and copy.

    I247.5/123:2-1 → ("I247.5", "123", "2-1"). A call number in an old local scheme
    that does not parse is split at "/" and printed as it is.
    """
    try:
        parsed = parse_call_number(call_number)
    except Invalid:
        return tuple(part for part in call_number.split("/") if part.strip()) or (call_number,)
    tail = str(parsed)[len(f"{parsed.clc_class}/{parsed.book_number}") :].removeprefix(VOLUME_MARK)
    return (parsed.clc_class, parsed.book_number, *((tail,) if tail else ()))


def _foot(label: QueuedLabel) -> str:
    """Branch and room at the foot of a spine label; a branch that is its own room is named once."""
    if not label.location_name or label.location_name == label.branch_name:
        return label.branch_name
    return f"{label.branch_name} {label.location_name}"


def _short_title(title: str) -> str:
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1] + "…"


def _render(kind: str, labels: list[QueuedLabel], sheet: LabelSheet, start_at: int) -> bytes:
    if kind == "spine":
        spines = []
        for label in labels:
            if not label.call_number:  # cleared since it was queued
                raise _no_call_number(label.barcode)
            spines.append(SpineLabel(spine_lines(label.call_number), _foot(label)))
        return render_spine_labels(spines, sheet, start_at=start_at, title=_("Spine labels"))
    barcodes = [BarcodeLabel(label.barcode, label.barcode, _short_title(label.title)) for label in labels]
    try:
        return render_barcode_labels(barcodes, sheet, start_at=start_at, title=_("Barcode labels"))
    except ValueError as error:  # a barcode too long for the stock, checked before drawing
        raise Invalid(
            "catalogue.label_barcode_too_long",
            "Some barcodes are too long for the labels of sheet {sheet}; print them on wider label stock.",
            sheet=sheet.name,
        ) from error


@writes
def print_queue(session: Session, *, kind: str, sheet: str | None = None, start_at: int = 1) -> bytes:
    """Render every waiting label of ``kind`` as PDF and take them off the queue.

    ``sheet`` is the label stock's name, by default the kind's (``DEFAULT_SHEETS``).
    ``start_at`` is the first free position on a part-used sheet, counted row by row
    from the top left. The queue is read inside the write lock, so two desks printing
    at once never print the same labels twice.
    """
    session.require(Permission.PRINT_LABELS)
    (kind,) = _check_kinds([kind])
    stock = sheet_named(sheet or DEFAULT_SHEETS[kind])
    if not 1 <= start_at <= stock.count:
        raise Invalid(
            "catalogue.label_start_out_of_range",
            "Start at a position from 1 to {count}: sheet {sheet} has {count} labels.",
            count=stock.count,
            sheet=stock.name,
        )
    labels = queued_labels(kind)
    if not labels:
        raise Invalid(f"catalogue.no_labels_waiting_{kind}", _NOTHING_WAITING[kind])
    pdf = _render(kind, labels, stock, start_at)
    with session.write() as writer:
        LabelQueue.delete().where(LabelQueue.id.in_([label.id for label in labels])).execute()
        writer.journal(
            "labels.print",
            "label_queue",
            None,
            {
                "kind": kind,
                "sheet": stock.name,
                "start_at": start_at,
                "barcodes": [label.barcode for label in labels],
            },
        )
    return pdf


def print_queue_file(
    session: Session, *, kind: str, sheet: str | None = None, start_at: int = 1, out: Path | None = None
) -> Path:
    """``print_queue`` kept as a PDF: at ``out``, or in the prints folder beside the database as
    ``<kind>-labels-<time>.pdf``, whichever desk or command printed it."""
    pdf = print_queue(session, kind=kind, sheet=sheet, start_at=start_at)
    return write_pdf(pdf, out) if out is not None else save_pdf(session, f"{kind}-labels", pdf)
