"""Every events service that reads, decides and writes does so inside one write (``@writes``):
a new service is either wrapped or named below as one that changes nothing."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ils.events

READS_ONLY = {
    "programmes.list_programmes",
    "programmes.calendar",
    "programmes.sessions_of",
    "attendance.attendance_of",
    "registration.registrations",
    "gates.list_sites",
    "gates.preview",
    "tallies.tallies_on",
    "enquiries.enquiries_today",
    "ledgers.media_reports",
    "ledgers.honours",
    "ledgers.milestones",
    "evidence.evidence_of",
    "figures.figures",
    "figures.year_figures",
    "figures.window",
    "printouts.year_ledger",
    "printouts.export_ledger",  # writes a PDF and copies files, nothing in the database
    "inputs.branch_of",  # a look-up for the services above
    "attendance.scan_id",  # a name, computed
}


def _services():
    for found in pkgutil.iter_modules(ils.events.__path__, "ils.events."):
        module = importlib.import_module(found.name)
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and not name.startswith("_")
                and function.__module__ == module.__name__
                and next(iter(inspect.signature(function).parameters), None) == "session"
            ):
                yield found.name.removeprefix("ils.events."), name, function


def test_every_events_service_that_decides_and_writes_reads_inside_its_write():
    unwrapped = {
        f"{module}.{name}" for module, name, function in _services() if not getattr(function, "__ils_writes__", False)
    }
    assert unwrapped == READS_ONLY
    wrapped = {
        f"{module}.{name}" for module, name, function in _services() if getattr(function, "__ils_writes__", False)
    }
    assert {
        "programmes.add_programme",
        "attendance.record_count",
        "attendance.scan_at_door",
        "registration.register",
        "gates.import_gate_file",
        "tallies.record_tally",
        "enquiries.tally_enquiry",
    } <= wrapped
