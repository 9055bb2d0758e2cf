"""The reader key file: AES-256-GCM for ID and phone numbers, HMAC-SHA256 for looking them up.

Where: beside the database as ``<database name>.keys`` (``ils.sqlite`` → ``ils.keys``),
mode 0600, never inside the database. A database file on its own (a copy sent for
support, a backup on a USB stick, the ``backups/`` folder) reveals no ID or phone number;
whoever moves a desk to a new computer copies the key file too, and keeps a copy of it
apart from the database backups. The database records the key's fingerprint, so a key
file of another library is refused instead of silently failing to find anyone.

One library, one key: the keyed hash is how a reader registered at one desk is found by
ID number at another (and one card per person holds across the union), so every desk of
a library needs the same key file. ``ils init`` adopts a key file already at the place
(copied from the central library's desk) and creates one only when there is none.

Rotation limits: every ciphertext starts with a version byte, so a later version can hold
old and new keys side by side. Rotating means decrypting and re-encrypting every reader and
re-hashing every number on every desk at once, because the hashes must agree across the
union; until such a tool exists, a leaked key file means a new key and re-registration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from db.models import Setting
from ils.errors import DatabaseProblem
from ils.library import Library, Writer

KEY_FINGERPRINT = "readers.key_fingerprint"
_FORMAT = "ils-reader-keys-1"
_CIPHER_VERSION = b"\x01"
_NONCE_BYTES = 12


def key_path(db_path: Path) -> Path:
    return Path(db_path).with_suffix(".keys")


@dataclass(frozen=True)
class ReaderKeys:
    """The key pair; kept out of ``repr`` so a traceback never prints it."""

    sealing: bytes = field(repr=False)
    hashing: bytes = field(repr=False)

    @property
    def fingerprint(self) -> str:
        """Names the key pair without revealing it; recorded in the database."""
        return hashlib.sha256(b"ils reader keys\x00" + self.sealing + self.hashing).hexdigest()[:32]

    def seal(self, reader_id: str, field: str, value: str) -> bytes:
        """Encrypt ``value``; the reader's id and the field are bound in, so ciphertexts cannot be swapped."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(self.sealing).encrypt(nonce, value.encode(), _associated(reader_id, field))
        return _CIPHER_VERSION + nonce + sealed

    def open(self, reader_id: str, field: str, blob: bytes) -> str:
        if blob[:1] != _CIPHER_VERSION:
            raise DatabaseProblem(
                "readers.stored_number_unreadable", "A reader's stored number is in a format this version cannot read."
            )
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return AESGCM(self.sealing).decrypt(nonce, sealed, _associated(reader_id, field)).decode()
        except InvalidTag as error:
            raise DatabaseProblem(
                "readers.stored_number_wrong_key",
                "A reader's stored number does not open with this key file: the key or the data was changed.",
            ) from error

    def digest(self, namespace: str, value: str) -> str:
        """The keyed hash looked up instead of the number; without the key it cannot be guessed."""
        return hmac.new(self.hashing, f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()


def _associated(reader_id: str, field: str) -> bytes:
    return f"{field}\x00{reader_id}".encode()


def _write_new(path: Path) -> ReaderKeys:
    keys = ReaderKeys(secrets.token_bytes(32), secrets.token_bytes(32))
    content = json.dumps(
        {
            "format": _FORMAT,
            "aes_256_gcm": base64.b64encode(keys.sealing).decode(),
            "hmac_sha256": base64.b64encode(keys.hashing).decode(),
        },
        indent=2,
    )
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise DatabaseProblem(
            "readers.key_file_cannot_write", "Cannot write to {path}: check the folder's permissions.", path=path
        ) from error
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(content)
    return keys


def _read(path: Path) -> ReaderKeys:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if content.get("format") != _FORMAT:
            raise ValueError(content.get("format"))
        keys = ReaderKeys(base64.b64decode(content["aes_256_gcm"]), base64.b64decode(content["hmac_sha256"]))
    except FileNotFoundError as error:
        raise DatabaseProblem(
            "readers.key_file_missing",
            "The reader key file {path} is missing: without it no ID number can be checked or shown. "
            "Copy it back from where this desk's key file is kept.",
            path=path,
        ) from error
    except (OSError, ValueError, KeyError) as error:
        raise DatabaseProblem(
            "readers.key_file_damaged", "The reader key file {path} is damaged.", path=path
        ) from error
    if len(keys.sealing) != 32 or len(keys.hashing) != 32:
        raise DatabaseProblem("readers.key_file_damaged", "The reader key file {path} is damaged.", path=path)
    return keys


def load_keys(library: Library) -> ReaderKeys:
    """The library's keys; refused when the file is missing, damaged or another library's."""
    path = key_path(library.path)
    recorded = library.setting(KEY_FINGERPRINT)
    if recorded is None:
        raise DatabaseProblem(
            "readers.no_key_yet", "This library has no reader key yet; it is made with the first reader registered."
        )
    keys = _read(path)
    if keys.fingerprint != recorded:
        raise DatabaseProblem(
            "readers.key_file_of_other_library",
            "The reader key file {path} belongs to another library database.",
            path=path,
        )
    return keys


def keys_if_any(library: Library) -> ReaderKeys | None:
    """None while no key was ever made: then no reader has an encrypted number to look for."""
    return None if library.setting(KEY_FINGERPRINT) is None else load_keys(library)


def ensure_keys(writer: Writer, library: Library) -> ReaderKeys:
    """The library's keys, made now if it has none (``ils init``, or a database from before readers).

    A key file already beside the database is adopted, not replaced: it may have been
    copied from the central desk, or belong to a backup that will be restored.
    """
    if library.setting(KEY_FINGERPRINT) is not None:
        return load_keys(library)
    path = key_path(library.path)
    keys = _read(path) if path.exists() else _write_new(path)
    Setting.insert(key=KEY_FINGERPRINT, value=keys.fingerprint).on_conflict_replace().execute()
    writer.journal("setting.set", "setting", KEY_FINGERPRINT, {"value": keys.fingerprint})
    return keys
