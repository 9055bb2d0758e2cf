"""The modules through which a domain contributes to what is asked across domains.

A reader's blocks (``ils.standing``) and the privacy retention jobs (``ils.retention``) are
asked for by one domain (readers) but answered by several (circulation, the blind room, sync,
later events and periodicals). Those domains build on readers, so readers cannot import
them; instead each registers its answers with a decorator when its module is imported, and
the registries import the modules named here the first time they are asked. Adding a domain
is one line here (and the decorated functions in its module).

The order here is the order of the answers: blocks as the desk lists them, retention jobs
as they run (a reader is anonymised before the blind room forgets the anonymised).
"""

from __future__ import annotations

import importlib

CONTRIBUTORS: tuple[str, ...] = (
    "ils.circulation.standing",  # items overdue, money owed; loans and money still open
    "ils.sync.retention",  # bundles kept past the loan-history period
    "ils.blind.privacy",  # blind-room requests, parcels, calls and addresses no longer kept
)

_loaded = False


def load() -> None:
    """Import every contributing module once, so its registrations are in place."""
    global _loaded
    if not _loaded:
        for name in CONTRIBUTORS:
            importlib.import_module(name)
        _loaded = True


def rank(module: str) -> int:
    """Where a registration made in ``module`` comes: the owning domain's own first (-1), then
    the contributors in the order above."""
    return CONTRIBUTORS.index(module) if module in CONTRIBUTORS else -1
