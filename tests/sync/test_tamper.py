"""Tampered and hostile bundles are refused before any member is parsed, and change nothing.

1,000 tampered copies of a real bundle (bit flips, truncation, members added, dropped or
renamed, another key, another recipient, an old bundle replayed) and 25 hostile archives
(path escapes, links, devices, zip bombs including the overlapped-entry kind, huge member
counts), each signed with a trusted desk's own key so that it reaches the archive checks.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db import postgres
from ils.errors import IlsError
from ils.sync import archive, exchange
from ils.sync.keys import signing_key
from tests.services.reader_samples import citizen
from tests.sync.network import Network, catalogue, reader


def _files(node) -> dict[str, bytes]:
    """The database's bytes on disk (checkpointed first), and every file the node keeps beside it.

    A union on PostgreSQL has no file to compare: every row of every table stands for its bytes."""
    folder = node.library.path.parent
    if postgres.is_locator(node.library.path):
        every = {}
        for (table,) in node.database.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall():
            rows = node.database.execute_sql(f"SELECT * FROM {table}").fetchall()
            every[f"table:{table}"] = repr(sorted(map(repr, rows))).encode()
    else:
        node.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        every = {}
    return every | {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith("-shm")
    }


@pytest.fixture
def valid(network: Network) -> tuple[Network, bytes]:
    a = network.desks["a"]
    catalogue(a, "三体", ("T0001", "ZG"), ("T0002", "YS"))
    reader(a, "王芳", citizen("19850312"))
    return network, network.export("a").read_bytes()


def _resign(data: bytes, key: Ed25519PrivateKey, *, members=None, manifest=None) -> bytes:
    contents = archive.read_members(archive.open_envelope(data))
    body = dict(contents.members) if members is None else members
    head = {k: v for k, v in contents.manifest.items() if k != "members"} if manifest is None else manifest
    return archive.write(head, body, key)


def _raw_zip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for info, data in entries:
            zipped.writestr(info, data)
    return out.getvalue()


def _sign_archive(archive_bytes: bytes, key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    head = archive.MAGIC + bytes([archive.FORMAT]) + public
    return head + key.sign(head + archive_bytes) + archive_bytes


def tampered(data: bytes, trusted: Ed25519PrivateKey, rng: random.Random, kind: str) -> bytes:
    contents = archive.read_members(archive.open_envelope(data))
    members = dict(contents.members)
    manifest = {k: v for k, v in contents.manifest.items() if k != "members"}
    if kind == "bit flip":
        at = rng.randrange(len(data))
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if kind == "truncation":
        return data[: rng.randrange(len(data))]
    if kind == "extra member":
        name = rng.choice(["rows/staff.jsonl", "evil.sh", "rows/loan.jsonl.bak", "../escape"])
        stolen = archive._zip(
            {
                **members,
                archive.MANIFEST: json.dumps(
                    {
                        **manifest,
                        "members": {
                            n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in members.items()
                        },
                    }
                ).encode(),
                name: b"x",
            }
        )
        return _sign_archive(stolen, trusted) if rng.random() < 0.5 else data[: archive._HEAD] + stolen
    if kind == "missing member":
        gone = rng.choice(sorted(members))
        listed = {n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in members.items()}
        body = {
            archive.MANIFEST: json.dumps({**manifest, "members": listed}).encode(),
            **{n: b for n, b in members.items() if n != gone},
        }
        return _sign_archive(archive._zip(body), trusted)
    if kind == "renamed member":
        old = rng.choice(sorted(members))
        new = rng.choice(
            [n for n in ("rows/item.jsonl", "rows/reader.jsonl", "rows/loan.jsonl", "rows/Item.jsonl") if n != old]
        )
        listed = {n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in members.items()}
        body = {
            archive.MANIFEST: json.dumps({**manifest, "members": listed}).encode(),
            **{(new if n == old else n): b for n, b in members.items()},
        }
        return _sign_archive(archive._zip(body), trusted)
    if kind == "changed member":
        name = rng.choice(sorted(members))
        changed = bytearray(members[name])
        changed[rng.randrange(len(changed))] ^= 1
        listed = {n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in members.items()}
        body = {archive.MANIFEST: json.dumps({**manifest, "members": listed}).encode(), **members, name: bytes(changed)}
        return _sign_archive(archive._zip(body), trusted)
    if kind == "wrong key":
        return _resign(data, Ed25519PrivateKey.generate())
    if kind == "wrong recipient":
        return _resign(
            data,
            trusted,
            manifest={
                **manifest,
                "recipient": rng.choice(
                    ["someone-else", manifest["origin"], "0000-0000-0000-0000-0000-0000-0000-0000"]
                ),
            },
        )
    if kind == "replay":
        return data
    raise AssertionError(kind)


KINDS = (
    "bit flip",
    "truncation",
    "extra member",
    "missing member",
    "renamed member",
    "changed member",
    "wrong key",
    "wrong recipient",
    "replay",
)


def test_a_thousand_tampered_bundles_are_refused_before_any_member_is_parsed(valid, monkeypatch):
    network, data = valid
    union = network.union
    union.session()
    exchange.import_bundle(
        union.session(), network.outbox / next(p.name for p in network.outbox.glob("*.ilsync"))
    )  # the real bundle, applied once
    key = signing_key(network.desks["a"].library)
    union.bind()
    before = _files(union)
    parsed = []
    monkeypatch.setattr(exchange, "_parse", lambda contents: parsed.append(contents) or ({}, [], 0))
    rng = random.Random(14)
    refused = {kind: 0 for kind in KINDS}
    for number in range(1000):
        kind = KINDS[number % len(KINDS)]
        bad = tampered(data, key, rng, kind)
        path = network.folder / "tampered.ilsync"
        path.write_bytes(bad)
        try:
            report = exchange.import_bundle(union.session(), path)
        except IlsError:
            refused[kind] += 1
        else:
            assert kind in ("replay", "bit flip") and report.state == "replayed" and bad == data, kind
            refused[kind] += 1
    assert parsed == []
    union.bind()
    assert _files(union) == before
    assert sum(refused.values()) == 1000


def _info(name: str, mode: int = stat.S_IFREG | 0o644, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    info.create_system = 3
    info.compress_type = compress
    return info


def _manifest_for(members: dict[str, bytes], origin: str, recipient: str) -> bytes:
    return json.dumps(
        {
            "format": exchange.FORMAT,
            "schema": 11,
            "sender": {"node": origin, "role": "desk"},
            "recipient": recipient,
            "origin": origin,
            "epoch": 1,
            "first": 0,
            "last": 1,
            "members": {n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in members.items()},
        }
    ).encode()


def _overlapped_bomb(manifest: bytes) -> bytes:
    """David Fifield's overlapped-entry zip bomb in small: each entry's data holds the next entry's local
    header and data, so one kernel is counted by every entry. Stored, not compressed: only the overlap
    gives it away."""
    names = ["rows/loan.jsonl", "rows/item.jsonl", "rows/hold.jsonl", "rows/charge.jsonl"]
    kernel = random.Random(7).randbytes(100_000)
    tail = kernel
    offsets: list[int] = []
    for name in reversed(names):  # build inside out: each header wraps everything after it
        header = (
            struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, len(tail), len(tail), len(name), 0)
            + name.encode()
        )
        tail = header + tail
        offsets.insert(0, 0)
    sizes, at = [], 0
    for name in names:
        offsets[names.index(name)] = at
        header_length = 30 + len(name)
        sizes.append(len(tail) - at - header_length)
        at += header_length
    out = io.BytesIO()
    out.write(tail)
    manifest_at = out.tell()
    out.write(
        struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, len(manifest), len(manifest), len(archive.MANIFEST), 0
        )
        + archive.MANIFEST.encode()
        + manifest
    )
    directory = io.BytesIO()
    for name, offset, size in zip(names, offsets, sizes, strict=True):
        directory.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                0,
                0,
                0,
                0,
                size,
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name.encode()
        )
    directory.write(
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            0,
            0,
            0,
            0,
            len(manifest),
            len(manifest),
            len(archive.MANIFEST),
            0,
            0,
            0,
            0,
            0,
            manifest_at,
        )
        + archive.MANIFEST.encode()
    )
    start = out.tell()
    body = directory.getvalue()
    out.write(body)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(names) + 1, len(names) + 1, len(body), start, 0))
    return out.getvalue()


def zlib_deflate(data: bytes) -> bytes:
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def hostile_archives(origin: str, recipient: str) -> dict[str, bytes]:
    rows = b'["x",["1/n",0,null,{}]]'

    def with_manifest(entries: list[tuple[zipfile.ZipInfo, bytes]], listed: dict[str, bytes] | None = None) -> bytes:
        named = listed if listed is not None else {info.filename: data for info, data in entries}
        return _raw_zip([(_info(archive.MANIFEST), _manifest_for(named, origin, recipient)), *entries])

    def tar(kind: str) -> bytes:
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w") as tarred:
            info = tarfile.TarInfo("rows/loan.jsonl")
            if kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, "/etc/passwd"
            elif kind == "device":
                info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
            else:
                info.type, info.linkname = tarfile.SYMTYPE, "../../../etc/passwd"
            tarred.addfile(info)
        return out.getvalue()

    bomb = b"0" * 50_000_000
    return {
        "dot-dot": with_manifest([(_info("../../evil.jsonl"), rows)]),
        "dot-dot inside rows": with_manifest([(_info("rows/../../evil.jsonl"), rows)]),
        "absolute path": with_manifest([(_info("/tmp/ils-evil.jsonl"), rows)]),
        "windows path": with_manifest([(_info("..\\..\\evil.jsonl"), rows)]),
        "drive letter": with_manifest([(_info("C:/evil.jsonl"), rows)]),
        "symlink": with_manifest([(_info("rows/loan.jsonl", stat.S_IFLNK | 0o777), b"/etc/passwd")]),
        "symlink to dot-dot": with_manifest([(_info("rows/item.jsonl", stat.S_IFLNK | 0o777), b"../../x")]),
        "character device": with_manifest([(_info("rows/loan.jsonl", stat.S_IFCHR | 0o644), b"")]),
        "block device": with_manifest([(_info("rows/loan.jsonl", stat.S_IFBLK | 0o644), b"")]),
        "fifo": with_manifest([(_info("rows/loan.jsonl", stat.S_IFIFO | 0o644), b"")]),
        "directory": with_manifest([(_info("rows/", stat.S_IFDIR | 0o755), b"")]),
        "tar with a hardlink": tar("hardlink"),
        "tar with a device": tar("device"),
        "tar with a symlink": tar("symlink"),
        "zip bomb": with_manifest([(_info("rows/loan.jsonl"), bomb)]),
        "overlapped-entry zip bomb": _overlapped_bomb(_manifest_for({"rows/loan.jsonl": b""}, origin, recipient)),
        "huge member count": with_manifest([(_info(f"rows/loan{i}.jsonl"), b"") for i in range(5000)]),
        "duplicate names": with_manifest([(_info("rows/loan.jsonl"), rows), (_info("rows/loan.jsonl"), rows)]),
        "unknown member": with_manifest([(_info("rows/staff.jsonl"), rows)]),
        "nested archive": with_manifest([(_info("rows/loan.jsonl.zip"), _raw_zip([(_info("x"), rows)]))]),
        "bzip2 member": with_manifest([(_info("rows/loan.jsonl", compress=zipfile.ZIP_BZIP2), rows)]),
        "manifest lies about a size": with_manifest(
            [(_info("rows/loan.jsonl"), rows)], {"rows/loan.jsonl": rows + b"x"}
        ),
        "no manifest": _raw_zip([(_info("rows/loan.jsonl"), rows)]),
        "manifest bomb": _raw_zip([(_info(archive.MANIFEST), b"{" * 3_000_000)]),
        "not a zip at all": b"PK\x05\x06" + b"\x00" * 18,
    }


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_twenty_five_hostile_archives_are_refused_and_nothing_is_written_outside(valid, tmp_path, monkeypatch):
    network, _data = valid
    union = network.union
    key = signing_key(network.desks["a"].library)
    work = tmp_path / "hostile"
    work.mkdir()
    monkeypatch.chdir(work)
    union.bind()
    before = _files(union)
    parsed = []
    monkeypatch.setattr(exchange, "_parse", lambda contents: parsed.append(contents) or ({}, [], 0))
    hostile = hostile_archives(network.desks["a"].library.node_id, union.library.node_id)
    assert len(hostile) == 25
    reasons: dict[str, str] = {}
    for name, body in hostile.items():
        path = work / "hostile.ilsync"
        path.write_bytes(_sign_archive(body, key))
        with pytest.raises(IlsError) as refused:
            exchange.import_bundle(union.session(), path)
        assert refused.value.code.startswith("sync."), name
        reasons[name] = refused.value.code
    assert parsed == []
    assert reasons["overlapped-entry zip bomb"] == "sync.overlapping_members"
    assert reasons["zip bomb"] == "sync.compression_ratio" and reasons["symlink"] == "sync.not_a_file"
    union.bind()
    assert _files(union) == before
    assert {p.name for p in work.iterdir()} == {"hostile.ilsync"}
    assert not Path("/tmp/ils-evil.jsonl").exists()
