"""The county union catalogue's database: a library database in the union role.

It holds what every desk sends (catalogue, copies, circulation facts, readers who share),
applies it in any order, files conflicts, and writes each desk a bundle of everything it
has not yet got. Records catalogued here reach every desk like any other change. It is made
by ``ils union init`` with the same presets as a desk (branches, service points,
locations: their name-based ids match every desk's), an administrator and its own signing
key, whose fingerprint every desk is given when it enrols.

The union runs on a SQLite file or on a PostgreSQL server (``--db postgresql://…``): the same
code, the same merge rules and state hash. A server is reached through a locator file in the
union's home folder (``db.postgres``), which also holds the union's key files.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import postgres
from db.models import database_proxy
from ils import identity
from ils.errors import DatabaseProblem, Invalid
from ils.initialise import initialise
from ils.library import Library
from ils.paths import default_db_path
from ils.permissions import Permission
from ils.readers.keys import key_path
from ils.session import Session
from ils.sync.keys import key_file, node_fingerprint
from ils.sync.statehash import state_hash


def home() -> Path:
    """Where a PostgreSQL union's locator and key files live: ``ILS_UNION_HOME``, else the user data folder."""
    configured = os.environ.get("ILS_UNION_HOME")
    return Path(configured).expanduser() if configured else default_db_path().parent


def locate(db: str | Path) -> Path:
    """The path ils opens for ``--db``: a SQLite file as given, or a server's locator (written or refreshed)."""
    if not postgres.is_url(db):
        return Path(db)
    url = str(db)
    path = home() / postgres.locator_name(url)
    if postgres.read_locator(path) != url:
        postgres.write_locator(path, url)
    return path


@dataclass(frozen=True)
class UnionCreated:
    db: str
    node_id: str
    fingerprint: str


def init_union(
    path: Path,
    *,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "",
    library_name: str | None = None,
    node_name: str = "",
) -> UnionCreated:
    kwargs: dict[str, Any] = {"library_name": library_name} if library_name else {}
    library = initialise(
        path,
        admin_username=admin_username,
        admin_password=admin_password,
        admin_display_name=admin_display_name,
        node_name=node_name or "县域联合目录",
        role=identity.UNION,
        **kwargs,
    )
    try:
        return UnionCreated(str(path), library.node_id, node_fingerprint(library))
    finally:
        library.close()


@dataclass(frozen=True)
class Moved:
    """What ``ils union migrate-to`` did: where the union now lives, rows per table, and the state
    hash before and after (equal, or the move is rolled back)."""

    source: str
    target: str
    locator: str
    rows: dict[str, int]
    state_hash: str


#: The statistics a union on SQLite keeps once counted (m0082): on PostgreSQL it counts from its
#: rows every time (p0082), so they stay behind.
NOT_MOVED = frozenset({"stats_cache", "stats_cache_epoch"})


def migrate_to(library: Library, url: str) -> Moved:
    """Move a union kept in a SQLite file to an empty PostgreSQL database, in one transaction.

    Every table is copied as it is (``COPY``, in dependency order, with the capture triggers
    off: the rows keep their versions and numbers); the union's key files and its identity
    marker follow it to the locator in the union's home, and its home is set there, so the
    union keeps its node id, epoch and keys and no desk notices the move. The state hash is
    computed on both sides before the commit.
    """
    if postgres.is_locator(library.path):
        raise Invalid("union.already_on_server", "This union is already on a database server.")
    if identity.identity(library).role != identity.UNION:
        raise Invalid("union.not_a_union", "{path} is not a union catalogue.", path=library.path)
    before = state_hash(library.database)["*"]
    from db.dialect_postgres import WRITE_LOCK  # the driver is an optional extra: imported when used

    source = library.database
    target_path = locate(url)
    target = postgres.connect(url)
    try:
        postgres.migrate(target)
        if target.execute_sql("SELECT COUNT(*) FROM setting").fetchone()[0]:
            raise Invalid(
                "union.target_not_empty",
                "The database at {url} already holds a library; move the union to an empty one.",
                url=postgres.shown(url),
            )
        counts: dict[str, int] = {}
        after = ""
        with target.atomic():
            target.execute_sql("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            target.execute_sql("DELETE FROM sync_clock")  # the empty schema's clock row: the union's own comes over
            for table in postgres.tables_in_order(target):
                if table not in NOT_MOVED:
                    counts[table] = _copy_table(source, target, table)
            home = json.loads(library.setting(identity.HOME) or "{}")
            home.update(path=str(target_path.resolve()), computer=identity.this_computer())
            target.execute_sql("UPDATE setting SET value = ? WHERE key = ?", (json.dumps(home), identity.HOME))
            after = state_hash(target)["*"]
            if after != before:
                raise DatabaseProblem(
                    "union.move_changed_state",
                    "The copy on the server does not match the union ({before} / {after}); nothing was moved.",
                    before=before[:12],
                    after=after[:12],
                )
        for beside in (key_path, key_file, identity.marker_path):
            if beside(library.path).exists():
                shutil.copy2(beside(library.path), beside(target_path))
    finally:
        target.close()
        database_proxy.initialize(source)
    return Moved(str(library.path), postgres.shown(url), str(target_path), counts, after)


def _copy_table(source: Any, target: Any, table: str) -> int:
    """One table's rows with ``COPY``; identity columns then continue after the copied numbers."""
    theirs = {row[1] for row in source.execute_sql(f"PRAGMA table_info({table})")}
    if table == "bib_search":  # the full-text index: its document number is SQLite's rowid
        theirs.add("rowid")
    ours = postgres.copyable_columns(target, table)
    columns = [c for c in ours if c in theirs]
    names = ", ".join(columns)
    target.execute_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    count = 0
    with target.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in source.execute_sql(f"SELECT {names} FROM {table}"):
            copy.write_row(row)
            count += 1
    target.execute_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    postgres.continue_numbering(target, table)
    return count


@dataclass(frozen=True)
class CopyAt:
    """One copy found union-wide: where it is and whether it can be lent ("which branch has it?")."""

    barcode: str
    title: str
    branch_code: str
    branch_name: str
    location: str
    status: str


def where_copies(session: Session, text: str, *, limit: int = 50) -> list[CopyAt]:
    """Copies whose barcode is ``text``, or whose record's title or ISBN contains it, at every branch
    the union knows of, available ones first (borrow-anywhere: a reader asks which branch has it)."""
    session.require(Permission.SYNC)
    wanted = text.strip()
    if not wanted:
        raise Invalid("union.say_what_to_find", "Type a barcode, a title or an ISBN.")
    pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.library.database.execute_sql(
        "SELECT i.barcode, b.title, br.code, br.name, COALESCE(l.name, ''), i.status FROM item i"
        " JOIN bib_record b ON b.id = i.bib_id JOIN branch br ON br.id = i.branch_id"
        " LEFT JOIN location l ON l.id = i.location_id"
        " WHERE b.deleted = 0 AND (i.barcode = ? OR b.title LIKE ? ESCAPE '\\' OR b.isbn LIKE ? ESCAPE '\\')"
        " ORDER BY CASE WHEN i.status = 'available' THEN 0 ELSE 1 END, br.sort_order, br.code, i.barcode LIMIT ?",
        (wanted, pattern, pattern, limit),
    ).fetchall()
    return [CopyAt(*row) for row in rows]
