"""The parcel's label and reversible return card, filled from a dispatch for ``printing.postal``.

The label carries the reader's full name, address and phone, because the post needs them: it
is printed only by the blind room, each print journaled against the dispatch without the
values. The parcel's reference (the last group of the dispatch's id) is what the desk scans
when the parcel comes back. Both are saved under ``prints/`` like every printout.
"""

from __future__ import annotations

from pathlib import Path

from db.models import BlindDispatch, BlindDispatchItem, BlindProfile, BlindVolume, Item
from ils.blind.dispatch import get_dispatch_row
from ils.blind.profiles import profile_of
from ils.blind.settings import LABEL_SIZES, blind_settings
from ils.catalogue.items import item_type_label
from ils.errors import Invalid, NotFound
from ils.i18n import _
from ils.permissions import Permission
from ils.printouts import save_pdf
from ils.readers.keys import keys_if_any
from ils.readers.readers import PHONE_FIELD
from ils.session import Session
from printing.postal import Parcel, PostalAddress, PostalWords, render_parcel_label, render_return_card


def parcel_reference(dispatch_id: str) -> str:
    """What the label's barcode carries: the random last group of the dispatch's id, upper case."""
    return dispatch_id.rsplit("-", 1)[-1].upper()


def dispatch_by_reference(reference: str) -> BlindDispatch:
    code = reference.strip().lower()
    if len(code) != 12 or not all(ch in "0123456789abcdef" for ch in code):
        raise NotFound("blind.no_such_parcel", "No parcel has the reference {reference}.", reference=reference.strip())
    row = BlindDispatch.select().where(BlindDispatch.id.endswith("-" + code)).first()
    if row is None:
        raise NotFound("blind.no_such_parcel", "No parcel has the reference {reference}.", reference=reference.strip())
    return row


def _words() -> PostalWords:
    return PostalWords(
        mark="盲人读物",  # the words the postal rule requires, in Chinese whatever the desk's language
        free=_("Free post for the blind · 盲人读物免费寄递"),
        to=_("Addressee"),
        sender=_("Sender"),
        phone=_("Tel."),
        registered=_("Registered mail"),
        reference=_("Parcel"),
        contents=_("In this parcel (tick what you send back):"),
        instructions=_(
            "To send it back: turn this card over in the mailbag's window, so the library's address "
            "shows, and post it. No stamp is needed."
        ),
        back_title=_("Return to the library · 回寄"),
    )


def _contents(row: BlindDispatch) -> tuple[str, ...]:
    lines = []
    for entry in (
        BlindDispatchItem.select(BlindDispatchItem, Item)
        .join(Item, on=(BlindDispatchItem.item == Item.id))
        .where(BlindDispatchItem.dispatch == row.id)
        .order_by(Item.barcode)
    ):
        item = entry.item
        volumes = BlindVolume.select().where(BlindVolume.item == item.id, BlindVolume.state == "present").count()
        kind = item_type_label(item.item_type)
        detail = _("{kind}, {count} volumes").format(kind=kind, count=volumes) if volumes else kind
        lines.append(f"{item.bib.title}（{detail}）{item.barcode}")
    return tuple(lines)


def parcel_of(session: Session, dispatch_id: str) -> Parcel:
    session.require(Permission.BLIND_SERVICE)
    row = get_dispatch_row(dispatch_id)
    if row.method != "post" and row.method != "delivery":
        raise Invalid("blind.no_label", "This dispatch has no label.")
    if row.reader_id is None:
        raise Invalid("blind.request_without_reader", "This request no longer names its reader.")
    reader = row.reader
    keys = keys_if_any(session.library)
    profile = profile_of(BlindProfile.get_or_none(BlindProfile.reader == reader.id), reader, keys)
    if profile.address is None:
        raise Invalid("blind.no_address", "{reader} has no postal address: record it first.", reader=reader.name)
    phone = (
        keys.open(reader.id, PHONE_FIELD, bytes(reader.phone_cipher))
        if reader.phone_cipher is not None and keys is not None
        else None
    )
    settings = blind_settings(session.library)
    node = session.library.node
    library_lines = tuple(line for line in settings.return_address.split("\n") if line) or (node.branch_name,)
    return Parcel(
        reader=PostalAddress(reader.name, profile.address.lines(), profile.address.postcode, phone),
        library=PostalAddress(
            _("{library} blind reading room").format(library=node.library_name), library_lines, settings.return_postcode
        ),
        reference=parcel_reference(row.id),
        registered_number=row.registered_number,
        contents=_contents(row),
        words=_words(),
    )


def _size(session: Session, size: str | None) -> str:
    chosen = size or blind_settings(session.library).label_size
    if chosen not in LABEL_SIZES:
        raise Invalid("blind.label_size", "The label size is one of: {sizes}.", sizes=", ".join(LABEL_SIZES))
    return chosen


def _journal(session: Session, dispatch_id: str, kind: str) -> None:
    with session.write() as writer:
        writer.journal("blind.print", "blind_dispatch", dispatch_id, {"kind": kind})


def parcel_label(session: Session, dispatch_id: str, *, size: str | None = None) -> Path:
    """The address label (A6 or 100 × 150 mm) marked 盲人读物, saved under ``prints/``."""
    parcel = parcel_of(session, dispatch_id)
    path = save_pdf(session, "parcel-label", render_parcel_label(parcel, _size(session, size)))
    _journal(session, dispatch_id, "label")
    return path


def return_card(session: Session, dispatch_id: str, *, size: str | None = None) -> Path:
    """The reversible return card: to the reader on one side, back to the library on the other."""
    parcel = parcel_of(session, dispatch_id)
    path = save_pdf(session, "return-card", render_return_card(parcel, _size(session, size)))
    _journal(session, dispatch_id, "return_card")
    return path
