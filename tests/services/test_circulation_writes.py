"""Every circulation service that reads, decides and writes does so inside one write (``@writes``).

A new service must either be wrapped or be named below with the reason it need not be, so
the guard is structural, not remembered. Refusals inside the write roll everything back,
except the journal row of a refused permission, which is the record that someone tried.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import ils.circulation
import ils.stats
from db.models import Journal, Loan, Payment
from ils.circulation import charges, loans, losses
from ils.circulation.loans import LoanRefused
from ils.errors import PermissionDenied
from tests.services.circ_samples import shelf  # noqa: F401

READS_ONLY = {
    "calendar.list_days",
    "charges.reader_charges",
    "holds.hold_shelf",
    "holds.reader_holds",
    "holds.title_queue",
    "loans.reader_loans",
    "loans.loan_history",
    "places.place_of",
    "rotation.list_batches",
    "rotation.batch_detail",
    "rotation.rotation_year",
    "rules.list_rules",
    "transit.transits",
    "van.list_stops",
    "desk.reader_at_desk",
    "stats.loans.loans_per_branch_month",
    # The statistics count and lay out; the exports write files, never the database.
    *(
        f"stats.{name}"
        for name in (
            "annual.window",
            "annual.report",
            "annual.monthly",
            "exports.national_return_xlsx",
            "exports.national_return_pdf",
            "exports.ledgers",
            "exports.annual_report_xlsx",
            "exports.annual_report_pdf",
            "exports.annual_report_docx",
            "exports.write_report",
            "exports.write_return",
            "exports.write_ledgers",
            "exports.export",
            "indicators.series",
            "indicators.total",
            "inputs.inputs",
            "inputs.input_values",
            "inputs.text_of",
            "inputs.overview",
        )
    ),
}
"""Services that change nothing."""

DECIDES_NOTHING = {
    "receipts.transaction_receipts": "prints what the transaction did; each receipt's own read is the printout's",
    "receipts.slip_for": "prints the slip the return's disposition names, deciding nothing",
    "desk.scan": "hands each scan to one wrapped service, which reads and writes inside its own write",
    "overdues.overdue_list": "journals that phones were shown, a record of a read, not a decision on it",
    "overdues.sms_export": "writes a file, then journals its counts; the lock is not held while it writes",
    "receipts.checkout_receipt": "journals that a receipt was printed; the lock is not held while the PDF renders",
    "receipts.return_receipt": "as checkout_receipt",
    "receipts.transit_slip": "as checkout_receipt",
    "receipts.hold_slip": "as checkout_receipt",
    "stats.cache.counted": "keeps a figure it counted, in a transaction of its own, only if no row it read changed"
    " meanwhile (stats_cache_epoch): a later change forgets it, so nothing is decided on a stale read",
}
"""Services that write without deciding on what they read, and why they need no lock around their reads."""


def _services():
    for package in (ils.circulation, ils.stats):
        for found in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(found.name)
            for name, function in vars(module).items():
                if (
                    inspect.isfunction(function)
                    and not name.startswith("_")
                    and function.__module__ == module.__name__
                    and next(iter(inspect.signature(function).parameters), None) == "session"
                ):
                    yield found.name.removeprefix("ils.circulation.").removeprefix("ils."), name, function


def test_every_service_that_decides_and_writes_reads_inside_its_write():
    unwrapped = {
        f"{module}.{name}" for module, name, function in _services() if not getattr(function, "__ils_writes__", False)
    }
    assert unwrapped == READS_ONLY | set(DECIDES_NOTHING)
    assert {
        "loans.checkout",
        "loans.return_item",
        "loans.renew",
        "holds.place_hold",
        "charges.pay",
        "transit.receive",
        "rotation.send_batch",
        "losses.mark_lost",
    } <= {f"{module}.{name}" for module, name, function in _services() if getattr(function, "__ils_writes__", False)}


def test_a_refused_permission_inside_a_write_is_journaled_and_nothing_else_is_kept(clerk, admin, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    charge = losses.mark_lost(clerk, "T0001").charges[0]
    before = Journal.select().count()
    with pytest.raises(PermissionDenied) as refused:
        charges.waive(clerk, charge.id, "found in the book drop")
    assert refused.value.code == "staff.not_permitted"
    rows = list(Journal.select().where(Journal.seq > before).order_by(Journal.seq))
    assert [(row.action, row.staff_id) for row in rows] == [("staff.refused", clerk.staff.id)]
    assert Payment.select().count() == 0


def test_a_refused_loan_writes_nothing(clerk, shelf):
    loans.checkout(clerk, shelf.adult, "T0001")
    before = Journal.select().count()
    with pytest.raises(LoanRefused):
        loans.checkout(clerk, shelf.other, "T0001")
    with pytest.raises(PermissionDenied):
        loans.checkout(clerk, shelf.other, "T0001", override="the reader insists")
    assert [row.action for row in Journal.select().where(Journal.seq > before)] == ["staff.refused"]
    assert Loan.select().count() == 1
