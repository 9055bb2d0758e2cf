"""Every blind-room service that reads, decides and writes does so inside one write (``@writes``):
a new service is either wrapped or named below with the reason it need not be."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ils.blind

READS_ONLY = {
    "eligibility.eligibility",
    "eligibility.verifications",
    "profiles.reader_profile",
    "proxies.list_proxies",
    "stock.get_device",
    "stock.get_set",
    "inventory.inventory",
    "inventory.rotation",
    "requests.request_queue",
    "requests.next_volumes",
    "dispatch.get_dispatch",
    "dispatch.parcels_out",
    "printouts.parcel_of",
    "desk.identify",
    "stats.blind_figures",
    "stock.room_point",
}
"""Services that change nothing."""

DECIDES_NOTHING = {
    "eligibility.reveal_certificate": "journals that a kept number was shown, a record of a read",
    "inventory.call_list": "journals that phones were shown",
    "dispatch.delivery_rounds": "journals that addresses and phones were shown",
    "desk.open_reader": "journals the view of a reader, as reader.view does",
    "printouts.parcel_label": "journals that a label was printed; the lock is not held while the PDF renders",
    "printouts.return_card": "as parcel_label",
    "settings.change_blind_settings": "writes the values given, whatever was there before",
    "privacy.deidentify_blind": "each UPDATE and DELETE carries its own condition, decided by SQLite as it writes",
}


def _services():
    for found in pkgutil.iter_modules(ils.blind.__path__, "ils.blind."):
        module = importlib.import_module(found.name)
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and not name.startswith("_")
                and function.__module__ == module.__name__
                and next(iter(inspect.signature(function).parameters), None) == "session"
            ):
                yield found.name.removeprefix("ils.blind."), name, function


def test_every_blind_service_that_decides_and_writes_reads_inside_its_write():
    unwrapped = {
        f"{module}.{name}" for module, name, function in _services() if not getattr(function, "__ils_writes__", False)
    }
    assert unwrapped == READS_ONLY | set(DECIDES_NOTHING)
    wrapped = {
        f"{module}.{name}" for module, name, function in _services() if getattr(function, "__ils_writes__", False)
    }
    assert {
        "lending.lend",
        "lending.give_back",
        "dispatch.dispatch",
        "dispatch.receive_parcel",
        "eligibility.verify",
        "stock.add_device",
        "repairs.send_to_repair",
        "requests.take_request",
    } <= wrapped
