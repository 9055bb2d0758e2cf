"""Sync at county scale, each figure beside its floor in the same run.

- **Union import of 100,000 changes**: a desk bundle of 50,000 copies and 50,000 loans (made in
  bulk at the desk, captured by the triggers), imported by a fresh union: verified, merged,
  renumbered, the copies' status derived, conflicts looked for, in one transaction. The floor
  is the same 100,000 rows inserted with raw ``sqlite3`` into an empty database of the same
  schema (``executemany``, one transaction, capture off).
- **A busy branch's day**: 1,500 loans and 1,500 returns through the desk's services
  (3,000 circulation transactions), then ``ils sync export`` of that day. The floor reads the
  same rows with one plain ``SELECT``.
- **Bundle size**: bytes per 10,000 changes for both bundles.

Run: ``.venv/bin/python bench/bench_sync.py [--changes 100000] [--day 1500]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stats import Stopwatch, raw_connection  # noqa: E402

from db.ids import new_id  # noqa: E402
from db.models import database_proxy  # noqa: E402
from ils.catalogue.items import add_item  # noqa: E402
from ils.circulation.loans import checkout, return_item  # noqa: E402
from ils.clock import FixedClock  # noqa: E402
from ils.initialise import initialise  # noqa: E402
from ils.library import open_library  # noqa: E402
from ils.readers.readers import Registration, register_reader  # noqa: E402
from ils.staff import log_in  # noqa: E402
from ils.sync import exchange, peers  # noqa: E402
from ils.sync.keys import node_fingerprint  # noqa: E402
from ils.sync.union import init_union  # noqa: E402
from tests.services.reader_samples import citizen  # noqa: E402
from tests.services.test_book_numbers import new_record  # noqa: E402

PASSWORD = "bench-pass"
TZ = dt.timezone(dt.timedelta(hours=8))


def _network(folder: Path, now: dt.datetime):
    """A union and one desk, each on its own file, the desk enrolled; both on one clock."""
    clock = FixedClock(now)
    (folder / "union").mkdir()
    made = init_union(folder / "union" / "union.sqlite", admin_username="admin", admin_password=PASSWORD)
    union = open_library(Path(made.db), clock)
    (folder / "desk").mkdir()
    desk = initialise(folder / "desk" / "desk.sqlite", admin_username="admin", admin_password=PASSWORD, clock=clock)
    database_proxy.initialize(desk.database)
    desk_session = log_in(desk, "admin", PASSWORD)
    request, _fp = peers.enrol(desk_session, folder / "enrol.json", node_fingerprint(union))
    database_proxy.initialize(union.database)
    peers.trust(log_in(union, "admin", PASSWORD), request)
    return clock, union, desk


def _bulk(desk, half: int) -> list[tuple]:
    """``half`` copies and ``half`` loans in one desk write, as a bulk load makes them: captured by the triggers."""
    database_proxy.initialize(desk.database)
    session = log_in(desk, "admin", PASSWORD)
    bib = new_record(session, "三体")
    branch = desk.node.branch_id
    now = desk.now_text()
    items = [(new_id(), bib, f"B{n:09d}", branch, "book", "on_loan", now, now) for n in range(half)]
    loans = [(new_id(), item[0], "adult", "book", branch, "*/*/*", now, "2026-04-01") for item in items]
    with desk.write(None) as writer:
        connection = desk.database.connection()
        connection.executemany(
            "INSERT INTO item (id, bib_id, barcode, branch_id, item_type, status, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            items,
        )
        connection.executemany(
            "INSERT INTO loan (id, item_id, reader_type, item_type, branch_id, rule_id, loaned_at,"
            " due_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            loans,
        )
        writer.journal("bench.load", "loan", None, {"items": half, "loans": half})
    return items, loans


def _floor_import(folder: Path, template: Path, items: list[tuple], loans: list[tuple]) -> Stopwatch:
    """The same rows into an empty database of the same schema with raw sqlite3: the floor."""
    import shutil

    target = folder / "floor.sqlite"
    shutil.copy(template, target)
    raw = raw_connection(target, isolation_level=None)
    raw.execute("UPDATE sync_clock SET capture = 0")
    bib = raw.execute("SELECT id FROM bib_record").fetchone()
    bib_id = items[0][1]
    if bib is None:
        raw.execute(
            "INSERT INTO bib_record (id, doc, format, marc, title, title_sort, created_at, updated_at)"
            " VALUES (?, 1, 'cnmarc', '{}', '三体', 'santi', 't', 't')",
            (bib_id,),
        )
    branch = raw.execute("SELECT id FROM branch WHERE code = 'ZG'").fetchone()[0]
    items = [(i[0], bib_id, i[2], branch, *i[4:]) for i in items]
    loans = [(loan[0], loan[1], loan[2], loan[3], branch, *loan[5:]) for loan in loans]
    with Stopwatch() as floor:
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(
            "INSERT INTO item (id, bib_id, barcode, branch_id, item_type, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            items,
        )
        raw.executemany(
            "INSERT INTO loan (id, item_id, reader_type, item_type, branch_id, rule_id, loaned_at, due_on)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            loans,
        )
        raw.execute("COMMIT")
    raw.close()
    return floor


def union_import(folder: Path, changes: int) -> None:
    now = dt.datetime.now(TZ).replace(microsecond=0)
    clock, union, desk = _network(folder, now)
    empty = folder / "empty-union.sqlite"
    database_proxy.initialize(union.database)
    from ils import maintenance

    maintenance.backup(log_in(union, "admin", PASSWORD), empty)
    items, loans = _bulk(desk, changes // 2)
    database_proxy.initialize(desk.database)
    with Stopwatch() as exported:
        report = exchange.export_desk(log_in(desk, "admin", PASSWORD), folder)
    rows = sum(report.counts.values())
    database_proxy.initialize(union.database)
    session = log_in(union, "admin", PASSWORD)
    with Stopwatch() as imported:
        applied = exchange.import_bundle(session, Path(report.path))
    floor = _floor_import(folder, empty, items, loans)
    print(
        f"union import of {rows:,} changes ({applied.state}): {imported.wall:6.2f} s (cpu {imported.cpu:6.2f} s)"
        f"   floor (raw sqlite3 inserts) {floor.wall:5.2f} s (cpu {floor.cpu:5.2f} s)"
        f"   {imported.wall / floor.wall:5.1f}x floor (cpu {imported.cpu / max(floor.cpu, 1e-9):5.1f}x)"
    )
    print(f"desk export of the same {rows:,} changes: {exported.wall:6.2f} s (cpu {exported.cpu:6.2f} s)")
    print(f"bundle: {report.size:,} bytes, {report.size * 10_000 / rows:,.0f} bytes per 10,000 changes")
    union.close()
    desk.close()


def busy_day(folder: Path, loans_per_day: int) -> None:
    now = dt.datetime.now(TZ).replace(microsecond=0, hour=9)
    clock, union, desk = _network(folder, now)
    database_proxy.initialize(desk.database)
    session = log_in(desk, "admin", PASSWORD)
    bib = new_record(session, "红楼梦")
    barcodes = [f"D{n:07d}" for n in range(loans_per_day)]
    for barcode in barcodes:
        add_item(session, bib, barcode)
    cards = [
        register_reader(
            session,
            Registration(
                name=f"读者{n}",
                id_type="resident",
                id_number=citizen(f"{1950 + n // 1000}0312", order=f"{n % 1000:03d}"),
                consents=frozenset({"union_sharing"} if n % 2 else set()),
            ),
        ).summary.card_number
        for n in range(loans_per_day // 4 + 1)
    ]  # four loans each: under the limit of five
    report = exchange.export_desk(session, folder)  # the morning: everything before the day's work
    database_proxy.initialize(union.database)
    morning = exchange.import_bundle(log_in(union, "admin", PASSWORD), Path(report.path))
    acks = exchange.export_union(log_in(union, "admin", PASSWORD), desk.node_id, folder)
    database_proxy.initialize(desk.database)
    session = log_in(desk, "admin", PASSWORD)
    exchange.import_bundle(session, Path(acks.path))
    assert morning.state == "applied"
    with Stopwatch() as circulated:
        for n, barcode in enumerate(barcodes):
            clock.advance(seconds=10)
            checkout(session, cards[n % len(cards)], barcode)
        for barcode in barcodes:
            clock.advance(seconds=10)
            return_item(session, barcode)
    with Stopwatch() as exported:
        day = exchange.export_desk(session, folder)
    rows = sum(day.counts.values())
    raw = raw_connection(desk.path)
    with Stopwatch() as floor:
        raw.execute(
            "SELECT s.pk, l.* FROM sync_row s LEFT JOIN loan l ON l.id = s.pk WHERE s.seq > ? AND s.seq <= ?",
            (day.first, day.last),
        ).fetchall()
    raw.close()
    print(
        f"busy branch's day ({loans_per_day:,} loans + {loans_per_day:,} returns through the services,"
        f" {circulated.wall:.1f} s, cpu {circulated.cpu:.1f} s): export {exported.wall * 1000:7.1f} ms"
        f" (cpu {exported.cpu * 1000:7.1f} ms) for {rows:,} rows"
        f"   floor (one SELECT of the day's rows) {floor.wall * 1000:6.1f} ms (cpu {floor.cpu * 1000:6.1f} ms)"
    )
    print(f"day bundle: {day.size:,} bytes, {day.size * 10_000 / max(rows, 1):,.0f} bytes per 10,000 changes")
    union.close()
    desk.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--day", type=int, default=1_500, help="loans (and as many returns) in the busy day")
    args = parser.parse_args()
    union_import(Path(tempfile.mkdtemp(prefix="ils-bench-sync-")), args.changes)
    busy_day(Path(tempfile.mkdtemp(prefix="ils-bench-sync-")), args.day)


if __name__ == "__main__":
    main()
