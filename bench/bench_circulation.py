"""Checkout and return at the desk against the raw-SQLite floor, and the desk's load of a
reader with 400 past loans against one with 4, measured in the same run.

On a library made by ``bench/generate.py`` (full scale: 1,000,000 items, 100,000 readers,
3,000,000 loans). Checkout and return are timed as service calls, each committed
(``synchronous=FULL``, as at the desk): copies of the central lending room lent to readers
who may borrow, then taken back at the same desk. The floor does the writes they stand on
with the ``sqlite3`` module and the same pragmas, one transaction each: insert the loan row
(or close it), set the copy's status, append the journal row. The ratio is what the rules,
the reader's standing, peewee and the result objects cost.

The desk load is ``reader_at_desk`` (the card scanned, open loans, holds, money owed, the
history counted) and its parts ``scan_card`` + ``open_loans``, for a reader with 400 loans
still linked to them and one with 4; their floor is the card look-up and the open-loans
query in plain SQL. Readers with that history are made once, by loading returned loans for
them (journaled ``loan.load``, as ``ils.demo.circulation.add_loan_history`` loads the history).

The bench leaves its work in the database like a desk would: its loans returned and
journaled; the floor's journal rows under the node ``bench-floor`` (its loans are deleted).

Run: ``.venv/bin/python bench/bench_circulation.py --db /tmp/full.sqlite [--runs 300]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PASSWORD  # noqa: E402
from peewee import fn  # noqa: E402
from stats import measure, raw_connection  # noqa: E402

from db.models import Hold, Item, Loan, Location, Reader, ReaderCard, ServicePoint  # noqa: E402
from ils.circulation.desk import reader_at_desk  # noqa: E402
from ils.circulation.loans import checkout, open_loans, return_item  # noqa: E402
from ils.demo.circulation import LOAD_ACTION  # noqa: E402
from ils.library import open_library  # noqa: E402
from ils.readers.ages import age_band  # noqa: E402
from ils.readers.readers import scan_card  # noqa: E402
from ils.session import Session  # noqa: E402
from ils.staff import log_in  # noqa: E402

FLOOR_NODE = "bench-floor"
HEAVY, LIGHT = 400, 4


def _lending_desk(branch_id: str) -> ServicePoint:
    """The desk of the branch's lending room: the service point named like its room with most books."""
    rooms = (
        Location.select(Location.code)
        .join(Item)
        .where(Location.branch == branch_id, Location.loanable == True, Item.item_type == "book")  # noqa: E712
        .group_by(Location.id)
        .order_by(fn.COUNT(Item.id).desc())
        .tuples()
    )
    return next(p for (code,) in rooms if (p := ServicePoint.get_or_none(ServicePoint.code == code)))


def _copies(point: ServicePoint, count: int, rng: random.Random) -> list[str]:
    """Barcodes of copies on the shelf of the room the desk serves, wanted by nobody."""
    held = Hold.select(Hold.bib).where(Hold.state.in_(("waiting", "in_transit", "ready")))
    query = (
        Item.select(Item.barcode)
        .join(Location)
        .where(
            Location.code == point.code,
            Item.status == "available",
            Item.item_type == "book",
            Item.rotation_batch.is_null(),
            Item.at_branch.is_null(),
            Item.bib.not_in(held),
        )
        .order_by(Item.barcode)
        .tuples()
    )
    barcodes = [barcode for (barcode,) in query]
    return rng.sample(barcodes, min(count, len(barcodes)))


def _borrowers(session: Session, count: int, rng: random.Random) -> list[str]:
    """Cards of adult readers who may borrow now (no block of any kind) and have room for more."""
    today = session.now().date().isoformat()
    query = (
        Reader.select(Reader.card_number)
        .join(ReaderCard, on=ReaderCard.card_number == Reader.card_number)
        .where(
            Reader.reader_type == "adult",
            ReaderCard.state == "active",
            Reader.cancelled_at.is_null(),
            Reader.expires_on.is_null() | (Reader.expires_on >= today),
        )
        .tuples()
    )
    cards = [card for (card,) in query]
    rng.shuffle(cards)
    chosen = []
    for card in cards:
        if (
            not scan_card(session, card).blocks
            and len(open_loans(Reader.get(Reader.card_number == card).id, session.now().date())) <= 1
        ):
            chosen.append(card)
        if len(chosen) == count:
            break
    return chosen


def _with_history(session: Session, card: str, past: int, rng: random.Random) -> None:
    """Load returned loans for the reader until ``past`` are linked to them (returned within the
    retention period), each journaled as the history load journals its loans."""
    reader = Reader.get(Reader.card_number == card)
    missing = past - Loan.select().where(Loan.reader == reader.id, Loan.ended_at.is_null(False)).count()
    if missing <= 0:
        return
    now = session.now()
    born = dt.date.fromisoformat(reader.birth_date) if reader.birth_date else None
    items = list(
        Item.select(Item.id, Item.barcode, Item.branch)
        .where(Item.status == "available")
        .order_by(Item.id)
        .limit(20 * missing)
    )
    with session.write() as writer:
        for n in range(missing):
            item = rng.choice(items)
            ended = now - dt.timedelta(days=rng.uniform(1, 80), hours=n % 24)
            loaned = ended - dt.timedelta(days=rng.uniform(2, 25))
            loan = Loan.create(
                item=item.id,
                reader=reader.id,
                reader_type=reader.reader_type_id,
                age_band=age_band(born, loaned.date()),
                reader_branch=reader.branch_id,
                item_type="book",
                branch=item.branch_id,
                rule_id="*/*/*",
                loaned_at=loaned.isoformat(timespec="seconds"),
                due_on=(loaned + dt.timedelta(days=30)).date().isoformat(),
                ended_at=ended.isoformat(timespec="seconds"),
                ended_as="returned",
                end_branch=item.branch_id,
            )
            writer.journal(
                LOAD_ACTION,
                "loan",
                loan.id,
                {
                    "item_id": item.id,
                    "barcode": item.barcode,
                    "loaned_at": loan.loaned_at,
                    "returned_at": loan.ended_at,
                },
            )


class Floor:
    """The same writes as checkout and return, in plain ``sqlite3``: one transaction each."""

    def __init__(self, path: Path, session: Session, point: ServicePoint) -> None:
        self.raw = raw_connection(path, isolation_level=None)
        self.point, self.branch = point.id, point.branch_id
        self.today = session.now().date()
        self.loans: dict[str, str] = {}  # barcode -> loan id

    def _journal(self, action: str, loan_id: str, data: dict) -> None:
        self.raw.execute(
            "INSERT INTO journal (node_id, seq, hlc, wall_time, staff_id, action, entity_type, entity_id, data)"
            " VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal WHERE node_id = ?),"
            " (SELECT MAX(hlc) + 1 FROM journal), ?, NULL, ?, 'loan', ?, ?)",
            (
                FLOOR_NODE,
                FLOOR_NODE,
                dt.datetime.now().isoformat(),
                action,
                loan_id,
                json.dumps(data, ensure_ascii=False, sort_keys=True),
            ),
        )

    def checkout(self, card: str, barcode: str) -> None:
        now = dt.datetime.now().isoformat(timespec="seconds")
        due = (self.today + dt.timedelta(days=30)).isoformat()
        loan_id = str(uuid.uuid4())
        self.raw.execute("BEGIN IMMEDIATE")
        item_id, item_type = self.raw.execute("SELECT id, item_type FROM item WHERE barcode = ?", (barcode,)).fetchone()
        reader_id, reader_type, branch = self.raw.execute(
            "SELECT id, reader_type, branch_id FROM reader WHERE card_number = ?", (card,)
        ).fetchone()
        self.raw.execute(
            "INSERT INTO loan (id, item_id, reader_id, reader_type, age_band, reader_branch_id, item_type, branch_id,"
            " service_point_id, rule_id, loaned_at, due_on, renewals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (
                loan_id,
                item_id,
                reader_id,
                reader_type,
                "35-59",
                branch,
                item_type,
                self.branch,
                self.point,
                "*/*/*",
                now,
                due,
            ),
        )
        self.raw.execute("UPDATE item SET status = 'on_loan', updated_at = ? WHERE id = ?", (now, item_id))
        self._journal("bench.floor.checkout", loan_id, {"barcode": barcode, "due_on": due})
        self.raw.execute("COMMIT")
        self.loans[barcode] = loan_id

    def give_back(self, barcode: str) -> None:
        now = dt.datetime.now().isoformat(timespec="seconds")
        loan_id = self.loans[barcode]
        self.raw.execute("BEGIN IMMEDIATE")
        self.raw.execute(
            "UPDATE loan SET ended_at = ?, ended_as = 'returned', end_branch_id = ?,"
            " end_service_point_id = ? WHERE id = ?",
            (now, self.branch, self.point, loan_id),
        )
        self.raw.execute("UPDATE item SET status = 'available', updated_at = ? WHERE barcode = ?", (now, barcode))
        self._journal("bench.floor.return", loan_id, {"barcode": barcode})
        self.raw.execute("COMMIT")

    def desk(self, card: str) -> None:
        reader_id = self.raw.execute(
            "SELECT reader_id FROM reader_card JOIN reader ON reader.id = reader_id WHERE reader_card.card_number = ?",
            (card,),
        ).fetchone()[0]
        self.raw.execute(
            "SELECT loan.*, item.barcode, bib_record.title FROM loan JOIN item ON item.id = loan.item_id"
            " JOIN bib_record ON bib_record.id = item.bib_id WHERE loan.reader_id = ?"
            " AND loan.ended_at IS NULL ORDER BY due_on",
            (reader_id,),
        ).fetchall()
        self.raw.execute("SELECT COUNT(*) FROM loan WHERE reader_id = ?", (reader_id,)).fetchone()

    def close(self) -> None:
        """The floor's loans go; its journal rows stay (the journal is append-only)."""
        self.raw.executemany("DELETE FROM loan WHERE id = ?", [(loan_id,) for loan_id in self.loans.values()])
        self.raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="a library made by bench/generate.py")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(11)
    library = open_library(args.db)
    session = log_in(library, "admin", PASSWORD)
    items, readers, loans = (
        library.database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("item", "reader", "loan")
    )
    print(f"{items:,} items, {readers:,} readers, {loans:,} loans in {args.db}")
    point = _lending_desk(library.node.branch_id)
    runs = args.runs
    copies = _copies(point, 2 * runs, rng)
    cards = _borrowers(session, max(1, runs // 3) + 2, rng)
    heavy, light, cards = cards[0], cards[1], cards[2:]
    ours, floor_copies = copies[:runs], copies[runs:]
    runs = min(runs, len(ours), len(floor_copies))
    floor = Floor(args.db, session, point)
    try:
        lend = measure(
            "checkout (service, committed)",
            lambda i: checkout(session, cards[i % len(cards)], ours[i], point=point.code),
            runs,
        )
        back = measure("return (service, committed)", lambda i: return_item(session, ours[i], point=point.code), runs)
        floor_lend = measure(
            "  floor: insert loan, item, journal",
            lambda i: floor.checkout(cards[i % len(cards)], floor_copies[i]),
            runs,
        )
        floor_back = measure("  floor: close loan, item, journal", lambda i: floor.give_back(floor_copies[i]), runs)
        print(lend.line(floor_lend))
        print(floor_lend.line())
        print(back.line(floor_back))
        print(floor_back.line())
        _with_history(session, heavy, HEAVY, rng)
        _with_history(session, light, LIGHT, rng)
        today = session.now().date()
        for card, past in ((heavy, HEAVY), (light, LIGHT)):
            reader_id = Reader.get(Reader.card_number == card).id
            view = measure(f"reader_at_desk, {past} past loans", lambda i: reader_at_desk(session, card), runs)
            parts = measure(
                f"scan_card + open_loans, {past} past loans",
                lambda i: (scan_card(session, card), open_loans(reader_id, today)),
                runs,
            )
            raw = measure("  floor: card, open loans, count", lambda i: floor.desk(card), runs)
            print(view.line(raw))
            print(parts.line(raw))
            print(raw.line())
    finally:
        floor.close()
        library.close()


if __name__ == "__main__":
    main()
