"""Primary keys that stay unique when 26 branches and the van create records offline.

UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered
keys keep B-tree inserts at the right-hand edge, and no node has to ask another
for a number. Business numbers (barcodes, card numbers) are separate columns.
"""

from __future__ import annotations

import secrets
import time
import uuid


def new_id() -> str:
    """A new UUIDv7 in its canonical text form."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(secrets.token_bytes(10), "big")
    rand_a = rand >> 68  # 12 bits
    rand_b = rand & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))


#: The namespace of ils's name-based ids. Frozen: changing it would rename every reference row.
ILS_NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-5e90-8a41-2c6d0e9b7f35")


def reference_id(kind: str, code: str) -> str:
    """The id of a reference row (a branch, service point, location, calendar day) named by its code.

    Name-based (UUIDv5 of ``kind:code``), so two desks initialised separately, or that each add
    "branch X" while offline, give the row the same id and sync merges them instead of
    colliding on the code.
    """
    return str(uuid.uuid5(ILS_NAMESPACE, f"{kind}:{code}"))
