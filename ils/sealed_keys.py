"""The reader key file sealed with a passphrase, to travel beside a backup.

A backup of the database alone reveals no ID or phone number, and also cannot be
used to find or show one: that needs the reader key file (``ils.readers.keys``).
``ils backup --with-keys`` writes ``<backup>.keys.sealed`` beside the backup: the
key file encrypted with AES-256-GCM under a key derived from a passphrase with
scrypt (N=2^17, r=8, p=1: about 128 MB and a fraction of a second, so guessing
passphrases is slow). The sealed file names the fingerprint of the key inside in
clear (the database records it too, so it reveals nothing), so a restore can tell
before asking for the passphrase whether the file belongs to the backup.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ils.errors import DatabaseProblem, Invalid

FORMAT = "ils-sealed-reader-keys-1"
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 10
SUFFIX = ".keys.sealed"


def sealed_path(backup: Path) -> Path:
    """Where the sealed key file of ``backup`` goes: beside it, named after it."""
    return Path(f"{backup}{SUFFIX}")


@dataclass(frozen=True)
class Sealed:
    """A sealed key file as read from disk, before its passphrase is known."""

    path: Path
    fingerprint: str
    _document: dict

    def open(self, passphrase: str) -> bytes:
        """The key file's bytes; refused with a wrong passphrase or a changed file."""
        document = self._document
        try:
            kdf = document["kdf"]
            key = _derive(passphrase, base64.b64decode(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
            return AESGCM(key).decrypt(
                base64.b64decode(document["nonce"]), base64.b64decode(document["sealed"]), _associated(self.fingerprint)
            )
        except InvalidTag:
            raise Invalid(
                "backup.wrong_passphrase",
                "The passphrase does not open {path} (or the file was changed).",
                path=self.path,
            ) from None
        except (KeyError, TypeError, ValueError) as error:
            raise DatabaseProblem(
                "backup.sealed_keys_damaged",
                "{path} is not a sealed key file of ils, or it is damaged.",
                path=self.path,
            ) from error


def _associated(fingerprint: str) -> bytes:
    return f"{FORMAT}\x00{fingerprint}".encode()


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if n > 2**20 or r > 16 or p > 4:  # a file asking for gigabytes of memory is not ours
        raise ValueError("scrypt parameters out of range")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise Invalid(
            "backup.passphrase_too_short", "The passphrase must have at least {count} characters.", count=MIN_PASSPHRASE
        )


def seal(content: bytes, fingerprint: str, passphrase: str, out: Path) -> Path:
    """Write ``content`` (the key file) sealed with ``passphrase`` to ``out`` (mode 0600), atomically."""
    check_passphrase(passphrase)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    document = {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": base64.b64encode(salt).decode()},
        "cipher": "aes-256-gcm",
        "nonce": base64.b64encode(nonce).decode(),
        "sealed": base64.b64encode(AESGCM(key).encrypt(nonce, content, _associated(fingerprint))).decode(),
    }
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out


def read_sealed(path: Path) -> Sealed:
    """The sealed key file at ``path``, checked for its format; its contents stay sealed."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(path)
        fingerprint = str(document["fingerprint"])
    except FileNotFoundError:
        raise DatabaseProblem("backup.sealed_keys_missing", "{path} does not exist.", path=path) from None
    except (OSError, ValueError, KeyError) as error:
        raise DatabaseProblem(
            "backup.sealed_keys_damaged", "{path} is not a sealed key file of ils, or it is damaged.", path=path
        ) from error
    return Sealed(Path(path), fingerprint, document)
