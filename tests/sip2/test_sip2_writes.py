"""Every self-service service that reads, decides and writes does so inside one write (``@writes``);
the others are named here with the reason they need not be."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ils.sip2

READS_ONLY = {
    "selfcheck.patron",
    "selfcheck.offline_policy",
    "selfcheck.last_heard",
    "selfcheck.is_offline",
    "terminals.list_terminals",
    "terminals.get_terminal",
}
DECIDES_NOTHING = {
    "selfcheck.journal_refusal": "journals a refusal already decided, in the write it is called in or its own",
    "selfcheck.block_card": "hands the card to the readers' suspend, which is wrapped",
}


def _services():
    for found in pkgutil.iter_modules(ils.sip2.__path__, "ils.sip2."):
        module = importlib.import_module(found.name)
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and not name.startswith("_")
                and function.__module__ == module.__name__
                and next(iter(inspect.signature(function).parameters), None) == "session"
            ):
                yield found.name.removeprefix("ils.sip2."), name, function


def test_every_self_service_that_decides_and_writes_reads_inside_its_write():
    unwrapped = {
        f"{module}.{name}" for module, name, function in _services() if not getattr(function, "__ils_writes__", False)
    }
    assert unwrapped == READS_ONLY | set(DECIDES_NOTHING)
