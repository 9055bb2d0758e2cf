"""Every catalogue, reader, staff and branch service that reads, decides and writes does so
inside one write (``@writes``), so what it decides on cannot change under it.

A new service must either be wrapped or be named below with the reason it need not be, so
the guard is structural, not remembered. A refusal inside the write rolls everything back,
except the journal row of a refused permission, which is the record that someone tried.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest

import ils.catalogue
import ils.readers
from db.models import Item, Journal, Reader, Staff
from ils.branches import add_branch
from ils.catalogue import items, labels, records
from ils.catalogue.book_numbers import reserve_range
from ils.errors import PermissionDenied
from ils.readers import consents, lifecycle, privacy
from ils.session import Session
from ils.staff import add_staff, log_in, set_roles
from tests.codes import refused
from tests.services.reader_samples import ADULT, register
from tests.services.test_records import cnmarc

READS_ONLY = {
    "catalogue.book_numbers.next_barcodes",
    "catalogue.marc_import.stage",
    "readers.readers.find_readers",
    "readers.readers.look_up",
    "readers.readers.scan_card",
    "readers.readers.presented_reader",
    "readers.readers.reader_record",
    "staff.list_staff",
    "branches.list_branches",
    "printouts.test_page",
    "printouts.label_calibration",
    "printouts.receipt_test",
    "printouts.save_pdf",
    "printouts.printouts_folder",
}
"""Services that change nothing in the database."""

DECIDES_NOTHING = {
    "catalogue.labels.print_queue_file": "calls print_queue, which is wrapped, then writes the file",
    "catalogue.marc_export.export_records": "journals that records left, a record of a read, not a decision on it",
    "catalogue.records.add_record": "reads nothing before its write; the document number is read inside it",
    "catalogue.records.reindex": "reads every record inside its own write and decides nothing on them",
    "readers.printouts.export_pdf": "calls export_reader_data, which is wrapped, then renders",
    "readers.privacy.run_retention_jobs": "runs each retention job, and each is wrapped",
    "staff.log_out": "journals the end of a session",
    "staff.set_language": "stores the language given, whatever was there",
    "staff.set_high_contrast": "stores the display chosen, whatever was there",
    "node.set_library_name": "stores the name given, whatever was there",
    "node.set_node_name": "stores the name given, whatever was there",
}
"""Services that write without deciding on what they read, and why they need no lock around their reads.

(``staff.log_in`` takes no session: it checks the password before the lock, then reads the
account again inside its write, so failures typed at two desks at once all count.)"""


def _services():
    packages = [
        importlib.import_module(found.name)
        for package in (ils.catalogue, ils.readers)
        for found in pkgutil.iter_modules(package.__path__, package.__name__ + ".")
    ]
    for module in [
        *packages,
        *(importlib.import_module(f"ils.{name}") for name in ("staff", "branches", "node", "printouts")),
    ]:
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and not name.startswith("_")
                and function.__module__ == module.__name__
                and next(iter(inspect.signature(function).parameters), None) == "session"
            ):
                yield f"{module.__name__.removeprefix('ils.')}.{name}", function


def test_every_service_that_decides_and_writes_reads_inside_its_write():
    unwrapped = {name for name, function in _services() if not getattr(function, "__ils_writes__", False)}
    assert unwrapped == READS_ONLY | set(DECIDES_NOTHING)
    wrapped = {name for name, function in _services() if getattr(function, "__ils_writes__", False)}
    assert {
        "readers.readers.register_reader",
        "readers.lifecycle.report_lost",
        "readers.lifecycle.replace_card",
        "readers.consents.grant_consent",
        "catalogue.items.add_item",
        "catalogue.marc_import.apply",
        "catalogue.book_numbers.assign_call_number",
        "catalogue.labels.print_queue",
        "staff.set_roles",
        "branches.add_branch",
        "node.move_node",
    } <= wrapped


@pytest.fixture
def nobody(library, admin) -> Session:
    """A staff member whose role allows none of the services below."""
    add_staff(admin, username="stats", display_name="统计员", password="stats-pass-1", roles="statistics")
    return log_in(library, "stats", "stats-pass-1")


REFUSED: list[tuple[str, Callable[[Session, dict], object]]] = [
    ("register_reader", lambda s, w: register(s, "王五", ADULT)),
    ("report_lost", lambda s, w: lifecycle.report_lost(s, w["card"])),
    ("suspend", lambda s, w: lifecycle.suspend(s, w["card"], "损坏图书")),
    ("grant_consent", lambda s, w: consents.grant_consent(s, w["card"], "union_sharing")),
    ("anonymise_reader", lambda s, w: privacy.anonymise_reader(s, w["card"])),
    ("add_item", lambda s, w: items.add_item(s, w["bib"], "T9999")),
    ("change_item", lambda s, w: items.change_item(s, "T0001", note="破损")),
    ("delete_record", lambda s, w: records.delete_record(s, w["bib"])),
    ("queue_labels", lambda s, w: labels.queue_labels(s, ["T0001"])),
    ("reserve_range", lambda s, w: reserve_range(s, kind="barcode", first=9000, last=9100)),
    ("set_roles", lambda s, w: set_roles(s, "admin", "circulation")),
    ("add_branch", lambda s, w: add_branch(s, code="NEW", name="新分馆")),
]


@pytest.mark.parametrize(("name", "call"), REFUSED, ids=[name for name, _call in REFUSED])
def test_a_refused_permission_inside_a_write_is_journaled_and_nothing_else_is_kept(admin, nobody, name, call):
    world = {
        "card": register(admin, "王芳", ADULT).summary.card_number,
        "bib": records.add_record(admin, cnmarc("红楼梦"), "cnmarc"),
    }
    items.add_item(admin, world["bib"], "T0001")
    before = Journal.select().count()
    state = (Reader.select().count(), Item.select().count(), Staff.get(Staff.username == "admin").roles)
    with refused("staff.not_permitted", PermissionDenied):
        call(nobody, world)
    rows = list(Journal.select().where(Journal.seq > before).order_by(Journal.seq))
    assert [(row.action, row.staff_id) for row in rows] == [("staff.refused", nobody.staff.id)]
    assert (Reader.select().count(), Item.select().count(), Staff.get(Staff.username == "admin").roles) == state
