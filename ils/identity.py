"""Which node this database is, in which epoch, and whether it was copied or restored.

A change is named ``(node, epoch, seq)`` forever. ``seq`` is the database's change counter,
so a database put back from a backup would count again through numbers it already sent,
and a database copied to a second computer would give two desks one name. Both are
detected when the database is opened:

- The database knows where it lives (``node.home``: this computer's id, the file's path and a
  token). A marker file beside it (``<name>.node``) holds the node id, the epoch, the same
  token and the highest change number ever exported (``sent``).
- Opened on another computer or at another path: it is a **copy**. It becomes a new node
  (a new id, epoch 1, a new signing key, no number ranges of its own), so it cannot issue
  card numbers, barcodes or 种次号 from the original's ranges. The previous identity is kept
  (``node.copied_from``): if the database was really moved, not copied, staff say so with
  ``ils node adopt``, and it takes the old id back in a new epoch. The System desk and the
  command line say this loudly.
- The marker is missing, names another node or token, or has sent more than this database
  knows of (a backup put back): a **new epoch** starts. Its first bundle starts from the last
  change this database knows it exported, so nothing is lost and no name is reused.
- ``ils restore`` always starts a new epoch.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from db.ids import new_id
from db.models import Setting
from ils.library import NODE_ID, Library, Writer

EPOCH = "node.epoch"
EPOCH_START = "node.epoch_start"
HOME = "node.home"
COPIED_FROM = "node.copied_from"
ROLE = "sync.role"
LAST_EXPORT = "sync.last_export_seq"
UNION_SEEN = "sync.union_seen_hlc"  # the highest stamp this desk has applied from the union
DESK, UNION = "desk", "union"
_FORMAT = "ils-node-marker-1"


def sync_folder(db_path: Path) -> Path:
    """Where a database keeps the bundles it wrote and read, until the privacy schedule clears them."""
    return Path(db_path).parent / "sync" / Path(db_path).stem


def marker_path(db_path: Path) -> Path:
    return Path(db_path).with_suffix(".node")


def this_computer() -> str:
    """A stable name for the machine: systemd's machine id where there is one, else the host name."""
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            value = Path(candidate).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if value:
            return value
    return socket.gethostname()


@dataclass(frozen=True)
class Identity:
    node_id: str
    epoch: int
    epoch_start: int
    role: str
    copied_from: str | None  # the node this database was copied from, until adopted or forgotten


@dataclass(frozen=True)
class Change:
    """What the check at opening did: ``new_epoch`` or ``new_node`` (a copy)."""

    kind: str
    node_id: str
    epoch: int
    previous_node_id: str


@overload
def _setting(library: Library, key: str) -> str | None: ...
@overload
def _setting(library: Library, key: str, default: str) -> str: ...
def _setting(library: Library, key: str, default: str | None = None) -> str | None:
    value = library.setting(key)
    return default if value is None else value


def set_setting(key: str, value: str) -> None:
    """A desk-local setting, inside the caller's write."""
    Setting.insert(key=key, value=value).on_conflict_replace().execute()


def identity(library: Library) -> Identity:
    copied = _setting(library, COPIED_FROM)
    return Identity(
        node_id=library.node_id,
        epoch=int(_setting(library, EPOCH, "1")),
        epoch_start=int(_setting(library, EPOCH_START, "0")),
        role=_setting(library, ROLE, DESK),
        copied_from=json.loads(copied)["node_id"] if copied else None,
    )


def last_exported(library: Library) -> int:
    return int(_setting(library, LAST_EXPORT, "0"))


def _read_marker(library: Library) -> dict | None:
    try:
        content = json.loads(marker_path(library.path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) and content.get("format") == _FORMAT else None


def write_marker(library: Library, *, sent: int | None = None) -> None:
    """Write the marker beside the database (atomically); ``sent`` raises the highest change exported."""
    home = json.loads(library.setting(HOME) or "{}")
    old = _read_marker(library) or {}
    same = old.get("node_id") == library.node_id and old.get("token") == home.get("token")
    content = {
        "format": _FORMAT,
        "node_id": library.node_id,
        "epoch": identity(library).epoch,
        "token": home.get("token"),
        "sent": max(sent or 0, int(old.get("sent", 0)) if same else 0),
    }
    path = marker_path(library.path)
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(json.dumps(content), encoding="utf-8")
    os.replace(temporary, path)


def _home(library: Library) -> dict:
    return {"computer": this_computer(), "path": str(library.path.resolve()), "token": secrets.token_hex(16)}


def begin(writer: Writer, library: Library, role: str = DESK) -> None:
    """A new database: epoch 1, its home here, the marker beside it (``ils init``)."""
    for key, value in ((EPOCH, "1"), (EPOCH_START, "0"), (HOME, json.dumps(_home(library))), (ROLE, role)):
        set_setting(key, value)
    writer.journal("node.begin", "node", library.node_id, {"epoch": 1, "role": role})


def check(library: Library) -> Change | None:
    """Run when a database is opened: a copy becomes a new node, a restored file a new epoch.

    A file opened read-only (an archived copy, a backup being checked) records nothing, so
    whatever it is a copy of, it names no changes and keeps the identity it has.
    """
    if library.read_only:
        return None
    home = json.loads(library.setting(HOME) or "null")
    marker = _read_marker(library)
    if home is None:  # made before sync existed: it is where it has always been
        with library.write(None) as writer:
            set_setting(HOME, json.dumps(_home(library)))
            set_setting(EPOCH, _setting(library, EPOCH, "1"))
            writer.journal("node.home", "node", library.node_id, {"epoch": identity(library).epoch})
        write_marker(library)
        return None
    if home.get("computer") != this_computer() or home.get("path") != str(library.path.resolve()):
        return become_new_node(library)
    if (
        marker is None
        or marker.get("node_id") != library.node_id
        or marker.get("token") != home.get("token")
        or int(marker.get("sent", 0)) > last_exported(library)
    ):
        return start_new_epoch(
            library, "restored" if marker else "marker_missing", floor=int(marker.get("epoch", 0)) if marker else 0
        )
    return None


def start_new_epoch(library: Library, reason: str, *, floor: int = 0) -> Change:
    """Name this database's next changes in a new epoch, starting after the last change it exported."""
    epoch = max(identity(library).epoch, floor) + 1
    start = last_exported(library)
    with library.write(None) as writer:
        home = {**json.loads(library.setting(HOME) or "{}"), "token": secrets.token_hex(16)}
        for key, value in ((EPOCH, str(epoch)), (EPOCH_START, str(start)), (HOME, json.dumps(home))):
            set_setting(key, value)
        writer.journal("node.new_epoch", "node", library.node_id, {"epoch": epoch, "from": start, "reason": reason})
    write_marker(library)
    return Change("new_epoch", library.node_id, epoch, library.node_id)


def become_new_node(library: Library) -> Change:
    """A copy of another desk's database: a new node id, epoch 1, home here."""
    previous = identity(library)
    node_id = new_id()
    with library.write(None) as writer:
        writer.journal("node.copied", "node", previous.node_id, {"new_node": node_id, "epoch": previous.epoch})
        library.adopt_node_id(node_id)
        set_setting(NODE_ID, node_id)
        set_setting(COPIED_FROM, json.dumps({"node_id": previous.node_id, "epoch": previous.epoch}))
        for key, value in (
            (EPOCH, "1"),
            (EPOCH_START, str(last_exported(library))),
            (HOME, json.dumps(_home(library))),
        ):
            set_setting(key, value)
        writer.journal("node.new_identity", "node", node_id, {"copied_from": previous.node_id})
    write_marker(library)
    return Change("new_node", node_id, 1, previous.node_id)


def adopt(library: Library, staff_id: str | None) -> Identity:
    """Staff confirm the database was moved, not copied: take back the previous node id, in a new epoch."""
    from ils.errors import Invalid

    copied = library.setting(COPIED_FROM)
    if copied is None:
        raise Invalid("sync.nothing_to_adopt", "This desk was not copied from another one: there is nothing to adopt.")
    previous = json.loads(copied)
    with library.write(staff_id) as writer:
        writer.journal("node.adopt", "node", library.node_id, {"node": previous["node_id"]})
        library.adopt_node_id(previous["node_id"])
        set_setting(NODE_ID, previous["node_id"])
        Setting.delete().where(Setting.key == COPIED_FROM).execute()
        set_setting(EPOCH, str(int(previous["epoch"]) + 1))
        set_setting(EPOCH_START, str(last_exported(library)))
        writer.journal(
            "node.new_epoch", "node", previous["node_id"], {"epoch": int(previous["epoch"]) + 1, "reason": "adopted"}
        )
    write_marker(library)
    return identity(library)


def adopt_identity(session) -> Identity:
    """``ils node adopt``: the service behind the command (needs the branch-management permission)."""
    from ils.permissions import Permission

    session.require(Permission.MANAGE_BRANCHES)
    return adopt(session.library, session.staff.id)
