"""The union catalogue at county scale, on SQLite and on PostgreSQL, each figure beside its floor.

- **A busy day of every branch**: each branch desk lends ``--day`` copies and takes them back
  (loans made and ended in bulk at the desk, captured by the triggers) and adds a copy for every
  40 lent (a record per ten copies): one bundle per branch, and the union imports every branch's
  bundle. The morning's copies reached the union and each desk took the union's bundle back
  before the day (as a desk that exchanges daily has), so a day's bundle carries the day's
  changes only. Target: under 30 s on each engine.
- **A first full load**: the central desk's catalogue of ``--copies`` copies (one record per ten
  copies) in one bundle, imported by the union. Target: under 10 minutes.
- **Floor**, beside each: the same rows, every column as the import stored them, inserted raw
  into an empty union of the same schema (``sqlite3`` / psycopg ``executemany``, one
  transaction, capture off). Target: the union
  imports at least a third as fast (at most 3× the floor).

The union on PostgreSQL is the SQLite union moved with ``migrate-to`` (the same node, so both
accept the same bundles). The copies are made in bulk at the desks before the timed imports.

Run: ``.venv/bin/python bench/bench_union.py --pg postgresql://… [--branches 26] [--day 2000]
[--copies 1000000] [--only day|full] [--engine sqlite|postgresql]``; without ``--pg`` (or ``ILS_TEST_PG_URL``) only SQLite is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stats import Stopwatch, raw_connection  # noqa: E402

from db.ids import new_id  # noqa: E402
from db.models import database_proxy  # noqa: E402
from ils import identity, presets  # noqa: E402
from ils.clock import FixedClock  # noqa: E402
from ils.initialise import initialise  # noqa: E402
from ils.library import Library, open_library  # noqa: E402
from ils.readers.keys import key_path  # noqa: E402
from ils.staff import log_in  # noqa: E402
from ils.sync import exchange, peers  # noqa: E402
from ils.sync.keys import key_file, node_fingerprint  # noqa: E402
from ils.sync.union import init_union, migrate_to  # noqa: E402

PASSWORD = "bench-pass"
PARTS = ("day", "full")
ENGINES = ("sqlite", "postgresql")
TZ = dt.timezone(dt.timedelta(hours=8))
_ITEM = (
    "INSERT INTO item (id, bib_id, barcode, branch_id, item_type, status, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_BIB = (
    "INSERT INTO bib_record (id, doc, format, marc, title, title_sort, created_at, updated_at)"
    ' VALUES (?, ?, \'cnmarc\', \'{"leader": "00000nam  2200000   4500", "fields": []}\', ?, ?, ?, ?)'
)
_LOAN = (
    "INSERT INTO loan (id, item_id, reader_type, item_type, branch_id, rule_id, loaned_at, due_on,"
    " ended_at, ended_as, end_branch_id) VALUES (?, ?, 'adult', 'book', ?, '*/*/*', ?, '2026-04-01', ?, ?, ?)"
)


def _session(library: Library):
    database_proxy.initialize(library.database)
    return log_in(library, "admin", PASSWORD)


def _copies(desk: Library, count: int, prefix: str) -> list[tuple]:
    """``count`` copies (and a record per ten) in one desk write, captured as a bulk load is."""
    database_proxy.initialize(desk.database)
    branch, now = desk.node.branch_id, desk.now_text()
    bibs = [(new_id(), n + 1, f"{prefix}书{n}", f"{prefix}shu{n}", now, now) for n in range(-(-count // 10))]
    items = [
        (new_id(), bibs[n // 10][0], f"{prefix}{n:08d}", branch, "book", "available", now, now) for n in range(count)
    ]
    with desk.write(None) as writer:
        connection = desk.database.connection()
        first = desk.database.execute_sql("SELECT IFNULL(MAX(doc), 0) FROM bib_record").fetchone()[0]
        connection.executemany(_BIB, [(b[0], first + b[1], *b[2:]) for b in bibs])
        connection.executemany(_ITEM, items)
        writer.journal("bench.load", "item", None, {"items": count})
    return bibs, items


def _day(desk: Library, items: list[tuple], loans: int) -> None:
    """``loans`` loans, each ended again the same day, in one desk write (the day's circulation)."""
    database_proxy.initialize(desk.database)
    branch, now = desk.node.branch_id, desk.now_text()
    rows = [(new_id(), item[0], branch, now, now, "returned", branch) for item in items[:loans]]
    with desk.write(None) as writer:
        desk.database.connection().executemany(_LOAN, rows)
        writer.journal("bench.day", "loan", None, {"loans": loans})


def _network(folder: Path, codes: list[str], clock: FixedClock) -> tuple[Library, list[Library]]:
    made = init_union(folder / "union.sqlite", admin_username="admin", admin_password=PASSWORD)
    union = open_library(Path(made.db), clock)
    desks = []
    presets_codes = [b.code for b in presets.BRANCHES]
    for n, code in enumerate(codes):
        (folder / code).mkdir()
        desk = initialise(
            folder / code / "desk.sqlite",
            admin_username="admin",
            admin_password=PASSWORD,
            # Beyond the preset branches, a second desk (node) at a preset branch: its barcodes still its own.
            branch_code=code if code in presets_codes else presets_codes[n % len(presets_codes)],
            clock=clock,
        )
        request, _fp = peers.enrol(_session(desk), folder / f"enrol-{code}.json", node_fingerprint(union))
        peers.trust(_session(union), request)
        desks.append(desk)
    return union, desks


def _replica(template: Path, folder: Path, clock: FixedClock, pg: str | None) -> Library:
    """A fresh copy of the empty union (same node): a SQLite file, or moved to a new server database."""
    folder.mkdir()
    target = folder / "union.sqlite"
    shutil.copy(template, target)
    for beside in (key_path, key_file):
        if beside(template).exists():
            shutil.copy(beside(template), beside(target))
    library = open_library(target, clock)
    if library.identity_change is not None:  # the copy became a node of its own: it is a move
        identity.adopt(library, None)
    if pg is None:
        return library
    import psycopg

    name = f"ils_bench_{new_id().replace('-', '')[:12]}"
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = pg.rsplit("/", 1)[0] + "/" + name
    moved = migrate_to(library, url)
    library.close()
    return open_library(Path(moved.locator), clock)


def _rows(library: Library, table: str, ids: set[str] | None = None) -> tuple[str, list[tuple]]:
    """Every column of ``table``'s rows as the import stored them (``ids``: only those), and the
    insert that puts them back: the floor inserts exactly the rows the import stored."""
    cursor = library.database.execute_sql(f"SELECT * FROM {table}")
    # Not PostgreSQL's stand-in for SQLite's rowid: the server always generates it.
    kept = [i for i, d in enumerate(cursor.description) if d[0] != "rowid"]
    columns = [cursor.description[i][0] for i in kept]
    rows = [tuple(r[i] for i in kept) for r in cursor.fetchall() if ids is None or r[0] in ids]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows


def _floor(library: Library, before: list[tuple[str, list[tuple]]], timed: list[tuple[str, list[tuple]]]) -> Stopwatch:
    """``before`` and then ``timed`` inserted raw into an empty union, capture off, one transaction
    each; only ``timed`` is measured."""
    steps = [(sql, rows, False) for sql, rows in before] + [(sql, rows, True) for sql, rows in timed]
    floor = Stopwatch()
    if library.path.suffix == ".pg":
        import psycopg

        from db.dialect_postgres import translate
        from db.postgres import read_locator

        with psycopg.connect(read_locator(library.path), autocommit=True) as raw:
            for sql, rows, is_timed in steps:
                with raw.transaction(), raw.cursor() as cursor, Stopwatch() as took:
                    cursor.execute("UPDATE sync_clock SET capture = 0")
                    cursor.executemany(translate(sql), rows)
                if is_timed:
                    floor.wall, floor.cpu = floor.wall + took.wall, floor.cpu + took.cpu
        return floor
    raw = raw_connection(library.path, isolation_level=None)
    for sql, rows, is_timed in steps:
        with Stopwatch() as took:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("UPDATE sync_clock SET capture = 0")
            raw.executemany(sql, rows)
            raw.execute("COMMIT")
        if is_timed:
            floor.wall, floor.cpu = floor.wall + took.wall, floor.cpu + took.cpu
    raw.close()
    return floor


def _line(name: str, rows: int, took: Stopwatch, floor: Stopwatch, target: str) -> str:
    return (
        f"{name}: {rows:,} rows imported in {took.wall:7.2f} s (cpu {took.cpu:6.2f} s)   floor (raw inserts)"
        f" {floor.wall:6.2f} s (cpu {floor.cpu:6.2f} s)   {took.wall / max(floor.wall, 1e-9):5.1f}x floor"
        f" (cpu {took.cpu / max(floor.cpu, 1e-9):4.1f}x)   target {target}, at most 3x floor"
    )


def _import_day(folder: Path, clock: FixedClock, engine: str, url: str | None, day: Day) -> None:
    replica = _replica(day.template, folder / f"day-{engine}", clock, url)
    session = _session(replica)
    with Stopwatch() as took:
        counts = [exchange.import_bundle(session, bundle) for bundle in day.bundles]
    rows = sum(sum(c.counts.values()) for c in counts)
    new_bibs = {b[0] for bibs, _items in day.accessions for b in bibs}
    new_items = {i[0] for _bibs, items in day.accessions for i in items}
    timed = [_rows(replica, "bib_record", new_bibs), _rows(replica, "item", new_items), _rows(replica, "loan")]
    replica.close()
    empty = _replica(day.empty, folder / f"floor-day-{engine}", clock, url)
    branch = empty.node.branch_id
    stock_bibs = [(b[0], n + 1, *b[2:]) for n, b in enumerate(b for bibs, _items in day.stock for b in bibs)]
    stock_items = [(*i[:3], branch, *i[4:]) for _bibs, items in day.stock for i in items]
    floor = _floor(empty, [(_BIB, stock_bibs), (_ITEM, stock_items)], timed)
    empty.close()
    name = (
        f"{engine}: a day of {day.branches} branches ({day.size:,} loans and returns each, {day.added:,} copies added)"
    )
    print(_line(name, rows, took, floor, "30 s"), flush=True)


def _import_full(folder: Path, clock: FixedClock, engine: str, url: str | None, full: Full) -> None:
    replica = _replica(full.template, folder / f"full-{engine}", clock, url)
    with Stopwatch() as took:
        loaded = exchange.import_bundle(_session(replica), full.bundle)
    timed = [_rows(replica, "bib_record"), _rows(replica, "item")]
    replica.close()
    empty = _replica(full.template, folder / f"floor-full-{engine}", clock, url)
    floor = _floor(empty, [], timed)
    empty.close()
    name = f"{engine}: first full load ({full.items:,} copies)"
    print(_line(name, sum(loaded.counts.values()), took, floor, "600 s"), flush=True)


def _acknowledged(folder: Path, template: Path, clock: FixedClock, desks: list[Library], morning: list[Path]) -> Path:
    """The union after the morning's bundles, each desk having taken the union's bundle back (so the
    day's bundles carry the day's changes only, as they do once a desk and the union exchange daily)."""
    union = _replica(template, folder, clock, None)
    session = _session(union)
    for bundle in morning:
        exchange.import_bundle(session, bundle)
    back = folder / "back"
    back.mkdir()
    for desk in desks:
        sent = exchange.export_union(_session(union), desk.node_id, back)
        exchange.import_bundle(_session(desk), Path(sent.path))
    path = union.path
    union.close()
    return path


@dataclass
class Day:
    """A day of every branch: the union after the morning (each branch's copies, acknowledged), then
    the day's bundles (loans and returns, and the copies each branch added)."""

    branches: int
    size: int
    added: int
    empty: Path
    template: Path
    stock: list[tuple[list[tuple], list[tuple]]]
    accessions: list[tuple[list[tuple], list[tuple]]]
    bundles: list[Path]


@dataclass
class Full:
    """The central desk's whole catalogue in one bundle, for a union that has nothing yet."""

    template: Path
    items: int
    bundle: Path


def run(
    folder: Path,
    branches: int,
    day: int,
    copies: int,
    pg: str | None,
    parts: tuple[str, ...] = PARTS,
    engines: tuple[str, ...] = ENGINES,
) -> None:
    # Nine in the morning, the next one if today's has passed: never behind the wall clock, which
    # stamps the union's own first rows (``init_union``), or a desk would hold the union's bundle
    # back as coming from its future.
    now = dt.datetime.now(TZ)
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    clock = FixedClock(nine if nine > now else nine + dt.timedelta(days=1))
    codes = [b.code for b in presets.BRANCHES][: max(branches, 1)]
    codes += [f"B{n:02d}" for n in range(branches - len(codes))]  # beyond the presets: more desks, own barcodes
    codes = codes[:branches]
    union, desks = _network(folder / "net", codes, clock)
    template = union.path
    union.close()
    the_day = the_full = None
    if "day" in parts:  # the morning: each branch's copies (not timed); the day: loans, returns, accessions
        stock = [_copies(desk, day, f"{code}-") for desk, code in zip(desks, codes, strict=True)]
        morning = [Path(exchange.export_desk(_session(desk), folder).path) for desk in desks]
        acknowledged = _acknowledged(folder / "morning", template, clock, desks, morning)
        for desk, (_bibs, items) in zip(desks, stock, strict=True):
            _day(desk, items, day)
        added = max(day // 40, 10)  # a day's accessions: a copy added for every 40 lent
        accessions = [_copies(desk, added, f"{code}-N") for desk, code in zip(desks, codes, strict=True)]
        bundles = [Path(exchange.export_desk(_session(desk), folder).path) for desk in desks]
        the_day = Day(branches, day, added, template, acknowledged, stock, accessions, bundles)
    for desk in desks:
        desk.close()
    if "full" in parts:  # a network of its own: the central desk's catalogue, nothing of the day's
        empty, (central,) = _network(folder / "central", codes[:1], clock)
        _copies(central, copies, "F")
        the_full = Full(empty.path, copies, Path(exchange.export_desk(_session(central), folder).path))
        empty.close()
        central.close()
    for engine, url in (("SQLite", None), ("PostgreSQL", pg)):
        if engine.lower() not in engines:
            continue
        if engine == "PostgreSQL" and not url:
            print("PostgreSQL: not measured (no --pg and no ILS_TEST_PG_URL)")
            continue
        if the_day is not None:
            _import_day(folder, clock, engine, url, the_day)
        if the_full is not None:
            _import_full(folder, clock, engine, url, the_full)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--branches", type=int, default=26)
    parser.add_argument("--day", type=int, default=2_000, help="loans (each returned) per branch in the day")
    parser.add_argument("--copies", type=int, default=1_000_000, help="copies in the first full load")
    parser.add_argument("--pg", default=os.environ.get("ILS_TEST_PG_URL"), help="a PostgreSQL server's URL")
    parser.add_argument("--only", choices=PARTS, help="measure only the day or only the first full load")
    parser.add_argument("--engine", choices=ENGINES, help="measure only on SQLite or only on PostgreSQL")
    args = parser.parse_args()
    os.environ.setdefault("ILS_UNION_HOME", tempfile.mkdtemp(prefix="ils-bench-union-home-"))
    run(
        Path(tempfile.mkdtemp(prefix="ils-bench-union-")),
        args.branches,
        args.day,
        args.copies,
        args.pg,
        (args.only,) if args.only else PARTS,
        (args.engine,) if args.engine else ENGINES,
    )


if __name__ == "__main__":
    main()
