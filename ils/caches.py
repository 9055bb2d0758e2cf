"""What the desk reads at every loan and seldom changes, kept per database connection: the
loan rules, the circulation settings, the branches' calendars and the service points.

A checkout read these afresh each time (a dozen statements through peewee, most of its
cost beside the floor). Each connection (peewee keeps one per thread) now keeps them in a
store of its own, emptied:

- when ``PRAGMA data_version`` has moved since the store was filled: another connection
  (another desk's process or thread on the same file) committed something. The pragma is
  one statement that touches no table, so every cached read checks it first; inside a
  write transaction nobody else can commit, so what the store holds is what the
  transaction sees;
- when this connection journals a change to anything but the day's circulation
  (``Writer.journal`` calls ``journaled``): a rule, a setting, a calendar day, a branch or a
  service point changed here, or rows merged from a bundle;
- when a write that did so is rolled back (``Library.write`` calls ``forget``).

Loans, returns, holds, transits, charges and payments (``STEADY``) change none of the
cached tables, so a day of checkouts keeps the store. Values are returned as they are
stored: they must be immutable (frozen dataclasses, tuples, mappings nobody changes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from db.models import database_proxy

# Entity types journaled by the desk's everyday work, none of which changes a cached table.
STEADY = frozenset({"loan", "loan_renewal", "hold", "transit", "charge", "payment", "item"})

T = TypeVar("T")


class _Store:
    __slots__ = ("connection", "version", "values")

    def __init__(self, connection: Any, version: int) -> None:
        self.connection = connection
        self.version = version
        self.values: dict[Any, Any] = {}


def _state(database: Any = None) -> Any:
    """Peewee's per-thread connection state, where this thread's store lives beside its connection."""
    return (database or database_proxy.obj)._state


def cached(key: Any, load: Callable[[], T]) -> T:
    """The value stored under ``key`` on this connection, loaded by ``load()`` when absent or stale.

    The version is read before loading, so a commit by another connection in between makes the
    next call load again rather than keep a value older than its version.
    """
    connection = database_proxy.connection()
    version = connection.execute("PRAGMA data_version").fetchone()[0]
    state = _state()
    store: _Store | None = getattr(state, "ils_cache", None)
    if store is None or store.connection is not connection or store.version != version:
        store = _Store(connection, version)
        state.ils_cache = store
    try:
        return store.values[key]
    except KeyError:
        value = store.values[key] = load()
        return value


def forget(database: Any = None) -> None:
    """Empty this connection's store (of ``database``, else the models' database): something it
    caches may have changed here."""
    state = _state(database)
    if getattr(state, "ils_cache", None) is not None:
        state.ils_cache = None


def journaled(entity_type: str, database: Any = None) -> bool:
    """Called for every journal row this connection writes; forgets the store unless the change is
    the day's circulation. True when it did."""
    if entity_type in STEADY:
        return False
    forget(database)
    return True
