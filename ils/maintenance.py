"""Backup, restore and the consistency check: the database must never be lost.

A backup is the database file; the reader key file (``ils.readers.keys``) that
opens its ID and phone numbers is kept apart on purpose. ``backup`` either seals
the key file with a passphrase beside the backup (``ils.sealed_keys``) or says
where the key file is and that it must be kept too. ``restore`` puts a sealed key
file back, after checking that it belongs to the backup.

``check`` runs on the open library of a logged-in staff member, and removes what
killed backups left in the backup folder; ``check_file`` runs the same checks on
any database file (a backup) opened read-only: no log-in, no journal row, no
migration, nothing written beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from db import dialect, postgres
from db.backup import (
    backup_to,
    file_schema_version,
    file_setting,
    integrity_problems,
    leftovers,
    remove_leftovers,
    restore_into,
)
from db.connection import StorageError
from db.migrations import LATEST_VERSION, backup_folder
from ils.circulation.invariants import circulation_problems
from ils.errors import DatabaseProblem, Invalid, Message, message
from ils.events import evidence
from ils.i18n import _
from ils.identity import start_new_epoch
from ils.library import NODE_ID, Library, open_library
from ils.permissions import Permission
from ils.readers.keys import KEY_FINGERPRINT, key_path, load_keys
from ils.sealed_keys import check_passphrase, read_sealed, seal, sealed_path
from ils.session import Session
from ils.stats import cache as stats_cache
from ils.storage import explain

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
    sealed_keys: Path | None = None
    """The reader key file sealed beside the backup (``--with-keys``)."""
    key_file: Path | None = None
    """The reader key file that was NOT included and must be kept apart; ``None`` when included or none exists."""
    removed: tuple[Path, ...] = ()
    """Temporary files of earlier backups that were killed or failed, removed now."""

    @property
    def warning(self) -> Message | None:
        """What must be said loudly when the reader key file was left out: that it must be kept too, and where."""
        if self.key_file is None:
            return None
        return message(
            "backup.key_file_not_included",
            "WARNING: the reader key file is NOT in this backup. Without it no ID or phone number in the "
            "backup can be read or looked up, ever. Keep a copy of {path} apart from the backups, or back "
            "up with the reader key file sealed (ils backup --with-keys).",
            path=self.key_file,
        )


@dataclass(frozen=True)
class RestoreResult:
    previous_saved_as: Path | None
    keys_restored: Path | None = None
    """Where the reader key file from the sealed file was put."""
    key_file_missing: Path | None = None
    """The restored library has readers' numbers but no key file is at this place."""


@dataclass(frozen=True)
class CheckReport:
    integrity: tuple[str, ...] = ()
    foreign_keys: tuple[str, ...] = ()
    journal: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    circulation: tuple[Message, ...] = ()  # copies, loans and charges that disagree, each with its code
    files: tuple[Message, ...] = ()  # evidence files missing or changed on disk (ils.events.evidence)
    stale_figures: tuple[stats_cache.KeptFigure, ...] = ()  # kept annual figures their rows no longer give
    removed: tuple[str, ...] = ()
    """Leftovers of killed backups removed from the backup folder (not a problem any more)."""
    notes: tuple[str, ...] = ()

    @property
    def statistics(self) -> tuple[Message, ...]:
        """What ``stale_figures`` are, for people: each by its indicator code, breakdown and year."""
        return tuple(
            message(
                "maintenance.stale_figures",
                "The kept figures of indicator {indicator} (breakdown: {dimension}) for {year} disagree with the "
                "rows they were counted from; they are forgotten and will be counted again.",
                indicator=figure.indicator,
                dimension=figure.dimension,
                year=figure.year,
            )
            for figure in self.stale_figures
        )

    @property
    def ok(self) -> bool:
        return not (
            self.integrity or self.foreign_keys or self.journal or self.circulation or self.files or self.stale_figures
        )

    def lines(self) -> list[str]:
        """The report as the desk and the command line show it: counts, then problems, then what was tidied."""
        counts = [_("{table}: {count} rows").format(table=t, count=c) for t, c in self.counts.items()]
        problems = [
            *self.integrity,
            *self.foreign_keys,
            *self.journal,
            *map(str, self.circulation),
            *map(str, self.files),
            *map(str, self.statistics),
        ]
        removed = [_("Removed a leftover of an interrupted backup: {path}").format(path=path) for path in self.removed]
        return counts + list(self.notes) + (problems or [_("No problems found.")]) + removed


def default_backup_path(library: Library) -> Path:
    stamp = library.now().strftime("%Y%m%d-%H%M%S")
    return backup_folder(library.path) / f"{library.path.stem}-{stamp}.sqlite"


def backup(session: Session, target: Path | None = None, *, passphrase: str | None = None) -> BackupResult:
    """An online backup, safe while other desks write; journaled with its file name.

    With ``passphrase`` the reader key file is sealed beside the backup; without, the
    result names the key file that must be backed up apart (when the library has one).
    """
    session.require(Permission.BACKUP)
    library = session.library
    if dialect.name(library.database) == "postgresql":
        raise Invalid(
            "maintenance.backup_postgresql",
            "A union on PostgreSQL is backed up with the server's own tool: pg_dump -Fc -d URL -f FILE.dump,"
            " and the key files beside {path} are copied with it (the user guide's union chapter has the recipe).",
            path=library.path,
        )
    target = Path(target) if target else default_backup_path(library)
    if target.exists() and target.is_dir():
        target = target / default_backup_path(library).name
    if target.resolve() == library.path.resolve():
        raise Invalid("maintenance.backup_overwrite_database_itself", "A backup cannot overwrite the database itself.")
    has_keys = library.setting(KEY_FINGERPRINT) is not None
    if passphrase is not None:
        check_passphrase(passphrase)
    keys = load_keys(library) if has_keys and passphrase is not None else None  # refused now if missing or foreign
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        removed = tuple(remove_leftovers(target.parent))
        backup_to(library.path, target)
        sealed = None
        if keys is not None:
            assert passphrase is not None
            sealed = seal(key_path(library.path).read_bytes(), keys.fingerprint, passphrase, sealed_path(target))
    except StorageError as error:
        raise explain(error) from error
    except OSError as error:
        reason = "full" if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else "unwritable"
        raise explain(StorageError(reason, target, str(error))) from error
    with session.write() as writer:
        writer.journal(
            "database.backup", "node", library.node_id, {"file": str(target), "keys_included": sealed is not None}
        )
    key_file = key_path(library.path).resolve() if has_keys and sealed is None else None
    return BackupResult(target, target.stat().st_size, sealed, key_file, removed)


def verify_backup_file(source: Path) -> None:
    """Refuse a file that is not a sound ils database this version can open."""
    try:
        problems = integrity_problems(source)
        version = file_schema_version(source)
    except StorageError as error:
        raise explain(error) from error
    if problems:
        raise DatabaseProblem(
            "maintenance.fails_integrity_check",
            "{path} fails the integrity check: {problems}",
            path=source,
            problems="; ".join(problems[:3]),
        )
    if version == 0:
        raise DatabaseProblem(
            "maintenance.sqlite_file_but_ils", "{path} is a SQLite file but not an ils database.", path=source
        )
    if version > LATEST_VERSION:
        raise explain(StorageError("too_new", source, f"{version} > {LATEST_VERSION}"))


def sealed_keys_of(backup_file: Path) -> Path | None:
    """The sealed key file beside ``backup_file``, if there is one."""
    path = sealed_path(Path(backup_file))
    return path if path.is_file() else None


def restore(
    target: Path, source: Path, staff_id: str | None, *, keys: Path | None = None, passphrase: str | None = None
) -> RestoreResult:
    """Replace the database at ``target`` with ``source`` after checking ``source``.

    The current database, if readable, is first backed up beside itself; the
    path of that safety copy is returned. The caller has checked the staff
    member's permission on the current database (there may be none to check).
    The restore is journaled in the restored database, which is also brought
    forward to this version's schema.

    With ``keys`` (a sealed key file) and its ``passphrase`` the reader key file is
    put back beside ``target``; it is opened and matched with the backup before
    anything is replaced, so a wrong passphrase changes nothing. A different key
    file already there is kept as ``<name>.keys.before-restore-<time>``.
    """
    source, target = Path(source), Path(target)
    verify_backup_file(source)
    try:
        recorded = file_setting(source, KEY_FINGERPRINT)
    except StorageError as error:
        raise explain(error) from error
    key_content = None
    if keys is not None:
        sealed = read_sealed(keys)
        if recorded is None or sealed.fingerprint != recorded:
            raise Invalid(
                "backup.sealed_keys_other_backup",
                "{keys} holds the reader key of another library database, not of {path}.",
                keys=keys,
                path=source,
            )
        key_content = sealed.open(passphrase or "")
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
    keys_restored = _put_key_file(target, key_content) if key_content is not None else None
    library = open_library(target, read_only=False)
    try:
        if library.identity_change is None:  # a restored database names its next changes in a new epoch
            start_new_epoch(library, "restored")
        with library.write(staff_id) as writer:
            writer.journal(
                "database.restore",
                "node",
                library.node_id,
                {"file": str(source), "keys_restored": keys_restored is not None},
            )
        if keys_restored is not None:
            load_keys(library)  # the key file now opens this library's numbers, or this refuses
    finally:
        library.close()
    missing = key_path(target) if recorded is not None and not key_path(target).exists() else None
    return RestoreResult(safety, keys_restored, missing)


def _put_key_file(target: Path, content: bytes) -> Path:
    """Write the reader key file beside ``target`` (0600); a different one already there is kept aside."""
    path = key_path(target)
    if path.exists():
        if path.read_bytes() == content:
            return path
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        os.replace(path, path.with_name(f"{path.name}.before-restore-{stamp}"))
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    return path


def check(session: Session) -> CheckReport:
    """The checks of ``check_library`` on this desk's database; leftovers of killed backups are removed."""
    session.require(Permission.CHECK_DATABASE)
    library = session.library
    removed = () if library.read_only else tuple(str(p) for p in remove_leftovers(backup_folder(library.path)))
    report = check_library(library)
    if report.stale_figures and not library.read_only:
        stats_cache.forget(library.database, report.stale_figures)  # counted again when next asked for
    return dataclasses.replace(report, removed=removed)


def check_file(path: Path) -> CheckReport:
    """The same checks on a database file (a backup), opened read-only: nothing in it or beside it changes.

    No log-in (whoever can read the file can read it anyway), so nothing is journaled.
    A file of an older schema gets the integrity and foreign-key checks only.
    """
    path = Path(path)
    if postgres.is_locator(path):
        raise Invalid(
            "maintenance.check_postgresql_file",
            "{path} names a union on a PostgreSQL server: check it with ils --db {path} check (no file).",
            path=path,
        )
    try:
        version = file_schema_version(path)
    except StorageError as error:
        raise explain(error) from error
    if version == 0:
        raise DatabaseProblem(
            "maintenance.sqlite_file_but_ils", "{path} is a SQLite file but not an ils database.", path=path
        )
    if version > LATEST_VERSION:
        raise explain(StorageError("too_new", path, f"{version} > {LATEST_VERSION}"))
    leftover = tuple(
        _("A leftover of an interrupted backup is beside it: {path}").format(path=p) for p in leftovers(path.parent)
    )
    if version < LATEST_VERSION:
        try:
            problems = integrity_problems(path)
        except StorageError as error:
            raise explain(error) from error
        note = _(
            "Schema {version} of an older version of ils: only its integrity was checked; a restore brings it forward."
        ).format(version=version)
        return CheckReport(integrity=tuple(problems), notes=(note, *leftover))
    library = open_library(path, read_only=True)
    try:
        report = check_library(library)
    finally:
        library.close()
    return dataclasses.replace(report, notes=report.notes + leftover)


def check_library(library: Library) -> CheckReport:
    """integrity_check, foreign_key_check, and whether the journal and the tables agree.

    Reads only: runs on a desk's library and on a backup opened read-only alike.
    """
    database = library.database
    notes: tuple[str, ...] = ()
    if dialect.name(database) == "postgresql":
        # The server keeps its pages and enforces every foreign key itself; what is checked here
        # is what only ils knows: the journal, the sync versions and circulation.
        integrity: list[str] = []
        foreign: list[str] = []
        notes = (
            _(
                "A union on PostgreSQL: the server enforces integrity and foreign keys itself "
                "(its own tools, such as amcheck, check its storage); the journal and circulation are checked here."
            ),
        )
    else:
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
            (entity_type, table, library.node_id),
        ).fetchone()[0]
        if missing:
            journal_problems.append(
                _("{count} rows of {table} have no journal entry").format(count=missing, table=table)
            )
    node_id = library.setting(NODE_ID)
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
        # A backup (opened read-only) has no evidence folder beside it: only a desk's own files are checked.
        files=() if library.read_only else tuple(evidence.check_files(library)),
        stale_figures=tuple(stats_cache.stale(database)),
        notes=notes,
    )
