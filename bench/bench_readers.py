"""Reader look-up at the desk, against the raw-SQLite floor measured in the same run.

On a generated library (``bench/generate.py``), times ``find_readers`` by card number, by
name (a surname and given name's first character, as a desk types it) and by ID number
(through the keyed hash), and ``scan_card`` (the card scanned at the front desk, with every
block worked out). The floor is the bare indexed lookup in plain ``sqlite3`` (the HMAC
included for the ID number), without models, blocks or summaries.

Run: ``.venv/bin/python bench/bench_readers.py --db PATH [--runs N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PASSWORD  # noqa: E402
from stats import measure, raw_connection  # noqa: E402

from ils.library import open_library  # noqa: E402
from ils.readers.idnumbers import lookup_candidates  # noqa: E402
from ils.readers.keys import load_keys  # noqa: E402
from ils.readers.readers import ID_FIELD, find_readers, scan_card  # noqa: E402
from ils.staff import log_in  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--password", default=PASSWORD)
    args = parser.parse_args()
    library = open_library(args.db)
    session = log_in(library, "admin", args.password)
    keys = load_keys(library)
    today = session.now().date()
    raw = raw_connection(args.db)
    sample = raw.execute(
        "SELECT r.id, r.card_number, r.name, r.id_cipher FROM reader r JOIN reader_card c"
        " ON c.card_number = r.card_number AND c.state = 'active'"
        " WHERE r.cancelled_at IS NULL AND r.id_cipher IS NOT NULL ORDER BY random() LIMIT ?",
        (args.runs,),
    ).fetchall()
    print(f"{raw.execute('SELECT COUNT(*) FROM reader').fetchone()[0]:,} readers in {args.db}")
    cards = [card for _id, card, _n, _c in sample]
    names = [name[:2] for _id, _card, name, _c in sample]
    numbers = [keys.open(reader_id, ID_FIELD, bytes(cipher)) for reader_id, _card, _n, cipher in sample]
    n = len(sample)

    def floor_id(i: int) -> list:
        hashes = [keys.digest(c.namespace, c.number) for c in lookup_candidates(numbers[i % n], today)]
        return raw.execute(f"SELECT * FROM reader WHERE id_hash IN ({','.join('?' * len(hashes))})", hashes).fetchall()

    cases = [
        (
            "by card number",
            lambda i: find_readers(session, cards[i % n]),
            lambda i: raw.execute(
                "SELECT r.* FROM reader_card c JOIN reader r ON r.id = c.reader_id WHERE c.card_number = ?",
                (cards[i % n],),
            ).fetchall(),
        ),
        (
            "by name (two characters)",
            lambda i: find_readers(session, names[i % n]),
            lambda i: raw.execute(
                "SELECT * FROM reader WHERE name >= ? AND name < ? ORDER BY name_pinyin LIMIT 50",
                (names[i % n], names[i % n] + "\U0010ffff"),
            ).fetchall(),
        ),
        ("by ID number (keyed hash)", lambda i: find_readers(session, numbers[i % n]), floor_id),
        (
            "card scanned at the desk (scan_card)",
            lambda i: scan_card(session, cards[i % n]),
            lambda i: raw.execute(
                "SELECT r.* FROM reader_card c JOIN reader r ON r.id = c.reader_id WHERE c.card_number = ?",
                (cards[i % n],),
            ).fetchall(),
        ),
    ]
    for name, ours, floor in cases:
        mine = measure(f"reader look-up {name}", ours, args.runs)
        base = measure("  raw sqlite3 floor", floor, args.runs)
        print(mine.line(base))
        print(base.line())
    raw.close()
    library.close()


if __name__ == "__main__":
    main()
