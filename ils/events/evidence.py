"""Evidence files of a programme (photos, sign-in sheets, press cuttings).

A file is copied into the library's data folder, beside the database, under its SHA-256
(``<database>.evidence/ab/abcdef….jpg``), so the same file attached twice is stored once, and
the row records its hash and size. ``ils check`` reads every stored file again and reports one
that is missing or no longer has its hash. The files stay on the desk that attached them; the
rows replicate so the union's ledger lists them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from db.ids import ILS_NAMESPACE
from db.models import EventEvidence
from ils.errors import Invalid, Message, NotFound, message
from ils.events import vocabulary as v
from ils.events.programmes import get_programme
from ils.i18n import N_
from ils.library import Library
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text_input import readable_file_name

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Evidence:
    id: str
    programme_id: str
    kind: str
    name: str
    sha256: str
    size: int
    path: Path


def folder(library: Library) -> Path:
    return library.path.with_name(library.path.name + ".evidence")


def _hash(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _evidence(library: Library, row: EventEvidence) -> Evidence:
    return Evidence(row.id, row.programme_id, row.kind, row.name, row.sha256, row.size, folder(library) / row.stored)


@writes
def attach(session: Session, programme_id: str, path: Path | str, *, kind: str = "photo") -> Evidence:
    """Copy ``path`` into the data folder as evidence of the programme."""
    session.require(Permission.RECORD_EVENTS)
    programme = get_programme(programme_id)
    what = v.choice(kind, v.EVIDENCE_KINDS, N_("Kind of evidence"))
    source = Path(path)
    if not source.is_file():
        raise NotFound("events.evidence_not_found", "There is no file {path}.", path=source)
    if source.stat().st_size > MAX_FILE_BYTES:
        raise Invalid(
            "events.evidence_too_large",
            "{path} is larger than {size} MB.",
            path=source,
            size=MAX_FILE_BYTES // 1024 // 1024,
        )
    try:
        sha, size = _hash(source)
    except OSError as error:
        raise NotFound("events.evidence_unreadable", "Cannot read {path}.", path=source) from error
    stored = f"{sha[:2]}/{sha}{source.suffix.lower()[:10]}"
    key = str(uuid.uuid5(ILS_NAMESPACE, f"event_evidence:{programme.id}:{sha}"))
    if EventEvidence.get_or_none(EventEvidence.id == key) is not None:
        raise Invalid("events.evidence_exists", "This file is already evidence of {title}.", title=programme.title)
    target = folder(session.library) / stored
    with session.write() as writer:
        row = EventEvidence.create(
            id=key,
            programme=programme.id,
            kind=what,
            name=readable_file_name(source.name)[:200],
            sha256=sha,
            size=size,
            stored=stored,
            added_at=session.library.now_text(),
            added_by=session.staff.id,
        )
        writer.journal("events.evidence", "event_evidence", key, {"sha256": sha, "size": size})
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            shutil.copyfile(source, partial)
            os.replace(partial, target)
    return _evidence(session.library, row)


def evidence_of(session: Session, programme_id: str) -> list[Evidence]:
    session.require(Permission.RECORD_EVENTS)
    programme = get_programme(programme_id)
    return [
        _evidence(session.library, r)
        for r in EventEvidence.select().where(EventEvidence.programme == programme.id).order_by(EventEvidence.added_at)
    ]


def check_files(library: Library) -> list[Message]:
    """Evidence files this desk stored that are missing or changed. Reads only.

    A row that came from another desk in a bundle has no file here; it is not a problem.
    """
    problems: list[Message] = []
    local = {
        pk
        for (pk,) in library.database.execute_sql(
            "SELECT pk FROM sync_row WHERE tbl = 'event_evidence' AND node IN (?, '')", (library.node_id,)
        )
    }
    for row in EventEvidence.select().where(EventEvidence.id.in_(local)):
        path = folder(library) / row.stored
        try:
            sha, _size = _hash(path)
        except OSError:
            problems.append(
                message("events.evidence_missing", "Evidence file {name} is missing: {path}", name=row.name, path=path)
            )
            continue
        if sha != row.sha256:
            problems.append(
                message(
                    "events.evidence_changed",
                    "Evidence file {name} was changed on disk: {path}",
                    name=row.name,
                    path=path,
                )
            )
    return problems
