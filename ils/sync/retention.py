"""Bundles kept after use expire on the privacy schedule, like the loan history they carry.

A desk keeps the bundles it wrote (``sync/<name>/sent``) to send again if one is lost, and
the union and desks keep the ones they read (``received``); quarantined bundles and rows
waiting for a missing parent are kept in the database. All of them may carry loans still
linked to readers, so they go once they are older than the loan-history period
(``readers.loan_history_days``), when ``ils readers deidentify`` runs.

Bundles a watcher refused lie in its inbox's ``rejected/`` folder, where the person who brought
them looks, each with its ``NAME.reason.txt``. They carry the same personal data, so they go on
the same schedule, with their reason files: the watcher notes each inbox it watches in
``inboxes.txt`` of this database's sync folder (desk-local, one path a line) so this job finds
them even when no watcher runs, and the watcher clears its own as it goes (it may run for months).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ils.i18n import N_
from ils.identity import sync_folder
from ils.readers.settings import reader_settings
from ils.retention import retention_job
from ils.session import Session

REJECTED = "rejected"
INBOXES = "inboxes.txt"
REASON = ".reason.txt"


def cutoff(session: Session) -> dt.datetime:
    """Kept bundles older than this go: the loan-history period back from now."""
    return session.now() - dt.timedelta(days=reader_settings(session.library).loan_history_days)


def _older(path: Path, before: dt.datetime) -> bool:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, before.tzinfo) < before


def remember_inbox(session: Session, inbox: Path) -> None:
    """Note an inbox a watcher uses, so the retention job finds its rejected bundles."""
    listed = sync_folder(session.library.path) / INBOXES
    known = listed.read_text(encoding="utf-8").splitlines() if listed.exists() else []
    path = str(inbox.resolve())
    if path not in known:
        listed.parent.mkdir(parents=True, exist_ok=True)
        listed.write_text("\n".join([*known, path]) + "\n", encoding="utf-8")


def expire_rejected(inbox: Path, before: dt.datetime) -> int:
    """Delete refused bundles older than ``before`` with their reason files (and reason files left
    alone that old); an inbox not there now (a stick pulled out) is left for the next run."""
    folder = inbox / REJECTED
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.endswith(REASON) or not _older(path, before):
            continue
        path.unlink()
        removed += 1
        reason = folder / (path.name + REASON)
        if reason.exists():
            reason.unlink()
    for reason in sorted(folder.glob("*" + REASON)):
        if not (folder / reason.name.removesuffix(REASON)).exists() and _older(reason, before):
            reason.unlink()
    return removed


@retention_job("expire_sync_bundles", N_("Sync bundles kept past the loan-history period, deleted"))
def expire_bundles(session: Session) -> int:
    """Delete kept bundles (sent, received, refused by a watcher), quarantined bundles and waiting
    rows older than the loan-history period."""
    library = session.library
    expired = cutoff(session)
    removed = 0
    for folder in ("sent", "received"):
        for path in sorted((sync_folder(library.path) / folder).glob("*.ilsync")):
            if _older(path, expired):
                path.unlink()
                removed += 1
    listed = sync_folder(library.path) / INBOXES
    for inbox in listed.read_text(encoding="utf-8").splitlines() if listed.exists() else ():
        if inbox.strip():
            removed += expire_rejected(Path(inbox), expired)
    before = expired.isoformat(timespec="seconds")
    database = library.database
    held = database.execute_sql("SELECT COUNT(*) FROM sync_inbox WHERE received_at < ?", (before,)).fetchone()[0]
    waiting = database.execute_sql("SELECT COUNT(*) FROM sync_pending WHERE since < ?", (before,)).fetchone()[0]
    if held or waiting:
        with session.write() as writer:
            database.execute_sql("DELETE FROM sync_inbox WHERE received_at < ?", (before,))
            database.execute_sql("DELETE FROM sync_pending WHERE since < ?", (before,))
            writer.journal(
                "sync.expire", "sync_bundle", None, {"before": before, "quarantined": held, "waiting": waiting}
            )
    return removed + held + waiting
