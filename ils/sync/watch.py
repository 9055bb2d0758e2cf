"""Watched transport folders: bundles that arrive in an inbox are applied, and this node's own
bundles are written to an outbox, by a long-lived process (``ils sync watch``, ``ils union watch``).

Bundles travel on USB sticks and shared folders that nobody babysits, so the watcher assumes
the worst of them:

- **Never read a file still being copied.** A writer that follows the convention writes
  ``NAME.ilsync.part`` and renames it when complete (ils itself does); such names are ignored.
  A plain copy is taken only once it is finished: with inotify, after the writer closed it
  (the close event) *and* its size and modification time held still for one look; with the
  polling observer (network shares, USB sticks: inotify sees nothing on NFS or SMB), once its
  size and modification time held still for ``settle`` seconds. After reading, the file is
  looked at again: changed meanwhile, it waits.
- **Lose nothing.** The folder is rescanned at start and every ``rescan`` seconds, so a missed
  event costs latency, not a bundle. A folder that disappears (a stick pulled out) is
  re-armed when it comes back, even as a new folder of the same name.
- **Apply each bundle once, whole.** The import runs in one transaction and a bundle applied
  before is a no-op, so a watcher killed at any point and started again picks up where it
  was. SIGTERM stops the loop between bundles.
- **Processed** bundles move to this database's ``received`` folder (which the retention job
  ``expire_sync_bundles`` empties on the privacy schedule); **refused** ones to ``rejected/``
  in the inbox, with ``NAME.reason.txt`` beside them saying why; they expire on the same privacy
  schedule (the watcher clears them at start and at every rescan, and ``expire_sync_bundles``
  clears the inboxes a watcher has used). A bundle that could not be
  applied for a reason of this side (the database busy or down) stays where it is and is
  tried again.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ils.errors import DatabaseProblem, IlsError
from ils.identity import sync_folder
from ils.session import Session
from ils.sync.archive import node_tag
from ils.sync.exchange import SUFFIX, BundleReport
from ils.sync.retention import REASON, REJECTED, cutoff, expire_rejected, remember_inbox

PARTIAL = (".part", ".partial")
EVENTS = ("watching", "inbox gone", "rearmed", "applied", "rejected", "waiting", "exported")


@dataclass(frozen=True)
class WatchSettings:
    inbox: Path
    outbox: Path | None = None
    polling: bool = False
    settle: float = 1.0  # seconds a polled file's size and time must hold still
    rescan: float = 30.0  # seconds between full looks at the inbox
    export_every: float = 60.0  # seconds between looks for changes to write to the outbox
    tick: float = 0.25


@dataclass
class WatchReport:
    applied: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)
    rearmed: int = 0


@dataclass
class _Seen:
    size: int
    mtime: int
    since: float
    closed: bool = False


def is_bundle_name(name: str) -> bool:
    return name.endswith(SUFFIX) and not name.startswith(".") and not name.endswith(PARTIAL)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class Watcher:
    """One inbox (and optionally one outbox) watched for one database.

    ``apply`` imports one bundle file; ``export`` writes this node's bundles to a folder and
    returns their paths (nothing when there is nothing new). Both run on the thread that calls
    ``run``, which is the only one touching the database; the observer's threads only queue names.
    """

    def __init__(
        self,
        session: Session,
        settings: WatchSettings,
        apply: Callable[[Session, Path], BundleReport],
        export: Callable[[Session, Path], list[Path]] | None = None,
        *,
        on_event: Callable[..., None] | None = None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.apply = apply
        self.export = export
        # on_event(kind, path, detail=""): kind is one of EVENTS
        self.on_event = on_event or (lambda *_args: None)
        self.report = WatchReport()
        self._events: queue.Queue[tuple[str, str]] = queue.Queue()
        self._seen: dict[Path, _Seen] = {}
        self._observer: Any = None
        self._armed: tuple[int, int] | None = None

    # --- the observer -------------------------------------------------------------------------

    def _arm(self) -> None:
        """(Re)start watching the inbox as it is now; without it, wait for it to come back."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self._disarm()
        inbox = self.settings.inbox
        try:
            st = inbox.stat()
        except OSError:
            return
        events = self._events

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.is_directory:
                    return
                target = getattr(event, "dest_path", "") or event.src_path
                events.put((event.event_type, os.fsdecode(target)))

        observer = PollingObserver(timeout=max(self.settings.tick, 0.2)) if self.settings.polling else Observer()
        observer.daemon = True
        try:
            observer.schedule(Handler(), str(inbox), recursive=False)
            observer.start()
        except OSError:  # gone again between the look and the watch: the next tick tries again
            observer.stop()
            return
        self._observer = observer
        self._armed = (st.st_dev, st.st_ino)
        self.on_event("watching", inbox)
        self._rescan()

    def _disarm(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
        self._armed = None

    def _check_folder(self) -> None:
        """The inbox gone (a stick pulled out), or a new folder in its place: watch it anew."""
        try:
            st = self.settings.inbox.stat()
            now: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            now = None
        alive = self._observer is not None and self._observer.is_alive()
        if now == self._armed and (now is None or alive):
            return
        if now is None:
            self._disarm()
            self.on_event("inbox gone", self.settings.inbox)
            return
        self._arm()
        self.report.rearmed += 1
        self.on_event("rearmed", self.settings.inbox)

    # --- what is ready ------------------------------------------------------------------------

    def _rescan(self) -> None:
        try:
            names = sorted(os.listdir(self.settings.inbox))
        except OSError:
            return
        expire_rejected(self.settings.inbox, cutoff(self.session))  # refused bundles go on the privacy schedule
        for name in names:
            if is_bundle_name(name):
                self._note(self.settings.inbox / name, closed=False)

    def _note(self, path: Path, *, closed: bool) -> None:
        if path.parent != self.settings.inbox or not is_bundle_name(path.name):
            return
        found = _stat(path)
        if found is None:
            self._seen.pop(path, None)
            return
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime) != found:
            self._seen[path] = _Seen(*found, time.monotonic(), closed)
        elif closed:
            seen.closed = True

    def _drain(self) -> None:
        while True:
            try:
                kind, name = self._events.get_nowait()
            except queue.Empty:
                return
            path = Path(name)
            # A rename into the folder (``.part`` → final name) is a finished file, as a close is.
            self._note(path, closed=kind in ("closed", "moved"))

    def _ready(self) -> list[Path]:
        now = time.monotonic()
        ready = []
        for path, seen in list(self._seen.items()):
            found = _stat(path)
            if found is None:
                del self._seen[path]
                continue
            if (seen.size, seen.mtime) != found:
                self._seen[path] = _Seen(*found, now, False)
                continue
            held = now - seen.since
            if (seen.closed and held >= self.settings.tick) or held >= self.settings.settle:
                ready.append(path)
        return sorted(ready, key=lambda p: (_stat(p) or (0, 0))[1])

    # --- doing the work -----------------------------------------------------------------------

    def _process(self, path: Path) -> None:
        before = _stat(path)
        try:
            report = self.apply(self.session, path)
        except DatabaseProblem as problem:
            self.on_event("waiting", path, str(problem))  # this side's trouble: try again later
            self._seen[path] = _Seen(*(before or (0, 0)), time.monotonic(), False)
            return
        except IlsError as refusal:
            if _stat(path) != before:
                return  # it changed while being read: not finished after all
            self._seen.pop(path, None)
            self._reject(path, refusal)
            return
        if _stat(path) != before:
            return  # changed while being read: it is looked at again (applying twice is a no-op)
        self._seen.pop(path, None)
        kept = sync_folder(self.session.library.path) / "received"
        kept.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(kept / path.name))
        self.report.applied.append(path.name)
        self.on_event("applied", path, report.state)

    def _reject(self, path: Path, refusal: IlsError) -> None:
        folder = self.settings.inbox / REJECTED
        folder.mkdir(exist_ok=True)
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        (folder / f"{path.name}{REASON}").write_text(f"{stamp}\n{refusal.code}\n{refusal}\n", encoding="utf-8")
        shutil.move(str(path), str(folder / path.name))
        self.report.rejected.append(path.name)
        self.on_event("rejected", path, refusal.code)

    def _export(self) -> None:
        outbox = self.settings.outbox
        if self.export is None or outbox is None or not outbox.is_dir():
            return  # an outbox on a stick that is not there: next time
        for made in self.export(self.session, outbox):
            self.report.exported.append(made.name)
            self.on_event("exported", made)

    def run(self, stop: threading.Event, *, until: Callable[[WatchReport], bool] | None = None) -> WatchReport:
        """Watch until ``stop`` is set (SIGTERM sets it) or ``until(report)`` is true; stops between bundles."""
        remember_inbox(self.session, self.settings.inbox)
        self._arm()
        next_rescan = time.monotonic() + self.settings.rescan
        next_export = time.monotonic()
        try:
            while not stop.is_set():
                self._check_folder()
                self._drain()
                for path in self._ready():
                    if stop.is_set():
                        break
                    self._process(path)
                now = time.monotonic()
                if now >= next_rescan:
                    self._rescan()
                    next_rescan = now + self.settings.rescan
                if now >= next_export:
                    self._export()
                    next_export = now + self.settings.export_every
                if until is not None and until(self.report):
                    break
                stop.wait(self.settings.tick)
        finally:
            self._disarm()
        return self.report


def desk_export(session: Session, outbox: Path) -> list[Path]:
    """A desk's bundle to the outbox when it has changes the union has not been sent."""
    from ils import identity
    from ils.sync import exchange

    library = session.library
    if not _shared_changes(library.database, identity.last_exported(library)):
        return []
    report = exchange.export_desk(session, outbox)
    return [Path(report.path)] if report.path else []


def _shared_changes(database: Any, after: int) -> int:
    """The number of the latest change after ``after`` that leaves this database (0: none). An export
    changes this desk's own settings (``sync.last_export_seq``), which never leave: counting them, each
    export would call for another."""
    from db.sync_spec import setting_is_local

    latest = 0
    for seq, table, pk in database.execute_sql("SELECT seq, tbl, pk FROM sync_row WHERE seq > ?", (after,)):
        if seq > latest and (table != "setting" or not setting_is_local(pk)):
            latest = seq
    return latest


class UnionExport:
    """The union's bundles to the outbox, one folder per desk (``BRANCH-NODE``), each time the union
    has changed since it last wrote that desk's bundle."""

    def __init__(self) -> None:
        self._written: dict[str, int] = {}

    def __call__(self, session: Session, outbox: Path) -> list[Path]:
        from ils.sync import exchange, peers

        library = session.library
        made = []
        for peer in peers.peers(library):
            if peer.role != "desk" or peer.revoked_at:
                continue
            top = _shared_changes(library.database, self._written.get(peer.node_id, -1))
            if not top:
                continue
            folder = outbox / desk_folder(peer.branch_code, peer.node_id)
            folder.mkdir(exist_ok=True)
            report = exchange.export_union(session, peer.node_id, folder)
            made += [Path(report.path)] if report.path else []
            self._written[peer.node_id] = top
        return made


def desk_folder(branch_code: str | None, node_id: str) -> str:
    return f"{branch_code or 'desk'}-{node_tag(node_id)}"


DRIVE_FOLDER = "ils-sync"
_REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")


def removable_drives() -> list[Path]:
    """Mounted removable drives this computer can write to (a USB stick for the van): on Linux the
    file systems mounted under /media, /run/media or /mnt; on Windows the drives Windows calls removable."""
    if os.name == "nt":
        import ctypes
        import string

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        found = [
            Path(f"{letter}:\\\\") for letter in string.ascii_uppercase if kernel.GetDriveTypeW(f"{letter}:\\\\") == 2
        ]
    else:
        try:
            lines = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        found = [
            Path(fields[1].replace("\\040", " "))
            for fields in (line.split() for line in lines)
            if len(fields) > 1 and fields[1].startswith(_REMOVABLE_ROOTS)
        ]
    return [path for path in found if os.access(path, os.W_OK)]


def send_to_drive(session: Session, drive: Path) -> BundleReport:
    """This desk's bundle written to ``drive`` (in its ``ils-sync`` folder, made if need be)."""
    from ils.errors import NotFound
    from ils.sync import exchange

    if not Path(drive).is_dir():
        raise NotFound("sync.no_such_folder", "There is no folder {path}.", path=drive)
    folder = Path(drive) / DRIVE_FOLDER
    folder.mkdir(exist_ok=True)
    return exchange.export_desk(session, folder)
