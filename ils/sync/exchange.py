"""The exchange: a desk's bundle for the union, the union's bundle for each desk, and reading either.

**Export is state-based.** A bundle for the range ``(from, to]`` of the sender's change
counter carries, for each row whose latest change is numbered in that range, its current
replicated values and versions. A desk sends everything since the union last acknowledged
(``acks`` in the union's bundles); the union sends each desk everything since the desk last
said it had (``has`` in the desk's bundles). A sender never sends one range twice: with
nothing new, it sends the empty range ``(to, to]``, which carries only the acknowledgements.

**Import** checks the file (``archive``: signature and key first, then the archive and every
member, before any member is parsed), then the manifest: the recipient, the schema, the
range. The same ``(origin, epoch, range)`` already applied with the same content is a replay
and changes nothing; with different content it is tampering, recorded and never applied.
A bundle whose stamps run more than the allowed drift ahead of this desk's clock is held in
quarantine. Anything else is applied in one transaction (``apply``), whatever order bundles
come in; the ranges applied per node and epoch show the gaps still to fill.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import Database

from db import dialect
from db.journal import hlc_wall_ms
from db.migrations import LATEST_VERSION
from db.sync_spec import BY_NAME, TABLES
from ils import identity
from ils.errors import Conflict, IlsError, Invalid, NotFound
from ils.library import Library
from ils.permissions import Permission
from ils.session import Session
from ils.sync import archive, batch, peers, privacy, rows
from ils.sync.apply import Applied, Applier, Refused
from ils.sync.batch import Batch
from ils.sync.keys import signing_key

FORMAT = "ils-sync-2"  # a table's rows column-wise (``batch``); a desk not yet updated still sends
READABLE = frozenset({"ils-sync-1", FORMAT})  # format 1, a line a row, and is read until it is
MAX_DRIFT = "clock.max_drift_minutes"
DEFAULT_MAX_DRIFT_MINUTES = 10
SUFFIX = ".ilsync"


@dataclass(frozen=True)
class BundleReport:
    """What an export wrote or an import did: shown by the commands, ``--json`` prints it whole."""

    state: str  # exported, applied, replayed, quarantined, tampered
    bundle_id: str
    path: str | None
    origin: str
    recipient: str
    epoch: int
    first: int
    last: int
    counts: dict[str, int] = field(default_factory=dict)
    size: int = 0
    forgotten: int = 0
    pending: int = 0
    conflicts: int = 0
    gaps: tuple[tuple[int, int], ...] = ()


def max_drift(library: Library) -> dt.timedelta:
    value = library.setting(MAX_DRIFT)
    return dt.timedelta(minutes=int(value) if value else DEFAULT_MAX_DRIFT_MINUTES)


def _horizon(library: Library) -> int:
    """The highest stamp accepted from elsewhere: this desk's now plus the allowed drift."""
    limit = library.now() + max_drift(library)
    return (int(limit.timestamp() * 1000) + 1) << dialect.COUNTER_BITS


# --- ranges --------------------------------------------------------------------------------------


def _ranges(database: Database, origin: str, epoch: int) -> list[tuple[int, int]]:
    return [
        (a, b)
        for a, b in database.execute_sql(
            "SELECT first, last FROM sync_range WHERE origin = ? AND epoch = ? ORDER BY first, last", (origin, epoch)
        )
    ]


def covered(database: Database, origin: str, epoch: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """How far the changes of ``origin`` in ``epoch`` are applied without a hole, and the holes after it."""
    spans = _ranges(database, origin, epoch)
    if not spans:
        return 0, ()
    reach = spans[0][0]
    holes: list[tuple[int, int]] = []
    for first, last in spans:
        if first > reach:
            holes.append((reach, first))
        reach = max(reach, last)
    contiguous = holes[0][0] if holes else reach
    return contiguous, tuple(holes)


# --- writing -------------------------------------------------------------------------------------


def _ever_shared(database: Database, readers: set[str]) -> set[str]:
    if not readers:
        return set()
    return {
        r
        for (r,) in database.execute_sql(
            f"SELECT DISTINCT reader_id FROM reader_consent WHERE kind = ? AND reader_id IN {dialect.LISTED}",
            (privacy.UNION_SHARING, dialect.listed(readers)),
        )
    }


def collect(database: Database, first: int, last: int) -> tuple[dict[str, bytes], dict[str, int], int]:
    """The members of a bundle for ``(first, last]``: each table's rows column-wise (``batch.columns``),
    and the readers to forget."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for name, pk in dialect.changed_between(database, first, last):
        by_table[name].append(pk)
    passed_on = (
        {
            pk
            for (pk,) in database.execute_sql(
                f"SELECT pk FROM sync_row WHERE tbl = 'reader' AND deleted = ? AND pk IN {dialect.LISTED}",
                (rows.FORGOTTEN, dialect.listed(by_table.get("reader", ()))),
            )
        }
        if by_table.get("reader")
        else set()
    )
    consents = rows.load(database, BY_NAME["reader_consent"], by_table.get("reader_consent", []))
    starting = {
        s.values["reader_id"][0]
        for s in consents.values()
        if not s.deleted and s.values["kind"][0] == privacy.UNION_SHARING and s.values["withdrawn"][0] is None
    }
    for name, keys in privacy.linked_rows(database, privacy.shareable(database, starting)).items():
        by_table[name] += keys
    members: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    forget: set[str] = set()
    for table in TABLES:
        keys = list(dict.fromkeys(by_table.get(table.name, ())))
        if not keys:
            continue
        states, gone = privacy.project(database, table.name, rows.load(database, table, keys))
        forget |= gone
        kept = [(pk, states[pk]) for pk in keys if pk in states]
        if kept:
            member = batch.columns(table, kept)
            members[f"rows/{table.name}.json"] = json.dumps(member, ensure_ascii=False, separators=(",", ":")).encode()
            counts[table.name] = len(kept)
    forget = _ever_shared(database, forget) | passed_on
    if forget:
        members[archive.FORGET] = json.dumps(sorted(forget)).encode()
    return members, counts, len(forget)


def _range(database: Database, recipient: str, epoch: int, first: int, last: int) -> tuple[int, int]:
    """``(first, last]``, or the empty ``(last, last]`` when exactly that range went to this recipient before."""
    sent = database.execute_sql(
        "SELECT 1 FROM sync_bundle WHERE direction = 'out' AND recipient = ? AND epoch = ? AND first = ? AND last = ?",
        (recipient, epoch, first, last),
    ).fetchone()
    return (last, last) if sent else (first, last)


def _save(library: Library, out_dir: Path, name: str, data: bytes) -> Path:
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise NotFound("sync.no_such_folder", "There is no folder {path}.", path=out_dir)
    kept = identity.sync_folder(library.path) / "sent"
    kept.mkdir(parents=True, exist_ok=True)
    for folder in (kept, out_dir):
        target = folder / name
        partial = folder / f"{name}.part"  # renamed when complete: a watcher ignores *.part
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    return out_dir / name


def _manifest(
    library: Library,
    *,
    recipient: str,
    epoch: int,
    epoch_start: int,
    first: int,
    last: int,
    counts: dict[str, int],
    extra: dict[str, Any],
) -> dict[str, Any]:
    ident = identity.identity(library)
    node = library.node
    stamp = dialect.clock(library.database)[0]
    return {
        "format": FORMAT,
        "schema": LATEST_VERSION,
        "sender": {"node": node.node_id, "role": ident.role, "name": node.node_name, "branch": node.branch_code},
        "recipient": recipient,
        "origin": node.node_id,
        "epoch": epoch,
        "epoch_start": epoch_start,
        "first": first,
        "last": last,
        "counts": counts,
        "created": {"hlc": stamp, "wall": library.now().isoformat(timespec="seconds")},
        **extra,
    }


def _export(
    session: Session,
    out_dir: Path,
    *,
    recipient: str,
    start: int,
    name_prefix: str,
    extra: dict[str, Any],
    peer_id: str | None,
) -> BundleReport:
    library = session.library
    database = library.database
    ident = identity.identity(library)
    last = dialect.max_seq(database)
    first, last = _range(database, recipient, ident.epoch, start, last)
    members, counts, forgotten = collect(database, first, last) if last > first else ({}, {}, 0)
    manifest = _manifest(
        library,
        recipient=recipient,
        epoch=ident.epoch,
        epoch_start=ident.epoch_start,
        first=first,
        last=last,
        counts=counts,
        extra=extra,
    )
    data = archive.write(manifest, members, signing_key(library))
    bundle_id = hashlib.sha256(data).hexdigest()
    name = f"{name_prefix}-{archive.node_tag(library.node_id)}-e{ident.epoch}-{first}-{last}{SUFFIX}"
    path = _save(library, out_dir, name, data)
    now = library.now_text()
    with session.write() as writer:
        database.execute_sql(
            "INSERT INTO sync_bundle (id, direction, origin, recipient, epoch, first, last, state, counts, file, at)"
            " VALUES (?, 'out', ?, ?, ?, ?, ?, 'exported', ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (bundle_id, library.node_id, recipient, ident.epoch, first, last, json.dumps(counts), str(path), now),
        )
        if ident.role == identity.DESK:
            identity.set_setting(identity.LAST_EXPORT, str(max(last, identity.last_exported(library))))
        if peer_id:
            database.execute_sql("UPDATE sync_peer SET last_out = ? WHERE node_id = ?", (now, peer_id))
        writer.journal(
            "sync.export",
            "sync_bundle",
            bundle_id,
            {"recipient": recipient, "epoch": ident.epoch, "first": first, "last": last, "counts": counts},
        )
    if ident.role == identity.DESK:
        identity.write_marker(library, sent=last)
    return BundleReport(
        "exported",
        bundle_id,
        str(path),
        library.node_id,
        recipient,
        ident.epoch,
        first,
        last,
        counts,
        len(data),
        forgotten,
    )


def _union_peer(library: Library) -> tuple[str, str, int, int, int] | None:
    """(node id, fingerprint, acked epoch, acked seq, epoch) of the union, once its first bundle came."""
    row = library.database.execute_sql(
        "SELECT node_id, fingerprint, acked_epoch, acked_seq, epoch FROM sync_peer WHERE role = 'union'"
    ).fetchone()
    return row


def has_of_union(library: Library) -> dict[str, int]:
    union = _union_peer(library)
    if union is None:
        return {"epoch": 0, "seq": 0}
    contiguous, _holes = covered(library.database, union[0], union[4])
    return {"epoch": union[4], "seq": contiguous}


def export_desk(session: Session, out_dir: Path) -> BundleReport:
    """``ils sync export``: every change since the union last acknowledged, for the union."""
    session.require(Permission.SYNC)
    library = session.library
    ident = identity.identity(library)
    if ident.role != identity.DESK:
        raise Invalid(
            "sync.union_exports_per_desk", "The union writes one bundle per desk: use `ils union export --node`."
        )
    expected = library.setting(peers.UNION_FINGERPRINT)
    if expected is None:
        raise Invalid("sync.not_enrolled", "This desk is not enrolled with a union: run `ils sync enrol` first.")
    union = _union_peer(library)
    recipient = union[0] if union else expected
    acked = union[3] if union and union[2] == ident.epoch else 0
    start = max(acked, ident.epoch_start)
    return _export(
        session,
        out_dir,
        recipient=recipient,
        start=start,
        name_prefix=library.node.branch_code,
        extra={"has": has_of_union(library)},
        peer_id=union[0] if union else None,
    )


def export_union(session: Session, node: str, out_dir: Path) -> BundleReport:
    """``ils union export --node N``: everything the desk has not said it has, and what the union has of it."""
    session.require(Permission.SYNC)
    library = session.library
    ident = identity.identity(library)
    if ident.role != identity.UNION:
        raise Invalid("sync.desk_exports_to_union", "A desk writes its bundle with `ils sync export`.")
    desk = peers.find_peer(library, node)
    if desk.revoked_at:
        raise Invalid("sync.revoked_node", "The trust of {node} was revoked; it gets no more bundles.", node=desk.name)
    has_epoch, has_seq = library.database.execute_sql(
        "SELECT acked_epoch, has_seq FROM sync_peer WHERE node_id = ?", (desk.node_id,)
    ).fetchone()
    start = has_seq if has_epoch == ident.epoch else ident.epoch_start
    contiguous, _holes = covered(library.database, desk.node_id, desk.epoch)
    return _export(
        session,
        out_dir,
        recipient=desk.node_id,
        start=max(start, ident.epoch_start),
        name_prefix=f"union-to-{desk.branch_code or archive.node_tag(desk.node_id)}",
        extra={"acks": {"epoch": desk.epoch, "seq": contiguous}},
        peer_id=desk.node_id,
    )


# --- reading -------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """A verified bundle: signature, key, archive, members and manifest checked; rows parsed on demand."""

    data: bytes
    bundle_id: str
    manifest: dict[str, Any]
    public_key: bytes
    members_hash: str
    contents: archive.Contents
    _parsed: tuple[dict[str, Batch], list[str], int] | None = None

    def parse(self) -> None:
        """Parse the rows: only once the bundle is known not to be a replay or a tampered one."""
        if self._parsed is None:
            self._parsed = _parse(self.contents)

    @property
    def rows(self) -> dict[str, Batch]:
        self.parse()
        return self._parsed[0]  # type: ignore[index]

    @property
    def forget(self) -> list[str]:
        self.parse()
        return self._parsed[1]  # type: ignore[index]

    @property
    def highest(self) -> int:
        self.parse()
        return self._parsed[2]  # type: ignore[index]

    @property
    def origin(self) -> str:
        return self.manifest["origin"]

    @property
    def epoch(self) -> int:
        return int(self.manifest["epoch"])

    @property
    def first(self) -> int:
        return int(self.manifest["first"])

    @property
    def last(self) -> int:
        return int(self.manifest["last"])


def _bad(what: str) -> Invalid:
    return Invalid("sync.bad_member", "The bundle's {member} cannot be read.", member=what)


def _parse(contents: archive.Contents) -> tuple[dict[str, Batch], list[str], int]:
    parsed: dict[str, Batch] = {}
    highest = 0
    for name, data in contents.members.items():
        if name == archive.FORGET:
            continue
        stem, _dot, kind = name[len("rows/") :].partition(".")
        table = BY_NAME[stem]
        try:
            if kind == "json":
                rows_in = batch.read_columns(table, json.loads(data))
            else:  # format 1: a line a row, parsed in one go
                rows_in = batch.read(table, json.loads(b"[" + data.replace(b"\n", b",") + b"]"))
        except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
            raise _bad(name) from None
        if table.name in parsed:  # the same table twice, once in each format
            raise _bad(name)
        highest = max(highest, rows_in.highest)
        parsed[table.name] = rows_in
    forget: list[str] = []
    if archive.FORGET in contents.members:
        try:
            forget = json.loads(contents.members[archive.FORGET])
            if not isinstance(forget, list) or not all(isinstance(r, str) for r in forget):
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            raise _bad(archive.FORGET) from None
    return parsed, forget, highest


def _check_manifest(library: Library, manifest: dict[str, Any], signer_role: str, signer: str) -> None:
    try:
        fmt, schema, sender = manifest["format"], int(manifest["schema"]), manifest["sender"]
        recipient, origin = manifest["recipient"], manifest["origin"]
        first, last, epoch = int(manifest["first"]), int(manifest["last"]), int(manifest["epoch"])
        int(manifest.get("epoch_start", 0))
    except (KeyError, TypeError, ValueError):
        raise Invalid("sync.bad_manifest", "The bundle's manifest cannot be read.") from None
    if fmt not in READABLE:
        raise Invalid(
            "sync.bundle_format", "This bundle was made in format {format}, which this version cannot read.", format=fmt
        )
    if schema > LATEST_VERSION:
        raise Invalid(
            "sync.bundle_too_new",
            "This bundle was made by a newer ils (schema {schema}); install the newer version to read it.",
            schema=schema,
        )
    mine = {library.node_id}
    expected = library.setting(peers.UNION_FINGERPRINT)
    if identity.identity(library).role == identity.UNION:
        from ils.sync.keys import node_fingerprint

        mine.add(node_fingerprint(library))
    elif expected:
        mine.add(expected)
    if recipient not in mine:
        raise Invalid(
            "sync.wrong_recipient",
            "This bundle is addressed to {recipient}, not to this database.",
            recipient=recipient,
        )
    if not isinstance(sender, dict) or sender.get("role") != signer_role or origin != sender.get("node"):
        raise Invalid("sync.bad_manifest", "The bundle's manifest cannot be read.")
    if signer and origin != signer:
        raise Invalid(
            "sync.signer_not_sender",
            "The bundle says it comes from {origin} but is signed by {signer}'s key.",
            origin=origin,
            signer=signer,
        )
    if first < 0 or last < first or epoch < 1:
        raise Invalid("sync.bad_manifest", "The bundle's manifest cannot be read.")


def verify(library: Library, data: bytes) -> Incoming:
    """Everything short of parsing the rows: signature and key, archive, members, manifest. Writes nothing."""
    envelope = archive.open_envelope(data)
    role = identity.identity(library).role
    if role == identity.UNION:
        desk = peers.trusted_desk(library, envelope.public_key)
        signer_role, signer = identity.DESK, desk.node_id
    else:
        union = peers.trusted_union(library, envelope.public_key)
        signer_role, signer = identity.UNION, union.node_id if union else ""
    contents = archive.read_members(envelope)
    _check_manifest(library, contents.manifest, signer_role, signer)
    members_hash = hashlib.sha256(json.dumps(contents.manifest["members"], sort_keys=True).encode()).hexdigest()
    return Incoming(
        data, hashlib.sha256(data).hexdigest(), contents.manifest, envelope.public_key, members_hash, contents
    )


def _read_file(path: Path) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > archive.MAX_FILE:
            raise Invalid("sync.bundle_too_large", "The bundle is larger than {limit} bytes.", limit=archive.MAX_FILE)
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise NotFound("sync.no_such_file", "There is no file {path}.", path=path) from None
    except IsADirectoryError:
        raise Invalid("sync.not_a_bundle", "This file is not an ils sync bundle.") from None


#: Told (rows merged so far, rows in the bundle) as a long import goes on.
Progress = Callable[[int, int], object]


def import_bundle(session: Session, path: Path, progress: Progress | None = None) -> BundleReport:
    """``ils sync import`` and ``ils union import``: check, then apply once, in one transaction."""
    session.require(Permission.SYNC)
    library = session.library
    incoming = verify(library, _read_file(path))
    report = receive(session, incoming, progress=progress)
    _catch_up(session)
    return report


@dataclass(frozen=True)
class ManyReport:
    """What importing a folder of bundles did: each applied (or replayed, quarantined) bundle, and
    each file refused with its code and reason (one refused file stops none of the others)."""

    reports: tuple[BundleReport, ...]
    refused: tuple[tuple[str, str, str], ...]  # (file name, code, reason)


def import_bundles(session: Session, where: Path, progress: Progress | None = None) -> ManyReport:
    """A bundle file, or every bundle in a folder (oldest file first), each checked and applied in
    its own transaction. ``progress`` counts a thousand steps a bundle, its rows spread over them."""
    session.require(Permission.SYNC)
    files = sorted(where.glob(f"*{SUFFIX}"), key=lambda p: (p.stat().st_mtime, p.name)) if where.is_dir() else [where]
    total = 1000 * len(files)
    reports: list[BundleReport] = []
    refused: list[tuple[str, str, str]] = []
    for n, path in enumerate(files):

        def step(done: int, rows: int, n: int = n) -> None:
            if progress is not None:
                progress(1000 * n + (1000 * done // rows if rows else 0), total)

        try:
            reports.append(import_bundle(session, path, step))
        except IlsError as refusal:
            refused.append((path.name, refusal.code, str(refusal)))
        if progress is not None:
            progress(1000 * (n + 1), total)
    return ManyReport(tuple(reports), tuple(refused))


def _applied_before(database: Database, incoming: Incoming) -> str | None:
    row = database.execute_sql(
        "SELECT members FROM sync_range WHERE origin = ? AND epoch = ? AND first = ? AND last = ?",
        (incoming.origin, incoming.epoch, incoming.first, incoming.last),
    ).fetchone()
    return row[0] if row else None


def receive(
    session: Session, incoming: Incoming, *, restamp: bool = False, progress: Progress | None = None
) -> BundleReport:
    library = session.library
    database = library.database
    previous = _applied_before(database, incoming)
    if previous is not None and previous != incoming.members_hash:
        _record_tampering(session, incoming)
        raise Conflict(
            "sync.tampered",
            "A bundle for the same changes ({first}–{last}, epoch {epoch}) was applied "
            "before with different content: this one is refused and recorded.",
            first=incoming.first,
            last=incoming.last,
            epoch=incoming.epoch,
        )
    if previous is not None or incoming.first == incoming.last:
        _acknowledge(session, incoming)
        return _report(library, "replayed" if previous is not None else "applied", incoming, Applied())
    incoming.parse()
    if not restamp and incoming.highest > _horizon(library):
        return _quarantine(session, incoming)
    return _apply(session, incoming, restamp=restamp, progress=progress)


def _report(
    library: Library, state: str, incoming: Incoming, applied: Applied, forgotten: int = 0, conflicts: int = 0
) -> BundleReport:
    _contiguous, holes = covered(library.database, incoming.origin, incoming.epoch)
    return BundleReport(
        state,
        incoming.bundle_id,
        None,
        incoming.origin,
        incoming.manifest["recipient"],
        incoming.epoch,
        incoming.first,
        incoming.last,
        dict(applied.counts),
        len(incoming.data),
        forgotten,
        applied.pending,
        conflicts,
        holes,
    )


def _acknowledge(session: Session, incoming: Incoming) -> None:
    """What the bundle says the sender has of ours; written only when it moves something."""
    library = session.library
    database = library.database
    ident = identity.identity(library)
    manifest = incoming.manifest
    if ident.role == identity.UNION:
        row = database.execute_sql(
            "SELECT epoch, acked_epoch, has_seq FROM sync_peer WHERE node_id = ?", (incoming.origin,)
        ).fetchone()
        has = manifest.get("has") or {}
        epoch, has_epoch, has_seq = row
        new_epoch = max(epoch, incoming.epoch)
        if int(has.get("epoch", -1)) == ident.epoch:
            seen = int(has.get("seq", 0))
            new_has = seen if incoming.epoch > epoch else max(has_seq if has_epoch == ident.epoch else 0, seen)
            new_has_epoch = ident.epoch
        else:
            new_has, new_has_epoch = has_seq, has_epoch
        if (new_epoch, new_has_epoch, new_has) != (epoch, has_epoch, has_seq):
            with session.write() as writer:
                database.execute_sql(
                    "UPDATE sync_peer SET epoch = ?, acked_epoch = ?, has_seq = ? WHERE node_id = ?",
                    (new_epoch, new_has_epoch, new_has, incoming.origin),
                )
                writer.journal("sync.acknowledged", "node", incoming.origin, {"epoch": new_epoch, "has": new_has})
        return
    acks = manifest.get("acks") or {}
    union = _union_peer(library)
    if union is None or int(acks.get("epoch", -1)) != ident.epoch:
        return
    seq = int(acks.get("seq", 0))
    if union[2] != ident.epoch or seq > union[3]:
        with session.write() as writer:
            database.execute_sql(
                "UPDATE sync_peer SET acked_epoch = ?, acked_seq = ? WHERE node_id = ?",
                (ident.epoch, seq if union[2] != ident.epoch else max(seq, union[3]), union[0]),
            )
            writer.journal("sync.acknowledged", "node", union[0], {"epoch": ident.epoch, "acked": seq})


def _record_tampering(session: Session, incoming: Incoming) -> None:
    library = session.library
    with session.write() as writer:
        library.database.execute_sql(
            "INSERT INTO sync_bundle (id, direction, origin, recipient, epoch, first, last, state, reason, at)"
            " VALUES (?, 'in', ?, ?, ?, ?, ?, 'tampered', ?, ?) ON CONFLICT (id) DO NOTHING",
            (
                incoming.bundle_id,
                incoming.origin,
                incoming.manifest["recipient"],
                incoming.epoch,
                incoming.first,
                incoming.last,
                "same range, different content",
                library.now_text(),
            ),
        )
        writer.journal(
            "sync.tampered",
            "sync_bundle",
            incoming.bundle_id,
            {"origin": incoming.origin, "epoch": incoming.epoch, "first": incoming.first, "last": incoming.last},
        )


def _quarantine(session: Session, incoming: Incoming) -> BundleReport:
    library = session.library
    with session.write() as writer:
        library.database.execute_sql(
            "INSERT INTO sync_inbox (bundle_id, origin, epoch, first, last, max_hlc, reason, received_at, archive)"
            " VALUES (?, ?, ?, ?, ?, ?, 'clock_ahead', ?, ?) ON CONFLICT (bundle_id) DO NOTHING",
            (
                incoming.bundle_id,
                incoming.origin,
                incoming.epoch,
                incoming.first,
                incoming.last,
                incoming.highest,
                library.now_text(),
                incoming.data,
            ),
        )
        writer.journal(
            "sync.quarantine",
            "sync_bundle",
            incoming.bundle_id,
            {"origin": incoming.origin, "stamp_wall": _wall_text(incoming.highest)},
        )
    return _report(library, "quarantined", incoming, Applied())


def _wall_text(hlc: int) -> str:
    return dt.datetime.fromtimestamp(hlc_wall_ms(hlc) / 1000, dt.UTC).isoformat(timespec="seconds")


def _restamped(incoming: Incoming, horizon: int, stamp: int, node: str) -> dict[str, Batch]:
    """A released quarantined bundle: its future stamps become this desk's own, now."""

    def fix(version: tuple[int, str]) -> tuple[int, str]:
        return (stamp, node) if version[0] > horizon else version

    return {table: rows_in.restamped(fix) for table, rows_in in incoming.rows.items()}


def _apply(session: Session, incoming: Incoming, *, restamp: bool, progress: Progress | None = None) -> BundleReport:
    """Apply the bundle fast, then, if a row is refused (a missing parent, a barcode twice), again
    carefully: a batch at a time, each in a savepoint, refused rows stored one by one.

    The fast attempt stores the rows with no savepoint of their own: inside one, SQLite copies
    every page a statement first touches into the statement journal, so the rows cost 1.6 times
    as much. A refusal rolls the fast attempt's whole transaction back instead, and nothing of it
    stays. Inside a caller's write (which a refusal must not undo) the attempt takes a savepoint.
    """
    try:
        return _apply_once(session, incoming, restamp=restamp, progress=progress, careful=False)
    except Refused:
        return _apply_once(session, incoming, restamp=restamp, progress=progress, careful=True)


def _apply_once(
    session: Session, incoming: Incoming, *, restamp: bool, progress: Progress | None, careful: bool
) -> BundleReport:
    library = session.library
    database = library.database
    role = identity.identity(library).role
    now = library.now_text()
    alone = not library.writing
    with session.write() as writer:
        if role == identity.DESK and _union_peer(library) is None:
            peers.remember_union(
                library, incoming.origin, incoming.public_key, str(incoming.manifest["sender"].get("name", ""))
            )
        rows_in = incoming.rows
        if restamp:
            rows_in = _restamped(incoming, _horizon(library), writer.stamp, library.node_id)
        dialect.set_capture(database, False)
        total = sum(len(found) for found in rows_in.values())
        renumber = role == identity.UNION or restamp
        told = (lambda done: progress(done, total)) if progress else None
        with nullcontext() if alone or careful else database.atomic():
            applier = _apply_rows(database, rows_in, renumber, incoming.origin, now, told, careful=careful)
        forgotten = applier.forget(incoming.forget)
        before = database.execute_sql("SELECT COUNT(*) FROM sync_conflict").fetchone()[0]
        applied = applier.finish()
        writer.settled = applier.settled
        found = database.execute_sql("SELECT COUNT(*) FROM sync_conflict").fetchone()[0] - before
        dialect.set_capture(database, True)
        dialect.receive(database, min(applied.highest, _horizon(library)))
        database.execute_sql(
            "INSERT INTO sync_range (origin, epoch, first, last, bundle_id, members) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (incoming.origin, incoming.epoch, incoming.first, incoming.last, incoming.bundle_id, incoming.members_hash),
        )
        database.execute_sql(
            "INSERT INTO sync_bundle (id, direction, origin, recipient, epoch, first, last, state, counts, at)"
            " VALUES (?, 'in', ?, ?, ?, ?, ?, 'applied', ?, ?) ON CONFLICT (id) DO UPDATE SET state = 'applied',"
            " counts = excluded.counts, at = excluded.at",
            (
                incoming.bundle_id,
                incoming.origin,
                incoming.manifest["recipient"],
                incoming.epoch,
                incoming.first,
                incoming.last,
                json.dumps(applied.counts),
                now,
            ),
        )
        database.execute_sql("UPDATE sync_peer SET last_in = ? WHERE node_id = ?", (now, incoming.origin))
        database.execute_sql("DELETE FROM sync_inbox WHERE bundle_id = ?", (incoming.bundle_id,))
        if role == identity.DESK:
            identity.set_setting(identity.UNION_SEEN, str(incoming.highest))
        writer.journal(
            "sync.import",
            "sync_bundle",
            incoming.bundle_id,
            {
                "origin": incoming.origin,
                "epoch": incoming.epoch,
                "first": incoming.first,
                "last": incoming.last,
                "counts": applied.counts,
                "pending": applied.pending,
                "conflicts": found,
                "forgotten": forgotten,
            },
        )
        _acknowledge(session, incoming)
    kept = identity.sync_folder(library.path) / "received"
    kept.mkdir(parents=True, exist_ok=True)
    (kept / f"{incoming.bundle_id[:16]}{SUFFIX}").write_bytes(incoming.data)
    return _report(library, "applied", incoming, applied, forgotten, found)


def _apply_rows(
    database: Database,
    rows_in: dict[str, Batch],
    renumber: bool,
    origin: str,
    now: str,
    progress: Callable[[int], object] | None,
    *,
    careful: bool,
) -> Applier:
    applier = Applier(database, renumber=renumber, origin=origin, now=now, progress=progress, careful=careful)
    for table in TABLES:
        if table.name in rows_in:
            try:
                applier.apply(rows_in[table.name])
            except dialect.BINDING_ERRORS:
                raise _bad(table.name) from None  # the whole write is rolled back
    return applier


def _catch_up(session: Session) -> list[BundleReport]:
    """Quarantined bundles whose stamps this desk's clock has now reached are applied."""
    library = session.library
    horizon = _horizon(library)
    waiting = library.database.execute_sql(
        "SELECT archive FROM sync_inbox WHERE max_hlc <= ? ORDER BY received_at", (horizon,)
    ).fetchall()
    return [receive(session, verify(library, bytes(data))) for (data,) in waiting]


def release(session: Session, bundle: str, *, drop: bool = False) -> BundleReport:
    """Staff decide on a quarantined bundle: apply it, its future stamps taken as this desk's own now, or drop it."""
    session.require(Permission.RESOLVE_CONFLICTS)
    library = session.library
    rows_found = library.database.execute_sql(
        "SELECT bundle_id, archive FROM sync_inbox WHERE bundle_id LIKE ?", (f"{bundle.strip()}%",)
    ).fetchall()
    if len(rows_found) != 1 or not bundle.strip():
        raise NotFound("sync.no_such_quarantined", "No single bundle in quarantine starts with {id}.", id=bundle)
    bundle_id, data = rows_found[0]
    incoming = verify(library, bytes(data))
    if not drop:
        return receive(session, incoming, restamp=True)
    with session.write() as writer:
        library.database.execute_sql("DELETE FROM sync_inbox WHERE bundle_id = ?", (bundle_id,))
        library.database.execute_sql(
            "INSERT INTO sync_bundle (id, direction, origin, recipient, epoch, first, last, state, reason, at)"
            " VALUES (?, 'in', ?, ?, ?, ?, ?, 'dropped', 'dropped by staff', ?) ON CONFLICT (id) DO UPDATE SET"
            " state = 'dropped'",
            (
                bundle_id,
                incoming.origin,
                incoming.manifest["recipient"],
                incoming.epoch,
                incoming.first,
                incoming.last,
                library.now_text(),
            ),
        )
        writer.journal("sync.drop", "sync_bundle", bundle_id, {"origin": incoming.origin})
    return _report(library, "dropped", incoming, Applied())
