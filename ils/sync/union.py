"""The county union catalogue's database: a library database in the union role.

It holds what every desk sends (catalogue, copies, circulation facts, readers who share),
applies it in any order, files conflicts, and writes each desk a bundle of everything it
has not yet got. Records catalogued here reach every desk like any other change. It is made
by ``ils union init`` with the same presets as a desk (branches, service points,
locations: their name-based ids match every desk's), an administrator and its own signing
key, whose fingerprint every desk is given when it enrols.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ils import identity
from ils.initialise import initialise
from ils.sync.keys import node_fingerprint


@dataclass(frozen=True)
class UnionCreated:
    db: str
    node_id: str
    fingerprint: str


def init_union(
    path: Path,
    *,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "",
    library_name: str | None = None,
    node_name: str = "",
) -> UnionCreated:
    kwargs: dict[str, Any] = {"library_name": library_name} if library_name else {}
    library = initialise(
        path,
        admin_username=admin_username,
        admin_password=admin_password,
        admin_display_name=admin_display_name,
        node_name=node_name or "县域联合目录",
        role=identity.UNION,
        **kwargs,
    )
    try:
        return UnionCreated(str(path), library.node_id, node_fingerprint(library))
    finally:
        library.close()
