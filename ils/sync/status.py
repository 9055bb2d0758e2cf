"""What the sync pane and ``ils sync status`` / ``ils union status`` show.

For a desk: its node and epoch, the union it trusts, when it last exported and imported,
how many changes the union has not acknowledged, gaps in what it has of the union's,
quarantined and refused bundles, rows waiting for a parent, open conflicts that touch this
desk, and warnings about a copied database or a clock far from the union's. For the union:
every enrolled desk with its ranges and gaps, and every open conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db import dialect
from db.journal import hlc_wall_ms
from ils import identity
from ils.errors import Message, message
from ils.library import Library
from ils.permissions import Permission
from ils.session import Session
from ils.sync import conflicts, exchange, peers
from ils.sync.keys import node_fingerprint

# A desk more than this far ahead of the last union stamp it has seen is probably wrong.
FAR_AHEAD = dt.timedelta(days=366)


@dataclass(frozen=True)
class PeerStatus:
    node_id: str
    name: str
    branch_code: str | None
    fingerprint: str
    revoked: bool
    epoch: int
    applied_to: int
    gaps: tuple[tuple[int, int], ...]
    has: int
    last_in: str | None
    last_out: str | None


@dataclass(frozen=True)
class QuarantinedBundle:
    bundle_id: str
    origin: str
    first: int
    last: int
    stamp_wall: str
    received_at: str


@dataclass(frozen=True)
class SyncStatus:
    role: str
    node_id: str
    node_name: str
    epoch: int
    fingerprint: str
    union_fingerprint: str | None
    union_node: str | None
    last_export: str | None
    last_import: str | None
    changes: int
    unacknowledged: int
    gaps: tuple[tuple[int, int], ...]
    peers: tuple[PeerStatus, ...]
    quarantined: tuple[QuarantinedBundle, ...]
    tampered: int
    pending: int
    conflicts: tuple[conflicts.ConflictInfo, ...]
    warnings: tuple[Message, ...]


def clock_warning(library: Library) -> Message | None:
    """This desk's clock against the last union stamp it saw (and against its own last stamp)."""
    now = library.now()
    last = dialect.clock(library.database)[0]
    drift = exchange.max_drift(library)
    seen_text = library.setting(identity.UNION_SEEN)
    for stamp, far_ahead in ((last, None), (int(seen_text) if seen_text else 0, FAR_AHEAD)):
        if not stamp:
            continue
        seen = dt.datetime.fromtimestamp(hlc_wall_ms(stamp) / 1000, now.tzinfo)
        if seen - now > drift:
            return message(
                "sync.clock_behind",
                "This computer's clock ({now}) is behind the time this database has "
                "already seen ({seen}): check the date and time.",
                now=now.isoformat(timespec="minutes"),
                seen=seen.isoformat(timespec="minutes"),
            )
        if far_ahead and now - seen > far_ahead:
            return message(
                "sync.clock_ahead",
                "This computer's clock ({now}) is more than a year ahead of the last "
                "time seen from the union ({seen}): check the date and time.",
                now=now.isoformat(timespec="minutes"),
                seen=seen.isoformat(timespec="minutes"),
            )
    return None


def warnings(library: Library) -> tuple[Message, ...]:
    found: list[Message] = []
    ident = identity.identity(library)
    if ident.copied_from:
        found.append(
            message(
                "sync.copied_database",
                "This database was copied from desk {previous}: it is now a new "
                "desk ({node}) with no number ranges of its own. If it was moved, not copied, run "
                "`ils node adopt` to take the old identity back.",
                previous=ident.copied_from,
                node=ident.node_id,
            )
        )
    if (warning := clock_warning(library)) is not None:
        found.append(warning)
    return tuple(found)


def _last(library: Library, direction: str) -> str | None:
    row = library.database.execute_sql(
        "SELECT MAX(at) FROM sync_bundle WHERE direction = ? AND state IN ('exported', 'applied')", (direction,)
    ).fetchone()
    return row[0] if row else None


def sync_status(session: Session) -> SyncStatus:
    session.require(Permission.SYNC)
    library = session.library
    database = library.database
    ident = identity.identity(library)
    node = library.node
    peer_rows: list[PeerStatus] = []
    gaps: tuple[tuple[int, int], ...] = ()
    unacknowledged = 0
    union_node = None
    for peer in peers.peers(library):
        applied, holes = exchange.covered(database, peer.node_id, peer.epoch)
        if peer.role == identity.UNION:
            union_node = peer.node_id
            gaps = holes
            continue
        peer_rows.append(
            PeerStatus(
                peer.node_id,
                peer.name,
                peer.branch_code,
                peer.fingerprint,
                peer.revoked_at is not None,
                peer.epoch,
                applied,
                holes,
                peer.has_seq,
                peer.last_in,
                peer.last_out,
            )
        )
    if ident.role == identity.DESK:
        union = database.execute_sql("SELECT acked_epoch, acked_seq FROM sync_peer WHERE role = 'union'").fetchone()
        acked = union[1] if union and union[0] == ident.epoch else 0
        unacknowledged = database.execute_sql(
            "SELECT COUNT(*) FROM sync_row WHERE seq > ?", (max(acked, ident.epoch_start),)
        ).fetchone()[0]
    quarantined = tuple(
        QuarantinedBundle(row[0], row[1], row[2], row[3], exchange._wall_text(row[4]), row[5])
        for row in database.execute_sql(
            "SELECT bundle_id, origin, first, last, max_hlc, received_at FROM sync_inbox ORDER BY received_at"
        )
    )
    tampered = database.execute_sql("SELECT COUNT(*) FROM sync_bundle WHERE state = 'tampered'").fetchone()[0]
    pending = database.execute_sql("SELECT COUNT(*) FROM sync_pending").fetchone()[0]
    branch = None if ident.role == identity.UNION else node.branch_id
    return SyncStatus(
        role=ident.role,
        node_id=node.node_id,
        node_name=node.node_name,
        epoch=ident.epoch,
        fingerprint=node_fingerprint(library),
        union_fingerprint=library.setting(peers.UNION_FINGERPRINT),
        union_node=union_node,
        last_export=_last(library, "out"),
        last_import=_last(library, "in"),
        changes=dialect.max_seq(database),
        unacknowledged=unacknowledged,
        gaps=gaps,
        peers=tuple(peer_rows),
        quarantined=quarantined,
        tampered=tampered,
        pending=pending,
        conflicts=tuple(conflicts.list_conflicts(database, branch_id=branch)),
        warnings=warnings(library),
    )
