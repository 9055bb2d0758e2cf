"""Who trusts whom: desks enrol with the union, the union trusts their keys, desks trust the union's.

- ``ils sync enrol --out FILE --union-key FINGERPRINT`` at a desk writes an enrolment request:
  the node's id, name, branch and Ed25519 public key, signed with that key. The desk records
  the union key's fingerprint it was given (read off ``ils union init`` or ``ils union
  status`` at the union, by phone or on paper), and trusts the union's first bundle only if
  its key has that fingerprint; from then on, only that key.
- ``ils union trust FILE`` at the union checks the request's signature and trusts the key for
  that node; both sides print the fingerprint so people can compare them. ``ils union revoke``
  withdraws the trust: that node's bundles are refused from then on.

A bundle signed by a key not trusted, or revoked, is refused before its archive is opened.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from db.models import Setting
from ils import identity
from ils.errors import Invalid, NotFound
from ils.library import Library
from ils.permissions import Permission
from ils.session import Session, writes
from ils.sync.archive import fingerprint, node_tag
from ils.sync.keys import public_bytes, signing_key

UNION_FINGERPRINT = "sync.union_fingerprint"
_FORMAT = "ils-enrol-1"
_FINGERPRINT_CHARS = set("0123456789abcdef-")


@dataclass(frozen=True)
class PeerInfo:
    node_id: str
    role: str
    name: str
    branch_code: str | None
    fingerprint: str
    trusted_at: str
    revoked_at: str | None
    epoch: int
    has_seq: int
    acked_seq: int
    last_in: str | None
    last_out: str | None


_COLUMNS = (
    "node_id, role, name, branch_code, fingerprint, trusted_at, revoked_at, epoch, has_seq, acked_seq,"
    " last_in, last_out"
)


def peers(library: Library) -> list[PeerInfo]:
    rows = library.database.execute_sql(f"SELECT {_COLUMNS} FROM sync_peer ORDER BY role DESC, branch_code, name")
    return [PeerInfo(*row) for row in rows]


def peer(library: Library, node_id: str) -> PeerInfo | None:
    row = library.database.execute_sql(f"SELECT {_COLUMNS} FROM sync_peer WHERE node_id = ?", (node_id,)).fetchone()
    return PeerInfo(*row) if row else None


def find_peer(library: Library, text: str) -> PeerInfo:
    """A trusted node by its id (or the start of it), its desk name or its branch code."""
    wanted = text.strip()
    found = [
        p
        for p in peers(library)
        if p.role == identity.DESK
        and (
            p.node_id == wanted
            or (len(wanted) >= 6 and p.node_id.startswith(wanted))
            or p.name == wanted
            or (p.branch_code or "").upper() == wanted.upper()
        )
    ]
    if len(found) != 1:
        raise NotFound("sync.no_such_node", "No single enrolled desk is called {name}.", name=wanted)
    return found[0]


def clean_fingerprint(text: str) -> str:
    value = text.strip().lower().replace(" ", "")
    if value.replace("-", "") and len(value.replace("-", "")) == 32 and set(value) <= _FINGERPRINT_CHARS:
        digits = value.replace("-", "")
        return "-".join(digits[i : i + 4] for i in range(0, 32, 4))
    raise Invalid("sync.bad_fingerprint", "{text} is not a key fingerprint (32 hexadecimal digits).", text=text)


def _canonical(request: dict[str, Any]) -> bytes:
    return json.dumps(
        {k: v for k, v in request.items() if k != "signature"}, sort_keys=True, ensure_ascii=False
    ).encode()


@writes
def enrol(session: Session, out: Path, union_fingerprint: str) -> tuple[Path, str]:
    """Write this desk's enrolment request and remember which union key to trust."""
    session.require(Permission.RESOLVE_CONFLICTS)
    library = session.library
    if identity.identity(library).role != identity.DESK:
        raise Invalid("sync.union_does_not_enrol", "The union catalogue does not enrol with itself.")
    expected = clean_fingerprint(union_fingerprint)
    key = signing_key(library)
    node = library.node
    request = {
        "format": _FORMAT,
        "node_id": node.node_id,
        "name": node.node_name,
        "branch": node.branch_code,
        "public_key": base64.b64encode(public_bytes(key)).decode(),
        "created": library.now_text(),
    }
    request["signature"] = base64.b64encode(key.sign(_canonical(request))).decode()
    out = Path(out)
    if out.is_dir():
        out = out / f"enrol-{node.branch_code}-{node_tag(node.node_id)}.json"
    out.write_text(json.dumps(request, ensure_ascii=False, indent=2), encoding="utf-8")
    with session.write() as writer:
        Setting.insert(key=UNION_FINGERPRINT, value=expected).on_conflict_replace().execute()
        writer.journal("sync.enrol", "node", node.node_id, {"union_fingerprint": expected})
    return out, fingerprint(public_bytes(key))


def read_request(path: Path) -> dict[str, Any]:
    try:
        request = json.loads(Path(path).read_text(encoding="utf-8"))
        public_key = base64.b64decode(request["public_key"], validate=True)
        signature = base64.b64decode(request["signature"], validate=True)
        if request.get("format") != _FORMAT or not isinstance(request.get("node_id"), str):
            raise ValueError("format")
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, _canonical(request))
    except (OSError, ValueError, KeyError, TypeError, InvalidSignature):
        raise Invalid("sync.bad_enrolment", "{path} is not a valid enrolment request.", path=path) from None
    return {**request, "key": public_key}


@writes
def trust(session: Session, path: Path) -> PeerInfo:
    """At the union: trust the key in an enrolment request for its node."""
    session.require(Permission.RESOLVE_CONFLICTS)
    library = session.library
    if identity.identity(library).role != identity.UNION:
        raise Invalid("sync.only_union_trusts", "Only the union catalogue's database enrols desks.")
    request = read_request(path)
    key_text = base64.b64encode(request["key"]).decode()
    existing = peer(library, request["node_id"])
    if existing is not None and existing.revoked_at is None and existing.fingerprint != fingerprint(request["key"]):
        raise Invalid(
            "sync.node_has_other_key",
            "Node {node} is already enrolled with another key; revoke it first.",
            node=request["node_id"],
        )
    with session.write() as writer:
        library.database.execute_sql(
            "INSERT INTO sync_peer (node_id, role, name, branch_code, public_key, fingerprint, trusted_at)"
            " VALUES (?, 'desk', ?, ?, ?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET name = excluded.name,"
            " branch_code = excluded.branch_code, public_key = excluded.public_key,"
            " fingerprint = excluded.fingerprint, trusted_at = excluded.trusted_at, revoked_at = NULL",
            (
                request["node_id"],
                str(request.get("name", "")),
                request.get("branch"),
                key_text,
                fingerprint(request["key"]),
                library.now_text(),
            ),
        )
        writer.journal("sync.trust", "node", request["node_id"], {"fingerprint": fingerprint(request["key"])})
    return peer(library, request["node_id"])  # type: ignore[return-value]


@writes
def revoke(session: Session, node: str) -> PeerInfo:
    session.require(Permission.RESOLVE_CONFLICTS)
    library = session.library
    found = find_peer(library, node)
    with session.write() as writer:
        library.database.execute_sql(
            "UPDATE sync_peer SET revoked_at = ? WHERE node_id = ?", (library.now_text(), found.node_id)
        )
        writer.journal("sync.revoke", "node", found.node_id, {"fingerprint": found.fingerprint})
    return peer(library, found.node_id)  # type: ignore[return-value]


def trusted_desk(library: Library, public_key: bytes) -> PeerInfo:
    """At the union: the enrolled, not revoked, desk whose key signed a bundle."""
    row = library.database.execute_sql(
        "SELECT node_id FROM sync_peer WHERE public_key = ? AND role = 'desk'", (base64.b64encode(public_key).decode(),)
    ).fetchone()
    found = peer(library, row[0]) if row else None
    if found is None:
        raise Invalid(
            "sync.unknown_key",
            "The bundle is signed by a key this database does not trust ({fingerprint}).",
            fingerprint=fingerprint(public_key),
        )
    if found.revoked_at is not None:
        raise Invalid(
            "sync.revoked_key",
            "The bundle is signed by the key of {node}, whose trust was revoked on {date}.",
            node=found.name or found.node_id,
            date=found.revoked_at[:10],
        )
    return found


def trusted_union(library: Library, public_key: bytes) -> PeerInfo | None:
    """At a desk: the union, if this key is the one trusted (the peer is None on first contact)."""
    expected = library.setting(UNION_FINGERPRINT)
    if expected is None:
        raise Invalid("sync.not_enrolled", "This desk is not enrolled with a union: run `ils sync enrol` first.")
    if fingerprint(public_key) != expected:
        raise Invalid(
            "sync.unknown_key",
            "The bundle is signed by a key this database does not trust ({fingerprint}).",
            fingerprint=fingerprint(public_key),
        )
    row = library.database.execute_sql("SELECT node_id FROM sync_peer WHERE role = 'union'").fetchone()
    return peer(library, row[0]) if row else None


def remember_union(library: Library, node_id: str, public_key: bytes, name: str) -> None:
    """First contact from the union: keep its node id and key (the caller holds the write)."""
    library.database.execute_sql(
        "INSERT INTO sync_peer (node_id, role, name, public_key, fingerprint, trusted_at) VALUES (?, 'union', ?, ?, ?, ?)"
        " ON CONFLICT (node_id) DO NOTHING",
        (node_id, name, base64.b64encode(public_key).decode(), fingerprint(public_key), library.now_text()),
    )
