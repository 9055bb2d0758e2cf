"""This node's Ed25519 signing key: it signs every bundle the node writes.

Kept beside the database as ``<name>.node-key`` (mode 0600), apart from the reader key file
(``<name>.keys``), which every desk of a library shares: a signing key belongs to one node
and is never copied to another. The file names the node it belongs to; a database that
became a new node (a detected copy) makes a new key, since the union trusts a key for one
node only.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from ils.errors import DatabaseProblem
from ils.library import Library
from ils.sync.archive import fingerprint

_FORMAT = "ils-node-key-1"


def key_file(db_path: Path) -> Path:
    return Path(db_path).with_suffix(".node-key")


def _write(path: Path, node_id: str) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    content = json.dumps({"format": _FORMAT, "node_id": node_id, "ed25519": base64.b64encode(raw).decode()})
    temporary = path.with_name(f".{path.name}.new")
    try:
        temporary.unlink(missing_ok=True)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(temporary, path)
    except OSError as error:
        raise DatabaseProblem(
            "sync.key_unwritable", "Cannot write to {path}: check the folder's permissions.", path=path
        ) from error
    return key


def signing_key(library: Library) -> Ed25519PrivateKey:
    """The node's key, made on first use (or when the database became another node)."""
    path = key_file(library.path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _write(path, library.node_id)
    except (OSError, ValueError) as error:
        raise DatabaseProblem("sync.key_damaged", "The node key file {path} is damaged.", path=path) from error
    if content.get("format") != _FORMAT or content.get("node_id") != library.node_id:
        return _write(path, library.node_id)
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(content["ed25519"]))
    except (KeyError, ValueError) as error:
        raise DatabaseProblem("sync.key_damaged", "The node key file {path} is damaged.", path=path) from error


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def node_fingerprint(library: Library) -> str:
    return fingerprint(public_bytes(signing_key(library)))
