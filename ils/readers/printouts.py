"""The reader's card and the reader's own-data export, as PDF, through ``printing``.

Printing takes plain values; this module fills them in the user's language and journals
each print, since a printed card or export is personal data leaving the system.
"""

from __future__ import annotations

from ils.errors import Invalid
from ils.i18n import _
from ils.permissions import Permission
from ils.readers.privacy import export_reader_data
from ils.readers.rows import card_of, card_state, date_of
from ils.session import Session, writes
from printing.cards import ReaderCard, render_reader_card
from printing.reader_export import ExportSection, render_reader_export


@writes
def card_pdf(session: Session, card_number: str) -> bytes:
    """The card to hand over: only for a card in use (a lost card is replaced, not reprinted)."""
    session.require(Permission.MANAGE_CARDS)
    card = card_of(card_number)
    reader = card.reader
    if card.state != "active":
        raise Invalid(
            "readers.card_print_not_in_use",
            "Card {number} is not in use ({state} on {date}); print the reader's current card.",
            number=card.card_number,
            state=card_state(card.state),
            date=date_of(card.lost_at or card.ended_at),
        )
    reader_type = reader.reader_type
    pdf = render_reader_card(
        ReaderCard(
            library_name=session.library.node.library_name,
            reader_name=reader.name,
            card_number=card.card_number,
            reader_type=reader_type.name,
            branch_name=reader.branch.name,
            blind_line=_("Blind reading room · audiobook and listening-device loans")
            if reader_type.blind_service
            else None,
            card_label=_("Reader card"),
            expiry_line=_("Valid until {date}").format(date=date_of(reader.expires_on)) if reader.expires_on else None,
        )
    )
    with session.write() as writer:
        writer.journal("reader.card_print", "reader", reader.id, {"card_number": card.card_number})
    return pdf


def export_pdf(session: Session, card_number: str) -> bytes:
    """Everything held about the reader, on A4, for the reader (journaled by ``export_reader_data``)."""
    export = export_reader_data(session, card_number)
    return render_reader_export(
        export.title,
        export.subtitle,
        [ExportSection(part.heading, part.rows) for part in export.sections],
        export.footer,
        continued=_(" (continued)"),
    )
