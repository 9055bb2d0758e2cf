"""Bundles kept after use expire on the privacy schedule, like the loan history they carry.

A desk keeps the bundles it wrote (``sync/<name>/sent``) to send again if one is lost, and
the union and desks keep the ones they read (``received``); quarantined bundles and rows
waiting for a missing parent are kept in the database. All of them may carry loans still
linked to readers, so they go once they are older than the loan-history period
(``readers.loan_history_days``), when ``ils readers deidentify`` runs.
"""

from __future__ import annotations

import datetime as dt

from ils.i18n import N_
from ils.identity import sync_folder
from ils.readers.settings import reader_settings
from ils.retention import retention_job
from ils.session import Session


@retention_job("expire_sync_bundles", N_("Sync bundles kept past the loan-history period, deleted"))
def expire_bundles(session: Session) -> int:
    """Delete kept bundles, quarantined bundles and waiting rows older than the loan-history period."""
    library = session.library
    days = reader_settings(library).loan_history_days
    cutoff = session.now() - dt.timedelta(days=days)
    removed = 0
    for folder in ("sent", "received"):
        for path in sorted((sync_folder(library.path) / folder).glob("*.ilsync")):
            if dt.datetime.fromtimestamp(path.stat().st_mtime, cutoff.tzinfo) < cutoff:
                path.unlink()
                removed += 1
    before = cutoff.isoformat(timespec="seconds")
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
