"""The bundle file: a signed envelope around a zip archive, read as if every byte were hostile.

Layout: ``ILSSYNC\\0``, a format byte, the signer's Ed25519 public key (32 bytes), the
signature (64 bytes), then the zip archive. The signature covers everything before it and
the archive, so nothing in the file can change without the signature failing.

Reading a bundle, in this order and before any member is parsed:

1. the size of the file, the magic and the format;
2. the signer's key must be one this database trusts (the caller decides), and the
   signature must verify over the archive bytes;
3. the zip's central directory is read (Python's ``zipfile``, from memory) and every entry
   checked: the member count, only the names a bundle has (``manifest.json``,
   ``forget.json``, ``rows/<table>.json`` or ``.jsonl`` for a replicated table), no duplicates, only
   regular files (no links, devices, directories), only stored or deflated, not encrypted,
   each size and the total under their caps, each compression ratio under its cap, and the
   entries' local headers where the directory says and not overlapping one another or the
   directory (the "overlapped entry" zip bomb);
4. ``manifest.json`` is inflated into memory with a cap, then every other member, each
   checked against the size and SHA-256 the signed manifest gives; a member the manifest
   does not list, or a listed member that is missing, refuses the bundle.

Nothing is ever written to disk: members live in memory, inflated with
``zlib.decompressobj().decompress(data, max_length)`` so a bomb stops at its cap.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from db.sync_spec import BY_NAME
from ils.errors import Invalid

MAGIC = b"ILSSYNC\x00"
FORMAT = 1
_HEAD = len(MAGIC) + 1 + 32 + 64
MANIFEST = "manifest.json"
FORGET = "forget.json"
_ROWS = re.compile(r"rows/([a-z_]+)\.jsonl?")  # .json column-wise (format 2), .jsonl a line a row (1)

MAX_FILE = 256 * 1024 * 1024
MAX_MEMBERS = 64
MAX_MEMBER = 512 * 1024 * 1024
MAX_TOTAL = 1024 * 1024 * 1024
MAX_MANIFEST = 1024 * 1024
MAX_RATIO = 400
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def fingerprint(public_key: bytes) -> str:
    """What people compare by eye: the first 128 bits of SHA-256 of the key, in groups of four."""
    digest = hashlib.sha256(b"ils node key\x00" + public_key).hexdigest()[:32]
    return "-".join(digest[i : i + 4] for i in range(0, 32, 4))


def node_tag(node_id: str) -> str:
    """A node's short name in bundle, folder and request file names: the last eight hex digits of
    its id. Node ids are time-ordered, so their first eight are the same for every desk set up
    within the same minute: two desks of one branch then wrote bundles of the same name, and the
    second overwrote the first in a shared folder (a van's stick)."""
    return node_id.replace("-", "")[-8:]


def allowed_member(name: str) -> bool:
    if name in (MANIFEST, FORGET):
        return True
    match = _ROWS.fullmatch(name)
    return match is not None and match[1] in BY_NAME


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(members, key=lambda n: (n != MANIFEST, n)):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            archive.writestr(info, members[name])
    return out.getvalue()


def _signed_part(public_key: bytes, archive: bytes) -> bytes:
    return MAGIC + bytes([FORMAT]) + public_key + archive


def write(manifest: dict[str, Any], members: dict[str, bytes], key: Ed25519PrivateKey) -> bytes:
    """The bundle's bytes: the manifest (with every member's size and SHA-256 added) and the
    members, zipped and signed."""
    listed = {
        name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in sorted(members.items())
    }
    manifest = {**manifest, "members": listed}
    body = {MANIFEST: json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode(), **members}
    archive = _zip(body)
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public_key = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signature = key.sign(_signed_part(public_key, archive))
    return MAGIC + bytes([FORMAT]) + public_key + signature + archive


@dataclass(frozen=True)
class Envelope:
    public_key: bytes
    archive: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def open_envelope(data: bytes) -> Envelope:
    """Check the file's shape and its signature; the key is returned for the caller to judge."""
    if len(data) > MAX_FILE:
        raise Invalid("sync.bundle_too_large", "The bundle is larger than {limit} bytes.", limit=MAX_FILE)
    if len(data) < _HEAD or not data.startswith(MAGIC):
        raise Invalid("sync.not_a_bundle", "This file is not an ils sync bundle.")
    if data[len(MAGIC)] != FORMAT:
        raise Invalid(
            "sync.bundle_format",
            "This bundle was made in format {format}, which this version cannot read.",
            format=data[len(MAGIC)],
        )
    public_key = data[len(MAGIC) + 1 : len(MAGIC) + 33]
    signature = data[len(MAGIC) + 33 : _HEAD]
    archive = data[_HEAD:]
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, _signed_part(public_key, archive))
    except (InvalidSignature, ValueError):
        raise Invalid(
            "sync.bad_signature", "The bundle's signature does not match its content: it was damaged or changed."
        ) from None
    return Envelope(public_key, archive)


def _entries(archive: bytes) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            infos = zipped.infolist()
            directory_start = zipped.start_dir
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise Invalid("sync.bad_archive", "The bundle's archive is damaged.") from None
    if len(infos) > MAX_MEMBERS:
        raise Invalid(
            "sync.too_many_members",
            "The bundle holds {count} members; at most {limit} are allowed.",
            count=len(infos),
            limit=MAX_MEMBERS,
        )
    names: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name in names:
            raise Invalid("sync.duplicate_member", "The bundle holds {name} twice.", name=name)
        names.add(name)
        if not allowed_member(name) or info.is_dir():
            raise Invalid("sync.unknown_member", "The bundle holds {name}, which a bundle never has.", name=name)
        mode = info.external_attr >> 16
        if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            raise Invalid("sync.not_a_file", "{name} in the bundle is a link or a device, not a file.", name=name)
        if info.flag_bits & 0x1:
            raise Invalid("sync.encrypted_member", "{name} in the bundle is encrypted.", name=name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Invalid(
                "sync.compression", "{name} in the bundle is compressed in a way bundles never are.", name=name
            )
        if info.file_size > MAX_MEMBER or (name == MANIFEST and info.file_size > MAX_MANIFEST):
            raise Invalid("sync.member_too_large", "{name} in the bundle is too large.", name=name)
        total += info.file_size
        if total > MAX_TOTAL:
            raise Invalid("sync.bundle_too_large", "The bundle is larger than {limit} bytes.", limit=MAX_TOTAL)
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 64 * 1024:
            raise Invalid("sync.compression_ratio", "{name} in the bundle inflates too far: a zip bomb.", name=name)
    spans = sorted(_span(archive, info) for info in infos)
    for (_start, end, name), (start_next, _end, _name) in zip(spans, spans[1:], strict=False):
        if end > start_next:
            raise Invalid("sync.overlapping_members", "Members of the bundle overlap ({name}): a zip bomb.", name=name)
    if spans and spans[-1][1] > directory_start:
        raise Invalid(
            "sync.overlapping_members", "Members of the bundle overlap ({name}): a zip bomb.", name=spans[-1][2]
        )
    return infos


def _span(archive: bytes, info: zipfile.ZipInfo) -> tuple[int, int, str]:
    """Where an entry's local header and data lie, checked against the directory."""
    offset = info.header_offset
    header = archive[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise Invalid("sync.bad_archive", "The bundle's archive is damaged.")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise Invalid("sync.bad_archive", "The bundle's archive is damaged.")
    name_length, extra_length = fields[9], fields[10]
    name = archive[offset + _LOCAL_HEADER.size : offset + _LOCAL_HEADER.size + name_length]
    if name.decode("utf-8", "replace") != info.filename and name.decode("cp437", "replace") != info.filename:
        raise Invalid("sync.bad_archive", "The bundle's archive is damaged.")
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    end = start + info.compress_size
    if end > len(archive):
        raise Invalid("sync.bad_archive", "The bundle's archive is damaged.")
    return offset, end, info.filename


def _inflate(archive: bytes, info: zipfile.ZipInfo, limit: int) -> bytes:
    offset = info.header_offset
    fields = _LOCAL_HEADER.unpack(archive[offset : offset + _LOCAL_HEADER.size])
    start = offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    raw = archive[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[: limit + 1]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        return inflater.decompress(raw, limit + 1)
    except zlib.error:
        raise Invalid("sync.bad_archive", "The bundle's archive is damaged.") from None


@dataclass(frozen=True)
class Contents:
    """A verified bundle: its signer, its manifest, and its members' bytes, none of them parsed yet."""

    public_key: bytes
    manifest: dict[str, Any]
    members: dict[str, bytes]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def read_members(envelope: Envelope) -> Contents:
    """Steps 3 and 4 of the module docstring, after the signature was checked and the key trusted."""
    infos = {info.filename: info for info in _entries(envelope.archive)}
    if MANIFEST not in infos:
        raise Invalid("sync.missing_member", "The bundle has no {name}.", name=MANIFEST)
    manifest_bytes = _inflate(envelope.archive, infos[MANIFEST], MAX_MANIFEST)
    if len(manifest_bytes) != infos[MANIFEST].file_size:
        raise Invalid("sync.bad_archive", "The bundle's archive is damaged.")
    try:
        manifest = json.loads(manifest_bytes)
        listed = {name: (int(entry["size"]), str(entry["sha256"])) for name, entry in manifest["members"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Invalid("sync.bad_manifest", "The bundle's manifest cannot be read.") from None
    for name in infos:
        if name != MANIFEST and name not in listed:
            raise Invalid("sync.unknown_member", "The bundle holds {name}, which a bundle never has.", name=name)
    members: dict[str, bytes] = {}
    for name, (size, digest) in listed.items():
        info = infos.get(name)
        if info is None:
            raise Invalid("sync.missing_member", "The bundle has no {name}.", name=name)
        if info.file_size != size:
            raise Invalid(
                "sync.member_changed", "{name} in the bundle is not the one its manifest describes.", name=name
            )
        data = _inflate(envelope.archive, info, size)
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise Invalid(
                "sync.member_changed", "{name} in the bundle is not the one its manifest describes.", name=name
            )
        members[name] = data
    return Contents(envelope.public_key, manifest, members)
