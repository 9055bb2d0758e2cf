"""The county union catalogue's database: a library database in the union role.

It holds what every desk sends (catalogue, copies, circulation facts, readers who share),
applies it in any order, files conflicts, and writes each desk a bundle of everything it
has not yet got. Records catalogued here reach every desk like any other change. It is made
by ``ils union init`` with the same presets as a desk (branches, service points,
locations: their name-based ids match every desk's), an administrator and its own signing
key, whose fingerprint every desk is given when it enrols.

The union runs on a SQLite file or on a PostgreSQL server (``--db postgresql://…``): the same
code, the same merge rules and state hash. A server is reached through a locator file in the
union's home folder (``db.postgres``), which also holds the union's key files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import postgres
from ils import identity
from ils.initialise import initialise
from ils.paths import default_db_path
from ils.sync.keys import node_fingerprint


def home() -> Path:
    """Where a PostgreSQL union's locator and key files live: ``ILS_UNION_HOME``, else the user data folder."""
    configured = os.environ.get("ILS_UNION_HOME")
    return Path(configured).expanduser() if configured else default_db_path().parent


def locate(db: str | Path) -> Path:
    """The path ils opens for ``--db``: a SQLite file as given, or a server's locator (written or refreshed)."""
    if not postgres.is_url(db):
        return Path(db)
    url = str(db)
    path = home() / postgres.locator_name(url)
    if postgres.read_locator(path) != url:
        postgres.write_locator(path, url)
    return path


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
