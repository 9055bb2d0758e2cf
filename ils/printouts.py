"""Printer test pages, filled with this desk's details in the user's language."""

from __future__ import annotations

import platform
from pathlib import Path

from ils import __version__
from ils.errors import DatabaseProblem, NotFound
from ils.i18n import _
from ils.permissions import Permission
from ils.session import Session
from printing.pages import LABEL_SHEETS, LabelSheet, label_sheet
from printing.testpage import TestPage, render_label_calibration, render_receipt_test, render_test_page


def test_page(session: Session) -> bytes:
    """The A4 page a librarian prints to check a new printer: Chinese text, both codes, a ruler."""
    session.require(Permission.PRINT_TEST_PAGE)
    node = session.library.node
    printed = session.now().strftime("%Y-%m-%d %H:%M")
    page = TestPage(
        title=_("Printer test page"),
        library_name=node.library_name,
        branch_name=node.branch_name,
        node_name=_("Desk: {name}").format(name=node.node_name),
        printed_at=_("Printed at: {time}").format(time=printed),
        details=(
            (_("Staff"), session.staff.display_name),
            (_("Program"), f"ils {__version__}"),
            (_("Computer"), platform.node() or "-"),
            (_("Sample text"), "醴陵市图书馆 白兔潭镇汆溪分馆 陶瓷资料室 《红楼梦》 ISBN 978-7-02-000220-7"),
        ),
        barcode_value=f"ILS-{node.branch_code}",
        barcode_caption=_("Code 128: a scanner should read {value}").format(value=f"ILS-{node.branch_code}"),
        qr_value=node.node_id,
        qr_caption=_("QR code: this desk's node id"),
        ruler_caption=_('Each square is 10 mm; if not, turn off "fit to page" in the print dialog.'),
    )
    return render_test_page(page)


def sheet_names() -> list[str]:
    return sorted(LABEL_SHEETS)


def sheet_named(name: str) -> LabelSheet:
    """A label sheet by its name, or a message listing the sheets there are."""
    try:
        return label_sheet(name)
    except KeyError as error:
        raise NotFound(
            "printouts.unknown_label_sheet",
            "Unknown label sheet {name}; sheets are: {names}.",
            name=name,
            names=", ".join(sheet_names()),
        ) from error


def label_calibration(session: Session, sheet_name: str) -> bytes:
    """One sheet with every label outlined and numbered, to hold against label stock."""
    session.require(Permission.PRINT_TEST_PAGE)
    sheet = sheet_named(sheet_name)
    return render_label_calibration(
        sheet,
        _("Label sheet {name}").format(name=sheet.name),
        _("Hold this page against the label stock: each outline should sit on one label."),
    )


def receipt_test(session: Session) -> bytes:
    """A strip for the 80 mm receipt printer."""
    session.require(Permission.PRINT_TEST_PAGE)
    node = session.library.node
    lines = [
        node.library_name,
        node.branch_name,
        _("Desk: {name}").format(name=node.node_name),
        _("Printed at: {time}").format(time=session.now().strftime("%Y-%m-%d %H:%M")),
        "醴陵市图书馆 白兔潭镇汆溪分馆 《红楼梦》",
    ]
    return render_receipt_test(lines, f"ILS-{node.branch_code}", _("Receipt printer test"))


def write_pdf(pdf: bytes, path: Path) -> Path:
    """Write a printout to ``path``; an unwritable place is a message, not a traceback."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
    except OSError as error:
        raise DatabaseProblem(
            "printouts.cannot_write", "Cannot write to {path}: check the folder's permissions.", path=path
        ) from error
    return path


def printouts_folder(session: Session) -> Path:
    """Where a desk's printouts are kept: ``prints/`` beside the database."""
    return session.library.path.parent / "prints"


def save_pdf(session: Session, name: str, pdf: bytes) -> Path:
    """Keep a desk's printout as ``prints/<name>-<time>.pdf`` beside the database.

    The desk's PDF viewer or print spooler picks printouts up from there; a
    second printout in the same second gets a number instead of overwriting.
    """
    folder = printouts_folder(session)
    stamp = session.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{name}-{stamp}.pdf"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{name}-{stamp}-{number}.pdf"
    return write_pdf(pdf, path)
