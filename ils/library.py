"""An open library database: the node it runs on, its clock, and the write path.

Every write goes through ``Library.write``: one ``BEGIN IMMEDIATE`` transaction
that must append at least one journal row for what it changed. A write that
changes rows without journaling them is a programming error and is rolled back,
which is how "nothing else writes" is enforced rather than hoped for.

A service that decides on what it reads opens the write first and reads inside
it: the write lock is held from the first read to the commit, so two desks
racing for one copy are served one after the other, and the second one sees the
first one's loan. Writes nest: a service called inside another's write joins it.
If the database still refuses a row on a unique or foreign key (a race the
service did not foresee), the whole write is rolled back and the caller gets a
``Conflict`` refusal, never a traceback. Refusals recorded inside a write that
is then rolled back (``Writer.refusal``) are journaled in a write of their own.

A library opened read-only (an archived copy, read-only media) refuses every
write with ``storage.read_only`` before touching the file.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import IntegrityError, OperationalError, SqliteDatabase

from db import derived, journal, postgres
from db import dialect as capture
from db.connection import is_writable
from db.journal import Entry as JournalEntry
from db.migrations import MigrationResult
from db.models import Branch
from ils import caches
from ils.clock import Clock, SystemClock
from ils.errors import Conflict, DatabaseProblem
from ils.storage import explain, open_database, read_only_refusal, storage_failure

LIBRARY_NAME = "library.name"
NODE_ID = "node.id"
NODE_NAME = "node.name"
NODE_BRANCH = "node.branch_id"


@dataclass(frozen=True)
class NodeInfo:
    """Which desk database this is: shown in the header, stamped on every journal row."""

    node_id: str
    node_name: str
    library_name: str
    branch_id: str
    branch_code: str
    branch_name: str


class Writer:
    """Handed to the body of a write so it can journal what it changes."""

    def __init__(self, library: Library, staff_id: str | None, stamp: int = 0) -> None:
        self._library = library
        self._staff_id = staff_id
        self.stamp = stamp  # this transaction's HLC stamp: its captured changes carry it
        self.last: journal.JournalEntry | None = None
        self.refusals: list[tuple[str, str, str | None, dict[str, Any]]] = []
        self.unsteady = False  # journaled a change the per-connection caches hold (``ils.caches``)
        # Changes numbered in (first, last] whose derived state the body settled itself (an import's merge).
        self.settled: tuple[int, int] | None = None

    def refusal(self, action: str, entity_type: str, entity_id: str | None, data: dict[str, Any]) -> None:
        """Journal a refusal even though the write it happens in is about to be rolled back."""
        self.refusals.append((action, entity_type, entity_id, data))

    def journal(
        self, action: str, entity_type: str, entity_id: str | None, data: dict[str, Any]
    ) -> journal.JournalEntry:
        self.unsteady |= caches.journaled(entity_type, self._library.database)
        entry = journal.append(
            self._library.database,
            node_id=self._library.node_id,
            now=self._library.now(),
            staff_id=self._staff_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            data=data,
            hlc=self.last.hlc + 1 if self.last is not None else self.stamp,
            previous=self.last,
        )
        self.last = entry
        return entry

    def journal_many(self, entries: Sequence[JournalEntry]) -> None:
        """Journal the rows of a bulk load at once (the demo's loan history, a benchmark's
        million loans): the same rows, numbers and stamps as ``journal`` once per entry."""
        self.last = journal.append_many(
            self._library.database,
            node_id=self._library.node_id,
            now=self._library.now(),
            staff_id=self._staff_id,
            entries=entries,
            hlc=self.last.hlc + 1 if self.last is not None else self.stamp,
            previous=self.last,
        )


class Library:
    def __init__(
        self, database: SqliteDatabase, path: Path, clock: Clock, migration: MigrationResult, read_only: bool = False
    ):
        self.database = database
        self.path = path
        self.read_only = read_only
        self.clock = clock
        self.migration = migration
        self._node: NodeInfo | None = None
        self._node_id: str | None = None
        self._writing = threading.local()
        self.identity_change: Any = None  # set at opening when the file was copied or restored (ils.identity)

    def now(self) -> dt.datetime:
        return self.clock.now()

    def now_text(self) -> str:
        return self.now().isoformat(timespec="seconds")

    @property
    def node_id(self) -> str:
        """Set once by ``ils init`` and never changed, so read once: every journal row needs it."""
        if self._node_id is None:
            value = self.setting(NODE_ID)
            if value is None:
                return ""  # inside ``ils init``, before the node has its id
            self._node_id = value
        return self._node_id

    def adopt_node_id(self, node_id: str) -> None:
        """This database now speaks as ``node_id`` (``ils init``, or a copy that became a new node)."""
        self._node_id = node_id
        self._node = None

    @property
    def node(self) -> NodeInfo:
        if self._node is None:
            self._node = self._load_node()
        return self._node

    def forget_node(self) -> None:
        """Drop the cached node description after a rename of the library or branch."""
        self._node = None

    def _load_node(self) -> NodeInfo:
        branch = Branch.get_by_id(self.setting(NODE_BRANCH))
        return NodeInfo(
            node_id=self.setting(NODE_ID) or "",
            node_name=self.setting(NODE_NAME) or "",
            library_name=self.setting(LIBRARY_NAME) or "",
            branch_id=branch.id,
            branch_code=branch.code,
            branch_name=branch.name,
        )

    def setting(self, key: str) -> str | None:
        # One plain statement: building peewee's query cost ten times the read, and a bundle's
        # import reads a score of settings.
        row = self.database.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def writing(self) -> bool:
        """Whether this thread is inside a write: a ``write()`` now joins it, and rolls nothing back alone."""
        return getattr(self._writing, "writer", None) is not None

    @contextmanager
    def write(self, staff_id: str | None) -> Iterator[Writer]:
        """One transaction holding the write lock; a full disk or a lost race becomes a message,
        and nothing is half-written."""
        if self.read_only:
            raise read_only_refusal(self.path)
        outer: Writer | None = getattr(self._writing, "writer", None)
        if outer is not None:
            yield outer
            return
        writer = Writer(self, staff_id)
        self._writing.writer = writer
        committed = False
        try:
            with self.database.atomic():
                connection = self.database.connection()
                writer.stamp = capture.take_stamp(self.database, int(self.now().timestamp() * 1000), self.node_id)
                first_seq = capture.max_seq(self.database)
                before = connection.total_changes
                yield writer
                for refusal in writer.refusals:
                    writer.journal(*refusal)
                if connection.total_changes != before and writer.last is None:
                    raise RuntimeError("a service changed rows without journaling them")
                if writer.last is not None:
                    derived.settle_local(self.database, first_seq, writer.settled)
                    capture.finish_stamp(self.database, writer.last.hlc)
            committed = True
        except IntegrityError as error:
            raise Conflict(
                "storage.conflict",
                "Another desk changed the same record at the same moment; nothing was changed: look again and retry.",
            ) from error
        except OperationalError as error:
            raise explain(storage_failure(error, self.path)) from error
        finally:
            self._writing.writer = None
            if not committed and writer.unsteady:
                caches.forget(self.database)  # it may hold what this rolled-back write changed
            if not committed and writer.refusals:
                self._journal_refusals(staff_id, writer.refusals)

    def _journal_refusals(
        self, staff_id: str | None, refusals: list[tuple[str, str, str | None, dict[str, Any]]]
    ) -> None:
        """The refusals of a write that was rolled back, in a write of their own."""
        with self.write(staff_id) as writer:
            for refusal in refusals:
                writer.journal(*refusal)

    def close(self) -> None:
        self.database.close()


def is_initialised(path: Path) -> bool:
    """A database file with content, or a union's locator (``db.postgres``) whose server holds one."""
    if postgres.is_locator(path):
        url = postgres.read_locator(path)
        return url is not None and postgres.is_initialised(url)
    return Path(path).is_file() and Path(path).stat().st_size > 0


def open_library(path: Path, clock: Clock | None = None, *, read_only: bool | None = None) -> Library:
    """Open an initialised library database, migrating it forward if needed.

    ``read_only``: ``True`` opens it for reading only (nothing migrated, every write
    refused); ``None`` does so when the file cannot be written (``is_writable``).
    """
    path = Path(path)
    if not is_initialised(path):
        raise DatabaseProblem(
            "library.library_database_create_one",
            "No library database at {path}; create one with `ils init` or `ils demo`.",
            path=path,
        )
    if read_only is None:
        read_only = not is_writable(path)
    database, migration = open_database(path, read_only=read_only)
    library = Library(database, path, clock or SystemClock(), migration, read_only)
    if library.setting(NODE_ID) is None:
        library.close()
        raise DatabaseProblem(
            "library.never_initialised_run_ils", "{path} was never initialised; run `ils init`.", path=path
        )
    from ils.identity import check  # the identity is kept through the library, so it is imported at opening

    library.identity_change = check(library)
    return library
