"""Backup, restore and the consistency check: the database must never be lost."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from db.backup import backup_to, file_schema_version, integrity_problems, restore_into
from db.connection import StorageError
from db.migrations import LATEST_VERSION, backup_folder
from ils.circulation.invariants import circulation_problems
from ils.errors import DatabaseProblem, Invalid, Message
from ils.i18n import _
from ils.library import NODE_ID, Library, open_library
from ils.permissions import Permission
from ils.session import Session
from ils.storage import explain
from ils.sync.identity import start_new_epoch

# Tables whose every row must have been created through a journaled service call.
JOURNALED_TABLES: dict[str, str] = {
    "branch": "branch",
    "service_point": "service_point",
    "staff": "staff",
    "location": "location",
    "bib_record": "bib_record",
    "item": "item",
    "number_range": "number_range",
    "reader": "reader",
    "reader_card": "reader_card",
    "reader_block": "reader_block",
    "reader_consent": "reader_consent",
    "calendar_day": "calendar_day",
    "loan": "loan",
    "loan_renewal": "loan_renewal",
    "hold": "hold",
    "transit": "transit",
    "charge": "charge",
    "payment": "payment",
    "rotation_batch": "rotation_batch",
    "rotation_item": "rotation_item",
}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int


@dataclass(frozen=True)
class CheckReport:
    integrity: tuple[str, ...] = ()
    foreign_keys: tuple[str, ...] = ()
    journal: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    circulation: tuple[Message, ...] = ()  # copies, loans and charges that disagree, each with its code

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.foreign_keys or self.journal or self.circulation)

    def lines(self) -> list[str]:
        """The report as the desk and the command line show it: counts, then problems."""
        counts = [_("{table}: {count} rows").format(table=t, count=c) for t, c in self.counts.items()]
        problems = [*self.integrity, *self.foreign_keys, *self.journal, *map(str, self.circulation)]
        return counts + (problems or [_("No problems found.")])


def default_backup_path(library: Library) -> Path:
    stamp = library.now().strftime("%Y%m%d-%H%M%S")
    return backup_folder(library.path) / f"{library.path.stem}-{stamp}.sqlite"


def backup(session: Session, target: Path | None = None) -> BackupResult:
    """An online backup, safe while other desks write; journaled with its file name."""
    session.require(Permission.BACKUP)
    library = session.library
    target = Path(target) if target else default_backup_path(library)
    if target.exists() and target.is_dir():
        target = target / default_backup_path(library).name
    if target.resolve() == library.path.resolve():
        raise Invalid("maintenance.backup_overwrite_database_itself", "A backup cannot overwrite the database itself.")
    try:
        backup_to(library.path, target)
    except StorageError as error:
        raise explain(error) from error
    with session.write() as writer:
        writer.journal("database.backup", "node", library.node_id, {"file": str(target)})
    return BackupResult(target, target.stat().st_size)


def verify_backup_file(source: Path) -> None:
    """Refuse a file that is not a sound ils database this version can open."""
    try:
        problems = integrity_problems(source)
        version = file_schema_version(source)
    except StorageError as error:
        raise explain(error) from error
    if problems:
        raise DatabaseProblem(
            "maintenance.fails_integrity_check", "{path} fails the integrity check: {problems}", path=source, problems="; ".join(problems[:3])
        )
    if version == 0:
        raise DatabaseProblem("maintenance.sqlite_file_but_ils", "{path} is a SQLite file but not an ils database.", path=source)
    if version > LATEST_VERSION:
        raise explain(StorageError("too_new", source, f"{version} > {LATEST_VERSION}"))


def restore(target: Path, source: Path, staff_id: str | None) -> Path | None:
    """Replace the database at ``target`` with ``source`` after checking ``source``.

    The current database, if readable, is first backed up beside itself; the
    path of that safety copy is returned. The caller has checked the staff
    member's permission on the current database (there may be none to check).
    The restore is journaled in the restored database, which is also brought
    forward to this version's schema.
    """
    source, target = Path(source), Path(target)
    verify_backup_file(source)
    safety = None
    if target.is_file() and target.stat().st_size > 0:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        safety = backup_folder(target) / f"{target.stem}-before-restore-{stamp}.sqlite"
        try:
            backup_to(target, safety)
        except StorageError:
            safety = None  # the current file is unreadable: nothing to keep
    try:
        restore_into(source, target)
    except StorageError as error:
        raise explain(error) from error
    library = open_library(target)
    try:
        if library.identity_change is None:  # a restored database names its next changes in a new epoch
            start_new_epoch(library, "restored")
        with library.write(staff_id) as writer:
            writer.journal("database.restore", "node", library.node_id, {"file": str(source)})
    finally:
        library.close()
    return safety


def check(session: Session) -> CheckReport:
    """integrity_check, foreign_key_check, and whether the journal and the tables agree."""
    session.require(Permission.CHECK_DATABASE)
    database = session.library.database
    integrity = [row[0] for row in database.execute_sql("PRAGMA integrity_check")]
    foreign = [
        _("{table} row {rowid} refers to a missing {parent}").format(table=row[0], rowid=row[1], parent=row[2])
        for row in database.execute_sql("PRAGMA foreign_key_check")
    ]
    journal_problems: list[str] = []
    counts: dict[str, int] = {}
    for table, entity_type in JOURNALED_TABLES.items():
        counts[table] = database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        # A row another node made arrived in a bundle (journaled once as ``sync.import``): the
        # journal that names it is that node's.
        missing = database.execute_sql(
            f"SELECT COUNT(*) FROM {table} WHERE id NOT IN "
            "(SELECT entity_id FROM journal WHERE entity_type = ? AND entity_id IS NOT NULL)"
            " AND id NOT IN (SELECT pk FROM sync_row WHERE tbl = ? AND node NOT IN (?, ''))",
            (entity_type, table, session.library.node_id),
        ).fetchone()[0]
        if missing:
            journal_problems.append(
                _("{count} rows of {table} have no journal entry").format(count=missing, table=table)
            )
    node_id = session.library.setting(NODE_ID)
    seq_count, seq_max = database.execute_sql(
        "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM journal WHERE node_id = ?", (node_id,)
    ).fetchone()
    if seq_count != seq_max:
        journal_problems.append(
            _("This node's journal has gaps: {count} rows up to number {max}").format(count=seq_count, max=seq_max)
        )
    disorder = database.execute_sql(
        "SELECT COUNT(*) FROM journal a JOIN journal b ON a.node_id = b.node_id AND b.seq = a.seq + 1"
        " WHERE b.hlc <= a.hlc"
    ).fetchone()[0]
    if disorder:
        journal_problems.append(_("{count} journal stamps go backwards").format(count=disorder))
    counts["journal"] = database.execute_sql("SELECT COUNT(*) FROM journal").fetchone()[0]
    return CheckReport(
        integrity=tuple(p for p in integrity if p != "ok"),
        foreign_keys=tuple(foreign),
        journal=tuple(journal_problems),
        counts=counts,
        circulation=circulation_problems(database),
    )
