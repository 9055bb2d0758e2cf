"""A library network in one process: desks and a union on separate SQLite files, each with its own clock.

One process binds the models to one database at a time (``db.models.database_proxy``), so
every step says which node it acts at (``Node.session()`` binds it). Databases are copied
from templates made once per test session (a copy opened at a new path becomes a node of
its own, with a new id and key, as a copied desk does), so a property test can build a
fresh network for every example cheaply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from db import postgres
from db.models import database_proxy
from ils import identity
from ils.clock import FixedClock
from ils.initialise import initialise
from ils.library import Library, open_library
from ils.node import move_node
from ils.session import Session
from ils.staff import log_in
from ils.sync import exchange, peers
from ils.sync.keys import key_file, node_fingerprint
from ils.sync.statehash import state_hash
from tests.sync import backends

PASSWORD = "admin-pass-1"
TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def make_template(folder: Path, role: str, backend: str = backends.SQLITE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = backends.empty_union(folder) if backend == backends.POSTGRESQL else folder / f"{role}.sqlite"
    library = initialise(path, admin_username="admin", admin_password=PASSWORD, role=role, clock=FixedClock(START))
    library.close()
    return path


@dataclass
class Node:
    name: str
    library: Library
    clock: FixedClock
    _session: Session | None = None

    def bind(self) -> None:
        database_proxy.initialize(self.library.database)

    def session(self) -> Session:
        self.bind()
        if self._session is None:
            self._session = log_in(self.library, "admin", PASSWORD)
        return self._session

    @property
    def database(self):
        return self.library.database

    def hashes(self) -> dict[str, str]:
        self.bind()
        return state_hash(self.library.database)

    def close(self) -> None:
        self.library.close()


@dataclass
class Network:
    folder: Path
    union: Node
    desks: dict[str, Node] = field(default_factory=dict)
    outbox: Path = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = self.folder / "van"
        self.outbox.mkdir(parents=True, exist_ok=True)

    def export(self, desk: str) -> Path:
        node = self.desks[desk]
        return Path(exchange.export_desk(node.session(), self.outbox).path)

    def union_export(self, desk: str) -> Path:
        return Path(exchange.export_union(self.union.session(), self.desks[desk].library.node_id, self.outbox).path)

    def deliver(self, node: Node, bundle: Path) -> exchange.BundleReport:
        return exchange.import_bundle(node.session(), bundle)

    def round(self, desks: list[str] | None = None) -> None:
        """Every desk sends, the union applies, the union sends each desk, each applies."""
        names = desks or list(self.desks)
        for name in names:
            self.deliver(self.union, self.export(name))
        for name in names:
            self.deliver(self.desks[name], self.union_export(name))

    def advance(self, **delta: float) -> None:
        """Time passes everywhere (each node's own clock; a test may still skew one of them)."""
        for node in (self.union, *self.desks.values()):
            node.clock.advance(**delta)

    def close(self) -> None:
        for node in (self.union, *self.desks.values()):
            node.close()
        if postgres.is_locator(self.union.library.path):
            backends.drop(self.union.library.path)


def open_copy(template: Path, target: Path, clock: FixedClock, name: str) -> Node:
    """A copy of a template, opened: it becomes a node of its own, as a fresh ``ils init`` would be
    (the note that it was copied from the template is dropped)."""
    target = backends.copy_union(template, target)
    library = open_library(target, clock)
    with library.write(None) as writer:
        library.database.execute_sql("DELETE FROM setting WHERE key = ?", (identity.COPIED_FROM,))
        writer.journal("test.fresh_node", "node", library.node_id, {})
    return Node(name, library, clock)


def build(folder: Path, templates: dict[str, Path], branches: dict[str, str]) -> Network:
    """A union and one desk per ``{name: branch code}``, enrolled and trusted.

    The clocks start at the real time: a maintenance step that opens a database on the system clock
    (``ils restore``) then stamps what it writes in step with the nodes' own clocks.
    """
    start = dt.datetime.now(TZ).replace(microsecond=0)
    union = open_copy(templates[identity.UNION], folder / "union" / "union.sqlite", FixedClock(start), "union")
    network = Network(folder, union)
    fingerprint = node_fingerprint(union.library)
    for name, branch in branches.items():
        desk = open_copy(templates[identity.DESK], folder / name / "desk.sqlite", FixedClock(start), name)
        network.desks[name] = desk
        session = desk.session()
        if desk.library.node.branch_code != branch:
            move_node(session, branch)
        request, _fingerprint = peers.enrol(session, network.outbox / f"enrol-{name}.json", fingerprint)
        peers.trust(union.session(), request)
    return network


def node_key(node: Node) -> Path:
    return key_file(node.library.path)


def catalogue(node: Node, title: str, *barcodes_at: tuple[str, str]) -> str:
    """A record catalogued at ``node`` with a copy per (barcode, branch code)."""
    from ils.catalogue.items import add_item
    from tests.services.test_book_numbers import new_record

    session = node.session()
    bib = new_record(session, title)
    for barcode, branch in barcodes_at:
        add_item(session, bib, barcode, branch=branch)
    return bib


def reader(node: Node, name: str, number: str, *, share: bool = True, phone: str | None = None) -> str:
    """A reader registered at ``node`` (sharing with the union unless told); returns the card number."""
    from ils.readers.readers import Registration, register_reader

    form = Registration(
        name=name,
        id_type="resident",
        id_number=number,
        phone=phone,
        consents=frozenset({"union_sharing"}) if share else frozenset(),
    )
    return register_reader(node.session(), form).summary.card_number
