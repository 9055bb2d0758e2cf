"""Every periodicals service that reads, decides and writes does so inside one write (``@writes``);
the others are named here with why they need no lock."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ils.serials

READS_ONLY = {
    "checkin.expected_on",
    "checkin.received_on",
    "checkin.own_slots",
    "checkin.desk_locations",
    "claims.late_issues",
    "claims.list_claims",
    "binding.check_run",
    "figures.figures",
    "printouts.claim_letters",
    "printouts.routing_slips",
    "printouts.binding_list",
    "printouts.order_list",
    "printouts.order_list_xlsx",
    "printouts.cover_barcodes",
    "printouts.save_order_xlsx",  # writes a file beside the database, nothing in it
}


def _services():
    for found in pkgutil.iter_modules(ils.serials.__path__, "ils.serials."):
        module = importlib.import_module(found.name)
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and not name.startswith("_")
                and function.__module__ == module.__name__
                and next(iter(inspect.signature(function).parameters), None) == "session"
            ):
                yield f"{found.name.removeprefix('ils.serials.')}.{name}", function


def test_every_deciding_periodicals_service_reads_inside_its_write():
    unwrapped = {name for name, function in _services() if not getattr(function, "__ils_writes__", False)}
    assert unwrapped == READS_ONLY
    wrapped = {name for name, function in _services() if getattr(function, "__ils_writes__", False)}
    assert {
        "checkin.check_in_scan",
        "checkin.check_in_day",
        "claims.claim",
        "binding.bind",
        "subscriptions.renew_year",
        "titles.add_title",
    } <= wrapped
